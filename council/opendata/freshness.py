"""When an object last changed as the open data interface shows it.

OParl embeds some objects in others (a meeting's agenda items, a paper's consultations and files, a person's
memberships, a body's terms) and requires the outer object's ``modified`` to move whenever an embedded one
changes (OParl 2.8). Rather than every writer of the domain remembering to touch the outer row, the interface
reads the latest change of the whole group: the filters compare against it and the output shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, and_, func, or_, select

from council.db import Record


@dataclass(frozen=True)
class Embedded:
    """Rows shown inside an object of another type; ``belongs_to`` correlates them with that object."""

    model: type[Record]
    belongs_to: Callable[[], ColumnElement[bool]]


def latest_changes(embedded: Sequence[Embedded]) -> list[ScalarSelect[Any]]:
    """One column per embedded type: the latest ``modified`` among the rows embedded in each object."""
    return [select(func.max(part.model.modified)).where(part.belongs_to()).scalar_subquery() for part in embedded]


def last_change(own: dt.datetime, embedded: Sequence[dt.datetime | None]) -> dt.datetime:
    return max([own, *(moment for moment in embedded if moment is not None)])


def changed_since(model: type[Record], embedded: Sequence[Embedded], moment: dt.datetime) -> ColumnElement[bool]:
    return or_(
        model.modified >= moment,
        *(select(part.model.id).where(part.belongs_to(), part.model.modified >= moment).exists() for part in embedded),
    )


def unchanged_from(model: type[Record], embedded: Sequence[Embedded], bound: dt.datetime) -> ColumnElement[bool]:
    """Nothing of the object changed at ``bound`` or later."""
    return and_(
        model.modified < bound,
        *(~select(part.model.id).where(part.belongs_to(), part.model.modified >= bound).exists() for part in embedded),
    )


def end_of_second(moment: dt.datetime) -> dt.datetime:
    """The first instant after the second of ``moment``.

    Objects show their times to the second, so "until 12:00:00" must take in 12:00:00.7 as well: a client that
    passes on a time it was shown must not lose the object that showed it.
    """
    return moment.replace(microsecond=0) + dt.timedelta(seconds=1)
