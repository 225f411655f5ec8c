"""When the demo meetings take place, how they are numbered, and the numbers they hand out (pure functions).

Everything is relative to "today", so a freshly loaded demo always has recent minutes and upcoming invitations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from council.numbering.patterns import format_number

TERM_NAME = "Wahlperiode 2024–2029"
TERM_START = dt.date(2024, 7, 1)
TERM_END = dt.date(2029, 6, 30)

MONDAY, TUESDAY, WEDNESDAY, THURSDAY = 0, 1, 2, 3


@dataclass(frozen=True)
class Slot:
    """A meeting's place in the calendar: about `offset` days from today, on the body's usual weekday."""

    organization: str
    offset: int
    weekday: int
    start: dt.time
    minutes: int


# Ordered so that every Vorberatung precedes the decision it prepares and a referral precedes the committee's turn.
SLOTS: dict[str, Slot] = {
    "ha-past": Slot("ha", -49, TUESDAY, dt.time(16, 30), 135),
    "senioren-past": Slot("senioren", -42, WEDNESDAY, dt.time(10, 0), 110),
    "stadtrat-past": Slot("stadtrat", -35, THURSDAY, dt.time(17, 0), 200),
    "hwa-past": Slot("hwa", -21, TUESDAY, dt.time(17, 0), 120),
    "digital-past": Slot("digital", -14, MONDAY, dt.time(18, 0), 90),
    "ha-next": Slot("ha", 4, TUESDAY, dt.time(16, 30), 120),
    "digital-next": Slot("digital", 8, MONDAY, dt.time(18, 0), 90),
    "stadtrat-next": Slot("stadtrat", 18, THURSDAY, dt.time(17, 0), 180),
    "senioren-cancelled": Slot("senioren", 23, WEDNESDAY, dt.time(10, 0), 120),
    "hwa-next": Slot("hwa", 30, TUESDAY, dt.time(17, 0), 120),
    "senioren-next": Slot("senioren", 58, WEDNESDAY, dt.time(10, 0), 120),
}

# Months between two ordinary meetings; used to guess how many meetings came before the first demo meeting.
CADENCE_MONTHS: dict[str, float] = {"stadtrat": 1, "ha": 1, "hwa": 1.5, "senioren": 3, "digital": 3}


def meeting_day(today: dt.date, slot: Slot) -> dt.date:
    """The slot's weekday on or before the target day for past meetings, on or after it for future ones."""
    target = today + dt.timedelta(days=slot.offset)
    shift = (target.weekday() - slot.weekday) % 7
    if slot.offset < 0:
        return target - dt.timedelta(days=shift)
    return target + dt.timedelta(days=(7 - shift) % 7)


def local_to_utc(day: dt.date, time: dt.time, timezone: str) -> dt.datetime:
    """Meetings are planned in local time; the database stores UTC (summer and winter time differ)."""
    return dt.datetime.combine(day, time, tzinfo=ZoneInfo(timezone)).astimezone(dt.UTC)


def months_since_term_start(day: dt.date) -> int:
    return (day.year - TERM_START.year) * 12 + day.month - TERM_START.month


def meeting_numbers(days: dict[str, dt.date]) -> dict[str, int]:
    """Running numbers per organization within the term, continuing a plausible series of earlier meetings."""
    numbers: dict[str, int] = {}
    by_organization: dict[str, list[str]] = {}
    for key in sorted(days, key=lambda k: days[k]):
        by_organization.setdefault(SLOTS[key].organization, []).append(key)
    for organization, keys in by_organization.items():
        earlier = max(0, int(months_since_term_start(days[keys[0]]) / CADENCE_MONTHS[organization]))
        for index, key in enumerate(keys):
            numbers[key] = earlier + index + 1
    return numbers


@dataclass
class ResolutionRegister:
    """The body's resolution numbers, restarting each year.

    The demo shows only a few meetings of a busy year, so each year's series starts where a city of this size
    would stand on that day (roughly 1.5 resolutions a day, "567/24" in the autumn); within the demo the numbers
    are gapless and given in order of decision.
    """

    pattern: str
    _last: dict[int, int] = field(default_factory=dict)

    def next_number(self, day: dt.date) -> tuple[int, str]:
        start = (day.timetuple().tm_yday * 3) // 2
        seq = self._last.get(day.year, start) + 1
        self._last[day.year] = seq
        return seq, format_number(self.pattern, seq, day.year)
