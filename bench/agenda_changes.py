"""How long an agenda change takes: every change renumbers the whole agenda (two rounds of position updates).

Builds a planned meeting with a long agenda in a fresh SQLite database and times moving an item from the top to
the bottom and back, each in its own transaction, against the baseline of loading the same agenda in the same
run. Prints one JSON line. Usage: ``.venv/bin/python bench/agenda_changes.py [--items 80] [--rounds 40]``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.accounts.models import BodyRoleKind
from council.accounts.viewer import Viewer
from council.bodies.models import Body, LegislativeTerm, Location, Organization, OrganizationKind
from council.db import create_engine, session_factory
from council.meetings.agenda import ItemDraft, add_topic, live_items, move_item
from council.meetings.attendance import load_meeting
from council.meetings.models import AgendaItem, MeetingMode
from council.meetings.scheduling import MeetingDraft, create_meeting
from council.schema import upgrade

NOW = dt.datetime(2030, 1, 7, 9, tzinfo=dt.UTC)


async def _setup(factory: async_sessionmaker[AsyncSession], items: int) -> tuple[int, Viewer]:
    async with factory() as session, session.begin():
        body = Body(name="Benchstadt", short_name="bench")
        session.add(body)
        await session.flush()
        session.add(LegislativeTerm(body_id=body.id, name="WP", start_date=dt.date(2029, 1, 1)))
        place = Location(body_id=body.id, description="Rathaus")
        committee = Organization(body_id=body.id, kind=OrganizationKind.COMMITTEE, name="Hauptausschuss")
        session.add_all([place, committee])
        await session.flush()
        secretariat = Viewer(user_id=None, body_roles=frozenset({(body.id, BodyRoleKind.SECRETARIAT)}))
        draft = MeetingDraft(
            start=NOW + dt.timedelta(days=30), end=None, mode=MeetingMode.IN_PERSON, location_id=place.id
        )
        meeting = await create_meeting(session, secretariat, committee.id, draft, NOW)
        for index in range(items):
            loaded = await load_meeting(session, meeting.id)
            await add_topic(session, loaded, secretariat, ItemDraft(f"Punkt {index + 1}", public=index % 5 != 4), NOW)
        return meeting.id, secretariat


async def _timed(
    factory: async_sessionmaker[AsyncSession], meeting_id: int, secretariat: Viewer, rounds: int
) -> dict[str, float]:
    loads: list[float] = []
    moves: list[float] = []
    for round_ in range(rounds):
        started = time.perf_counter()
        async with factory() as session, session.begin():
            await load_meeting(session, meeting_id)
        loads.append(time.perf_counter() - started)
        started = time.perf_counter()
        async with factory() as session, session.begin():
            meeting = await load_meeting(session, meeting_id)
            public = [i for i in live_items(meeting) if i.public and i.parent_id is None]
            item, target = (public[0], len(public) - 1) if round_ % 2 == 0 else (public[-1], 0)
            await move_item(session, meeting, secretariat, item.id, target, NOW)
        moves.append(time.perf_counter() - started)
    return {
        "baseline_load_ms_median": round(statistics.median(loads) * 1000, 2),
        "move_ms_median": round(statistics.median(moves) * 1000, 2),
        "move_ms_p90": round(sorted(moves)[int(len(moves) * 0.9) - 1] * 1000, 2),
    }


async def _run(items: int, rounds: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.sqlite3'}"
        await asyncio.to_thread(upgrade, url)
        engine = create_engine(url)
        try:
            factory = session_factory(engine)
            meeting_id, secretariat = await _setup(factory, items)
            figures = await _timed(factory, meeting_id, secretariat, rounds)
            async with factory() as session:
                check = await load_meeting(session, meeting_id)
                numbers = [i.number for i in live_items(check)]
                positions = list(
                    await session.scalars(select(AgendaItem.position).where(AgendaItem.meeting_id == meeting_id))
                )
        finally:
            await engine.dispose()
    # The benchmark's agenda must still be whole: every item numbered, every position once.
    assert len(numbers) == items
    assert len(set(positions)) == len(positions)
    return {"benchmark": "agenda_changes", "database": "sqlite", "items": items, "rounds": rounds, **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=80)
    parser.add_argument("--rounds", type=int, default=40)
    arguments = parser.parse_args()
    print(json.dumps(asyncio.run(_run(arguments.items, arguments.rounds))))


if __name__ == "__main__":
    main()
