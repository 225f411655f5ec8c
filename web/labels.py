"""Human labels of domain enums, through gettext. The one place UI wording for code values lives."""

from __future__ import annotations

from enum import Enum

from council.accounts.models import BodyRoleKind
from council.bodies.models import MembershipRole, OrganizationKind, RuleSet
from council.meetings.models import AttendanceStatus, MeetingMode, MeetingState
from council.messages import N_
from council.minutes.models import ApprovalVia, MinutesState, SignatureRole
from council.papers.listing import PaperState
from council.papers.models import ConsultationRole, PaperKind
from council.resolutions.deadlines import Recurrence
from council.resolutions.models import TaskStatus
from council.voting.models import PollKind, PollState, PollSubject
from council.voting.rules import Choice, ItemResult, Majority
from web.i18n import gettext as _

# Pairs, not a dict literal: members of different enums can share a value (MeetingState.CANCELLED and
# TaskStatus.CANCELLED are both "cancelled"); as keys of one dict they would overwrite each other.
_PAIRS: tuple[tuple[Enum, str], ...] = (
    (OrganizationKind.COUNCIL, N_("Rat")),
    (OrganizationKind.COMMITTEE, N_("Ausschuss")),
    (OrganizationKind.ADVISORY_BOARD, N_("Beirat")),
    (OrganizationKind.LOCAL_COUNCIL, N_("Ortsbeirat")),
    (OrganizationKind.FACTION, N_("Fraktion")),
    (OrganizationKind.DEPARTMENT, N_("Verwaltungseinheit")),
    (MembershipRole.CHAIR, N_("Vorsitz")),
    (MembershipRole.VICE_CHAIR, N_("stellv. Vorsitz")),
    (MembershipRole.MEMBER, N_("Mitglied")),
    (MembershipRole.DEPUTY, N_("stellv. Mitglied")),
    (MembershipRole.EXPERT_CITIZEN, N_("sachkundige:r Bürger:in")),
    (MembershipRole.ADVISORY, N_("beratendes Mitglied")),
    (MeetingState.PLANNED, N_("geplant")),
    (MeetingState.INVITED, N_("eingeladen")),
    (MeetingState.OPENED, N_("eröffnet")),
    (MeetingState.CLOSED, N_("geschlossen")),
    (MeetingState.CANCELLED, N_("abgesagt")),
    (MeetingMode.IN_PERSON, N_("Präsenzsitzung")),
    (MeetingMode.ONLINE, N_("Videositzung")),
    (MeetingMode.HYBRID, N_("hybride Sitzung")),
    (AttendanceStatus.PRESENT, N_("anwesend")),
    (AttendanceStatus.EXCUSED, N_("entschuldigt")),
    (AttendanceStatus.ABSENT, N_("abwesend")),
    (PaperKind.MOTION, N_("Antrag")),
    (PaperKind.RESOLUTION_PROPOSAL, N_("Beschlussvorlage")),
    (PaperKind.INQUIRY, N_("Anfrage")),
    (PaperKind.ANSWER, N_("Antwort")),
    (PaperKind.INFORMATION, N_("Mitteilungsvorlage")),
    (PaperKind.AMENDMENT, N_("Änderungsantrag")),
    (PaperState.DRAFT, N_("Entwurf")),
    (PaperState.PUBLISHED, N_("veröffentlicht")),
    (PaperState.WITHDRAWN, N_("zurückgezogen")),
    (ConsultationRole.PRIOR_DELIBERATION, N_("Vorberatung")),
    (ConsultationRole.DECISION, N_("Entscheidung")),
    (ConsultationRole.INFORMATION, N_("Kenntnisnahme")),
    (BodyRoleKind.ADMIN, N_("Administration")),
    (BodyRoleKind.SECRETARIAT, N_("Sitzungsdienst")),
    (RuleSet.DEFAULT, N_("allgemeine Regeln")),
    (RuleSet.BADEN_WUERTTEMBERG, N_("Baden-Württemberg")),
    (RuleSet.BAYERN, N_("Bayern")),
    (RuleSet.NORDRHEIN_WESTFALEN, N_("Nordrhein-Westfalen")),
    (RuleSet.SAARLAND, N_("Saarland")),
    (RuleSet.HESSEN, N_("Hessen")),
    (RuleSet.THUERINGEN, N_("Thüringen")),
    (RuleSet.SCHLESWIG_HOLSTEIN, N_("Schleswig-Holstein")),
    (PollKind.OPEN, N_("offene Abstimmung (Handzeichen)")),
    (PollKind.NAMED, N_("namentliche Abstimmung")),
    (PollKind.SECRET, N_("geheime Abstimmung")),
    (PollState.CREATED, N_("vorbereitet")),
    (PollState.OPEN, N_("läuft")),
    (PollState.CLOSED, N_("geschlossen")),
    (PollState.PUBLISHED, N_("veröffentlicht")),
    (PollState.CANCELLED, N_("abgebrochen")),
    (PollSubject.MAIN, N_("Beschlussvorschlag")),
    (PollSubject.AMENDMENT, N_("Änderungsantrag")),
    (PollSubject.PROCEDURAL, N_("Geschäftsordnungsantrag")),
    (Choice.YES, N_("Ja")),
    (Choice.NO, N_("Nein")),
    (Choice.ABSTAIN, N_("Enthaltung")),
    (Majority.SIMPLE, N_("einfache Mehrheit der abgegebenen Stimmen")),
    (Majority.ABSOLUTE, N_("Mehrheit der gesetzlichen Mitglieder")),
    (Majority.TWO_THIRDS_CAST, N_("Zweidrittelmehrheit der abgegebenen Stimmen")),
    (Majority.TWO_THIRDS_STATUTORY, N_("Zweidrittelmehrheit der gesetzlichen Mitglieder")),
    (ItemResult.ADOPTED, N_("ungeändert beschlossen")),
    (ItemResult.ADOPTED_AMENDED, N_("mit Änderungen beschlossen")),
    (ItemResult.REJECTED, N_("abgelehnt")),
    (ItemResult.NOTED, N_("zur Kenntnis genommen")),
    (ItemResult.POSTPONED, N_("vertagt")),
    (ItemResult.WITHDRAWN, N_("zurückgezogen")),
    (ItemResult.REFERRED, N_("verwiesen")),
    (TaskStatus.OPEN, N_("offen")),
    (TaskStatus.IN_PROGRESS, N_("in Bearbeitung")),
    (TaskStatus.DONE, N_("erledigt")),
    (TaskStatus.CANCELLED, N_("entfallen")),
    (Recurrence.NONE, N_("einmalig")),
    (Recurrence.MONTHLY, N_("monatlich")),
    (Recurrence.QUARTERLY, N_("vierteljährlich")),
    (Recurrence.HALF_YEARLY, N_("halbjährlich")),
    (Recurrence.YEARLY, N_("jährlich")),
    (MinutesState.DRAFT, N_("Entwurf")),
    (MinutesState.SUBMITTED, N_("zur Genehmigung")),
    (MinutesState.APPROVED, N_("genehmigt")),
    (ApprovalVia.MEETING, N_("in der Sitzung")),
    (ApprovalVia.CHAIR, N_("durch den Vorsitz")),
    (SignatureRole.CHAIR, N_("Vorsitz")),
    (SignatureRole.CLERK, N_("Schriftführung")),
)


HEADINGS: dict[OrganizationKind, str] = {
    OrganizationKind.COUNCIL: N_("Rat"),
    OrganizationKind.COMMITTEE: N_("Ausschüsse"),
    OrganizationKind.ADVISORY_BOARD: N_("Beiräte"),
    OrganizationKind.LOCAL_COUNCIL: N_("Ortsbeiräte"),
    OrganizationKind.FACTION: N_("Fraktionen"),
    OrganizationKind.DEPARTMENT: N_("Verwaltung"),
}


LABELS: dict[tuple[type[Enum], object], str] = {(type(member), member.value): text for member, text in _PAIRS}


def label(value: Enum) -> str:
    return _(LABELS[type(value), value.value])


# Documents such as the minutes carry code values as plain strings; the enum says which words they stand for.
CODE_KINDS: dict[str, type[Enum]] = {
    "membership_role": MembershipRole,
    "poll_kind": PollKind,
    "poll_subject": PollSubject,
    "choice": Choice,
    "consultation_role": ConsultationRole,
    "paper_kind": PaperKind,
    "meeting_mode": MeetingMode,
    "signature_role": SignatureRole,
}


def code_label(value: str, kind: str) -> str:
    return label(CODE_KINDS[kind](value))


def heading(kind: OrganizationKind) -> str:
    return _(HEADINGS[kind])
