"""The public person page's named-vote record and the paper page's Beratungsfolge as a timeline."""

from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.meetings.models import AgendaItem
from council.voting.polls import publish_poll
from council.voting.rules import Choice
from tests.test_voting import close, vote
from tests.voting_scene import build_scene, start_poll, viewer
from tests.world import CONFIDENTIAL_MARKER, World


async def _named_poll(sessions: async_sessionmaker[AsyncSession], world: World, item_id: int, *, publish: bool) -> int:
    poll_id = await start_poll(sessions, world, item_id)
    await vote(sessions, world, "member", poll_id, Choice.NO)
    await vote(sessions, world, "chair", poll_id, Choice.YES)
    await close(sessions, world, poll_id)
    if publish:
        async with sessions() as session, session.begin():
            await publish_poll(session, poll_id, await viewer(session, world, "secretariat"), dt.datetime.now(dt.UTC))
    return poll_id


async def test_person_page_lists_published_named_votes_on_public_items_only(
    sessions: async_sessionmaker[AsyncSession], world: World, client: httpx.AsyncClient
) -> None:
    scene = await build_scene(sessions, world)
    await _named_poll(sessions, world, scene.item_id, publish=True)
    await _named_poll(sessions, world, scene.confidential_item_id, publish=True)
    async with sessions() as session, session.begin():
        unpublished = AgendaItem(meeting_id=scene.meeting_id, position=3, number="Ö 2", title="Unveröffentlicht")
        session.add(unpublished)
    await _named_poll(sessions, world, unpublished.id, publish=False)

    page = await client.get(f"/persons/{world.people['member'].id}")

    assert page.status_code == 200
    assert f'href="/meetings/{scene.meeting_id}#top-{scene.item_id}"' in page.text
    assert f"#top-{scene.confidential_item_id}" not in page.text
    assert f"#top-{unpublished.id}" not in page.text
    assert CONFIDENTIAL_MARKER not in page.text
    row = page.text.split(f"#top-{scene.item_id}", 1)[1].split("</tr>", 1)[0]
    assert "Nein" in row


async def test_person_without_named_votes_says_so(world: World, client: httpx.AsyncClient) -> None:
    page = await client.get(f"/persons/{world.people['member'].id}")
    assert "Keine veröffentlichten namentlichen Abstimmungen." in page.text


async def test_beratungsfolge_is_a_timeline_with_dates_organizations_and_results(
    world: World, client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session, session.begin():
        await session.execute(
            update(AgendaItem).where(AgendaItem.id == world.public_item.id).values(resolution_number="2026/17")
        )

    page = await client.get(f"/papers/{world.public_paper.id}")

    timeline = page.text.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    assert f'<time class="timeline-date" datetime="{world.past_meeting.start.isoformat()}"' in timeline
    assert f'href="/organizations/{world.committee.id}"' in timeline
    assert "einstimmig beschlossen" in timeline
    assert "2026/17" in timeline
    assert f"#top-{world.public_item.id}" in timeline


async def test_timeline_keeps_results_of_hidden_items_from_the_public(
    world: World, client: httpx.AsyncClient, login, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session, session.begin():
        await session.execute(update(AgendaItem).where(AgendaItem.id == world.public_item.id).values(public=False))

    public = await client.get(f"/papers/{world.public_paper.id}")
    member = await (await login("member")).get(f"/papers/{world.public_paper.id}")

    assert "einstimmig beschlossen" not in public.text
    assert "einstimmig beschlossen" in member.text
