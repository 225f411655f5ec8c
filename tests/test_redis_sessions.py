"""With COUNCIL_REDIS_URL set, sessions live in Redis, so several app processes share them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager
from redis.asyncio import Redis
from sqlalchemy.pool import NullPool

from council.db import create_engine
from council.settings import load_settings
from tests.conftest import browser_client
from tests.web_helpers import log_in
from tests.world import PASSWORD

REDIS_URL = os.environ.get("COUNCIL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_login_in_one_process_is_known_to_another(database_url: str, world, tmp_path: Path):
    from web.app import create_app

    settings = load_settings(
        {
            "COUNCIL_DATABASE_URL": database_url,
            "COUNCIL_VAR_DIR": str(tmp_path / "var"),
            "COUNCIL_SECRET_KEY": "shared-secret-key-for-both-processes-0123456789",
            "COUNCIL_REDIS_URL": REDIS_URL,
        }
    )
    first = create_app(settings, engine=create_engine(database_url, poolclass=NullPool))
    second = create_app(settings, engine=create_engine(database_url, poolclass=NullPool))
    redis = Redis.from_url(REDIS_URL)
    try:
        async with (
            LifespanManager(first, startup_timeout=60),  # type: ignore[arg-type]
            LifespanManager(second, startup_timeout=60),  # type: ignore[arg-type]
            browser_client(first) as one,
            browser_client(second) as other,
        ):
            await log_in(one, "member", PASSWORD)
            session_id = one.cookies.get("council_session")
            assert session_id
            assert [key async for key in redis.scan_iter(match=f"council-sessions*{session_id}")]
            other.cookies.set("council_session", session_id, domain="testserver.local")
            response = await other.get("/account")
            assert response.status_code == 200
            assert "Mein Konto" in response.text
    finally:
        await redis.aclose()


async def test_a_burst_of_requests_waits_for_a_redis_connection_instead_of_failing():
    """A vote storm: more requests at once than the session store's pool has connections."""
    import asyncio
    import uuid

    from council.settings import Settings
    from web.sessions import REDIS_SESSION_CONNECTIONS, session_store

    store = session_store(Settings(redis_url=REDIS_URL, redis_namespace=f"test-burst-{uuid.uuid4().hex[:8]}"))
    try:
        await store.set("s", b"data", expires_in=60)
        found = await asyncio.gather(*(store.get("s") for _ in range(REDIS_SESSION_CONNECTIONS * 4)))
        assert found == [b"data"] * (REDIS_SESSION_CONNECTIONS * 4)
    finally:
        await store.delete_all()
        await store.__aexit__(None, None, None)
