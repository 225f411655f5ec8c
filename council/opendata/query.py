"""The parameters of an OParl object list: the four date filters, omit_internal, page size and page.

Parsing is strict, so a client learns at once that a filter was not understood instead of silently getting
everything; the canonical form of the parameters is used in every link of a list (OParl 2.3, 2.5).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from council.errors import ValidationFailed
from council.messages import N_

DEFAULT_LIMIT = 100
# Eager loading fetches a page's collections in one query for up to 500 ids (see reader.py).
MAX_LIMIT = 500
DATE_FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
PARAMETERS = (*DATE_FILTERS, "omit_internal", "limit", "page")

# An unencoded "+" of a time zone offset arrives as a space ("...T02:00:00 01:00"): read it as the "+" it was.
_SPACE_FOR_PLUS = re.compile(r"(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d(?::?\d\d)?)$")
_WHOLE_NUMBER = re.compile(r"\d{1,9}")


@dataclass(frozen=True)
class ListQuery:
    created_since: dt.datetime | None = None
    created_until: dt.datetime | None = None
    modified_since: dt.datetime | None = None
    modified_until: dt.datetime | None = None
    omit_internal: bool = False
    limit: int = DEFAULT_LIMIT
    page: int = 1

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    @property
    def includes_deleted(self) -> bool:
        """Deleted objects are listed only for clients that update a copy (OParl 2.5, "Filter")."""
        return self.modified_since is not None

    def link_parameters(self, page: int) -> list[tuple[str, str]]:
        """The canonical query of ``page`` of this list: fixed order, defaults left out, filters kept."""
        values: dict[str, str] = {
            name: moment.isoformat() for name in DATE_FILTERS if (moment := getattr(self, name)) is not None
        }
        if self.limit != DEFAULT_LIMIT:
            values["limit"] = str(self.limit)
        if self.omit_internal:
            values["omit_internal"] = "true"
        if page != 1:
            values["page"] = str(page)
        return sorted(values.items())


def parse_list_query(parameters: Mapping[str, Sequence[str]]) -> ListQuery:
    """Read a list's query string (each name mapped to all its values); unknown names are ignored.

    Raises ValidationFailed naming every parameter that was not understood.
    """
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for name in PARAMETERS:
        given = list(parameters.get(name, ()))
        if len(given) > 1:
            errors[name] = N_("Der Parameter darf nur einmal angegeben werden.")
        elif given:
            values[name] = given[0]

    moments: dict[str, dt.datetime | None] = {}
    for name in DATE_FILTERS:
        moments[name] = None
        if name in values and name not in errors:
            try:
                moments[name] = parse_moment(values[name])
            except ValueError:
                errors[name] = N_(
                    "Erwartet wird ein Zeitpunkt mit Zeitzone wie 2024-01-31T18:00:00+01:00 (URL-kodiert)."
                )
    omit_internal = False
    if "omit_internal" in values and "omit_internal" not in errors:
        if values["omit_internal"] not in ("true", "false"):
            errors["omit_internal"] = N_("Erlaubt sind true und false.")
        omit_internal = values["omit_internal"] == "true"
    limit = _positive(values, "limit", errors) or DEFAULT_LIMIT
    page = _positive(values, "page", errors) or 1
    if errors:
        raise ValidationFailed(errors)
    return ListQuery(
        created_since=moments["created_since"],
        created_until=moments["created_until"],
        modified_since=moments["modified_since"],
        modified_until=moments["modified_until"],
        omit_internal=omit_internal,
        limit=min(limit, MAX_LIMIT),
        page=page,
    )


def parse_moment(text: str) -> dt.datetime:
    """An OParl date-time: date, time and a zone; a bare date or a time without zone is refused."""
    text = _SPACE_FOR_PLUS.sub(r"\1+\2", text.strip())
    if "T" not in text.upper():
        raise ValueError("a date-time needs a time")
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a date-time needs a time zone")
    return moment


def _positive(values: Mapping[str, str], name: str, errors: dict[str, str]) -> int | None:
    if name not in values or name in errors:
        return None
    if not _WHOLE_NUMBER.fullmatch(values[name]) or int(values[name]) < 1:
        errors[name] = N_("Erwartet wird eine ganze Zahl ab 1.")
        return None
    return int(values[name])
