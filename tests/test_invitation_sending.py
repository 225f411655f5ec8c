"""Einladung versenden against a real SMTP server: every member gets the agenda, the PDF and an iCalendar request;
deliveries are recorded and a failed one can be sent again; the Ladungsfrist warns; a second click, a cancelled
meeting and a supplement without changes send nothing; a later agenda change goes out as a Nachtrag."""

from __future__ import annotations

import asyncio
import datetime as dt
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from council.mail.models import DeliveryStatus, MailDelivery
from council.meetings.models import AgendaItem, Meeting, MeetingState
from council.settings import Settings, load_settings
from tests.mail_server import Inbox, inbox, smtp_env  # noqa: F401  (the fixture)
from tests.web_helpers import csrf_token_from, submit_form
from tests.world import CONFIDENTIAL_MARKER

ADDRESSES = {"chair": "clara.vorsitz@teststadt.example", "member": "max.mitglied@teststadt.example"}


@pytest.fixture
def settings(database_url: str, tmp_path: Path, inbox: Inbox) -> Settings:  # noqa: F811
    return load_settings(
        {
            "COUNCIL_ENV": "test",
            "COUNCIL_DATABASE_URL": database_url,
            "COUNCIL_VAR_DIR": str(tmp_path / "var"),
            "COUNCIL_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "COUNCIL_PUBLIC_BASE_URL": "http://rats.teststadt.example",
            **smtp_env(inbox),
        }
    )


async def planned_meeting(sessions, world, *, days_ahead: int = 21) -> int:
    """A planned meeting of the committee with a public and a non-public item; chair and member have
    addresses, the deputy has none."""
    async with sessions() as session, session.begin():
        for persona, address in ADDRESSES.items():
            person = await session.get(type(world.people[persona]), world.people[persona].id)
            person.email = address
        # 16:00 on the body's own calendar day: the notice period counts its days, which after midnight there
        # are a day ahead of UTC's.
        local = ZoneInfo(world.body.timezone)
        start = dt.datetime.now(local).replace(hour=16, minute=0, second=0, microsecond=0).astimezone(dt.UTC)
        meeting = Meeting(
            organization_id=world.committee.id,
            legislative_term_id=world.past_meeting.legislative_term_id,
            number=3,
            start=start + dt.timedelta(days=days_ahead),
            location_id=world.past_meeting.location_id,
            state=MeetingState.PLANNED,
        )
        session.add(meeting)
        await session.flush()
        session.add_all(
            [
                AgendaItem(meeting_id=meeting.id, position=1, number="Ö 1", title="Radverkehrskonzept"),
                AgendaItem(
                    meeting_id=meeting.id,
                    position=2,
                    number="N 1",
                    public=False,
                    title=f"Grundstück {CONFIDENTIAL_MARKER}",
                ),
            ]
        )
        return meeting.id


def plain_text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


async def send(http, meeting_id: int, **fields):
    return await submit_form(http, f"/meetings/{meeting_id}/invitation", **fields)


async def deliveries(sessions, meeting_id: int) -> list[MailDelivery]:
    async with sessions() as session:
        rows = await session.scalars(select(MailDelivery).where(MailDelivery.meeting_id == meeting_id))
        return list(rows)


async def test_invitation_goes_to_every_member_with_agenda_pdf_and_calendar_request(
    login,
    world,
    sessions,
    inbox: Inbox,  # noqa: F811
):
    meeting_id = await planned_meeting(sessions, world)
    secretariat = await login("secretariat")
    response = await send(secretariat, meeting_id, notices="0")
    assert response.status_code == 303, response.text
    assert sorted(r.recipients[0] for r in inbox.received) == sorted(ADDRESSES.values())
    for message in inbox.received:
        assert message.message["Subject"].startswith("Einladung: 3. Sitzung des Hauptausschusses am ")
        text = plain_text(message.message)
        assert "Ö 1  Radverkehrskonzept" in text and "Nicht öffentlicher Teil" in text
        parts = {part.get_content_type(): part for part in message.message.iter_attachments()}
        assert parts["application/pdf"].get_content().startswith(b"%PDF")
        ics = parts["text/calendar"].get_payload(decode=True)
        assert isinstance(ics, bytes)
        calendar = Calendar.from_ical(ics)
        assert str(calendar["METHOD"]) == "REQUEST"
        event = calendar.walk("VEVENT")[0]
        assert str(event["UID"]) == f"meeting-{meeting_id}@rats.teststadt.example"
        assert str(event["ATTENDEE"]) == f"mailto:{message.recipients[0]}"
        assert str(event["URL"]) == f"http://rats.teststadt.example/meetings/{meeting_id}"
        assert CONFIDENTIAL_MARKER.encode() not in ics
    recorded = {d.recipient: d for d in await deliveries(sessions, meeting_id)}
    assert {a: recorded[a].status for a in ADDRESSES.values()} == dict.fromkeys(ADDRESSES.values(), "sent")
    no_address = recorded[None]
    assert no_address.status is DeliveryStatus.FAILED and no_address.person_id == world.people["deputy"].id
    async with sessions() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None and meeting.state is MeetingState.INVITED and meeting.invitation_sent_at
    page = await secretariat.get(f"/meetings/{meeting_id}/invitation")
    assert "fehlgeschlagen" in page.text and "Keine E-Mail-Adresse hinterlegt." in page.text

    # The deputy gets an address; the failed delivery is sent again, to it.
    async with sessions() as session, session.begin():
        person = await session.get(type(world.people["deputy"]), world.people["deputy"].id)
        person.email = "dora.vertretung@teststadt.example"
    token = csrf_token_from(page.text)
    retried = await secretariat.post(
        f"/meetings/{meeting_id}/invitation/deliveries/{no_address.id}/retry", data={"_csrf_token": token}
    )
    assert retried.status_code == 303
    deputy_mail = inbox.to("dora.vertretung@teststadt.example")
    assert len(deputy_mail) == 1
    assert "als stellvertretendes Mitglied" in plain_text(deputy_mail[0])
    assert len(inbox.received) == 3


async def test_a_second_click_sends_nothing_again(login, world, sessions, inbox: Inbox):  # noqa: F811
    meeting_id = await planned_meeting(sessions, world)
    secretariat = await login("secretariat")
    page = await secretariat.get(f"/meetings/{meeting_id}/invitation")
    token = csrf_token_from(page.text)
    form = {"_csrf_token": token, "notices": "0"}
    first = await secretariat.post(f"/meetings/{meeting_id}/invitation", data=form)
    second = await secretariat.post(f"/meetings/{meeting_id}/invitation", data=form)
    assert first.status_code == 303
    assert second.status_code == 400
    assert "inzwischen versandt" in second.text
    assert len(inbox.received) == 2
    assert len(await deliveries(sessions, meeting_id)) == 3


async def test_short_notice_is_refused_until_confirmed(login, world, sessions, inbox: Inbox):  # noqa: F811
    meeting_id = await planned_meeting(sessions, world, days_ahead=3)
    secretariat = await login("secretariat")
    page = await secretariat.get(f"/meetings/{meeting_id}/invitation")
    assert "Die Ladungsfrist ist nicht eingehalten." in page.text and "Es fehlen 4 Tage" in page.text
    refused = await send(secretariat, meeting_id, notices="0")
    assert refused.status_code == 400
    assert "Bitte bestätigen Sie" in refused.text
    assert inbox.received == [] and await deliveries(sessions, meeting_id) == []
    async with sessions() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None and meeting.state is MeetingState.PLANNED
    confirmed = await send(secretariat, meeting_id, notices="0", confirm_short_notice="yes")
    assert confirmed.status_code == 303
    assert len(inbox.received) == 2


async def test_a_cancelled_meeting_gets_no_invitation(login, world, sessions, inbox: Inbox):  # noqa: F811
    meeting_id = await planned_meeting(sessions, world)
    secretariat = await login("secretariat")
    cancelled = await submit_form(secretariat, f"/meetings/{meeting_id}/cancel", reason="Keine Beratungsgegenstände")
    assert cancelled.status_code == 303
    page = await secretariat.get(f"/meetings/{meeting_id}/invitation")
    token = csrf_token_from(page.text)
    refused = await secretariat.post(f"/meetings/{meeting_id}/invitation", data={"_csrf_token": token, "notices": "0"})
    assert refused.status_code == 400
    assert "Die Sitzung ist abgesagt; es wird keine Einladung versandt." in refused.text
    assert inbox.received == [] and await deliveries(sessions, meeting_id) == []


async def test_a_refused_mailbox_is_recorded_as_failed_and_retried(login, world, sessions, inbox: Inbox):  # noqa: F811
    meeting_id = await planned_meeting(sessions, world)
    inbox.refuse.add(ADDRESSES["member"])
    secretariat = await login("secretariat")
    assert (await send(secretariat, meeting_id, notices="0")).status_code == 303
    failed = next(d for d in await deliveries(sessions, meeting_id) if d.recipient == ADDRESSES["member"])
    assert failed.status is DeliveryStatus.FAILED and failed.error and "550" in failed.error
    page = await secretariat.get(f"/meetings/{meeting_id}/invitation")
    assert "Mailbox unavailable" in page.text
    inbox.refuse.clear()
    token = csrf_token_from(page.text)
    url = f"/meetings/{meeting_id}/invitation/deliveries/{failed.id}/retry"
    assert (await secretariat.post(url, data={"_csrf_token": token})).status_code == 303
    assert len(inbox.to(ADDRESSES["member"])) == 1
    again = next(d for d in await deliveries(sessions, meeting_id) if d.id == failed.id)
    assert again.status is DeliveryStatus.SENT and again.attempts == 2 and again.error is None
    # A delivered message is not sent twice.
    assert (await secretariat.post(url, data={"_csrf_token": token})).status_code == 400
    assert len(inbox.to(ADDRESSES["member"])) == 1


async def test_an_agenda_change_goes_out_as_a_supplement(login, world, sessions, inbox: Inbox):  # noqa: F811
    meeting_id = await planned_meeting(sessions, world)
    secretariat = await login("secretariat")
    assert (await send(secretariat, meeting_id, notices="0")).status_code == 303
    nothing = await send(secretariat, meeting_id, notices="1")
    assert nothing.status_code == 400 and "keinen Nachtrag" in nothing.text
    added = await submit_form(
        secretariat,
        f"/meetings/{meeting_id}/agenda",
        f"/meetings/{meeting_id}/agenda/items",
        title="Spielplatz",
        part="public",
    )
    assert added.status_code == 303
    page = await secretariat.get(f"/meetings/{meeting_id}/invitation")
    assert "Nachtrag versenden" in page.text and "Spielplatz" in page.text
    inbox.received.clear()
    assert (await send(secretariat, meeting_id, notices="1")).status_code == 303
    assert len(inbox.received) == 2
    message = inbox.received[0].message
    assert message["Subject"].startswith("Nachtrag zur Einladung: 3. Sitzung des Hauptausschusses")
    assert "- neu: Ö 2 Spielplatz" in plain_text(message)
    async with sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(MailDelivery).where(MailDelivery.meeting_id == meeting_id)
        )
    assert count == 6


async def test_a_meeting_that_has_begun_gets_no_invitation(login, world, sessions, inbox: Inbox):  # noqa: F811
    meeting_id = await planned_meeting(sessions, world, days_ahead=-1)
    secretariat = await login("secretariat")
    refused = await send(secretariat, meeting_id, notices="0", confirm_short_notice="yes")
    assert refused.status_code == 400
    assert "hat schon begonnen" in refused.text
    assert inbox.received == [] and await deliveries(sessions, meeting_id) == []


async def test_two_clicks_at_the_same_moment_send_once(login, world, sessions, inbox: Inbox):  # noqa: F811
    meeting_id = await planned_meeting(sessions, world)
    first, second = await login("secretariat"), await login("secretariat")
    forms = []
    for http in (first, second):
        page = await http.get(f"/meetings/{meeting_id}/invitation")
        forms.append({"_csrf_token": csrf_token_from(page.text), "notices": "0"})
    answers = await asyncio.gather(
        first.post(f"/meetings/{meeting_id}/invitation", data=forms[0]),
        second.post(f"/meetings/{meeting_id}/invitation", data=forms[1]),
    )
    assert sorted(a.status_code for a in answers) == [303, 400]
    assert len(inbox.received) == 2
    assert len(await deliveries(sessions, meeting_id)) == 3
