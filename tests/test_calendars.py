"""Calendars parse as RFC 5545 with the Berlin VTIMEZONE; UIDs stay, SEQUENCE grows with every change, a
cancellation is STATUS:CANCELLED; public feeds hold public meetings and public item titles only; a personal
feed lives at a secret address that is refused (404) once replaced or revoked."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar
from sqlalchemy import select

from council.accounts.models import User
from council.meetings.models import AgendaItem, Meeting, MeetingState
from tests.web_helpers import csrf_token_from, submit_form
from tests.world import CONFIDENTIAL_MARKER


def parse(response) -> Calendar:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    # RFC 5545 3.1: CRLF line ends, lines folded at 75 octets.
    lines = response.content.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line and len(line) <= 75 for line in lines)
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    zones = calendar.walk("VTIMEZONE")
    events = calendar.walk("VEVENT")
    if events:
        assert [str(z["TZID"]) for z in zones] == ["Europe/Berlin"]
        assert zones[0].walk("STANDARD") and zones[0].walk("DAYLIGHT")
    for event in events:
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE", "STATUS", "URL"):
            assert name in event, name
        assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
        assert event.decoded("DTEND") > event.decoded("DTSTART")
    return calendar


def event_of(calendar: Calendar, meeting_id: int):
    found = [e for e in calendar.walk("VEVENT") if str(e["URL"]).endswith(f"/meetings/{meeting_id}")]
    assert len(found) == 1
    return found[0]


async def test_meeting_calendar_is_valid_with_its_public_agenda_and_a_link_back(client, world):
    past = world.past_meeting
    event = event_of(parse(await client.get(f"/meetings/{past.id}/calendar.ics")), past.id)
    assert str(event["UID"]) == f"meeting-{past.id}@127.0.0.1"
    assert str(event["URL"]) == f"http://127.0.0.1:8000/meetings/{past.id}"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "1. Sitzung des Hauptausschusses"
    assert event.decoded("DTSTART") == past.start
    description = str(event["DESCRIPTION"])
    assert "Ö 1 Radweg am Stadtpark" in description
    assert CONFIDENTIAL_MARKER not in (await client.get(f"/meetings/{past.id}/calendar.ics")).text
    assert "N 1" not in description


async def test_sequence_grows_with_each_change_and_cancellation_is_cancelled(client, login, world):
    meeting_id = world.next_meeting.id
    url = f"/meetings/{meeting_id}/calendar.ics"
    first = event_of(parse(await client.get(url)), meeting_id)
    secretariat = await login("secretariat")
    added = await submit_form(
        secretariat, f"/meetings/{meeting_id}/agenda", f"/meetings/{meeting_id}/agenda/items", title="Spielplatz"
    )
    assert added.status_code == 303
    second = event_of(parse(await client.get(url)), meeting_id)
    assert int(second["SEQUENCE"]) > int(first["SEQUENCE"])
    assert str(second["UID"]) == str(first["UID"])
    assert "Spielplatz" in str(second["DESCRIPTION"])
    cancelled = await submit_form(secretariat, f"/meetings/{meeting_id}/cancel", reason="Terminkollision")
    assert cancelled.status_code == 303
    third = event_of(parse(await client.get(url)), meeting_id)
    assert str(third["STATUS"]) == "CANCELLED"
    assert int(third["SEQUENCE"]) > int(second["SEQUENCE"])
    assert "Terminkollision" in str(third["DESCRIPTION"])


async def test_the_sequence_counts_changes_of_date_place_and_agenda(sessions, world):
    async with sessions() as session, session.begin():
        meeting = await session.get(Meeting, world.next_meeting.id)
        assert meeting is not None
        before = meeting.sequence
        meeting.start = meeting.start + dt.timedelta(hours=1)
    async with sessions() as session, session.begin():
        # An item added without the meeting loaded still counts.
        session.add(AgendaItem(meeting_id=world.next_meeting.id, position=9, number="Ö 9", title="Neu"))
    async with sessions() as session:
        meeting = await session.get(Meeting, world.next_meeting.id)
        assert meeting is not None and meeting.sequence == before + 2
    async with sessions() as session, session.begin():
        meeting = await session.get(Meeting, world.next_meeting.id)
        assert meeting is not None
        meeting.invitation_sent_at = dt.datetime.now(dt.UTC)  # bookkeeping, nothing a calendar shows
    async with sessions() as session:
        meeting = await session.get(Meeting, world.next_meeting.id)
        assert meeting is not None and meeting.sequence == before + 2


async def test_organization_feed_lists_public_meetings_without_non_public_titles_or_draft_agendas(
    client, sessions, world
):
    async with sessions() as session, session.begin():
        secret = Meeting(
            organization_id=world.committee.id,
            legislative_term_id=world.past_meeting.legislative_term_id,
            number=7,
            start=world.next_meeting.start + dt.timedelta(days=7),
            state=MeetingState.INVITED,
        )
        draft = Meeting(
            organization_id=world.committee.id,
            legislative_term_id=world.past_meeting.legislative_term_id,
            number=8,
            start=world.next_meeting.start + dt.timedelta(days=14),
            state=MeetingState.PLANNED,
        )
        session.add_all([secret, draft])
        await session.flush()
        session.add_all(
            [
                AgendaItem(meeting_id=secret.id, position=1, number="N 1", public=False, title=CONFIDENTIAL_MARKER),
                AgendaItem(meeting_id=draft.id, position=1, number="Ö 1", title="Entwurfspunkt-Z9"),
            ]
        )
    response = await client.get(f"/organizations/{world.committee.id}/calendar.ics")
    calendar = parse(response)
    urls = {str(e["URL"]).rsplit("/", 1)[1] for e in calendar.walk("VEVENT")}
    assert {str(world.past_meeting.id), str(world.next_meeting.id), str(draft.id)} <= urls
    assert str(secret.id) not in urls
    assert CONFIDENTIAL_MARKER not in response.text
    assert "Entwurfspunkt-Z9" not in response.text  # a draft agenda is not public
    assert str(event_of(calendar, draft.id)["STATUS"]) == "TENTATIVE"
    assert (await client.get(f"/organizations/{world.faction.id}/calendar.ics")).status_code == 404


async def personal_url(http, sessions, persona_user_id: int) -> str:
    async with sessions() as session:
        user = await session.get(User, persona_user_id)
        assert user is not None and user.calendar_token
        return f"/calendar/{user.calendar_token}.ics"


async def test_personal_feed_at_a_secret_address_that_can_be_replaced_and_revoked(client, login, sessions, world):
    member = await login("member")
    account = await member.get("/account")
    assert "Kalender-Abo einrichten" in account.text
    token = csrf_token_from(account.text)
    assert (await member.post("/account/calendar/", data={"_csrf_token": token})).status_code == 303
    first = await personal_url(member, sessions, world.users["member"].id)
    assert first.rsplit("/", 1)[1][:-4] in (await member.get("/account")).text
    calendar = parse(await client.get(first))  # no login needed: the address is the key
    assert {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")} == {
        "1. Sitzung des Hauptausschusses",
        "2. Sitzung des Hauptausschusses",
    }
    assert CONFIDENTIAL_MARKER not in (await client.get(first)).text

    assert (await member.post("/account/calendar/", data={"_csrf_token": token})).status_code == 303
    second = await personal_url(member, sessions, world.users["member"].id)
    assert second != first
    assert (await client.get(first)).status_code == 404
    assert (await client.get(second)).status_code == 200

    assert (await member.post("/account/calendar/revoke", data={"_csrf_token": token})).status_code == 303
    assert (await client.get(second)).status_code == 404
    async with sessions() as session:
        assert await session.scalar(select(User.calendar_token).where(User.id == world.users["member"].id)) is None
    assert (await client.get("/calendar/not-a-token.ics")).status_code == 404


async def test_another_committees_member_does_not_get_these_meetings(client, login, sessions, world):
    other = await login("other_committee_member")
    token = csrf_token_from((await other.get("/account")).text)
    assert (await other.post("/account/calendar/", data={"_csrf_token": token})).status_code == 303
    calendar = parse(await client.get(await personal_url(other, sessions, world.users["other_committee_member"].id)))
    assert calendar.walk("VEVENT") == []
