"""The audit log: pending entries are sealed into a hash chain, and verify finds every edited or removed entry."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.audit import service
from council.audit.models import AuditChain, AuditEntry
from council.audit.service import GENESIS, entries_for, record, seal, verify
from council.bodies.models import Body
from council.db import create_engine, session_factory, transaction

Sessions = async_sessionmaker[AsyncSession]
COUNCIL = Path(sys.executable).with_name("council")
only_postgresql = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def _record(session: AsyncSession, n: int, **overrides: Any) -> AuditEntry:
    fields: dict[str, Any] = {
        "action": "vote.cast",
        "subject_type": "poll",
        "subject_id": 1,
        "actor_user_id": None,
        "body_id": None,
        "data": {"n": n, "choice": "yes"},
    }
    return record(session, **(fields | overrides))


async def _record_committed(sessions: Sessions, count: int, start: int = 0) -> None:
    async with transaction(sessions) as session:
        for n in range(start, start + count):
            _record(session, n)


async def _seal(sessions: Sessions) -> int:
    async with transaction(sessions) as session:
        return await seal(session)


async def _verify(sessions: Sessions) -> service.AuditReport:
    async with sessions() as session:
        return await verify(session)


async def _sealed(sessions: Sessions) -> list[AuditEntry]:
    async with sessions() as session:
        return list(
            await session.scalars(select(AuditEntry).where(AuditEntry.seq.is_not(None)).order_by(AuditEntry.seq))
        )


async def _tamper(sessions: Sessions, sql: str, **params: Any) -> None:
    statement = text(sql)
    if "data" in params:
        statement = statement.bindparams(bindparam("data", type_=JSON))
    async with transaction(sessions) as session:
        await session.execute(statement, params)


async def _sealed_chain_of_three(sessions: Sessions) -> None:
    await _record_committed(sessions, 3)
    assert await _seal(sessions) == 3
    assert (await _verify(sessions)).ok


# --- sealing ----------------------------------------------------------------------------------------------


async def test_recorded_entries_are_sealed_into_an_intact_chain(sessions: Sessions) -> None:
    async with transaction(sessions) as session:
        body = Body(name="Prüfstadt", short_name="pruefstadt")
        session.add(body)
        await session.flush()
        for n in range(3):
            _record(session, n, body_id=body.id)

    assert await _seal(sessions) == 3

    entries = await _sealed(sessions)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert [e.prev_hash for e in entries] == [GENESIS, entries[0].hash, entries[1].hash]
    assert all(e.hash and len(e.hash) == 64 for e in entries)
    report = await _verify(sessions)
    assert report.ok and (report.sealed, report.pending, report.problems) == (3, 0, [])


async def test_sealing_in_the_acting_transaction_sees_its_own_entries(session: AsyncSession) -> None:
    async with session.begin():
        _record(session, 1)
        assert await seal(session) == 1
    assert (await verify(session)).ok


async def test_pending_entries_are_counted_and_sealing_them_later_extends_the_chain(sessions: Sessions) -> None:
    await _record_committed(sessions, 2)
    assert await _seal(sessions) == 2
    await _record_committed(sessions, 3, start=2)

    report = await _verify(sessions)
    assert report.ok and (report.sealed, report.pending) == (2, 3)

    assert await _seal(sessions) == 3
    entries = await _sealed(sessions)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[2].prev_hash == entries[1].hash
    assert [e.data["n"] for e in entries] == [0, 1, 2, 3, 4]  # sealed in the order they were written
    report = await _verify(sessions)
    assert report.ok and (report.sealed, report.pending) == (5, 0)


async def test_resealing_seals_nothing_new_and_leaves_the_head_alone(sessions: Sessions) -> None:
    await _sealed_chain_of_three(sessions)
    async with sessions() as session:
        head = await session.get(AuditChain, 1)
        assert head is not None and head.last_seq == 3

    assert await _seal(sessions) == 0

    async with sessions() as session:
        again = await session.get(AuditChain, 1)
        assert again is not None and (again.last_seq, again.last_hash) == (3, head.last_hash)


async def test_an_empty_log_seals_nothing_and_verifies(sessions: Sessions) -> None:
    assert await _seal(sessions) == 0
    report = await _verify(sessions)
    assert report.ok and (report.sealed, report.pending) == (0, 0)


async def test_batches_and_chunks_make_one_chain(sessions: Sessions, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "BATCH", 2)
    monkeypatch.setattr(service, "VERIFY_CHUNK", 2)
    await _record_committed(sessions, 7)

    assert await _seal(sessions) == 7

    assert [e.seq for e in await _sealed(sessions)] == list(range(1, 8))
    report = await _verify(sessions)
    assert report.ok and report.sealed == 7


async def test_entries_for_a_subject_come_in_the_order_they_happened(sessions: Sessions) -> None:
    noon = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)
    async with transaction(sessions) as session:
        _record(session, 1, action="poll.closed", at=noon + dt.timedelta(minutes=5))
        _record(session, 2, action="poll.opened", at=noon)
        _record(session, 3, action="poll.opened", subject_id=2, at=noon)
        _record(session, 4, action="vote.cast", at=noon + dt.timedelta(minutes=1))

    async with sessions() as session:
        history = await entries_for(session, "poll", 1)
    assert [e.action for e in history] == ["poll.opened", "vote.cast", "poll.closed"]
    assert history[0].at == noon


# --- tampering --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        pytest.param(
            "UPDATE audit_entry SET data = :data WHERE seq = 2", {"data": {"n": 1, "choice": "no"}}, id="data"
        ),
        pytest.param("UPDATE audit_entry SET action = 'vote.withdrawn' WHERE seq = 2", {}, id="action"),
        pytest.param("UPDATE audit_entry SET subject_id = 99 WHERE seq = 2", {}, id="subject"),
        pytest.param("UPDATE audit_entry SET hash = :forged WHERE seq = 2", {"forged": "f" * 64}, id="hash"),
    ],
)
async def test_editing_a_sealed_entry_is_detected(sessions: Sessions, sql: str, params: dict[str, Any]) -> None:
    await _sealed_chain_of_three(sessions)

    await _tamper(sessions, sql, **params)

    report = await _verify(sessions)
    assert not report.ok
    assert report.problems[0].startswith("Eintrag 2: "), report.problems


async def test_rewriting_a_hash_to_fit_breaks_the_link_to_the_next_entry(sessions: Sessions) -> None:
    await _sealed_chain_of_three(sessions)
    entries = await _sealed(sessions)
    forged = {**entries[1].data, "choice": "no"}
    entries[1].data = forged
    new_hash = service.entry_hash(entries[1], 2, entries[1].prev_hash or "")

    await _tamper(sessions, "UPDATE audit_entry SET data = :data, hash = :h WHERE seq = 2", data=forged, h=new_hash)

    report = await _verify(sessions)
    assert report.problems == ["Eintrag 3: Verkettung mit dem vorigen Eintrag stimmt nicht."]


async def test_deleting_a_middle_entry_is_detected(sessions: Sessions) -> None:
    await _sealed_chain_of_three(sessions)

    await _tamper(sessions, "DELETE FROM audit_entry WHERE seq = 2")

    report = await _verify(sessions)
    assert "Eintrag 2 fehlt (gelöscht?)." in report.problems
    assert report.sealed == 2


async def test_deleting_the_last_entry_is_detected_by_the_head(sessions: Sessions) -> None:
    await _sealed_chain_of_three(sessions)

    await _tamper(sessions, "DELETE FROM audit_entry WHERE seq = 3")

    report = await _verify(sessions)
    assert report.problems == ["Eintrag 3 fehlt (gelöscht?): die Kette reicht bis 3."]


async def test_deleting_the_last_entry_and_the_head_is_detected(sessions: Sessions) -> None:
    await _sealed_chain_of_three(sessions)

    await _tamper(sessions, "DELETE FROM audit_entry WHERE seq = 3")
    await _tamper(sessions, "DELETE FROM audit_chain")

    report = await _verify(sessions)
    assert report.problems == ["Der Kopf der Kette fehlt, obwohl 2 Einträge versiegelt sind."]


async def test_unsealing_an_entry_is_detected(sessions: Sessions) -> None:
    await _sealed_chain_of_three(sessions)

    await _tamper(sessions, "UPDATE audit_entry SET seq = NULL, hash = NULL WHERE seq = 2")

    report = await _verify(sessions)
    assert "Eintrag 2 fehlt (gelöscht?)." in report.problems
    assert report.pending == 1


# --- concurrency ------------------------------------------------------------------------------------------


async def test_concurrent_sealers_make_one_contiguous_chain(sessions: Sessions) -> None:
    for start in (0, 10, 20, 30):
        await _record_committed(sessions, 10, start=start)

    counts = await asyncio.gather(*(_seal(sessions) for _ in range(4)))

    assert sum(counts) == 40
    assert [e.seq for e in await _sealed(sessions)] == list(range(1, 41))
    report = await _verify(sessions)
    assert report.ok and report.sealed == 40


@only_postgresql
async def test_a_sealer_holds_back_the_next_sealer_but_not_the_votes(sessions: Sessions) -> None:
    await _record_committed(sessions, 3)
    async with transaction(sessions) as first:
        assert await seal(first) == 3
        # Recording only inserts: it commits while the first sealer still holds the chain row.
        await asyncio.wait_for(_record_committed(sessions, 2, start=3), timeout=5)
        second = asyncio.create_task(_seal(sessions))
        await asyncio.sleep(0.3)
        assert not second.done()

    assert await asyncio.wait_for(second, timeout=5) == 2
    assert [e.seq for e in await _sealed(sessions)] == [1, 2, 3, 4, 5]
    assert (await _verify(sessions)).ok


async def test_verify_while_sealing_reports_no_false_alarm(sessions: Sessions) -> None:
    await _sealed_chain_of_three(sessions)

    async def keep_sealing() -> None:
        for start in range(3, 23):
            await _record_committed(sessions, 1, start=start)
            await _seal(sessions)

    sealer = asyncio.create_task(keep_sealing())
    reports = []
    while not sealer.done():
        reports.append(await _verify(sessions))
    await sealer

    assert reports and all(r.ok for r in reports), [r.problems for r in reports if not r.ok]


# --- the command ------------------------------------------------------------------------------------------


def _council(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed command with only COUNCIL_VAR_DIR of the COUNCIL_* variables set (a SQLite file)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("COUNCIL_")}
    env["COUNCIL_VAR_DIR"] = str(var_dir)
    return subprocess.run(
        [str(COUNCIL), *args], env=env, cwd=var_dir.parent, capture_output=True, text=True, timeout=120, check=False
    )


def _record_through_the_service(database: Path, count: int, start: int = 0) -> None:
    async def write() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{database}")
        try:
            await _record_committed(session_factory(engine), count, start)
        finally:
            await engine.dispose()

    asyncio.run(write())


def test_the_command_seals_verifies_and_fails_on_a_forged_hash(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    database = var_dir / "council.sqlite3"
    assert _council(var_dir, "db", "upgrade").returncode == 0
    _record_through_the_service(database, 3)

    sealed = _council(var_dir, "audit", "seal")
    assert sealed.returncode == 0, sealed.stderr
    assert "3 Einträge versiegelt." in sealed.stdout
    _record_through_the_service(database, 1, start=3)
    intact = _council(var_dir, "audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert "Protokoll unversehrt: 3 Einträge versiegelt, 1 ausstehend." in intact.stdout

    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE audit_entry SET hash = ? WHERE seq = 2", ("e" * 64,))
    tampered = _council(var_dir, "audit", "verify")
    assert tampered.returncode == 1
    assert "Eintrag 2: Prüfsumme stimmt nicht (verändert?)." in tampered.stderr
    assert "Eintrag 3: Verkettung" in tampered.stderr
    assert "Traceback" not in tampered.stderr


async def test_the_background_sealer_writes_only_when_entries_wait(
    sessions: Sessions, engine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An idle log costs no write: the public pages' cache (council/changes.py) is not emptied every round, and
    SQLite's write lock is not taken for nothing."""
    from council import changes
    from council.audit import sealing

    monkeypatch.setattr(sealing, "SEAL_INTERVAL_SECONDS", 0.05)
    key = changes.database_key(engine.url)
    task = asyncio.create_task(sealing.seal_periodically(sessions))
    try:
        await asyncio.sleep(0.3)
        before = changes.change_count(key)
        await asyncio.sleep(0.3)
        assert changes.change_count(key) == before
        await _record_committed(sessions, 3)
        for _ in range(100):
            async with sessions() as session:
                if not await service.has_pending(session):
                    break
            await asyncio.sleep(0.05)
        async with sessions() as session:
            assert (await verify(session)).sealed == 3
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
