"""Live updates across app processes: a vote cast on process A reaches a public screen connected to process B.

Two `council serve` processes share one PostgreSQL database. With ``COUNCIL_REDIS_URL`` the live channels go
through Redis and B's listener hears A's votes and result; with the default in-process backend it must not,
which shows the test can tell the two apart.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests import databases
from tests.demo_poll import SECRETARIAT, cast, log_in, open_named_poll, prepare_voters
from tests.servers import serve, serve_demo
from tests.sse import Listener, Message

pytestmark = pytest.mark.postgres
REDIS_URL = os.environ.get("COUNCIL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# Long enough for a push to cross Redis on a busy machine; only the negative case waits it out.
WAIT_SECONDS = 15.0
QUIET_SECONDS = 5.0


@pytest.fixture
def database_url() -> Iterator[str]:
    name = f"council_test_live_{uuid.uuid4().hex[:12]}"
    yield databases.prepare_postgres(name)
    databases.drop_postgres(name)


def _progress(cast: int) -> Callable[[Message], bool]:
    return lambda m: m.event == "live" and f'data-cast="{cast}"' in m.data


def _closed(m: Message) -> bool:
    return m.event == "live" and 'data-state="closed"' in m.data


@pytest.mark.parametrize("redis", [True, False], ids=["redis", "memory"])
def test_a_vote_on_one_process_reaches_a_public_screen_on_another(
    redis: bool, database_url: str, tmp_path: Path
) -> None:
    env = {
        "COUNCIL_DATABASE_URL": database_url,
        "COUNCIL_SECRET_KEY": "live-processes-test-secret-key-0123456789abcdef",
    }
    if redis:
        # A namespace of its own: other test runs may use the same Redis and the same meeting ids.
        env.update(COUNCIL_REDIS_URL=REDIS_URL, COUNCIL_REDIS_NAMESPACE=f"test-{uuid.uuid4().hex[:12]}")
    with serve_demo(tmp_path / "a", env=env) as first, serve(tmp_path / "b", env=env) as second:
        demo = prepare_voters(database_url)
        with httpx.Client(base_url=first.base_url, timeout=30) as secretariat:
            token = log_in(secretariat, SECRETARIAT)
            poll_id = open_named_poll(secretariat, demo)
            with Listener(f"{second.base_url}/meetings/{demo.meeting_id}/events") as screen:
                with httpx.Client(base_url=first.base_url, timeout=30) as member:
                    vote = cast(member, poll_id, log_in(member, demo.voters[0].username), "yes")
                assert vote.status_code == 201, vote.text
                progress = screen.wait_for(_progress(1), timeout=WAIT_SECONDS if redis else QUIET_SECONDS)
                closed = secretariat.post(f"/polls/{poll_id}/close", data={"_csrf_token": token})
                assert closed.status_code == 303, closed.text
                result = screen.wait_for(_closed, timeout=WAIT_SECONDS if redis else QUIET_SECONDS)
    if redis:
        assert progress is not None, "process B's screen never heard of the vote cast on process A"
        assert f"1 von {len(demo.voters)} haben abgestimmt" in progress.data
        assert result is not None, "process B's screen never got the result"
        assert "Ja: 1, Nein: 0, Enthaltungen: 0, Befangen: 0" in result.data
    else:
        assert progress is None
        assert result is None
