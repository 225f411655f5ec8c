"""A quiet live stream gets a keep-alive comment every COUNCIL_LIVE_KEEPALIVE_SECONDS, and events still flow."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.demo_poll import SECRETARIAT, log_in, prepare_voters
from tests.servers import serve_demo
from tests.sse import Listener, Message


def _keepalive(message: Message) -> bool:
    return message.comment and message.data == "keep-alive"


def test_an_idle_stream_gets_keep_alive_comments_between_events(tmp_path: Path) -> None:
    with serve_demo(tmp_path, COUNCIL_LIVE_KEEPALIVE_SECONDS="1") as server:
        demo = prepare_voters(f"sqlite+aiosqlite:///{tmp_path / 'var' / 'council.sqlite3'}")
        url = f"{server.base_url}/meetings/{demo.meeting_id}/events"
        with Listener(url, comments=True) as screen:
            assert screen.headers["content-type"].startswith("text/event-stream")
            assert screen.wait_for(_keepalive, timeout=30) is not None
            assert screen.wait_for(_keepalive, timeout=30) is not None
            with httpx.Client(base_url=server.base_url, timeout=30) as secretariat:
                token = log_in(secretariat, SECRETARIAT)
                opened = secretariat.post(f"/meetings/{demo.meeting_id}/open", data={"_csrf_token": token})
                assert opened.status_code == 303
            # The read that was waiting through the keep-alives still delivers the next push.
            pushed = screen.wait_for(lambda m: m.event == "live", timeout=30)
            assert pushed is not None
            assert 'data-state="idle"' in pushed.data
            assert screen.wait_for(_keepalive, timeout=30) is not None
