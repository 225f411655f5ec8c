"""The demo municipality Musterstadt: its structure, its papers and meetings, its logins, and what stays secret."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from council.accounts.models import User
from council.accounts.service import ThrottlePolicy, authenticate, load_viewer
from council.accounts.viewer import Viewer
from council.bodies.models import Body, Membership, MembershipRole, Organization, OrganizationKind, Person
from council.demo import CONFIDENTIAL_MARKER, DEMO_LOGINS, load_demo
from council.demo.schedule import SLOTS, ResolutionRegister, meeting_day, meeting_numbers
from council.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingState
from council.meetings.waiting import waiting_consultations
from council.papers.models import Consultation, Paper, PaperKind, Submitter

TODAY = dt.date(2026, 3, 18)
BERLIN = ZoneInfo("Europe/Berlin")
# Real people named in /seeds: none of them may appear in the demo.
# The surnames of the real people named in the seed papers, kept only as hashes (sha256 of the casefolded
# word, first 16 hex digits) so that their names are not written into this repository.
SEED_NAME_HASHES = frozenset(
    {
        "c17323fc0b1bab00",
        "55b83fc7de329ede",
        "699a0f2974824551",
        "d994e1d001886fe5",
        "d83b1ee8c6f38853",
        "5c0cac709d65ad30",
        "d390b52b2419355a",
    }
)


def name_hash(word: str) -> str:
    return hashlib.sha256(word.casefold().encode()).hexdigest()[:16]


async def organization(session: AsyncSession, name: str) -> Organization:
    return (await session.scalars(select(Organization).where(Organization.name == name))).one()


async def memberships(session: AsyncSession, organization_id: int) -> list[Membership]:
    return list(await session.scalars(select(Membership).where(Membership.organization_id == organization_id)))


async def test_stadtrat_has_45_voting_members_in_five_factions(session: AsyncSession) -> None:
    summary = await load_demo(session, today=TODAY)

    council = await organization(session, "Stadtrat")
    seats = await memberships(session, council.id)
    factions = {
        f.id: f
        for f in await session.scalars(select(Organization).where(Organization.kind == OrganizationKind.FACTION))
    }
    assert summary.created
    assert council.statutory_seats == 45
    assert len(seats) == 45
    assert all(s.voting_right and s.role in {MembershipRole.MEMBER, MembershipRole.CHAIR} for s in seats)
    assert len(factions) == 5
    assert sum(Counter(s.on_behalf_of_id for s in seats).values()) == 45
    assert {s.on_behalf_of_id for s in seats} == set(factions)
    # Everyone sits in the faction they sit for.
    for seat in seats:
        assert seat.on_behalf_of_id is not None
        faction_seats = await memberships(session, seat.on_behalf_of_id)
        assert seat.person_id in {m.person_id for m in faction_seats}
    (chair,) = [s for s in seats if s.role is MembershipRole.CHAIR]
    mayor = await session.get(Person, chair.person_id)
    assert mayor is not None and "Oberbürgermeister" in (mayor.life or "")


async def test_committee_deputies_sit_for_a_faction_of_the_committee(session: AsyncSession) -> None:
    await load_demo(session, today=TODAY)

    for name, seats in (("Hauptausschuss", 11), ("Haupt- und Wirtschaftsausschuss", 9)):
        committee = await organization(session, name)
        rows = await memberships(session, committee.id)
        voting = [m for m in rows if m.role is not MembershipRole.DEPUTY]
        deputies = [m for m in rows if m.role is MembershipRole.DEPUTY]
        assert committee.statutory_seats == seats == len(voting)
        assert deputies
        assert {d.on_behalf_of_id for d in deputies} <= {m.on_behalf_of_id for m in voting}


async def test_advisory_boards_have_expert_citizens_and_advisory_seats(session: AsyncSession) -> None:
    await load_demo(session, today=TODAY)

    digital = await organization(session, "Digitalbeirat")
    seniors = await organization(session, "Seniorenbeirat")
    assert digital.digital_meetings_allowed and not seniors.digital_meetings_allowed
    for board in (digital, seniors):
        rows = await memberships(session, board.id)
        assert any(m.role is MembershipRole.EXPERT_CITIZEN and m.voting_right for m in rows)
        assert any(m.role is MembershipRole.ADVISORY and not m.voting_right for m in rows)
        assert board.statutory_seats == sum(m.voting_right for m in rows)


async def test_loading_twice_creates_nothing_new(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session, session.begin():
        first = await load_demo(session, today=TODAY)
    async with sessions() as session, session.begin():
        second = await load_demo(session)
        people = await session.scalar(select(func.count(Person.id)))

    assert first.created and not second.created
    assert second.body_id == first.body_id
    assert second.counts == first.counts
    assert first.counts["organizations"] == 14
    assert first.counts["papers"] == 9
    assert first.counts["meetings"] == len(SLOTS)
    assert people == first.counts["people"]


async def test_loading_leaves_the_commit_to_the_caller(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        await load_demo(session, today=TODAY)
        await session.rollback()
    async with sessions() as session:
        assert await session.scalar(select(func.count(Body.id))) == 0


async def test_every_demo_login_authenticates(session: AsyncSession) -> None:
    await load_demo(session, today=TODAY)

    assert [login.persona for login in DEMO_LOGINS] == [
        "Administration",
        "Sitzungsdienst",
        "Ausschussvorsitz",
        "Ratsmitglied",
        "Stellvertretendes Mitglied",
        "Beiratsmitglied",
    ]
    for login in DEMO_LOGINS:
        user = await authenticate(
            session, username=login.username, password=login.password, client="demo-test", policy=ThrottlePolicy()
        )
        assert user.username == login.username


async def test_personas_hold_the_roles_their_labels_promise(session: AsyncSession) -> None:
    await load_demo(session, today=TODAY)
    committee = await organization(session, "Hauptausschuss")
    council = await organization(session, "Stadtrat")
    board = await organization(session, "Digitalbeirat")
    users = {u.username: u for u in await session.scalars(select(User))}

    async def viewer(username: str) -> Viewer:
        return await load_viewer(session, users[username].id, today=TODAY)

    assert (await viewer("demo-admin")).body_roles
    assert (await viewer("demo-sitzungsdienst")).body_roles
    chair = await viewer("demo-vorsitz")
    assert MembershipRole.CHAIR in chair.organization_roles[committee.id]
    assert MembershipRole.MEMBER in chair.organization_roles[council.id]
    member = await viewer("demo-mitglied")
    deputy = await viewer("demo-stellvertretung")
    assert MembershipRole.MEMBER in member.organization_roles[committee.id]
    assert MembershipRole.MEMBER in member.organization_roles[council.id]
    assert deputy.organization_roles[committee.id] == {MembershipRole.DEPUTY}
    assert member.person_id is not None and deputy.person_id is not None
    factions = {
        m.person_id: m.on_behalf_of_id
        for m in await memberships(session, committee.id)
        if m.person_id in {member.person_id, deputy.person_id}
    }
    assert factions[member.person_id] == factions[deputy.person_id]
    advisory = await viewer("demo-beirat")
    assert advisory.organization_roles[board.id] == {MembershipRole.EXPERT_CITIZEN}


async def test_marker_appears_exactly_on_non_public_items_and_papers(session: AsyncSession) -> None:
    await load_demo(session, today=TODAY)

    items = list(await session.scalars(select(AgendaItem)))
    papers = {p.id: p for p in await session.scalars(select(Paper))}
    for item in items:
        text = " ".join(filter(None, [item.title, item.result, item.resolution_text]))
        assert (CONFIDENTIAL_MARKER in text) is (not item.public), item.number
        if not item.public:
            assert CONFIDENTIAL_MARKER in item.title
            assert item.result is None or CONFIDENTIAL_MARKER in (item.resolution_text or "")
    for paper in papers.values():
        text = " ".join(filter(None, [paper.title, paper.proposed_resolution, paper.reasons]))
        assert (CONFIDENTIAL_MARKER in text) is (not paper.public), paper.reference
    consultations = {c.id: c for c in await session.scalars(select(Consultation))}
    for item in items:
        if item.consultation_id is not None:
            assert papers[consultations[item.consultation_id].paper_id].public is item.public
    secret = [i for i in items if not i.public]
    assert len(secret) >= 2
    assert any(i.resolution_number for i in secret)
    assert len([p for p in papers.values() if not p.public]) >= 2


async def test_seed_papers_keep_their_references_and_results(session: AsyncSession) -> None:
    await load_demo(session, today=TODAY)

    papers = {p.reference: p for p in await session.scalars(select(Paper))}
    motion = papers["GRÜ/1248/16"]
    inquiry = papers["VO/2014/01919"]
    assert motion.kind is PaperKind.MOTION and motion.title == "eGovernment vorantreiben, digitale Dienste ausbauen"
    assert "ServiceStadt Musterstadt" in (motion.proposed_resolution or "")
    assert inquiry.kind is PaperKind.INQUIRY
    answers = [p for p in papers.values() if p.related_paper_id == inquiry.id]
    assert [a.kind for a in answers] == [PaperKind.ANSWER]
    submitter = (await session.scalars(select(Submitter).where(Submitter.paper_id == motion.id))).first()
    assert submitter is not None and submitter.organization_id is not None
    patterns = re.compile(r"^(VO/\d{4}/\d{5}|[A-ZÜ]{2,3}/\d+/\d{2})$")
    assert all(patterns.match(reference) for reference in papers), sorted(papers)

    items = list(await session.scalars(select(AgendaItem).where(AgendaItem.result.is_not(None))))
    results = {i.result: i for i in items}
    assert "ungeändert beschlossen" in results
    assert results["mit Änderungen beschlossen"].vote_summary == "Ja: 33, Nein: 0, Enthaltungen: 5, Befangen: 0"
    assert "zur Kenntnis genommen" in results
    numbers = [i.resolution_number for i in items if i.resolution_number]
    assert len(numbers) == len(set(numbers)) >= 5
    assert all(re.fullmatch(r"\d+/26", n) for n in numbers)


async def test_consultations_are_numbered_and_held_by_their_organization(session: AsyncSession) -> None:
    await load_demo(session, today=TODAY)

    papers = list(await session.scalars(select(Paper).options(selectinload(Paper.consultations))))
    meetings = {m.id: m for m in await session.scalars(select(Meeting))}
    items = {i.consultation_id: i for i in await session.scalars(select(AgendaItem)) if i.consultation_id}
    for paper in papers:
        assert [c.position for c in paper.consultations] == list(range(1, len(paper.consultations) + 1))
        for consultation in paper.consultations:
            if consultation.meeting_id is None:
                # Not yet on an agenda: it waits for a meeting of its organization.
                waiting = await waiting_consultations(session, consultation.organization_id)
                assert consultation.id in {c.id for c in waiting}
                continue
            assert meetings[consultation.meeting_id].organization_id == consultation.organization_id
            assert items[consultation.id].meeting_id == consultation.meeting_id


async def test_meetings_are_numbered_per_organization_and_timed_in_berlin(session: AsyncSession) -> None:
    await load_demo(session, today=TODAY)

    meetings = list(await session.scalars(select(Meeting).order_by(Meeting.start)))
    by_organization: dict[int, list[int]] = {}
    for meeting in meetings:
        by_organization.setdefault(meeting.organization_id, []).append(meeting.number)
        assert meeting.start.utcoffset() == dt.timedelta(0)
        local = meeting.start.astimezone(BERLIN)
        assert local.minute in {0, 30} and 10 <= local.hour <= 18
        if meeting.start.date() < TODAY:
            assert meeting.state is MeetingState.CLOSED and meeting.end is not None
        else:
            assert meeting.state in {MeetingState.PLANNED, MeetingState.INVITED, MeetingState.CANCELLED}
        assert (meeting.state is MeetingState.CANCELLED) is (meeting.cancellation_reason is not None)
    for numbers in by_organization.values():
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    assert {m.state for m in meetings} >= {MeetingState.CLOSED, MeetingState.INVITED, MeetingState.PLANNED}


async def test_agenda_numbers_have_public_and_non_public_parts(session: AsyncSession) -> None:
    await load_demo(session, today=TODAY)

    items = list(await session.scalars(select(AgendaItem)))
    assert all(re.fullmatch(r"[ÖN] \d+(\.\d+)?", i.number) for i in items)
    assert {i.title for i in items} >= {
        "Eröffnung und Feststellung der Beschlussfähigkeit",
        "Genehmigung der Niederschrift der letzten Sitzung",
        "Anfragen",
    }
    assert all(i.number.startswith("N") is (not i.public) for i in items)
    assert any(i.parent_id is not None and "." in i.number for i in items)


async def test_past_meetings_record_attendance(session: AsyncSession) -> None:
    await load_demo(session, today=TODAY)

    rows = list(await session.scalars(select(Attendance).options(selectinload(Attendance.meeting))))
    council = await organization(session, "Stadtrat")
    council_rows = [r for r in rows if r.meeting.organization_id == council.id]
    present = [r for r in council_rows if r.status is AttendanceStatus.PRESENT]
    assert len(council_rows) == 45 and len(present) == 38
    late = [r for r in rows if r.arrived_at is not None]
    assert len(late) == 1 and late[0].arrived_at is not None and late[0].arrived_at > late[0].meeting.start
    (substitute,) = [r for r in rows if r.substitutes_person_id is not None]
    absent = next(
        r for r in rows if r.meeting_id == substitute.meeting_id and r.person_id == substitute.substitutes_person_id
    )
    assert absent.status is AttendanceStatus.EXCUSED
    seats = await memberships(session, substitute.meeting.organization_id)
    faction = {m.person_id: (m.role, m.on_behalf_of_id) for m in seats}
    assert faction[substitute.person_id][0] is MembershipRole.DEPUTY
    assert faction[substitute.person_id][1] == faction[absent.person_id][1]
    assert all(r.meeting.state is MeetingState.CLOSED for r in rows)


async def test_no_real_person_from_the_seeds_appears(session: AsyncSession) -> None:
    await load_demo(session, today=TODAY)

    texts = [f"{p.given_name} {p.family_name} {p.email or ''}" for p in await session.scalars(select(Person))]
    for paper in await session.scalars(select(Paper)):
        texts += [paper.title, paper.proposed_resolution or "", paper.reasons or ""]
    for item in await session.scalars(select(AgendaItem)):
        texts += [item.title, item.resolution_text or ""]
    texts += [f"{u.display_name} {u.email or ''}" for u in await session.scalars(select(User))]
    words = {word for text in texts for word in re.findall(r"\w+", text)}
    assert not [word for word in words if name_hash(word) in SEED_NAME_HASHES]
    emails = [t.split()[-1] for t in texts if "@" in t]
    assert emails and all(e.endswith("example.org") for e in emails)


@pytest.mark.parametrize("today", [dt.date(2026, 1, 1), dt.date(2026, 7, 4), dt.date(2027, 12, 31)])
def test_schedule_keeps_deliberation_order_and_weekdays(today: dt.date) -> None:
    days = {key: meeting_day(today, slot) for key, slot in SLOTS.items()}

    assert days["ha-past"] < days["stadtrat-past"] < days["hwa-past"] < today < days["ha-next"]
    assert days["hwa-past"] < days["stadtrat-next"] and days["ha-next"] < days["stadtrat-next"]
    assert all(days[key].weekday() == slot.weekday for key, slot in SLOTS.items())
    numbers = meeting_numbers(days)
    assert numbers["stadtrat-next"] == numbers["stadtrat-past"] + 1


def test_resolution_register_is_gapless_and_restarts_each_year() -> None:
    register = ResolutionRegister("{seq}/{yy}")

    first = register.next_number(dt.date(2024, 10, 12))
    second = register.next_number(dt.date(2024, 11, 2))
    new_year = register.next_number(dt.date(2025, 1, 9))

    assert first == (430, "430/24")
    assert second == (431, "431/24")
    assert new_year == (14, "14/25")


async def test_invited_meetings_record_their_invitation_and_one_supplement(session: AsyncSession) -> None:
    from council.meetings.invitation_state import agenda_changes_since_invitation, notices_of

    await load_demo(session, today=TODAY)
    meetings = list(await session.scalars(select(Meeting).options(selectinload(Meeting.organization))))
    for meeting in meetings:
        sent = meeting.invitation_sent_at is not None
        assert sent is (meeting.state in (MeetingState.INVITED, MeetingState.CLOSED)), meeting.name
        if sent:
            assert meeting.invitation_sent_at is not None and meeting.invitation_sent_at < meeting.start
    committee = await organization(session, "Hauptausschuss")
    (next_meeting,) = [m for m in meetings if m.organization_id == committee.id and m.state is MeetingState.INVITED]
    assert [n.supplement for n in await notices_of(session, next_meeting.id)] == [False, True]
    changes = await agenda_changes_since_invitation(session, next_meeting, include_confidential=False)
    added = [c for c in changes if c.added]
    assert [c.title for c in added] == ["Bericht der Verwaltung: Störung des Bürgerportals am Monatsanfang"]
    assert not any(c.pending for c in changes)
    # The items after the new one were renumbered: the Nachtrag names their numbers in the invitation.
    assert any(c.moved and c.title == "Anfragen" for c in changes)
    assert all(c.public for c in changes)
    # The half-yearly report waits for the Digitalbeirat, whose next agenda does not have it yet.
    board = await organization(session, "Digitalbeirat")
    waiting = await waiting_consultations(session, board.id)
    assert [c.paper.title for c in waiting] == [
        "Sachstand zur Umsetzung des Arbeitspapiers zur Digitalisierung (Halbjahresbericht)"
    ]
    assert await waiting_consultations(session, committee.id) == []
