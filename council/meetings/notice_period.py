"""Ladungsfrist: how many full days must lie between sending the invitation and the meeting."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from council.bodies.models import Body, Organization


def notice_period_days(body: Body, organization: Organization) -> int:
    """The organization's own period, else the body's (7 days unless configured)."""
    return organization.notice_period_days if organization.notice_period_days is not None else body.notice_period_days


def days_of_notice(start: dt.datetime, now: dt.datetime, timezone: str) -> int:
    """Calendar days from the day of sending to the day of the meeting, in the body's time zone."""
    zone = ZoneInfo(timezone)
    return (start.astimezone(zone).date() - now.astimezone(zone).date()).days


def notice_shortfall(start: dt.datetime, now: dt.datetime, timezone: str, period_days: int) -> int:
    """Days missing to the notice period (0 when it is kept); a meeting in the past misses it too."""
    return max(0, period_days - days_of_notice(start, now, timezone))
