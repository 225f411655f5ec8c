"""Recording that an invitation (or a supplement to it) went out, and what a supplement has to announce.

The documents context sends the mail and builds the PDF; it checks who may send before calling these.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from council.audit.service import record
from council.bodies.models import Organization
from council.errors import ValidationFailed
from council.events import DomainEvent, EventKind, emit
from council.meetings.models import AgendaChange, AgendaItem, InvitationNotice, Meeting, MeetingState
from council.meetings.states import require_transition, sendable
from council.meetings.supplement import ItemSupplement, agenda_changes_since_invitation
from council.messages import N_

__all__ = ["ItemSupplement", "agenda_changes_since_invitation", "notices_of", "record_invitation_sent"]


async def record_invitation_sent(
    session: AsyncSession, meeting: Meeting, now: dt.datetime, *, actor_user_id: int | None = None
) -> InvitationNotice:
    """The first sending moves the meeting from geplant to eingeladen and sets ``invitation_sent_at``. Every
    later sending is a supplement (Nachtrag): the first time stays, and the agenda changes made so far count
    as announced by it."""
    if not sendable(meeting.state):
        raise ValidationFailed(
            {"state": N_("Eingeladen wird nur zu einer geplanten Sitzung, die noch nicht eröffnet ist.")}
        )
    supplement = meeting.invited
    if not supplement:
        require_transition(meeting.state, MeetingState.INVITED)
        meeting.state = MeetingState.INVITED
        meeting.invitation_sent_at = now
        await _remember_invited_numbers(session, meeting)
    notice = InvitationNotice(meeting_id=meeting.id, sent_at=now, supplement=supplement)
    session.add(notice)
    await session.flush()
    pending = await session.scalars(
        select(AgendaChange).where(AgendaChange.meeting_id == meeting.id, AgendaChange.notice_id.is_(None))
    )
    for change in pending:
        change.notice_id = notice.id
    await session.flush()
    # The caller may have loaded the meeting without its organization; ask for the body directly.
    body_id = await session.scalar(select(Organization.body_id).where(Organization.id == meeting.organization_id))
    record(
        session,
        action="meeting.supplement_sent" if supplement else "meeting.invitation_sent",
        subject_type="meeting",
        subject_id=meeting.id,
        actor_user_id=actor_user_id,
        body_id=body_id,
        data={"notice": notice.id},
        at=now,
    )
    emit(session, DomainEvent(EventKind.MEETING_CHANGED, meeting.id))
    return notice


async def _remember_invited_numbers(session: AsyncSession, meeting: Meeting) -> None:
    """The numbers of the invitation are the ones everybody refers to until the meeting: a Nachtrag names them."""
    items = await session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id, AgendaItem.deleted.is_(False))
    )
    for item in items:
        item.invited_number = item.number


async def notices_of(session: AsyncSession, meeting_id: int) -> list[InvitationNotice]:
    """Every sending, the invitation first."""
    rows = await session.scalars(
        select(InvitationNotice)
        .where(InvitationNotice.meeting_id == meeting_id, InvitationNotice.deleted.is_(False))
        .order_by(InvitationNotice.sent_at, InvitationNotice.id)
    )
    return list(rows)
