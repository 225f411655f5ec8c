"""The signed-in viewer kept for a few seconds per app process, and sessions written only when they changed."""

from __future__ import annotations

import datetime as dt
import json
import time

from sqlalchemy import select

from council.accounts.models import BodyRole, BodyRoleKind, User
from council.accounts.viewer import Viewer
from council.accounts.viewer_cache import Changes, ViewerCache
from council.bodies.models import Membership
from tests.voting_scene import build_scene, start_poll
from tests.web_helpers import csrf_token_from

TODAY = dt.date(2026, 3, 2)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_cached_viewer_expires_and_is_kept_per_day() -> None:
    clock = Clock()
    cache = ViewerCache(ttl_seconds=10, clock=clock)
    viewer = Viewer(user_id=1, person_id=7)
    cache.put(1, TODAY, viewer, cache.epoch)
    assert cache.get(1, TODAY) is viewer
    assert cache.get(1, TODAY + dt.timedelta(days=1)) is None  # memberships are counted per day
    clock.now += 10
    assert cache.get(1, TODAY) is None


def test_a_change_drops_the_viewer_by_user_or_person() -> None:
    cache = ViewerCache(ttl_seconds=10, clock=Clock())
    cache.put(1, TODAY, Viewer(user_id=1, person_id=7), cache.epoch)
    cache.put(2, TODAY, Viewer(user_id=2, person_id=8), cache.epoch)
    cache.put(3, TODAY, Viewer(user_id=3), cache.epoch)
    cache.forget(Changes(person_ids=frozenset({7})))
    cache.forget(Changes(user_ids=frozenset({3})))
    assert cache.get(1, TODAY) is None
    assert cache.get(2, TODAY) is not None
    assert cache.get(3, TODAY) is None


def test_a_viewer_loaded_before_a_change_is_not_kept() -> None:
    """A load that began before a commit and ends after it must not put the old roles back for seconds."""
    cache = ViewerCache(ttl_seconds=10, clock=Clock())
    epoch = cache.epoch
    cache.forget(Changes(user_ids=frozenset({1})))  # the commit lands while the load runs
    cache.put(1, TODAY, Viewer(user_id=1), epoch)
    assert cache.get(1, TODAY) is None


def test_a_zero_lifetime_keeps_nothing() -> None:
    cache = ViewerCache(ttl_seconds=0, clock=Clock())
    cache.put(1, TODAY, Viewer(user_id=1), cache.epoch)
    assert cache.get(1, TODAY) is None


def test_changes_travel_as_json() -> None:
    changes = Changes(frozenset({1, 2}), frozenset({9}))
    assert Changes.from_json(json.loads(json.dumps(changes.as_json()))) == changes
    assert not Changes.from_json({"users": ["1; DROP"], "persons": None or []})
    assert not Changes.from_json("nonsense")


async def test_a_membership_ended_takes_effect_on_the_next_request(sessions, world, login):
    """The member's viewer is cached after the first page; ending the membership drops it at the commit."""
    scene = await build_scene(sessions, world)
    await start_poll(sessions, world, scene.item_id)
    member = await login("member")
    screen = f"/meetings/{scene.meeting_id}/vote"
    assert (await member.get(screen)).status_code == 200
    async with sessions() as session, session.begin():
        memberships = await session.scalars(
            select(Membership).where(
                Membership.person_id == world.people["member"].id,
                Membership.organization_id == world.committee.id,
            )
        )
        for membership in memberships:
            membership.deleted = True
    assert (await member.get(screen)).status_code in (403, 404)


async def test_a_role_granted_and_a_user_deactivated_take_effect_at_once(sessions, world, login):
    member = await login("member")
    assert (await member.get("/admin/users", follow_redirects=False)).status_code in (403, 404)
    async with sessions() as session, session.begin():
        session.add(BodyRole(user_id=world.users["member"].id, body_id=world.body.id, role=BodyRoleKind.ADMIN))
    assert (await member.get("/admin/users")).status_code == 200
    async with sessions() as session, session.begin():
        user = await session.get(User, world.users["member"].id)
        assert user is not None
        user.active = False
    assert (await member.get("/admin/users", follow_redirects=False)).status_code in (302, 303, 401)


async def test_a_sign_in_keeps_the_cached_viewers_and_a_rename_drops_its_own(running_app, sessions, world, login):
    """A sign-in writes the account's last login: that is not a change of any viewer, so the viewers cached (and
    being loaded) meanwhile stay. Before, a crowd signing in before a vote kept the cache empty."""
    from web.auth import VIEWER_CACHE

    cache: ViewerCache = running_app.state[VIEWER_CACHE]
    member = await login("member")
    assert (await member.get("/account")).status_code == 200
    member_id = world.users["member"].id
    epoch = cache.epoch
    await login("chair")
    assert cache.epoch == epoch
    assert cache.get(member_id, dt.datetime.now(dt.UTC).date()) is not None
    async with sessions() as session, session.begin():
        user = await session.get(User, member_id)
        assert user is not None
        user.display_name = "Umbenannt"
    assert cache.get(member_id, dt.datetime.now(dt.UTC).date()) is None
    assert "Umbenannt" in (await member.get("/account")).text


def _session_cookies(response) -> list[str]:
    return [v for k, v in response.headers.multi_items() if k == "set-cookie" and "council_session" in v]


async def test_an_unchanged_session_is_not_written_again(login, monkeypatch):
    """Every request used to write the session twice (file or Redis) and send the cookie again."""
    import web.sessions

    member = await login("member")
    first = await member.get("/account")
    assert first.status_code == 200
    assert not _session_cookies(first)
    # Its expiry still slides: once the last renewal is old enough, a request writes it and sends the cookie.
    later = time.time() + web.sessions.renew_every(8 * 3600) + 1

    class Later:
        @staticmethod
        def time() -> float:
            return later

    monkeypatch.setattr(web.sessions, "time", Later)
    renewed = await member.get("/account")
    assert _session_cookies(renewed)
    assert not _session_cookies(await member.get("/account"))


async def test_a_changed_session_is_written(client, world):
    from tests.world import PASSWORD

    page = await client.get("/login")
    response = await client.post(
        "/login",
        data={"_csrf_token": csrf_token_from(page.text), "username": world.username("member"), "password": PASSWORD},
        follow_redirects=False,
    )
    assert _session_cookies(response)
    assert (await client.get("/account")).status_code == 200
    page = await client.get("/account")
    logout = await client.post("/logout", data={"_csrf_token": csrf_token_from(page.text)}, follow_redirects=False)
    assert logout.status_code in (302, 303)
    assert (await client.get("/account", follow_redirects=False)).status_code in (302, 303, 401)


async def test_changes_reach_the_other_app_processes_over_redis() -> None:
    """What one process commits, the others forget: the change travels on the live channels (Redis)."""
    import asyncio
    import os
    import uuid

    from council.accounts import viewer_cache
    from council.settings import Settings
    from web.live import channels_plugin, share_viewer_changes

    settings = Settings(
        redis_url=os.environ.get("COUNCIL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        redis_namespace=f"test-viewers-{uuid.uuid4().hex[:8]}",
    )
    here, there = ViewerCache(ttl_seconds=60), ViewerCache(ttl_seconds=60)
    viewer_cache._caches.discard(there)  # as if in another process: only the channel can reach it
    channels = [channels_plugin(settings), channels_plugin(settings)]
    for plugin in channels:
        await plugin._on_startup()
    tasks = [
        asyncio.create_task(share_viewer_changes(channels[0], here, settings.redis_namespace)),
        asyncio.create_task(share_viewer_changes(channels[1], there, settings.redis_namespace)),
    ]
    try:
        there.put(5, TODAY, Viewer(user_id=5, person_id=50), there.epoch)
        await asyncio.sleep(0.5)  # both subscribed
        assert here.on_forget is not None
        here.on_forget(Changes(person_ids=frozenset({50})))  # what the commit hook calls
        for _ in range(50):
            if there.get(5, TODAY) is None:
                break
            await asyncio.sleep(0.1)
        assert there.get(5, TODAY) is None
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for plugin in channels:
            await plugin._on_shutdown()
