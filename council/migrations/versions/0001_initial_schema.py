"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "body",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=60), nullable=False),
        sa.Column("ags", sa.String(length=8), nullable=True),
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
            nullable=False,
        ),
        sa.Column("timezone", sa.String(length=60), nullable=False),
        sa.Column("paper_reference_patterns", sa.JSON(), nullable=False),
        sa.Column("resolution_number_pattern", sa.String(length=80), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("contact_email", sa.String(length=200), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint("ags IS NULL OR length(ags) = 8", name=op.f("ck_body_ags_has_eight_digits")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body")),
        sa.UniqueConstraint("short_name", name=op.f("uq_body_short_name")),
    )
    with op.batch_alter_table("body", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_body_modified"), ["modified"], unique=False)

    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_attempt_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_attempt_client"), ["client"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_attempt_username"), ["username"], unique=False)

    op.create_table(
        "legislative_term",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name=op.f("ck_legislative_term_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["body_id"], ["body.id"], name=op.f("fk_legislative_term_body_id_body"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legislative_term")),
        sa.UniqueConstraint("body_id", "name", name=op.f("uq_legislative_term_body_id_name")),
    )
    with op.batch_alter_table("legislative_term", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legislative_term_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_legislative_term_modified"), ["modified"], unique=False)

    op.create_table(
        "location",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("room", sa.String(length=120), nullable=True),
        sa.Column("street_address", sa.String(length=200), nullable=True),
        sa.Column("postal_code", sa.String(length=10), nullable=True),
        sa.Column("locality", sa.String(length=120), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"], name=op.f("fk_location_body_id_body"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_location")),
    )
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_location_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_location_modified"), ["modified"], unique=False)

    op.create_table(
        "organization",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "council",
                "committee",
                "advisory_board",
                "local_council",
                "faction",
                "department",
                name="organization_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=60), nullable=True),
        sa.Column("statutory_seats", sa.Integer(), nullable=True),
        sa.Column("digital_meetings_allowed", sa.Boolean(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name=op.f("ck_organization_ends_after_start"),
        ),
        sa.CheckConstraint(
            "statutory_seats IS NULL OR statutory_seats > 0", name=op.f("ck_organization_seats_positive")
        ),
        sa.ForeignKeyConstraint(
            ["body_id"], ["body.id"], name=op.f("fk_organization_body_id_body"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization")),
        sa.UniqueConstraint("body_id", "name", name=op.f("uq_organization_body_id_name")),
    )
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organization_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_organization_modified"), ["modified"], unique=False)

    op.create_table(
        "person",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("family_name", sa.String(length=120), nullable=False),
        sa.Column("given_name", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=True),
        sa.Column("form_of_address", sa.String(length=60), nullable=True),
        sa.Column("affix", sa.String(length=120), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=60), nullable=True),
        sa.Column("life", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"], name=op.f("fk_person_body_id_body"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_modified"), ["modified"], unique=False)

    op.create_table(
        "meeting",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("legislative_term_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("start", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("end", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column(
            "mode",
            sa.Enum(
                "in_person",
                "online",
                "hybrid",
                name="meeting_mode",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "planned",
                "invited",
                "opened",
                "closed",
                "cancelled",
                name="meeting_state",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("cancellation_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "(state = 'cancelled') = (cancellation_reason IS NOT NULL)", name=op.f("ck_meeting_cancelled_with_reason")
        ),
        sa.CheckConstraint('"end" IS NULL OR "end" >= start', name=op.f("ck_meeting_ends_after_start")),
        sa.CheckConstraint("number > 0", name=op.f("ck_meeting_number_positive")),
        sa.ForeignKeyConstraint(
            ["legislative_term_id"],
            ["legislative_term.id"],
            name=op.f("fk_meeting_legislative_term_id_legislative_term"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_meeting_location_id_location"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_meeting_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint(
            "organization_id",
            "legislative_term_id",
            "number",
            name=op.f("uq_meeting_organization_id_legislative_term_id_number"),
        ),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_modified"), ["modified"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_organization_id"), ["organization_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_start"), ["start"], unique=False)

    op.create_table(
        "membership",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "chair",
                "vice_chair",
                "member",
                "deputy",
                "expert_citizen",
                "advisory",
                name="membership_role",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("voting_right", sa.Boolean(), nullable=False),
        sa.Column("on_behalf_of_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name=op.f("ck_membership_ends_after_start")),
        sa.CheckConstraint(
            "on_behalf_of_id IS NULL OR on_behalf_of_id <> organization_id", name=op.f("ck_membership_faction_differs")
        ),
        sa.ForeignKeyConstraint(
            ["on_behalf_of_id"],
            ["organization.id"],
            name=op.f("fk_membership_on_behalf_of_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_membership_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_membership_person_id_person"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
        sa.UniqueConstraint(
            "person_id",
            "organization_id",
            "role",
            "start_date",
            name=op.f("uq_membership_person_id_organization_id_role_start_date"),
        ),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_membership_modified"), ["modified"], unique=False)
        batch_op.create_index(batch_op.f("ix_membership_organization_id"), ["organization_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_membership_person_id"), ["person_id"], unique=False)

    op.create_table(
        "paper",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "motion",
                "resolution_proposal",
                "inquiry",
                "answer",
                "information",
                "amendment",
                name="paper_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("proposed_resolution", sa.Text(), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("lead_department_id", sa.Integer(), nullable=True),
        sa.Column("related_paper_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "related_paper_id IS NULL OR related_paper_id <> id", name=op.f("ck_paper_not_related_to_itself")
        ),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"], name=op.f("fk_paper_body_id_body"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["lead_department_id"],
            ["organization.id"],
            name=op.f("fk_paper_lead_department_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["related_paper_id"], ["paper.id"], name=op.f("fk_paper_related_paper_id_paper"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper")),
        sa.UniqueConstraint("body_id", "reference", name=op.f("uq_paper_body_id_reference")),
    )
    with op.batch_alter_table("paper", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_paper_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_paper_modified"), ["modified"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_login", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["body.id"], name=op.f("fk_user_account_body_id_body"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_user_account_person_id_person"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("person_id", name=op.f("uq_user_account_person_id")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_account_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_user_account_modified"), ["modified"], unique=False)

    op.create_table(
        "attendance",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "present",
                "excused",
                "absent",
                name="attendance_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("arrived_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("left_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("substitutes_person_id", sa.Integer(), nullable=True),
        sa.Column("remote", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "status = 'present' OR (arrived_at IS NULL AND left_at IS NULL)",
            name=op.f("ck_attendance_times_only_if_present"),
        ),
        sa.CheckConstraint(
            "left_at IS NULL OR arrived_at IS NULL OR left_at >= arrived_at",
            name=op.f("ck_attendance_leaves_after_arrival"),
        ),
        sa.CheckConstraint(
            "substitutes_person_id IS NULL OR substitutes_person_id <> person_id",
            name=op.f("ck_attendance_not_substituting_self"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_attendance_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_attendance_person_id_person"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["substitutes_person_id"],
            ["person.id"],
            name=op.f("fk_attendance_substitutes_person_id_person"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint("meeting_id", "person_id", name=op.f("uq_attendance_meeting_id_person_id")),
        sa.UniqueConstraint(
            "meeting_id", "substitutes_person_id", name=op.f("uq_attendance_meeting_id_substitutes_person_id")
        ),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendance_modified"), ["modified"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendance_person_id"), ["person_id"], unique=False)

    op.create_table(
        "body_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin", "secretariat", name="body_role_kind", native_enum=False, create_constraint=True, length=40
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"], name=op.f("fk_body_role_body_id_body"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_body_role_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body_role")),
        sa.UniqueConstraint("user_id", "body_id", "role", name=op.f("uq_body_role_user_id_body_id_role")),
    )
    with op.batch_alter_table("body_role", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_body_role_modified"), ["modified"], unique=False)
        batch_op.create_index(batch_op.f("ix_body_role_user_id"), ["user_id"], unique=False)

    op.create_table(
        "consultation",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "prior_deliberation",
                "decision",
                "information",
                name="consultation_role",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_consultation_meeting_id_meeting"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_consultation_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["paper.id"], name=op.f("fk_consultation_paper_id_paper"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation")),
        sa.UniqueConstraint("paper_id", "position", name=op.f("uq_consultation_paper_id_position")),
    )
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultation_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultation_modified"), ["modified"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultation_organization_id"), ["organization_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultation_paper_id"), ["paper_id"], unique=False)

    op.create_table(
        "file",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("mime_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha512", sa.String(length=128), nullable=False),
        sa.Column("storage_path", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint("length(sha512) = 128", name=op.f("ck_file_sha512_is_hex")),
        sa.CheckConstraint("size >= 0", name=op.f("ck_file_size_not_negative")),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"], name=op.f("fk_file_body_id_body"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_file_meeting_id_meeting"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["paper_id"], ["paper.id"], name=op.f("fk_file_paper_id_paper"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_file")),
    )
    with op.batch_alter_table("file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_file_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_file_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_file_modified"), ["modified"], unique=False)
        batch_op.create_index(batch_op.f("ix_file_paper_id"), ["paper_id"], unique=False)

    op.create_table(
        "submitter",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "(person_id IS NULL) <> (organization_id IS NULL)", name=op.f("ck_submitter_either_person_or_organization")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_submitter_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["paper.id"], name=op.f("fk_submitter_paper_id_paper"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_submitter_person_id_person"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submitter")),
        sa.UniqueConstraint("paper_id", "position", name=op.f("uq_submitter_paper_id_position")),
    )
    with op.batch_alter_table("submitter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submitter_modified"), ["modified"], unique=False)
        batch_op.create_index(batch_op.f("ix_submitter_paper_id"), ["paper_id"], unique=False)

    op.create_table(
        "agenda_item",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("result", sa.String(length=200), nullable=True),
        sa.Column("resolution_text", sa.Text(), nullable=True),
        sa.Column("vote_summary", sa.String(length=200), nullable=True),
        sa.Column("resolution_number", sa.String(length=40), nullable=True),
        sa.Column("decided_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("modified", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint("parent_id IS NULL OR parent_id <> id", name=op.f("ck_agenda_item_not_its_own_parent")),
        sa.CheckConstraint("position >= 0", name=op.f("ck_agenda_item_position_not_negative")),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_agenda_item_consultation_id_consultation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_agenda_item_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["agenda_item.id"], name=op.f("fk_agenda_item_parent_id_agenda_item"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
        sa.UniqueConstraint("consultation_id", name=op.f("uq_agenda_item_consultation_id")),
        sa.UniqueConstraint("meeting_id", "position", name=op.f("uq_agenda_item_meeting_id_position")),
    )
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_item_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_item_modified"), ["modified"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_item_modified"))
        batch_op.drop_index(batch_op.f("ix_agenda_item_meeting_id"))

    op.drop_table("agenda_item")
    with op.batch_alter_table("submitter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submitter_paper_id"))
        batch_op.drop_index(batch_op.f("ix_submitter_modified"))

    op.drop_table("submitter")
    with op.batch_alter_table("file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_file_paper_id"))
        batch_op.drop_index(batch_op.f("ix_file_modified"))
        batch_op.drop_index(batch_op.f("ix_file_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_file_body_id"))

    op.drop_table("file")
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_paper_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_organization_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_modified"))
        batch_op.drop_index(batch_op.f("ix_consultation_meeting_id"))

    op.drop_table("consultation")
    with op.batch_alter_table("body_role", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_body_role_user_id"))
        batch_op.drop_index(batch_op.f("ix_body_role_modified"))

    op.drop_table("body_role")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_person_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_modified"))
        batch_op.drop_index(batch_op.f("ix_attendance_meeting_id"))

    op.drop_table("attendance")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_modified"))
        batch_op.drop_index(batch_op.f("ix_user_account_body_id"))

    op.drop_table("user_account")
    with op.batch_alter_table("paper", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paper_modified"))
        batch_op.drop_index(batch_op.f("ix_paper_body_id"))

    op.drop_table("paper")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_person_id"))
        batch_op.drop_index(batch_op.f("ix_membership_organization_id"))
        batch_op.drop_index(batch_op.f("ix_membership_modified"))

    op.drop_table("membership")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_start"))
        batch_op.drop_index(batch_op.f("ix_meeting_organization_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_modified"))

    op.drop_table("meeting")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_modified"))
        batch_op.drop_index(batch_op.f("ix_person_body_id"))

    op.drop_table("person")
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organization_modified"))
        batch_op.drop_index(batch_op.f("ix_organization_body_id"))

    op.drop_table("organization")
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_location_modified"))
        batch_op.drop_index(batch_op.f("ix_location_body_id"))

    op.drop_table("location")
    with op.batch_alter_table("legislative_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legislative_term_modified"))
        batch_op.drop_index(batch_op.f("ix_legislative_term_body_id"))

    op.drop_table("legislative_term")
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_attempt_username"))
        batch_op.drop_index(batch_op.f("ix_login_attempt_client"))
        batch_op.drop_index(batch_op.f("ix_login_attempt_at"))

    op.drop_table("login_attempt")
    with op.batch_alter_table("body", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_body_modified"))

    op.drop_table("body")
