"""Two secretaries save papers at the same moment, over real HTTP, against two server processes on PostgreSQL:
every paper gets its own number, the numbers are gapless, and refused forms take none."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from council.papers.models import Paper
from tests.web_helpers import csrf_token_from, log_in
from tests.world import PASSWORD, World

pytestmark = pytest.mark.postgres
REDIS_URL = os.environ.get("COUNCIL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PER_SECRETARY = 8


@pytest.fixture
def backend() -> str:
    """Row locks are the point here: PostgreSQL only (SQLite serialises all writers anyway)."""
    return "postgresql"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(world: World, database_url: str, tmp_path: Path) -> Iterator[str]:
    """`council serve` with two worker processes; sessions in Redis so a login holds on both."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("COUNCIL_")}
    env.update(
        COUNCIL_ENV="test",
        COUNCIL_DATABASE_URL=database_url,
        COUNCIL_REDIS_URL=REDIS_URL,
        COUNCIL_VAR_DIR=str(tmp_path / "var"),
        COUNCIL_SECRET_KEY="concurrency-test-secret-key-0123456789abcdef",
        PYTHONUNBUFFERED="1",
    )
    council = Path(sys.executable).with_name("council")
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [str(council), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.25)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        log.close()


async def _create(http: httpx.AsyncClient, token: str, world: World, year: int, title: str) -> httpx.Response:
    return await http.post(
        "/papers/",
        data={
            "_csrf_token": token,
            "kind": "resolution_proposal",
            "title": title,
            "date": f"{year}-06-01",
            "lead_department": str(world.department.id),
            "public": "1",
        },
        follow_redirects=False,
    )


async def test_two_secretaries_saving_at_once_get_distinct_gapless_numbers(server, world, sessions):
    async with (
        httpx.AsyncClient(base_url=server, timeout=60) as first,
        httpx.AsyncClient(base_url=server, timeout=60) as second,
    ):
        await log_in(first, world.username("secretariat"), PASSWORD)
        await log_in(second, world.username("admin"), PASSWORD)
        tokens = {id(http): csrf_token_from((await http.get("/papers/new")).text) for http in (first, second)}
        requests = []
        for index in range(PER_SECRETARY):
            for http in (first, second):
                year = 2024 if index % 2 == 0 else 2025
                requests.append(_create(http, tokens[id(http)], world, year, f"Vorlage {index}"))
            # A refused form in between: it must not use up a number.
            requests.append(_create(first, tokens[id(first)], world, 2024, " "))
        responses = await asyncio.gather(*requests)

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [303] * (2 * PER_SECRETARY) + [400] * PER_SECRETARY, statuses
    async with sessions() as session:
        references = list(await session.scalars(select(Paper.reference).where(Paper.title.like("Vorlage %"))))
    assert len(references) == len(set(references)) == 2 * PER_SECRETARY
    per_year = PER_SECRETARY  # half of each secretary's papers in each year
    # 2024 continues after the world's VO/2024/00001 and VO/2024/00002; 2025 starts at 1.
    assert sorted(r for r in references if "/2024/" in r) == [f"VO/2024/{n:05d}" for n in range(3, 3 + per_year)]
    assert sorted(r for r in references if "/2025/" in r) == [f"VO/2025/{n:05d}" for n in range(1, 1 + per_year)]
