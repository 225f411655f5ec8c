"""Pure rules of the meeting room: the speakers list and who may enter."""

from __future__ import annotations

import pytest

from council.accounts.models import BodyRoleKind
from council.accounts.viewer import ANONYMOUS, Viewer
from council.bodies.models import MembershipRole, Organization
from council.meetings.models import Meeting, MeetingMode, MeetingState
from council.meetings.presence import RoomRefusal, RoomRole, leads_room, room_role
from council.meetings.speakers import SpeakersList


def test_hands_queue_in_order_and_the_floor_takes_the_first():
    speakers = SpeakersList()
    for who in ("a", "b", "a", "c"):
        speakers.raise_hand(who)
    assert speakers.waiting == ["a", "b", "c"]
    assert speakers.give_floor() == "a"
    assert speakers.waiting == ["b", "c"] and speakers.speaking == "a"
    speakers.raise_hand("a")  # the speaker cannot queue again while speaking
    assert speakers.waiting == ["b", "c"]
    assert speakers.give_floor("c") == "c" and speakers.waiting == ["b"]
    speakers.forget("c")
    assert speakers.speaking is None
    speakers.lower_all()
    assert speakers.give_floor() is None


def _meeting(mode=MeetingMode.ONLINE, state=MeetingState.OPENED) -> Meeting:
    meeting = Meeting(organization_id=7, mode=mode, state=state)
    meeting.organization = Organization(id=7, body_id=1)
    return meeting


MEMBER = Viewer(user_id=1, person_id=1, organization_roles={7: frozenset({MembershipRole.MEMBER})})
CHAIR = Viewer(user_id=2, person_id=2, organization_roles={7: frozenset({MembershipRole.CHAIR})})
SECRETARIAT = Viewer(user_id=3, body_roles=frozenset({(1, BodyRoleKind.SECRETARIAT)}))
OUTSIDER = Viewer(user_id=4, person_id=4, organization_roles={8: frozenset({MembershipRole.MEMBER})})


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (ANONYMOUS, RoomRefusal.NOT_LOGGED_IN),
        (OUTSIDER, RoomRefusal.NOT_ALLOWED),
        (MEMBER, RoomRole.MEMBER),
        (CHAIR, RoomRole.CHAIR),
        (SECRETARIAT, RoomRole.SECRETARIAT),
    ],
)
def test_who_enters_the_room(viewer, expected):
    assert room_role(viewer, _meeting()) is expected


def test_no_room_for_meetings_in_person_or_closed():
    assert room_role(MEMBER, _meeting(mode=MeetingMode.IN_PERSON)) is RoomRefusal.NOT_DIGITAL
    assert room_role(MEMBER, _meeting(state=MeetingState.CLOSED)) is RoomRefusal.NOT_OPEN
    assert room_role(OUTSIDER, _meeting(mode=MeetingMode.IN_PERSON)) is RoomRefusal.NOT_ALLOWED


def test_chair_and_secretariat_lead_members_do_not():
    assert leads_room(CHAIR, _meeting()) and leads_room(SECRETARIAT, _meeting())
    assert not leads_room(MEMBER, _meeting())
