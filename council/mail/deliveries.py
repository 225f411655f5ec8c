"""Who receives a meeting's invitation, and the record of each delivery (recipient, time, status, error)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from council.accounts.models import User
from council.bodies.models import MembershipRole
from council.errors import NotFound, ValidationFailed
from council.mail.models import DeliveryStatus, MailDelivery
from council.meetings.attendance import attendances_of, memberships_on_day
from council.meetings.models import InvitationNotice, Meeting
from council.messages import N_

NO_ADDRESS = "Keine E-Mail-Adresse hinterlegt."


@dataclass(frozen=True)
class Recipient:
    person_id: int
    name: str
    email: str | None
    deputy: bool


async def recipients_of(session: AsyncSession, meeting: Meeting) -> list[Recipient]:
    """Every member on the meeting's day, deputies included (they stand in for absent members of their
    faction and need the invitation as much), and anyone already recorded as substituting. ``meeting`` is
    loaded with its organization and body."""
    memberships = await memberships_on_day(session, meeting)
    substitutes = {a.person_id for a in (await attendances_of(session, meeting.id)).values() if a.substitutes_person_id}
    people: dict[int, Recipient] = {}
    person_ids = {m.person_id for m in memberships}
    accounts = {
        user.person_id: user.email
        for user in await session.scalars(select(User).where(User.person_id.in_(person_ids), User.active.is_(True)))
    }
    for membership in sorted(memberships, key=lambda m: (m.role is MembershipRole.DEPUTY, m.person.family_name)):
        person = membership.person
        if person.id in people:
            continue
        deputy = membership.role is MembershipRole.DEPUTY and person.id not in substitutes
        email = (person.email or accounts.get(person.id) or "").strip() or None
        people[person.id] = Recipient(person.id, person.name, email, deputy)
    return list(people.values())


def record_deliveries(session: AsyncSession, notice: InvitationNotice, recipients: list[Recipient]) -> None:
    """One pending delivery per recipient; one without an address has failed already, visibly."""
    for recipient in recipients:
        session.add(
            MailDelivery(
                notice_id=notice.id,
                meeting_id=notice.meeting_id,
                person_id=recipient.person_id,
                recipient=recipient.email,
                status=DeliveryStatus.PENDING if recipient.email else DeliveryStatus.FAILED,
                attempts=0,
                error=None if recipient.email else NO_ADDRESS,
            )
        )


def mark_sent(delivery: MailDelivery, now: dt.datetime) -> None:
    delivery.status = DeliveryStatus.SENT
    delivery.attempts += 1
    delivery.sent_at = now
    delivery.error = None


def mark_failed(delivery: MailDelivery, error: str) -> None:
    delivery.status = DeliveryStatus.FAILED
    delivery.attempts += 1
    delivery.error = error[:2000]


async def deliveries_of(session: AsyncSession, meeting_id: int) -> list[MailDelivery]:
    """Every delivery of the meeting's invitation and supplements, newest sending first."""
    rows = await session.scalars(
        select(MailDelivery)
        .where(MailDelivery.meeting_id == meeting_id, MailDelivery.deleted.is_(False))
        .options(selectinload(MailDelivery.person), selectinload(MailDelivery.notice))
        .order_by(MailDelivery.notice_id.desc(), MailDelivery.id)
    )
    return list(rows)


async def delivery_to_retry(session: AsyncSession, meeting_id: int, delivery_id: int) -> MailDelivery:
    delivery = await session.scalar(
        select(MailDelivery)
        .where(MailDelivery.id == delivery_id, MailDelivery.meeting_id == meeting_id, MailDelivery.deleted.is_(False))
        .options(selectinload(MailDelivery.person), selectinload(MailDelivery.notice))
    )
    if delivery is None:
        raise NotFound("delivery")
    if delivery.status is DeliveryStatus.SENT:
        raise ValidationFailed({"delivery": N_("Diese Nachricht wurde bereits zugestellt.")})
    return delivery
