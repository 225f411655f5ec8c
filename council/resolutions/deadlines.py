"""Due dates of follow-up work, read from a resolution's text ("bis Ende Q2 2021", "halbjährlich")."""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re
from dataclasses import dataclass


class Recurrence(enum.StrEnum):
    NONE = "none"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


_MONTHS_BY_RECURRENCE = {
    Recurrence.MONTHLY: 1,
    Recurrence.QUARTERLY: 3,
    Recurrence.HALF_YEARLY: 6,
    Recurrence.YEARLY: 12,
}

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januar", "jan"),
            ("februar", "feb"),
            ("märz", "maerz", "mär"),
            ("april", "apr"),
            ("mai",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt"),
            ("november", "nov"),
            ("dezember", "dez"),
        ],
        start=1,
    )
    for name in names
}
_ORDINALS = {"ersten": 1, "zweiten": 2, "dritten": 3, "vierten": 4, "1.": 1, "2.": 2, "3.": 3, "4.": 4}

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "quarter",
        re.compile(
            r"bis\s+(?:zum\s+)?ende\s+(?:des\s+)?(?:q([1-4])|([1-4]\.|ersten|zweiten|dritten|vierten)\s+quartals)\s+(\d{4})"
        ),
    ),
    ("date", re.compile(r"bis\s+(?:zum\s+)?(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})")),
    ("month", re.compile(rf"bis\s+(?:zum\s+)?ende\s+(?:des\s+monats\s+)?({_MONTH_NAMES})\b\.?(?:\s+(\d{{4}}))?")),
    ("year", re.compile(r"bis\s+(?:zum\s+)?(?:ende\s+(?:des\s+jahres\s+)?(\d{4})|jahresende(?:\s+(\d{4}))?)")),
]
_RECURRENCE_WORDS: list[tuple[re.Pattern[str], Recurrence]] = [
    (re.compile(r"\bhalbjährlich"), Recurrence.HALF_YEARLY),
    (re.compile(r"\b(?:vierteljährlich|quartalsweise)"), Recurrence.QUARTERLY),
    (re.compile(r"\bmonatlich"), Recurrence.MONTHLY),
    (re.compile(r"\b(?:jährlich|einmal im jahr)"), Recurrence.YEARLY),
]


@dataclass(frozen=True)
class Deadline:
    due: dt.date | None
    recurrence: Recurrence
    phrase: str


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _date_of(kind: str, match: re.Match[str], decided_on: dt.date) -> dt.date | None:
    if kind == "quarter":
        quarter = int(match.group(1)) if match.group(1) else _ORDINALS[match.group(2)]
        return _month_end(int(match.group(3)), quarter * 3)
    if kind == "date":
        try:
            return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            return None
    if kind == "month":
        month = MONTHS[match.group(1)]
        if match.group(2):
            return _month_end(int(match.group(2)), month)
        candidate = _month_end(decided_on.year, month)
        return candidate if candidate >= decided_on else _month_end(decided_on.year + 1, month)
    named = match.group(1) or match.group(2)
    year = int(named) if named else decided_on.year
    return dt.date(year, 12, 31)


def _first_date(lowered: str, decided_on: dt.date, text: str) -> tuple[int, dt.date, str] | None:
    found: list[tuple[int, dt.date, str]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(lowered):
            day = _date_of(kind, match, decided_on)
            if day is not None:
                found.append((match.start(), day, text[match.start() : match.end()].strip()))
                break
    return min(found, key=lambda f: f[0]) if found else None


def find_deadline(text: str, decided_on: dt.date) -> Deadline | None:
    """The first deadline named in the text, or None. Unreadable dates are skipped, never raised."""
    lowered = text.lower()
    dated = _first_date(lowered, decided_on, text)
    recurrence, word = Recurrence.NONE, ""
    for pattern, kind in _RECURRENCE_WORDS:
        match = pattern.search(lowered)
        if match:
            recurrence, word = kind, text[match.start() : match.end()]
            break
    if dated is None and recurrence is Recurrence.NONE:
        return None
    if dated is not None:
        return Deadline(dated[1], recurrence, dated[2])
    return Deadline(add_period(decided_on, recurrence), recurrence, word)


def add_period(day: dt.date, recurrence: Recurrence) -> dt.date:
    months = _MONTHS_BY_RECURRENCE[recurrence]
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(due: dt.date, recurrence: Recurrence) -> dt.date | None:
    """The following due date of a recurring task; a month's end stays a month's end."""
    if recurrence is Recurrence.NONE:
        return None
    following = add_period(due, recurrence)
    if due == _month_end(due.year, due.month):
        return _month_end(following.year, following.month)
    return following
