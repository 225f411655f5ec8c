"""The page cache for anonymous visitors (web/page_cache.py) and the change counter it relies on
(council/changes.py): kept pages are served only to visitors without a session, never from before a change,
with the visitor's own CSRF token; nothing a member sees is ever handed to the public."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

import httpx
import pytest
from asgi_lifespan import LifespanManager
from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.middleware.csrf import generate_csrf_token
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from council import changes
from council.db import create_engine
from council.meetings.models import AgendaItem
from council.settings import Settings
from tests.conftest import browser_client
from tests.web_helpers import submit_form
from tests.world import CONFIDENTIAL_MARKER, PASSWORD, World
from web.page_cache import PLACEHOLDER, Kept, PageStore, changes_channel, valid_token

SECRET = "test-secret-key-that-is-long-enough-0123456789"


def htmx_token(html: str) -> str:
    """The token every page gives htmx for its requests."""
    found = re.search(r'"x-csrftoken": "([^"]+)"', html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def store_of(app: Litestar) -> PageStore:
    store = app.state.page_store
    assert isinstance(store, PageStore)
    return store


async def test_an_anonymous_page_is_served_again_without_the_database(
    client: httpx.AsyncClient, running_app: Litestar, world: World, engine: AsyncEngine
) -> None:
    store = store_of(running_app)
    first = await client.get(f"/meetings/{world.past_meeting.id}")
    assert first.status_code == 200
    misses = store.misses
    again = await client.get(f"/meetings/{world.past_meeting.id}")
    assert again.status_code == 200
    assert (store.hits, store.misses) == (1, misses)
    assert again.text == first.text
    assert again.headers["content-type"] == first.headers["content-type"]
    assert int(again.headers["content-length"]) == len(again.content)
    assert "x-content-type-options" in again.headers  # the app's middleware still answers around a kept page


async def test_a_commit_elsewhere_makes_the_kept_page_stale(
    client: httpx.AsyncClient, running_app: Litestar, world: World, sessions: async_sessionmaker[AsyncSession]
) -> None:
    path = f"/meetings/{world.past_meeting.id}"
    assert "Neuer Titel der Sitzung" not in (await client.get(path)).text
    await client.get(path)
    # Another engine of this process (as a CLI command or a second app would be) writes to the same database.
    async with sessions() as session, session.begin():
        await session.execute(
            update(AgendaItem).where(AgendaItem.id == world.public_item.id).values(title="Neuer Titel der Sitzung")
        )
    assert "Neuer Titel der Sitzung" in (await client.get(path)).text


async def test_a_read_only_request_does_not_count_as_a_change(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    key = changes.database_key(engine.url)
    before = changes.change_count(key)
    async with sessions() as session:
        await session.execute(text("SELECT 1"))
        await session.commit()
    async with sessions() as session:
        await session.execute(update(AgendaItem).values(title=AgendaItem.title))
        assert changes.change_count(key) == before  # not before the database has the commit
        await session.rollback()
    assert changes.change_count(key) == before
    async with sessions() as session, session.begin():
        await session.execute(update(AgendaItem).values(title=AgendaItem.title))
    assert changes.change_count(key) == before + 1


async def test_members_pages_are_never_kept_nor_served_to_the_public(
    client: httpx.AsyncClient,
    running_app: Litestar,
    world: World,
    login: Callable[[str], Awaitable[httpx.AsyncClient]],
) -> None:
    path = f"/meetings/{world.past_meeting.id}"
    member = await login("member")
    for _ in range(2):
        seen = await member.get(path)
        assert CONFIDENTIAL_MARKER in seen.text
    assert len(store_of(running_app)) == 0
    public = await client.get(path)
    assert CONFIDENTIAL_MARKER not in public.text
    # And the other way round: a kept public page is not what a member gets.
    assert CONFIDENTIAL_MARKER not in (await client.get(path)).text
    assert CONFIDENTIAL_MARKER in (await member.get(path)).text


async def test_each_visitor_gets_a_page_with_their_own_csrf_token_and_can_log_in_from_it(
    running_app: Litestar, world: World
) -> None:
    path = f"/meetings/{world.past_meeting.id}"
    async with browser_client(running_app) as first, browser_client(running_app) as second:
        one = await first.get(path)
        two = await second.get(path)
        assert store_of(running_app).hits == 1
        token_one, token_two = htmx_token(one.text), htmx_token(two.text)
        assert token_one != token_two
        assert second.cookies["csrftoken"] == token_two  # the kept page came with a cookie of its own
        assert valid_token(token_two, SECRET)
        assert PLACEHOLDER.decode() not in two.text
        # The visitor served from the cache logs in with the token of that page.
        response = await second.post(
            "/login",
            data={"_csrf_token": token_two, "username": world.username("member"), "password": PASSWORD},
        )
        assert response.status_code == 303
        assert "council_session" in second.cookies
        assert CONFIDENTIAL_MARKER in (await second.get(path)).text


async def test_a_made_up_csrf_cookie_neither_spoils_nor_reads_the_kept_page(
    running_app: Litestar, world: World
) -> None:
    """Replacing an attacker's chosen "token" in the page would put it everywhere in everybody's page."""
    path = f"/meetings/{world.past_meeting.id}"
    async with browser_client(running_app) as attacker:
        attacker.cookies.set("csrftoken", "Sitzung", domain="testserver.local")
        await attacker.get(path)
        await attacker.get(path)
    assert len(store_of(running_app)) == 0
    assert store_of(running_app).hits == 0
    async with browser_client(running_app) as visitor:
        page = await visitor.get(path)
        assert "Sitzung" in page.text


async def test_only_a_successful_get_is_kept(client: httpx.AsyncClient, running_app: Litestar, world: World) -> None:
    assert (await client.get("/meetings/999999")).status_code == 404
    assert (await client.get("/meetings/999999")).status_code == 404
    assert (await client.head(f"/meetings/{world.past_meeting.id}")).status_code in (200, 405)
    assert len(store_of(running_app)) == 0


async def test_pages_differ_by_query_and_htmx_request(
    client: httpx.AsyncClient, running_app: Litestar, world: World
) -> None:
    await client.get("/search?q=Haushalt")
    await client.get("/search?q=Satzung")
    await client.get("/search?q=Haushalt", headers={"hx-request": "true", "hx-boosted": "true"})
    assert len(store_of(running_app)) == 3
    await client.get("/search?q=Haushalt")
    assert store_of(running_app).hits == 1


async def test_a_page_expires(settings: Settings, engine: AsyncEngine, world: World) -> None:
    from web.app import create_app

    app = create_app(replace(settings, page_cache_seconds=0.2), engine=engine)
    async with LifespanManager(app, startup_timeout=60), browser_client(app) as visitor:  # type: ignore[arg-type]
        path = f"/meetings/{world.past_meeting.id}"
        await visitor.get(path)
        await visitor.get(path)
        assert store_of(app).hits == 1
        await asyncio.sleep(0.3)
        await visitor.get(path)
        assert store_of(app).hits == 1


async def test_switched_off(settings: Settings, engine: AsyncEngine, world: World) -> None:
    from web.app import create_app

    app = create_app(replace(settings, page_cache_seconds=0), engine=engine)
    async with LifespanManager(app, startup_timeout=60), browser_client(app) as visitor:  # type: ignore[arg-type]
        for _ in range(2):
            await visitor.get(f"/meetings/{world.past_meeting.id}")
        assert len(store_of(app)) == 0


async def test_an_anonymous_visit_leaves_no_session_behind(client: httpx.AsyncClient, world: World) -> None:
    for _ in range(2):
        await client.get(f"/meetings/{world.past_meeting.id}")
        await client.get("/papers")
    assert "council_session" not in client.cookies


def test_the_store_drops_the_least_recently_used_beyond_its_size() -> None:
    store = PageStore(seconds=60, max_bytes=3000)
    now = time.monotonic()

    def page(size: int) -> Kept:
        return Kept(count=1, expires=now + 60, status=200, headers=(), body=b"x" * size)

    store.put(("de", "/a", b""), page(300))
    store.put(("de", "/b", b""), page(300))
    assert store.get(("de", "/a", b""), 1, now) is not None  # /a is now the most recent
    for n in range(9):
        store.put(("de", f"/c{n}", b""), page(300))
    assert store.size <= 3000
    assert store.get(("de", "/b", b""), 1, now) is None
    assert store.get(("de", "/a", b""), 2, now) is None  # another change count
    store.put(("de", "/huge", b""), page(1000))  # more than an eighth of the store: not kept
    assert store.get(("de", "/huge", b""), 1, now) is None


def test_only_tokens_signed_with_the_secret_are_valid() -> None:
    token = generate_csrf_token(SECRET)
    assert valid_token(token, SECRET)
    assert not valid_token(token, SECRET + "x")
    assert not valid_token(token[:-1] + ("0" if token[-1] != "0" else "1"), SECRET)
    assert not valid_token("Sitzung", SECRET)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_a_change_in_another_process_reaches_this_one_over_redis(
    settings: Settings, world: World, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two app processes share Redis: a write in one is relayed to the other, whose kept pages go stale."""
    import web.page_cache
    from web.app import create_app

    relayed: list[changes.DatabaseKey] = []
    arrived = asyncio.Event()

    def note(key: changes.DatabaseKey) -> None:
        relayed.append(key)
        arrived.set()
        changes.note_remote_change(key)

    monkeypatch.setattr(web.page_cache, "note_remote_change", note)

    redis_url = os.environ.get("COUNCIL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    shared = replace(settings, redis_url=redis_url, redis_namespace=f"pagecache{os.getpid()}")
    engines = [create_engine(database_url, pool_size=2), create_engine(database_url, pool_size=2)]
    apps = [create_app(shared, engine=engine) for engine in engines]
    key = changes.database_key(engines[0].url)
    local: list[changes.DatabaseKey] = []
    stop = None
    try:
        async with (
            LifespanManager(apps[0], startup_timeout=60),  # type: ignore[arg-type]
            LifespanManager(apps[1], startup_timeout=60),  # type: ignore[arg-type]
            browser_client(apps[1]) as visitor,
        ):
            # Redis passes messages on only once its subscriptions are through: wait until a probe arrives.
            probe = apps[0].plugins.get(ChannelsPlugin)
            for _ in range(50):
                probe.publish({"origin": "probe"}, changes_channel(shared.redis_namespace))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(arrived.wait(), timeout=0.1)
                    break
            assert relayed, "the change channel never delivered"
            await asyncio.sleep(0.5)  # probes still on their way
            # Every writing commit of either app from now on, to compare with what the other app relayed.
            # (Only these two apps' engines: other tests of this worker may leave writers of their own behind.)
            ours = {engine.sync_engine for engine in engines}
            stop = changes.on_local_change(lambda key, writer: local.append(key) if writer in ours else None)
            relayed.clear()
            path = f"/meetings/{world.past_meeting.id}"
            await visitor.get(path)
            await visitor.get(path)
            assert store_of(apps[1]).hits == 1
            async with browser_client(apps[0]) as writer:
                # A failed login is recorded (the login throttle's log): a write through the first app.
                refused = await submit_form(writer, "/login", username="nobody", password="wrong")
                assert refused.status_code in (400, 401, 403, 422)
            # Only the other app relays them (each ignores its own messages): once per writing commit.
            while len(relayed) < len(local):
                arrived.clear()
                if len(relayed) < len(local):
                    await asyncio.wait_for(arrived.wait(), timeout=5)
            await asyncio.sleep(0.3)  # and nothing more arrives
            assert local
            assert relayed == local == [key] * len(local)
    finally:
        if stop is not None:
            stop()
        for engine in engines:
            await engine.dispose()


async def test_open_data_is_kept_too(client: httpx.AsyncClient, running_app: Litestar, world: World) -> None:
    first = await client.get("/oparl/v1.1/body")
    again = await client.get("/oparl/v1.1/body")
    assert first.status_code == again.status_code == 200
    assert store_of(running_app).hits == 1
    assert again.json() == first.json()
    assert again.headers["access-control-allow-origin"] == "*"
