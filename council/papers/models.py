"""Paper, Submitter, File, Consultation."""

from __future__ import annotations

import datetime as dt
import enum

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from council.bodies.models import Organization, Person
from council.db import Record
from council.types import enum_type


class PaperKind(enum.StrEnum):
    MOTION = "motion"  # Antrag
    RESOLUTION_PROPOSAL = "resolution_proposal"  # Beschlussvorlage
    INQUIRY = "inquiry"  # Anfrage
    ANSWER = "answer"  # Antwort
    INFORMATION = "information"  # Mitteilungsvorlage
    AMENDMENT = "amendment"  # Änderungsantrag


class ConsultationRole(enum.StrEnum):
    PRIOR_DELIBERATION = "prior_deliberation"  # Vorberatung
    DECISION = "decision"  # Entscheidung
    INFORMATION = "information"  # Kenntnisnahme


class Paper(Record):
    __tablename__ = "paper"

    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="RESTRICT"), index=True)
    reference: Mapped[str] = mapped_column(String(60))
    kind: Mapped[PaperKind] = mapped_column(enum_type(PaperKind, "paper_kind"))
    title: Mapped[str] = mapped_column(String(500))
    date: Mapped[dt.date] = mapped_column(Date)
    proposed_resolution: Mapped[str | None] = mapped_column(Text)
    reasons: Mapped[str | None] = mapped_column(Text)
    # Papers of non-public items (land deals, personnel) are confidential as a whole.
    public: Mapped[bool] = mapped_column(default=True)
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    # An Antwort answers an Anfrage, an Änderungsantrag amends a paper: the related paper.
    related_paper_id: Mapped[int | None] = mapped_column(ForeignKey("paper.id", ondelete="RESTRICT"))
    # A replacement version (Neufassung, "VO/2014/01919/1") points at the original and counts from 1.
    original_id: Mapped[int | None] = mapped_column(ForeignKey("paper.id", ondelete="RESTRICT"), index=True)
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Drafts are the secretariat's until published; then the public flag decides who reads them.
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    # A withdrawn paper stays readable with its state, when and why it was withdrawn.
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)

    lead_department: Mapped[Organization | None] = relationship(foreign_keys=[lead_department_id])
    original: Mapped[Paper | None] = relationship(
        remote_side="Paper.id", foreign_keys=[original_id], back_populates="replacements"
    )
    replacements: Mapped[list[Paper]] = relationship(
        foreign_keys=[original_id], back_populates="original", order_by="Paper.version"
    )
    related_paper: Mapped[Paper | None] = relationship(remote_side="Paper.id", foreign_keys=[related_paper_id])
    submitters: Mapped[list[Submitter]] = relationship(back_populates="paper", order_by="Submitter.position")
    consultations: Mapped[list[Consultation]] = relationship(back_populates="paper", order_by="Consultation.position")
    files: Mapped[list[File]] = relationship(back_populates="paper", order_by="File.id")

    __table_args__ = (
        UniqueConstraint("body_id", "reference"),
        CheckConstraint("related_paper_id IS NULL OR related_paper_id <> id", name="not_related_to_itself"),
        CheckConstraint("original_id IS NULL OR original_id <> id", name="not_its_own_original"),
        CheckConstraint("(original_id IS NULL) = (version = 0)", name="versions_have_an_original"),
        CheckConstraint("(withdrawn_at IS NULL) = (withdrawal_reason IS NULL)", name="withdrawn_with_reason"),
    )

    @property
    def published(self) -> bool:
        return self.published_at is not None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def open_to_public(self) -> bool:
        """What a visitor may read: published, public, not deleted."""
        return self.published and self.public and not self.deleted


class Submitter(Record):
    """A person or an organization (usually a faction) who submitted a paper."""

    __tablename__ = "submitter"

    paper_id: Mapped[int] = mapped_column(ForeignKey("paper.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))

    paper: Mapped[Paper] = relationship(back_populates="submitters")
    person: Mapped[Person | None] = relationship()
    organization: Mapped[Organization | None] = relationship()

    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (organization_id IS NULL)", name="either_person_or_organization"),
        UniqueConstraint("paper_id", "position"),
    )

    @property
    def display_name(self) -> str:
        if self.person is not None:
            return self.person.name
        return self.organization.name if self.organization is not None else ""


class File(Record):
    """A document stored on disk under the file storage, addressed by its sha512."""

    __tablename__ = "file"

    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="RESTRICT"), index=True)
    paper_id: Mapped[int | None] = mapped_column(ForeignKey("paper.id", ondelete="RESTRICT"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    file_name: Mapped[str] = mapped_column(String(300))
    mime_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha512: Mapped[str] = mapped_column(String(128))
    storage_path: Mapped[str] = mapped_column(String(300))
    text: Mapped[str | None] = mapped_column(Text)
    date: Mapped[dt.date | None] = mapped_column(Date)
    public: Mapped[bool] = mapped_column(default=True)

    paper: Mapped[Paper | None] = relationship(back_populates="files")

    __table_args__ = (
        # The latest change among a paper's files dates the paper in OParl (council/opendata/freshness.py).
        Index("ix_file_paper_id_modified", "paper_id", "modified"),
        CheckConstraint("size >= 0", name="size_not_negative"),
        CheckConstraint("length(sha512) = 128", name="sha512_is_hex"),
    )


class Consultation(Record):
    """One step of a paper's Beratungsfolge: which organization sees it, in what role, at which meeting."""

    __tablename__ = "consultation"

    paper_id: Mapped[int] = mapped_column(ForeignKey("paper.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column()
    role: Mapped[ConsultationRole] = mapped_column(enum_type(ConsultationRole, "consultation_role"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="RESTRICT"), index=True)

    paper: Mapped[Paper] = relationship(back_populates="consultations")
    organization: Mapped[Organization] = relationship()

    __table_args__ = (
        UniqueConstraint("paper_id", "position"),
        # The latest change among a paper's consultations dates the paper in OParl (council/opendata/freshness.py).
        Index("ix_consultation_paper_id_modified", "paper_id", "modified"),
    )

    @property
    def authoritative(self) -> bool:
        return self.role is ConsultationRole.DECISION
