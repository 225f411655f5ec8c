"""On request, a member's own vote in a show of hands is recorded in the minutes, by name."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import msgspec
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from council.accounts.viewer import Viewer
from council.audit.service import record
from council.errors import NotFound, PermissionDenied, ValidationFailed
from council.meetings.models import Meeting
from council.messages import N_
from council.minutes.access import load_meeting_for_minutes, minutes_of, require
from council.minutes.document import ItemRecord, from_json, to_json
from council.minutes.draft import vote_notes_of_item
from council.minutes.models import Minutes, VoteRecordRequest
from council.minutes.rules import Action, vote_record_problem
from council.voting.models import Poll, PollEntitlement, PollKind, PollState, SnapshotPhase
from council.voting.rules import Choice


@dataclass(frozen=True)
class RecordablePoll:
    poll: Poll
    item_number: str
    item_title: str


async def recordable_polls(
    session: AsyncSession, meeting: Meeting, person_id: int | None = None
) -> list[RecordablePoll]:
    """Shows of hands with a result; with ``person_id`` only those the person voted in (entitled at the close)."""
    query = (
        select(Poll)
        .where(
            Poll.meeting_id == meeting.id,
            Poll.kind == PollKind.OPEN,
            Poll.state.in_([PollState.CLOSED, PollState.PUBLISHED]),
            Poll.deleted.is_(False),
        )
        .options(selectinload(Poll.agenda_item))
        .order_by(Poll.id)
    )
    if person_id is not None:
        query = query.join(
            PollEntitlement,
            (PollEntitlement.poll_id == Poll.id)
            & (PollEntitlement.phase == SnapshotPhase.CLOSE)
            & (PollEntitlement.person_id == person_id),
        )
    return [RecordablePoll(p, p.agenda_item.number, p.agenda_item.title) for p in await session.scalars(query)]


async def requests_of_meeting(session: AsyncSession, meeting_id: int) -> list[VoteRecordRequest]:
    rows = await session.scalars(
        select(VoteRecordRequest)
        .join(Poll, VoteRecordRequest.poll_id == Poll.id)
        .where(Poll.meeting_id == meeting_id, VoteRecordRequest.deleted.is_(False))
        .options(selectinload(VoteRecordRequest.person))
        .order_by(VoteRecordRequest.requested_at, VoteRecordRequest.id)
    )
    return list(rows)


async def _refresh_notes(session: AsyncSession, minutes: Minutes | None, agenda_item_id: int) -> None:
    """Put the item's vote notes into the draft at once; nothing else of the draft changes."""
    if minutes is None:
        return
    row = next((r for r in minutes.items if r.agenda_item_id == agenda_item_id), None)
    if row is None:
        return
    notes = await vote_notes_of_item(session, agenda_item_id)
    row.generated = to_json(msgspec.structs.replace(from_json(row.generated, ItemRecord), vote_notes=notes))
    await session.flush()


def _audit(session: AsyncSession, meeting: Meeting, viewer: Viewer, action: str, request: VoteRecordRequest) -> None:
    record(
        session,
        action=f"minutes.vote_record_{action}",
        subject_type="poll",
        subject_id=request.poll_id,
        actor_user_id=viewer.user_id,
        body_id=meeting.organization.body_id,
        data={"person_id": request.person_id, "choice": request.choice.value},
    )


async def request_vote_record(
    session: AsyncSession,
    meeting_id: int,
    viewer: Viewer,
    poll_id: int,
    person_id: int,
    choice: Choice,
    now: dt.datetime,
) -> VoteRecordRequest:
    meeting = await load_meeting_for_minutes(session, meeting_id)
    minutes = await minutes_of(session, meeting_id, lock=True)
    own = person_id == viewer.person_id
    require(Action.RECORD_OWN_VOTE if own else Action.RECORD_VOTE_FOR_MEMBER, viewer, meeting, minutes)
    poll = await session.get(Poll, poll_id)
    if poll is None or poll.deleted or poll.meeting_id != meeting.id:
        raise ValidationFailed({"poll": N_("Bitte wählen Sie eine Abstimmung dieser Sitzung.")})
    entitled = await session.scalar(
        select(PollEntitlement.person_id).where(
            PollEntitlement.poll_id == poll.id,
            PollEntitlement.phase == SnapshotPhase.CLOSE,
            PollEntitlement.person_id == person_id,
        )
    )
    others = Counter(
        await session.scalars(
            select(VoteRecordRequest.choice).where(
                VoteRecordRequest.poll_id == poll.id, VoteRecordRequest.person_id != person_id
            )
        )
    )
    problem = vote_record_problem(
        poll_is_open_kind=poll.kind is PollKind.OPEN,
        poll_has_result=poll.has_result,
        was_entitled=entitled is not None,
        choice=choice,
        counted={Choice.YES: poll.yes, Choice.NO: poll.no, Choice.ABSTAIN: poll.abstain},
        already_recorded=others,
    )
    if problem:
        raise ValidationFailed({"choice": problem})
    request = VoteRecordRequest(
        poll_id=poll.id,
        person_id=person_id,
        choice=choice,
        requested_at=now,
        recorded_by_user_id=None if own else viewer.user_id,
    )
    session.add(request)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise ValidationFailed({"poll": N_("Für diese Abstimmung ist die Stimme bereits festgehalten.")}) from exc
    await _refresh_notes(session, minutes, poll.agenda_item_id)
    _audit(session, meeting, viewer, "requested", request)
    return request


async def withdraw_vote_record(session: AsyncSession, meeting_id: int, viewer: Viewer, request_id: int) -> None:
    """The member takes the request back, or the secretariat removes one it noted wrongly (until frozen)."""
    meeting = await load_meeting_for_minutes(session, meeting_id)
    minutes = await minutes_of(session, meeting_id, lock=True)
    request = await session.scalar(
        select(VoteRecordRequest)
        .join(Poll, VoteRecordRequest.poll_id == Poll.id)
        .where(VoteRecordRequest.id == request_id, Poll.meeting_id == meeting.id)
    )
    if request is None:
        raise NotFound("vote record")
    own = request.person_id == viewer.person_id
    try:
        require(Action.RECORD_OWN_VOTE if own else Action.RECORD_VOTE_FOR_MEMBER, viewer, meeting, minutes)
    except PermissionDenied:
        raise NotFound("vote record") from None
    poll = await session.get(Poll, request.poll_id)
    assert poll is not None
    _audit(session, meeting, viewer, "withdrawn", request)
    await session.execute(delete(VoteRecordRequest).where(VoteRecordRequest.id == request.id))
    await _refresh_notes(session, minutes, poll.agenda_item_id)
