"""Polls, votes, conflicts and the register through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.audit.service import seal, verify
from council.bodies.models import RuleSet
from council.errors import PermissionDenied, ValidationFailed
from council.meetings.attendance import AttendanceEntry, load_meeting, record_attendance
from council.meetings.models import AgendaItem, AttendanceStatus
from council.meetings.results import record_item_result
from council.papers.models import Consultation
from council.resolutions.models import Resolution
from council.resolutions.register import correct_resolution
from council.voting.ballots import Receipt, cast_vote, own_vote, record_vote
from council.voting.conflicts import declare_conflict
from council.voting.errors import AlreadyVoted, NotEntitledToVote, PollNotOpen, QuorumNotReached
from council.voting.models import Poll, PollKind, PollState, PollSubject, SecretBallotReceipt, Vote
from council.voting.polls import cancel_poll, close_poll, open_poll, publish_poll, repeat_poll
from council.voting.rules import AbstentionNotAllowed, Choice, ItemResult, Tally
from tests.voting_scene import build_scene, configure_body, start_poll, viewer
from tests.world import World


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def vote(
    sessions: async_sessionmaker[AsyncSession], world: World, persona: str, poll_id: int, choice: Choice
) -> Receipt:
    async with sessions() as session, session.begin():
        return await cast_vote(session, poll_id, await viewer(session, world, persona), choice, now())


async def close(
    sessions: async_sessionmaker[AsyncSession],
    world: World,
    poll_id: int,
    counts: Tally | None = None,
    persona: str = "secretariat",
) -> Poll:
    async with sessions() as session, session.begin():
        return await close_poll(session, poll_id, await viewer(session, world, persona), now(), counts)


async def test_named_poll_counts_votes_decides_and_registers_the_resolution(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    await vote(sessions, world, "member", poll_id, Choice.YES)
    await vote(sessions, world, "chair", poll_id, Choice.YES)
    poll = await close(sessions, world, poll_id)

    assert poll.state is PollState.CLOSED
    assert poll.adopted is True
    assert poll.wording == "einstimmig beschlossen"
    assert poll.counts == "Ja: 2, Nein: 0, Enthaltungen: 0, Befangen: 0"
    assert "beschlussfähig: 2 von 3 anwesend, 2 erforderlich" in (poll.explanation or "")
    async with sessions() as session:
        item = await session.get(AgendaItem, scene.item_id)
        resolution = await session.scalar(select(Resolution).where(Resolution.agenda_item_id == scene.item_id))
    assert item is not None and resolution is not None
    assert item.result_kind is ItemResult.ADOPTED
    assert item.result == "ungeändert beschlossen (einstimmig beschlossen)"
    assert resolution.number == f"1/{now().year % 100:02d}"
    assert item.resolution_number == resolution.number


async def test_tie_is_rejected_and_still_registered(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    await vote(sessions, world, "member", poll_id, Choice.YES)
    await vote(sessions, world, "chair", poll_id, Choice.NO)
    poll = await close(sessions, world, poll_id)
    assert poll.adopted is False
    assert poll.wording == "abgelehnt"
    assert "Stimmengleichheit" in (poll.explanation or "")
    async with sessions() as session:
        item = await session.get(AgendaItem, scene.item_id)
    assert item is not None and item.result_kind is ItemResult.REJECTED and item.resolution_number


async def test_second_vote_is_refused_and_changes_nothing(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    await vote(sessions, world, "member", poll_id, Choice.YES)
    with pytest.raises(AlreadyVoted):
        await vote(sessions, world, "member", poll_id, Choice.NO)
    async with sessions() as session:
        choices = list(await session.scalars(select(Vote.choice).where(Vote.poll_id == poll_id)))
    assert choices == [Choice.YES]


async def test_vote_may_be_changed_while_open_when_the_body_allows_it(sessions, world):
    scene = await build_scene(sessions, world)
    await configure_body(sessions, world, votes_changeable=True)
    poll_id = await start_poll(sessions, world, scene.item_id)
    await vote(sessions, world, "member", poll_id, Choice.YES)
    receipt = await vote(sessions, world, "member", poll_id, Choice.NO)
    assert receipt.changed
    async with sessions() as session:
        assert list(await session.scalars(select(Vote.choice).where(Vote.poll_id == poll_id))) == [Choice.NO]


async def test_vote_on_a_closed_poll_is_refused(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    await close(sessions, world, poll_id)
    with pytest.raises(PollNotOpen):
        await vote(sessions, world, "member", poll_id, Choice.YES)


async def test_people_without_a_seat_cannot_vote(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    for persona in ("other_committee_member", "deputy", "secretariat"):
        with pytest.raises(NotEntitledToVote):
            await vote(sessions, world, persona, poll_id, Choice.YES)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Vote)) == 0


async def test_absent_member_cannot_vote(sessions, world):
    scene = await build_scene(sessions, world, present=("chair", "member"))
    async with sessions() as session, session.begin():
        meeting = await load_meeting(session, scene.meeting_id)
        left = now() - dt.timedelta(minutes=1)
        entry = AttendanceEntry(world.people["member"].id, AttendanceStatus.PRESENT, left_at=left)
        await record_attendance(session, meeting, await viewer(session, world, "secretariat"), entry)
    # The chair alone is not a quorum of three seats: the poll cannot even open.
    with pytest.raises(QuorumNotReached):
        await start_poll(sessions, world, scene.item_id)


async def test_deputy_votes_only_while_substituting(sessions, world):
    scene = await build_scene(sessions, world, present=("chair",))
    async with sessions() as session, session.begin():
        meeting = await load_meeting(session, scene.meeting_id)
        secretariat = await viewer(session, world, "secretariat")
        await record_attendance(
            session, meeting, secretariat, AttendanceEntry(world.people["member"].id, AttendanceStatus.EXCUSED)
        )
        await record_attendance(
            session,
            meeting,
            secretariat,
            AttendanceEntry(
                world.people["deputy"].id, AttendanceStatus.PRESENT, substitutes_person_id=world.people["member"].id
            ),
        )
    poll_id = await start_poll(sessions, world, scene.item_id)
    await vote(sessions, world, "deputy", poll_id, Choice.NO)
    with pytest.raises(NotEntitledToVote):
        await vote(sessions, world, "member", poll_id, Choice.YES)


async def test_substitution_is_refused_while_the_member_is_present(sessions, world):
    scene = await build_scene(sessions, world)
    async with sessions() as session, session.begin():
        meeting = await load_meeting(session, scene.meeting_id)
        entry = AttendanceEntry(
            world.people["deputy"].id, AttendanceStatus.PRESENT, substitutes_person_id=world.people["member"].id
        )
        with pytest.raises(ValidationFailed) as refused:
            await record_attendance(session, meeting, await viewer(session, world, "secretariat"), entry)
    assert "substitutes" in refused.value.errors


async def test_befangen_member_cannot_vote_and_is_counted_and_named(sessions, world):
    scene = await build_scene(sessions, world)
    async with sessions() as session, session.begin():
        member = await viewer(session, world, "member")
        await declare_conflict(session, scene.item_id, member, world.people["member"].id, "Anlieger", now())
    # Only the chair is entitled now: 1 of 3 is no quorum.
    with pytest.raises(QuorumNotReached):
        await start_poll(sessions, world, scene.item_id)


async def test_befangen_member_excluded_from_majority(sessions, world):
    scene = await build_scene(sessions, world, present=("chair", "member"))
    # Quorum presumed: the vote goes ahead, flagged.
    await configure_body(sessions, world, rule_set=RuleSet.NORDRHEIN_WESTFALEN)
    async with sessions() as session, session.begin():
        secretariat = await viewer(session, world, "secretariat")
        await declare_conflict(session, scene.item_id, secretariat, world.people["member"].id, None, now())
    poll_id = await start_poll(sessions, world, scene.item_id)
    with pytest.raises(NotEntitledToVote):
        await vote(sessions, world, "member", poll_id, Choice.YES)
    await vote(sessions, world, "chair", poll_id, Choice.YES)
    poll = await close(sessions, world, poll_id)
    assert poll.befangen == 1
    assert poll.counts == "Ja: 1, Nein: 0, Enthaltungen: 0, Befangen: 1"
    assert poll.quorum_flagged


async def test_conflict_cannot_be_declared_after_voting_in_the_open_poll(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    await vote(sessions, world, "member", poll_id, Choice.YES)
    async with sessions() as session, session.begin():
        member = await viewer(session, world, "member")
        with pytest.raises(ValidationFailed):
            await declare_conflict(session, scene.item_id, member, world.people["member"].id, None, now())


async def test_member_cannot_declare_conflict_for_someone_else(sessions, world):
    scene = await build_scene(sessions, world)
    async with sessions() as session, session.begin():
        member = await viewer(session, world, "member")
        with pytest.raises(PermissionDenied):
            await declare_conflict(session, scene.item_id, member, world.people["chair"].id, None, now())


async def test_secret_poll_keeps_only_totals(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id, PollKind.SECRET)
    await vote(sessions, world, "member", poll_id, Choice.NO)
    await vote(sessions, world, "chair", poll_id, Choice.YES)
    with pytest.raises(AlreadyVoted):
        await vote(sessions, world, "chair", poll_id, Choice.NO)
    poll = await close(sessions, world, poll_id)
    assert (poll.yes, poll.no, poll.abstain) == (1, 1, 0)
    async with sessions() as session, session.begin():
        assert await session.scalar(select(func.count()).select_from(Vote)) == 0
        receipts = await session.scalar(
            select(func.count()).select_from(SecretBallotReceipt).where(SecretBallotReceipt.poll_id == poll_id)
        )
        assert receipts == 2
        stored = await session.get(Poll, poll_id)
        assert stored is not None
        receipt = await own_vote(session, stored, world.people["member"].id)
        assert receipt is not None and receipt.choice is None
        await seal(session)
        from council.audit.models import AuditEntry

        cast_entries = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "vote.cast")))
    assert len(cast_entries) == 2
    assert all("choice" not in entry.data for entry in cast_entries)


async def test_show_of_hands_takes_entered_counts_and_refuses_too_many(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id, PollKind.OPEN)
    with pytest.raises(ValidationFailed):
        await close(sessions, world, poll_id, Tally(2, 1, 0, 0))
    with pytest.raises(ValidationFailed):
        await vote(sessions, world, "member", poll_id, Choice.YES)
    poll = await close(sessions, world, poll_id, Tally(1, 0, 1, 0))
    assert poll.wording == "einstimmig bei 1 Enthaltung angenommen"


async def test_hybrid_roll_call_records_room_votes_beside_device_votes(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    await vote(sessions, world, "member", poll_id, Choice.NO)
    async with sessions() as session, session.begin():
        secretariat = await viewer(session, world, "secretariat")
        await record_vote(session, poll_id, secretariat, world.people["chair"].id, Choice.YES, now())
        # A slip of the pen in the room may be corrected while the poll is open.
        await record_vote(session, poll_id, secretariat, world.people["chair"].id, Choice.ABSTAIN, now())
    async with sessions() as session:
        votes = {v.person_id: v for v in await session.scalars(select(Vote).where(Vote.poll_id == poll_id))}
    assert votes[world.people["chair"].id].choice is Choice.ABSTAIN
    assert votes[world.people["chair"].id].in_room
    assert not votes[world.people["member"].id].in_room


async def test_abstention_is_refused_in_bavaria(sessions, world):
    scene = await build_scene(sessions, world)
    await configure_body(sessions, world, rule_set=RuleSet.BAYERN)
    poll_id = await start_poll(sessions, world, scene.item_id)
    with pytest.raises(AbstentionNotAllowed):
        await vote(sessions, world, "member", poll_id, Choice.ABSTAIN)


async def test_cancelled_poll_is_kept_and_repeated(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    await vote(sessions, world, "member", poll_id, Choice.YES)
    async with sessions() as session, session.begin():
        secretariat = await viewer(session, world, "secretariat")
        with pytest.raises(ValidationFailed):
            await cancel_poll(session, poll_id, secretariat, now(), "  ")
    async with sessions() as session, session.begin():
        secretariat = await viewer(session, world, "secretariat")
        await cancel_poll(session, poll_id, secretariat, now(), "Technische Störung")
        repeated = await repeat_poll(session, poll_id, secretariat)
        await open_poll(session, repeated.id, secretariat, now())
        repeated_id = repeated.id
    await vote(sessions, world, "member", repeated_id, Choice.YES)
    async with sessions() as session:
        old = await session.get(Poll, poll_id)
        new = await session.get(Poll, repeated_id)
    assert old is not None and old.state is PollState.CANCELLED and old.cancel_reason == "Technische Störung"
    assert new is not None and new.repeats_poll_id == poll_id and new.state is PollState.OPEN


async def test_amendment_adopted_makes_the_item_adopted_with_changes(sessions, world):
    scene = await build_scene(sessions, world)
    amendment = await start_poll(sessions, world, scene.item_id, subject=PollSubject.AMENDMENT)
    await vote(sessions, world, "member", amendment, Choice.YES)
    await close(sessions, world, amendment)
    main = await start_poll(sessions, world, scene.item_id)
    await vote(sessions, world, "member", main, Choice.YES)
    await close(sessions, world, main)
    async with sessions() as session:
        item = await session.get(AgendaItem, scene.item_id)
        count = await session.scalar(select(func.count()).select_from(Resolution))
    assert item is not None and item.result_kind is ItemResult.ADOPTED_AMENDED
    assert count == 1  # the amendment itself gets no number


async def test_only_the_secretariat_and_chair_run_polls(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id, open_it=False)
    async with sessions() as session, session.begin():
        member = await viewer(session, world, "member")
        with pytest.raises(PermissionDenied):
            await open_poll(session, poll_id, member, now())
    async with sessions() as session, session.begin():
        await open_poll(session, poll_id, await viewer(session, world, "chair"), now())
    with pytest.raises(PermissionDenied):
        await close(sessions, world, poll_id, persona="member")


async def test_publish_only_after_close(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    async with sessions() as session, session.begin():
        with pytest.raises(ValidationFailed):
            await publish_poll(session, poll_id, await viewer(session, world, "secretariat"), now())
    await close(sessions, world, poll_id)
    async with sessions() as session, session.begin():
        poll = await publish_poll(session, poll_id, await viewer(session, world, "secretariat"), now())
    assert poll.state is PollState.PUBLISHED


async def test_correction_keeps_the_number_and_records_a_version(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    await vote(sessions, world, "member", poll_id, Choice.YES)
    await close(sessions, world, poll_id)
    async with sessions() as session, session.begin():
        resolution = await session.scalar(select(Resolution))
        assert resolution is not None
        number = resolution.number
        with pytest.raises(ValidationFailed):
            await correct_resolution(
                session, resolution.id, wording="x", text=None, vote_summary=None, reason="", author_user_id=None
            )
    async with sessions() as session, session.begin():
        corrected = await correct_resolution(
            session,
            resolution.id,
            wording="einstimmig beschlossen",
            text="Berichtigter Wortlaut",
            vote_summary="Ja: 1, Nein: 0, Enthaltungen: 0, Befangen: 0",
            reason="Schreibfehler im Wortlaut",
            author_user_id=world.users["secretariat"].id,
        )
    assert corrected.number == number
    assert [v.version for v in corrected.versions] == [1, 2]
    assert corrected.current.text == "Berichtigter Wortlaut"


async def test_referral_adds_steps_to_the_papers_consultations(sessions, world):
    scene = await build_scene(sessions, world)
    async with sessions() as session, session.begin():
        item = await session.get(AgendaItem, scene.item_id)
        assert item is not None
        consultation = Consultation(
            paper_id=world.public_paper.id, organization_id=world.committee.id, position=2, role="decision"
        )
        session.add(consultation)
        await session.flush()
        item.consultation_id = consultation.id
    async with sessions() as session, session.begin():
        secretariat = await viewer(session, world, "secretariat")
        with pytest.raises(ValidationFailed):
            await record_item_result(session, scene.item_id, secretariat, ItemResult.REFERRED, now(), None)
    async with sessions() as session, session.begin():
        secretariat = await viewer(session, world, "secretariat")
        item = await record_item_result(
            session, scene.item_id, secretariat, ItemResult.REFERRED, now(), world.advisory_board.id
        )
    assert item.result == "verwiesen an Seniorenbeirat"
    async with sessions() as session:
        steps = list(
            await session.scalars(
                select(Consultation.organization_id)
                .where(Consultation.paper_id == world.public_paper.id)
                .order_by(Consultation.position)
            )
        )
    assert steps == [world.committee.id, world.committee.id, world.advisory_board.id, world.committee.id]


async def test_audit_chain_covers_the_poll_and_detects_tampering(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    await vote(sessions, world, "member", poll_id, Choice.YES)
    await close(sessions, world, poll_id)
    async with sessions() as session, session.begin():
        assert await seal(session) == 4  # created, opened, vote cast, closed
    async with sessions() as session:
        report = await verify(session)
    assert report.ok and report.sealed == 4 and report.pending == 0
    from council.audit.models import AuditEntry

    async with sessions() as session, session.begin():
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "vote.cast"))
        assert entry is not None
        entry.data = {**entry.data, "choice": "no"}
    async with sessions() as session:
        report = await verify(session)
    assert not report.ok and "Eintrag 3" in report.problems[0]
