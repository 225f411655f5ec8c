"""The public pages render with the world's data, and non-public items stay hidden from visitors."""

from __future__ import annotations

from tests.world import CONFIDENTIAL_MARKER


async def test_start_page_shows_upcoming_meetings_and_recent_resolutions(client, world):
    response = await client.get("/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="de">' in html
    assert "2. Sitzung des Hauptausschusses" in html
    assert "Radweg am Stadtpark" in html
    assert "einstimmig beschlossen" in html
    assert CONFIDENTIAL_MARKER not in html


async def test_page_has_landmarks_and_skip_link(client, world):
    html = (await client.get("/")).text
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<nav" in html and "<footer" in html


async def test_footer_links_the_open_data_interface(client, world):
    html = (await client.get("/organizations")).text
    footer = html[html.index("<footer") :]
    # A plain link: htmx must not swap the JSON into the page.
    assert '<a href="/oparl/v1.1/" type="application/json" hx-boost="false">Offene Daten (OParl)</a>' in footer
    assert (await client.get("/oparl/v1.1/")).json()["type"] == "https://schema.oparl.org/1.1/System"


async def test_organization_page_lists_members_and_meetings(client, world):
    response = await client.get(f"/organizations/{world.committee.id}")
    assert response.status_code == 200
    assert "Clara Vorsitz" in response.text
    assert "Vorsitz" in response.text
    assert "1. Sitzung" in response.text


async def test_organizations_index_groups_by_kind(client, world):
    html = (await client.get("/organizations")).text
    assert "Ausschüsse" in html and "Beiräte" in html and "Fraktionen" in html
    assert "Seniorenbeirat" in html


async def test_person_page_lists_memberships(client, world):
    response = await client.get(f"/persons/{world.people['member'].id}")
    assert response.status_code == 200
    assert "Hauptausschuss" in response.text and "Fraktion Blau" in response.text


async def test_persons_index_lists_people(client, world):
    html = (await client.get("/persons")).text
    assert "Mitglied, Max" in html


async def test_visitor_sees_public_agenda_but_not_confidential_item(client, world):
    response = await client.get(f"/meetings/{world.past_meeting.id}")
    assert response.status_code == 200
    assert "Ö 1" in response.text
    assert "N 1" not in response.text
    assert CONFIDENTIAL_MARKER not in response.text


async def test_committee_member_sees_confidential_item(login, world):
    member = await login("member")
    response = await member.get(f"/meetings/{world.past_meeting.id}")
    assert CONFIDENTIAL_MARKER in response.text
    assert "nicht öffentlich" in response.text


async def test_member_of_other_organization_does_not_see_confidential_item(login, world):
    outsider = await login("other_committee_member")
    response = await outsider.get(f"/meetings/{world.past_meeting.id}")
    assert response.status_code == 200
    assert CONFIDENTIAL_MARKER not in response.text


async def test_secretariat_sees_confidential_item(login, world):
    secretariat = await login("secretariat")
    assert CONFIDENTIAL_MARKER in (await secretariat.get(f"/meetings/{world.past_meeting.id}")).text


async def test_public_paper_is_readable(client, world):
    response = await client.get(f"/papers/{world.public_paper.id}")
    assert response.status_code == 200
    assert "Der Hauptausschuss beschließt den Bau des Radwegs." in response.text
    assert "Beratungsfolge" in response.text


async def test_confidential_paper_is_not_found_for_visitors_and_outsiders(client, login, world):
    url = f"/papers/{world.confidential_paper.id}"
    response = await client.get(url)
    assert response.status_code == 404
    assert CONFIDENTIAL_MARKER not in response.text
    outsider = await login("other_committee_member")
    assert (await outsider.get(url)).status_code == 404
    member = await login("member")
    assert (await member.get(url)).status_code == 200


async def test_unknown_objects_give_a_404_page(client, world):
    for url in ("/meetings/99999", "/papers/99999", "/persons/99999", "/organizations/99999", "/nowhere"):
        response = await client.get(url)
        assert response.status_code == 404, url
        assert "Nicht gefunden" in response.text


async def test_health_reports_the_database(client, world):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_security_headers_are_set(client, world):
    response = await client.get("/")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_vendored_htmx_is_served(client, world):
    response = await client.get("/static/vendor/htmx/htmx.min.js")
    assert response.status_code == 200
    assert "htmx" in response.text


async def test_public_item_does_not_reveal_its_confidential_paper(client, login, world, sessions):
    from council.meetings.models import AgendaItem
    from council.papers.models import Consultation, ConsultationRole

    async with sessions() as session, session.begin():
        consultation = Consultation(
            paper_id=world.confidential_paper.id,
            organization_id=world.committee.id,
            position=2,
            role=ConsultationRole.INFORMATION,
        )
        session.add(consultation)
        await session.flush()
        session.add(
            AgendaItem(
                meeting_id=world.next_meeting.id,
                position=1,
                number="Ö 1",
                title="Bericht über Grundstücksangelegenheiten",
                consultation_id=consultation.id,
            )
        )
    url = f"/meetings/{world.next_meeting.id}"
    visitor_page = (await client.get(url)).text
    assert "Bericht über Grundstücksangelegenheiten" in visitor_page
    assert world.confidential_paper.reference not in visitor_page
    assert f"/papers/{world.confidential_paper.id}" not in visitor_page
    member_page = (await (await login("member")).get(url)).text
    assert f"/papers/{world.confidential_paper.id}" in member_page
