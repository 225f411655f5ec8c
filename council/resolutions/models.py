"""The resolution register (Beschlussregister) and follow-up tasks (Beschlussverfolgung)."""

from __future__ import annotations

import datetime as dt
import enum

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.bodies.models import Body, Organization
from council.db import Record
from council.meetings.models import AgendaItem
from council.resolutions.deadlines import Recurrence
from council.types import enum_type
from council.voting.rules import ItemResult


class Resolution(Record):
    __tablename__ = "resolution"

    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column()
    seq: Mapped[int] = mapped_column()
    number: Mapped[str] = mapped_column(String(40))
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="RESTRICT"))
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("poll.id", ondelete="RESTRICT"))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    # The number of the current version; corrections add versions and keep the number.
    version: Mapped[int] = mapped_column(default=1)

    body: Mapped[Body] = relationship()
    agenda_item: Mapped[AgendaItem] = relationship()
    versions: Mapped[list[ResolutionVersion]] = relationship(
        back_populates="resolution", order_by="ResolutionVersion.version"
    )
    tasks: Mapped[list[FollowUpTask]] = relationship(back_populates="resolution", order_by="FollowUpTask.due_date")

    __table_args__ = (
        UniqueConstraint("body_id", "year", "seq"),
        UniqueConstraint("body_id", "number"),
        UniqueConstraint("agenda_item_id"),
        CheckConstraint("seq > 0", name="seq_positive"),
        CheckConstraint("version > 0", name="version_positive"),
    )

    @property
    def current(self) -> ResolutionVersion:
        return next(v for v in self.versions if v.version == self.version)


class ResolutionVersion(Record):
    __tablename__ = "resolution_version"

    resolution_id: Mapped[int] = mapped_column(ForeignKey("resolution.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column()
    result: Mapped[ItemResult] = mapped_column(enum_type(ItemResult, "item_result"))
    wording: Mapped[str] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text)
    vote_summary: Mapped[str | None] = mapped_column(String(200))
    # Why a correction was made (empty for the first version).
    reason: Mapped[str | None] = mapped_column(Text)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))

    resolution: Mapped[Resolution] = relationship(back_populates="versions")

    __table_args__ = (UniqueConstraint("resolution_id", "version"), CheckConstraint("version > 0", name="positive"))


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class FollowUpTask(Record):
    """Work a resolution orders ("bis Ende Q2 2021 vorlegen", "halbjährlich berichten"), tracked to completion."""

    __tablename__ = "follow_up_task"

    resolution_id: Mapped[int] = mapped_column(ForeignKey("resolution.id", ondelete="RESTRICT"), index=True)
    description: Mapped[str] = mapped_column(Text)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    due_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    recurrence: Mapped[Recurrence] = mapped_column(enum_type(Recurrence, "recurrence"), default=Recurrence.NONE)
    status: Mapped[TaskStatus] = mapped_column(enum_type(TaskStatus, "task_status"), default=TaskStatus.OPEN)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)

    resolution: Mapped[Resolution] = relationship(back_populates="tasks")
    department: Mapped[Organization | None] = relationship()

    __table_args__ = (CheckConstraint("(status = 'done') = (completed_at IS NOT NULL)", name="done_has_time"),)
