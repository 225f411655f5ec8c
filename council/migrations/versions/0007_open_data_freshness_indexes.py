"""indexes for the open data interface: the latest change of the rows embedded in an OParl object

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, parent column): max(modified) per parent, and "changed since" per parent, answered from the index.
INDEXES = (
    ("agenda_item", "meeting_id"),
    ("consultation", "paper_id"),
    ("file", "paper_id"),
    ("membership", "person_id"),
)


def upgrade() -> None:
    for table, parent in INDEXES:
        op.create_index(f"ix_{table}_{parent}_modified", table, [parent, "modified"], unique=False)


def downgrade() -> None:
    for table, parent in INDEXES:
        op.drop_index(f"ix_{table}_{parent}_modified", table_name=table)
