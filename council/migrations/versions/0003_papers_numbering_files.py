"""paper editing: versions, drafts, withdrawal; one counter table for every register number

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RESOLUTION_SERIES = "resolution"


def upgrade() -> None:
    op.create_table(
        "number_counter",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(length=120), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.CheckConstraint("last_seq >= 0", name=op.f("ck_number_counter_last_seq_not_negative")),
        sa.ForeignKeyConstraint(
            ["body_id"], ["body.id"], name=op.f("fk_number_counter_body_id_body"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("body_id", "series", "year", name=op.f("pk_number_counter")),
    )
    # The resolution register keeps counting where it stood.
    op.execute(
        sa.text(
            "INSERT INTO number_counter (body_id, series, year, last_seq) "
            "SELECT body_id, :series, year, last_seq FROM resolution_counter"
        ).bindparams(series=RESOLUTION_SERIES)
    )
    op.drop_table("resolution_counter")

    with op.batch_alter_table("paper", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("published_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("withdrawn_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("withdrawal_reason", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_paper_original_id"), ["original_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_paper_original_id_paper"), "paper", ["original_id"], ["id"], ondelete="RESTRICT"
        )
        batch_op.create_check_constraint("not_its_own_original", "original_id IS NULL OR original_id <> id")
        batch_op.create_check_constraint("versions_have_an_original", "(original_id IS NULL) = (version = 0)")
        batch_op.create_check_constraint(
            "withdrawn_with_reason", "(withdrawn_at IS NULL) = (withdrawal_reason IS NULL)"
        )
    # Papers from before drafts existed were all readable: they count as published when they were created.
    op.execute("UPDATE paper SET published_at = created")


def downgrade() -> None:
    with op.batch_alter_table("paper", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_paper_withdrawn_with_reason"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_paper_versions_have_an_original"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_paper_not_its_own_original"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_paper_original_id_paper"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_paper_original_id"))
        batch_op.drop_column("withdrawal_reason")
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("published_at")
        batch_op.drop_column("version")
        batch_op.drop_column("original_id")

    op.create_table(
        "resolution_counter",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.CheckConstraint("last_seq >= 0", name=op.f("ck_resolution_counter_last_seq_not_negative")),
        sa.ForeignKeyConstraint(
            ["body_id"], ["body.id"], name=op.f("fk_resolution_counter_body_id_body"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("body_id", "year", name=op.f("pk_resolution_counter")),
    )
    op.execute(
        sa.text(
            "INSERT INTO resolution_counter (body_id, year, last_seq) "
            "SELECT body_id, year, last_seq FROM number_counter WHERE series = :series"
        ).bindparams(series=RESOLUTION_SERIES)
    )
    op.drop_table("number_counter")
