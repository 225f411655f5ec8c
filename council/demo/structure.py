"""Build the municipality itself: body, term, places, organizations, people and their seats."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from council.bodies.models import (
    Body,
    LegislativeTerm,
    Location,
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    Person,
    RuleSet,
)
from council.demo import roster
from council.demo.schedule import TERM_END, TERM_NAME, TERM_START


@dataclass
class Directory:
    """The built records, looked up by the keys and family names used in the demo data."""

    body: Body
    term: LegislativeTerm
    organizations: dict[str, Organization]
    people: dict[str, Person]
    locations: dict[str, Location]
    # Family name of a councillor -> key of the faction they sit for.
    faction_of: dict[str, str]

    def faction_id(self, family_name: str) -> int | None:
        key = self.faction_of.get(family_name)
        return self.organizations[key].id if key else None


def parse_person(line: str) -> tuple[str, str | None, str, str]:
    """ "Frau Dr. Paula Rentsch" -> (form of address, title, given name, family name)."""
    form, *rest = line.split()
    title = rest.pop(0) if rest[0] == "Dr." else None
    return form, title, " ".join(rest[:-1]), rest[-1]


async def build_structure(session: AsyncSession) -> Directory:
    body = Body(
        name="Stadt Musterstadt",
        short_name=roster.BODY_SHORT_NAME,
        # A fictional AGS in Thüringen (16): no district 999 exists.
        ags="16999000",
        rule_set=RuleSet.THUERINGEN,
        timezone="Europe/Berlin",
        paper_reference_patterns={"default": "VO/{yyyy}/{seq:05}", "motion": "{faction}/{seq}/{yy}"},
        resolution_number_pattern="{seq}/{yy}",
        website="https://musterstadt.example.org",
        contact_email="sitzungsdienst@musterstadt.example.org",
        contact_name="Sitzungsdienst der Stadt Musterstadt",
    )
    session.add(body)
    await session.flush()

    term = LegislativeTerm(body_id=body.id, name=TERM_NAME, start_date=TERM_START, end_date=TERM_END)
    town_hall = {"street_address": "Marktplatz 1", "postal_code": "99999", "locality": "Musterstadt"}
    locations = {
        "saal": Location(body_id=body.id, description="Rathaus Musterstadt", room="Großer Sitzungssaal", **town_hall),
        "raum": Location(body_id=body.id, description="Rathaus Musterstadt", room="Raum 2.14", **town_hall),
        "lindenhof": Location(
            body_id=body.id,
            description="Seniorenbegegnungsstätte Lindenhof",
            room="Clubraum",
            street_address="Lindenstraße 12",
            postal_code="99999",
            locality="Musterstadt",
        ),
    }
    organizations = {
        spec.key: Organization(
            body_id=body.id,
            kind=OrganizationKind.FACTION,
            name=spec.name,
            short_name=spec.short_name,
            start_date=TERM_START,
        )
        for spec in roster.FACTIONS
    }
    for spec in roster.BODIES:
        organizations[spec.key] = Organization(
            body_id=body.id,
            kind=spec.kind,
            name=spec.name,
            short_name=spec.short_name,
            statutory_seats=spec.statutory_seats,
            digital_meetings_allowed=spec.digital_meetings_allowed,
            description=spec.description,
            start_date=TERM_START if spec.kind.is_deliberative else None,
        )
    people = {}
    for line in roster.PEOPLE:
        form, title, given, family = parse_person(line)
        email = (
            f"{given[0].lower()}.{family.lower()}@musterstadt.example.org"
            if family in roster.STAFF_WITH_EMAIL
            else None
        )
        people[family] = Person(
            body_id=body.id, form_of_address=form, title=title, given_name=given, family_name=family, email=email
        )
    people[roster.MAYOR].life = "Oberbürgermeister der Stadt Musterstadt."
    session.add_all([term, *locations.values(), *organizations.values(), *people.values()])
    await session.flush()

    directory = Directory(
        body=body,
        term=term,
        organizations=organizations,
        people=people,
        locations=locations,
        faction_of={name: faction.key for faction in roster.FACTIONS for name in faction.members},
    )
    session.add_all(_memberships(directory))
    await session.flush()
    return directory


def _memberships(directory: Directory) -> list[Membership]:
    def seat(family: str, organization: str, role: MembershipRole, voting: bool, faction: int | None) -> Membership:
        return Membership(
            person_id=directory.people[family].id,
            organization_id=directory.organizations[organization].id,
            role=role,
            voting_right=voting,
            on_behalf_of_id=faction,
            start_date=TERM_START,
        )

    memberships = [
        seat(name, faction.key, MembershipRole.CHAIR if index == 0 else MembershipRole.MEMBER, True, None)
        for faction in roster.FACTIONS
        for index, name in enumerate(faction.members)
    ]
    for spec in roster.BODIES:
        # Staff sit in departments for no faction; councillors sit everywhere for theirs.
        memberships += [
            seat(s.family_name, spec.key, s.role, s.voting_right, directory.faction_id(s.family_name))
            for s in spec.seats
        ]
    return memberships
