"""voting, resolutions and audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
    )
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
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=True),
        sa.Column("hash", sa.String(length=64), nullable=True),
        sa.CheckConstraint("(seq IS NULL) = (hash IS NULL)", name=op.f("ck_audit_entry_sealed_has_hash")),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["user_account.id"],
            name=op.f("fk_audit_entry_actor_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["body_id"], ["body.id"], name=op.f("fk_audit_entry_body_id_body"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_entry_seq")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entry_subject", ["subject_type", "subject_id"], unique=False)

    op.create_table(
        "conflict_of_interest",
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("declared_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_conflict_of_interest_agenda_item_id_agenda_item"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_conflict_of_interest_person_id_person"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_conflict_of_interest_recorded_by_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_of_interest")),
        sa.UniqueConstraint(
            "agenda_item_id", "person_id", name=op.f("uq_conflict_of_interest_agenda_item_id_person_id")
        ),
    )
    with op.batch_alter_table("conflict_of_interest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conflict_of_interest_agenda_item_id"), ["agenda_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_conflict_of_interest_modified"), ["modified"], unique=False)

    op.create_table(
        "poll",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column(
            "subject",
            sa.Enum(
                "main",
                "amendment",
                "procedural",
                name="poll_subject",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "kind",
            sa.Enum("open", "named", "secret", name="poll_kind", native_enum=False, create_constraint=True, length=40),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("motion_text", sa.Text(), nullable=True),
        sa.Column(
            "majority",
            sa.Enum(
                "simple",
                "absolute",
                "two_thirds_cast",
                "two_thirds_statutory",
                name="majority",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "rule_set",
            sa.Enum(
                "default",
                "bw",
                "by",
                "nw",
                "sl",
                "he",
                "th",
                "sh",
                name="rule_set",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "created",
                "open",
                "closed",
                "published",
                "cancelled",
                name="poll_state",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("repeats_poll_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("closed_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("published_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("cancelled_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("yes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("no", sa.Integer(), server_default="0", nullable=False),
        sa.Column("abstain", sa.Integer(), server_default="0", nullable=False),
        sa.Column("befangen", sa.Integer(), server_default="0", nullable=False),
        sa.Column("adopted", sa.Boolean(), nullable=True),
        sa.Column("wording", sa.String(length=200), nullable=True),
        sa.Column("counts", sa.String(length=200), nullable=True),
        sa.Column("explanation", sa.String(length=600), nullable=True),
        sa.Column("statutory_seats", sa.Integer(), nullable=True),
        sa.Column("present_entitled", sa.Integer(), nullable=True),
        sa.Column("quorum_required", sa.Integer(), nullable=True),
        sa.Column("quorum_flagged", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "(state = 'cancelled') = (cancelled_at IS NOT NULL)", name=op.f("ck_poll_cancelled_has_time")
        ),
        sa.CheckConstraint(
            "state = 'created' OR state = 'cancelled' OR opened_at IS NOT NULL", name=op.f("ck_poll_opened_has_time")
        ),
        sa.CheckConstraint(
            "state NOT IN ('closed', 'published') OR closed_at IS NOT NULL", name=op.f("ck_poll_closed_has_time")
        ),
        sa.CheckConstraint(
            "repeats_poll_id IS NULL OR repeats_poll_id <> id", name=op.f("ck_poll_does_not_repeat_itself")
        ),
        sa.CheckConstraint(
            "yes >= 0 AND no >= 0 AND abstain >= 0 AND befangen >= 0", name=op.f("ck_poll_counts_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"], ["agenda_item.id"], name=op.f("fk_poll_agenda_item_id_agenda_item"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_poll_meeting_id_meeting"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["repeats_poll_id"], ["poll.id"], name=op.f("fk_poll_repeats_poll_id_poll"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll")),
    )
    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_poll_agenda_item_id"), ["agenda_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_poll_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_poll_modified"), ["modified"], unique=False)
        batch_op.create_index(
            "uq_poll_one_open_per_meeting",
            ["meeting_id"],
            unique=True,
            sqlite_where=sa.text("state = 'open'"),
            postgresql_where=sa.text("state = 'open'"),
        )

    op.create_table(
        "poll_entitlement",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column(
            "phase",
            sa.Enum("open", "close", name="snapshot_phase", native_enum=False, create_constraint=True, length=40),
            nullable=False,
        ),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("substitutes_person_id", sa.Integer(), nullable=True),
        sa.Column("remote", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_poll_entitlement_person_id_person"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["poll.id"], name=op.f("fk_poll_entitlement_poll_id_poll"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["substitutes_person_id"],
            ["person.id"],
            name=op.f("fk_poll_entitlement_substitutes_person_id_person"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("poll_id", "phase", "person_id", name=op.f("pk_poll_entitlement")),
    )
    op.create_table(
        "resolution",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint("seq > 0", name=op.f("ck_resolution_seq_positive")),
        sa.CheckConstraint("version > 0", name=op.f("ck_resolution_version_positive")),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_resolution_agenda_item_id_agenda_item"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"], name=op.f("fk_resolution_body_id_body"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["poll_id"], ["poll.id"], name=op.f("fk_resolution_poll_id_poll"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resolution")),
        sa.UniqueConstraint("agenda_item_id", name=op.f("uq_resolution_agenda_item_id")),
        sa.UniqueConstraint("body_id", "number", name=op.f("uq_resolution_body_id_number")),
        sa.UniqueConstraint("body_id", "year", "seq", name=op.f("uq_resolution_body_id_year_seq")),
    )
    with op.batch_alter_table("resolution", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resolution_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_resolution_modified"), ["modified"], unique=False)

    op.create_table(
        "secret_ballot_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_secret_ballot_receipt_person_id_person"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["poll.id"], name=op.f("fk_secret_ballot_receipt_poll_id_poll"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secret_ballot_receipt")),
        sa.UniqueConstraint("poll_id", "person_id", name=op.f("uq_secret_ballot_receipt_poll_id_person_id")),
    )
    with op.batch_alter_table("secret_ballot_receipt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_secret_ballot_receipt_person_id"), ["person_id"], unique=False)

    op.create_table(
        "vote",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "choice",
            sa.Enum("yes", "no", "abstain", name="vote_choice", native_enum=False, create_constraint=True, length=40),
            nullable=False,
        ),
        sa.Column("cast_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_vote_person_id_person"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["poll_id"], ["poll.id"], name=op.f("fk_vote_poll_id_poll"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_vote_recorded_by_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote")),
        sa.UniqueConstraint("poll_id", "person_id", name=op.f("uq_vote_poll_id_person_id")),
    )
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vote_modified"), ["modified"], unique=False)
        batch_op.create_index(batch_op.f("ix_vote_person_id"), ["person_id"], unique=False)

    op.create_table(
        "follow_up_task",
        sa.Column("resolution_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column(
            "recurrence",
            sa.Enum(
                "none",
                "monthly",
                "quarterly",
                "half_yearly",
                "yearly",
                name="recurrence",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "in_progress",
                "done",
                "cancelled",
                name="task_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("completed_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "(status = 'done') = (completed_at IS NOT NULL)", name=op.f("ck_follow_up_task_done_has_time")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["organization.id"],
            name=op.f("fk_follow_up_task_department_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["resolution_id"],
            ["resolution.id"],
            name=op.f("fk_follow_up_task_resolution_id_resolution"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_task")),
    )
    with op.batch_alter_table("follow_up_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_task_due_date"), ["due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_task_modified"), ["modified"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_task_resolution_id"), ["resolution_id"], unique=False)

    op.create_table(
        "resolution_version",
        sa.Column("resolution_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "result",
            sa.Enum(
                "adopted",
                "adopted_amended",
                "rejected",
                "noted",
                "postponed",
                "withdrawn",
                "referred",
                name="item_result",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("wording", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("vote_summary", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint("version > 0", name=op.f("ck_resolution_version_positive")),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["user_account.id"],
            name=op.f("fk_resolution_version_author_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["resolution_id"],
            ["resolution.id"],
            name=op.f("fk_resolution_version_resolution_id_resolution"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resolution_version")),
        sa.UniqueConstraint("resolution_id", "version", name=op.f("uq_resolution_version_resolution_id_version")),
    )
    with op.batch_alter_table("resolution_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resolution_version_modified"), ["modified"], unique=False)

    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "result_kind",
                sa.Enum(
                    "adopted",
                    "adopted_amended",
                    "rejected",
                    "noted",
                    "postponed",
                    "withdrawn",
                    "referred",
                    name="item_result",
                    native_enum=False,
                    create_constraint=True,
                    length=40,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("referred_to_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_agenda_item_referred_to_id_organization"),
            "organization",
            ["referred_to_id"],
            ["id"],
            ondelete="RESTRICT",
        )

    with op.batch_alter_table("body", schema=None) as batch_op:
        batch_op.add_column(sa.Column("votes_changeable", sa.Boolean(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("body", schema=None) as batch_op:
        batch_op.drop_column("votes_changeable")

    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_agenda_item_referred_to_id_organization"), type_="foreignkey")
        # The enum's CHECK names the column; on SQLite's table rebuild it must go first.
        batch_op.drop_constraint(batch_op.f("ck_agenda_item_item_result"), type_="check")
        batch_op.drop_column("referred_to_id")
        batch_op.drop_column("result_kind")

    with op.batch_alter_table("resolution_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resolution_version_modified"))

    op.drop_table("resolution_version")
    with op.batch_alter_table("follow_up_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_task_resolution_id"))
        batch_op.drop_index(batch_op.f("ix_follow_up_task_modified"))
        batch_op.drop_index(batch_op.f("ix_follow_up_task_due_date"))

    op.drop_table("follow_up_task")
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_person_id"))
        batch_op.drop_index(batch_op.f("ix_vote_modified"))

    op.drop_table("vote")
    with op.batch_alter_table("secret_ballot_receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_secret_ballot_receipt_person_id"))

    op.drop_table("secret_ballot_receipt")
    with op.batch_alter_table("resolution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resolution_modified"))
        batch_op.drop_index(batch_op.f("ix_resolution_body_id"))

    op.drop_table("resolution")
    op.drop_table("poll_entitlement")
    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_poll_one_open_per_meeting",
            sqlite_where=sa.text("state = 'open'"),
            postgresql_where=sa.text("state = 'open'"),
        )
        batch_op.drop_index(batch_op.f("ix_poll_modified"))
        batch_op.drop_index(batch_op.f("ix_poll_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_poll_agenda_item_id"))

    op.drop_table("poll")
    with op.batch_alter_table("conflict_of_interest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_of_interest_modified"))
        batch_op.drop_index(batch_op.f("ix_conflict_of_interest_agenda_item_id"))

    op.drop_table("conflict_of_interest")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_subject")

    op.drop_table("audit_entry")
    op.drop_table("resolution_counter")
    op.drop_table("audit_chain")
