"""Domain events: services note what happened; after the commit, ``web/`` publishes them to live screens."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

_KEY = "council.events"


class EventKind(enum.StrEnum):
    POLL_CHANGED = "poll.changed"  # created, opened, closed, published, cancelled
    VOTE_CAST = "vote.cast"
    CONFLICT_DECLARED = "conflict.declared"
    ATTENDANCE_CHANGED = "attendance.changed"
    MEETING_CHANGED = "meeting.changed"  # opened, closed, current item moved, item result recorded


@dataclass(frozen=True)
class DomainEvent:
    kind: EventKind
    meeting_id: int
    poll_id: int | None = None
    item_id: int | None = None


def emit(session: AsyncSession, event: DomainEvent) -> None:
    """Remember the event on the unit of work; it is only published if the unit of work commits."""
    session.info.setdefault(_KEY, []).append(event)


def take_events(session: AsyncSession) -> list[DomainEvent]:
    events: list[DomainEvent] = session.info.pop(_KEY, [])
    return events


def discard_events(session: AsyncSession) -> None:
    session.info.pop(_KEY, None)
