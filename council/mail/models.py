"""MailDelivery: one message of an invitation or supplement to one recipient, and how it went."""

from __future__ import annotations

import datetime as dt
import enum

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.bodies.models import Person
from council.db import Record
from council.meetings.models import InvitationNotice
from council.types import enum_type


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # recorded, not yet handed to the mail server
    SENT = "sent"  # accepted by the mail server
    FAILED = "failed"  # refused, unreachable, or no address to send to


class MailDelivery(Record):
    __tablename__ = "mail_delivery"

    notice_id: Mapped[int] = mapped_column(ForeignKey("invitation_notice.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    # The address as it was when the message went out (None: the person has none, the delivery failed).
    recipient: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[DeliveryStatus] = mapped_column(enum_type(DeliveryStatus, "delivery_status"))
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)

    notice: Mapped[InvitationNotice] = relationship()
    person: Mapped[Person] = relationship()

    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_with_time"),
    )
