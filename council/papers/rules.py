"""What a paper needs, by kind (pure functions over plain data)."""

from __future__ import annotations

from council.messages import N_
from council.papers.models import PaperKind

# Papers of the administration carry its lead department; motions and inquiries come from members or factions.
ADMINISTRATION_KINDS = frozenset({PaperKind.RESOLUTION_PROPOSAL, PaperKind.INFORMATION, PaperKind.ANSWER})
# An Antwort answers an Anfrage; an Änderungsantrag amends another paper.
RELATED_KIND = {PaperKind.ANSWER: frozenset({PaperKind.INQUIRY}), PaperKind.AMENDMENT: None}

TITLE_LIMIT = 500
TEXT_LIMIT = 100_000


def submitter_problems(kind: PaperKind, *, persons: int, factions: int, lead_department: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind in ADMINISTRATION_KINDS and not lead_department:
        errors["lead_department"] = N_("Bitte die federführende Verwaltungseinheit wählen.")
    if kind not in ADMINISTRATION_KINDS and persons + factions == 0:
        errors["submitters"] = N_("Bitte angeben, wer die Vorlage einreicht (Personen und/oder eine Fraktion).")
    if factions > 1:
        errors["faction"] = N_("Bitte höchstens eine Fraktion angeben.")
    return errors


def related_problem(kind: PaperKind, related_kind: PaperKind | None, *, given: bool) -> str | None:
    """An Antwort needs its Anfrage, an Änderungsantrag the paper it amends; other kinds may name a related one."""
    if kind in RELATED_KIND and not given:
        return N_("Bitte die Vorlage angeben, auf die sich diese bezieht.")
    allowed = RELATED_KIND.get(kind)
    if given and allowed is not None and related_kind not in allowed:
        return N_("Eine Antwort bezieht sich auf eine Anfrage.")
    return None


def text_problems(title: str, proposed_resolution: str, reasons: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = N_("Bitte den Betreff angeben.")
    elif len(title.strip()) > TITLE_LIMIT:
        errors["title"] = N_("Der Betreff ist zu lang (höchstens 500 Zeichen).")
    if len(proposed_resolution) > TEXT_LIMIT:
        errors["proposed_resolution"] = N_("Der Beschlussvorschlag ist zu lang.")
    if len(reasons) > TEXT_LIMIT:
        errors["reasons"] = N_("Die Begründung ist zu lang.")
    return errors
