"""Casting votes: from the member's own device, or recorded in the room by the secretariat (roll call)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.audit.service import record, record_many
from council.errors import ValidationFailed
from council.events import DomainEvent, EventKind, emit
from council.messages import N_
from council.voting.errors import AlreadyVoted, NotEntitledToVote, PollNotOpen
from council.voting.models import Poll, PollKind, PollState, SecretBallotReceipt, Vote
from council.voting.polls import get_poll, require_conduct, rules_for
from council.voting.roll import Seat, build_roll, seat_of
from council.voting.rules import AbstentionNotAllowed, Choice


@dataclass(frozen=True)
class Receipt:
    """What the member's screen confirms. A secret ballot's receipt does not repeat the choice."""

    poll_id: int
    person_id: int
    cast_at: dt.datetime
    choice: Choice | None
    changed: bool = False


NO_PERSON = N_("Ihr Konto ist keiner Person zugeordnet, die abstimmen kann.")
SHOW_OF_HANDS = N_("Bei offener Abstimmung erfasst die Sitzungsleitung das Ergebnis.")


def _no_abstention() -> AbstentionNotAllowed:
    return AbstentionNotAllowed({"choice": N_("Stimmenthaltung ist nach der Gemeindeordnung unzulässig.")})


def refusal_of(seat: Seat | None) -> str | None:
    if seat is None:
        return N_("Sie sind in diesem Gremium nicht stimmberechtigt.")
    if seat.befangen:
        return N_("Sie haben sich für diesen Tagesordnungspunkt für befangen erklärt und stimmen nicht mit.")
    if not seat.present:
        return N_("Sie sind nicht als anwesend erfasst. Bitte melden Sie sich bei der Sitzungsleitung an.")
    return None


async def _check(session: AsyncSession, poll: Poll, person_id: int, choice: Choice, now: dt.datetime) -> None:
    if poll.state is not PollState.OPEN:
        raise PollNotOpen()
    if choice is Choice.ABSTAIN and not rules_for(poll, poll.meeting.organization.body).abstention_allowed:
        raise _no_abstention()
    refusal = refusal_of(await seat_of(session, poll.meeting, poll.agenda_item_id, person_id, now))
    if refusal:
        raise NotEntitledToVote(refusal)


async def _lock_open(session: AsyncSession, poll_id: int) -> None:
    """After our row is written, hold a share lock on the poll: a close waits for us, or we see it closed."""
    state = await session.scalar(select(Poll.state).where(Poll.id == poll_id).with_for_update(read=True))
    if state is not PollState.OPEN:
        raise PollNotOpen()


async def _own_ballot(session: AsyncSession, poll_id: int, viewer: Viewer, choice: Choice, now: dt.datetime) -> Poll:
    person_id = _person_of(viewer)
    poll = await get_poll(session, poll_id)
    if poll.kind is PollKind.OPEN:
        raise ValidationFailed({"poll": SHOW_OF_HANDS})
    await _check(session, poll, person_id, choice, now)
    return poll


async def check_ballot(session: AsyncSession, poll_id: int, viewer: Viewer, choice: Choice, now: dt.datetime) -> None:
    """What ``cast_vote`` would refuse, refused before the member confirms: the confirmation step stores nothing."""
    poll = await _own_ballot(session, poll_id, viewer, choice, now)
    assert viewer.person_id is not None
    changeable = poll.kind is PollKind.NAMED and poll.meeting.organization.body.votes_changeable
    if not changeable and await own_vote(session, poll, viewer.person_id) is not None:
        raise AlreadyVoted()


def _person_of(viewer: Viewer) -> int:
    if viewer.person_id is None:
        raise NotEntitledToVote(NO_PERSON)
    return viewer.person_id


def ballot_of(viewer: Viewer, poll_id: int, choice: Choice, now: dt.datetime) -> Ballot:
    """The member's own vote as it arrived; refused at once for an account that is no member's."""
    return Ballot(poll_id, _person_of(viewer), viewer.user_id, choice, now)


async def cast_vote(session: AsyncSession, poll_id: int, viewer: Viewer, choice: Choice, now: dt.datetime) -> Receipt:
    """The member's own vote. One per member and poll, enforced by a unique constraint. (The web app collects
    the votes arriving together in its ballot box and writes them with ``write_ballots`` in one go.)"""
    (outcome,) = await write_ballots(session, poll_id, [ballot_of(viewer, poll_id, choice, now)])
    if isinstance(outcome, ValidationFailed):
        raise outcome
    return outcome


async def record_vote(
    session: AsyncSession, poll_id: int, viewer: Viewer, person_id: int, choice: Choice, now: dt.datetime
) -> Receipt:
    """Roll call: the secretariat records a vote given in the room; it may correct it while the poll is open."""
    poll = await get_poll(session, poll_id)
    require_conduct(viewer, poll.meeting)
    if poll.kind is not PollKind.NAMED:
        raise ValidationFailed({"poll": N_("Stimmen im Saal werden nur bei namentlicher Abstimmung einzeln erfasst.")})
    await _check(session, poll, person_id, choice, now)
    receipt = await _store_in_room(session, poll, person_id, choice, now, recorded_by=viewer.user_id)
    _audit(session, poll, receipt, actor_user_id=viewer.user_id, in_room=viewer.person_id != person_id)
    emit(session, DomainEvent(EventKind.VOTE_CAST, poll.meeting_id, poll.id, poll.agenda_item_id))
    return receipt


async def _store_in_room(
    session: AsyncSession, poll: Poll, person_id: int, choice: Choice, now: dt.datetime, *, recorded_by: int | None
) -> Receipt:
    """A vote given in the room; recorded again while the poll is open, it corrects the earlier entry."""
    existing = await session.scalar(select(Vote).where(Vote.poll_id == poll.id, Vote.person_id == person_id))
    if existing is not None:
        existing.choice, existing.cast_at, existing.recorded_by_user_id = choice, now, recorded_by
        await session.flush()
        await _lock_open(session, poll.id)
        return Receipt(poll.id, person_id, now, choice, changed=True)
    session.add(Vote(poll_id=poll.id, person_id=person_id, choice=choice, cast_at=now, recorded_by_user_id=recorded_by))
    try:
        await session.flush()
    except IntegrityError as exc:
        # The member's own device and the roll call at once: the database lets exactly one through.
        raise AlreadyVoted() from exc
    await _lock_open(session, poll.id)
    return Receipt(poll.id, person_id, now, choice)


def _audit(session: AsyncSession, poll: Poll, receipt: Receipt, *, actor_user_id: int | None, in_room: bool) -> None:
    record(session, **_audit_entry(poll, receipt, actor_user_id=actor_user_id, in_room=in_room))


def _audit_entry(poll: Poll, receipt: Receipt, *, actor_user_id: int | None, in_room: bool) -> dict[str, Any]:
    """The vote in the audit log; for a secret poll without the choice."""
    data: dict[str, object] = {"person_id": receipt.person_id, "in_room": in_room}
    if poll.kind is not PollKind.SECRET:
        data["choice"] = receipt.choice.value if receipt.choice else None
        data["changed"] = receipt.changed
    return {
        "action": "vote.cast",
        "subject_type": "poll",
        "subject_id": poll.id,
        "actor_user_id": actor_user_id,
        "body_id": poll.meeting.organization.body_id,
        "data": data,
        "at": receipt.cast_at,
    }


async def voted_person_ids(session: AsyncSession, poll: Poll) -> set[int]:
    model = SecretBallotReceipt if poll.kind is PollKind.SECRET else Vote
    return set(await session.scalars(select(model.person_id).where(model.poll_id == poll.id)))


async def votes_cast(session: AsyncSession, poll: Poll) -> int:
    model = SecretBallotReceipt if poll.kind is PollKind.SECRET else Vote
    return await session.scalar(select(func.count()).select_from(model).where(model.poll_id == poll.id)) or 0


async def named_votes(session: AsyncSession, poll: Poll) -> list[Vote]:
    if poll.kind is not PollKind.NAMED:
        return []
    rows = await session.scalars(select(Vote).where(Vote.poll_id == poll.id).order_by(Vote.person_id))
    return list(rows)


async def own_vote(session: AsyncSession, poll: Poll, person_id: int) -> Receipt | None:
    """The member's receipt on their screen (secret: only that they voted)."""
    if poll.kind is PollKind.SECRET:
        voted = await session.scalar(
            select(SecretBallotReceipt.id).where(
                SecretBallotReceipt.poll_id == poll.id, SecretBallotReceipt.person_id == person_id
            )
        )
        return Receipt(poll.id, person_id, poll.opened_at or poll.created, None) if voted else None
    vote = await session.scalar(select(Vote).where(Vote.poll_id == poll.id, Vote.person_id == person_id))
    return Receipt(poll.id, person_id, vote.cast_at, vote.choice) if vote else None


@dataclass(frozen=True)
class Ballot:
    """One member's own vote as it arrived: who cast it (their account) and when."""

    poll_id: int
    person_id: int
    user_id: int | None
    choice: Choice
    cast_at: dt.datetime


Outcome = Receipt | ValidationFailed


def _insert(session: AsyncSession, table: Table) -> postgresql.Insert | sqlite.Insert:
    """INSERT … ON CONFLICT DO NOTHING in the dialect at hand: a second vote is skipped, not an error."""
    dialect = session.get_bind().dialect.name
    statement = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    return statement.on_conflict_do_nothing(index_elements=["poll_id", "person_id"])


async def write_ballots(session: AsyncSession, poll_id: int, ballots: Sequence[Ballot]) -> list[Outcome]:
    """Checks and stores the ballots of one poll in the session's transaction; the caller commits.

    Returns one outcome per ballot, in order: its receipt, or why it was refused. The checks are those of
    ``cast_vote``, made once for all: the poll exists, members vote on it themselves, it is open (held open by a
    lock on the poll until the commit, so a close waits for these votes or they see it closed), abstention is allowed,
    and each voter holds a seat, is present and not befangen. The first ballot of a member wins; a later one in
    the same batch, or one already stored, is refused (unless the body lets members change their vote).
    """
    if not ballots:
        return []
    poll = await get_poll(session, poll_id)
    if poll.kind is PollKind.OPEN:
        return [ValidationFailed({"poll": SHOW_OF_HANDS}) for _ in ballots]
    # Named polls: a share lock, so that the writers of several app processes go in side by side. Secret polls
    # update the totals on the poll's row: there each writer takes the row for itself, or two holding a share lock
    # would each wait for the other to update it (a deadlock).
    locked = select(Poll.state).where(Poll.id == poll_id).with_for_update(read=poll.kind is not PollKind.SECRET)
    state = await session.scalar(locked)
    if state is not PollState.OPEN:
        return [PollNotOpen() for _ in ballots]

    body = poll.meeting.organization.body
    abstention_allowed = rules_for(poll, body).abstention_allowed
    persons = {ballot.person_id for ballot in ballots}
    moment = max(ballot.cast_at for ballot in ballots)
    roll = await build_roll(session, poll.meeting, poll.agenda_item_id, moment, person_ids=persons)

    outcomes: list[Outcome | None] = [None] * len(ballots)
    # Where the body lets members change their vote, a later ballot of the same member changes the earlier one,
    # as if each had been written on its own; otherwise the first ballot is stored and the later ones refused.
    changeable = poll.kind is PollKind.NAMED and body.votes_changeable
    accepted: dict[int, list[int]] = {}  # person -> indexes of their ballots, in order; the last one is stored
    for index, ballot in enumerate(ballots):
        if ballot.choice is Choice.ABSTAIN and not abstention_allowed:
            outcomes[index] = _no_abstention()
        elif (refusal := refusal_of(roll.seat_of(ballot.person_id))) is not None:
            outcomes[index] = NotEntitledToVote(refusal)
        elif ballot.person_id in accepted and not changeable:
            outcomes[index] = AlreadyVoted()
        else:
            accepted.setdefault(ballot.person_id, []).append(index)

    chosen = sorted((ballots[indexes[-1]] for indexes in accepted.values()), key=lambda ballot: ballot.person_id)
    if poll.kind is PollKind.SECRET:
        stored = await _store_secret(session, poll, chosen)
        changed: set[int] = set()
    else:
        stored, changed = await _store_named(session, poll, chosen, changeable=changeable)

    secret = poll.kind is PollKind.SECRET
    entries: list[dict[str, Any]] = []
    for person_id, indexes in accepted.items():
        if person_id not in stored:
            for index in indexes:
                outcomes[index] = AlreadyVoted()
            continue
        for position, index in enumerate(indexes):
            ballot = ballots[index]
            was_changed = position > 0 or person_id in changed
            receipt = Receipt(poll.id, person_id, ballot.cast_at, None if secret else ballot.choice, was_changed)
            outcomes[index] = receipt
            entries.append(_audit_entry(poll, receipt, actor_user_id=ballot.user_id, in_room=False))
    await record_many(session, entries)
    if stored:
        emit(session, DomainEvent(EventKind.VOTE_CAST, poll.meeting_id, poll.id, poll.agenda_item_id))
    await session.flush()
    return [outcome for outcome in outcomes if outcome is not None]


async def _store_named(
    session: AsyncSession, poll: Poll, ballots: list[Ballot], *, changeable: bool
) -> tuple[set[int], set[int]]:
    """(persons stored, of those the ones whose earlier vote was changed)."""
    changed: set[int] = set()
    if changeable and ballots:
        persons = [ballot.person_id for ballot in ballots]
        existing = {
            vote.person_id: vote
            for vote in await session.scalars(select(Vote).where(Vote.poll_id == poll.id, Vote.person_id.in_(persons)))
        }
        for ballot in ballots:
            vote = existing.get(ballot.person_id)
            if vote is not None:
                vote.choice, vote.cast_at, vote.recorded_by_user_id = ballot.choice, ballot.cast_at, None
                changed.add(ballot.person_id)
        await session.flush()
        ballots = [ballot for ballot in ballots if ballot.person_id not in changed]
    if not ballots:
        return changed, changed
    rows = [
        {
            "poll_id": poll.id,
            "person_id": ballot.person_id,
            "choice": ballot.choice,
            "cast_at": ballot.cast_at,
            "recorded_by_user_id": None,
            "created": ballot.cast_at,
            "modified": ballot.cast_at,
            "deleted": False,
        }
        for ballot in ballots
    ]
    table = Vote.__table__
    assert isinstance(table, Table)
    # Executed with the rows as parameters: SQLAlchemy sends them as multi-row INSERTs built from one cached
    # statement (insertmanyvalues), where .values(rows) would compile a statement of its own for every batch.
    inserted = await session.execute(_insert(session, table).returning(table.c.person_id), rows)
    return set(inserted.scalars()) | changed, changed


async def _store_secret(session: AsyncSession, poll: Poll, ballots: list[Ballot]) -> set[int]:
    """Who voted into the receipts, the choices only into the poll's totals: one UPDATE for the whole batch."""
    if not ballots:
        return set()
    table = SecretBallotReceipt.__table__
    assert isinstance(table, Table)
    rows = [{"poll_id": poll.id, "person_id": ballot.person_id} for ballot in ballots]
    inserted = set((await session.execute(_insert(session, table).returning(table.c.person_id), rows)).scalars())
    counted = [ballot.choice for ballot in ballots if ballot.person_id in inserted]
    increments = {
        column.key: column + counted.count(choice)
        for choice, column in ((Choice.YES, Poll.yes), (Choice.NO, Poll.no), (Choice.ABSTAIN, Poll.abstain))
        if counted.count(choice)
    }
    if increments:
        # We hold the poll's row and it is open: the increment cannot miss a close.
        await session.execute(update(Poll).where(Poll.id == poll.id).values(increments))
    return inserted
