"""Meetings as iCalendar (RFC 5545): one meeting, an organization's feed, a member's personal feed, and the
event attached to an invitation mail (METHOD:REQUEST).

Every event: a UID that stays the meeting's for good, SEQUENCE from the meeting's change counter, STATUS
CANCELLED once it is called off, times in the body's zone with its VTIMEZONE, a URL back to the meeting page.
The description lists the public agenda only, and only once the invitation went out (a draft is not public);
no calendar ever carries a non-public item's title.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from agendas.meeting_print import printed_items
from council.meetings.models import Meeting, MeetingMode, MeetingState

PRODID = "-//council//Ratsinformationssystem//DE"
# A meeting without a planned end is shown with this length.
DEFAULT_LENGTH = dt.timedelta(hours=2)
MODE_WORDS = {MeetingMode.ONLINE: "Videositzung", MeetingMode.HYBRID: "hybride Sitzung (vor Ort und per Video)"}


def meeting_uid(meeting_id: int, base_url: str) -> str:
    return f"meeting-{meeting_id}@{urlsplit(base_url).hostname or 'council'}"


def _status(meeting: Meeting) -> str:
    if meeting.state is MeetingState.CANCELLED:
        return "CANCELLED"
    return "CONFIRMED" if meeting.invited else "TENTATIVE"


def public_description(meeting: Meeting, url: str) -> str:
    lines = []
    if meeting.cancelled:
        lines.append(f"Abgesagt: {meeting.cancellation_reason or ''}".strip())
    if meeting.invited:
        items = printed_items(meeting, public=True)
        if items:
            lines.append("Tagesordnung (öffentlicher Teil):")
            lines.extend(f"{item.number} {item.title}" for item in items)
    lines.append(url)
    return "\n".join(lines)


def meeting_event(
    meeting: Meeting,
    *,
    base_url: str,
    now: dt.datetime,
    organizer: str | None = None,
    attendees: Iterable[tuple[str, str]] = (),
) -> Event:
    """``meeting`` with organization (and body), location and agenda items loaded."""
    zone = ZoneInfo(meeting.organization.body.timezone)
    url = f"{base_url}/meetings/{meeting.id}"
    event = Event()
    event.add("uid", meeting_uid(meeting.id, base_url))
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("last-modified", meeting.modified.astimezone(dt.UTC))
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.name)
    event.add("dtstart", meeting.start.astimezone(zone))
    event.add("dtend", (meeting.end or meeting.start + DEFAULT_LENGTH).astimezone(zone))
    event.add("status", _status(meeting))
    event.add("url", url)
    place = meeting.location.one_line if meeting.location else None
    where = MODE_WORDS.get(meeting.mode)
    location = ", ".join(p for p in (place if meeting.mode is not MeetingMode.ONLINE else None, where) if p)
    if location:
        event.add("location", location)
    event.add("description", public_description(meeting, url))
    event.add("categories", [meeting.organization.name])
    if organizer:
        event.add("organizer", _address(organizer))
    for name, email in attendees:
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["cn"] = vText(name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee, encode=False)
    return event


def _address(sender: str) -> vCalAddress:
    from email.utils import parseaddr

    name, email = parseaddr(sender)
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = vText(name)
    return address


def calendar_of(events: Iterable[Event], *, name: str, method: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
