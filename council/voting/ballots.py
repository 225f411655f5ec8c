"""Casting votes: from the member's own device, or recorded in the room by the secretariat (roll call)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.audit.service import record
from council.errors import ValidationFailed
from council.events import DomainEvent, EventKind, emit
from council.messages import N_
from council.voting.errors import AlreadyVoted, NotEntitledToVote, PollNotOpen
from council.voting.models import Poll, PollKind, PollState, SecretBallotReceipt, Vote
from council.voting.polls import get_poll, require_conduct, rules_for
from council.voting.roll import Seat, seat_of
from council.voting.rules import AbstentionNotAllowed, Choice


@dataclass(frozen=True)
class Receipt:
    """What the member's screen confirms. A secret ballot's receipt does not repeat the choice."""

    poll_id: int
    person_id: int
    cast_at: dt.datetime
    choice: Choice | None
    changed: bool = False


def _refusal(seat: Seat | None) -> str | None:
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
        raise AbstentionNotAllowed({"choice": N_("Stimmenthaltung ist nach der Gemeindeordnung unzulässig.")})
    refusal = _refusal(await seat_of(session, poll.meeting, poll.agenda_item_id, person_id, now))
    if refusal:
        raise NotEntitledToVote(refusal)


async def _lock_open(session: AsyncSession, poll_id: int) -> None:
    """After our row is written, hold a share lock on the poll: a close waits for us, or we see it closed."""
    state = await session.scalar(select(Poll.state).where(Poll.id == poll_id).with_for_update(read=True))
    if state is not PollState.OPEN:
        raise PollNotOpen()


async def _own_ballot(session: AsyncSession, poll_id: int, viewer: Viewer, choice: Choice, now: dt.datetime) -> Poll:
    if viewer.person_id is None:
        raise NotEntitledToVote(N_("Ihr Konto ist keiner Person zugeordnet, die abstimmen kann."))
    poll = await get_poll(session, poll_id)
    if poll.kind is PollKind.OPEN:
        raise ValidationFailed({"poll": N_("Bei offener Abstimmung erfasst die Sitzungsleitung das Ergebnis.")})
    await _check(session, poll, viewer.person_id, choice, now)
    return poll


async def check_ballot(session: AsyncSession, poll_id: int, viewer: Viewer, choice: Choice, now: dt.datetime) -> None:
    """What ``cast_vote`` would refuse, refused before the member confirms: the confirmation step stores nothing."""
    poll = await _own_ballot(session, poll_id, viewer, choice, now)
    assert viewer.person_id is not None
    changeable = poll.kind is PollKind.NAMED and poll.meeting.organization.body.votes_changeable
    if not changeable and await own_vote(session, poll, viewer.person_id) is not None:
        raise AlreadyVoted()


async def cast_vote(session: AsyncSession, poll_id: int, viewer: Viewer, choice: Choice, now: dt.datetime) -> Receipt:
    """The member's own vote. One per member and poll, enforced by a unique constraint."""
    poll = await _own_ballot(session, poll_id, viewer, choice, now)
    assert viewer.person_id is not None
    receipt = await _store(session, poll, viewer.person_id, choice, now, recorded_by=None)
    _audit(session, poll, viewer, viewer.person_id, receipt)
    return receipt


async def record_vote(
    session: AsyncSession, poll_id: int, viewer: Viewer, person_id: int, choice: Choice, now: dt.datetime
) -> Receipt:
    """Roll call: the secretariat records a vote given in the room; it may correct it while the poll is open."""
    poll = await get_poll(session, poll_id)
    require_conduct(viewer, poll.meeting)
    if poll.kind is not PollKind.NAMED:
        raise ValidationFailed({"poll": N_("Stimmen im Saal werden nur bei namentlicher Abstimmung einzeln erfasst.")})
    await _check(session, poll, person_id, choice, now)
    receipt = await _store(session, poll, person_id, choice, now, recorded_by=viewer.user_id, correctable=True)
    _audit(session, poll, viewer, person_id, receipt)
    return receipt


async def _store(
    session: AsyncSession,
    poll: Poll,
    person_id: int,
    choice: Choice,
    now: dt.datetime,
    *,
    recorded_by: int | None,
    correctable: bool = False,
) -> Receipt:
    if poll.kind is PollKind.SECRET:
        await _store_secret(session, poll, person_id, choice)
        return Receipt(poll.id, person_id, now, None)
    changeable = correctable or poll.meeting.organization.body.votes_changeable
    # Without changes allowed there is nothing to look up first: the unique constraint refuses a second vote.
    existing = (
        await session.scalar(select(Vote).where(Vote.poll_id == poll.id, Vote.person_id == person_id))
        if changeable
        else None
    )
    if existing is not None:
        existing.choice, existing.cast_at, existing.recorded_by_user_id = choice, now, recorded_by
        await session.flush()
        await _lock_open(session, poll.id)
        return Receipt(poll.id, person_id, now, choice, changed=True)
    session.add(Vote(poll_id=poll.id, person_id=person_id, choice=choice, cast_at=now, recorded_by_user_id=recorded_by))
    try:
        await session.flush()
    except IntegrityError as exc:
        # Two requests for the same member at once: the database lets exactly one through.
        raise AlreadyVoted() from exc
    await _lock_open(session, poll.id)
    return Receipt(poll.id, person_id, now, choice)


async def _store_secret(session: AsyncSession, poll: Poll, person_id: int, choice: Choice) -> None:
    """Who voted goes into the receipts table, the choice only into the poll's totals: nothing links the two."""
    session.add(SecretBallotReceipt(poll_id=poll.id, person_id=person_id))
    try:
        await session.flush()
    except IntegrityError as exc:
        raise AlreadyVoted() from exc
    column = {Choice.YES: Poll.yes, Choice.NO: Poll.no, Choice.ABSTAIN: Poll.abstain}[choice]
    # The increment also takes the poll's row lock, which keeps a concurrent close waiting for us.
    result = await session.execute(
        update(Poll)
        .where(Poll.id == poll.id, Poll.state == PollState.OPEN)
        .values({column.key: column + 1})
        .returning(Poll.id)
    )
    if result.scalar_one_or_none() is None:
        raise PollNotOpen()


def _audit(session: AsyncSession, poll: Poll, viewer: Viewer, person_id: int, receipt: Receipt) -> None:
    data: dict[str, object] = {"person_id": person_id, "in_room": viewer.person_id != person_id}
    if poll.kind is not PollKind.SECRET:
        data["choice"] = receipt.choice.value if receipt.choice else None
        data["changed"] = receipt.changed
    record(
        session,
        action="vote.cast",
        subject_type="poll",
        subject_id=poll.id,
        actor_user_id=viewer.user_id,
        body_id=poll.meeting.organization.body_id,
        data=data,
        at=receipt.cast_at,
    )
    emit(session, DomainEvent(EventKind.VOTE_CAST, poll.meeting_id, poll.id, poll.agenda_item_id))


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
