"""Import every model so the metadata is complete (for Alembic and for tests)."""

from council.accounts.models import BodyRole, BodyRoleKind, LoginAttempt, User
from council.audit.models import AuditChain, AuditEntry
from council.bodies.models import (
    Body,
    LegislativeTerm,
    Location,
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    Person,
    RuleSet,
)
from council.db import Base
from council.mail.models import DeliveryStatus, MailDelivery
from council.meetings.models import (
    AgendaChange,
    AgendaChangeKind,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    InvitationNotice,
    Meeting,
    MeetingMode,
    MeetingState,
)
from council.minutes.models import Minutes, MinutesItem, MinutesSignature, MinutesVersion, VoteRecordRequest
from council.numbering.counter import NumberCounter
from council.papers.models import Consultation, ConsultationRole, File, Paper, PaperKind, Submitter
from council.resolutions.models import FollowUpTask, Resolution, ResolutionVersion
from council.search.models import SearchEntry, SearchEntryOrganization
from council.voting.models import ConflictOfInterest, Poll, PollEntitlement, SecretBallotReceipt, Vote

__all__ = [
    "AgendaChange",
    "AgendaChangeKind",
    "AgendaItem",
    "Attendance",
    "AttendanceStatus",
    "AuditChain",
    "AuditEntry",
    "Base",
    "Body",
    "BodyRole",
    "BodyRoleKind",
    "ConflictOfInterest",
    "Consultation",
    "ConsultationRole",
    "DeliveryStatus",
    "File",
    "FollowUpTask",
    "InvitationNotice",
    "LegislativeTerm",
    "Location",
    "LoginAttempt",
    "MailDelivery",
    "Meeting",
    "MeetingMode",
    "MeetingState",
    "Membership",
    "MembershipRole",
    "Minutes",
    "MinutesItem",
    "MinutesSignature",
    "MinutesVersion",
    "NumberCounter",
    "Organization",
    "OrganizationKind",
    "Paper",
    "PaperKind",
    "Person",
    "Poll",
    "PollEntitlement",
    "Resolution",
    "ResolutionVersion",
    "RuleSet",
    "SearchEntry",
    "SearchEntryOrganization",
    "SecretBallotReceipt",
    "Submitter",
    "User",
    "Vote",
    "VoteRecordRequest",
]
