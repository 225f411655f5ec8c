"""Gapless counters: the last number given per body, series and year.

Incrementing the counter row is what makes numbers gapless and unique under concurrent requests: the UPDATE
takes the row lock (PostgreSQL) or the database write lock (SQLite) before anything is read, so a second
request waits until the first commits or rolls back. A rollback takes its number back with it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import CheckConstraint, ForeignKey, String, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from council.db import Base
from council.errors import ValidationFailed
from council.messages import N_

# The highest number already given in a series and year outside the counter (imports, older systems).
HighestUsed = Callable[[], Awaitable[int]]


class NumberCounter(Base):
    """One row per series: "resolution" for the Beschlussregister, "paper:<pattern>" for Vorlagen numbers."""

    __tablename__ = "number_counter"

    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="RESTRICT"), primary_key=True)
    series: Mapped[str] = mapped_column(String(120), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column()

    __table_args__ = (CheckConstraint("last_seq >= 0", name="last_seq_not_negative"),)


async def _ensure_counter(session: AsyncSession, body_id: int, series: str, year: int, highest: HighestUsed) -> None:
    """Create the counter, continuing after the highest number already used (imports)."""
    start = await highest()
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    await session.execute(
        insert(NumberCounter)
        .values(body_id=body_id, series=series, year=year, last_seq=start)
        .on_conflict_do_nothing(index_elements=["body_id", "series", "year"])
    )


async def _increment(session: AsyncSession, body_id: int, series: str, year: int) -> int | None:
    result = await session.execute(
        update(NumberCounter)
        .where(NumberCounter.body_id == body_id, NumberCounter.series == series, NumberCounter.year == year)
        .values(last_seq=NumberCounter.last_seq + 1)
        .returning(NumberCounter.last_seq)
    )
    return result.scalar_one_or_none()


async def next_seq(session: AsyncSession, body_id: int, series: str, year: int, highest: HighestUsed) -> int:
    """The next number of the series in that year, held by this transaction until it ends."""
    seq = await _increment(session, body_id, series, year)
    if seq is None:
        await _ensure_counter(session, body_id, series, year, highest)
        seq = await _increment(session, body_id, series, year)
    assert seq is not None
    return seq


async def continue_from(
    session: AsyncSession, body_id: int, series: str, year: int, last_seq: int, highest: HighestUsed
) -> None:
    """When a municipality switches systems mid-year: the next number follows the old system's last one."""
    if last_seq < 0:
        raise ValidationFailed({"last_seq": N_("Die letzte Nummer darf nicht negativ sein.")})
    await _ensure_counter(session, body_id, series, year, highest)
    counter = await session.get(NumberCounter, (body_id, series, year), with_for_update=True, populate_existing=True)
    assert counter is not None
    if last_seq < counter.last_seq:
        raise ValidationFailed({"last_seq": N_("Nummern werden nie wiederverwendet: der Zähler steht schon höher.")})
    counter.last_seq = last_seq
    await session.flush()
