"""meeting room: recording switch and the current agenda item

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04

``meeting.recording_allowed`` is the secretariat's switch that lets the chair record a digital or hybrid meeting;
``meeting.current_agenda_item_id`` is the item the chair has called in the room (kept across room restarts and
shown on the public pages). The foreign key closes a cycle meeting -> agenda_item -> meeting, so it is added
after both tables exist (``use_alter`` in the model).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recording_allowed", sa.Boolean(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("current_agenda_item_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_meeting_current_agenda_item_id_agenda_item"),
            "agenda_item",
            ["current_agenda_item_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_meeting_current_agenda_item_id_agenda_item"), type_="foreignkey")
        batch_op.drop_column("current_agenda_item_id")
        batch_op.drop_column("recording_allowed")
