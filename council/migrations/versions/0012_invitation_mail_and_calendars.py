"""documents: Ladungsfrist, mail deliveries of invitations, calendar SEQUENCE and personal feed tokens

Revision ID: 0012
Revises: 0003
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("body", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_period_days", sa.Integer(), server_default="7", nullable=False))
        batch_op.create_check_constraint(batch_op.f("ck_body_notice_period_not_negative"), "notice_period_days >= 0")
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_period_days", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f("ck_organization_notice_period_not_negative"),
            "notice_period_days IS NULL OR notice_period_days >= 0",
        )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_check_constraint(batch_op.f("ck_meeting_sequence_not_negative"), "sequence >= 0")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_token", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_user_account_calendar_token"), ["calendar_token"])

    op.create_table(
        "mail_delivery",
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sent",
                "failed",
                name="delivery_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_mail_delivery_attempts_not_negative")),
        sa.CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name=op.f("ck_mail_delivery_sent_with_time")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_mail_delivery_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["invitation_notice.id"],
            name=op.f("fk_mail_delivery_notice_id_invitation_notice"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_mail_delivery_person_id_person"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_delivery")),
    )
    with op.batch_alter_table("mail_delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_delivery_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_delivery_modified"), ["modified"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_delivery_notice_id"), ["notice_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_delivery_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mail_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_delivery_person_id"))
        batch_op.drop_index(batch_op.f("ix_mail_delivery_notice_id"))
        batch_op.drop_index(batch_op.f("ix_mail_delivery_modified"))
        batch_op.drop_index(batch_op.f("ix_mail_delivery_meeting_id"))
    op.drop_table("mail_delivery")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_user_account_calendar_token"), type_="unique")
        batch_op.drop_column("calendar_token")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_meeting_sequence_not_negative"), type_="check")
        batch_op.drop_column("sequence")
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_organization_notice_period_not_negative"), type_="check")
        batch_op.drop_column("notice_period_days")
    with op.batch_alter_table("body", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_body_notice_period_not_negative"), type_="check")
        batch_op.drop_column("notice_period_days")
