"""Who else may enter a meeting's video room, besides members and the secretariat: guests invited by a signed
link, and anonymous visitors listening to a public stream. Pure rules; the session (web/room_hub) applies them.

A guest link carries the meeting, the guest's name, a random id and an expiry, signed with the app's secret key
(HMAC-SHA256). Nothing is stored: the leaders can revoke a link for the running room (kept in memory).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from council.accounts.viewer import Viewer
from council.errors import ValidationFailed
from council.meetings.models import AgendaItem, Meeting, MeetingMode, MeetingState
from council.meetings.presence import RoomRefusal, RoomRole, leads_room
from council.messages import N_

GUEST_LINK_HOURS = 12
GUEST_NAME_MAX = 120
_PURPOSE = b"council.room.guest.v1:"


class AccessRefusal(enum.StrEnum):
    """Refusals of guests and visitors (a separate namespace from `RoomRefusal`, which covers logins)."""

    GUEST_INVALID = "guest_invalid"
    GUEST_EXPIRED = "guest_expired"
    GUEST_OTHER_MEETING = "guest_other_meeting"
    GUEST_REVOKED = "guest_revoked"
    STREAM_OFF = "stream_off"
    NOT_PUBLIC = "not_public"
    FULL = "full"


@dataclass(frozen=True)
class GuestPass:
    meeting_id: int
    name: str
    guest_id: str
    expires: int  # unix seconds

    @property
    def key(self) -> str:
        """The guest's seat in the room."""
        return f"g{self.guest_id}"

    @property
    def expires_at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.expires, dt.UTC)


def guest_expiry(meeting: Meeting) -> dt.datetime:
    """A guest link holds until the meeting's end, or 12 hours after its start when no end is known."""
    start = _aware(meeting.start)
    end = _aware(meeting.end) if meeting.end is not None else None
    return end if end is not None and end > start else start + dt.timedelta(hours=GUEST_LINK_HOURS)


def may_invite_guests(viewer: Viewer, meeting: Meeting) -> bool:
    """The chair and the secretariat invite guests into the room of a digital meeting that is still ahead."""
    return leads_room(viewer, meeting)


def clean_guest_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise ValidationFailed({"name": N_("Bitte geben Sie den Namen des Gastes an.")})
    if len(name) > GUEST_NAME_MAX:
        raise ValidationFailed({"name": N_("Der Name ist zu lang (höchstens 120 Zeichen).")})
    return name


def guest_link_problem(meeting: Meeting, now: dt.datetime) -> str | None:
    """Why no guest link can be made for this meeting now (None: it can)."""
    if meeting.mode is MeetingMode.IN_PERSON:
        return N_("Diese Sitzung findet in Präsenz statt und hat keinen Sitzungsraum.")
    if meeting.state in (MeetingState.CANCELLED, MeetingState.CLOSED):
        return N_("Diese Sitzung ist beendet oder abgesagt.")
    if guest_expiry(meeting) <= _aware(now):
        return N_("Die Sitzung ist vorbei; ein Gastzugang wäre sofort abgelaufen.")
    return None


def issue_guest_pass(secret: str, meeting: Meeting, name: str, now: dt.datetime) -> tuple[GuestPass, str]:
    """A new guest pass and its signed token (URL-safe)."""
    problem = guest_link_problem(meeting, now)
    if problem is not None:
        raise ValidationFailed({"name": problem})
    expires = int(guest_expiry(meeting).timestamp())
    guest = GuestPass(meeting.id, clean_guest_name(name), secrets.token_urlsafe(9), expires)
    return guest, sign_guest_pass(secret, guest)


def sign_guest_pass(secret: str, guest: GuestPass) -> str:
    payload = json.dumps([guest.meeting_id, guest.name, guest.guest_id, guest.expires], separators=(",", ":"))
    body = _b64(payload.encode())
    return f"{body}.{_b64(_mac(secret, body))}"


def read_guest_token(
    secret: str, token: str, meeting_id: int, now: dt.datetime, revoked: frozenset[str] | set[str] = frozenset()
) -> GuestPass | AccessRefusal:
    """The guest pass of a token, or an `AccessRefusal` when it is tampered with, expired, revoked or for another
    meeting. The signature is checked before anything in the token is believed."""
    if not isinstance(token, str) or len(token) > 1000 or token.count(".") != 1:
        return AccessRefusal.GUEST_INVALID
    body, signature = token.split(".")
    try:
        given = _unb64(signature)
        fields = json.loads(_unb64(body))
    except (ValueError, binascii.Error):
        return AccessRefusal.GUEST_INVALID
    if not hmac.compare_digest(given, _mac(secret, body)):
        return AccessRefusal.GUEST_INVALID
    if not (
        isinstance(fields, list)
        and len(fields) == 4
        and isinstance(fields[0], int)
        and isinstance(fields[1], str)
        and isinstance(fields[2], str)
        and isinstance(fields[3], int)
    ):
        return AccessRefusal.GUEST_INVALID
    guest = GuestPass(*fields)
    if guest.meeting_id != meeting_id:
        return AccessRefusal.GUEST_OTHER_MEETING
    if guest.expires <= _aware(now).timestamp():
        return AccessRefusal.GUEST_EXPIRED
    if guest.guest_id in revoked:
        return AccessRefusal.GUEST_REVOKED
    return guest


def guest_refusal(meeting: Meeting) -> RoomRefusal | None:
    """A valid guest still only enters the room of a digital meeting that is not over."""
    if meeting.mode is MeetingMode.IN_PERSON:
        return RoomRefusal.NOT_DIGITAL
    if meeting.state in (MeetingState.CANCELLED, MeetingState.CLOSED):
        return RoomRefusal.NOT_OPEN
    return None


def meeting_is_public(meeting: Meeting, items: Sequence[AgendaItem]) -> bool:
    """A digital meeting whose invitation is out and that has a public part."""
    return (
        meeting.mode is not MeetingMode.IN_PERSON
        and meeting.state not in (MeetingState.CANCELLED, MeetingState.CLOSED)
        and meeting.invited
        and any(item.public and not item.deleted for item in items)
    )


def visitor_refusal(public: bool, stream_on: bool, listeners: int, max_listeners: int) -> AccessRefusal | None:
    """An anonymous visitor listens when the meeting is public, the chair allows the stream and there is room."""
    if not public:
        return AccessRefusal.NOT_PUBLIC
    if not stream_on:
        return AccessRefusal.STREAM_OFF
    if listeners >= max_listeners:
        return AccessRefusal.FULL
    return None


def may_publish(role: RoomRole) -> bool:
    """Everybody in the room speaks and shows a camera, except visitors of the public stream: they only listen."""
    return role is not RoomRole.VISITOR


def counts_for_presence(role: RoomRole) -> bool:
    """Guests and visitors never count as attendance (`arrive` decides for the rest: members of the meeting's
    organization once it is opened)."""
    return role in (RoomRole.CHAIR, RoomRole.MEMBER, RoomRole.SECRETARIAT)


def waits_in_lobby(role: RoomRole) -> bool:
    """Guests wait until the chair or the secretariat admits them; members and the secretariat enter directly."""
    return role is RoomRole.GUEST


def sees_non_public(role: RoomRole) -> bool:
    """Guests and visitors see neither the titles of non-public items nor the lobby."""
    return role in (RoomRole.CHAIR, RoomRole.MEMBER, RoomRole.SECRETARIAT)


def held_from_media(role: RoomRole, item_public: bool) -> bool:
    """While a non-public item is current, visitors of the public stream are held without media."""
    return role is RoomRole.VISITOR and not item_public


def _mac(secret: str, body: str) -> bytes:
    return hmac.new(secret.encode(), _PURPOSE + body.encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
