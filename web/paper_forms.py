"""Reading the paper forms: text fields, choices, several persons, checkboxes and dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from council.errors import ValidationFailed
from council.messages import N_
from council.papers.editing import PaperInput
from council.papers.models import ConsultationRole, PaperKind
from council.papers.rules import TEXT_LIMIT
from web.pages import form_value

# The form's fields as they are shown again after a refusal.
PAPER_FIELDS = ("kind", "title", "date", "proposed_resolution", "reasons", "lead_department", "faction", "related")


def form_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {name: form_value(data, name, TEXT_LIMIT + 1) for name in PAPER_FIELDS}
    values["persons"] = [str(i) for i in form_ids(data, "persons")]
    values["public"] = bool(form_value(data, "public", 5))
    values["publish"] = bool(form_value(data, "publish", 5))
    return values


def form_ids(data: Mapping[str, Any], name: str) -> list[int]:
    """A multiple choice: every selected id; anything that is no id is dropped (it cannot be a valid choice)."""
    raw = data.get(name, [])
    values = raw if isinstance(raw, list) else [raw]
    return [int(v) for v in (str(v).strip() for v in values[:200]) if v.isdigit()]


def optional_id(data: Mapping[str, Any], name: str, message: str) -> int | None:
    raw = form_value(data, name, 12).strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationFailed({name: message})
    return int(raw)


def paper_input(data: Mapping[str, Any]) -> PaperInput:
    """The form as the service's input; problems of the form itself (not of the paper) raise at once."""
    errors: dict[str, str] = {}
    try:
        kind = PaperKind(form_value(data, "kind", 40))
    except ValueError:
        errors["kind"] = N_("Bitte die Art der Vorlage wählen.")
        kind = PaperKind.RESOLUTION_PROPOSAL
    try:
        day = dt.date.fromisoformat(form_value(data, "date", 10).strip())
    except ValueError:
        errors["date"] = N_("Bitte ein Datum wie 2026-03-18 angeben.")
        day = dt.date.today()
    department = faction = None
    try:
        department = optional_id(data, "lead_department", N_("Bitte eine der angebotenen Verwaltungseinheiten wählen."))
        faction = optional_id(data, "faction", N_("Bitte eine der angebotenen Fraktionen wählen."))
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    return PaperInput(
        kind=kind,
        title=form_value(data, "title", 1000),
        date=day,
        proposed_resolution=form_value(data, "proposed_resolution", TEXT_LIMIT + 1),
        reasons=form_value(data, "reasons", TEXT_LIMIT + 1),
        lead_department_id=department,
        person_ids=tuple(form_ids(data, "persons")),
        faction_ids=(faction,) if faction is not None else (),
        public=bool(form_value(data, "public", 5)),
        related_reference=form_value(data, "related", 80),
    )


def consultation_role(data: Mapping[str, Any]) -> ConsultationRole:
    try:
        return ConsultationRole(form_value(data, "role", 40))
    except ValueError:
        raise ValidationFailed({"role": N_("Bitte Vorberatung, Entscheidung oder Kenntnisnahme wählen.")}) from None
