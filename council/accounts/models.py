"""User, BodyRole, LoginAttempt."""

from __future__ import annotations

import datetime as dt
import enum

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.bodies.models import Person
from council.db import Base, Record, utcnow
from council.types import enum_type


class BodyRoleKind(enum.StrEnum):
    ADMIN = "admin"
    SECRETARIAT = "secretariat"


class User(Record):
    __tablename__ = "user_account"

    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="RESTRICT"), index=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    email: Mapped[str | None] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    last_login: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    # The secret of the personal calendar feed (/calendar/<token>.ics); None while the feed is off.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    person: Mapped[Person | None] = relationship()
    roles: Mapped[list[BodyRole]] = relationship(back_populates="user", cascade="all, delete-orphan")


class BodyRole(Record):
    """A role a user holds for a whole body; roles within an organization come from memberships."""

    __tablename__ = "body_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="RESTRICT"))
    role: Mapped[BodyRoleKind] = mapped_column(enum_type(BodyRoleKind, "body_role_kind"))

    user: Mapped[User] = relationship(back_populates="roles")

    __table_args__ = (UniqueConstraint("user_id", "body_id", "role"),)


class LoginAttempt(Base):
    """Failed and successful logins, the basis of the login throttle (kept apart from soft-deletable records)."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow, index=True)
    success: Mapped[bool] = mapped_column()
