"""The public pages as anonymous visitors get them, kept rendered for a short while.

Most requests to a council portal are anonymous reads of the same few pages (the next meeting, a paper in the
news). A handler marked with ``opt={"page_cache": True}`` is served from here when

- the request is a GET by somebody without a session (a signed-in member sees other things: never cached),
- the page was rendered at the database's current change count (council/changes.py): any commit that wrote,
  in this process or (over Redis) in another, makes every kept page stale at once,
- and it is younger than ``COUNCIL_PAGE_CACHE_SECONDS`` (pages that depend on the clock, like "upcoming").

Every page carries the visitor's own CSRF token (forms, htmx headers). A page is kept with a placeholder in its
place and gets the visitor's token when served; only tokens signed with our secret are replaced, so a visitor
who sends a made-up token can't spoil the page for others. A visitor without the CSRF cookie gets one, just as
from the CSRF middleware.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from hmac import compare_digest
from typing import Any

from litestar.channels import ChannelsPlugin, Subscriber
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.middleware.csrf import CSRFMiddleware, generate_csrf_hash, generate_csrf_token
from litestar.types import ASGIApp, Empty, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState
from markupsafe import escape
from sqlalchemy.engine import Engine

from council.changes import DatabaseKey, change_count, database_key, note_remote_change, on_local_change
from web import i18n

OPT = "page_cache"
PUBLIC_PAGE = {OPT: True}  # the handler's `opt`: an anonymous visitor's page may be kept (see above)
PLACEHOLDER = b"\x00council-csrf-token\x00"
MAX_BYTES = 64 * 1024 * 1024
_TOKEN_HEX = 64  # litestar: secrets.token_hex(32), then its HMAC-SHA256 as hex


@dataclass(frozen=True, slots=True)
class Kept:
    count: int
    expires: float
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    csrf: bool = True  # False where the CSRF middleware does not run (nothing to put in, no cookie to set)


class PageStore:
    """Rendered pages by (language, path, query), least recently used dropped beyond `max_bytes`."""

    def __init__(self, seconds: float, max_bytes: int = MAX_BYTES) -> None:
        self.seconds = seconds
        self.max_bytes = max_bytes
        self.size = 0
        self._pages: OrderedDict[tuple[str, str, bytes], Kept] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[str, str, bytes], count: int, now: float) -> Kept | None:
        kept = self._pages.get(key)
        if kept is None or kept.count != count or kept.expires <= now:
            self.misses += 1
            return None
        self._pages.move_to_end(key)
        self.hits += 1
        return kept

    def put(self, key: tuple[str, str, bytes], kept: Kept) -> None:
        if len(kept.body) > self.max_bytes // 8:
            return
        self._drop(key)
        self._pages[key] = kept
        self.size += len(kept.body)
        while self.size > self.max_bytes:
            self._drop(next(iter(self._pages)))

    def _drop(self, key: tuple[str, str, bytes]) -> None:
        old = self._pages.pop(key, None)
        if old is not None:
            self.size -= len(old.body)

    def __len__(self) -> int:
        return len(self._pages)


def valid_token(token: str, secret: str) -> bool:
    """A CSRF token this app issued (random part signed with the secret)."""
    if len(token) != 2 * _TOKEN_HEX:
        return False
    return compare_digest(generate_csrf_hash(token[:_TOKEN_HEX], secret), token[_TOKEN_HEX:])


class PageCacheMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    def __init__(self, store: PageStore, database: DatabaseKey, csrf: CSRFConfig) -> None:
        self.store = store
        self.database = database
        self.csrf = csrf

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        handler = scope.get("route_handler")
        if (
            self.store.seconds <= 0
            or scope["method"] != "GET"  # type: ignore[typeddict-item]
            or handler is None
            or not handler.opt.get(OPT)
            or scope.get("session")
        ):
            await next_app(scope, receive, send)
            return
        cookie = ASGIConnection[Any, Any, Any, Any](scope).cookies.get(self.csrf.cookie_name)
        if cookie is not None and not valid_token(cookie, self.csrf.secret):
            await next_app(scope, receive, send)  # the CSRF middleware's business; nothing is kept for it
            return
        key = _key(scope)
        count = change_count(self.database)
        kept = self.store.get(key, count, time.monotonic())
        if kept is not None:
            await self._serve(kept, cookie, send)
            return
        await self._render_and_keep(scope, receive, send, next_app, key, count)

    async def _serve(self, kept: Kept, cookie: str | None, send: Send) -> None:
        body = kept.body
        if kept.csrf:
            token = cookie
            if token is None:
                token = generate_csrf_token(self.csrf.secret)
                # The CSRF middleware's own wrapper sets the cookie exactly as it would have.
                send = CSRFMiddleware(app=_unused, config=self.csrf).create_send_wrapper(send, token, None)
            body = body.replace(PLACEHOLDER, str(escape(token)).encode())
        headers = [*kept.headers, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": kept.status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    async def _render_and_keep(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        next_app: ASGIApp,
        key: tuple[str, str, bytes],
        count: int,
    ) -> None:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []
        keep = True

        async def capture(message: Message) -> None:
            nonlocal keep
            if message["type"] == "http.response.start":
                start.update(message)
                keep = message["status"] == 200
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
            await send(message)

        await next_app(scope, receive, capture)
        token = ScopeState.from_scope(scope).csrf_token
        if not keep or not start or scope.get("session"):
            return
        csrf = token is not None and token is not Empty
        if csrf and not (isinstance(token, str) and valid_token(token, self.csrf.secret)):
            return
        headers = []
        for name, value in start.get("headers", []):
            lowered = name.lower()
            if lowered == b"set-cookie":
                if not value.startswith(self.csrf.cookie_name.encode() + b"="):
                    return  # a page that sets cookies of its own is somebody's, not everybody's
                continue
            if lowered != b"content-length":
                headers.append((name, value))
        body = b"".join(chunks)
        if csrf:
            body = body.replace(str(escape(token)).encode(), PLACEHOLDER)
        expires = time.monotonic() + self.store.seconds
        self.store.put(key, Kept(count, expires, start["status"], tuple(headers), body, csrf))


def _key(scope: Scope) -> tuple[str, str, bytes]:
    """Language, path and query; htmx's request headers too, in case a handler answers them with a fragment."""
    htmx = b"|".join(value for name, value in scope.get("headers", []) if name in _HTMX_HEADERS)
    return (i18n.current_language(), scope["path"], scope["query_string"] + b"#" + htmx)


_HTMX_HEADERS = frozenset({b"hx-request", b"hx-boosted", b"hx-target"})


async def _unused(scope: Scope, receive: Receive, send: Send) -> None:  # pragma: no cover - never called
    raise RuntimeError("the CSRF wrapper is only used for its cookie")


def changes_channel(namespace: str) -> str:
    return f"{namespace}.database-changes"


@asynccontextmanager
async def relaying_changes(channels: ChannelsPlugin, namespace: str, engine: Engine) -> AsyncIterator[None]:
    """Several app processes (over Redis): each tells the others when it wrote, so none serves a stale page."""
    origin = secrets.token_hex(8)  # names this process in its messages, so it can ignore its own
    channel = changes_channel(namespace)
    database = database_key(engine.url)

    def tell_others(key: DatabaseKey, writer: Engine) -> None:
        if writer is engine:
            with contextlib.suppress(RuntimeError):  # the plugin is shutting down
                channels.publish({"origin": origin}, channel)

    async def listen(subscriber: Subscriber) -> None:
        async for raw in subscriber.iter_events():
            with contextlib.suppress(ValueError, TypeError, AttributeError):
                if json.loads(raw).get("origin") != origin:
                    note_remote_change(database)

    # Subscribed before the app serves: no change of another process may pass unheard.
    async with channels.start_subscription([channel]) as subscriber:
        stop = on_local_change(tell_others)
        task = asyncio.create_task(listen(subscriber), name="council-page-cache-changes")
        try:
            yield
        finally:
            stop()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
