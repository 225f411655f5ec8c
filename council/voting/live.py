"""What the live screens show: the poll under way (or the last result), progress and quorum."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from council.meetings.attendance import load_meeting
from council.meetings.models import AgendaItem, Meeting
from council.meetings.room_media import CurrentItem, called_item
from council.voting.ballots import votes_cast
from council.voting.models import Poll, PollKind, PollState, SecretBallotReceipt, Vote
from council.voting.polls import quorum_of, rules_for, with_context
from council.voting.roll import Roll, build_roll
from council.voting.rules import Quorum, preset


@dataclass(frozen=True)
class LiveState:
    meeting: Meeting
    poll: Poll | None
    item: AgendaItem | None
    cast: int
    entitled: int
    roll: Roll
    quorum: Quorum
    current: CurrentItem | None = None  # the item the chair has called in the meeting room

    @property
    def progress(self) -> str:
        return f"{self.cast} von {self.entitled} haben abgestimmt"


async def _current_poll(session: AsyncSession, meeting: Meeting, include_confidential: bool) -> Poll | None:
    """The open poll, else the latest result (one statement); the public only ever sees polls on public items."""
    query = (
        select(Poll)
        .join(AgendaItem, AgendaItem.id == Poll.agenda_item_id)
        .where(
            Poll.meeting_id == meeting.id,
            Poll.deleted.is_(False),
            Poll.state.not_in([PollState.CANCELLED, PollState.CREATED]),
        )
    )
    if not include_confidential:
        query = query.where(AgendaItem.public.is_(True))
    query = query.order_by(case((Poll.state == PollState.OPEN, 0), else_=1), Poll.id.desc()).limit(1)
    poll: Poll | None = await session.scalar(with_context(query))
    return poll


async def live_state(
    session: AsyncSession,
    meeting_id: int,
    *,
    include_confidential: bool,
    now: dt.datetime,
    meeting: Meeting | None = None,
) -> LiveState:
    """``meeting``, when the caller has loaded it already (with ``load_meeting``), is not loaded again."""
    if meeting is None or meeting.id != meeting_id:
        meeting = await load_meeting(session, meeting_id)
    poll = await _current_poll(session, meeting, include_confidential)
    item = poll.agenda_item if poll else None
    roll = await build_roll(session, meeting, item.id if item else None, now)
    rules = rules_for(poll, meeting.organization.body) if poll else preset(meeting.organization.body.rule_set)
    quorum = quorum_of(roll, rules)
    cast = await votes_cast(session, poll) if poll and poll.is_open else 0
    current = called_item(meeting, confidential=include_confidential)
    return LiveState(meeting, poll, item, cast, len(roll.entitled), roll, quorum, current)


async def with_fresh_progress(session: AsyncSession, state: LiveState) -> LiveState | None:
    """``state`` with only the number of votes counted again (one statement), or None when that is not enough:
    a vote changes nothing but that number, while attendance, conflicts and the poll's state change the roll."""
    poll = state.poll
    if poll is None or not poll.is_open:
        return None
    model = SecretBallotReceipt if poll.kind is PollKind.SECRET else Vote
    cast = select(func.count()).select_from(model).where(model.poll_id == poll.id).scalar_subquery()
    # The poll's state in the same statement: closed meanwhile (by another app process, say), the whole state is
    # read again, so that no screen goes back from the result to the progress.
    row = (await session.execute(select(Poll.state, cast).where(Poll.id == poll.id))).first()
    if row is None or row[0] is not PollState.OPEN:
        return None
    return dataclasses.replace(state, cast=int(row[1]))


async def open_poll_cast(session: AsyncSession, meeting_id: int) -> int | None:
    """How many have voted so far in the meeting's open poll, on a non-public item too; None when none is open.

    One statement: it is what a vote changes on the screens of members and the chair (see web.live)."""
    votes = select(func.count()).select_from(Vote).where(Vote.poll_id == Poll.id).scalar_subquery()
    receipts = (
        select(func.count()).select_from(SecretBallotReceipt).where(SecretBallotReceipt.poll_id == Poll.id)
    ).scalar_subquery()
    query = select(Poll.kind, votes, receipts).where(
        Poll.meeting_id == meeting_id, Poll.deleted.is_(False), Poll.state == PollState.OPEN
    )
    row = (await session.execute(query.order_by(Poll.id.desc()).limit(1))).first()
    if row is None:
        return None
    return int(row[2] if row[0] is PollKind.SECRET else row[1])
