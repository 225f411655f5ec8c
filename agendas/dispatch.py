"""Sending the invitation (Einladung versenden) and its supplements (Nachtrag), and retrying a failed delivery.

Two steps, so that a crash never loses track of a message: ``start_sending`` checks and records the sending
and one pending delivery per recipient (the caller commits); ``deliver`` then composes and hands each message
to the mail server, recording sent or failed with the reason. A second click on the same form finds the
sending already recorded (the form names how many sendings it saw) and sends nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import anyio
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from agendas.calendar import calendar_of, meeting_event
from agendas.invitation import file_name, render_pdf
from agendas.invitation_mail import Attachments, compose
from agendas.meeting_print import meeting_print
from council.accounts.viewer import Viewer
from council.errors import PermissionDenied, ValidationFailed
from council.mail import transport
from council.mail.deliveries import (
    NO_ADDRESS,
    Recipient,
    delivery_to_retry,
    mark_failed,
    mark_sent,
    recipients_of,
    record_deliveries,
)
from council.mail.models import DeliveryStatus, MailDelivery
from council.mail.transport import MailNotSent
from council.meetings.invitation_state import notices_of, record_invitation_sent
from council.meetings.models import AgendaChange, InvitationNotice, Meeting
from council.meetings.notice_period import days_of_notice, notice_period_days, notice_shortfall
from council.meetings.states import sendable
from council.meetings.supplement import ItemSupplement, agenda_changes_since_invitation
from council.messages import N_
from council.settings import Settings


@dataclass(frozen=True)
class SendingCheck:
    """What the secretariat sees before sending."""

    supplement: bool
    period_days: int
    days_of_notice: int
    shortfall: int
    pending_changes: list[ItemSupplement]
    recipients: list[Recipient]
    notices: int

    @property
    def nothing_to_supplement(self) -> bool:
        return self.supplement and not self.pending_changes


async def sending_check(session: AsyncSession, meeting: Meeting, now: dt.datetime) -> SendingCheck:
    body = meeting.organization.body
    period = notice_period_days(body, meeting.organization)
    pending = (
        await agenda_changes_since_invitation(session, meeting, include_confidential=True, pending_only=True)
        if meeting.invited
        else []
    )
    return SendingCheck(
        supplement=meeting.invited,
        period_days=period,
        days_of_notice=days_of_notice(meeting.start, now, body.timezone),
        shortfall=notice_shortfall(meeting.start, now, body.timezone, period),
        pending_changes=pending,
        recipients=await recipients_of(session, meeting),
        notices=len(await notices_of(session, meeting.id)),
    )


def _require_sendable(meeting: Meeting) -> None:
    if meeting.cancelled:
        raise ValidationFailed({"sending": N_("Die Sitzung ist abgesagt; es wird keine Einladung versandt.")})
    if not sendable(meeting.state):
        raise ValidationFailed(
            {"sending": N_("Die Sitzung ist bereits eröffnet oder geschlossen; es wird keine Einladung mehr versandt.")}
        )


async def start_sending(
    session: AsyncSession,
    meeting: Meeting,
    viewer: Viewer,
    now: dt.datetime,
    *,
    expected_notices: int,
    confirm_short_notice: bool,
) -> InvitationNotice:
    if not viewer.is_secretariat(meeting.organization.body_id):
        raise PermissionDenied("invitation")
    # Take the meeting's row lock (PostgreSQL) or the write lock (SQLite) before reading what was sent:
    # two clicks at once are served one after the other, and the second finds the first one's sending.
    await session.execute(update(Meeting).where(Meeting.id == meeting.id).values(sequence=Meeting.sequence))
    await session.refresh(meeting)
    _require_sendable(meeting)
    check = await sending_check(session, meeting, now)
    if check.notices != expected_notices:
        raise ValidationFailed(
            {
                "sending": N_(
                    "Die Einladung wurde inzwischen versandt; unten steht, an wen. Es wurde nichts erneut gesendet."
                )
            }
        )
    if meeting.start <= now:
        raise ValidationFailed({"sending": N_("Die Sitzung hat schon begonnen; zu ihr wird nicht mehr eingeladen.")})
    if check.nothing_to_supplement:
        raise ValidationFailed(
            {"sending": N_("Die Tagesordnung wurde seit dem letzten Versand nicht geändert; es gibt keinen Nachtrag.")}
        )
    if check.shortfall and not check.supplement and not confirm_short_notice:
        raise ValidationFailed(
            {
                "confirm_short_notice": N_(
                    "Die Ladungsfrist ist nicht eingehalten. Bitte bestätigen Sie, dass trotzdem eingeladen wird "
                    "(etwa als Dringlichkeitssitzung)."
                )
            }
        )
    if not check.recipients:
        raise ValidationFailed(
            {"sending": N_("Das Gremium hat am Sitzungstag keine Mitglieder, die einzuladen wären.")}
        )
    notice = await record_invitation_sent(session, meeting, now, actor_user_id=viewer.user_id)
    record_deliveries(session, notice, check.recipients)
    await session.flush()
    return notice


async def announced_changes(session: AsyncSession, meeting: Meeting, notice: InvitationNotice) -> list[ItemSupplement]:
    """The changes a supplement announced: those recorded against this sending, as the items stand now."""
    item_ids = set(
        await session.scalars(select(AgendaChange.agenda_item_id).where(AgendaChange.notice_id == notice.id))
    )
    entries = await agenda_changes_since_invitation(session, meeting, include_confidential=True)
    return [e for e in entries if e.item_id in item_ids]


async def deliver(
    session: AsyncSession, meeting: Meeting, notice: InvitationNotice, settings: Settings, now: dt.datetime
) -> None:
    """Send every delivery of ``notice`` that has not gone out yet; the caller commits."""
    rows = await session.scalars(
        select(MailDelivery).where(
            MailDelivery.notice_id == notice.id,
            MailDelivery.status == DeliveryStatus.PENDING,
            MailDelivery.deleted.is_(False),
        )
    )
    await _send(session, meeting, notice, list(rows), settings, now)


async def retry(
    session: AsyncSession, meeting: Meeting, viewer: Viewer, delivery_id: int, settings: Settings, now: dt.datetime
) -> MailDelivery:
    """Send one failed (or stuck) delivery again, to the address the person has now."""
    if not viewer.is_secretariat(meeting.organization.body_id):
        raise PermissionDenied("invitation")
    delivery = await delivery_to_retry(session, meeting.id, delivery_id)
    _require_sendable(meeting)
    current = {r.person_id: r for r in await recipients_of(session, meeting)}
    recipient = current.get(delivery.person_id)
    delivery.recipient = recipient.email if recipient else delivery.recipient
    if not delivery.recipient:
        mark_failed(delivery, NO_ADDRESS)
        return delivery
    await _send(session, meeting, delivery.notice, [delivery], settings, now)
    return delivery


async def _send(
    session: AsyncSession,
    meeting: Meeting,
    notice: InvitationNotice,
    deliveries: list[MailDelivery],
    settings: Settings,
    now: dt.datetime,
) -> None:
    if not deliveries:
        return
    document = await meeting_print(session, meeting, public=False, base_url=settings.public_base_url)
    changes = await announced_changes(session, meeting, notice) if notice.supplement else None
    recipients = {r.person_id: r for r in await recipients_of(session, meeting)}
    pdf = await anyio.to_thread.run_sync(lambda: render_pdf(document, printed_at=now))
    for delivery in deliveries:
        recipient = recipients.get(delivery.person_id)
        name = recipient.name if recipient else delivery.person.name
        address = delivery.recipient or ""
        event = meeting_event(
            meeting,
            base_url=settings.public_base_url,
            now=now,
            organizer=settings.mail_from,
            attendees=[(name, address)],
        )
        attachments = Attachments(pdf, file_name(document), calendar_of([event], name=meeting.name, method="REQUEST"))
        message = compose(
            document,
            sender=settings.mail_from,
            recipient=address,
            name=name,
            deputy=bool(recipient and recipient.deputy),
            changes=changes,
            attachments=attachments,
            now=now,
        )
        try:
            await anyio.to_thread.run_sync(transport.deliver, settings, message)
        except MailNotSent as exc:
            mark_failed(delivery, str(exc))
        else:
            mark_sent(delivery, now)
    await session.flush()
