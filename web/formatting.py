"""Dates, times and enum labels as German readers expect them (localised through Babel)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time, get_day_names

from web.i18n import current_language

DISPLAY_TIMEZONE = ZoneInfo("Europe/Berlin")


def local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(DISPLAY_TIMEZONE)


def datetime_long(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(local(value), "EEEE, d. MMMM y, HH:mm", locale=current_language())


def date_short(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local(value).date()
    return format_date(value, "dd.MM.yyyy", locale=current_language())


def time_short(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return format_time(local(value), "HH:mm", locale=current_language())


def iso(value: dt.datetime | dt.date | None) -> str:
    return value.isoformat() if value is not None else ""


def month_long(value: dt.date) -> str:
    """ "März 2026": a month's heading."""
    return format_date(value, "LLLL y", locale=current_language())


def weekday_names() -> list[tuple[str, str]]:
    """(short, full) names of the weekdays, Monday first, for a calendar's column headers."""
    short = get_day_names("abbreviated", locale=current_language())
    full = get_day_names("wide", locale=current_language())
    return [(short[day], full[day]) for day in range(7)]
