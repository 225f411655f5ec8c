"""Drafting an agenda: topics, consultations of papers, standard items, sub-items, order and numbering.

Every change renumbers the whole agenda through ``numbering.arrange``. Once the invitation has gone out,
each change is also written down as an ``AgendaChange``, the material of the Nachtrag.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.errors import PermissionDenied, ValidationFailed
from council.events import DomainEvent, EventKind, emit
from council.meetings.models import AgendaChange, AgendaChangeKind, AgendaItem, Meeting
from council.meetings.numbering import Slot, arrange
from council.meetings.states import require_agenda_editable
from council.meetings.waiting import waiting_consultation
from council.messages import N_
from council.papers.models import Consultation
from council.voting.models import Poll

TITLE_LIMIT = 500
# Positions are unique per meeting; while renumbering, rows park above this mark so no two ever collide.
_PARKING = 1_000_000

OPENING = N_("Eröffnung und Feststellung der Beschlussfähigkeit")
MINUTES = N_("Genehmigung der Niederschrift")
ANNOUNCEMENTS = N_("Mitteilungen")
QUESTIONS = N_("Anfragen")
# Standard items that open an agenda, in this order, and those that close its public part.
LEADING_STANDARD = (OPENING, MINUTES, ANNOUNCEMENTS)
TRAILING_STANDARD = (QUESTIONS, N_("Verschiedenes"))


@dataclass(frozen=True)
class ItemDraft:
    title: str
    public: bool = True
    parent_id: int | None = None


def may_edit_agenda(viewer: Viewer, meeting: Meeting) -> bool:
    """Only the body's secretariat drafts agendas (the chair is consulted, but does not type them)."""
    return viewer.is_secretariat(meeting.organization.body_id)


def require_editor(viewer: Viewer, meeting: Meeting) -> None:
    if not may_edit_agenda(viewer, meeting):
        raise PermissionDenied("agenda")
    require_agenda_editable(meeting.state)


def live_items(meeting: Meeting) -> list[AgendaItem]:
    return sorted((i for i in meeting.agenda_items if not i.deleted), key=lambda i: i.position)


def clean_title(raw: str) -> str:
    title = " ".join(raw.split())
    if not title:
        raise ValidationFailed({"title": N_("Bitte geben Sie einen Titel ein.")})
    if len(title) > TITLE_LIMIT:
        raise ValidationFailed({"title": N_("Der Titel darf höchstens 500 Zeichen lang sein.")})
    return title


def _item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = next((i for i in meeting.agenda_items if i.id == item_id and not i.deleted), None)
    if item is None:
        raise ValidationFailed({"item": N_("Diesen Tagesordnungspunkt gibt es in der Sitzung nicht.")})
    return item


def _parent(meeting: Meeting, parent_id: int | None, child: AgendaItem | None = None) -> AgendaItem | None:
    """Sub-items go one level deep: the parent is a top-level item of the same meeting."""
    if parent_id is None:
        return None
    parent = next((i for i in meeting.agenda_items if i.id == parent_id and not i.deleted), None)
    if parent is None or parent.parent_id is not None or (child is not None and parent.id == child.id):
        raise ValidationFailed({"parent": N_("Unterpunkte gibt es nur unter einem Hauptpunkt dieser Sitzung.")})
    if child is not None and any(i.parent_id == child.id for i in live_items(meeting)):
        raise ValidationFailed({"parent": N_("Ein Punkt mit eigenen Unterpunkten kann kein Unterpunkt werden.")})
    return parent


async def lock_meeting(session: AsyncSession, meeting: Meeting) -> None:
    """One agenda change at a time per meeting: positions are renumbered as a whole."""
    await session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())


# --- adding ----------------------------------------------------------------------------------------------


async def add_topic(
    session: AsyncSession, meeting: Meeting, viewer: Viewer, draft: ItemDraft, now: dt.datetime
) -> AgendaItem:
    """A free topic (Bericht, Vortrag, Sachstand …) at the end of its part or below its parent."""
    require_editor(viewer, meeting)
    title = clean_title(draft.title)
    parent = _parent(meeting, draft.parent_id)
    await lock_meeting(session, meeting)
    return await _insert(session, meeting, title, parent.public if parent else draft.public, parent, None, now)


async def add_consultation(
    session: AsyncSession,
    meeting: Meeting,
    viewer: Viewer,
    consultation_id: int,
    parent_id: int | None,
    now: dt.datetime,
) -> AgendaItem:
    """A paper waiting for this organization goes on the agenda, in the part its confidentiality demands."""
    require_editor(viewer, meeting)
    parent = _parent(meeting, parent_id)
    await lock_meeting(session, meeting)
    consultation = await waiting_consultation(session, meeting.organization_id, consultation_id)
    public = consultation.paper.public
    if parent is not None and parent.public != public:
        raise ValidationFailed(
            {"parent": N_("Eine nichtöffentliche Vorlage gehört in den nichtöffentlichen Teil und umgekehrt.")}
        )
    consultation.meeting_id = meeting.id
    title = clean_title(consultation.paper.title)
    return await _insert(session, meeting, title, public, parent, consultation, now)


async def add_standard_items(session: AsyncSession, meeting: Meeting, viewer: Viewer, now: dt.datetime) -> int:
    """Eröffnung, Genehmigung der Niederschrift and Mitteilungen at the top, Anfragen at the end of the public
    part. An item whose title begins like a standard item counts as that item and is not added twice."""
    require_editor(viewer, meeting)
    await lock_meeting(session, meeting)
    missing = [title for title in (*LEADING_STANDARD, QUESTIONS) if not _has_standard(meeting, title)]
    if not missing:
        raise ValidationFailed({"standard": N_("Die Standardpunkte stehen bereits auf der Tagesordnung.")})
    for title in missing:
        item = await _insert(session, meeting, title, True, None, None, now)
        if title in LEADING_STANDARD:
            earlier = LEADING_STANDARD[: LEADING_STANDARD.index(title)]
            index = sum(1 for standard in earlier if _has_standard(meeting, standard))
            await _move_within_siblings(session, meeting, item, index, now, track=False)
    return len(missing)


def _has_standard(meeting: Meeting, title: str) -> bool:
    start = title.casefold()
    return any(i.title.casefold().startswith(start) for i in live_items(meeting) if i.public and i.parent_id is None)


async def _insert(
    session: AsyncSession,
    meeting: Meeting,
    title: str,
    public: bool,
    parent: AgendaItem | None,
    consultation: Consultation | None,
    now: dt.datetime,
) -> AgendaItem:
    order = live_items(meeting)
    item = AgendaItem(
        meeting_id=meeting.id,
        position=max((i.position for i in meeting.agenda_items), default=0) + 1,
        number="",
        parent_id=parent.id if parent else None,
        public=public,
        title=title,
        consultation_id=consultation.id if consultation else None,
    )
    meeting.agenda_items.append(item)
    session.add(item)
    await session.flush()
    order.insert(_insertion_index(order, item), item)
    await apply_order(session, meeting, order)
    _track(session, meeting, item, AgendaChangeKind.ADDED, now, number_after=item.number, title_after=title)
    _changed(session, meeting, item)
    return item


def _insertion_index(order: list[AgendaItem], new: AgendaItem) -> int:
    """A new public main item goes before the closing standard items (Anfragen, Verschiedenes)."""
    if not new.public or new.parent_id is not None:
        return len(order)
    closing = {title.casefold() for title in TRAILING_STANDARD}
    index = len(order)
    public_top = [(n, i) for n, i in enumerate(order) if i.public and i.parent_id is None]
    for n, item in reversed(public_top):
        if item.title.casefold() not in closing:
            break
        index = n
    return index


# --- changing --------------------------------------------------------------------------------------------


async def move_item(
    session: AsyncSession, meeting: Meeting, viewer: Viewer, item_id: int, to_index: int, now: dt.datetime
) -> AgendaItem:
    """Place an item at ``to_index`` among its siblings (same part, same parent), counted from 0."""
    require_editor(viewer, meeting)
    item = _item(meeting, item_id)
    await lock_meeting(session, meeting)
    await _move_within_siblings(session, meeting, item, to_index, now, track=True)
    _changed(session, meeting, item)
    return item


def siblings_of(meeting: Meeting, item: AgendaItem) -> list[AgendaItem]:
    return [i for i in live_items(meeting) if i.public == item.public and i.parent_id == item.parent_id]


async def _move_within_siblings(
    session: AsyncSession, meeting: Meeting, item: AgendaItem, to_index: int, now: dt.datetime, *, track: bool
) -> None:
    siblings = siblings_of(meeting, item)
    if not 0 <= to_index < len(siblings):
        raise ValidationFailed({"move": N_("Weiter lässt sich dieser Punkt nicht verschieben.")})
    reordered = [i for i in siblings if i.id != item.id]
    reordered.insert(to_index, item)
    queue = iter(reordered)
    group = {i.id for i in siblings}
    order = [next(queue) if i.id in group else i for i in live_items(meeting)]
    before = item.number
    await apply_order(session, meeting, order)
    if track and item.number != before:
        _track(session, meeting, item, AgendaChangeKind.MOVED, now, number_before=before, number_after=item.number)


async def edit_item(
    session: AsyncSession, meeting: Meeting, viewer: Viewer, item_id: int, draft: ItemDraft, now: dt.datetime
) -> AgendaItem:
    """New title, other part (public/non-public) or another parent; sub-items follow their parent's part."""
    require_editor(viewer, meeting)
    item = _item(meeting, item_id)
    title = clean_title(draft.title)
    parent = _parent(meeting, draft.parent_id, child=item)
    public = parent.public if parent is not None else draft.public
    paper = item.consultation.paper if item.consultation else None
    if public and paper is not None and not paper.public:
        raise ValidationFailed(
            {"public": N_("Die Vorlage ist nichtöffentlich; der Punkt bleibt im nichtöffentlichen Teil.")}
        )
    await lock_meeting(session, meeting)
    number_before, title_before = item.number, item.title
    if (parent.id if parent else None) != item.parent_id or public != item.public:
        await _regroup(session, meeting, item, parent, public)
    if title != title_before:
        item.title = title
        _track(session, meeting, item, AgendaChangeKind.RETITLED, now, title_before=title_before, title_after=title)
    if item.number != number_before:
        _track(
            session, meeting, item, AgendaChangeKind.MOVED, now, number_before=number_before, number_after=item.number
        )
    await session.flush()
    _changed(session, meeting, item)
    return item


async def _regroup(
    session: AsyncSession, meeting: Meeting, item: AgendaItem, parent: AgendaItem | None, public: bool
) -> None:
    """Under another parent or into the other part, the item (with its sub-items) goes to the end there; lifted
    out of its parent within the same part, it follows that parent's group, where it stood."""
    current = live_items(meeting)
    group = [item, *(i for i in current if i.parent_id == item.id)]
    lifted = parent is None and item.parent_id is not None and public == item.public
    # Numbering puts a former sub-item, now a main item, right after its old parent's group.
    order = current if lifted else [*(i for i in current if i not in group), *group]
    for member in group:
        member.public = public
    item.parent_id = parent.id if parent else None
    await apply_order(session, meeting, order)


async def remove_item(
    session: AsyncSession, meeting: Meeting, viewer: Viewer, item_id: int, now: dt.datetime
) -> AgendaItem:
    """Take an item (and its sub-items) off the agenda. Its paper waits again for a meeting; an item with a
    result or a vote stays, since the minutes and the register refer to it."""
    require_editor(viewer, meeting)
    item = _item(meeting, item_id)
    await lock_meeting(session, meeting)
    group = [item, *(i for i in live_items(meeting) if i.parent_id == item.id)]
    if any(i.result is not None or i.result_kind is not None for i in group):
        raise ValidationFailed({"item": N_("Ein Punkt mit Ergebnis kann nicht abgesetzt werden.")})
    polls = await session.scalar(select(Poll.id).where(Poll.agenda_item_id.in_([i.id for i in group])).limit(1))
    if polls is not None:
        raise ValidationFailed({"item": N_("Über diesen Punkt wurde bereits abgestimmt; er bleibt stehen.")})
    for member in group:
        member.deleted = True
        if member.consultation is not None and member.consultation.meeting_id == meeting.id:
            member.consultation.meeting_id = None
        _track(
            session,
            meeting,
            member,
            AgendaChangeKind.REMOVED,
            now,
            number_before=member.number,
            title_before=member.title,
        )
    await apply_order(session, meeting, live_items(meeting))
    _changed(session, meeting, item)
    return item


# --- numbering and tracking ------------------------------------------------------------------------------


async def apply_order(session: AsyncSession, meeting: Meeting, order: list[AgendaItem]) -> None:
    """Number the live items in ``order`` and store their positions; removed items keep theirs after them."""
    placed = {p.key: p for p in arrange([Slot(i.id, i.public, i.parent_id) for i in order])}
    removed = sorted((i for i in meeting.agenda_items if i.deleted), key=lambda i: i.position)
    targets = {i.id: placed[i.id].position for i in order}
    targets.update({i.id: len(order) + n for n, i in enumerate(removed, start=1)})
    moving = [i for i in meeting.agenda_items if i.position != targets[i.id]]
    # Two rounds, because the database checks the unique position after every single row.
    for item in moving:
        item.position = _PARKING + targets[item.id]
    await session.flush()
    for item in moving:
        item.position = targets[item.id]
    for item in order:
        item.number = placed[item.id].number
    await session.flush()


def _track(
    session: AsyncSession,
    meeting: Meeting,
    item: AgendaItem,
    kind: AgendaChangeKind,
    now: dt.datetime,
    **values: str | None,
) -> None:
    """After the invitation every change is kept for the Nachtrag; before it the agenda is a draft."""
    if not meeting.invited:
        return
    session.add(AgendaChange(meeting_id=meeting.id, agenda_item_id=item.id, kind=kind, at=now, **values))


def _changed(session: AsyncSession, meeting: Meeting, item: AgendaItem) -> None:
    emit(session, DomainEvent(EventKind.MEETING_CHANGED, meeting.id, None, item.id))
