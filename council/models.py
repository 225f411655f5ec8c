"""Import every model so the metadata is complete (for Alembic and for tests)."""

from council.accounts.models import BodyRole, BodyRoleKind, LoginAttempt, User
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
from council.papers.models import Consultation, ConsultationRole, File, Paper, PaperKind, Submitter

__all__ = [
    "AgendaItem",
    "Attendance",
    "AttendanceStatus",
    "Base",
    "Body",
    "BodyRole",
    "BodyRoleKind",
    "Consultation",
    "ConsultationRole",
    "File",
    "LegislativeTerm",
    "Location",
    "LoginAttempt",
    "Meeting",
    "MeetingMode",
    "MeetingState",
    "Membership",
    "MembershipRole",
    "Organization",
    "OrganizationKind",
    "Paper",
    "PaperKind",
    "Person",
    "RuleSet",
    "Submitter",
    "User",
]
