"""When every database connection stays busy, a request is answered 503 with Retry-After, never 500."""

from __future__ import annotations

import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import text

from council.db import create_engine
from council.settings import Settings
from tests.conftest import browser_client

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


async def test_a_request_that_finds_no_free_connection_is_told_to_retry(settings: Settings, world) -> None:
    from web.app import create_app

    engine = create_engine(settings.database_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    app = create_app(settings, engine=engine)
    try:
        async with LifespanManager(app, startup_timeout=60), engine.connect() as held:  # type: ignore[arg-type]
            await held.execute(text("SELECT 1"))
            async with browser_client(app) as client:
                page = await client.get("/organizations")
                program = await client.get("/organizations", headers={"Accept": "application/json"})
                oparl = await client.get("/oparl/v1.1/body")
            assert page.status_code == 503
            assert page.headers["retry-after"] == "2"
            assert "überlastet" in page.text
            assert program.status_code == 503
            assert program.json()["status"] == 503
            assert oparl.status_code == 503
            assert oparl.json()["type"].endswith("/Error")
        async with browser_client(app) as client, LifespanManager(app, startup_timeout=60):  # type: ignore[arg-type]
            assert (await client.get("/organizations")).status_code == 200
    finally:
        await engine.dispose()
