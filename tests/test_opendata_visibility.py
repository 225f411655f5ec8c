"""The query forms of the visibility rules agree with the contexts' rules, object by object."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from council.accounts.viewer import ANONYMOUS
from council.demo import load_demo
from council.meetings.models import AgendaItem, Meeting
from council.meetings.service import visible_items
from council.opendata.visibility import (
    consultation_is_public,
    file_is_public,
    public_agenda_items,
    public_consultations,
    public_files,
    public_papers,
)
from council.papers.models import Consultation, File, Paper
from council.papers.service import paper_visible
from tests.oparl_world import add_open_data_scene
from tests.world import build_world


async def ids(session: AsyncSession, model, clause) -> set[int]:
    return set(await session.scalars(select(model.id).where(clause)))


async def test_query_forms_agree_with_the_rules_on_demo_and_world(session: AsyncSession):
    await load_demo(session, today=dt.date(2026, 3, 18))
    world = await build_world(session)
    await add_open_data_scene(session, world)
    # A deleted public item: neither form shows it as a live item.
    await session.execute(update(AgendaItem).where(AgendaItem.id == world.public_item.id).values(deleted=True))
    # A public paper taken back to draft: the secretariat's until it is published again.
    draft_id = await session.scalar(select(Paper.id).where(Paper.public.is_(True)).order_by(Paper.id).limit(1))
    assert draft_id is not None
    await session.execute(update(Paper).where(Paper.id == draft_id).values(published_at=None))
    session.expire_all()

    public_items = await ids(session, AgendaItem, public_agenda_items())
    meetings_with_items = list(
        await session.scalars(
            select(Meeting).options(selectinload(Meeting.organization), selectinload(Meeting.agenda_items))
        )
    )
    for meeting in meetings_with_items:
        shown = {item.id for item in visible_items(meeting, meeting.agenda_items, ANONYMOUS)}
        assert shown == {item.id for item in meeting.agenda_items if item.id in public_items and not item.deleted}

    papers = list(await session.scalars(select(Paper).options(selectinload(Paper.consultations))))
    by_id = {paper.id: paper for paper in papers}
    assert {p.id for p in papers if paper_visible(p, ANONYMOUS)} == await ids(session, Paper, public_papers())
    assert draft_id not in await ids(session, Paper, public_papers())

    shown_by_consultation: dict[int, list[bool]] = {}
    for meeting in meetings_with_items:
        shown = {item.id for item in visible_items(meeting, meeting.agenda_items, ANONYMOUS)}
        for item in meeting.agenda_items:
            if item.consultation_id and not item.deleted:
                shown_by_consultation.setdefault(item.consultation_id, []).append(item.id in shown)
    consultations = list(await session.scalars(select(Consultation)))
    expected = {
        c.id for c in consultations if consultation_is_public(by_id[c.paper_id], shown_by_consultation.get(c.id, []))
    }
    assert expected == await ids(session, Consultation, public_consultations())
    assert expected < {c.id for c in consultations}

    files = list(await session.scalars(select(File)))
    expected = {f.id for f in files if file_is_public(f, by_id.get(f.paper_id) if f.paper_id else None)}
    assert expected == await ids(session, File, public_files())
    assert len(expected) == 2 < len(files)
