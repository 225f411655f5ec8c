"""The OParl 1.1 interface: the system, every object by its URL, and the paginated object lists.

Public and stateless: no handler asks who is looking, so a signed-in member gets exactly what anyone gets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from council import opendata
from council.db import Record
from council.errors import NotFound
from council.settings import Settings
from web.oparl import proceedings, structure
from web.oparl.format import Rendering
from web.oparl.responses import list_page, oparl_json
from web.oparl.urls import API_PATH, OParlUrls
from web.page_cache import PUBLIC_PAGE

R = TypeVar("R", bound=Record)
E = TypeVar("E")


@dataclass(frozen=True)
class Shown(Generic[R, E]):
    kind: opendata.Kind[R, E]
    render: Callable[[E, Rendering], dict[str, Any]]


OBJECTS: dict[str, Shown[Any, Any]] = {
    shown.kind.name: shown
    for shown in (
        Shown(opendata.BODIES, structure.body),
        Shown(opendata.LEGISLATIVE_TERMS, structure.legislative_term),
        Shown(opendata.ORGANIZATIONS, structure.organization),
        Shown(opendata.PEOPLE, structure.person),
        Shown(opendata.MEMBERSHIPS, structure.membership),
        Shown(opendata.LOCATIONS, structure.location),
        Shown(opendata.MEETINGS, proceedings.meeting),
        Shown(opendata.AGENDA_ITEMS, proceedings.agenda_item),
        Shown(opendata.PAPERS, proceedings.paper),
        Shown(opendata.CONSULTATIONS, proceedings.consultation),
        Shown(opendata.FILES, proceedings.file),
    )
}
# The external lists each owner links to (Body: OParl 1.1 requires all of them).
OWNED_LISTS: dict[str, frozenset[str]] = {
    "body": frozenset(OBJECTS) - {"body"},
    "organization": frozenset({"meeting", "consultation"}),
}


def urls_for(request: Request[Any, Any, Any]) -> OParlUrls:
    settings: Settings = request.app.state.settings
    return OParlUrls(settings.public_base_url)


async def object_list(
    request: Request[Any, Any, Any], session: AsyncSession, shown: Shown[Any, Any], owner: tuple[str, int] | None
) -> Response[Any]:
    query = opendata.parse_list_query(request.query_params.dict())
    page = await opendata.read_list(session, shown.kind, query, owner)
    rendering = Rendering(urls_for(request), omit_internal=query.omit_internal)
    data = [shown.render(entry, rendering) for entry in page.entries]
    return list_page(page, data, rendering.urls.list(shown.kind.name, owner), query)


class OParlController(Controller):
    path = API_PATH
    # Nothing here changes state or reads a session: no CSRF cookie for API clients.
    opt = {"exclude_from_csrf": True}  # noqa: RUF012  (Litestar reads it as a class attribute)

    @get("/", name="oparl:system", opt=PUBLIC_PAGE)
    async def system(self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> Response[Any]:
        facts = await opendata.read_system(db_session)
        return oparl_json(structure.system(facts, Rendering(urls_for(request))))

    @get("/body", name="oparl:bodies", opt=PUBLIC_PAGE)
    async def bodies(self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> Response[Any]:
        return await object_list(request, db_session, OBJECTS["body"], None)

    @get("/{kind:str}/{object_id:int}", name="oparl:object", opt=PUBLIC_PAGE)
    async def one(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        kind: FromPath[str],
        object_id: FromPath[int],
    ) -> Response[Any]:
        shown = OBJECTS.get(kind)
        if shown is None:
            raise NotFound(kind)
        entry = await opendata.read_one(db_session, shown.kind, object_id)
        return oparl_json(shown.render(entry, Rendering(urls_for(request))))

    @get("/{owner:str}/{owner_id:int}/{kind:str}", name="oparl:list", opt=PUBLIC_PAGE)
    async def owned_list(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        owner: FromPath[str],
        owner_id: FromPath[int],
        kind: FromPath[str],
    ) -> Response[Any]:
        if kind not in OWNED_LISTS.get(owner, frozenset()):
            raise NotFound(f"{owner}/{kind}")
        return await object_list(request, db_session, OBJECTS[kind], (owner, owner_id))
