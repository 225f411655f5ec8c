"""Nachtrag: what changed on an agenda after its invitation went out, summarised per item.

``summarise`` is a pure function over plain facts; ``agenda_changes_since_invitation`` reads them from the
database for the agenda pages and for the documents that announce a supplement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from council.meetings.models import AgendaChange, AgendaChangeKind, AgendaItem, Meeting


@dataclass(frozen=True)
class ChangeFact:
    item_id: int
    kind: AgendaChangeKind
    at: dt.datetime
    number_before: str | None = None
    number_after: str | None = None
    title_before: str | None = None
    title_after: str | None = None
    announced: bool = False


@dataclass(frozen=True)
class ItemNow:
    """The item as it stands: number and title, part, whether it was removed, its place, and its number in the
    invitation (None for items added later, and for meetings invited before numbers were remembered)."""

    number: str
    title: str
    public: bool
    removed: bool
    position: int
    invited_number: str | None = None


@dataclass(frozen=True)
class ItemSupplement:
    item_id: int
    number: str
    title: str
    public: bool
    added: bool
    removed: bool
    # The number and title as announced before, where a move or a new title changed them.
    previous_number: str | None
    previous_title: str | None
    # Some change of this item has not yet been sent out as a supplement.
    pending: bool
    # The latest recorded change (None for an item only renumbered by the changes of others).
    changed_at: dt.datetime | None

    @property
    def moved(self) -> bool:
        return self.previous_number is not None

    @property
    def retitled(self) -> bool:
        return self.previous_title is not None


def summarise(facts: Sequence[ChangeFact], items: dict[int, ItemNow]) -> list[ItemSupplement]:
    """One entry per item that differs from the invitation, in agenda order, removed items last.

    Recorded changes name what happened; an item that only got another number because others moved is an
    entry too, since readers of the invitation know it by its old number. An item added and removed again
    before any supplement announced it never reached anyone and is left out.
    """
    by_item: dict[int, list[ChangeFact]] = {}
    for fact in sorted(facts, key=lambda f: f.at):
        by_item.setdefault(fact.item_id, []).append(fact)
    entries = []
    for item_id, now in items.items():
        history = by_item.get(item_id, [])
        added = bool(history) and history[0].kind is AgendaChangeKind.ADDED
        if added and now.removed and not any(f.announced for f in history):
            continue
        entry = _entry(item_id, history, now, added)
        if history or entry.moved:
            entries.append(entry)
    return sorted(entries, key=lambda e: (e.removed, items[e.item_id].position))


def _entry(item_id: int, history: list[ChangeFact], now: ItemNow, added: bool) -> ItemSupplement:
    moves = [f.number_before for f in history if f.kind is AgendaChangeKind.MOVED]
    retitles = [f.title_before for f in history if f.kind is AgendaChangeKind.RETITLED]
    # A removed item is named as the invitation knew it; a new one has no earlier state anyone was told of.
    known_number = now.invited_number or (moves[0] if moves else None)
    told_before = not added and not now.removed
    previous_number = known_number if told_before and known_number != now.number else None
    previous_title = retitles[0] if told_before and retitles and retitles[0] != now.title else None
    return ItemSupplement(
        item_id=item_id,
        number=(known_number or now.number) if now.removed else now.number,
        title=now.title,
        public=now.public,
        added=added,
        removed=now.removed,
        previous_number=previous_number,
        previous_title=previous_title,
        pending=any(not f.announced for f in history),
        changed_at=history[-1].at if history else None,
    )


def visible_to(entries: Sequence[ItemSupplement], include_confidential: bool) -> list[ItemSupplement]:
    """The public learns of changes to public items only: an item now in the non-public part is not named."""
    return [e for e in entries if include_confidential or e.public]


@dataclass(frozen=True)
class Supplement:
    """What an agenda page shows: marks on the items still on the agenda, and the items taken off it."""

    entries: list[ItemSupplement]

    @property
    def by_item(self) -> dict[int, ItemSupplement]:
        return {e.item_id: e for e in self.entries if not e.removed}

    @property
    def removed(self) -> list[ItemSupplement]:
        return [e for e in self.entries if e.removed]

    @property
    def pending(self) -> bool:
        return any(e.pending for e in self.entries)


async def agenda_changes_since_invitation(
    session: AsyncSession, meeting: Meeting, *, include_confidential: bool, pending_only: bool = False
) -> list[ItemSupplement]:
    """The Nachtrag of a meeting: every item added, removed, moved or retitled after the invitation.

    ``include_confidential`` is for the secretariat and the organization's members; documents for the public
    pass False. ``pending_only`` keeps the items with changes that no supplement has announced yet.
    """
    rows = list(
        await session.scalars(
            select(AgendaChange)
            .where(AgendaChange.meeting_id == meeting.id, AgendaChange.deleted.is_(False))
            .order_by(AgendaChange.at, AgendaChange.id)
        )
    )
    facts = [
        ChangeFact(
            item_id=row.agenda_item_id,
            kind=row.kind,
            at=row.at,
            number_before=row.number_before,
            number_after=row.number_after,
            title_before=row.title_before,
            title_after=row.title_after,
            announced=row.notice_id is not None,
        )
        for row in rows
    ]
    changed = {row.agenda_item_id for row in rows}
    items = {
        item.id: _now(item)
        for item in await session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))
        if not item.deleted or item.id in changed
    }
    entries = visible_to(summarise(facts, items), include_confidential)
    return [e for e in entries if e.pending] if pending_only else entries


def _now(item: AgendaItem) -> ItemNow:
    return ItemNow(item.number, item.title, item.public, item.deleted, item.position, item.invited_number)


async def supplement_of(session: AsyncSession, meeting: Meeting, *, include_confidential: bool) -> Supplement:
    if not meeting.invited:
        return Supplement([])
    return Supplement(
        await agenda_changes_since_invitation(session, meeting, include_confidential=include_confidential)
    )
