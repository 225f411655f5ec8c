"""Poll, Vote, SecretBallotReceipt, ConflictOfInterest, PollEntitlement."""

from __future__ import annotations

import datetime as dt
import enum

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.bodies.models import Person, RuleSet
from council.db import Base, Record, utcnow
from council.meetings.models import AgendaItem, Meeting
from council.types import enum_type
from council.voting.rules import Choice, Majority


class PollKind(enum.StrEnum):
    OPEN = "open"  # offene Abstimmung: show of hands, the secretariat enters the counts
    NAMED = "named"  # namentliche Abstimmung: every member's vote is recorded and published
    SECRET = "secret"  # noqa: S105 (not a password)  geheime Abstimmung: only totals are kept


class PollState(enum.StrEnum):
    CREATED = "created"
    OPEN = "open"
    CLOSED = "closed"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class PollSubject(enum.StrEnum):
    MAIN = "main"  # the item's proposed resolution (Beschlussvorschlag): its outcome decides the item
    AMENDMENT = "amendment"  # Änderungsantrag
    PROCEDURAL = "procedural"  # Geschäftsordnungsantrag


class Poll(Record):
    __tablename__ = "poll"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="RESTRICT"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="RESTRICT"), index=True)
    subject: Mapped[PollSubject] = mapped_column(enum_type(PollSubject, "poll_subject"))
    kind: Mapped[PollKind] = mapped_column(enum_type(PollKind, "poll_kind"))
    title: Mapped[str] = mapped_column(String(300))
    motion_text: Mapped[str | None] = mapped_column(Text)
    majority: Mapped[Majority] = mapped_column(enum_type(Majority, "majority"), default=Majority.SIMPLE)
    # None: the body's rule set applies.
    rule_set: Mapped[RuleSet | None] = mapped_column(enum_type(RuleSet, "rule_set"))
    state: Mapped[PollState] = mapped_column(enum_type(PollState, "poll_state"), default=PollState.CREATED)
    repeats_poll_id: Mapped[int | None] = mapped_column(ForeignKey("poll.id", ondelete="RESTRICT"))
    opened_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # Counts: entered (open polls), running totals (secret polls), counted at the close (named polls).
    yes: Mapped[int] = mapped_column(default=0, server_default="0")
    no: Mapped[int] = mapped_column(default=0, server_default="0")
    abstain: Mapped[int] = mapped_column(default=0, server_default="0")
    befangen: Mapped[int] = mapped_column(default=0, server_default="0")
    # The outcome, fixed at the close.
    adopted: Mapped[bool | None] = mapped_column()
    wording: Mapped[str | None] = mapped_column(String(200))
    counts: Mapped[str | None] = mapped_column(String(200))
    explanation: Mapped[str | None] = mapped_column(String(600))
    statutory_seats: Mapped[int | None] = mapped_column()
    present_entitled: Mapped[int | None] = mapped_column()
    quorum_required: Mapped[int | None] = mapped_column()
    quorum_flagged: Mapped[bool] = mapped_column(default=False, server_default="0")

    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem] = relationship()
    repeats: Mapped[Poll | None] = relationship(remote_side="Poll.id")

    __table_args__ = (
        CheckConstraint("yes >= 0 AND no >= 0 AND abstain >= 0 AND befangen >= 0", name="counts_not_negative"),
        CheckConstraint("(state = 'cancelled') = (cancelled_at IS NOT NULL)", name="cancelled_has_time"),
        CheckConstraint("state = 'created' OR state = 'cancelled' OR opened_at IS NOT NULL", name="opened_has_time"),
        CheckConstraint("state NOT IN ('closed', 'published') OR closed_at IS NOT NULL", name="closed_has_time"),
        CheckConstraint("repeats_poll_id IS NULL OR repeats_poll_id <> id", name="does_not_repeat_itself"),
        # One poll at a time per meeting: the members' screens show "the" open poll.
        Index(
            "uq_poll_one_open_per_meeting",
            "meeting_id",
            unique=True,
            sqlite_where=text("state = 'open'"),
            postgresql_where=text("state = 'open'"),
        ),
    )

    @property
    def is_open(self) -> bool:
        return self.state is PollState.OPEN

    @property
    def has_result(self) -> bool:
        return self.state in (PollState.CLOSED, PollState.PUBLISHED)


class Vote(Record):
    """One member's vote in an open or named poll. Secret polls keep no Vote rows."""

    __tablename__ = "vote"

    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="RESTRICT"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    choice: Mapped[Choice] = mapped_column(enum_type(Choice, "vote_choice"))
    cast_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    # Set when the secretariat recorded a vote given in the room (roll call); None when cast on the own device.
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))

    person: Mapped[Person] = relationship()

    __table_args__ = (UniqueConstraint("poll_id", "person_id"),)

    @property
    def in_room(self) -> bool:
        return self.recorded_by_user_id is not None


class SecretBallotReceipt(Base):
    """Who has voted in a secret poll, kept apart from the totals on the poll: no row names a choice."""

    __tablename__ = "secret_ballot_receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="RESTRICT"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)

    person: Mapped[Person] = relationship()

    __table_args__ = (UniqueConstraint("poll_id", "person_id"),)


class ConflictOfInterest(Record):
    """Befangenheit: the member takes no part in deliberation or vote on the item."""

    __tablename__ = "conflict_of_interest"

    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="RESTRICT"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    declared_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    reason: Mapped[str | None] = mapped_column(String(500))
    # The secretariat or chair when they recorded it; None when the member declared it on their device.
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))

    person: Mapped[Person] = relationship()

    __table_args__ = (UniqueConstraint("agenda_item_id", "person_id"),)


class SnapshotPhase(enum.StrEnum):
    OPEN = "open"
    CLOSE = "close"


class PollEntitlement(Base):
    """The entitled voters as they stood when the poll opened and when it closed."""

    __tablename__ = "poll_entitlement"

    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="RESTRICT"), primary_key=True)
    phase: Mapped[SnapshotPhase] = mapped_column(enum_type(SnapshotPhase, "snapshot_phase"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), primary_key=True)
    substitutes_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    remote: Mapped[bool] = mapped_column(default=False)
