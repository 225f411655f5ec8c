"""The shape of every OParl object: no empty properties, times to the second with zone, deleted stubs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from web.oparl.urls import SCHEMA, OParlUrls

# Properties the schemas require besides id and type: kept even when empty, and kept in deleted stubs, so a
# deleted object still validates against its schema.
REQUIRED: dict[str, tuple[str, ...]] = {
    "System": ("oparlVersion", "body"),
    "Body": ("name", "organization", "person", "meeting", "paper", "legislativeTerm"),
    "AgendaItem": ("order",),
    "File": ("accessUrl",),
}
STUB = ("id", "type", "created", "modified")


@dataclass(frozen=True)
class Rendering:
    """How objects are written for one request."""

    urls: OParlUrls
    # OParl 1.1 "omit_internal": leave out embedded lists a client that updates its copy does not need.
    omit_internal: bool = False


def oparl_object(type_name: str, properties: dict[str, Any], *, deleted: bool = False) -> dict[str, Any]:
    """An object of ``type_name`` without null, "" or [] (OParl 2.4); a deleted one as its stub (OParl 2.8)."""
    required = REQUIRED.get(type_name, ())
    shown = {key: value for key, value in properties.items() if key in required or value not in (None, "", [])}
    shown = {"id": shown.pop("id"), "type": SCHEMA + type_name, **shown}
    if deleted:
        kept = (*STUB, *required)
        return {**{key: value for key, value in shown.items() if key in kept}, "deleted": True}
    return shown


def moment(value: dt.datetime | None, zone: str = "UTC") -> str | None:
    """yyyy-mm-ddThh:mm:ss±hh:mm, as OParl demands; ``zone`` is the body's for times people read."""
    return value.astimezone(ZoneInfo(zone)).isoformat(timespec="seconds") if value is not None else None


def day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def times(created: dt.datetime, modified: dt.datetime) -> dict[str, str | None]:
    return {"created": moment(created), "modified": moment(modified)}
