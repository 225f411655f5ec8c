"""Start page and health check."""

from __future__ import annotations

from litestar import Controller, MediaType, Response, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.db import utcnow
from council.meetings.service import recent_resolutions, upcoming_meetings
from web.page_cache import PUBLIC_PAGE
from web.pages import page


class HomeController(Controller):
    @get("/", name="home", opt=PUBLIC_PAGE)
    async def home(
        self,
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        meetings = await upcoming_meetings(db_session, utcnow(), limit=8)
        resolutions = await recent_resolutions(db_session, municipality.id, limit=8) if municipality else []
        return page("home.html", viewer=viewer, body=municipality, meetings=meetings, resolutions=resolutions)

    @get("/health", name="health", media_type=MediaType.JSON)
    async def health(self, db_session: NamedDependency[AsyncSession]) -> Response[dict[str, str]]:
        try:
            await db_session.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError):
            return Response({"status": "error", "database": "unreachable"}, status_code=503)
        return Response({"status": "ok", "database": "ok"})


@get("/bench/hello", name="bench_hello", media_type=MediaType.TEXT, sync_to_thread=False)
def bench_hello() -> str:
    """The benchmark's baseline (bench/portal.py): the app's middleware and nothing else. Mounted only with
    COUNCIL_BENCH_HELLO=1."""
    return "hello"
