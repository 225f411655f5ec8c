"""Pure rules of who else enters the meeting room: signed guest links, the public stream, rights by role."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from council.accounts.viewer import ANONYMOUS, Viewer
from council.bodies.models import MembershipRole, Organization
from council.errors import ConfigurationError, ValidationFailed
from council.meetings.models import AgendaItem, Meeting, MeetingMode, MeetingState
from council.meetings.presence import RoomRefusal, RoomRole
from council.meetings.room_access import (
    AccessRefusal,
    GuestPass,
    counts_for_presence,
    guest_expiry,
    guest_refusal,
    held_from_media,
    issue_guest_pass,
    may_invite_guests,
    may_publish,
    meeting_is_public,
    read_guest_token,
    sees_non_public,
    sign_guest_pass,
    visitor_refusal,
    waits_in_lobby,
)
from council.settings import Settings, load_settings

SECRET = "a-secret-key-that-is-long-enough-for-the-tests-0123"
START = dt.datetime(2026, 3, 2, 16, tzinfo=dt.UTC)
BEFORE = START - dt.timedelta(days=1)


def _meeting(meeting_id=5, mode=MeetingMode.ONLINE, state=MeetingState.INVITED, end=None) -> Meeting:
    meeting = Meeting(id=meeting_id, organization_id=7, mode=mode, state=state, start=START, end=end)
    meeting.organization = Organization(id=7, body_id=1)
    return meeting


def test_a_guest_link_names_the_guest_and_holds_until_the_meeting_ends():
    guest, token = issue_guest_pass(SECRET, _meeting(), "  Dr.  Erika   Expertin ", BEFORE)
    assert guest.name == "Dr. Erika Expertin" and guest.meeting_id == 5 and guest.key == f"g{guest.guest_id}"
    assert guest.expires_at == START + dt.timedelta(hours=12)
    assert read_guest_token(SECRET, token, 5, BEFORE) == guest
    other, _ = issue_guest_pass(SECRET, _meeting(), "Dr. Erika Expertin", BEFORE)
    assert other.guest_id != guest.guest_id  # every link its own id (revoked one by one)
    ending = _meeting(end=START + dt.timedelta(hours=3))
    assert guest_expiry(ending) == START + dt.timedelta(hours=3)


def test_tampered_expired_revoked_and_foreign_links_are_refused():
    guest, token = issue_guest_pass(SECRET, _meeting(), "Gast", BEFORE)
    body, signature = token.split(".")
    forged = sign_guest_pass("another-secret-key-that-is-long-enough-0123456", GuestPass(5, "Gast", "x", guest.expires))
    renamed = sign_guest_pass(SECRET, GuestPass(5, "Chef", guest.guest_id, guest.expires)).split(".")[0]
    for bad in (
        "",
        "abc",
        "a.b.c",
        f"{body}.{signature[:-2]}",
        f"{renamed}.{signature}",
        forged,
        "%%%.###",
        "x" * 2000,
    ):
        assert read_guest_token(SECRET, bad, 5, BEFORE) is AccessRefusal.GUEST_INVALID, bad
    assert read_guest_token(SECRET, token, 6, BEFORE) is AccessRefusal.GUEST_OTHER_MEETING
    late = START + dt.timedelta(hours=12)
    assert read_guest_token(SECRET, token, 5, late) is AccessRefusal.GUEST_EXPIRED
    assert read_guest_token(SECRET, token, 5, BEFORE, {guest.guest_id}) is AccessRefusal.GUEST_REVOKED


def test_no_guest_links_for_meetings_in_person_over_or_past():
    with pytest.raises(ValidationFailed):
        issue_guest_pass(SECRET, _meeting(mode=MeetingMode.IN_PERSON), "Gast", BEFORE)
    with pytest.raises(ValidationFailed):
        issue_guest_pass(SECRET, _meeting(state=MeetingState.CLOSED), "Gast", BEFORE)
    with pytest.raises(ValidationFailed):
        issue_guest_pass(SECRET, _meeting(), "Gast", START + dt.timedelta(days=1))
    for name in ("", "   ", "x" * 121):
        with pytest.raises(ValidationFailed):
            issue_guest_pass(SECRET, _meeting(), name, BEFORE)
    assert guest_refusal(_meeting(state=MeetingState.CANCELLED)) is RoomRefusal.NOT_OPEN
    assert guest_refusal(_meeting(mode=MeetingMode.IN_PERSON)) is RoomRefusal.NOT_DIGITAL
    assert guest_refusal(_meeting(mode=MeetingMode.HYBRID, state=MeetingState.OPENED)) is None


def test_only_the_leaders_invite_guests():
    chair = Viewer(user_id=2, person_id=2, organization_roles={7: frozenset({MembershipRole.CHAIR})})
    member = Viewer(user_id=1, person_id=1, organization_roles={7: frozenset({MembershipRole.MEMBER})})
    assert may_invite_guests(chair, _meeting())
    assert not may_invite_guests(member, _meeting()) and not may_invite_guests(ANONYMOUS, _meeting())


def test_a_meeting_is_public_with_its_invitation_out_and_a_public_part():
    public, confidential = AgendaItem(public=True, deleted=False), AgendaItem(public=False, deleted=False)
    assert meeting_is_public(_meeting(), [confidential, public])
    assert not meeting_is_public(_meeting(), [confidential])
    assert not meeting_is_public(_meeting(), [AgendaItem(public=True, deleted=True)])
    assert not meeting_is_public(_meeting(state=MeetingState.PLANNED), [public])
    assert not meeting_is_public(_meeting(mode=MeetingMode.IN_PERSON), [public])
    assert not meeting_is_public(_meeting(state=MeetingState.CLOSED), [public])


def test_visitors_listen_when_public_and_allowed_and_there_is_room():
    assert visitor_refusal(False, True, 0, 50) is AccessRefusal.NOT_PUBLIC
    assert visitor_refusal(True, False, 0, 50) is AccessRefusal.STREAM_OFF
    assert visitor_refusal(True, True, 50, 50) is AccessRefusal.FULL
    assert visitor_refusal(True, True, 49, 50) is None


def test_rights_by_role():
    assert not may_publish(RoomRole.VISITOR)
    assert all(may_publish(role) for role in RoomRole if role is not RoomRole.VISITOR)
    assert [role for role in RoomRole if waits_in_lobby(role)] == [RoomRole.GUEST]
    assert not counts_for_presence(RoomRole.GUEST) and not counts_for_presence(RoomRole.VISITOR)
    assert counts_for_presence(RoomRole.MEMBER)
    assert not sees_non_public(RoomRole.GUEST) and not sees_non_public(RoomRole.VISITOR)
    assert sees_non_public(RoomRole.SECRETARIAT)
    assert held_from_media(RoomRole.VISITOR, item_public=False)
    assert not held_from_media(RoomRole.VISITOR, item_public=True)
    assert not held_from_media(RoomRole.GUEST, item_public=False)


def test_max_listeners_defaults_to_fifty_and_must_be_a_positive_number(tmp_path: Path) -> None:
    def settings(**env: str) -> Settings:
        secret = {"COUNCIL_VAR_DIR": str(tmp_path), "COUNCIL_SECRET_KEY": SECRET}
        return load_settings({**secret, **env})

    assert settings().media_max_listeners == 50
    assert settings(COUNCIL_MEDIA_MAX_LISTENERS="5").media_max_listeners == 5
    for value in ("0", "-3", "viele"):
        with pytest.raises(ConfigurationError, match="MEDIA_MAX_LISTENERS"):
            settings(COUNCIL_MEDIA_MAX_LISTENERS=value)
