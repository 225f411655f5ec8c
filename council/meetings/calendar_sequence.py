"""iCalendar SEQUENCE of a meeting: counted up by every flush that changes what a calendar entry shows.

Calendars take an updated event only if its SEQUENCE grew (RFC 5545, 3.8.7.4). The services that change a
meeting or its agenda need not remember it: this listener sees every flush. A changed date, place, form or
state counts, and so does a changed agenda (the entry's description lists it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session, UOWTransaction

from council.meetings.models import AgendaItem, Meeting

# Columns whose change calendars must show; bookkeeping (modified, invitation_sent_at) does not count.
SHOWN = ("start", "end", "location_id", "mode", "state", "cancellation_reason", "number", "organization_id")
ITEM_SHOWN = ("title", "number", "public", "position", "parent_id", "deleted")
_PENDING = "council.calendar_sequence.meetings"


def _changed(obj: object, names: tuple[str, ...]) -> bool:
    state = inspect(obj)
    assert state is not None
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "before_flush")
def _count_changes(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    bumped: set[int] = set()
    # Each of session.new, .dirty and .deleted builds a new set when read: read once, not per object (a batch of
    # a thousand votes' audit entries made this quadratic).
    dirty = session.dirty
    for obj in dirty:
        if isinstance(obj, Meeting) and obj.id is not None and _changed(obj, SHOWN):
            obj.sequence = (obj.sequence or 0) + 1
            bumped.add(obj.id)
    meetings: set[int] = set()
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, AgendaItem) and obj.meeting_id is not None:
            meetings.add(obj.meeting_id)
    for obj in dirty:
        if isinstance(obj, AgendaItem) and obj.meeting_id is not None and _changed(obj, ITEM_SHOWN):
            meetings.add(obj.meeting_id)
    later: set[int] = session.info.setdefault(_PENDING, set())
    for meeting_id in meetings - bumped:
        loaded = session.identity_map.get(session.identity_key(Meeting, meeting_id))
        if isinstance(loaded, Meeting):
            loaded.sequence = (loaded.sequence or 0) + 1
        else:
            later.add(meeting_id)


@event.listens_for(Session, "after_flush")
def _count_unloaded(session: Session, _flush: UOWTransaction) -> None:
    """Items of a meeting that is not loaded in this session: counted in the database directly."""
    pending: set[int] = session.info.pop(_PENDING, set())
    if pending:
        session.connection().execute(
            update(Meeting)
            .where(Meeting.id.in_(pending))
            .values(sequence=Meeting.sequence + 1)
            .execution_options(synchronize_session=False)
        )
