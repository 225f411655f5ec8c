"""Dependencies every controller may ask for by name."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.bodies.service import get_default_body
from council.errors import NotFound
from web.auth import provide_viewer


async def provide_municipality(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], viewer: NamedDependency[Viewer]
) -> Body | None:
    """The municipality, or None on an empty installation (pages still render, with a hint).

    ``viewer`` is not used: taking it orders the dependencies one after the other (database session, viewer,
    municipality). Litestar resolves the dependencies that do not depend on each other in an anyio task group, a new
    one per request, and almost every page asks for all three (see ``provide_viewer``)."""
    try:
        body = await get_default_body(db_session)
    except NotFound:
        body = None
    request.state["municipality"] = body  # for error pages rendered later in this request
    return body


DEPENDENCIES = {
    "viewer": Provide(provide_viewer),
    "municipality": Provide(provide_municipality),
}
