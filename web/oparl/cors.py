"""OParl 2.6: scripts of any origin may read the interface's answers, errors included."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from web.oparl.urls import is_oparl_path

ALLOW_ANY_ORIGIN = ("Access-Control-Allow-Origin", "*")


class OParlCorsMiddleware:
    """Every answer of a route of the interface (OPTIONS included) gets the header.

    Litestar runs no middleware for a request that matches no route (unknown URL, wrong method): those errors
    are written by web/oparl/responses.py, which sets the header itself.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not is_oparl_path(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableScopeHeaders.from_message(message)[ALLOW_ANY_ORIGIN[0]] = ALLOW_ANY_ORIGIN[1]
            await send(message)

        await self.app(scope, receive, send_with_header)
