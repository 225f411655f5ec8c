"""Crash recovery: SIGKILL the server while a poll is open with votes cast, start it again.

The poll is still open, every vote the server acknowledged is stored exactly once, and closing counts them.
Runs against the real `council serve --demo` on SQLite (the embedded default) and on a fresh PostgreSQL database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests import databases
from tests.demo_poll import SECRETARIAT, DemoMeeting, cast, log_in, open_named_poll, prepare_voters
from tests.servers import Server, serve_demo

CHOICES = ["yes", "yes", "no", "yes", "abstain", "no", "yes"]


@pytest.fixture(params=["sqlite", "postgresql"])
def server_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    if request.param == "sqlite":
        yield {"COUNCIL_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve' / 'var' / 'council.sqlite3'}"}
        return
    name = f"council_test_recovery_{uuid.uuid4().hex[:12]}"
    url = databases.prepare_postgres(name)
    try:
        yield {"COUNCIL_DATABASE_URL": url}
    finally:
        databases.drop_postgres(name)


def _vote(server: Server, demo: DemoMeeting, poll_id: int) -> dict[int, str]:
    """Each voter logs in and votes; returns the acknowledged choices by person."""
    acknowledged = {}
    for voter, choice in zip(demo.voters, CHOICES, strict=False):
        with httpx.Client(base_url=server.base_url, timeout=30) as member:
            token = log_in(member, voter.username)
            response = cast(member, poll_id, token, choice)
            assert response.status_code == 201, response.text
            assert response.json()["choice"] == choice
            acknowledged[voter.person_id] = choice
    return acknowledged


def test_killed_server_keeps_the_open_poll_and_every_acknowledged_vote(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    with serve_demo(tmp_path / "serve", env=server_env) as server:
        demo = prepare_voters(server_env["COUNCIL_DATABASE_URL"])
        assert len(demo.voters) >= len(CHOICES)
        with httpx.Client(base_url=server.base_url, timeout=30) as secretariat:
            log_in(secretariat, SECRETARIAT)
            poll_id = open_named_poll(secretariat, demo)
        acknowledged = _vote(server, demo, poll_id)

        server.kill()
        assert server.process is not None and server.process.returncode == -9
        server.start()

        with httpx.Client(base_url=server.base_url, timeout=30) as secretariat:
            token = log_in(secretariat, SECRETARIAT)
            console = secretariat.get(f"/meetings/{demo.meeting_id}/console").text
            assert f'action="/polls/{poll_id}/close"' in console, "the poll is no longer open"
            assert f"{len(acknowledged)} von {len(demo.voters)} haben abgestimmt" in console
            roll_call = secretariat.get(f"/polls/{poll_id}/roll-call")
            assert roll_call.status_code == 200
            # A member who voted before the crash is refused a second vote after it.
            first = demo.voters[0]
            with httpx.Client(base_url=server.base_url, timeout=30) as member:
                again = cast(member, poll_id, log_in(member, first.username), "no")
            assert again.status_code == 409, again.text
            closed = secretariat.post(f"/polls/{poll_id}/close", data={"_csrf_token": token})
            assert closed.status_code == 303, closed.text
            result = secretariat.get(f"/meetings/{demo.meeting_id}/console").text

    choices = list(acknowledged.values())
    counts = f"Ja: {choices.count('yes')}, Nein: {choices.count('no')}, Enthaltungen: {choices.count('abstain')}"
    assert f"{counts}, Befangen: 0" in result
    _assert_stored_once(server_env["COUNCIL_DATABASE_URL"], poll_id, acknowledged)


def _assert_stored_once(database_url: str, poll_id: int, acknowledged: dict[int, str]) -> None:
    import asyncio

    from sqlalchemy import select

    from council.db import create_engine, session_factory
    from council.voting.models import Vote

    async def stored() -> list[tuple[int, str]]:
        engine = create_engine(database_url)
        try:
            async with session_factory(engine)() as session:
                rows = await session.execute(select(Vote.person_id, Vote.choice).where(Vote.poll_id == poll_id))
                return [(person_id, str(choice)) for person_id, choice in rows.tuples()]
        finally:
            await engine.dispose()

    rows = asyncio.run(stored())
    assert sorted(rows) == sorted(acknowledged.items())
