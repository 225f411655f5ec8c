"""Minutes, their per-item texts, the frozen versions, signatures, and members' requests to record their vote."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.bodies.models import Person
from council.db import Record, utcnow
from council.meetings.models import AgendaItem, Meeting
from council.types import enum_type
from council.voting.rules import Choice


class MinutesState(enum.StrEnum):
    DRAFT = "draft"  # Entwurf: the secretariat writes
    SUBMITTED = "submitted"  # zur Genehmigung: frozen, sent to the members
    APPROVED = "approved"  # genehmigt


class ApprovalVia(enum.StrEnum):
    MEETING = "meeting"  # at the item "Genehmigung der Niederschrift" of a later meeting
    CHAIR = "chair"  # by the chair, where the rules of procedure allow it


class SignatureRole(enum.StrEnum):
    CHAIR = "chair"  # Vorsitz
    CLERK = "clerk"  # Schriftführung


class Minutes(Record):
    """The working copy of a meeting's minutes. Submitting freezes it into a MinutesVersion."""

    __tablename__ = "minutes"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="RESTRICT"), unique=True)
    state: Mapped[MinutesState] = mapped_column(enum_type(MinutesState, "minutes_state"), default=MinutesState.DRAFT)
    chair_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    clerk_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    # Administration, guests: people who are not members and so not in the attendance.
    other_attendees: Mapped[str | None] = mapped_column(Text)
    # The generated header (attendance, times, place), replaced on every regeneration.
    header: Mapped[dict[str, Any]] = mapped_column(JSON)
    generated_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    # Optimistic concurrency for the header form: every save must name the revision it started from.
    revision: Mapped[int] = mapped_column(default=1)
    # Why approved minutes were opened again (Berichtigung); carried into the next version.
    correction_reason: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship()
    chair: Mapped[Person | None] = relationship(foreign_keys=[chair_person_id])
    clerk: Mapped[Person | None] = relationship(foreign_keys=[clerk_person_id])
    items: Mapped[list[MinutesItem]] = relationship(back_populates="minutes", order_by="MinutesItem.position")
    versions: Mapped[list[MinutesVersion]] = relationship(back_populates="minutes", order_by="MinutesVersion.number")

    __table_args__ = (
        CheckConstraint("revision > 0", name="revision_positive"),
        CheckConstraint(
            "chair_person_id IS NULL OR clerk_person_id IS NULL OR chair_person_id <> clerk_person_id",
            name="chair_is_not_clerk",
        ),
    )


class MinutesItem(Record):
    """One agenda item in the minutes: the generated record and the secretariat's deliberation summary."""

    __tablename__ = "minutes_item"

    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column()
    generated: Mapped[dict[str, Any]] = mapped_column(JSON)
    deliberation: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(default=1)
    # False once the item has left the agenda: the row stays so that no written text is lost.
    on_agenda: Mapped[bool] = mapped_column(default=True)

    minutes: Mapped[Minutes] = relationship(back_populates="items")
    agenda_item: Mapped[AgendaItem] = relationship()

    __table_args__ = (
        UniqueConstraint("minutes_id", "agenda_item_id"),
        CheckConstraint("revision > 0", name="revision_positive"),
    )


class MinutesVersion(Record):
    """A frozen Fassung: what was submitted for approval, and once approved, what was approved and signed."""

    __tablename__ = "minutes_version"

    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int] = mapped_column()
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    # sha256 of the canonical JSON of ``content``; signatures name it.
    content_hash: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    submitted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    approved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    approval_via: Mapped[ApprovalVia | None] = mapped_column(enum_type(ApprovalVia, "approval_via"))
    approval_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="RESTRICT"), index=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    minutes: Mapped[Minutes] = relationship(back_populates="versions")
    signatures: Mapped[list[MinutesSignature]] = relationship(
        back_populates="version", order_by="MinutesSignature.signed_at"
    )

    __table_args__ = (
        UniqueConstraint("minutes_id", "number"),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint("length(content_hash) = 64", name="hash_is_sha256"),
        CheckConstraint("(approved_at IS NULL) = (approval_via IS NULL)", name="approved_has_way"),
        CheckConstraint("(approval_via = 'meeting') = (approval_item_id IS NOT NULL)", name="meeting_names_item"),
        CheckConstraint("withdrawn_at IS NULL OR approved_at IS NULL", name="withdrawn_or_approved"),
        CheckConstraint("published_at IS NULL OR approved_at IS NOT NULL", name="published_after_approval"),
    )

    @property
    def approved(self) -> bool:
        return self.approved_at is not None

    def signature(self, role: SignatureRole) -> MinutesSignature | None:
        return next((s for s in self.signatures if s.role is role and not s.deleted), None)


class MinutesSignature(Record):
    """An electronic sign-off: who, when, in which capacity, on exactly which content (its hash)."""

    __tablename__ = "minutes_signature"

    version_id: Mapped[int] = mapped_column(ForeignKey("minutes_version.id", ondelete="RESTRICT"), index=True)
    role: Mapped[SignatureRole] = mapped_column(enum_type(SignatureRole, "signature_role"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    signed_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    content_hash: Mapped[str] = mapped_column(String(64))

    version: Mapped[MinutesVersion] = relationship(back_populates="signatures")
    person: Mapped[Person] = relationship()

    __table_args__ = (
        UniqueConstraint("version_id", "role"),
        CheckConstraint("length(content_hash) = 64", name="hash_is_sha256"),
    )


class VoteRecordRequest(Record):
    """A member asks that their own vote in an open poll (show of hands) be recorded in the minutes."""

    __tablename__ = "vote_record_request"

    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="RESTRICT"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    choice: Mapped[Choice] = mapped_column(enum_type(Choice, "vote_choice"))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    # The secretariat when it noted a request made aloud in the meeting; None when the member entered it.
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))

    person: Mapped[Person] = relationship()

    __table_args__ = (UniqueConstraint("poll_id", "person_id"),)
