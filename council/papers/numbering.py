"""Vorlagen numbers: the body's pattern per paper kind, a gapless series per pattern and year, version suffixes."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from council.bodies.models import DEFAULT_PAPER_REFERENCE_PATTERNS, Body
from council.errors import ValidationFailed
from council.numbering.counter import HighestUsed, next_seq
from council.numbering.patterns import PAPER_FIELDS, format_number, parse_number, pattern_problem, version_number
from council.papers.models import Paper, PaperKind


def reference_pattern(body: Body, kind: PaperKind) -> str:
    """The pattern for this kind, else the body's default one."""
    patterns = body.paper_reference_patterns or {}
    pattern = patterns.get(kind.value) or patterns.get("default") or DEFAULT_PAPER_REFERENCE_PATTERNS["default"]
    return str(pattern)


def paper_series(pattern: str) -> str:
    """Kinds that share a pattern share one series, so their numbers can never collide."""
    return f"paper:{pattern}"


def _highest_imported(session: AsyncSession, body_id: int, pattern: str, year: int) -> HighestUsed:
    """The highest number of the series already held by a paper, e.g. imported from an older system."""

    async def highest() -> int:
        references = await session.scalars(
            select(Paper.reference).where(Paper.body_id == body_id, Paper.original_id.is_(None))
        )
        parsed = (parse_number(pattern, reference) for reference in references)
        return max((p.seq for p in parsed if p is not None and p.in_year(year)), default=0)

    return highest


async def _taken(session: AsyncSession, body_id: int, reference: str) -> bool:
    found = await session.scalar(select(Paper.id).where(Paper.body_id == body_id, Paper.reference == reference))
    return found is not None


async def next_reference(session: AsyncSession, body: Body, kind: PaperKind, year: int, faction: str) -> str:
    """The next number of the kind's series for the year. Held by the caller's transaction until it ends, so
    two secretaries saving at once queue here and get consecutive numbers."""
    pattern = reference_pattern(body, kind)
    problem = pattern_problem(pattern, PAPER_FIELDS, require_year=True)
    if problem:
        raise ValidationFailed({"kind": problem})
    highest = _highest_imported(session, body.id, pattern, year)
    while True:
        seq = await next_seq(session, body.id, paper_series(pattern), year, highest)
        reference = format_number(pattern, seq, year, faction=faction, allowed=PAPER_FIELDS)
        # A paper imported after the series began may already hold this number: it is used, so skipping
        # it leaves no gap and never gives a number twice.
        if not await _taken(session, body.id, reference):
            return reference


async def next_version_reference(session: AsyncSession, original: Paper) -> tuple[int, str]:
    """The next replacement version of the original: its number with the suffix ``/1``, ``/2``, …"""

    async def highest() -> int:
        found = await session.scalar(
            select(func.coalesce(func.max(Paper.version), 0)).where(Paper.original_id == original.id)
        )
        return int(found or 0)

    while True:
        version = await next_seq(session, original.body_id, f"paper-version:{original.id}", 0, highest)
        reference = version_number(original.reference, version)
        if not await _taken(session, original.body_id, reference):
            return version, reference
