"""Meetings and agendas over HTTP: the secretariat's forms, the agenda editor with and without htmx, what the
public and members see (state, cancellation, Nachtrag) and what they never see (non-public items, drafts)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from council.meetings.agenda import ItemDraft, add_topic, live_items
from council.meetings.invitation_state import record_invitation_sent
from council.meetings.models import AgendaItem, Meeting, MeetingState
from tests.agenda_scene import NOW, meeting, viewer, waiting_paper
from tests.web_helpers import csrf_token_from, submit_form
from tests.world import CONFIDENTIAL_MARKER

HTMX = {"HX-Request": "true", "HX-Target": "agenda-editor"}


async def count(sessions, model) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def titles(sessions, meeting_id: int) -> list[str]:
    async with sessions() as session:
        return [f"{i.number} {i.title}" for i in live_items(await meeting(session, meeting_id))]


async def post(http, url: str, **fields):
    token = csrf_token_from((await http.get("/login")).text)
    return await http.post(url, data={"_csrf_token": token, **fields}, follow_redirects=False)


async def new_meeting(http, world, **fields) -> int:
    values = {"organization": str(world.committee.id), "date": "2025-06-03", "start_time": "16:30"}
    values.update(location=str(world.past_meeting.location_id), mode="in_person", **fields)
    response = await submit_form(http, f"/meetings/new?organization={world.committee.id}", "/meetings/new", **values)
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/meetings/(\d+)/agenda", response.headers["location"])
    assert match
    return int(match.group(1))


async def test_the_secretariat_creates_a_meeting_and_finds_it_in_its_overview(sessions, world, login):
    secretariat = await login("secretariat")
    nav = await secretariat.get("/")
    assert 'href="/secretariat/meetings"' in nav.text
    meeting_id = await new_meeting(secretariat, world, end_time="18:45")
    async with sessions() as session:
        created = await meeting(session, meeting_id)
    assert (created.number, created.state) == (3, MeetingState.PLANNED)
    # 16:30 in Berlin summer time.
    assert created.start == dt.datetime(2025, 6, 3, 14, 30, tzinfo=dt.UTC)
    overview = await secretariat.get(f"/secretariat/meetings?organization={world.committee.id}")
    assert "3. Sitzung des Hauptausschusses" in overview.text
    assert f'href="/meetings/{meeting_id}/agenda"' in overview.text
    member = await login("member")
    assert 'href="/secretariat/meetings"' not in (await member.get("/")).text


async def test_a_wrong_meeting_form_is_shown_again_with_reasons_and_creates_nothing(sessions, world, login):
    secretariat = await login("secretariat")
    before = await count(sessions, Meeting)
    response = await submit_form(
        secretariat,
        f"/meetings/new?organization={world.committee.id}",
        "/meetings/new",
        organization=str(world.committee.id),
        date="03.06.2025",
        start_time="halb fünf",
        mode="hybrid",
        location="new",
        location_description="",
    )
    assert response.status_code == 400
    for message in ("Bitte geben Sie das Datum an", "Bitte die Uhrzeit", "Bitte benennen Sie den neuen Ort"):
        assert message in response.text
    assert 'value="halb fünf"' in response.text
    refused = await submit_form(
        secretariat,
        f"/meetings/new?organization={world.committee.id}",
        "/meetings/new",
        organization=str(world.committee.id),
        date="2025-06-03",
        start_time="16:30",
        end_time="15:00",
        mode="hybrid",
        location=str(world.past_meeting.location_id),
    )
    assert refused.status_code == 400
    assert "Das Ende liegt vor dem Beginn." in refused.text
    assert "Dieses Gremium darf nicht digital oder hybrid tagen." in refused.text
    assert await count(sessions, Meeting) == before


async def test_editing_and_cancelling_a_meeting_shows_on_its_public_page(sessions, world, login, client):
    secretariat = await login("secretariat")
    url = f"/meetings/{world.next_meeting.id}"
    form = await secretariat.get(f"{url}/edit")
    assert 'name="date"' in form.text
    moved = await submit_form(
        secretariat, f"{url}/edit", date="2025-07-01", start_time="17:00", mode="in_person", location="new",
        location_description="Bürgerhaus", location_room="Saal 2",
    )  # fmt: skip
    assert moved.status_code == 303
    page = await client.get(url)
    assert "Bürgerhaus, Saal 2" in page.text
    empty = await submit_form(secretariat, f"{url}/cancel", reason=" ")
    assert empty.status_code == 400
    assert "Bitte geben Sie den Grund der Absage an." in empty.text
    cancelled = await submit_form(secretariat, f"{url}/cancel", reason="Mangels Beratungsgegenständen")
    assert cancelled.status_code == 303
    page = await client.get(url)
    assert "Abgesagt" in page.text and "Mangels Beratungsgegenständen" in page.text
    reinstated = await submit_form(secretariat, f"{url}/cancel", f"{url}/reinstate")
    assert reinstated.status_code == 303
    assert "Mangels" not in (await client.get(url)).text


async def test_the_agenda_editor_works_as_plain_forms(sessions, world, login):
    secretariat = await login("secretariat")
    meeting_id = await new_meeting(secretariat, world)
    editor = f"/meetings/{meeting_id}/agenda"
    assert (await submit_form(secretariat, editor, f"{editor}/standard")).status_code == 303
    added = await submit_form(
        secretariat, editor, f"{editor}/items", title="Bericht zur Schulentwicklung", part="public"
    )
    assert added.status_code == 303
    assert added.headers["location"].startswith(f"{editor}#item-")
    assert await titles(sessions, meeting_id) == [
        "Ö 1 Eröffnung und Feststellung der Beschlussfähigkeit",
        "Ö 2 Genehmigung der Niederschrift",
        "Ö 3 Mitteilungen",
        "Ö 4 Bericht zur Schulentwicklung",
        "Ö 5 Anfragen",
    ]
    item_id = int(added.headers["location"].rsplit("-", 1)[1])
    moved = await submit_form(secretariat, editor, f"{editor}/items/{item_id}/move", direction="up", to="")
    assert moved.status_code == 303
    edited = await submit_form(
        secretariat, editor, f"{editor}/items/{item_id}", title="Schulbericht", part="confidential"
    )
    assert edited.status_code == 303
    assert (await titles(sessions, meeting_id))[-1] == "N 1 Schulbericht"
    page = await secretariat.get(editor)
    assert "Nichtöffentlicher Teil" in page.text and 'id="up-' in page.text
    removed = await submit_form(secretariat, editor, f"{editor}/items/{item_id}/remove")
    assert removed.status_code == 303
    assert "N 1 Schulbericht" not in await titles(sessions, meeting_id)


async def test_refused_agenda_changes_rerender_with_400_and_change_nothing(sessions, world, login):
    secretariat = await login("secretariat")
    meeting_id = await new_meeting(secretariat, world)
    editor = f"/meetings/{meeting_id}/agenda"
    await submit_form(secretariat, editor, f"{editor}/items", title="Einziger Punkt", part="public")
    before = await titles(sessions, meeting_id)
    async with sessions() as session:
        item_id = live_items(await meeting(session, meeting_id))[0].id
    cases = [
        (f"{editor}/items", {"title": "   "}, "Bitte geben Sie einen Titel ein."),
        (f"{editor}/items", {"title": "Unter", "parent": "abc"}, "Bitte wählen Sie einen Hauptpunkt."),
        (f"{editor}/items", {"title": "Unter", "parent": "999999"}, "Unterpunkte gibt es nur"),
        (f"{editor}/items/{item_id}/move", {"direction": "up"}, "Weiter lässt sich dieser Punkt nicht verschieben."),
        (f"{editor}/items/{item_id}/move", {"to": "x"}, "Bitte geben Sie an, wohin"),
        (f"{editor}/items/999999", {"title": "X"}, "Diesen Tagesordnungspunkt gibt es"),
        (f"{editor}/consultations", {"consultation": "999999"}, "wartet nicht"),
    ]
    for url, fields, message in cases:
        response = await submit_form(secretariat, editor, url, **fields)
        assert response.status_code == 400, (url, fields, response.status_code)
        assert message in response.text, (url, message)
        assert "<html" in response.text
        token = csrf_token_from(response.text)
        partial = await secretariat.post(url, data={"_csrf_token": token, **fields}, headers=HTMX)
        assert partial.status_code == 400 and message in partial.text and "<html" not in partial.text
    assert await titles(sessions, meeting_id) == before


async def test_htmx_requests_get_the_agenda_section_only(sessions, world, login):
    secretariat = await login("secretariat")
    meeting_id = await new_meeting(secretariat, world)
    editor = f"/meetings/{meeting_id}/agenda"
    token = csrf_token_from((await secretariat.get(editor)).text)
    ok = await secretariat.post(f"{editor}/items", data={"_csrf_token": token, "title": "Per htmx"}, headers=HTMX)
    assert ok.status_code == 200
    assert '<section id="agenda-editor"' in ok.text and "<html" not in ok.text
    assert "Ö 1" in ok.text and "Per htmx" in ok.text
    assert ok.headers["vary"] == "HX-Target"
    bad = await secretariat.post(f"{editor}/items", data={"_csrf_token": token, "title": ""}, headers=HTMX)
    assert bad.status_code == 400
    assert '<section id="agenda-editor"' in bad.text and "Bitte geben Sie einen Titel ein." in bad.text
    assert "<html" not in bad.text
    assert await titles(sessions, meeting_id) == ["Ö 1 Per htmx"]


async def test_waiting_papers_are_listed_for_the_secretariat_and_put_on_the_agenda(sessions, world, login, client):
    async with sessions() as session, session.begin():
        consultation_id = (await waiting_paper(session, world, "Schulwegsicherung", reference="VO/2025/00077")).id
        secret_id = (await waiting_paper(session, world, "Personalangelegenheit", public=False)).id
    organization = f"/organizations/{world.committee.id}"
    secretariat = await login("secretariat")
    listed = await secretariat.get(organization)
    assert "Wartende Vorlagen" in listed.text and "VO/2025/00077" in listed.text and CONFIDENTIAL_MARKER in listed.text
    for persona in ("member", "chair"):
        other = await login(persona)
        assert "Wartende Vorlagen" not in (await other.get(organization)).text
    assert "Wartende Vorlagen" not in (await client.get(organization)).text

    editor = f"/meetings/{world.next_meeting.id}/agenda"
    for cid in (consultation_id, secret_id):
        response = await submit_form(secretariat, editor, f"{editor}/consultations", consultation=str(cid))
        assert response.status_code == 303
    assert await titles(sessions, world.next_meeting.id) == [
        "Ö 1 Schulwegsicherung",
        f"N 1 Personalangelegenheit {CONFIDENTIAL_MARKER}",
    ]
    assert "VO/2025/00077" not in (await secretariat.get(organization)).text


async def test_draft_agendas_are_published_with_the_invitation(sessions, world, login, client):
    secretariat = await login("secretariat")
    meeting_id = await new_meeting(secretariat, world)
    editor = f"/meetings/{meeting_id}/agenda"
    await submit_form(secretariat, editor, f"{editor}/items", title="Entwurfspunkt")
    url = f"/meetings/{meeting_id}"
    for http in (client, await login("member")):
        page = await http.get(url)
        assert "Entwurfspunkt" not in page.text
        assert "Die Tagesordnung ist noch nicht veröffentlicht." in page.text
    for persona in ("secretariat", "chair"):
        page = await (await login(persona)).get(url)
        assert "Entwurfspunkt" in page.text and "Entwurf:" in page.text
    async with sessions() as session, session.begin():
        await record_invitation_sent(session, await meeting(session, meeting_id), NOW)
    assert "Entwurfspunkt" in (await client.get(url)).text


async def test_the_nachtrag_is_marked_for_everyone_but_non_public_items_only_for_members(
    sessions, world, login, client
):
    async with sessions() as session, session.begin():
        target = await meeting(session, world.next_meeting.id)
        secretariat = await viewer(session, world, "secretariat")
        await add_topic(session, target, secretariat, ItemDraft("Haushaltsrede"), NOW)
        await add_topic(session, target, secretariat, ItemDraft("Wegfall"), NOW)
        await record_invitation_sent(session, target, NOW)
    http = await login("secretariat")
    editor = f"/meetings/{world.next_meeting.id}/agenda"
    await submit_form(http, editor, f"{editor}/items", title="Dringlicher Antrag Brücke")
    await submit_form(http, editor, f"{editor}/items", title=f"Vertrag {CONFIDENTIAL_MARKER}", part="confidential")
    async with sessions() as session:
        gone = next(i.id for i in live_items(await meeting(session, world.next_meeting.id)) if i.title == "Wegfall")
    await submit_form(http, editor, f"{editor}/items/{gone}/remove")

    public = (await client.get(f"/meetings/{world.next_meeting.id}")).text
    assert "Dringlicher Antrag Brücke" in public and "Nachtrag" in public and "neu aufgenommen" in public
    assert "Abgesetzt (Nachtrag)" in public and "Wegfall" in public
    assert CONFIDENTIAL_MARKER not in public
    member = (await (await login("member")).get(f"/meetings/{world.next_meeting.id}")).text
    assert f"Vertrag {CONFIDENTIAL_MARKER}" in member
    editor_page = (await http.get(editor)).text
    assert "noch nicht versandt" in editor_page
    outsider = (await (await login("other_committee_member")).get(f"/meetings/{world.next_meeting.id}")).text
    assert CONFIDENTIAL_MARKER not in outsider


async def test_the_agenda_of_a_closed_meeting_is_read_only(sessions, world, login):
    secretariat = await login("secretariat")
    page = await secretariat.get(f"/meetings/{world.past_meeting.id}/agenda")
    assert page.status_code == 200
    assert "ihre Tagesordnung kann nicht mehr geändert werden" in page.text
    assert "Punkt hinzufügen" not in page.text
    async with sessions() as session:
        items = int(await session.scalar(select(func.count()).select_from(AgendaItem)) or 0)
    refused = await post(secretariat, f"/meetings/{world.past_meeting.id}/agenda/items", title="Zu spät")
    assert refused.status_code == 400
    assert await count(sessions, AgendaItem) == items


async def test_attendance_records_a_deputy_with_times_and_refuses_a_present_member(sessions, world, login):
    from council.meetings.models import Attendance

    secretariat = await login("secretariat")
    url = f"/meetings/{world.next_meeting.id}/attendance"
    member, deputy = str(world.people["member"].id), str(world.people["deputy"].id)
    page = await secretariat.get(url)
    assert f'id="subst-{deputy}"' in page.text and 'name="note"' in page.text
    assert (await submit_form(secretariat, url, url + "/", person=member, status="present")).status_code == 303
    refused = await submit_form(
        secretariat, url, url + "/", person=deputy, status="present", arrived="16:40", substitutes=member
    )
    assert refused.status_code == 400
    assert "Das zu vertretende Mitglied ist selbst anwesend." in refused.text
    await submit_form(secretariat, url, url + "/", person=member, status="excused", note="Urlaub")
    stood_in = await submit_form(
        secretariat, url, url + "/", person=deputy, status="present", arrived="16:40", left="17:30", substitutes=member
    )
    assert stood_in.status_code == 303
    async with sessions() as session:
        rows = {a.person_id: a for a in await session.scalars(select(Attendance))}
    deputy_row = rows[world.people["deputy"].id]
    assert deputy_row.substitutes_person_id == world.people["member"].id
    assert deputy_row.arrived_at is not None and deputy_row.left_at is not None
    assert (deputy_row.left_at - deputy_row.arrived_at) == dt.timedelta(minutes=50)
    assert rows[world.people["member"].id].note == "Urlaub"
