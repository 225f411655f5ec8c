"""Live screens: domain events become pushes on Litestar Channels, which browsers receive over SSE.

Two channels per meeting. The public one carries ready-rendered HTML of the public live panel, rendered once
per change no matter how many listen. The internal one says "changed" when a poll, the attendance or a conflict
changed: screens of members and the chair then fetch their own panel, because what they see depends on who they
are (their vote, non-public items). A vote changes nothing on those screens but the number of votes cast, so
votes only send "progress" with that number, which members' screens put in place without a request; only the
chair's console and the roll-call screen (who has voted) fetch again. Otherwise every vote push made every
member's screen fetch its panel, each reading the whole roll: a poll of 500 members cost the server seconds of
work while the votes came in.
Vote progress is coalesced: a storm of votes yields a few pushes a second, while poll state changes (open,
close) are pushed at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

from jinja2 import Environment
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from litestar.response import ServerSentEventMessage
from redis.asyncio import BlockingConnectionPool, Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.accounts.viewer_cache import Changes, ViewerCache
from council.db import utcnow
from council.events import DomainEvent, EventKind
from council.settings import Settings
from council.voting.live import LiveState, live_state, open_poll_cast, with_fresh_progress

log = logging.getLogger("council.live")

COALESCE_SECONDS = 0.2
# A storm of votes changes only the count: the roll behind the public panel (every member, their attendance and
# conflicts) is read again at most this often, or at once on any other event.
ROLL_MAX_AGE_SECONDS = 2.0


def public_channel(namespace: str, meeting_id: int) -> str:
    """Channel names carry the Redis namespace: deployments sharing one Redis must not hear each other."""
    return f"{namespace}.meeting.{meeting_id}.public"


def internal_channel(namespace: str, meeting_id: int) -> str:
    return f"{namespace}.meeting.{meeting_id}.internal"


def viewers_channel(namespace: str) -> str:
    """Carries the ids whose cached roles a commit made stale, to the other app processes."""
    return f"{namespace}.viewers"


async def share_viewer_changes(channels: ChannelsPlugin, cache: ViewerCache, namespace: str) -> None:
    """For the app's lifetime: pass this process's changes on, and forget what the other processes changed.

    Only needed with Redis: in-process channels reach no other process, and this one already forgot."""
    name = viewers_channel(namespace)

    def tell_others(changes: Changes) -> None:
        with contextlib.suppress(RuntimeError):  # the plugin is shutting down
            channels.publish(changes.as_json(), name)

    cache.on_forget = tell_others
    try:
        async with channels.start_subscription([name]) as subscriber:
            async for raw in subscriber.iter_events():
                try:
                    cache.forget(Changes.from_json(json.loads(raw)))
                except ValueError:
                    log.warning("ignoring a malformed viewer change: %r", raw[:200])
    finally:
        cache.on_forget = None


def channels_plugin(settings: Settings) -> ChannelsPlugin:
    if settings.redis_url:
        # Blocking: a burst waits a moment for a connection instead of failing with "Too many connections".
        redis = Redis(connection_pool=BlockingConnectionPool.from_url(settings.redis_url, max_connections=32))
        backend: Any = RedisChannelsPubSubBackend(redis=redis, key_prefix=f"{settings.redis_namespace}-live")
    else:
        backend = MemoryChannelsBackend()
    # A slow screen loses old pushes, never blocks the others: each push carries the whole current state.
    return ChannelsPlugin(
        backend=backend,
        arbitrary_channels_allowed=True,
        subscriber_max_backlog=50,
        subscriber_backlog_strategy="dropleft",
    )


class LiveBroadcaster:
    def __init__(
        self,
        channels: ChannelsPlugin,
        sessions: async_sessionmaker[AsyncSession],
        templates: Environment,
        namespace: str,
    ) -> None:
        self._channels = channels
        self._namespace = namespace
        self._sessions = sessions
        self._templates = templates
        self._dirty: set[int] = set()
        # meeting id -> (when read, the public state): reused by vote-only pushes, see ROLL_MAX_AGE_SECONDS
        self._public: dict[int, tuple[float, LiveState]] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # Others in the process told of the domain events after their commit (the meeting room hub: check-in
        # when a meeting opens, a recording stopped when it closes).
        self.listeners: list[Callable[[list[DomainEvent]], Awaitable[None]]] = []

    async def start(self) -> None:
        self._task = asyncio.create_task(self._coalesce(), name="council-live-coalescer")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def publish(self, events: list[DomainEvent]) -> None:
        immediate: set[int] = set()
        for event in events:
            if event.kind is EventKind.VOTE_CAST:
                self._dirty.add(event.meeting_id)
                self._wake.set()
            else:
                immediate.add(event.meeting_id)
        for meeting_id in immediate:
            self._dirty.discard(meeting_id)
            self._public.pop(meeting_id, None)  # the roll or the poll changed
            await self.push(meeting_id)
        for listener in self.listeners:
            try:
                await listener(events)
            except Exception:  # a listener's failure must not fail the request that committed
                log.exception("event listener failed")

    async def _coalesce(self) -> None:
        while True:
            await self._wake.wait()
            await asyncio.sleep(COALESCE_SECONDS)
            self._wake.clear()
            dirty, self._dirty = self._dirty, set()
            for meeting_id in dirty:
                try:
                    await self.push(meeting_id, votes_only=True)
                except Exception:  # a failed push must not stop later ones
                    log.exception("live push for meeting %s failed", meeting_id)

    async def _public_state(self, session: AsyncSession, meeting_id: int) -> LiveState:
        now = asyncio.get_running_loop().time()
        cached = self._public.get(meeting_id)
        if cached is not None and now - cached[0] < ROLL_MAX_AGE_SECONDS:
            fresh = await with_fresh_progress(session, cached[1])
            if fresh is not None:
                return fresh
        state = await live_state(session, meeting_id, include_confidential=False, now=utcnow())
        self._public[meeting_id] = (now, state)
        return state

    async def push(self, meeting_id: int, *, votes_only: bool = False) -> None:
        """The public panel, and to members and the chair "changed", or with ``votes_only`` (nothing but votes
        happened since the last push) the open poll's count as "progress"."""
        internal = CHANGED_FRAME
        async with self._sessions() as session:
            state = await self._public_state(session, meeting_id)
            html = self._templates.get_template("live/_public_panel.html").render(live=state)
            if votes_only and (cast := await open_poll_cast(session, meeting_id)) is not None:
                internal = sse_frame("progress", str(cast))
            # else: closed meanwhile (by another app process, say), and the screens must fetch the result
        namespace = self._namespace
        # The frame is encoded once here; every listener's stream writes these bytes as they are.
        await self._channels.wait_published(sse_frame("live", html), public_channel(namespace, meeting_id))
        await self._channels.wait_published(internal, internal_channel(namespace, meeting_id))


def sse_frame(event: str, data: str = "") -> bytes:
    """One Server-Sent Events message, ready for the wire."""
    return ServerSentEventMessage(event=event, data=data).encode()


def sse_comment(text: str) -> bytes:
    return ServerSentEventMessage(data=None, comment=text).encode()


READY_FRAME = sse_frame("ready")
CHANGED_FRAME = sse_frame("changed")


async def stream(channels: ChannelsPlugin, names: list[str], keepalive_seconds: float) -> AsyncGenerator[bytes, None]:
    """The encoded SSE frames for one listener: "ready" once subscribed, then every push as published, and a
    keep-alive comment after ``keepalive_seconds`` without one, so that proxies do not cut a stream that is quiet
    between votes. Nothing is decoded or encoded per listener: a push to a thousand screens costs a thousand socket
    writes and no more. Litestar ends the stream when the browser disconnects."""
    keepalive = sse_comment("keep-alive")
    async with channels.start_subscription(names) as subscriber:
        yield READY_FRAME
        events = aiter(subscriber.iter_events())
        waiting: asyncio.Task[bytes] | None = None
        try:
            while True:
                # The same pending read is awaited again after a keep-alive: cancelling it could lose an event.
                waiting = waiting or asyncio.ensure_future(anext(events))
                done, _ = await asyncio.wait({waiting}, timeout=keepalive_seconds)
                if not done:
                    yield keepalive
                    continue
                frame, waiting = waiting.result(), None
                yield frame
        finally:
            if waiting is not None:
                waiting.cancel()
