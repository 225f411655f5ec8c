"""meetings: invitation notices, agenda changes (Nachtrag), consultations back on later agendas

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invitation_notice",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("supplement", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_invitation_notice_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation_notice")),
    )
    with op.batch_alter_table("invitation_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitation_notice_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitation_notice_modified"), ["modified"], unique=False)

    op.create_table(
        "agenda_change",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "added",
                "removed",
                "moved",
                "retitled",
                name="agenda_change_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("number_before", sa.String(length=20), nullable=True),
        sa.Column("number_after", sa.String(length=20), nullable=True),
        sa.Column("title_before", sa.String(length=500), nullable=True),
        sa.Column("title_after", sa.String(length=500), nullable=True),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_agenda_change_agenda_item_id_agenda_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_agenda_change_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["invitation_notice.id"],
            name=op.f("fk_agenda_change_notice_id_invitation_notice"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_change")),
    )
    with op.batch_alter_table("agenda_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_change_agenda_item_id"), ["agenda_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_change_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_change_modified"), ["modified"], unique=False)

    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_agenda_item_consultation_id"), type_="unique")
        batch_op.create_index(batch_op.f("ix_agenda_item_consultation_id"), ["consultation_id"], unique=False)
        batch_op.add_column(sa.Column("invited_number", sa.String(length=20), nullable=True))

    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("invitation_sent_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("invitation_sent_at")

    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_column("invited_number")
        batch_op.drop_index(batch_op.f("ix_agenda_item_consultation_id"))
        # Fails where a postponed consultation already stands on a second agenda: that data needs this revision.
        batch_op.create_unique_constraint(batch_op.f("uq_agenda_item_consultation_id"), ["consultation_id"])

    with op.batch_alter_table("agenda_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_change_modified"))
        batch_op.drop_index(batch_op.f("ix_agenda_change_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_agenda_change_agenda_item_id"))

    op.drop_table("agenda_change")
    with op.batch_alter_table("invitation_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_notice_modified"))
        batch_op.drop_index(batch_op.f("ix_invitation_notice_meeting_id"))

    op.drop_table("invitation_notice")
