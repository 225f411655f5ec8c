"""Keeping the index current: every unit of work that changes a searchable source rebuilds its entries
before it commits, in the same transaction, so the index never shows what the records no longer allow.

Listening on the ORM session (not in each service) means no write path can forget the index.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from council.meetings.models import AgendaItem, Meeting
from council.minutes.models import Minutes, MinutesVersion
from council.papers.models import Consultation, File, Paper
from council.resolutions.models import Resolution, ResolutionVersion
from council.search.index import Stale, refresh

STALE = "council_search_stale"


def _stale(session: Session) -> Stale:
    found = session.info.get(STALE)
    if not isinstance(found, Stale):
        found = session.info[STALE] = Stale()
    return found


def _note(stale: Stale, pending: dict[str, set[int]], obj: Any) -> None:
    match obj:
        case Paper():
            stale.papers.add(obj.id)
        case File() | Consultation() if obj.paper_id is not None:
            stale.papers.add(obj.paper_id)
        case Resolution():
            stale.resolutions.add(obj.id)
        case ResolutionVersion():
            stale.resolutions.add(obj.resolution_id)
        case AgendaItem():
            pending["items"].add(obj.id)
        case Meeting():
            pending["meetings"].add(obj.id)
            stale.minutes.add(obj.id)
        case Minutes():
            stale.minutes.add(obj.meeting_id)
        case MinutesVersion():
            pending["minutes"].add(obj.minutes_id)


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    stale = _stale(session)
    pending: dict[str, set[int]] = {"items": set(), "meetings": set(), "minutes": set()}
    for obj in (*session.new, *session.dirty, *session.deleted):
        _note(stale, pending, obj)
    pending_sets = session.info.setdefault(STALE + "_pending", {"items": set(), "meetings": set(), "minutes": set()})
    for key, ids in pending.items():
        pending_sets[key] |= ids


def _resolve(session: Session, stale: Stale) -> None:
    """Changes that reach entries indirectly: an item's or meeting's resolutions, a paper's resolutions."""
    pending = session.info.pop(STALE + "_pending", None) or {}
    if not stale and not any(pending.values()):
        return
    connection = session.connection()
    items, meetings, minutes = (
        pending.get("items", set()),
        pending.get("meetings", set()),
        pending.get("minutes", set()),
    )
    if minutes:
        stale.minutes |= set(connection.scalars(select(Minutes.meeting_id).where(Minutes.id.in_(minutes))))
    by_item = select(Resolution.id).join(AgendaItem, AgendaItem.id == Resolution.agenda_item_id)
    if items:
        stale.resolutions |= set(connection.scalars(by_item.where(AgendaItem.id.in_(items))))
    if meetings:
        stale.resolutions |= set(connection.scalars(by_item.where(AgendaItem.meeting_id.in_(meetings))))
    if stale.papers:
        stale.resolutions |= set(
            connection.scalars(
                by_item.join(Consultation, Consultation.id == AgendaItem.consultation_id).where(
                    Consultation.paper_id.in_(stale.papers)
                )
            )
        )


@event.listens_for(Session, "before_commit")
def _update_index(session: Session) -> None:
    session.flush()
    stale = _stale(session)
    _resolve(session, stale)
    session.info.pop(STALE, None)
    if stale:
        refresh(session.connection(), stale)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(STALE, None)
    session.info.pop(STALE + "_pending", None)
