"""Benchmark: a complete crawl of every OParl list of a large body, and the SQL queries a list page costs.

    .venv/bin/python bench/oparl_crawl.py                  # PostgreSQL on 127.0.0.1, as for the tests
    .venv/bin/python bench/oparl_crawl.py --sqlite         # the embedded default
    .venv/bin/python bench/oparl_crawl.py --papers 2000 --meetings 100

The benchmark makes its own database (and drops it), fills it with a body of 10,000 papers and 500 meetings
with their agenda items and consultations, and runs the app in process. It prints one JSON line; baselines of
the same run: the queries of a page of 10 beside a page of 100 (equal, or the interface loads per object), and
the time to read the same rows straight through the ORM, without the interface.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from asgi_lifespan import LifespanManager
from oparl_data import Size, generate, insert_rows
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from council.bodies.models import LegislativeTerm, Location, Membership, Organization, Person
from council.db import create_engine, session_factory, transaction
from council.meetings.models import AgendaItem, Meeting
from council.papers.models import Consultation, File, Paper
from council.querycount import counting_statements
from council.schema import upgrade
from council.settings import load_settings
from web.app import create_app

BASE = "http://bench.local"
API = f"{BASE}/oparl/v1.1"
BODY_LISTS = (
    *("organization", "person", "meeting", "paper", "agendaItem", "consultation", "file", "locationList"),
    *("legislativeTermList", "membership"),
)
LISTED = (Organization, Person, Meeting, Paper, AgendaItem, Consultation, File, Location, LegislativeTerm, Membership)
PAGE_SIZES = (10, 100)


@asynccontextmanager
async def database(postgres_url: str | None, directory: Path) -> AsyncIterator[str]:
    """A new, empty database for this run: a PostgreSQL database dropped afterwards, or a SQLite file."""
    if postgres_url is None:
        yield f"sqlite+aiosqlite:///{directory / 'bench.sqlite3'}"
        return
    name = f"council_bench_oparl_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(postgres_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield "postgresql+asyncpg://" + postgres_url.split("://", 1)[1].rsplit("/", 1)[0] + f"/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def pages_of(client: httpx.AsyncClient, url: str) -> AsyncIterator[dict[str, Any]]:
    while url:
        response = await client.get(url)
        response.raise_for_status()
        page: dict[str, Any] = response.json()
        yield page
        url = page["links"].get("next")


async def list_urls(client: httpx.AsyncClient) -> dict[str, str]:
    """Every external list, found from the system object as a client finds them; body lists by name."""
    system = (await client.get(f"{API}/")).json()
    bodies = [body async for page in pages_of(client, system["body"]) for body in page["data"]]
    lists = {"body": system["body"]} | {name: bodies[0][name] for name in BODY_LISTS}
    organizations = [o async for page in pages_of(client, lists["organization"]) for o in page["data"]]
    for organization in organizations:
        lists |= {f"{organization['id']}/{name}": organization[name] for name in ("meeting", "consultation")}
    return lists


async def crawl(client: httpx.AsyncClient, lists: dict[str, str]) -> dict[str, Any]:
    started, cpu_started = time.perf_counter(), time.process_time()
    pages = objects = 0
    for url in lists.values():
        async for page in pages_of(client, url):
            pages += 1
            objects += len(page["data"])
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        # The app runs in this process: its CPU time, apart from the database server's and from waiting.
        "app_cpu_seconds": round(time.process_time() - cpu_started, 2),
        "lists": len(lists),
        "pages": pages,
        "objects": objects,
        "ms_per_page": round(1000 * seconds / pages, 1),
    }


async def queries_per_page(client: httpx.AsyncClient, lists: dict[str, str]) -> dict[str, dict[str, int]]:
    """SQL statements of the first page of each body list (asked twice: the first request warms the pool)."""
    costs: dict[str, dict[str, int]] = {}
    for name in BODY_LISTS:
        costs[name] = {}
        for size in PAGE_SIZES:
            url = f"{lists[name]}?limit={size}"
            await client.get(url)
            with counting_statements() as count:
                (await client.get(url)).raise_for_status()
            costs[name][f"limit_{size}"] = count.statements
    return costs


async def orm_read_seconds(engine: AsyncEngine) -> float:
    """Baseline: every row of the listed tables read through the ORM, no visibility, no JSON, no HTTP."""
    started = time.perf_counter()
    async with session_factory(engine)() as session:
        for model in LISTED:
            list(await session.scalars(select(model)))
    return round(time.perf_counter() - started, 2)


async def run(arguments: argparse.Namespace) -> dict[str, Any]:
    size = Size(papers=arguments.papers, meetings=arguments.meetings)
    with tempfile.TemporaryDirectory() as directory:
        async with database(None if arguments.sqlite else arguments.postgres_url, Path(directory)) as url:
            await asyncio.to_thread(upgrade, url)
            engine = create_engine(url)
            rows = generate(size)
            async with transaction(session_factory(engine)) as session:
                await insert_rows(session, rows)
            # Statistics, as autovacuum gathers them soon after a bulk load in any real database.
            async with transaction(session_factory(engine)) as session:
                await session.execute(text("ANALYZE"))
            settings = load_settings(
                {
                    "COUNCIL_ENV": "test",
                    "COUNCIL_DATABASE_URL": url,
                    "COUNCIL_VAR_DIR": str(Path(directory) / "var"),
                    "COUNCIL_SECRET_KEY": secrets.token_urlsafe(48),
                    "COUNCIL_PUBLIC_BASE_URL": BASE,
                }
            )
            app = create_app(settings, engine=engine)
            transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]  # Litestar's ASGI types are narrower
            async with LifespanManager(app), httpx.AsyncClient(transport=transport, base_url=BASE) as client:  # type: ignore[arg-type]
                lists = await list_urls(client)
                crawled = await crawl(client, lists)
                costs = await queries_per_page(client, lists)
            baseline = await orm_read_seconds(engine)
            await engine.dispose()
    return {
        "benchmark": "oparl_crawl",
        "database": "sqlite" if arguments.sqlite else "postgresql",
        "data": {
            "papers": rows.count(Paper),
            "meetings": rows.count(Meeting),
            "agenda_items": rows.count(AgendaItem),
            "consultations": rows.count(Consultation),
        },
        "crawl": crawled,
        "queries_per_page": costs,
        "queries_grow_with_page_size": any(c["limit_100"] > c["limit_10"] for c in costs.values()),
        "baseline": {"orm_read_seconds": baseline},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="use SQLite instead of PostgreSQL")
    parser.add_argument("--postgres-url", default="postgresql://postgres:postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--meetings", type=int, default=500)
    arguments = parser.parse_args()
    print(json.dumps(asyncio.run(run(arguments))))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
