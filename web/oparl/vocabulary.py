"""German words for code values, as OParl clients expect them (the data's language, whatever the UI's)."""

from __future__ import annotations

from enum import Enum

from council.bodies.models import OrganizationKind
from council.meetings.models import MeetingState
from web.labels import LABELS

# OParl recommends "terminiert", "eingeladen" (until the minutes are released) and "durchgeführt".
MEETING_STATES = {
    MeetingState.PLANNED: "terminiert",
    MeetingState.INVITED: "eingeladen",
    MeetingState.OPENED: "eingeladen",
    MeetingState.CLOSED: "durchgeführt",
    MeetingState.CANCELLED: "abgesagt",
}

# organizationType and classification with the values the OParl schema names; "Parlament" for the council.
ORGANIZATION_TYPES = {
    OrganizationKind.COUNCIL: ("Gremium", "Parlament"),
    OrganizationKind.COMMITTEE: ("Gremium", "Ausschuss"),
    OrganizationKind.ADVISORY_BOARD: ("Gremium", "Beirat"),
    OrganizationKind.LOCAL_COUNCIL: ("Gremium", "Ortsbeirat"),
    OrganizationKind.FACTION: ("Fraktion", "Fraktion"),
    OrganizationKind.DEPARTMENT: ("Verwaltungsbereich", "Verwaltungseinheit"),
}


def word(value: Enum) -> str:
    """The German label of a paper kind, membership role or consultation role: the UI's source text."""
    return LABELS[value]
