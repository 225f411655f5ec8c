"""Server-side sessions, with a fresh session id at every login (no session fixation)."""

from __future__ import annotations

import datetime as dt
import pathlib
import time
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.base import StorageObject, Store
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore
from litestar.types import Message, ScopeSession
from redis.asyncio import BlockingConnectionPool, Redis

from council.settings import Settings
from web.oparl.urls import OPARL_PATHS

ROTATE = "_rotate_session_id"
# When the session was last written (Unix seconds): its expiry in the store and the cookie counts from then.
RENEWED_AT = "_renewed_at"
_NEW_ID = "council.new_session_id"
_LOADED = "council.loaded_session"
# Connections per app process to Redis for sessions; a request holds one for a single command.
REDIS_SESSION_CONNECTIONS = 64


class RotatingSessionBackend(ServerSideSessionBackend):
    """Drops the old id and issues a new one when the handler marks the session with ``ROTATE``.

    A session is written only when it changed or its last renewal lies ``renew_every`` seconds back: Litestar's
    ``renew_on_access`` wrote it twice on every request (renewing on read, storing on answer), a file or Redis
    write per request for nothing but sliding the expiry by a few seconds. The expiry still slides, in steps of
    at most ``renew_every``, in the store and in the cookie alike.
    """

    async def get(self, session_id: str, store: Store) -> bytes | None:
        return await store.get(session_id)  # renewed in store_in_message, when due

    async def load_from_connection(self, connection: ASGIConnection[Any, Any, Any, Any]) -> dict[str, Any]:
        if session_id := connection.cookies.get(self.config.key):
            store = self.config.get_store_from_app(connection.scope["litestar_app"])
            data = await self.get(session_id, store=store)
            if data is not None:
                connection.scope.setdefault("state", {})[_LOADED] = data
                return self.deserialize_data(data)
        return {}

    def _unchanged_and_fresh(
        self, scope_session: dict[str, Any], connection: ASGIConnection[Any, Any, Any, Any]
    ) -> bool:
        loaded = connection.scope.get("state", {}).get(_LOADED)
        renewed = scope_session.get(RENEWED_AT)
        if not isinstance(loaded, bytes) or not isinstance(renewed, int | float):
            return False
        if time.time() - renewed >= renew_every(self.config.max_age):
            return False
        before = self.deserialize_data(loaded)
        return {k: v for k, v in before.items() if k != RENEWED_AT} == {
            k: v for k, v in scope_session.items() if k != RENEWED_AT
        }

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        if not scope_session and not connection.cookies.get(self.config.key):
            # An anonymous visitor with nothing to keep gets no session: no file or Redis key per page view,
            # no cookie to renew on every response, and the page stays the same for every visitor (page cache).
            return
        if isinstance(scope_session, dict) and scope_session.pop(ROTATE, False):
            old_id = connection.cookies.get(self.config.key)
            if old_id:
                await self.delete(old_id, store=self.config.get_store_from_app(connection.scope["litestar_app"]))
            connection.scope.setdefault("state", {})[_NEW_ID] = self.generate_session_id()
        elif isinstance(scope_session, dict) and scope_session and self._unchanged_and_fresh(scope_session, connection):
            return  # nothing to write, and the cookie the browser holds is still the one we would send
        if isinstance(scope_session, dict) and scope_session:
            scope_session[RENEWED_AT] = int(time.time())
        await super().store_in_message(scope_session, message, connection)

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        new_id = connection.scope.get("state", {}).get(_NEW_ID)
        return str(new_id) if new_id else super().get_session_id(connection)


def renew_every(max_age: int | None) -> int:
    """How stale a session's expiry may get before a request renews it: a tenth of its life, at most 5 minutes."""
    return min(300, (max_age or 0) // 10)


@dataclass
class SessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


def session_config(settings: Settings) -> SessionConfig:
    return SessionConfig(
        key="council_session",
        max_age=settings.session_max_age_seconds,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        renew_on_access=True,
        exclude=OPARL_PATHS,
    )


def session_store(settings: Settings) -> Store:
    """Redis when configured (several app processes share sessions), otherwise files under var/."""
    if settings.redis_url:
        # A blocking pool: a burst of requests (a vote storm) waits a moment for a connection; the default pool
        # answered the request beyond its limit with "Too many connections" (500).
        pool = BlockingConnectionPool.from_url(
            settings.redis_url, max_connections=REDIS_SESSION_CONNECTIONS, timeout=20, decode_responses=False
        )
        return RedisStore(
            redis=Redis(connection_pool=pool),
            namespace=f"{settings.redis_namespace}-sessions",
            handle_client_shutdown=True,
        )
    return InlineReadFileStore(path=settings.var_dir / "sessions", create_directories=True)


class InlineReadFileStore(FileStore):
    """Litestar's file store, reading a session file in the event loop instead of a worker thread.

    A session file is a few hundred bytes on a local disk: reading it costs microseconds, while handing the read
    to a thread and back costs more than that, and in a burst of requests (a vote storm) dozens of worker threads
    contend for the GIL with the event loop. Writes, rarer, stay in the worker thread (they rename a temporary file).
    """

    async def get(self, key: str, renew_for: int | dt.timedelta | None = None) -> bytes | None:
        path = self._path_from_key(key)
        stored = _read_stored(str(path))
        if stored is None:
            return None
        if stored.expired:
            await path.unlink(missing_ok=True)
            return None
        if renew_for and stored.expires_at:
            await self.set(key, value=stored.data, expires_in=renew_for)
        data: bytes = stored.data
        return data


def _read_stored(path: str) -> StorageObject | None:
    """Deliberately synchronous (see InlineReadFileStore)."""
    try:
        stored: StorageObject = StorageObject.from_bytes(pathlib.Path(path).read_bytes())
        return stored
    except FileNotFoundError:
        return None
