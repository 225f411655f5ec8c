"""What the public may see through the open data interface, in the form a list query needs.

The rules are the contexts' own, read for the anonymous viewer: ``meetings.service.visible_items`` and
``item_paper_visible`` for agenda items, ``papers.service.paper_visible`` for papers. A list page must be
filtered in SQL (a page of 100 holds 100 public objects, and its totals are right), so each rule has its query
form here; tests/test_opendata_visibility.py checks that both forms agree on every object of the demo.
Consultations and files have no rule of their own: they are public when what they belong to is.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from council.accounts.viewer import ANONYMOUS
from council.meetings.models import AgendaItem, Meeting, MeetingState
from council.papers.models import Consultation, File, Paper
from council.papers.service import paper_visible


def invited_meetings() -> ColumnElement[bool]:
    """``Meeting.invited``: an agenda is a draft, seen by the secretariat and the chair only, until it is sent."""
    return or_(
        Meeting.invitation_sent_at.is_not(None),
        Meeting.state.in_([MeetingState.INVITED, MeetingState.OPENED, MeetingState.CLOSED]),
    )


def public_agenda_items(items: Any = AgendaItem) -> ColumnElement[bool]:
    """``visible_items`` for the anonymous viewer (deleted items are the list's business, see reader.py).

    ``items`` may be an alias of AgendaItem, for comparing an item with the others of its meeting.
    """
    return and_(items.public.is_(True), items.meeting_id.in_(select(Meeting.id).where(invited_meetings())))


def public_papers() -> ColumnElement[bool]:
    """``paper_visible(paper, ANONYMOUS)``: a draft is the secretariat's, a confidential paper is for its
    organizations' members only."""
    return and_(Paper.public.is_(True), Paper.published_at.is_not(None))


def public_consultations() -> ColumnElement[bool]:
    """A consultation names its paper and its agenda items: all must be public (a draft agenda is not)."""
    on_non_public_item = (
        select(AgendaItem.id)
        .where(AgendaItem.consultation_id == Consultation.id, AgendaItem.deleted.is_(False), ~public_agenda_items())
        .exists()
    )
    return and_(Consultation.paper_id.in_(select(Paper.id).where(public_papers())), ~on_non_public_item)


def public_files() -> ColumnElement[bool]:
    """A file is public when it is marked so and its paper, if any, is public."""
    return and_(
        File.public.is_(True),
        or_(File.paper_id.is_(None), File.paper_id.in_(select(Paper.id).where(public_papers()))),
    )


def consultation_is_public(paper: Paper, items_shown: list[bool]) -> bool:
    """``public_consultations`` for one loaded consultation; ``items_shown`` says of each of its live agenda
    items whether the public sees it.

    ``paper`` must have its consultations loaded (``paper_visible`` looks at them for members).
    """
    return paper_visible(paper, ANONYMOUS) and all(items_shown)


def file_is_public(file: File, paper: Paper | None) -> bool:
    """``public_files`` for one loaded file and its paper (with the paper's consultations loaded)."""
    return file.public and (paper is None or paper_visible(paper, ANONYMOUS))
