"""A small municipality for tests, with one account per persona (see STYLE.md, "Personas")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.models import BodyRoleKind, User
from council.accounts.service import create_user
from council.bodies.models import (
    Body,
    LegislativeTerm,
    Location,
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    Person,
)
from council.meetings.models import AgendaItem, Meeting, MeetingState
from council.papers.models import Consultation, ConsultationRole, Paper, PaperKind

PASSWORD = "persona-password-1"
CONFIDENTIAL_MARKER = "GEHEIMSACHE-7Q"

PERSONAS = ("admin", "secretariat", "chair", "member", "deputy", "other_committee_member")


@dataclass
class World:
    body: Body
    committee: Organization
    advisory_board: Organization
    faction: Organization
    department: Organization
    past_meeting: Meeting
    next_meeting: Meeting
    public_item: AgendaItem
    confidential_item: AgendaItem
    public_paper: Paper
    confidential_paper: Paper
    users: dict[str, User] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)

    def username(self, persona: str) -> str:
        return self.users[persona].username


async def build_world(session: AsyncSession, today: dt.date | None = None) -> World:
    today = today or dt.date.today()
    body = Body(name="Teststadt", short_name="teststadt", ags="09999001")
    session.add(body)
    await session.flush()
    term = LegislativeTerm(body_id=body.id, name="Wahlperiode 2024–2029", start_date=dt.date(2024, 7, 1))
    location = Location(body_id=body.id, description="Rathaus", room="Sitzungssaal", locality="Teststadt")
    committee = Organization(body_id=body.id, kind=OrganizationKind.COMMITTEE, name="Hauptausschuss", statutory_seats=3)
    board = Organization(body_id=body.id, kind=OrganizationKind.ADVISORY_BOARD, name="Seniorenbeirat")
    faction = Organization(body_id=body.id, kind=OrganizationKind.FACTION, name="Fraktion Blau", short_name="Blau")
    department = Organization(body_id=body.id, kind=OrganizationKind.DEPARTMENT, name="Hauptamt", short_name="10")
    session.add_all([term, location, committee, board, faction, department])
    await session.flush()

    people: dict[str, Person] = {}
    for persona, (given, family) in {
        "chair": ("Clara", "Vorsitz"),
        "member": ("Max", "Mitglied"),
        "deputy": ("Dora", "Vertretung"),
        "other_committee_member": ("Otto", "Beirat"),
        "secretariat": ("Sina", "Sitzungsdienst"),
    }.items():
        people[persona] = Person(body_id=body.id, given_name=given, family_name=family)
    session.add_all(people.values())
    await session.flush()
    start = dt.date(2024, 7, 1)
    session.add_all(
        [
            Membership(
                person_id=people["chair"].id,
                organization_id=committee.id,
                role=MembershipRole.CHAIR,
                on_behalf_of_id=faction.id,
                start_date=start,
            ),
            Membership(
                person_id=people["member"].id,
                organization_id=committee.id,
                role=MembershipRole.MEMBER,
                on_behalf_of_id=faction.id,
                start_date=start,
            ),
            Membership(
                person_id=people["deputy"].id,
                organization_id=committee.id,
                role=MembershipRole.DEPUTY,
                on_behalf_of_id=faction.id,
                start_date=start,
            ),
            Membership(
                person_id=people["other_committee_member"].id,
                organization_id=board.id,
                role=MembershipRole.MEMBER,
                start_date=start,
            ),
            Membership(
                person_id=people["member"].id, organization_id=faction.id, role=MembershipRole.MEMBER, start_date=start
            ),
        ]
    )

    public_paper = Paper(
        body_id=body.id,
        reference="VO/2024/00001",
        kind=PaperKind.RESOLUTION_PROPOSAL,
        title="Radweg am Stadtpark",
        date=dt.date(2024, 9, 1),
        proposed_resolution="Der Hauptausschuss beschließt den Bau des Radwegs.",
        published_at=dt.datetime(2024, 9, 1, 8, tzinfo=dt.UTC),
    )
    confidential_paper = Paper(
        body_id=body.id,
        reference="VO/2024/00002",
        kind=PaperKind.RESOLUTION_PROPOSAL,
        title=f"Grundstücksankauf Flurstück 12 {CONFIDENTIAL_MARKER}",
        date=dt.date(2024, 9, 1),
        public=False,
        published_at=dt.datetime(2024, 9, 1, 8, tzinfo=dt.UTC),
    )
    session.add_all([public_paper, confidential_paper])
    await session.flush()
    consultations = [
        Consultation(
            paper_id=public_paper.id, organization_id=committee.id, position=1, role=ConsultationRole.DECISION
        ),
        Consultation(
            paper_id=confidential_paper.id, organization_id=committee.id, position=1, role=ConsultationRole.DECISION
        ),
    ]
    session.add_all(consultations)
    await session.flush()

    def at(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)

    past = Meeting(
        organization_id=committee.id,
        legislative_term_id=term.id,
        number=1,
        start=at(today - dt.timedelta(days=14), 16),
        end=at(today - dt.timedelta(days=14), 18),
        location_id=location.id,
        state=MeetingState.CLOSED,
    )
    upcoming = Meeting(
        organization_id=committee.id,
        legislative_term_id=term.id,
        number=2,
        start=at(today + dt.timedelta(days=14), 16),
        location_id=location.id,
        state=MeetingState.INVITED,
    )
    session.add_all([past, upcoming])
    await session.flush()
    public_item = AgendaItem(
        meeting_id=past.id,
        position=1,
        number="Ö 1",
        title="Radweg am Stadtpark",
        consultation_id=consultations[0].id,
        result="einstimmig beschlossen",
        resolution_text="Der Hauptausschuss beschließt den Bau des Radwegs.",
        vote_summary="Ja: 3, Nein: 0, Enthaltungen: 0, Befangen: 0",
    )
    confidential_item = AgendaItem(
        meeting_id=past.id,
        position=2,
        number="N 1",
        public=False,
        title=f"Grundstücksankauf {CONFIDENTIAL_MARKER}",
        consultation_id=consultations[1].id,
        result="mehrheitlich beschlossen",
        resolution_text=f"Ankauf genehmigt {CONFIDENTIAL_MARKER}",
    )
    session.add_all([public_item, confidential_item])
    await session.flush()

    users: dict[str, User] = {}
    for persona in PERSONAS:
        roles = {"admin": [BodyRoleKind.ADMIN], "secretariat": [BodyRoleKind.SECRETARIAT]}.get(persona, [])
        users[persona] = await create_user(
            session,
            body=body,
            username=persona.replace("_", "-"),
            password=PASSWORD,
            display_name=persona,
            person=people.get(persona),
            roles=roles,
        )
    return World(
        body=body,
        committee=committee,
        advisory_board=board,
        faction=faction,
        department=department,
        past_meeting=past,
        next_meeting=upcoming,
        public_item=public_item,
        confidential_item=confidential_item,
        public_paper=public_paper,
        confidential_paper=confidential_paper,
        users=users,
        people=people,
    )
