"""The Alembic revisions agree with the models, round-trip cleanly, and the database itself guards integrity.

The schema tests are sync on purpose: ``council.schema.upgrade``/``downgrade`` run their own event loop.
Each gets an empty database of its own (a SQLite file, or a fresh PostgreSQL database per test).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

import council.models  # noqa: F401  (fills the metadata)
from council.bodies.models import (
    Body,
    LegislativeTerm,
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    Person,
)
from council.db import Base, Record, create_engine
from council.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingState
from council.schema import alembic_config, downgrade, upgrade
from council.search.models import is_engine_table
from tests import databases

# Logs, counters and snapshots: appended or incremented, never edited or soft-deleted as records are.
TABLES_WITHOUT_RECORD_COLUMNS = {
    "login_attempt",
    "audit_entry",
    "audit_chain",
    "number_counter",
    "poll_entitlement",
    "secret_ballot_receipt",
}
RECORD_COLUMNS = {"created", "modified", "deleted"}


# --- an empty database per test ---------------------------------------------------------------------------


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database without any table, not even alembic_version."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"council_migrations_{worker}_{uuid.uuid4().hex[:12]}"
    asyncio.run(databases._recreate_postgres_database(name))
    try:
        yield databases.sqlalchemy_url(databases.postgres_url_for(name))
    finally:
        databases.drop_postgres(name)


def inspect_database(url: str, look: Callable[[Connection], Any]) -> Any:
    """Run ``look`` on a sync connection to the database (through the async driver). Call outside a loop."""

    async def run() -> Any:
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                return await connection.run_sync(look)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _table_names(connection: Connection) -> set[str]:
    return {name for name in inspect(connection).get_table_names() if not is_engine_table(name)}


def _schema_snapshot(connection: Connection) -> dict[str, Any]:
    inspector = inspect(connection)
    return {
        table: {
            "columns": sorted((c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)),
            "indexes": sorted(str(i["name"]) for i in inspector.get_indexes(table)),
            "foreign_keys": sorted(str(fk["name"]) for fk in inspector.get_foreign_keys(table)),
            "checks": sorted(str(ck["name"]) for ck in inspector.get_check_constraints(table)),
        }
        for table in sorted(inspector.get_table_names())
        if not is_engine_table(table)
    }


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _pending_diff(connection: Connection) -> list[Any]:
    def include_name(name: str | None, type_: str, _parent: object) -> bool:
        return not (type_ == "table" and name is not None and is_engine_table(name))

    context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
    return list(compare_metadata(context, Base.metadata))


def _head(url: str) -> str:
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert head is not None
    return head


# --- schema tests -----------------------------------------------------------------------------------------


def test_upgrade_on_an_empty_database_matches_the_models(empty_database_url: str) -> None:
    upgrade(empty_database_url)

    assert inspect_database(empty_database_url, _current_revision) == _head(empty_database_url)
    tables = inspect_database(empty_database_url, _table_names)
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
    assert inspect_database(empty_database_url, _pending_diff) == []


def test_downgrade_to_base_and_upgrade_again(empty_database_url: str, backend: str) -> None:
    upgrade(empty_database_url)
    migrated = inspect_database(empty_database_url, _schema_snapshot)

    downgrade(empty_database_url, "base")

    assert inspect_database(empty_database_url, _table_names) == {"alembic_version"}
    assert inspect_database(empty_database_url, _current_revision) is None
    if backend == "postgresql":
        leftovers = inspect_database(
            empty_database_url,
            lambda c: c.execute(
                text(
                    "SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                    "WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')"
                )
            ).all(),
        )
        assert leftovers == []

    upgrade(empty_database_url)

    assert inspect_database(empty_database_url, _schema_snapshot) == migrated
    assert inspect_database(empty_database_url, _pending_diff) == []


def test_second_upgrade_is_a_no_op(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    before = inspect_database(empty_database_url, _schema_snapshot)
    inspect_database(
        empty_database_url,
        lambda c: c.execute(
            insert(Body).values(
                name="Bleibstadt",
                short_name="bleibstadt",
                created=dt.datetime.now(dt.UTC),
                modified=dt.datetime.now(dt.UTC),
            )
        ),
    )

    upgrade(empty_database_url)

    assert inspect_database(empty_database_url, _schema_snapshot) == before
    assert inspect_database(empty_database_url, _current_revision) == _head(empty_database_url)
    assert inspect_database(empty_database_url, lambda c: c.execute(select(Body.name)).scalars().all()) == [
        "Bleibstadt"
    ]


def test_every_table_but_the_login_log_has_the_record_columns() -> None:
    without = {table.name for table in Base.metadata.sorted_tables if not set(table.columns.keys()) >= RECORD_COLUMNS}
    assert without == TABLES_WITHOUT_RECORD_COLUMNS
    record_tables = {
        mapper.class_.__tablename__ for mapper in Base.registry.mappers if issubclass(mapper.class_, Record)
    }
    assert record_tables == set(Base.metadata.tables) - TABLES_WITHOUT_RECORD_COLUMNS


def test_the_migrated_tables_have_the_record_columns(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    snapshot = inspect_database(empty_database_url, _schema_snapshot)
    without = {
        table
        for table, shape in snapshot.items()
        if table != "alembic_version" and not {column[0] for column in shape["columns"]} >= RECORD_COLUMNS
    }
    assert without == TABLES_WITHOUT_RECORD_COLUMNS


# --- integrity enforced by the database -------------------------------------------------------------------


async def _basics(session: AsyncSession) -> tuple[Person, Organization, Meeting]:
    body = Body(name="Prüfstadt", short_name="pruefstadt")
    session.add(body)
    await session.flush()
    term = LegislativeTerm(body_id=body.id, name="WP", start_date=dt.date(2024, 1, 1))
    committee = Organization(body_id=body.id, kind=OrganizationKind.COMMITTEE, name="Bauausschuss")
    person = Person(body_id=body.id, given_name="Ida", family_name="Integrität")
    session.add_all([term, committee, person])
    await session.flush()
    meeting = Meeting(
        organization_id=committee.id,
        legislative_term_id=term.id,
        number=1,
        start=dt.datetime(2024, 3, 1, 17, tzinfo=dt.UTC),
    )
    session.add(meeting)
    await session.flush()
    return person, committee, meeting


def _membership(person: Person, committee: Organization, _meeting: Meeting, *, bad: bool) -> Any:
    return Membership(
        person_id=person.id,
        organization_id=committee.id,
        role=MembershipRole.MEMBER,
        start_date=dt.date(2024, 6, 1) if bad else dt.date(2024, 7, 1),
        end_date=dt.date(2024, 5, 31) if bad else dt.date(2024, 7, 1),
    )


def _meeting(_person: Person, committee: Organization, meeting: Meeting, *, bad: bool) -> Any:
    return Meeting(
        organization_id=committee.id,
        legislative_term_id=meeting.legislative_term_id,
        number=2 if bad else 4,
        start=dt.datetime(2024, 4, 1, 17, tzinfo=dt.UTC),
        state=MeetingState.PLANNED if bad else MeetingState.CANCELLED,
        cancellation_reason="Beschlussunfähig",
    )


def _planned_meeting_without_reason(_person: Person, committee: Organization, meeting: Meeting, *, bad: bool) -> Any:
    return Meeting(
        organization_id=committee.id,
        legislative_term_id=meeting.legislative_term_id,
        number=3 if bad else 5,
        start=dt.datetime(2024, 5, 1, 17, tzinfo=dt.UTC),
        state=MeetingState.CANCELLED if bad else MeetingState.PLANNED,
        cancellation_reason=None,
    )


def _attendance(person: Person, _committee: Organization, meeting: Meeting, *, bad: bool) -> Any:
    return Attendance(
        meeting_id=meeting.id,
        person_id=person.id + 1000 if bad else person.id,
        status=AttendanceStatus.PRESENT,
    )


@pytest.mark.parametrize(
    ("build", "sqlite_message", "postgres_message"),
    [
        pytest.param(_membership, "ck_membership_ends_after_start", "ck_membership_ends_after_start", id="membership"),
        pytest.param(_meeting, "ck_meeting_cancelled_with_reason", "ck_meeting_cancelled_with_reason", id="reason"),
        pytest.param(
            _planned_meeting_without_reason,
            "ck_meeting_cancelled_with_reason",
            "ck_meeting_cancelled_with_reason",
            id="cancelled-without-reason",
        ),
        pytest.param(
            _attendance, "FOREIGN KEY constraint failed", "fk_attendance_person_id_person", id="unknown-person"
        ),
    ],
)
async def test_the_database_rejects_inconsistent_rows(
    session: AsyncSession, backend: str, build: Any, sqlite_message: str, postgres_message: str
) -> None:
    person, committee, meeting = await _basics(session)

    # The consistent twin is accepted, so the rejection below is about the one broken rule.
    async with session.begin_nested():
        session.add(build(person, committee, meeting, bad=False))
        await session.flush()

    savepoint = await session.begin_nested()
    session.add(build(person, committee, meeting, bad=True))
    with pytest.raises(IntegrityError) as caught:
        await session.flush()
    await savepoint.rollback()
    assert (sqlite_message if backend == "sqlite" else postgres_message) in str(caught.value.orig)
