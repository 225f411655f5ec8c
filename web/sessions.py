"""Server-side sessions, with a fresh session id at every login (no session fixation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.base import Store
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore
from litestar.types import Message, ScopeSession

from council.settings import Settings
from web.oparl.urls import OPARL_PATHS

ROTATE = "_rotate_session_id"
_NEW_ID = "council.new_session_id"


class RotatingSessionBackend(ServerSideSessionBackend):
    """Drops the old id and issues a new one when the handler marks the session with ``ROTATE``."""

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
        await super().store_in_message(scope_session, message, connection)

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        new_id = connection.scope.get("state", {}).get(_NEW_ID)
        return str(new_id) if new_id else super().get_session_id(connection)


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
        return RedisStore.with_client(url=settings.redis_url, namespace=f"{settings.redis_namespace}-sessions")
    return FileStore(path=settings.var_dir / "sessions", create_directories=True)
