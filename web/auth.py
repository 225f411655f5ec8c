"""Who is asking: the viewer of a request, guards, and the language middleware."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.accounts.service import load_viewer
from council.accounts.viewer import ANONYMOUS, Viewer
from council.accounts.viewer_cache import ViewerCache
from council.db import utcnow
from web import i18n

USER_KEY = "user_id"
LANGUAGE_COOKIE = "council_lang"
_VIEWER_STATE = "viewer"
# app.state key of the process's ViewerCache (council/accounts/viewer_cache.py)
VIEWER_CACHE = "viewer_cache"


async def viewer_of(connection: ASGIConnection[Any, Any, Any, Any], session: AsyncSession | None = None) -> Viewer:
    """The viewer for this request, loaded once from the session's user id (with ``session`` if given, else with a
    session of its own: guards run before the request's session exists)."""
    cached = connection.state.get(_VIEWER_STATE)
    if isinstance(cached, Viewer):
        return cached
    user_id = connection.session.get(USER_KEY) if "session" in connection.scope else None
    viewer = ANONYMOUS
    if isinstance(user_id, int):
        cache: ViewerCache | None = connection.app.state.get(VIEWER_CACHE)
        today = utcnow().date()
        found = cache.get(user_id, today) if cache is not None else None
        if found is not None:
            viewer = found
        else:
            epoch = cache.epoch if cache is not None else 0
            if session is not None:
                viewer = await load_viewer(session, user_id, today)
            else:
                sessions: async_sessionmaker[AsyncSession] = connection.app.state.sessionmaker
                async with sessions() as own:
                    viewer = await load_viewer(own, user_id, today)
            if cache is not None:
                cache.put(user_id, today, viewer, epoch)
    connection.state[_VIEWER_STATE] = viewer
    return viewer


async def provide_viewer(request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> Viewer:
    """Taking the request's database session makes the viewer a dependency of it. Litestar resolves dependencies
    that do not depend on each other in an anyio task group, a new one per request: nearly every handler asks for
    both, and that task group cost about 5 % of a vote's CPU time."""
    return await viewer_of(request, db_session)


async def requires_login(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if not (await viewer_of(connection)).is_authenticated:
        raise NotAuthorizedException("Bitte melden Sie sich an.")


async def requires_admin(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    await requires_login(connection, handler)
    viewer = await viewer_of(connection)
    if not viewer.is_any_admin:
        raise PermissionDeniedException("Diese Seite ist der Administration vorbehalten.")


class LanguageMiddleware(ASGIMiddleware):
    """Activates the UI language for the request: cookie choice, then Accept-Language, then German."""

    scopes = ("http", "websocket")  # type: ignore[assignment]

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        connection = ASGIConnection[Any, Any, Any, Any](scope)
        accept = connection.headers.get("accept-language", "")
        preferred = connection.cookies.get(LANGUAGE_COOKIE)
        i18n.activate(i18n.negotiate_language(accept, preferred))
        await next_app(scope, receive, send)
