"""Body, LegislativeTerm, Organization, Person, Membership, Location (names as in OParl)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.db import Record
from council.types import enum_type


class RuleSet(enum.StrEnum):
    """The state law whose quorum and majority rules a body follows."""

    DEFAULT = "default"
    BADEN_WUERTTEMBERG = "bw"
    BAYERN = "by"
    NORDRHEIN_WESTFALEN = "nw"
    SAARLAND = "sl"
    HESSEN = "he"
    THUERINGEN = "th"
    SCHLESWIG_HOLSTEIN = "sh"


class OrganizationKind(enum.StrEnum):
    COUNCIL = "council"
    COMMITTEE = "committee"
    ADVISORY_BOARD = "advisory_board"
    LOCAL_COUNCIL = "local_council"
    FACTION = "faction"
    DEPARTMENT = "department"

    @property
    def is_deliberative(self) -> bool:
        """Bodies that meet, deliberate and vote (factions and departments do not hold our meetings)."""
        return self in {self.COUNCIL, self.COMMITTEE, self.ADVISORY_BOARD, self.LOCAL_COUNCIL}


class MembershipRole(enum.StrEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    MEMBER = "member"
    DEPUTY = "deputy"
    EXPERT_CITIZEN = "expert_citizen"
    ADVISORY = "advisory"


DEFAULT_PAPER_REFERENCE_PATTERNS: dict[str, str] = {"default": "VO/{yyyy}/{seq:05}"}


class Body(Record):
    __tablename__ = "body"

    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(60))
    ags: Mapped[str | None] = mapped_column(String(8))
    rule_set: Mapped[RuleSet] = mapped_column(enum_type(RuleSet, "rule_set"), default=RuleSet.DEFAULT)
    timezone: Mapped[str] = mapped_column(String(60), default="Europe/Berlin")
    paper_reference_patterns: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=lambda: dict(DEFAULT_PAPER_REFERENCE_PATTERNS)
    )
    resolution_number_pattern: Mapped[str] = mapped_column(String(80), default="{seq}/{yy}")
    # May a member change a cast vote while the poll is still open? (Secret ballots are final regardless.)
    votes_changeable: Mapped[bool] = mapped_column(default=False, server_default="0")
    website: Mapped[str | None] = mapped_column(String(300))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    # Ladungsfrist: full days between sending the invitation and the meeting (an organization may set its own).
    notice_period_days: Mapped[int] = mapped_column(default=7, server_default="7")

    __table_args__ = (
        UniqueConstraint("short_name"),
        CheckConstraint("ags IS NULL OR length(ags) = 8", name="ags_has_eight_digits"),
        CheckConstraint("notice_period_days >= 0", name="notice_period_not_negative"),
    )

    terms: Mapped[list[LegislativeTerm]] = relationship(back_populates="body", order_by="LegislativeTerm.start_date")


class LegislativeTerm(Record):
    __tablename__ = "legislative_term"

    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)

    body: Mapped[Body] = relationship(back_populates="terms")

    __table_args__ = (
        UniqueConstraint("body_id", "name"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="ends_after_start"),
    )


class Organization(Record):
    __tablename__ = "organization"

    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[OrganizationKind] = mapped_column(enum_type(OrganizationKind, "organization_kind"))
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(60))
    # Statutory number of voting seats (gesetzliche Mitgliederzahl); the base for quorum.
    statutory_seats: Mapped[int | None] = mapped_column()
    # Some advisory boards may meet by video (e.g. § 37a GemO BW); the organization says whether it may.
    digital_meetings_allowed: Mapped[bool] = mapped_column(default=False)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    # The organization's own Ladungsfrist in days; None follows the body's.
    notice_period_days: Mapped[int | None] = mapped_column()

    body: Mapped[Body] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organization", foreign_keys="Membership.organization_id"
    )

    __table_args__ = (
        UniqueConstraint("body_id", "name"),
        CheckConstraint("statutory_seats IS NULL OR statutory_seats > 0", name="seats_positive"),
        CheckConstraint("notice_period_days IS NULL OR notice_period_days >= 0", name="notice_period_not_negative"),
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="ends_after_start"),
    )


class Person(Record):
    __tablename__ = "person"

    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="RESTRICT"), index=True)
    family_name: Mapped[str] = mapped_column(String(120))
    given_name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(60))
    form_of_address: Mapped[str | None] = mapped_column(String(60))
    affix: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(60))
    life: Mapped[str | None] = mapped_column(Text)

    memberships: Mapped[list[Membership]] = relationship(back_populates="person", foreign_keys="Membership.person_id")

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.title, self.given_name, self.family_name) if part)


class Membership(Record):
    __tablename__ = "membership"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"), index=True)
    role: Mapped[MembershipRole] = mapped_column(enum_type(MembershipRole, "membership_role"))
    voting_right: Mapped[bool] = mapped_column(default=True)
    # The faction on whose behalf the person sits here (OParl onBehalfOf).
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="memberships", foreign_keys=[person_id])
    organization: Mapped[Organization] = relationship(back_populates="memberships", foreign_keys=[organization_id])
    on_behalf_of: Mapped[Organization | None] = relationship(foreign_keys=[on_behalf_of_id])

    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="ends_after_start"),
        CheckConstraint("on_behalf_of_id IS NULL OR on_behalf_of_id <> organization_id", name="faction_differs"),
        UniqueConstraint("person_id", "organization_id", "role", "start_date"),
        # The latest change among a person's memberships dates the person in OParl (council/opendata/freshness.py).
        Index("ix_membership_person_id_modified", "person_id", "modified"),
    )

    def is_active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class Location(Record):
    __tablename__ = "location"

    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="RESTRICT"), index=True)
    description: Mapped[str] = mapped_column(String(200))
    room: Mapped[str | None] = mapped_column(String(120))
    street_address: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    locality: Mapped[str | None] = mapped_column(String(120))

    @property
    def one_line(self) -> str:
        parts = [self.description, self.room, self.street_address]
        place = " ".join(p for p in (self.postal_code, self.locality) if p)
        return ", ".join(p for p in [*parts, place] if p)
