"""Meetings and their agenda items as open data: only public items, and a paper link only to a public paper."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, joinedload, selectinload

from council.accounts.viewer import ANONYMOUS
from council.bodies.models import Location, Organization
from council.meetings.models import AgendaItem, AttendanceStatus, Meeting
from council.meetings.service import item_paper_visible, visible_items
from council.opendata.freshness import Embedded
from council.opendata.reader import Kind, Loaded
from council.opendata.structure import in_body_organizations
from council.opendata.visibility import public_agenda_items
from council.papers.models import Consultation, Paper

# What item_paper_visible reads of a paper: an item's paper is loaded for that only.
PAPER_VISIBILITY = (Paper.public, Paper.deleted, Paper.body_id, Paper.published_at)


@dataclass(frozen=True)
class AgendaItemEntry:
    item: AgendaItem
    modified: dt.datetime
    # Position among the meeting's public items, counted from 0 (OParl AgendaItem.order).
    order: int
    consultation_id: int | None


@dataclass(frozen=True)
class MeetingEntry:
    meeting: Meeting
    modified: dt.datetime
    items: list[AgendaItemEntry]
    participant_ids: list[int]
    timezone: str


def linked_consultation(meeting: Meeting, item: AgendaItem) -> int | None:
    """An item names its consultation only when the public may see the paper behind it."""
    consultation = item.consultation
    if consultation is None or consultation.deleted or not item_paper_visible(meeting, item, ANONYMOUS):
        return None
    return consultation.id


def public_order() -> ColumnElement[Any]:
    """The number of public items before this one in its meeting: its index in the meeting's public agenda."""
    earlier = aliased(AgendaItem)
    return (
        select(func.count(earlier.id))
        .where(
            earlier.meeting_id == AgendaItem.meeting_id,
            earlier.position < AgendaItem.position,
            public_agenda_items(earlier),
            earlier.deleted.is_(False),
        )
        .scalar_subquery()
    )


async def _meetings(_session: AsyncSession, rows: list[Loaded[Meeting]]) -> list[MeetingEntry]:
    entries = []
    for row in rows:
        meeting = row.record
        items = [
            AgendaItemEntry(item, item.modified, order, linked_consultation(meeting, item))
            for order, item in enumerate(visible_items(meeting, meeting.agenda_items, ANONYMOUS))
        ]
        present = sorted(a.person_id for a in meeting.attendances if a.status is AttendanceStatus.PRESENT)
        entries.append(MeetingEntry(meeting, row.modified, items, present, meeting.organization.body.timezone))
    return entries


async def _agenda_items(_session: AsyncSession, rows: list[Loaded[AgendaItem]]) -> list[AgendaItemEntry]:
    entries = []
    for row in rows:
        item = row.record
        entries.append(AgendaItemEntry(item, row.modified, int(row.extras[0]), linked_consultation(item.meeting, item)))
    return entries


MEETINGS: Kind[Meeting, MeetingEntry] = Kind(
    name="meeting",
    model=Meeting,
    build=_meetings,
    owners={
        "body": lambda body_id: in_body_organizations(Meeting.organization_id, body_id),
        "organization": lambda organization_id: Meeting.organization_id == organization_id,
    },
    embedded=(
        Embedded(AgendaItem, lambda: AgendaItem.meeting_id == Meeting.id),
        Embedded(Location, lambda: Location.id == Meeting.location_id),
    ),
    options=lambda: (
        joinedload(Meeting.organization).joinedload(Organization.body),
        joinedload(Meeting.location),
        selectinload(Meeting.agenda_items)
        .joinedload(AgendaItem.consultation)
        .joinedload(Consultation.paper)
        .load_only(*PAPER_VISIBILITY),
        selectinload(Meeting.attendances),
    ),
)
AGENDA_ITEMS: Kind[AgendaItem, AgendaItemEntry] = Kind(
    name="agendaitem",
    model=AgendaItem,
    build=_agenda_items,
    owners={
        "body": lambda body_id: AgendaItem.meeting_id.in_(
            select(Meeting.id).where(in_body_organizations(Meeting.organization_id, body_id))
        )
    },
    public=public_agenda_items,
    extra_columns=lambda: (public_order(),),
    options=lambda: (
        joinedload(AgendaItem.meeting).joinedload(Meeting.organization),
        joinedload(AgendaItem.consultation).joinedload(Consultation.paper).load_only(*PAPER_VISIBILITY),
    ),
)
