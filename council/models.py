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
from council.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingMode, MeetingState
from council.numbering.counter import NumberCounter
from council.papers.models import Consultation, ConsultationRole, File, Paper, PaperKind, Submitter
from council.resolutions.models import FollowUpTask, Resolution, ResolutionVersion
from council.voting.models import ConflictOfInterest, Poll, PollEntitlement, SecretBallotReceipt, Vote

__all__ = [
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
    "File",
    "FollowUpTask",
    "LegislativeTerm",
    "Location",
    "LoginAttempt",
    "Meeting",
    "MeetingMode",
    "MeetingState",
    "Membership",
    "MembershipRole",
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
    "SecretBallotReceipt",
    "Submitter",
    "User",
    "Vote",
]
