"""Dates, times and enum labels as German readers expect them (localised through Babel)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time

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
