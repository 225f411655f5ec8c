"""Atom feeds for subscribers without an account: new papers, new resolutions, per organization, per search."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from agendas.feeds import (
    Feed,
    FeedEntry,
    organization_entries,
    paper_entries,
    render,
    resolution_entries,
    search_entries,
)
from council.bodies.models import Body
from council.bodies.service import get_organization
from web.i18n import gettext as _
from web.page_cache import PUBLIC_PAGE
from web.paper_pages import required_body

ATOM = "application/atom+xml; charset=utf-8"


def _base(request: Request[Any, Any, Any]) -> str:
    return str(request.base_url).rstrip("/")


def atom_response(
    request: Request[Any, Any, Any], body: Body, title: str, alternate: str, entries: list[FeedEntry]
) -> Response[str]:
    base = _base(request)
    query = f"?{request.url.query}" if request.url.query else ""
    feed = Feed(
        title=f"{title} – {body.name}",
        self_url=f"{base}{request.url.path}{query}",
        alternate_url=f"{base}{alternate}",
        author=body.name,
        entries=entries,
    )
    return Response(render(feed), media_type=ATOM)


class FeedController(Controller):
    path = "/feeds"

    @get("/papers.atom", name="feed_papers", opt=PUBLIC_PAGE)
    async def papers(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        municipality: NamedDependency[Body | None],
    ) -> Response[str]:
        body = required_body(municipality)
        entries = await paper_entries(db_session, body, _base(request))
        return atom_response(request, body, _("Neue Vorlagen"), "/papers", entries)

    @get("/resolutions.atom", name="feed_resolutions", opt=PUBLIC_PAGE)
    async def resolutions(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        municipality: NamedDependency[Body | None],
    ) -> Response[str]:
        body = required_body(municipality)
        entries = await resolution_entries(db_session, body, _base(request))
        return atom_response(request, body, _("Neue Beschlüsse"), "/resolutions", entries)

    @get("/organizations/{organization_id:int}", name="feed_organization", opt=PUBLIC_PAGE)
    async def organization(
        self,
        organization_id: FromPath[int],
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        municipality: NamedDependency[Body | None],
    ) -> Response[str]:
        body = required_body(municipality)
        organization = await get_organization(db_session, organization_id)
        entries = await organization_entries(db_session, body, _base(request), organization.id)
        return atom_response(
            request,
            body,
            _("Sitzungen und Vorlagen: {name}").format(name=organization.name),
            f"/organizations/{organization.id}",
            entries,
        )


async def search_feed(
    request: Request[Any, Any, Any], db_session: AsyncSession, municipality: Body | None, q: str
) -> Response[str]:
    body = required_body(municipality)
    words = q.strip()[:200]
    entries = await search_entries(db_session, body, _base(request), words) if words else []
    return atom_response(
        request, body, _("Suche: {words}").format(words=words), f"/search?q={quote_plus(words)}", entries
    )
