"""Loading a meeting's minutes and deciding, through the pure rules, what a viewer may do with them."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from council.accounts.viewer import Viewer
from council.bodies.models import Organization
from council.errors import NotFound, PermissionDenied
from council.meetings.models import AgendaItem, Meeting
from council.minutes.errors import WrongMinutesState
from council.minutes.models import Minutes, MinutesItem, MinutesSignature, MinutesVersion
from council.minutes.rules import Action, Capacity, IllegalStep, entitled, next_state
from council.papers.models import Consultation


async def load_meeting_for_minutes(session: AsyncSession, meeting_id: int) -> Meeting:
    meeting = await session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id, Meeting.deleted.is_(False))
        .options(
            selectinload(Meeting.organization).selectinload(Organization.body),
            selectinload(Meeting.location),
            selectinload(Meeting.agenda_items).selectinload(AgendaItem.consultation).selectinload(Consultation.paper),
            selectinload(Meeting.agenda_items).selectinload(AgendaItem.referred_to),
        )
    )
    if meeting is None:
        raise NotFound("meeting")
    return meeting


async def minutes_of(session: AsyncSession, meeting_id: int, *, lock: bool = False) -> Minutes | None:
    """With ``lock``, write before reading: the no-op update takes the row lock (PostgreSQL) or the database's
    write lock (SQLite) first, so what is read next cannot change before this unit of work commits."""
    if lock:
        await session.execute(update(Minutes).where(Minutes.meeting_id == meeting_id).values(revision=Minutes.revision))
    query = (
        select(Minutes)
        .where(Minutes.meeting_id == meeting_id, Minutes.deleted.is_(False))
        .options(
            selectinload(Minutes.items),
            selectinload(Minutes.chair),
            selectinload(Minutes.clerk),
            selectinload(Minutes.versions)
            .selectinload(MinutesVersion.signatures)
            .selectinload(MinutesSignature.person),
        )
    )
    minutes: Minutes | None = await session.scalar(query.execution_options(populate_existing=lock))
    return minutes


def capacities(viewer: Viewer, meeting: Meeting, minutes: Minutes | None) -> frozenset[Capacity]:
    found = set()
    if viewer.is_secretariat(meeting.organization.body_id):
        found.add(Capacity.SECRETARIAT)
    if viewer.chairs(meeting.organization_id):
        found.add(Capacity.CHAIR)
    if viewer.is_member_of(meeting.organization_id):
        found.add(Capacity.MEMBER)
    if minutes is not None and viewer.person_id is not None:
        if viewer.person_id == minutes.chair_person_id:
            found.add(Capacity.SIGNING_CHAIR)
        if viewer.person_id == minutes.clerk_person_id:
            found.add(Capacity.SIGNING_CLERK)
    return frozenset(found)


def require(action: Action, viewer: Viewer, meeting: Meeting, minutes: Minutes | None) -> None:
    """Permission first (a refused persona learns nothing about the state), then the state machine."""
    if not entitled(action, capacities(viewer, meeting, minutes)):
        raise PermissionDenied(action.value)
    try:
        next_state(minutes.state if minutes is not None else None, action)
    except IllegalStep as exc:
        raise WrongMinutesState(exc.message) from None


def item_of(minutes: Minutes, agenda_item_id: int) -> MinutesItem:
    item = next((i for i in minutes.items if i.agenda_item_id == agenda_item_id and not i.deleted), None)
    if item is None:
        raise NotFound("minutes item")
    return item


def current_version(minutes: Minutes) -> MinutesVersion | None:
    live = [v for v in minutes.versions if not v.deleted]
    return live[-1] if live else None


def latest_approved(minutes: Minutes) -> MinutesVersion | None:
    approved = [v for v in minutes.versions if v.approved and not v.deleted]
    return approved[-1] if approved else None


def latest_published(minutes: Minutes) -> MinutesVersion | None:
    published = [v for v in minutes.versions if v.published_at is not None and not v.deleted]
    return published[-1] if published else None


async def ensure_entitled(session: AsyncSession, meeting_id: int, viewer: Viewer, *actions: Action) -> None:
    """Refuse before reading a form: someone who may do none of ``actions`` learns nothing from validation."""
    meeting = await load_meeting_for_minutes(session, meeting_id)
    caps = capacities(viewer, meeting, await minutes_of(session, meeting_id))
    if not any(entitled(action, caps) for action in actions):
        raise PermissionDenied(actions[0].value)
