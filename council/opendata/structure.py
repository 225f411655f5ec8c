"""The municipality's structure as open data: bodies, terms, organizations, people, memberships, places."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from council.bodies.models import Body, LegislativeTerm, Location, Membership, Organization, Person
from council.opendata.freshness import Embedded
from council.opendata.reader import Kind, Loaded, as_loaded


@dataclass(frozen=True)
class BodyEntry:
    body: Body
    modified: dt.datetime
    terms: list[LegislativeTerm]


@dataclass(frozen=True)
class OrganizationEntry:
    organization: Organization
    modified: dt.datetime
    membership_ids: list[int]


@dataclass(frozen=True)
class PersonEntry:
    person: Person
    modified: dt.datetime
    memberships: list[Membership]


def in_body_organizations(column: InstrumentedAttribute[int], body_id: int) -> ColumnElement[bool]:
    return column.in_(select(Organization.id).where(Organization.body_id == body_id))


async def _bodies(_session: AsyncSession, rows: list[Loaded[Body]]) -> list[BodyEntry]:
    return [BodyEntry(row.record, row.modified, [t for t in row.record.terms if not t.deleted]) for row in rows]


async def _organizations(_session: AsyncSession, rows: list[Loaded[Organization]]) -> list[OrganizationEntry]:
    return [
        OrganizationEntry(row.record, row.modified, sorted(m.id for m in row.record.memberships if not m.deleted))
        for row in rows
    ]


async def _people(_session: AsyncSession, rows: list[Loaded[Person]]) -> list[PersonEntry]:
    return [
        PersonEntry(
            row.record,
            row.modified,
            sorted((m for m in row.record.memberships if not m.deleted), key=lambda m: (m.start_date, m.id)),
        )
        for row in rows
    ]


BODIES: Kind[Body, BodyEntry] = Kind(
    name="body",
    model=Body,
    build=_bodies,
    embedded=(Embedded(LegislativeTerm, lambda: LegislativeTerm.body_id == Body.id),),
    options=lambda: (selectinload(Body.terms),),
)
LEGISLATIVE_TERMS: Kind[LegislativeTerm, Loaded[LegislativeTerm]] = Kind(
    name="legislativeterm",
    model=LegislativeTerm,
    build=as_loaded,
    owners={"body": lambda body_id: LegislativeTerm.body_id == body_id},
)
ORGANIZATIONS: Kind[Organization, OrganizationEntry] = Kind(
    name="organization",
    model=Organization,
    build=_organizations,
    owners={"body": lambda body_id: Organization.body_id == body_id},
    options=lambda: (selectinload(Organization.memberships),),
)
PEOPLE: Kind[Person, PersonEntry] = Kind(
    name="person",
    model=Person,
    build=_people,
    owners={"body": lambda body_id: Person.body_id == body_id},
    embedded=(Embedded(Membership, lambda: Membership.person_id == Person.id),),
    options=lambda: (selectinload(Person.memberships),),
)
MEMBERSHIPS: Kind[Membership, Loaded[Membership]] = Kind(
    name="membership",
    model=Membership,
    build=as_loaded,
    owners={"body": lambda body_id: in_body_organizations(Membership.organization_id, body_id)},
)
LOCATIONS: Kind[Location, Loaded[Location]] = Kind(
    name="location",
    model=Location,
    build=as_loaded,
    owners={"body": lambda body_id: Location.body_id == body_id},
)
