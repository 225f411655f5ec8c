"""Recording, sealing and verifying the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from council.audit.models import AuditChain, AuditEntry
from council.db import utcnow

GENESIS = "0" * 64
BATCH = 2000


def record(
    session: AsyncSession,
    *,
    action: str,
    subject_type: str,
    subject_id: int,
    actor_user_id: int | None,
    body_id: int | None,
    data: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> AuditEntry:
    """A pending entry in the caller's transaction. For secret polls callers leave the choice out of ``data``."""
    entry = AuditEntry(
        at=at or utcnow(),
        body_id=body_id,
        actor_user_id=actor_user_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        data=dict(data or {}),
    )
    session.add(entry)
    return entry


def entry_hash(entry: AuditEntry, seq: int, prev_hash: str) -> str:
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=dt.UTC)
    canonical = {
        "seq": seq,
        "prev_hash": prev_hash,
        "at": at.astimezone(dt.UTC).isoformat(),
        "body_id": entry.body_id,
        "actor_user_id": entry.actor_user_id,
        "action": entry.action,
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
        "data": entry.data,
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


async def _lock_chain(session: AsyncSession) -> AuditChain:
    """Write before reading: the update takes the row lock (PostgreSQL) or the write lock (SQLite)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    await session.execute(
        insert(AuditChain).values(id=1, last_seq=0, last_hash=GENESIS).on_conflict_do_nothing(index_elements=["id"])
    )
    await session.execute(update(AuditChain).where(AuditChain.id == 1).values(last_seq=AuditChain.last_seq))
    chain = await session.get(AuditChain, 1, populate_existing=True)
    assert chain is not None
    return chain


async def seal(session: AsyncSession) -> int:
    """Number and chain every pending entry, oldest first. Returns how many were sealed."""
    await session.flush()
    chain = await _lock_chain(session)
    sealed = 0
    while True:
        pending = list(
            await session.scalars(
                select(AuditEntry).where(AuditEntry.seq.is_(None)).order_by(AuditEntry.id).limit(BATCH)
            )
        )
        if not pending:
            break
        for entry in pending:
            seq = chain.last_seq + 1
            entry.seq, entry.prev_hash, entry.hash = seq, chain.last_hash, entry_hash(entry, seq, chain.last_hash)
            chain.last_seq, chain.last_hash = seq, entry.hash
        sealed += len(pending)
        await session.flush()
    return sealed


@dataclass(frozen=True)
class AuditReport:
    sealed: int
    pending: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


async def verify(session: AsyncSession) -> AuditReport:
    """Walk the chain: contiguous numbers, each link and hash as written, the head matching the last entry."""
    problems: list[str] = []
    expected_seq, prev = 1, GENESIS
    last_seen = 0
    stream = await session.stream_scalars(
        select(AuditEntry).where(AuditEntry.seq.is_not(None)).order_by(AuditEntry.seq).execution_options(yield_per=1000)
    )
    async for entry in stream:
        seq = entry.seq or 0
        if seq != expected_seq:
            problems.append(f"Einträge {expected_seq} bis {seq - 1} fehlen (gelöscht?).")
        if entry.prev_hash != prev:
            problems.append(f"Eintrag {seq}: Verkettung mit dem vorigen Eintrag stimmt nicht.")
        if entry.hash != entry_hash(entry, seq, entry.prev_hash or ""):
            problems.append(f"Eintrag {seq}: Prüfsumme stimmt nicht (verändert?).")
        expected_seq, prev, last_seen = seq + 1, entry.hash or "", seq
    chain = await session.get(AuditChain, 1)
    if chain is not None and (chain.last_seq != last_seen or (last_seen and chain.last_hash != prev)):
        problems.append(
            f"Der letzte versiegelte Eintrag ist {chain.last_seq}, vorhanden sind nur {last_seen} (gelöscht?)."
        )
    pending = len(list(await session.scalars(select(AuditEntry.id).where(AuditEntry.seq.is_(None)))))
    return AuditReport(sealed=last_seen, pending=pending, problems=problems)


async def entries_for(session: AsyncSession, subject_type: str, subject_id: int) -> list[AuditEntry]:
    rows = await session.scalars(
        select(AuditEntry)
        .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return list(rows)
