"""Recording, sealing and verifying the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from council.audit.models import AuditChain, AuditEntry
from council.db import utcnow

GENESIS = "0" * 64
# Rows per statement round: sealing and verifying never hold the whole log in memory.
BATCH = 2000
VERIFY_CHUNK = 1000


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


async def record_many(session: AsyncSession, entries: list[dict[str, Any]]) -> None:
    """Pending entries in the caller's transaction, as one bulk INSERT: the votes of a batch (a thousand in a vote
    storm) would otherwise each pass through the ORM's unit of work. ``entries`` hold ``record``'s arguments except
    the session; unlike ``record`` this writes at once instead of at the next flush."""
    if not entries:
        return
    now = utcnow()
    rows = [
        {
            "at": entry.get("at") or now,
            "body_id": entry.get("body_id"),
            "actor_user_id": entry.get("actor_user_id"),
            "action": entry["action"],
            "subject_type": entry["subject_type"],
            "subject_id": entry["subject_id"],
            "data": dict(entry.get("data") or {}),
        }
        for entry in entries
    ]
    await session.execute(insert(AuditEntry), rows)


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


async def has_pending(session: AsyncSession) -> bool:
    """Whether any entry waits for its number: a read, so an idle log costs no write (and no write lock)."""
    return bool(await session.scalar(select(select(AuditEntry.id).where(AuditEntry.seq.is_(None)).exists())))


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


def _missing(first: int, last: int) -> str:
    if first == last:
        return f"Eintrag {first} fehlt (gelöscht?)"
    return f"Einträge {first} bis {last} fehlen (gelöscht?)"


@dataclass
class _Walk:
    """One pass along the sealed entries in seq order, collecting what does not add up."""

    head_seq: int
    problems: list[str] = field(default_factory=list)
    count: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    head_hash: str | None = None

    def check(self, entry: AuditEntry) -> None:
        seq = entry.seq or 0  # only sealed entries are walked
        if seq != self.last_seq + 1:
            self.problems.append(_missing(self.last_seq + 1, seq - 1) + ".")
        if entry.prev_hash != self.last_hash:
            self.problems.append(f"Eintrag {seq}: Verkettung mit dem vorigen Eintrag stimmt nicht.")
        if entry.hash != entry_hash(entry, seq, entry.prev_hash or ""):
            self.problems.append(f"Eintrag {seq}: Prüfsumme stimmt nicht (verändert?).")
        if seq == self.head_seq:
            self.head_hash = entry.hash
        self.count, self.last_seq, self.last_hash = self.count + 1, seq, entry.hash or ""

    def check_head(self, before: tuple[int, str] | None, after: tuple[int, str] | None) -> None:
        """``before`` was read ahead of the walk, ``after`` behind it: a sealer committing in between only adds
        entries past ``before``, and ``after`` acknowledges them, so a running app causes no false alarm."""
        if after is None:
            if self.count:
                self.problems.append(f"Der Kopf der Kette fehlt, obwohl {self.count} Einträge versiegelt sind.")
            return
        head_seq, head_hash = before or (0, GENESIS)
        if self.last_seq < head_seq:
            self.problems.append(f"{_missing(self.last_seq + 1, head_seq)}: die Kette reicht bis {head_seq}.")
        elif head_seq and self.head_hash is not None and self.head_hash != head_hash:
            self.problems.append(f"Eintrag {head_seq}: Prüfsumme weicht vom Kopf der Kette ab (verändert?).")
        if self.last_seq > after[0]:
            self.problems.append(f"Eintrag {self.last_seq} steht hinter dem Kopf der Kette (eingefügt?).")


async def _head(session: AsyncSession) -> tuple[int, str] | None:
    row = (await session.execute(select(AuditChain.last_seq, AuditChain.last_hash).where(AuditChain.id == 1))).first()
    return (row.last_seq, row.last_hash) if row else None


async def verify(session: AsyncSession) -> AuditReport:
    """Walk the chain: contiguous numbers, each link and hash as written, the head matching the last entry."""
    before = await _head(session)
    walk = _Walk(head_seq=before[0] if before else 0)
    stream = await session.stream_scalars(
        select(AuditEntry)
        .where(AuditEntry.seq.is_not(None))
        .order_by(AuditEntry.seq)
        # Chunks keep a million entries out of memory; populate_existing checks the rows, not objects in the session.
        .execution_options(yield_per=VERIFY_CHUNK, populate_existing=True)
    )
    async for entry in stream:
        walk.check(entry)
    walk.check_head(before, await _head(session))
    pending = await session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.seq.is_(None)))
    return AuditReport(sealed=walk.count, pending=pending or 0, problems=walk.problems)


async def entries_for(session: AsyncSession, subject_type: str, subject_id: int) -> list[AuditEntry]:
    """The history of one subject (a poll, say), in the order it happened."""
    rows = await session.scalars(
        select(AuditEntry)
        .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return list(rows)
