"""The secretariat writes papers: create, edit, publish, withdraw, and replace by a new version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.audit.service import record
from council.bodies.models import Body, Organization, OrganizationKind, Person
from council.db import utcnow
from council.errors import PermissionDenied, ValidationFailed
from council.meetings.models import AgendaItem
from council.messages import N_
from council.numbering.patterns import uses_faction
from council.papers.models import Consultation, Paper, PaperKind, Submitter
from council.papers.numbering import next_reference, next_version_reference, reference_pattern
from council.papers.rules import related_problem, submitter_problems, text_problems
from council.papers.service import load_paper


@dataclass(frozen=True)
class PaperInput:
    kind: PaperKind
    title: str
    date: dt.date
    proposed_resolution: str = ""
    reasons: str = ""
    lead_department_id: int | None = None
    person_ids: tuple[int, ...] = ()
    faction_ids: tuple[int, ...] = ()
    public: bool = True
    # The related paper by its number, as the secretariat knows it ("VO/2014/01919").
    related_reference: str = ""


@dataclass(frozen=True)
class _Checked:
    department: Organization | None
    related: Paper | None
    persons: list[Person]
    factions: list[Organization]


def require_secretariat(viewer: Viewer, body_id: int) -> None:
    if not viewer.is_secretariat(body_id):
        raise PermissionDenied("papers")


async def _check(session: AsyncSession, body: Body, data: PaperInput, paper: Paper | None) -> _Checked:
    """Every problem of the input at once, by form field; nothing is written before this passes."""
    errors = text_problems(data.title, data.proposed_resolution, data.reasons)
    department = await _organization(session, body, data.lead_department_id, OrganizationKind.DEPARTMENT)
    if data.lead_department_id is not None and department is None:
        errors["lead_department"] = N_("Bitte eine der angebotenen Verwaltungseinheiten wählen.")
    factions = [await _organization(session, body, i, OrganizationKind.FACTION) for i in data.faction_ids]
    if any(f is None for f in factions):
        errors["faction"] = N_("Bitte eine der angebotenen Fraktionen wählen.")
    persons = [await session.get(Person, i) for i in dict.fromkeys(data.person_ids)]
    if any(p is None or p.deleted or p.body_id != body.id for p in persons):
        errors["persons"] = N_("Bitte nur angebotene Personen wählen.")
    errors.update(
        submitter_problems(
            data.kind, persons=len(persons), factions=len(factions), lead_department=department is not None
        )
    )
    if paper is None and not factions and uses_faction(reference_pattern(body, data.kind)):
        errors.setdefault(
            "faction", N_("Die Nummer dieser Art nennt die Fraktion: bitte die einreichende Fraktion wählen.")
        )
    related = await _related(session, body, data.related_reference)
    given = bool(data.related_reference.strip())
    if given and (related is None or (paper is not None and related.id == paper.id)):
        errors["related_paper"] = N_("Zu dieser Nummer gibt es keine andere Vorlage der Kommune.")
    elif problem := related_problem(data.kind, related.kind if related else None, given=given):
        errors["related_paper"] = problem
    if not 1900 <= data.date.year <= 9999:
        errors["date"] = N_("Bitte ein gültiges Datum angeben.")
    if errors:
        raise ValidationFailed(errors)
    return _Checked(department, related, [p for p in persons if p is not None], [f for f in factions if f is not None])


async def _related(session: AsyncSession, body: Body, reference: str) -> Paper | None:
    if not reference.strip():
        return None
    related: Paper | None = await session.scalar(
        select(Paper).where(Paper.body_id == body.id, Paper.reference == reference.strip(), Paper.deleted.is_(False))
    )
    return related


async def _organization(
    session: AsyncSession, body: Body, organization_id: int | None, kind: OrganizationKind
) -> Organization | None:
    if organization_id is None:
        return None
    organization = await session.get(Organization, organization_id)
    if organization is None or organization.deleted or organization.body_id != body.id or organization.kind != kind:
        return None
    return organization


def _submitters(paper_id: int, checked: _Checked) -> list[Submitter]:
    """Factions first, as printed on a motion ("Fraktion BÜNDNIS 90/DIE GRÜNEN, Tobias Rieck")."""
    rows = [Submitter(paper_id=paper_id, organization_id=f.id) for f in checked.factions]
    rows += [Submitter(paper_id=paper_id, person_id=p.id) for p in checked.persons]
    for position, row in enumerate(rows, start=1):
        row.position = position
    return rows


def _write_fields(paper: Paper, data: PaperInput, checked: _Checked) -> None:
    paper.title = data.title.strip()
    paper.date = data.date
    paper.proposed_resolution = data.proposed_resolution.strip() or None
    paper.reasons = data.reasons.strip() or None
    paper.lead_department_id = checked.department.id if checked.department else None
    paper.public = data.public
    paper.related_paper_id = checked.related.id if checked.related else None


async def create_paper(
    session: AsyncSession, body: Body, viewer: Viewer, data: PaperInput, *, publish: bool, now: dt.datetime
) -> Paper:
    require_secretariat(viewer, body.id)
    checked = await _check(session, body, data, None)
    faction = checked.factions[0].short_name or checked.factions[0].name if checked.factions else ""
    # The number is drawn last: validation problems never hold the series' lock.
    reference = await next_reference(session, body, data.kind, data.date.year, faction)
    paper = Paper(body_id=body.id, reference=reference, kind=data.kind, published_at=now if publish else None)
    _write_fields(paper, data, checked)
    session.add(paper)
    await session.flush()
    session.add_all(_submitters(paper.id, checked))
    await session.flush()
    audit_paper(session, viewer, paper, "paper.created", now, {"reference": reference})
    return paper


async def update_paper(session: AsyncSession, paper_id: int, viewer: Viewer, data: PaperInput, body: Body) -> Paper:
    """The number and kind stay as given; everything else may be corrected until the paper is withdrawn."""
    paper = await editable_paper(session, paper_id, viewer)
    if data.kind is not paper.kind:
        raise ValidationFailed({"kind": N_("Die Art einer Vorlage ändert sich nicht; ihre Nummer hängt daran.")})
    checked = await _check(session, body, data, paper)
    _write_fields(paper, data, checked)
    for old in list(paper.submitters):
        await session.delete(old)
    await session.flush()
    session.add_all(_submitters(paper.id, checked))
    paper.modified = utcnow()
    await session.flush()
    audit_paper(session, viewer, paper, "paper.updated", utcnow(), {})
    return paper


async def publish_paper(session: AsyncSession, paper_id: int, viewer: Viewer, now: dt.datetime) -> Paper:
    paper = await editable_paper(session, paper_id, viewer)
    if paper.published:
        raise ValidationFailed({"publish": N_("Die Vorlage ist bereits veröffentlicht.")})
    paper.published_at = now
    await session.flush()
    audit_paper(session, viewer, paper, "paper.published", now, {})
    return paper


async def withdraw_paper(session: AsyncSession, paper_id: int, viewer: Viewer, reason: str, now: dt.datetime) -> Paper:
    """Withdrawn papers stay readable with the time and reason; they are not deliberated any more."""
    paper = await editable_paper(session, paper_id, viewer)
    if not reason.strip():
        raise ValidationFailed({"withdrawal_reason": N_("Bitte den Grund der Zurückziehung angeben.")})
    if len(reason) > 2000:
        raise ValidationFailed({"withdrawal_reason": N_("Der Grund ist zu lang (höchstens 2000 Zeichen).")})
    paper.withdrawn_at = now
    paper.withdrawal_reason = reason.strip()
    await session.flush()
    audit_paper(session, viewer, paper, "paper.withdrawn", now, {"reason": paper.withdrawal_reason})
    return paper


async def replace_paper(session: AsyncSession, paper_id: int, viewer: Viewer, now: dt.datetime) -> Paper:
    """A new version (Neufassung) with the original's number and a suffix. It takes over the steps of the
    Beratungsfolge that no agenda has reached yet; the steps already taken stay with the original."""
    paper = await editable_paper(session, paper_id, viewer)
    original = paper.original if paper.original is not None else paper
    version, reference = await next_version_reference(session, original)
    replacement = Paper(
        body_id=paper.body_id,
        reference=reference,
        kind=paper.kind,
        title=paper.title,
        date=now.date(),
        proposed_resolution=paper.proposed_resolution,
        reasons=paper.reasons,
        public=paper.public,
        lead_department_id=paper.lead_department_id,
        related_paper_id=paper.related_paper_id,
        original_id=original.id,
        version=version,
    )
    session.add(replacement)
    await session.flush()
    session.add_all(
        Submitter(
            paper_id=replacement.id, position=s.position, person_id=s.person_id, organization_id=s.organization_id
        )
        for s in paper.submitters
    )
    await _hand_over_pending_steps(session, paper, replacement)
    audit_paper(session, viewer, replacement, "paper.replaced", now, {"replaces": paper.id, "reference": reference})
    return replacement


async def _hand_over_pending_steps(session: AsyncSession, paper: Paper, replacement: Paper) -> None:
    on_agenda = set(
        await session.scalars(
            select(AgendaItem.consultation_id).where(
                AgendaItem.consultation_id.in_([c.id for c in paper.consultations]), AgendaItem.deleted.is_(False)
            )
        )
    )
    pending = [c for c in paper.consultations if c.id not in on_agenda and not c.deleted]
    kept = [c for c in paper.consultations if c.id in on_agenda and not c.deleted]
    for step in pending:
        step.paper_id = replacement.id
    await renumber(session, pending)
    await renumber(session, kept)


async def renumber(session: AsyncSession, steps: list[Consultation]) -> None:
    """Positions 1, 2, … in the given order. Positions are unique per paper and rows are written one at a time,
    so every step first steps out of the way to a negative position."""
    for index, step in enumerate(steps, start=1):
        step.position = -index
    await session.flush()
    for index, step in enumerate(steps, start=1):
        step.position = index
    await session.flush()


async def lock_paper(session: AsyncSession, paper_id: int) -> None:
    """Take the paper's write lock before reading what a change depends on: a row lock on PostgreSQL, the
    database write lock on SQLite. Concurrent edits of one paper then queue instead of colliding."""
    await session.execute(update(Paper).where(Paper.id == paper_id).values(modified=utcnow()))


async def editable_paper(session: AsyncSession, paper_id: int, viewer: Viewer) -> Paper:
    paper = await load_paper(session, paper_id)
    require_secretariat(viewer, paper.body_id)
    await lock_paper(session, paper_id)
    paper = await load_paper(session, paper_id)
    if paper.withdrawn:
        raise ValidationFailed({"paper": N_("Die Vorlage ist zurückgezogen und kann nicht mehr geändert werden.")})
    return paper


def audit_paper(
    session: AsyncSession, viewer: Viewer, paper: Paper, action: str, at: dt.datetime, data: dict[str, object]
) -> None:
    record(
        session,
        action=action,
        subject_type="paper",
        subject_id=paper.id,
        actor_user_id=viewer.user_id,
        body_id=paper.body_id,
        data=data,
        at=at,
    )
