"""Throughput of numbered paper creation under concurrency on PostgreSQL, against plain inserts as baseline.

Prints one JSON line. Usage: ``.venv/bin/python bench/paper_numbers.py [--papers 200] [--concurrency 8]``.
Needs the PostgreSQL server of the test suite (COUNCIL_TEST_POSTGRES_URL, a role that may create databases);
the benchmark creates its own database and drops it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import time
import uuid
from collections.abc import Coroutine
from typing import Any

import asyncpg
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.accounts.models import BodyRoleKind
from council.accounts.viewer import Viewer
from council.bodies.models import Body, Organization, OrganizationKind
from council.db import create_engine, session_factory
from council.papers.editing import PaperInput, create_paper
from council.papers.models import Paper, PaperKind
from council.schema import upgrade

ADMIN_URL = os.environ.get("COUNCIL_TEST_POSTGRES_URL", "postgresql://postgres:postgres@127.0.0.1:5432/postgres")


async def _database(name: str, *, drop: bool) -> None:
    connection = await asyncpg.connect(ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def _setup(sessions: async_sessionmaker[AsyncSession]) -> tuple[Body, Organization]:
    async with sessions() as session, session.begin():
        body = Body(name="Benchstadt", short_name="benchstadt")
        session.add(body)
        await session.flush()
        department = Organization(body_id=body.id, kind=OrganizationKind.DEPARTMENT, name="Hauptamt")
        session.add(department)
        await session.flush()
        return body, department


async def _numbered(sessions: async_sessionmaker[AsyncSession], body: Body, department: Organization, n: int) -> None:
    viewer = Viewer(user_id=None, body_roles=frozenset({(body.id, BodyRoleKind.SECRETARIAT)}))
    data = PaperInput(
        kind=PaperKind.RESOLUTION_PROPOSAL, title="Bench", date=dt.date(2026, 5, 1), lead_department_id=department.id
    )
    for _ in range(n):
        async with sessions() as session, session.begin():
            await create_paper(session, body, viewer, data, publish=True, now=dt.datetime.now(dt.UTC))


async def _plain(sessions: async_sessionmaker[AsyncSession], body: Body, n: int) -> None:
    """The same rows with numbers known beforehand: what the counter costs on top."""
    for _ in range(n):
        async with sessions() as session, session.begin():
            session.add(
                Paper(
                    body_id=body.id,
                    reference=f"X/{uuid.uuid4().hex[:20]}",
                    kind=PaperKind.RESOLUTION_PROPOSAL,
                    title="Bench",
                    date=dt.date(2026, 5, 1),
                )
            )


async def _timed(work: list[Coroutine[Any, Any, None]]) -> float:
    start = time.perf_counter()
    await asyncio.gather(*work)
    return time.perf_counter() - start


async def main(papers: int, concurrency: int) -> dict[str, object]:
    name = f"council_bench_{uuid.uuid4().hex[:10]}"
    await _database(name, drop=False)
    url = "postgresql+asyncpg://" + ADMIN_URL.split("://", 1)[1].rsplit("/", 1)[0] + f"/{name}"
    try:
        await asyncio.to_thread(upgrade, url)
        engine = create_engine(url, pool_size=concurrency, max_overflow=0)
        sessions = session_factory(engine)
        body, department = await _setup(sessions)
        per_task = papers // concurrency
        baseline = await _timed([_plain(sessions, body, per_task) for _ in range(concurrency)])
        numbered = await _timed([_numbered(sessions, body, department, per_task) for _ in range(concurrency)])
        async with sessions() as session:
            references = list(await session.scalars(select(Paper.reference).where(Paper.reference.like("VO/%"))))
        await engine.dispose()
    finally:
        await _database(name, drop=True)
    expected = [f"VO/2026/{n:05d}" for n in range(1, per_task * concurrency + 1)]
    return {
        "bench": "paper_numbers",
        "papers": per_task * concurrency,
        "concurrency": concurrency,
        "numbered_per_second": round(per_task * concurrency / numbered, 1),
        "baseline_plain_insert_per_second": round(per_task * concurrency / baseline, 1),
        "gapless_and_unique": sorted(references) == expected,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    arguments = parser.parse_args()
    print(json.dumps(asyncio.run(main(arguments.papers, arguments.concurrency))))
