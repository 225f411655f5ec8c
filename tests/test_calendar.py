"""The public calendar: invited meetings only, as upcoming/past lists and as an accessible month table."""

from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from council.demo import load_demo
from council.meetings.calendar import Month, month_of
from council.meetings.models import Meeting

BERLIN_OFFSET = dt.timedelta(hours=1)


def test_month_weeks_start_on_monday_and_blank_the_neighbouring_months() -> None:
    weeks = Month(2026, 3).weeks()
    assert weeks[0][:6] == [None] * 6
    assert weeks[0][6] == dt.date(2026, 3, 1)
    assert weeks[-1][1] == dt.date(2026, 3, 31)
    assert all(len(week) == 7 for week in weeks)
    assert Month(2026, 1).previous == Month(2025, 12)
    assert Month(2026, 12).next == Month(2027, 1)
    assert month_of(2026, 13) is None
    assert month_of(2026, 0) is None


async def _demo_meetings(sessions: async_sessionmaker[AsyncSession]) -> list[Meeting]:
    async with sessions() as session, session.begin():
        await load_demo(session)
        rows = await session.scalars(
            select(Meeting).where(Meeting.deleted.is_(False)).options(selectinload(Meeting.organization))
        )
        return list(rows)


async def test_month_view_shows_invited_meetings_and_hides_draft_agendas(
    sessions: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> None:
    meetings = await _demo_meetings(sessions)
    drafts = [m for m in meetings if not m.invited]
    invited = [m for m in meetings if m.invited]
    assert drafts
    assert invited

    for meeting in (invited[0], invited[-1], drafts[0]):
        local = meeting.start + BERLIN_OFFSET
        response = await client.get(f"/calendar/{local.year}/{local.month:02d}")
        assert response.status_code == 200
        shown = f'href="/meetings/{meeting.id}"' in response.text
        assert shown is meeting.invited, meeting.name
        assert "<caption>" in response.text
        assert 'scope="col"' in response.text
        assert 'rel="prev"' in response.text
        assert 'rel="next"' in response.text


async def test_lists_split_upcoming_and_past_and_filter_by_organization(
    sessions: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> None:
    meetings = await _demo_meetings(sessions)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=12)
    upcoming = await client.get("/calendar")
    past = await client.get("/calendar", params={"when": "past"})
    assert upcoming.status_code == past.status_code == 200
    for meeting in meetings:
        link = f'href="/meetings/{meeting.id}"'
        if not meeting.invited:
            assert link not in upcoming.text
            assert link not in past.text
        elif meeting.start >= now:
            assert link in upcoming.text
            assert link not in past.text

    some = next(m for m in meetings if m.invited and m.start < now)
    of_one = await client.get("/calendar", params={"when": "past", "organization": str(some.organization_id)})
    assert f'href="/meetings/{some.id}"' in of_one.text
    others = [m for m in meetings if m.invited and m.start < now and m.organization_id != some.organization_id]
    assert others
    assert all(f'href="/meetings/{m.id}"' not in of_one.text for m in others)


async def test_a_month_that_does_not_exist_is_not_found(client: httpx.AsyncClient, world) -> None:
    assert (await client.get("/calendar/2026/13")).status_code == 404
    assert (await client.get("/calendar/2026/03?organization=x")).status_code == 200
