"""Organizations (Gremien) and people: who sits where."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.bodies.service import (
    current_memberships,
    get_organization,
    get_person,
    list_organizations,
    list_people,
)
from council.db import utcnow
from council.errors import NotFound
from council.meetings.service import meetings_of_organization
from council.meetings.waiting import waiting_consultations
from council.voting.record import named_vote_record
from web.page_cache import PUBLIC_PAGE
from web.pages import page


class OrganizationController(Controller):
    path = "/organizations"

    @get("/", name="organizations", opt=PUBLIC_PAGE)
    async def index(
        self,
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        groups = await list_organizations(db_session, municipality.id) if municipality else {}
        return page("organizations/index.html", viewer=viewer, body=municipality, groups=groups)

    @get("/{organization_id:int}", name="organization", opt=PUBLIC_PAGE)
    async def show(
        self,
        organization_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        organization = await get_organization(db_session, organization_id)
        today = utcnow().date()
        memberships = await current_memberships(db_session, organization.id, today)
        meetings = await meetings_of_organization(db_session, organization.id)
        now = utcnow()
        # The secretariat sees here which papers wait for a meeting of this organization.
        manage = viewer.is_secretariat(organization.body_id) and organization.kind.is_deliberative
        return page(
            "organizations/show.html",
            viewer=viewer,
            body=municipality,
            organization=organization,
            memberships=memberships,
            upcoming=[m for m in reversed(meetings) if m.start >= now],
            past=[m for m in meetings if m.start < now],
            manage=manage,
            waiting=await waiting_consultations(db_session, organization.id) if manage else [],
        )


class PersonController(Controller):
    path = "/persons"

    @get("/", name="persons", opt=PUBLIC_PAGE)
    async def index(
        self,
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        people = await list_people(db_session, municipality.id) if municipality else []
        return page("persons/index.html", viewer=viewer, body=municipality, people=people)

    @get("/{person_id:int}", name="person", opt=PUBLIC_PAGE)
    async def show(
        self,
        person_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        person = await get_person(db_session, person_id)
        if municipality is None or person.body_id != municipality.id:
            raise NotFound("person")
        today = utcnow().date()
        memberships = sorted(
            (m for m in person.memberships if not m.deleted and not m.organization.deleted),
            key=lambda m: (not m.is_active_on(today), m.organization.name),
        )
        return page(
            "persons/show.html",
            viewer=viewer,
            body=municipality,
            person=person,
            memberships=memberships,
            today=today,
            votes=await named_vote_record(db_session, person.id),
        )
