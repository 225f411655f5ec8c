"""Reading bodies, organizations and people for pages and documents."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from council.bodies.models import Body, Location, Membership, MembershipRole, Organization, OrganizationKind, Person
from council.errors import NotFound

# Chair first, then members, deputies and advisory seats: the order of a printed member list.
ROLE_ORDER = {
    MembershipRole.CHAIR: 0,
    MembershipRole.VICE_CHAIR: 1,
    MembershipRole.MEMBER: 2,
    MembershipRole.EXPERT_CITIZEN: 3,
    MembershipRole.ADVISORY: 4,
    MembershipRole.DEPUTY: 5,
}


async def get_default_body(session: AsyncSession) -> Body:
    """The municipality this installation serves (one per installation today)."""
    body = await session.scalar(select(Body).where(Body.deleted.is_(False)).order_by(Body.id).limit(1))
    if body is None:
        raise NotFound("body")
    return body


async def list_organizations(session: AsyncSession, body_id: int) -> dict[OrganizationKind, list[Organization]]:
    rows = await session.scalars(
        select(Organization)
        .where(Organization.body_id == body_id, Organization.deleted.is_(False))
        .order_by(Organization.name)
    )
    grouped: dict[OrganizationKind, list[Organization]] = defaultdict(list)
    for organization in rows:
        grouped[organization.kind].append(organization)
    return {kind: grouped[kind] for kind in OrganizationKind if grouped.get(kind)}


async def get_organization(session: AsyncSession, organization_id: int) -> Organization:
    organization = await session.get(Organization, organization_id)
    if organization is None or organization.deleted:
        raise NotFound("organization")
    return organization


async def current_memberships(session: AsyncSession, organization_id: int, today: dt.date) -> list[Membership]:
    rows = await session.scalars(
        select(Membership)
        .where(Membership.organization_id == organization_id, Membership.deleted.is_(False))
        .options(selectinload(Membership.person), selectinload(Membership.on_behalf_of))
    )
    active = [m for m in rows if m.is_active_on(today) and not m.person.deleted]
    return sorted(active, key=lambda m: (ROLE_ORDER[m.role], m.person.family_name, m.person.given_name))


async def list_people(session: AsyncSession, body_id: int) -> list[Person]:
    rows = await session.scalars(
        select(Person)
        .where(Person.body_id == body_id, Person.deleted.is_(False))
        .order_by(Person.family_name, Person.given_name)
    )
    return list(rows)


async def get_person(session: AsyncSession, person_id: int) -> Person:
    person = await session.scalar(
        select(Person)
        .where(Person.id == person_id)
        .options(
            selectinload(Person.memberships).selectinload(Membership.organization),
            selectinload(Person.memberships).selectinload(Membership.on_behalf_of),
        )
    )
    if person is None or person.deleted:
        raise NotFound("person")
    return person


async def locations_of(session: AsyncSession, body_id: int) -> list[Location]:
    rows = await session.scalars(
        select(Location)
        .where(Location.body_id == body_id, Location.deleted.is_(False))
        .order_by(Location.description, Location.room)
    )
    return list(rows)


async def deliberative_organizations(session: AsyncSession, body_id: int) -> list[Organization]:
    """The organizations that hold meetings: council, committees, advisory boards, local councils."""
    rows = await session.scalars(
        select(Organization)
        .where(Organization.body_id == body_id, Organization.deleted.is_(False))
        .order_by(Organization.name)
    )
    return [o for o in rows if o.kind.is_deliberative]
