"""Register numbers: patterns as pure functions (with properties), and the gapless counters on both databases."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.pool import StaticPool

import council.models  # noqa: F401  (fills the metadata)
from council.bodies.models import Body
from council.db import Base, create_engine, session_factory
from council.errors import ValidationFailed
from council.numbering.counter import NumberCounter, continue_from, next_seq
from council.numbering.patterns import (
    PAPER_FIELDS,
    format_number,
    parse_number,
    pattern_problem,
    version_number,
)
from council.papers.models import Paper, PaperKind
from council.papers.numbering import next_reference, next_version_reference

PAPER_PATTERNS = ["VO/{yyyy}/{seq:05}", "{faction}/{seq}/{yy}", "{seq:03}/{yyyy}", "30/{seq:03}/{yyyy}", "{seq}/{yy}"]
FACTIONS = st.sampled_from(["GRÜ", "SPD", "B90/Grüne", "Die Linke", "FDP"])
YEARS = st.integers(min_value=1990, max_value=2089)
SEQS = st.integers(min_value=1, max_value=99_999)


def test_seed_numbers_come_out_of_their_patterns() -> None:
    assert format_number("VO/{yyyy}/{seq:05}", 1919, 2014, allowed=PAPER_FIELDS) == "VO/2014/01919"
    assert format_number("{faction}/{seq}/{yy}", 1248, 2016, faction="GRÜ", allowed=PAPER_FIELDS) == "GRÜ/1248/16"
    assert format_number("{seq}/{yy}", 567, 2024) == "567/24"
    assert version_number("VO/2014/01919", 1) == "VO/2014/01919/1"


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [
        ("VO/{yyyy}", "{seq}"),
        ("{seq}/{month}", "Unbekannter Platzhalter"),
        ("{seq:x5}/{yy}", "Stellenzahl"),
        ("{seq/{yy}", "geschweifte Klammer"),
        ("{faction}/{seq}", "Jahr"),
        ("{seq}/{yy:03}", "Nur {seq}"),
    ],
)
def test_unusable_paper_patterns_say_why(pattern: str, fragment: str) -> None:
    problem = pattern_problem(pattern, PAPER_FIELDS, require_year=True)
    assert problem is not None and fragment in problem


def test_faction_is_only_for_papers_and_must_be_given() -> None:
    assert pattern_problem("{faction}/{seq}/{yy}") is not None
    with pytest.raises(ValidationFailed) as refused:
        format_number("{faction}/{seq}/{yy}", 1, 2024, allowed=PAPER_FIELDS)
    assert "submitters" in refused.value.errors


@given(pattern=st.sampled_from(PAPER_PATTERNS), seq=SEQS, year=YEARS, faction=FACTIONS)
def test_a_number_reads_back_as_what_made_it(pattern: str, seq: int, year: int, faction: str) -> None:
    number = format_number(pattern, seq, year, faction=faction, allowed=PAPER_FIELDS)
    parsed = parse_number(pattern, number)
    assert parsed is not None and parsed.seq == seq and parsed.in_year(year)
    assert not parsed.in_year(year + 1)


@given(
    pattern=st.sampled_from(PAPER_PATTERNS),
    first=st.tuples(SEQS, YEARS),
    second=st.tuples(SEQS, YEARS),
    faction=FACTIONS,
)
def test_different_sequence_numbers_or_years_never_give_the_same_number(
    pattern: str, first: tuple[int, int], second: tuple[int, int], faction: str
) -> None:
    def number(seq_year: tuple[int, int]) -> str:
        return format_number(pattern, seq_year[0], seq_year[1], faction=faction, allowed=PAPER_FIELDS)

    # Two-digit years repeat after a century; within one the numbers are unique.
    assert (number(first) == number(second)) is (first[0] == second[0] and first[1] % 100 == second[1] % 100)


@given(pattern=st.sampled_from(PAPER_PATTERNS), seq=SEQS, year=YEARS, version=st.integers(1, 30))
def test_a_version_suffix_is_not_read_as_a_number_of_the_series(
    pattern: str, seq: int, year: int, version: int
) -> None:
    number = format_number(pattern, seq, year, faction="GRÜ", allowed=PAPER_FIELDS)
    parsed = parse_number(pattern, version_number(number, version))
    # Versions are told apart by their link to the original; the pattern alone must not mistake them for the
    # same number.
    assert parsed is None or (parsed.seq, parsed.yy, parsed.yyyy) != (seq, year % 100, year)


# --- counters on the databases ------------------------------------------------------------------------------


async def _body(session, patterns: dict[str, str] | None = None) -> Body:
    body = Body(name="Zählstadt", short_name="zaehlstadt", paper_reference_patterns=patterns or {})
    session.add(body)
    await session.flush()
    return body


@settings(max_examples=25, deadline=None)
@given(years=st.lists(st.sampled_from([2024, 2025, 2026]), min_size=1, max_size=15))
def test_counter_gives_each_year_one_two_three_in_order(years: list[int]) -> None:
    """Whatever the order of the years drawn in: per year 1, 2, 3, … without gap or repeat."""

    async def draw() -> list[int]:
        engine = create_engine("sqlite+aiosqlite:///:memory:", poolclass=StaticPool)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(Base.metadata.create_all)
            async with session_factory(engine)() as session, session.begin():
                body = await _body(session)

                async def none() -> int:
                    return 0

                return [await next_seq(session, body.id, "paper:x", year, none) for year in years]
        finally:
            await engine.dispose()

    drawn = asyncio.run(draw())
    for year in set(years):
        assert [seq for seq, y in zip(drawn, years, strict=True) if y == year] == list(range(1, years.count(year) + 1))


async def test_counter_is_gapless_per_year_and_restarts(session) -> None:
    body = await _body(session)

    async def nothing_imported() -> int:
        return 0

    years = [2024, 2024, 2025, 2024, 2025, 2026, 2024]
    drawn = [await next_seq(session, body.id, "test", year, nothing_imported) for year in years]
    assert drawn == [1, 2, 1, 3, 2, 1, 4]


async def test_a_rolled_back_number_is_given_again(sessions) -> None:
    async with sessions() as session, session.begin():
        body = await _body(session)

    async def none() -> int:
        return 0

    async with sessions() as session:
        async with session.begin():
            assert await next_seq(session, body.id, "test", 2024, none) == 1
        async with session.begin():
            assert await next_seq(session, body.id, "test", 2024, none) == 2
            await session.rollback()
        async with session.begin():
            assert await next_seq(session, body.id, "test", 2024, none) == 2


async def test_continuing_from_an_older_system_never_goes_back(session) -> None:
    body = await _body(session)

    async def imported() -> int:
        return 7

    await continue_from(session, body.id, "test", 2024, 40, imported)
    assert await next_seq(session, body.id, "test", 2024, imported) == 41
    with pytest.raises(ValidationFailed):
        await continue_from(session, body.id, "test", 2024, 12, imported)
    counter = await session.get(NumberCounter, (body.id, "test", 2024))
    assert counter is not None and counter.last_seq == 41


async def test_paper_numbers_continue_after_imported_ones_and_skip_late_imports(session) -> None:
    body = await _body(session, {"default": "VO/{yyyy}/{seq:05}", "motion": "{faction}/{seq}/{yy}"})
    for reference, kind in [
        ("VO/2014/01919", PaperKind.INQUIRY),
        ("VO/2014/02087", PaperKind.ANSWER),
        ("GRÜ/1248/16", PaperKind.MOTION),
        ("VO/2015/00004", PaperKind.INQUIRY),
    ]:
        session.add(Paper(body_id=body.id, reference=reference, kind=kind, title="Import", date=dt.date(2014, 1, 1)))
    await session.flush()

    assert await next_reference(session, body, PaperKind.RESOLUTION_PROPOSAL, 2014, "") == "VO/2014/02088"
    # Kinds sharing the pattern share the series.
    assert await next_reference(session, body, PaperKind.INFORMATION, 2014, "") == "VO/2014/02089"
    assert await next_reference(session, body, PaperKind.MOTION, 2016, "SPD") == "SPD/1249/16"
    assert await next_reference(session, body, PaperKind.MOTION, 2017, "GRÜ") == "GRÜ/1/17"
    # A paper imported after the series began holds its number: the series steps over it.
    session.add(
        Paper(
            body_id=body.id, reference="VO/2014/02090", kind=PaperKind.INQUIRY, title="Spät", date=dt.date(2014, 5, 1)
        )
    )
    await session.flush()
    assert await next_reference(session, body, PaperKind.INQUIRY, 2014, "") == "VO/2014/02091"


async def test_unusable_body_pattern_is_a_clear_error(session) -> None:
    body = await _body(session, {"default": "VO/{seq}"})
    with pytest.raises(ValidationFailed) as refused:
        await next_reference(session, body, PaperKind.INQUIRY, 2024, "")
    assert "Jahr" in refused.value.errors["kind"]


async def test_versions_count_per_original(session) -> None:
    body = await _body(session)
    original = Paper(
        body_id=body.id, reference="VO/2024/00001", kind=PaperKind.INQUIRY, title="A", date=dt.date(2024, 1, 1)
    )
    session.add(original)
    await session.flush()
    first = await next_version_reference(session, original)
    session.add(
        Paper(
            body_id=body.id,
            reference=first[1],
            kind=PaperKind.INQUIRY,
            title="A",
            date=dt.date(2024, 1, 2),
            original_id=original.id,
            version=first[0],
        )
    )
    await session.flush()
    assert first == (1, "VO/2024/00001/1")
    assert await next_version_reference(session, original) == (2, "VO/2024/00001/2")
    references = set(await session.scalars(select(Paper.reference)))
    assert all(re.fullmatch(r"VO/2024/00001(/1)?", r) for r in references)
