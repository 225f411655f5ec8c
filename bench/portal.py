"""Benchmark: the public portal under a real ASGI server, beside a bare route of the same app.

    .venv/bin/python bench/portal.py                       # SQLite, the embedded default
    .venv/bin/python bench/portal.py --postgres postgresql://postgres:postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/portal.py --clients 8 --seconds 5

Starts `council serve --demo` (uvicorn, one worker) in a subprocess with COUNCIL_BENCH_HELLO=1, which mounts
GET /bench/hello: the app's middleware and nothing else, the baseline. Then, for each page in turn, several
concurrent clients request it for a fixed time: requests per second, p50 and p99 latency, and the ratio to the
hello route's throughput measured in the same run. Anonymous visitors are served from the page cache
(web/page_cache.py) while nothing changes; `meeting_rendered` and `paper_rendered` ask for the same pages
with a query string that differs every time, so each is rendered from the database: the cost after a change.
The SQL statements per page are counted in process
(council/querycount.py) on the same database, once per page. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from asgi_lifespan import LifespanManager

from council.querycount import counting_statements
from council.settings import load_settings
from web.app import create_app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _served(env: dict[str, str], directory: Path) -> Iterator[str]:
    port = _free_port()
    council = Path(sys.executable).with_name("council")
    log = (directory / "server.log").open("wb")
    process = subprocess.Popen(  # noqa: S603  (our own command, fixed arguments)
        [str(council), "serve", "--demo", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=directory,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError((directory / "server.log").read_text())
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.25)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _pages(base: str) -> dict[str, str]:
    """One of each page the public reads most, found the way a visitor finds them."""

    def first(listing: str, pattern: str) -> str:
        found = re.search(pattern, httpx.get(f"{base}{listing}", timeout=30, follow_redirects=True).text)
        if found is None:
            raise RuntimeError(f"no {pattern} on {listing}")
        return found.group(1)

    # The meeting with the longest public agenda among the past ones.
    meetings = re.findall(r'href="(/meetings/\d+)"', httpx.get(f"{base}/calendar?when=past", timeout=30).text)
    meeting = max(dict.fromkeys(meetings), key=lambda m: httpx.get(f"{base}{m}", timeout=30).text.count('id="top-'))
    body = first("/oparl/v1.1/body", r'"(?:https?://[^"/]+)?(/oparl/v1\.1/body/\d+)"')
    return {
        "hello": "/bench/hello",
        "meeting": meeting,
        "paper": first("/papers", r'href="(/papers/\d+)"'),
        "search": "/search?q=Haushalt",
        "oparl_list": f"{body}/paper",
    }


async def _load(base: str, path: str, clients: int, seconds: float, *, fresh: bool = False) -> dict[str, float]:
    """`fresh`: every request asks for another query string, which the page ignores: none is served from the
    page cache, each is rendered from the database (the cost of a page after a change, or of a rare one)."""
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    serial = iter(range(10**9))

    async def client() -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            while time.perf_counter() < stop:
                started = time.perf_counter()
                response = await http.get(f"{path}?bench={next(serial)}" if fresh else path)
                latencies.append(time.perf_counter() - started)
                errors += response.status_code != 200

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 1),
        "requests": len(latencies),
        "errors": errors,
    }


async def _queries(env: dict[str, str], pages: dict[str, str]) -> dict[str, int]:
    """SQL statements per page as rendered (page cache off), counted in process against the served database
    (after one warm-up request)."""
    app = create_app(replace(load_settings(env), page_cache_seconds=0))
    counts = {}
    async with LifespanManager(app, startup_timeout=60):  # type: ignore[arg-type]
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://bench.local") as http:
            for name, path in pages.items():
                await http.get(path)
                with counting_statements() as count:
                    response = await http.get(path)
                assert response.status_code == 200, (path, response.status_code)
                counts[name] = count.statements
    return counts


async def _postgres_database(admin_url: str, name: str, *, drop: bool) -> None:
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server; a database is made and dropped")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="council-bench-portal-") as tmp:
        directory = Path(tmp)
        env = {key: value for key, value in os.environ.items() if not key.startswith("COUNCIL_")}
        env.update(
            COUNCIL_VAR_DIR=str(directory / "var"),
            COUNCIL_ENV="development",
            COUNCIL_BENCH_HELLO="1",
            COUNCIL_SECRET_KEY=secrets.token_hex(32),
        )
        database = None
        if args.postgres:
            database = f"council_bench_portal_{secrets.token_hex(4)}"
            asyncio.run(_postgres_database(args.postgres, database, drop=False))
            env["COUNCIL_DATABASE_URL"] = args.postgres.rsplit("/", 1)[0] + f"/{database}"
        try:
            with _served(env, directory) as base:
                pages = _pages(base)
                results: dict[str, Any] = {}
                for name, path in pages.items():
                    asyncio.run(_load(base, path, args.clients, 1.0))  # warm-up
                    results[name] = asyncio.run(_load(base, path, args.clients, args.seconds))
                for name in ("meeting", "paper"):
                    results[f"{name}_rendered"] = asyncio.run(
                        _load(base, pages[name], args.clients, args.seconds, fresh=True)
                    )
            queries = asyncio.run(_queries(env, pages))
        finally:
            if database is not None:
                asyncio.run(_postgres_database(args.postgres, database, drop=True))

    hello = results["hello"]["rps"]
    figures = {
        "benchmark": "portal",
        "database": "postgresql" if args.postgres else "sqlite",
        "clients": args.clients,
        "seconds_per_page": args.seconds,
        "pages": pages,
        **{
            name: {**figure, "sql_queries": queries.get(name.removesuffix("_rendered"))}
            for name, figure in results.items()
        },
        "ratio_to_hello": {name: round(r["rps"] / hello, 3) for name, r in results.items() if name != "hello"},
    }
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
