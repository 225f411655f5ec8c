"""Editing a paper's Beratungsfolge: add, remove and move steps, set a step's role and planned meeting.

A referral recorded as an item result (council/meetings/results.py) adds steps through the same positions, so
the editor and referrals work on one ordered list.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from council.accounts.viewer import Viewer
from council.bodies.models import Organization
from council.errors import NotFound, ValidationFailed
from council.meetings.models import AgendaItem, Meeting, MeetingState
from council.meetings.service import visible_items
from council.messages import N_
from council.papers.editing import audit_paper, editable_paper, renumber
from council.papers.models import Consultation, ConsultationRole, Paper

_PLANNABLE = frozenset({MeetingState.PLANNED, MeetingState.INVITED})


def _steps(paper: Paper) -> list[Consultation]:
    return sorted((c for c in paper.consultations if not c.deleted), key=lambda c: c.position)


def _step(paper: Paper, consultation_id: int) -> Consultation:
    for step in _steps(paper):
        if step.id == consultation_id:
            return step
    raise NotFound("consultation")


async def _organization(session: AsyncSession, paper: Paper, organization_id: int | None) -> Organization:
    organization = await session.get(Organization, organization_id) if organization_id is not None else None
    if (
        organization is None
        or organization.deleted
        or organization.body_id != paper.body_id
        or not organization.kind.is_deliberative
    ):
        raise ValidationFailed({"organization": N_("Bitte ein Gremium wählen, das Sitzungen abhält.")})
    return organization


async def _meeting(session: AsyncSession, organization_id: int, meeting_id: int | None) -> Meeting | None:
    if meeting_id is None:
        return None
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None or meeting.deleted or meeting.organization_id != organization_id:
        raise ValidationFailed({"meeting": N_("Bitte eine Sitzung dieses Gremiums wählen.")})
    if meeting.state not in _PLANNABLE:
        raise ValidationFailed({"meeting": N_("Bitte eine geplante oder eingeladene Sitzung wählen.")})
    return meeting


async def _on_agenda(session: AsyncSession, step: Consultation) -> bool:
    found = await session.scalar(
        select(AgendaItem.id).where(AgendaItem.consultation_id == step.id, AgendaItem.deleted.is_(False))
    )
    return found is not None


async def step_meetings(session: AsyncSession, steps: list[Consultation]) -> dict[int, Meeting]:
    """The meeting each step is planned for or was held in, by step id."""
    ids = {s.meeting_id for s in steps if s.meeting_id is not None}
    if not ids:
        return {}
    meetings = {
        m.id: m
        for m in await session.scalars(
            select(Meeting).where(Meeting.id.in_(ids)).options(joinedload(Meeting.organization))
        )
    }
    return {s.id: meetings[s.meeting_id] for s in steps if s.meeting_id in meetings}


async def step_outcomes(session: AsyncSession, steps: list[Consultation], viewer: Viewer) -> dict[int, AgendaItem]:
    """The agenda item that dealt with each step, where the viewer may see it (``visible_items``): its result,
    resolution number and meeting make the Beratungsfolge a timeline of what happened."""
    if not steps:
        return {}
    items = await session.scalars(
        select(AgendaItem)
        .where(AgendaItem.consultation_id.in_([s.id for s in steps]), AgendaItem.deleted.is_(False))
        .options(joinedload(AgendaItem.meeting).joinedload(Meeting.organization))
        .order_by(AgendaItem.id)
    )
    found: dict[int, AgendaItem] = {}
    for item in items:
        if item.consultation_id is not None and visible_items(item.meeting, [item], viewer):
            found[item.consultation_id] = item
    return found


async def steps_on_agenda(session: AsyncSession, steps: list[Consultation]) -> set[int]:
    """Steps an agenda has reached: their meeting and their place are the agenda's business."""
    found = await session.scalars(
        select(AgendaItem.consultation_id).where(
            AgendaItem.consultation_id.in_([s.id for s in steps]), AgendaItem.deleted.is_(False)
        )
    )
    return {i for i in found if i is not None}


async def add_step(
    session: AsyncSession,
    paper_id: int,
    viewer: Viewer,
    *,
    organization_id: int | None,
    role: ConsultationRole,
    meeting_id: int | None,
    now: dt.datetime,
) -> Consultation:
    paper = await editable_paper(session, paper_id, viewer)
    organization = await _organization(session, paper, organization_id)
    meeting = await _meeting(session, organization.id, meeting_id)
    steps = _steps(paper)
    step = Consultation(
        paper_id=paper.id,
        organization_id=organization.id,
        position=(steps[-1].position if steps else 0) + 1,
        role=role,
        meeting_id=meeting.id if meeting else None,
    )
    session.add(step)
    await session.flush()
    audit_paper(
        session, viewer, paper, "paper.step_added", now, {"consultation": step.id, "organization": organization.id}
    )
    return step


async def update_step(
    session: AsyncSession,
    paper_id: int,
    consultation_id: int,
    viewer: Viewer,
    *,
    role: ConsultationRole,
    meeting_id: int | None,
    now: dt.datetime,
) -> Consultation:
    """The role and the planned meeting; once the step is on an agenda, its meeting is that agenda's."""
    paper = await editable_paper(session, paper_id, viewer)
    step = _step(paper, consultation_id)
    if meeting_id != step.meeting_id and await _on_agenda(session, step):
        raise ValidationFailed(
            {"meeting": N_("Dieser Schritt steht bereits auf einer Tagesordnung; die Sitzung ändert sich dort.")}
        )
    meeting = await _meeting(session, step.organization_id, meeting_id)
    step.role = role
    step.meeting_id = meeting.id if meeting else None
    await session.flush()
    audit_paper(session, viewer, paper, "paper.step_changed", now, {"consultation": step.id, "role": role.value})
    return step


async def remove_step(
    session: AsyncSession, paper_id: int, consultation_id: int, viewer: Viewer, now: dt.datetime
) -> None:
    paper = await editable_paper(session, paper_id, viewer)
    step = _step(paper, consultation_id)
    if await _on_agenda(session, step):
        raise ValidationFailed(
            {
                "consultation": N_(
                    "Dieser Schritt steht bereits auf einer Tagesordnung und bleibt in der Beratungsfolge."
                )
            }
        )
    remaining = [s for s in _steps(paper) if s.id != step.id]
    await session.delete(step)
    await session.flush()
    await renumber(session, remaining)
    audit_paper(session, viewer, paper, "paper.step_removed", now, {"consultation": consultation_id})


async def move_step(
    session: AsyncSession, paper_id: int, consultation_id: int, viewer: Viewer, offset: int, now: dt.datetime
) -> None:
    """One place up (-1) or down (+1); at either end nothing changes."""
    if offset not in (-1, 1):
        raise ValidationFailed({"direction": N_("Bitte nach oben oder nach unten verschieben.")})
    paper = await editable_paper(session, paper_id, viewer)
    steps = _steps(paper)
    index = steps.index(_step(paper, consultation_id))
    target = index + offset
    if not 0 <= target < len(steps):
        return
    steps[index], steps[target] = steps[target], steps[index]
    await renumber(session, steps)
    audit_paper(session, viewer, paper, "paper.step_moved", now, {"consultation": consultation_id, "offset": offset})
