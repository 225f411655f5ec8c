"""The public search page (/search): a plain GET form, results with marked snippets, pages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.bodies.service import list_organizations
from council.messages import N_
from council.papers.models import PaperKind
from council.search.service import SearchQuery, search
from web.controllers.feeds import search_feed
from web.page_cache import PUBLIC_PAGE
from web.pages import page
from web.paper_pages import required_body

QUERY_LIMIT = 200


def _date(value: str, field: str, errors: dict[str, str]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors[field] = N_("Bitte geben Sie das Datum als JJJJ-MM-TT an.")
        return None


def search_query(
    q: str, organization: str, kind: str, date_from: str, date_to: str, page_number: str
) -> tuple[SearchQuery, dict[str, str]]:
    """The query the form asks for, and a message per field that could not be read."""
    errors: dict[str, str] = {}
    organization_id = None
    if organization:
        if organization.isdigit() and len(organization) < 10:
            organization_id = int(organization)
        else:
            errors["organization"] = N_("Bitte wählen Sie ein Gremium aus der Liste.")
    if kind and kind not in PaperKind.__members__.values():
        errors["kind"] = N_("Bitte wählen Sie eine Art aus der Liste.")
    start, end = _date(date_from, "from", errors), _date(date_to, "to", errors)
    if start and end and start > end:
        errors["to"] = N_("Das Bis-Datum liegt vor dem Von-Datum.")
    number = int(page_number) if page_number.isdigit() and len(page_number) < 4 else 1
    query = SearchQuery(
        text=q.strip()[:QUERY_LIMIT],
        organization_id=organization_id,
        paper_kind=kind if kind and "kind" not in errors else None,
        date_from=start,
        date_to=end,
        page=max(number, 1),
    )
    return query, errors


class SearchController(Controller):
    path = "/search"

    @get("/", name="search", opt=PUBLIC_PAGE)
    async def index(
        self,
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        q: FromQuery[str] = "",
        organization: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        date_from: Annotated[str, QueryParameter(name="from")] = "",
        date_to: Annotated[str, QueryParameter(name="to")] = "",
        page_number: Annotated[str, QueryParameter(name="page")] = "1",
    ) -> Template:
        body = required_body(municipality)
        grouped = await list_organizations(db_session, body.id)
        query, errors = search_query(q, organization, kind, date_from, date_to, page_number)
        found = None if errors or not query.text else await search(db_session, body.id, query)
        return page(
            "search/index.html",
            viewer=viewer,
            body=body,
            query=query,
            raw={"from": date_from[:20], "to": date_to[:20]},
            found=found,
            errors=errors,
            organizations=[o for group in grouped.values() for o in group if o.kind.is_deliberative],
            kinds=list(PaperKind),
            status_code=400 if errors else 200,
        )

    @get("/feed", name="search_feed", opt=PUBLIC_PAGE)
    async def feed(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        municipality: NamedDependency[Body | None],
        q: FromQuery[str] = "",
    ) -> Response[str]:
        return await search_feed(request, db_session, municipality, q)
