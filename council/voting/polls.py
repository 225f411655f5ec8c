"""The life of a poll: created → open → closed → published; cancelled and repeated, both kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from council.accounts.viewer import Viewer
from council.audit.service import record
from council.bodies.models import Body, Organization, RuleSet
from council.errors import NotFound, PermissionDenied, ValidationFailed
from council.events import DomainEvent, EventKind, emit
from council.meetings.models import AgendaItem, Meeting, MeetingState
from council.messages import N_
from council.resolutions.register import register_decision
from council.voting.errors import QuorumNotReached, WrongPollState
from council.voting.models import (
    Poll,
    PollEntitlement,
    PollKind,
    PollState,
    PollSubject,
    SnapshotPhase,
    Vote,
)
from council.voting.roll import Roll, build_roll
from council.voting.rules import (
    Choice,
    ItemResult,
    Majority,
    Outcome,
    Quorum,
    RulePreset,
    Tally,
    check_quorum,
    decide,
    item_result_after_vote,
    item_result_wording,
    preset,
)


def may_conduct(viewer: Viewer, meeting: Meeting) -> bool:
    """The body's secretariat and the organization's chair (or vice chair) run the votes."""
    return viewer.is_secretariat(meeting.organization.body_id) or viewer.chairs(meeting.organization_id)


def require_conduct(viewer: Viewer, meeting: Meeting) -> None:
    if not may_conduct(viewer, meeting):
        raise PermissionDenied("conduct")


def rules_for(poll: Poll, body: Body) -> RulePreset:
    return preset(poll.rule_set or body.rule_set)


def _body(meeting: Meeting) -> Body:
    return meeting.organization.body


def with_context(query: Select[tuple[Poll]]) -> Select[tuple[Poll]]:
    """The poll's meeting, organization, body and item in the poll's own statement: they are many-to-one and
    always there (the vote path used to spend five statements here)."""
    return query.options(
        joinedload(Poll.meeting, innerjoin=True)
        .joinedload(Meeting.organization, innerjoin=True)
        .joinedload(Organization.body, innerjoin=True),
        joinedload(Poll.agenda_item, innerjoin=True),
    )


async def get_poll(session: AsyncSession, poll_id: int, *, lock: bool = False) -> Poll:
    # One statement (see with_context). Only the poll's row is locked, never the body everyone shares.
    query = with_context(select(Poll).where(Poll.id == poll_id, Poll.deleted.is_(False)))
    if lock:
        query = query.with_for_update(of=Poll)
    poll = await session.scalar(query)
    if poll is None:
        raise NotFound("poll")
    return poll


async def meeting_of_poll(session: AsyncSession, poll_id: int) -> int:
    """The poll's meeting, in one query (``get_poll`` loads the meeting, organization, body and item too)."""
    meeting_id = await session.scalar(select(Poll.meeting_id).where(Poll.id == poll_id, Poll.deleted.is_(False)))
    if meeting_id is None:
        raise NotFound("poll")
    return meeting_id


async def polls_of_meeting(session: AsyncSession, meeting_id: int) -> list[Poll]:
    rows = await session.scalars(
        select(Poll)
        .where(Poll.meeting_id == meeting_id, Poll.deleted.is_(False))
        .options(selectinload(Poll.agenda_item))
        .order_by(Poll.id)
    )
    return list(rows)


async def open_poll_of_meeting(session: AsyncSession, meeting_id: int) -> Poll | None:
    poll_id = await session.scalar(select(Poll.id).where(Poll.meeting_id == meeting_id, Poll.state == PollState.OPEN))
    return await get_poll(session, poll_id) if poll_id is not None else None


def _audit(session: AsyncSession, poll: Poll, action: str, viewer: Viewer, **data: object) -> None:
    record(
        session,
        action=action,
        subject_type="poll",
        subject_id=poll.id,
        actor_user_id=viewer.user_id,
        body_id=poll.meeting.organization.body_id,
        data={"state": poll.state.value, **data},
    )


def _changed(session: AsyncSession, poll: Poll) -> None:
    emit(session, DomainEvent(EventKind.POLL_CHANGED, poll.meeting_id, poll.id, poll.agenda_item_id))


@dataclass(frozen=True)
class PollDraft:
    kind: PollKind
    subject: PollSubject
    title: str
    motion_text: str | None = None
    majority: Majority = Majority.SIMPLE
    rule_set: RuleSet | None = None


async def create_poll(
    session: AsyncSession, item: AgendaItem, meeting: Meeting, viewer: Viewer, draft: PollDraft
) -> Poll:
    require_conduct(viewer, meeting)
    if item.meeting_id != meeting.id or item.deleted:
        raise NotFound("agenda item")
    if meeting.state in (MeetingState.CLOSED, MeetingState.CANCELLED):
        raise ValidationFailed({"poll": N_("Die Sitzung ist geschlossen oder abgesagt.")})
    if not draft.title.strip():
        raise ValidationFailed({"title": N_("Bitte geben Sie an, worüber abgestimmt wird.")})
    if draft.subject is PollSubject.MAIN and item.result_kind is not None:
        raise ValidationFailed({"subject": N_("Über diesen Tagesordnungspunkt ist bereits entschieden.")})
    poll = Poll(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        kind=draft.kind,
        subject=draft.subject,
        title=draft.title.strip(),
        motion_text=(draft.motion_text or "").strip() or None,
        majority=draft.majority,
        rule_set=draft.rule_set,
        state=PollState.CREATED,
    )
    session.add(poll)
    await session.flush()
    poll.meeting = meeting
    _audit(session, poll, "poll.created", viewer, kind=poll.kind.value, subject=poll.subject.value, title=poll.title)
    _changed(session, poll)
    return poll


async def _snapshot(session: AsyncSession, poll: Poll, roll: Roll, phase: SnapshotPhase) -> None:
    """One bulk INSERT, not an object per seat: a council of 2,000 entitled members closes its poll in one go."""
    rows = [
        {
            "poll_id": poll.id,
            "phase": phase,
            "person_id": seat.person_id,
            "substitutes_person_id": seat.substitutes_person_id,
            "remote": seat.remote,
        }
        for seat in roll.entitled
    ]
    if rows:
        # With RETURNING, SQLAlchemy sends the rows as a few multi-row INSERTs built from one cached statement
        # ("insertmanyvalues"); without, asyncpg's executemany sends a message per row (2,000 for a big council).
        await session.execute(insert(PollEntitlement).returning(PollEntitlement.person_id), rows)


def quorum_of(roll: Roll, rules: RulePreset) -> Quorum:
    return check_quorum(roll.statutory_seats, len(roll.entitled), len(roll.befangen), rules)


async def open_poll(session: AsyncSession, poll_id: int, viewer: Viewer, now: dt.datetime) -> Poll:
    poll = await get_poll(session, poll_id, lock=True)
    meeting = poll.meeting
    require_conduct(viewer, meeting)
    if poll.state is not PollState.CREATED:
        raise WrongPollState(N_("Nur eine vorbereitete Abstimmung kann geöffnet werden."))
    if meeting.state is not MeetingState.OPENED:
        raise WrongPollState(N_("Abstimmungen sind erst nach Eröffnung der Sitzung möglich."))
    if await open_poll_of_meeting(session, meeting.id) is not None:
        raise WrongPollState(N_("Es läuft bereits eine Abstimmung; bitte schließen Sie sie zuerst."))
    roll = await build_roll(session, meeting, poll.agenda_item_id, now)
    quorum = quorum_of(roll, rules_for(poll, _body(meeting)))
    if not quorum.may_decide:
        raise QuorumNotReached(quorum.explanation)
    poll.state = PollState.OPEN
    poll.opened_at = now
    poll.quorum_flagged = not quorum.reached
    await session.flush()
    await _snapshot(session, poll, roll, SnapshotPhase.OPEN)
    _audit(session, poll, "poll.opened", viewer, entitled=len(roll.entitled), quorum=quorum.explanation)
    _changed(session, poll)
    return poll


async def _tally(session: AsyncSession, poll: Poll, counts: Tally | None, befangen: int) -> Tally:
    if poll.kind is PollKind.OPEN:
        if counts is None:
            raise ValidationFailed({"yes": N_("Bitte tragen Sie die Stimmen ein (Ja, Nein, Enthaltungen).")})
        return Tally(counts.yes, counts.no, counts.abstain, befangen)
    if poll.kind is PollKind.SECRET:
        return Tally(poll.yes, poll.no, poll.abstain, befangen)
    rows = await session.execute(
        select(Vote.choice, func.count()).where(Vote.poll_id == poll.id, Vote.deleted.is_(False)).group_by(Vote.choice)
    )
    by_choice = {choice: count for choice, count in rows.tuples()}
    return Tally(by_choice.get(Choice.YES, 0), by_choice.get(Choice.NO, 0), by_choice.get(Choice.ABSTAIN, 0), befangen)


async def close_poll(
    session: AsyncSession, poll_id: int, viewer: Viewer, now: dt.datetime, counts: Tally | None = None
) -> Poll:
    """Count, decide by the rule set, and for the item's main poll enter the decision into the register.

    The poll row is locked first: votes in flight hold a share lock on it, so every acknowledged vote is
    committed before we count, and every later vote finds the poll closed.
    """
    poll = await get_poll(session, poll_id, lock=True)
    meeting = poll.meeting
    require_conduct(viewer, meeting)
    if poll.state is not PollState.OPEN:
        raise WrongPollState(N_("Nur eine geöffnete Abstimmung kann geschlossen werden."))
    roll = await build_roll(session, meeting, poll.agenda_item_id, now)
    rules = rules_for(poll, _body(meeting))
    quorum = quorum_of(roll, rules)
    tally = await _tally(session, poll, counts, len(roll.befangen))
    if poll.kind is PollKind.OPEN and tally.cast > len(roll.entitled):
        raise ValidationFailed(
            {"yes": N_("Es wurden mehr Stimmen eingetragen, als stimmberechtigte Mitglieder anwesend sind.")}
        )
    outcome = decide(tally, poll.majority, quorum, rules)
    _store_outcome(poll, tally, quorum, outcome, now)
    await session.flush()
    await _snapshot(session, poll, roll, SnapshotPhase.CLOSE)
    _audit(session, poll, "poll.closed", viewer, counts=outcome.counts, adopted=outcome.adopted)
    if poll.subject is PollSubject.MAIN and quorum.may_decide:
        await _decide_item(session, poll, outcome, viewer, now)
    _changed(session, poll)
    return poll


def _store_outcome(poll: Poll, tally: Tally, quorum: Quorum, outcome: Outcome, now: dt.datetime) -> None:
    poll.state = PollState.CLOSED
    poll.closed_at = now
    poll.yes, poll.no, poll.abstain, poll.befangen = tally.yes, tally.no, tally.abstain, tally.befangen
    poll.adopted = outcome.adopted
    poll.wording = outcome.wording
    poll.counts = outcome.counts
    poll.explanation = outcome.explanation
    poll.statutory_seats = quorum.statutory_seats
    poll.present_entitled = quorum.present
    poll.quorum_required = quorum.required
    poll.quorum_flagged = not quorum.reached


async def _decide_item(session: AsyncSession, poll: Poll, outcome: Outcome, viewer: Viewer, now: dt.datetime) -> None:
    amendments_adopted = await session.scalar(
        select(func.count()).where(
            Poll.agenda_item_id == poll.agenda_item_id,
            Poll.subject == PollSubject.AMENDMENT,
            Poll.adopted.is_(True),
            Poll.state.in_([PollState.CLOSED, PollState.PUBLISHED]),
        )
    )
    result = item_result_after_vote(outcome.adopted, amendments_adopted or 0)
    wording = outcome.wording if result is ItemResult.REJECTED else item_result_wording(result)
    if result is not ItemResult.REJECTED:
        # "ungeändert beschlossen (einstimmig bei 5 Enthaltungen angenommen)": both facts belong in the record.
        wording = f"{wording} ({outcome.wording})"
    item = poll.agenda_item
    await register_decision(
        session,
        _body(poll.meeting),
        item,
        result=result,
        wording=wording,
        text=poll.motion_text or item.resolution_text,
        vote_summary=outcome.counts,
        decided_at=now,
        poll_id=poll.id,
        author_user_id=viewer.user_id,
    )
    emit(session, DomainEvent(EventKind.MEETING_CHANGED, poll.meeting_id, poll.id, item.id))


async def publish_poll(session: AsyncSession, poll_id: int, viewer: Viewer, now: dt.datetime) -> Poll:
    """Published polls are part of the public record: counts, and for named polls who voted how."""
    poll = await get_poll(session, poll_id, lock=True)
    require_conduct(viewer, poll.meeting)
    if poll.state is not PollState.CLOSED:
        raise WrongPollState(N_("Nur eine geschlossene Abstimmung kann veröffentlicht werden."))
    poll.state = PollState.PUBLISHED
    poll.published_at = now
    await session.flush()
    _audit(session, poll, "poll.published", viewer)
    _changed(session, poll)
    return poll


async def cancel_poll(session: AsyncSession, poll_id: int, viewer: Viewer, now: dt.datetime, reason: str) -> Poll:
    """A cancelled poll stays on record with what was cast, but counts for nothing."""
    poll = await get_poll(session, poll_id, lock=True)
    require_conduct(viewer, poll.meeting)
    if poll.state not in (PollState.CREATED, PollState.OPEN):
        raise WrongPollState(N_("Eine geschlossene Abstimmung kann nicht mehr abgebrochen werden."))
    if not reason.strip():
        raise ValidationFailed({"reason": N_("Bitte geben Sie den Grund für den Abbruch an.")})
    poll.state = PollState.CANCELLED
    poll.cancelled_at = now
    poll.cancel_reason = reason.strip()
    await session.flush()
    _audit(session, poll, "poll.cancelled", viewer, reason=poll.cancel_reason)
    _changed(session, poll)
    return poll


async def repeat_poll(session: AsyncSession, poll_id: int, viewer: Viewer) -> Poll:
    original = await get_poll(session, poll_id)
    if original.state is not PollState.CANCELLED:
        raise WrongPollState(N_("Wiederholt wird eine abgebrochene Abstimmung."))
    draft = PollDraft(
        original.kind, original.subject, original.title, original.motion_text, original.majority, original.rule_set
    )
    poll = await create_poll(session, original.agenda_item, original.meeting, viewer, draft)
    poll.repeats_poll_id = original.id
    await session.flush()
    return poll
