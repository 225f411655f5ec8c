"""The ballot box: votes arriving together are checked and written in one transaction, each with its own answer.

On SQLite and PostgreSQL, like the other voting tests."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.audit.models import AuditEntry
from council.bodies.models import RuleSet
from council.errors import NotFound
from council.events import DomainEvent, EventKind
from council.meetings.models import Attendance
from council.querycount import counting_statements
from council.voting import ballot_box as ballot_box_module
from council.voting.ballot_box import BallotBox
from council.voting.ballots import Ballot, Receipt, write_ballots
from council.voting.errors import AlreadyVoted, NotEntitledToVote, PollNotOpen
from council.voting.models import Poll, PollKind, SecretBallotReceipt, Vote
from council.voting.polls import close_poll
from council.voting.roll import build_roll
from council.voting.rules import AbstentionNotAllowed, Choice
from tests.voting_scene import build_scene, configure_body, start_poll, viewer
from tests.world import World


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def ballot(world: World, persona: str, poll_id: int, choice: Choice) -> Ballot:
    return Ballot(poll_id, world.people[persona].id, world.users[persona].id, choice, now())


async def write(sessions: async_sessionmaker[AsyncSession], poll_id: int, ballots: list[Ballot]) -> list[object]:
    async with sessions() as session, session.begin():
        return list(await write_ballots(session, poll_id, ballots))


async def stored_votes(sessions: async_sessionmaker[AsyncSession], poll_id: int) -> dict[int, Choice]:
    async with sessions() as session:
        rows = await session.execute(select(Vote.person_id, Vote.choice).where(Vote.poll_id == poll_id))
        return {person_id: choice for person_id, choice in rows}


async def test_one_batch_answers_every_vote_on_its_own(sessions, world):
    scene = await build_scene(sessions, world, present=("chair", "member", "other_committee_member"))
    poll_id = await start_poll(sessions, world, scene.item_id)
    outcomes = await write(
        sessions,
        poll_id,
        [
            ballot(world, "member", poll_id, Choice.NO),
            ballot(world, "other_committee_member", poll_id, Choice.YES),  # present, but no seat in this committee
            ballot(world, "member", poll_id, Choice.YES),  # the same member again in the same batch
            ballot(world, "deputy", poll_id, Choice.YES),  # a deputy not standing in for anyone
            ballot(world, "chair", poll_id, Choice.ABSTAIN),
        ],
    )
    assert isinstance(outcomes[0], Receipt) and outcomes[0].choice is Choice.NO
    assert isinstance(outcomes[1], NotEntitledToVote)
    assert isinstance(outcomes[2], AlreadyVoted)
    assert isinstance(outcomes[3], NotEntitledToVote)
    assert isinstance(outcomes[4], Receipt) and outcomes[4].choice is Choice.ABSTAIN
    assert await stored_votes(sessions, poll_id) == {
        world.people["member"].id: Choice.NO,
        world.people["chair"].id: Choice.ABSTAIN,
    }
    # A later batch cannot add a second vote: the unique constraint refuses it row by row.
    (again,) = await write(sessions, poll_id, [ballot(world, "chair", poll_id, Choice.YES)])
    assert isinstance(again, AlreadyVoted)
    async with sessions() as session:
        audited = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "vote.cast")
        )
    assert audited == 2


async def test_a_member_who_left_is_refused_in_a_batch(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    async with sessions() as session, session.begin():
        await session.execute(
            update(Attendance)
            .where(Attendance.meeting_id == scene.meeting_id, Attendance.person_id == world.people["member"].id)
            .values(left_at=now() - dt.timedelta(seconds=1))
        )
    chair, member = await write(
        sessions, poll_id, [ballot(world, "chair", poll_id, Choice.YES), ballot(world, "member", poll_id, Choice.YES)]
    )
    assert isinstance(chair, Receipt)
    assert isinstance(member, NotEntitledToVote)
    assert "anwesend" in member.errors["choice"]


async def test_abstention_is_refused_only_for_the_abstaining_member_in_bavaria(sessions, world):
    scene = await build_scene(sessions, world)
    await configure_body(sessions, world, rule_set=RuleSet.BAYERN)
    poll_id = await start_poll(sessions, world, scene.item_id)
    chair, member = await write(
        sessions,
        poll_id,
        [ballot(world, "chair", poll_id, Choice.ABSTAIN), ballot(world, "member", poll_id, Choice.NO)],
    )
    assert isinstance(chair, AbstentionNotAllowed)
    assert isinstance(member, Receipt)
    assert await stored_votes(sessions, poll_id) == {world.people["member"].id: Choice.NO}


async def test_secret_batch_adds_to_the_totals_and_links_no_person_to_a_choice(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id, PollKind.SECRET)
    outcomes = await write(
        sessions,
        poll_id,
        [
            ballot(world, "chair", poll_id, Choice.YES),
            ballot(world, "member", poll_id, Choice.NO),
            ballot(world, "member", poll_id, Choice.YES),
        ],
    )
    assert [type(outcome) for outcome in outcomes] == [Receipt, Receipt, AlreadyVoted]
    assert all(outcome.choice is None for outcome in outcomes if isinstance(outcome, Receipt))
    (late,) = await write(sessions, poll_id, [ballot(world, "chair", poll_id, Choice.NO)])
    assert isinstance(late, AlreadyVoted)
    async with sessions() as session:
        poll = await session.get(Poll, poll_id)
        receipts = await session.scalar(
            select(func.count()).select_from(SecretBallotReceipt).where(SecretBallotReceipt.poll_id == poll_id)
        )
        votes = await session.scalar(select(func.count()).select_from(Vote).where(Vote.poll_id == poll_id))
        audit = list(await session.scalars(select(AuditEntry.data).where(AuditEntry.action == "vote.cast")))
    assert poll is not None and (poll.yes, poll.no, poll.abstain) == (1, 1, 0)
    assert receipts == 2 and votes == 0
    assert all("choice" not in data for data in audit)


async def test_a_body_that_lets_members_change_their_vote_updates_it(sessions, world):
    scene = await build_scene(sessions, world)
    await configure_body(sessions, world, votes_changeable=True)
    poll_id = await start_poll(sessions, world, scene.item_id)
    (first,) = await write(sessions, poll_id, [ballot(world, "member", poll_id, Choice.YES)])
    changed, chair = await write(
        sessions, poll_id, [ballot(world, "member", poll_id, Choice.NO), ballot(world, "chair", poll_id, Choice.YES)]
    )
    assert isinstance(first, Receipt) and not first.changed
    assert isinstance(changed, Receipt) and changed.changed
    assert isinstance(chair, Receipt) and not chair.changed
    assert await stored_votes(sessions, poll_id) == {
        world.people["member"].id: Choice.NO,
        world.people["chair"].id: Choice.YES,
    }


async def test_a_changeable_vote_changed_within_one_batch_keeps_the_last_choice(sessions, world):
    scene = await build_scene(sessions, world)
    await configure_body(sessions, world, votes_changeable=True)
    poll_id = await start_poll(sessions, world, scene.item_id)
    first, second = await write(
        sessions, poll_id, [ballot(world, "member", poll_id, Choice.YES), ballot(world, "member", poll_id, Choice.NO)]
    )
    assert isinstance(first, Receipt) and first.choice is Choice.YES and not first.changed
    assert isinstance(second, Receipt) and second.choice is Choice.NO and second.changed
    assert await stored_votes(sessions, poll_id) == {world.people["member"].id: Choice.NO}
    async with sessions() as session:
        audited = list(
            await session.scalars(
                select(AuditEntry.data).where(AuditEntry.action == "vote.cast").order_by(AuditEntry.id)
            )
        )
    assert [(data["choice"], data["changed"]) for data in audited] == [("yes", False), ("no", True)]


async def test_closed_open_kind_and_missing_polls_refuse_the_whole_batch(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    async with sessions() as session, session.begin():
        await close_poll(session, poll_id, await viewer(session, world, "secretariat"), now(), None)
    outcomes = await write(
        sessions, poll_id, [ballot(world, "chair", poll_id, Choice.YES), ballot(world, "member", poll_id, Choice.NO)]
    )
    assert all(isinstance(outcome, PollNotOpen) for outcome in outcomes)

    show_of_hands = await start_poll(sessions, world, scene.confidential_item_id, PollKind.OPEN)
    (refused,) = await write(sessions, show_of_hands, [ballot(world, "chair", show_of_hands, Choice.YES)])
    assert "Sitzungsleitung" in refused.errors["poll"]  # type: ignore[attr-defined]

    with pytest.raises(NotFound):
        await write(sessions, 999_999, [ballot(world, "chair", 999_999, Choice.YES)])


async def test_votes_arriving_together_share_a_transaction(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    pushed: list[DomainEvent] = []

    async def on_committed(events: list[DomainEvent]) -> None:
        pushed.extend(events)

    box = BallotBox(sessions, on_committed)
    await box.start()
    try:
        # 40 requests at once, 20 for each of the two entitled members: exactly one of each is stored.
        answers = await asyncio.gather(
            *(box.cast(ballot(world, ("chair", "member")[i % 2], poll_id, Choice.YES)) for i in range(40)),
            return_exceptions=True,
        )
    finally:
        await box.stop()
    receipts = [answer for answer in answers if isinstance(answer, Receipt)]
    refusals = [answer for answer in answers if isinstance(answer, AlreadyVoted)]
    assert len(receipts) == 2 and len(refusals) == 38
    assert {receipt.person_id for receipt in receipts} == {world.people["chair"].id, world.people["member"].id}
    assert len(await stored_votes(sessions, poll_id)) == 2
    # The first vote is written alone (nothing else waited yet); the other 39 arrived meanwhile and go together.
    assert box.transactions <= 3
    assert pushed and {event.kind for event in pushed} == {EventKind.VOTE_CAST}


async def test_a_failed_batch_is_written_vote_by_vote(sessions, world, monkeypatch):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)
    real = write_ballots
    failures: list[int] = []

    async def flaky(session: AsyncSession, poll: int, ballots: list[Ballot]) -> list[object]:
        if len(ballots) > 1:
            failures.append(len(ballots))
            raise ConnectionError("the database went away mid-batch")
        return list(await real(session, poll, ballots))

    monkeypatch.setattr(ballot_box_module, "write_ballots", flaky)

    async def ignore(events: list[DomainEvent]) -> None:
        return None

    box = BallotBox(sessions, ignore)
    await box.start()
    try:
        blocker = asyncio.Event()
        # Hold the writer busy with a first vote so that the next two arrive together.
        original = box._write_poll

        async def slow_first(poll: int, group: list) -> None:  # type: ignore[type-arg]
            if not blocker.is_set():
                blocker.set()
                await asyncio.sleep(0.2)
            await original(poll, group)

        monkeypatch.setattr(box, "_write_poll", slow_first)
        first = asyncio.create_task(box.cast(ballot(world, "chair", poll_id, Choice.YES)))
        await blocker.wait()
        member, again = await asyncio.gather(
            box.cast(ballot(world, "member", poll_id, Choice.NO)),
            box.cast(ballot(world, "chair", poll_id, Choice.NO)),
            return_exceptions=True,
        )
        assert isinstance(await first, Receipt)
    finally:
        await box.stop()
    assert failures == [2]
    assert isinstance(member, Receipt)
    assert isinstance(again, AlreadyVoted)
    assert await stored_votes(sessions, poll_id) == {
        world.people["chair"].id: Choice.YES,
        world.people["member"].id: Choice.NO,
    }


async def test_a_stopped_box_writes_what_was_queued_and_then_writes_directly(sessions, world):
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id)

    async def ignore(events: list[DomainEvent]) -> None:
        return None

    box = BallotBox(sessions, ignore)
    await box.start()
    queued = asyncio.create_task(box.cast(ballot(world, "chair", poll_id, Choice.YES)))
    await asyncio.sleep(0)
    await box.stop()
    assert isinstance(await queued, Receipt)
    assert isinstance(await box.cast(ballot(world, "member", poll_id, Choice.NO)), Receipt)
    assert len(await stored_votes(sessions, poll_id)) == 2


async def test_a_batch_costs_the_same_statements_as_a_single_vote(sessions, world):
    """The poll with its meeting, organization, body and item; its share lock; the voters' seats (membership,
    attendance, conflict); the votes; the audit entries: five statements, whether one member votes or many."""
    scene = await build_scene(sessions, world, present=("chair", "member", "other_committee_member"))
    poll_id = await start_poll(sessions, world, scene.item_id)
    with counting_statements() as alone:
        (receipt,) = await write(sessions, poll_id, [ballot(world, "chair", poll_id, Choice.YES)])
    assert isinstance(receipt, Receipt)
    with counting_statements() as together:
        outcomes = await write(
            sessions,
            poll_id,
            [
                ballot(world, "member", poll_id, Choice.NO),
                ballot(world, "other_committee_member", poll_id, Choice.NO),
                ballot(world, "chair", poll_id, Choice.NO),
            ],
        )
    assert [type(outcome) for outcome in outcomes] == [Receipt, NotEntitledToVote, AlreadyVoted]
    assert alone.statements <= 5
    assert together.statements == alone.statements


async def test_two_processes_writing_into_one_secret_poll_do_not_deadlock(sessions, world, backend, monkeypatch):
    """Two app processes' writers add to the same secret poll's totals at once: each must wait for the other,
    not both hold a share lock and then both wait to update the row (PostgreSQL would abort one of them)."""
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time; row locks are PostgreSQL's")
    scene = await build_scene(sessions, world)
    poll_id = await start_poll(sessions, world, scene.item_id, PollKind.SECRET)
    # Both writers meet after taking their lock on the poll (or one gives up waiting after a moment, when the lock
    # keeps the other out), so that both would go on to update the totals while holding it.
    arrived: list[asyncio.Event] = [asyncio.Event(), asyncio.Event()]
    real_build_roll = build_roll

    async def meeting_point(*args: object, **kwargs: object) -> object:
        mine = arrived[0] if not arrived[0].is_set() else arrived[1]
        mine.set()
        other = arrived[1] if mine is arrived[0] else arrived[0]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(other.wait(), timeout=0.5)
        return await real_build_roll(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("council.voting.ballots.build_roll", meeting_point)

    async def writer(persona: str, choice: Choice) -> list[object]:
        async with sessions() as session, session.begin():
            return list(await write_ballots(session, poll_id, [ballot(world, persona, poll_id, choice)]))

    chair, member = await asyncio.wait_for(
        asyncio.gather(writer("chair", Choice.YES), writer("member", Choice.NO)), timeout=30
    )
    assert isinstance(chair[0], Receipt) and isinstance(member[0], Receipt)
    async with sessions() as session:
        poll = await session.get(Poll, poll_id)
    assert poll is not None and (poll.yes, poll.no) == (1, 1)
