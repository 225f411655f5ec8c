"""minutes: working copy, versions, signatures, vote record requests

Revision ID: 0010
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "minutes",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                name="minutes_state",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("chair_person_id", sa.Integer(), nullable=True),
        sa.Column("clerk_person_id", sa.Integer(), nullable=True),
        sa.Column("other_attendees", sa.Text(), nullable=True),
        sa.Column("header", sa.JSON(), nullable=False),
        sa.Column("generated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("correction_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "chair_person_id IS NULL OR clerk_person_id IS NULL OR chair_person_id <> clerk_person_id",
            name=op.f("ck_minutes_chair_is_not_clerk"),
        ),
        sa.CheckConstraint("revision > 0", name=op.f("ck_minutes_revision_positive")),
        sa.ForeignKeyConstraint(
            ["chair_person_id"], ["person.id"], name=op.f("fk_minutes_chair_person_id_person"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["clerk_person_id"], ["person.id"], name=op.f("fk_minutes_clerk_person_id_person"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_minutes_meeting_id_meeting"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_minutes_meeting_id")),
    )
    with op.batch_alter_table("minutes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minutes_modified"), ["modified"], unique=False)

    op.create_table(
        "minutes_item",
        sa.Column("minutes_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("generated", sa.JSON(), nullable=False),
        sa.Column("deliberation", sa.Text(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("on_agenda", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint("revision > 0", name=op.f("ck_minutes_item_revision_positive")),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_minutes_item_agenda_item_id_agenda_item"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["minutes_id"], ["minutes.id"], name=op.f("fk_minutes_item_minutes_id_minutes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_item")),
        sa.UniqueConstraint("minutes_id", "agenda_item_id", name=op.f("uq_minutes_item_minutes_id_agenda_item_id")),
    )
    with op.batch_alter_table("minutes_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minutes_item_minutes_id"), ["minutes_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_minutes_item_modified"), ["modified"], unique=False)

    op.create_table(
        "minutes_version",
        sa.Column("minutes_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("submitted_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("submitted_by_user_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("approved_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("approved_by_user_id", sa.Integer(), nullable=True),
        sa.Column(
            "approval_via",
            sa.Enum("meeting", "chair", name="approval_via", native_enum=False, create_constraint=True, length=40),
            nullable=True,
        ),
        sa.Column("approval_item_id", sa.Integer(), nullable=True),
        sa.Column("published_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "(approval_via = 'meeting') = (approval_item_id IS NOT NULL)",
            name=op.f("ck_minutes_version_meeting_names_item"),
        ),
        sa.CheckConstraint(
            "(approved_at IS NULL) = (approval_via IS NULL)", name=op.f("ck_minutes_version_approved_has_way")
        ),
        sa.CheckConstraint("length(content_hash) = 64", name=op.f("ck_minutes_version_hash_is_sha256")),
        sa.CheckConstraint("number > 0", name=op.f("ck_minutes_version_number_positive")),
        sa.CheckConstraint(
            "published_at IS NULL OR approved_at IS NOT NULL", name=op.f("ck_minutes_version_published_after_approval")
        ),
        sa.CheckConstraint(
            "withdrawn_at IS NULL OR approved_at IS NULL", name=op.f("ck_minutes_version_withdrawn_or_approved")
        ),
        sa.ForeignKeyConstraint(
            ["approval_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_minutes_version_approval_item_id_agenda_item"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_minutes_version_approved_by_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["minutes_id"], ["minutes.id"], name=op.f("fk_minutes_version_minutes_id_minutes"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_minutes_version_submitted_by_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_version")),
        sa.UniqueConstraint("minutes_id", "number", name=op.f("uq_minutes_version_minutes_id_number")),
    )
    with op.batch_alter_table("minutes_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minutes_version_approval_item_id"), ["approval_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_minutes_version_minutes_id"), ["minutes_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_minutes_version_modified"), ["modified"], unique=False)

    op.create_table(
        "minutes_signature",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("chair", "clerk", name="signature_role", native_enum=False, create_constraint=True, length=40),
            nullable=False,
        ),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint("length(content_hash) = 64", name=op.f("ck_minutes_signature_hash_is_sha256")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_minutes_signature_person_id_person"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_minutes_signature_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["minutes_version.id"],
            name=op.f("fk_minutes_signature_version_id_minutes_version"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_signature")),
        sa.UniqueConstraint("version_id", "role", name=op.f("uq_minutes_signature_version_id_role")),
    )
    with op.batch_alter_table("minutes_signature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minutes_signature_modified"), ["modified"], unique=False)
        batch_op.create_index(batch_op.f("ix_minutes_signature_version_id"), ["version_id"], unique=False)

    op.create_table(
        "vote_record_request",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "choice",
            sa.Enum("yes", "no", "abstain", name="vote_choice", native_enum=False, create_constraint=True, length=40),
            nullable=False,
        ),
        sa.Column("requested_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_vote_record_request_person_id_person"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["poll.id"], name=op.f("fk_vote_record_request_poll_id_poll"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_vote_record_request_recorded_by_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_record_request")),
        sa.UniqueConstraint("poll_id", "person_id", name=op.f("uq_vote_record_request_poll_id_person_id")),
    )
    with op.batch_alter_table("vote_record_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vote_record_request_modified"), ["modified"], unique=False)
        batch_op.create_index(batch_op.f("ix_vote_record_request_poll_id"), ["poll_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("vote_record_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_record_request_poll_id"))
        batch_op.drop_index(batch_op.f("ix_vote_record_request_modified"))

    op.drop_table("vote_record_request")
    with op.batch_alter_table("minutes_signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_signature_version_id"))
        batch_op.drop_index(batch_op.f("ix_minutes_signature_modified"))

    op.drop_table("minutes_signature")
    with op.batch_alter_table("minutes_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_version_modified"))
        batch_op.drop_index(batch_op.f("ix_minutes_version_minutes_id"))
        batch_op.drop_index(batch_op.f("ix_minutes_version_approval_item_id"))

    op.drop_table("minutes_version")
    with op.batch_alter_table("minutes_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_item_modified"))
        batch_op.drop_index(batch_op.f("ix_minutes_item_minutes_id"))

    op.drop_table("minutes_item")
    with op.batch_alter_table("minutes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_modified"))

    op.drop_table("minutes")
