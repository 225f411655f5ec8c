"""Meeting, AgendaItem, Attendance."""

from __future__ import annotations

import datetime as dt
import enum

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.bodies.models import LegislativeTerm, Location, Organization, Person
from council.db import Record
from council.papers.models import Consultation
from council.types import enum_type
from council.voting.rules import ItemResult


class MeetingState(enum.StrEnum):
    PLANNED = "planned"  # geplant
    INVITED = "invited"  # eingeladen
    OPENED = "opened"  # eröffnet
    CLOSED = "closed"  # geschlossen
    CANCELLED = "cancelled"  # abgesagt


class MeetingMode(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    EXCUSED = "excused"
    ABSENT = "absent"


class Meeting(Record):
    __tablename__ = "meeting"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"), index=True)
    legislative_term_id: Mapped[int] = mapped_column(ForeignKey("legislative_term.id", ondelete="RESTRICT"))
    # Running number within the term: "18. Sitzung des Hauptausschusses".
    number: Mapped[int] = mapped_column()
    start: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    end: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id", ondelete="RESTRICT"))
    mode: Mapped[MeetingMode] = mapped_column(enum_type(MeetingMode, "meeting_mode"), default=MeetingMode.IN_PERSON)
    state: Mapped[MeetingState] = mapped_column(enum_type(MeetingState, "meeting_state"), default=MeetingState.PLANNED)
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    # When the invitation first went out; later sendings are supplements (InvitationNotice keeps them all).
    invitation_sent_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    # iCalendar SEQUENCE: counts the changes calendars must take over (council/meetings/calendar_sequence.py).
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    # Digital and hybrid meetings: the secretariat allows the chair to record the room (participants are told).
    recording_allowed: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The item the chair has called in the room; kept here so a restarted room and the public pages know it.
    current_agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL", use_alter=True)
    )

    organization: Mapped[Organization] = relationship()
    legislative_term: Mapped[LegislativeTerm] = relationship()
    location: Mapped[Location | None] = relationship()
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", foreign_keys="AgendaItem.meeting_id"
    )
    attendances: Mapped[list[Attendance]] = relationship(back_populates="meeting")

    __table_args__ = (
        UniqueConstraint("organization_id", "legislative_term_id", "number"),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        CheckConstraint('"end" IS NULL OR "end" >= start', name="ends_after_start"),
        CheckConstraint("(state = 'cancelled') = (cancellation_reason IS NOT NULL)", name="cancelled_with_reason"),
    )

    @property
    def cancelled(self) -> bool:
        return self.state is MeetingState.CANCELLED

    @property
    def invited(self) -> bool:
        """The invitation went out (meetings from before invitations were recorded count by their state)."""
        return self.invitation_sent_at is not None or self.state in (
            MeetingState.INVITED,
            MeetingState.OPENED,
            MeetingState.CLOSED,
        )

    @property
    def name(self) -> str:
        return meeting_title(self.number, self.organization.name)


def meeting_title(number: int, organization_name: str) -> str:
    """ "18. Sitzung des Hauptausschusses": the genitive of the usual body names, a neutral form otherwise."""
    last = organization_name.rsplit(" ", 1)[-1]
    if last.endswith(("ausschuss", "Ausschuss")):
        return f"{number}. Sitzung des {organization_name}es"
    if last.endswith(("rat", "Rat", "beirat")):
        return f"{number}. Sitzung des {organization_name}es"
    if last.endswith(("versammlung", "vertretung", "kommission")):
        return f"{number}. Sitzung der {organization_name}"
    return f"{number}. Sitzung: {organization_name}"


class AgendaItem(Record):
    __tablename__ = "agenda_item"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    # Order of the item within its meeting; the printed number ("Ö 4.2") is derived from it.
    position: Mapped[int] = mapped_column()
    number: Mapped[str] = mapped_column(String(20))
    # The number the item had in the invitation, as members and the public know it; None for later additions.
    invited_number: Mapped[str | None] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    public: Mapped[bool] = mapped_column(default=True)
    title: Mapped[str] = mapped_column(String(500))
    # Not unique: a consultation that was postponed (vertagt), or whose meeting was cancelled, goes on another
    # agenda and the earlier item stays as it was.
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultation.id", ondelete="RESTRICT"), index=True)
    # Outcome as worded in the minutes ("ungeändert beschlossen") and the exact resolution text.
    result: Mapped[str | None] = mapped_column(String(200))
    resolution_text: Mapped[str | None] = mapped_column(Text)
    vote_summary: Mapped[str | None] = mapped_column(String(200))
    resolution_number: Mapped[str | None] = mapped_column(String(40))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    result_kind: Mapped[ItemResult | None] = mapped_column(enum_type(ItemResult, "item_result"))
    # "verwiesen an …": the organization the item was referred to.
    referred_to_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items", foreign_keys=[meeting_id])
    consultation: Mapped[Consultation | None] = relationship()
    referred_to: Mapped[Organization | None] = relationship(foreign_keys=[referred_to_id])

    __table_args__ = (
        UniqueConstraint("meeting_id", "position"),
        # The latest change among a meeting's items dates the meeting in OParl (council/opendata/freshness.py).
        Index("ix_agenda_item_meeting_id_modified", "meeting_id", "modified"),
        CheckConstraint("position >= 0", name="position_not_negative"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_its_own_parent"),
    )


class Attendance(Record):
    __tablename__ = "attendance"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(enum_type(AttendanceStatus, "attendance_status"))
    arrived_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    left_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    # A deputy present in place of an absent member of the same faction.
    substitutes_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    remote: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(String(300))

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    substitutes: Mapped[Person | None] = relationship(foreign_keys=[substitutes_person_id])

    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id"),
        UniqueConstraint("meeting_id", "substitutes_person_id"),
        CheckConstraint("left_at IS NULL OR arrived_at IS NULL OR left_at >= arrived_at", name="leaves_after_arrival"),
        CheckConstraint(
            "substitutes_person_id IS NULL OR substitutes_person_id <> person_id", name="not_substituting_self"
        ),
        CheckConstraint("status = 'present' OR (arrived_at IS NULL AND left_at IS NULL)", name="times_only_if_present"),
    )


class AgendaChangeKind(enum.StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    # Another place on the agenda, under another item, or into the other part (public/non-public).
    MOVED = "moved"
    RETITLED = "retitled"


class InvitationNotice(Record):
    """One sending of the invitation: the first one, or a supplement (Nachtrag) announcing agenda changes."""

    __tablename__ = "invitation_notice"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    supplement: Mapped[bool] = mapped_column(default=False)


class AgendaChange(Record):
    """A change to an agenda after its invitation went out, shown as Nachtrag until the meeting is over."""

    __tablename__ = "agenda_change"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AgendaChangeKind] = mapped_column(enum_type(AgendaChangeKind, "agenda_change_kind"))
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    number_before: Mapped[str | None] = mapped_column(String(20))
    number_after: Mapped[str | None] = mapped_column(String(20))
    title_before: Mapped[str | None] = mapped_column(String(500))
    title_after: Mapped[str | None] = mapped_column(String(500))
    # The supplement that announced the change; None while it has not been sent.
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("invitation_notice.id", ondelete="SET NULL"))

    agenda_item: Mapped[AgendaItem] = relationship()
    notice: Mapped[InvitationNotice | None] = relationship()


# Registers the flush listener that counts the iCalendar SEQUENCE (it needs the classes above).
from council.meetings import calendar_sequence  # noqa: E402,F401
