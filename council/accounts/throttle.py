"""The login throttle rule: plain data in, a decision out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence


def seconds_until_login_allowed(
    failures: Sequence[dt.datetime], now: dt.datetime, max_failures: int, window_seconds: int
) -> int:
    """0 if a login may be tried now; otherwise how long to wait.

    ``failures`` are the times of failed attempts (for one account, or from one address) since the last
    success. Once ``max_failures`` of them fall inside the sliding window, the caller waits until the oldest
    of the last ``max_failures`` leaves the window.
    """
    window = dt.timedelta(seconds=window_seconds)
    recent = sorted(t for t in failures if now - t < window)
    if len(recent) < max_failures:
        return 0
    oldest_counted = recent[-max_failures]
    wait = (oldest_counted + window - now).total_seconds()
    return max(1, int(wait + 0.999))
