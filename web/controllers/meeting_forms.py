"""Reading the meeting form: local date and times in the body's time zone, form, place (chosen or new)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from council.bodies.models import Organization
from council.errors import ValidationFailed
from council.meetings.models import Meeting, MeetingMode
from council.meetings.scheduling import LocationDraft, MeetingDraft, place_problems, recording_problems
from council.messages import N_
from web.pages import form_value

NEW_LOCATION = "new"
FIELDS = (
    "date",
    "start_time",
    "end_time",
    "mode",
    "location",
    "location_description",
    "location_room",
    "location_street",
    "location_postal_code",
    "location_locality",
    "recording_allowed",
)


def form_values(data: Mapping[str, Any]) -> dict[str, str]:
    return {name: form_value(data, name, 200) for name in FIELDS}


def values_of(meeting: Meeting, timezone: str) -> dict[str, str]:
    """The form filled in with a meeting as it stands."""
    zone = ZoneInfo(timezone)
    start = meeting.start.astimezone(zone)
    return {
        "date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": meeting.end.astimezone(zone).strftime("%H:%M") if meeting.end else "",
        "mode": meeting.mode.value,
        "location": str(meeting.location_id or ""),
        "recording_allowed": "on" if meeting.recording_allowed else "",
    }


def draft_from(values: Mapping[str, str], organization: Organization, timezone: str) -> MeetingDraft:
    """Every field is checked before the first error is raised, so the form can show them all at once."""
    errors: dict[str, str] = {}
    day = _date(values.get("date", ""), errors)
    start_clock = _clock(values.get("start_time", ""), "start_time", errors, required=True)
    end_clock = _clock(values.get("end_time", ""), "end_time", errors, required=False)
    try:
        mode = MeetingMode(values.get("mode") or MeetingMode.IN_PERSON.value)
    except ValueError:
        errors["mode"] = N_("Bitte wählen Sie Präsenz-, Video- oder hybride Sitzung.")
        mode = MeetingMode.IN_PERSON
    location_id, new_location = _place(values, errors)
    recording_allowed = bool(values.get("recording_allowed"))
    if errors:
        # The service checks form and place too, but only once the times are readable: report all now.
        problems = {
            **place_problems(organization, mode, location_id, new_location),
            **recording_problems(mode, recording_allowed),
        }
        errors = {**problems, **errors}
    if errors or day is None or start_clock is None:
        raise ValidationFailed(errors)
    zone = ZoneInfo(timezone)
    start = dt.datetime.combine(day, start_clock, tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(day, end_clock, tzinfo=zone).astimezone(dt.UTC) if end_clock else None
    return MeetingDraft(
        start=start,
        end=end,
        mode=mode,
        location_id=location_id,
        new_location=new_location,
        recording_allowed=recording_allowed,
    )


def _date(raw: str, errors: dict[str, str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        errors["date"] = N_("Bitte geben Sie das Datum an, z. B. 2025-03-18.")
        return None


def _clock(raw: str, name: str, errors: dict[str, str], *, required: bool) -> dt.time | None:
    raw = raw.strip()
    if not raw and not required:
        return None
    try:
        return dt.time.fromisoformat(raw)
    except ValueError:
        errors[name] = N_("Bitte die Uhrzeit als SS:MM angeben, z. B. 18:05.")
        return None


def _place(values: Mapping[str, str], errors: dict[str, str]) -> tuple[int | None, LocationDraft | None]:
    choice = values.get("location", "").strip()
    if choice == NEW_LOCATION:
        return None, LocationDraft(
            description=values.get("location_description", ""),
            room=values.get("location_room", ""),
            street_address=values.get("location_street", ""),
            postal_code=values.get("location_postal_code", ""),
            locality=values.get("location_locality", ""),
        )
    if not choice:
        return None, None
    if not choice.isdigit():
        errors["location"] = N_("Diesen Sitzungsort gibt es nicht.")
        return None, None
    return int(choice), None
