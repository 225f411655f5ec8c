"""Befangenheit: a member declares a conflict of interest for an agenda item, or the secretariat records it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from council.accounts.viewer import Viewer
from council.audit.service import record
from council.bodies.models import Membership, Organization
from council.errors import NotFound, PermissionDenied, ValidationFailed
from council.events import DomainEvent, EventKind, emit
from council.meetings.models import AgendaItem, Meeting
from council.messages import N_
from council.voting.models import ConflictOfInterest, Poll, PollState, SecretBallotReceipt, Vote
from council.voting.polls import may_conduct
from council.voting.roll import meeting_day


async def get_item(session: AsyncSession, item_id: int) -> AgendaItem:
    item = await session.scalar(
        select(AgendaItem)
        .where(AgendaItem.id == item_id, AgendaItem.deleted.is_(False))
        .options(selectinload(AgendaItem.meeting).selectinload(Meeting.organization).selectinload(Organization.body))
    )
    if item is None:
        raise NotFound("agenda item")
    return item


async def _is_member(session: AsyncSession, meeting: Meeting, person_id: int) -> bool:
    memberships = await session.scalars(
        select(Membership).where(
            Membership.organization_id == meeting.organization_id,
            Membership.person_id == person_id,
            Membership.deleted.is_(False),
        )
    )
    day = meeting_day(meeting)
    return any(m.is_active_on(day) for m in memberships)


async def _has_voted_in_open_poll(session: AsyncSession, item_id: int, person_id: int) -> bool:
    open_poll = select(Poll.id).where(Poll.agenda_item_id == item_id, Poll.state == PollState.OPEN)
    vote = await session.scalar(select(Vote.id).where(Vote.poll_id.in_(open_poll), Vote.person_id == person_id))
    receipt = await session.scalar(
        select(SecretBallotReceipt.id).where(
            SecretBallotReceipt.poll_id.in_(open_poll), SecretBallotReceipt.person_id == person_id
        )
    )
    return vote is not None or receipt is not None


async def declare_conflict(
    session: AsyncSession, item_id: int, viewer: Viewer, person_id: int, reason: str | None, now: dt.datetime
) -> ConflictOfInterest:
    """From now on the member cannot vote on the item and counts toward neither quorum nor majority."""
    item = await get_item(session, item_id)
    meeting = item.meeting
    on_own_behalf = viewer.person_id == person_id
    if not on_own_behalf and not may_conduct(viewer, meeting):
        raise PermissionDenied("conflict")
    if not viewer.may_see_confidential(meeting.organization.body_id, meeting.organization_id):
        raise PermissionDenied("conflict")
    if not await _is_member(session, meeting, person_id):
        raise ValidationFailed({"person": N_("Diese Person gehört dem Gremium nicht an.")})
    if await _has_voted_in_open_poll(session, item.id, person_id):
        raise ValidationFailed(
            {
                "person": N_(
                    "In der laufenden Abstimmung wurde bereits abgestimmt. Die Sitzungsleitung kann die "
                    "Abstimmung abbrechen und nach der Erklärung wiederholen."
                )
            }
        )
    conflict = ConflictOfInterest(
        agenda_item_id=item.id,
        person_id=person_id,
        declared_at=now,
        reason=(reason or "").strip() or None,
        recorded_by_user_id=None if on_own_behalf else viewer.user_id,
    )
    session.add(conflict)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise ValidationFailed({"person": N_("Die Befangenheit ist für diesen Punkt bereits erklärt.")}) from exc
    record(
        session,
        action="conflict.declared",
        subject_type="agenda_item",
        subject_id=item.id,
        actor_user_id=viewer.user_id,
        body_id=meeting.organization.body_id,
        data={"person_id": person_id, "self": on_own_behalf},
        at=now,
    )
    emit(session, DomainEvent(EventKind.CONFLICT_DECLARED, meeting.id, None, item.id))
    return conflict


async def conflicts_of_item(session: AsyncSession, item_id: int) -> list[ConflictOfInterest]:
    rows = await session.scalars(
        select(ConflictOfInterest)
        .where(ConflictOfInterest.agenda_item_id == item_id, ConflictOfInterest.deleted.is_(False))
        .options(selectinload(ConflictOfInterest.person))
        .order_by(ConflictOfInterest.declared_at)
    )
    return list(rows)
