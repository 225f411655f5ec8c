"""German words for code values, as OParl clients read them.

The open data's vocabulary is its own: German whatever the UI's language, and stable, since clients match on
it, even when the site's wording changes. One table per enum type (StrEnum members of different types with
equal values are equal keys).
"""

from __future__ import annotations

from council.bodies.models import MembershipRole, OrganizationKind
from council.meetings.models import MeetingState
from council.papers.models import ConsultationRole, PaperKind

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

PAPER_TYPES = {
    PaperKind.MOTION: "Antrag",
    PaperKind.RESOLUTION_PROPOSAL: "Beschlussvorlage",
    PaperKind.INQUIRY: "Anfrage",
    PaperKind.ANSWER: "Antwort",
    PaperKind.INFORMATION: "Mitteilungsvorlage",
    PaperKind.AMENDMENT: "Änderungsantrag",
}

MEMBERSHIP_ROLES = {
    MembershipRole.CHAIR: "Vorsitz",
    MembershipRole.VICE_CHAIR: "stellvertretender Vorsitz",
    MembershipRole.MEMBER: "Mitglied",
    MembershipRole.DEPUTY: "stellvertretendes Mitglied",
    MembershipRole.EXPERT_CITIZEN: "sachkundige Bürgerin / sachkundiger Bürger",
    MembershipRole.ADVISORY: "beratendes Mitglied",
}

CONSULTATION_ROLES = {
    ConsultationRole.PRIOR_DELIBERATION: "Vorberatung",
    ConsultationRole.DECISION: "Entscheidung",
    ConsultationRole.INFORMATION: "Kenntnisnahme",
}
