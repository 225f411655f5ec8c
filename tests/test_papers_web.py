"""The secretariat's paper pages over HTTP: list, forms, publish, withdraw, replace, the Beratungsfolge editor."""

from __future__ import annotations

from sqlalchemy import func, select

from council.papers.models import Consultation, Paper
from tests.web_helpers import csrf_token_from, submit_form
from tests.world import CONFIDENTIAL_MARKER, World


def new_paper_fields(world: World, **changes: str) -> dict[str, str]:
    fields = {
        "kind": "resolution_proposal",
        "title": "Sanierung der Turnhalle",
        "date": "2024-10-01",
        "lead_department": str(world.department.id),
        "proposed_resolution": "1. Die Turnhalle wird saniert.\n2. Die Mittel werden bereitgestellt.",
        "reasons": "Die Halle ist marode.",
        "public": "1",
    }
    return {**fields, **changes}


async def count_papers(sessions) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count(Paper.id))) or 0)


async def newest_paper(sessions) -> Paper:
    async with sessions() as session:
        paper: Paper | None = (await session.scalars(select(Paper).order_by(Paper.id.desc()))).first()
    assert paper is not None
    return paper


async def test_secretariat_creates_a_draft_and_publishes_it(login, client, world, sessions):
    secretariat = await login("secretariat")
    assert 'href="/papers"' in (await secretariat.get("/")).text
    created = await submit_form(secretariat, "/papers/new", "/papers/", **new_paper_fields(world))
    assert created.status_code == 303
    paper = await newest_paper(sessions)
    assert created.headers["location"] == f"/papers/{paper.id}"
    assert paper.reference == "VO/2024/00003" and not paper.published
    shown = await secretariat.get(f"/papers/{paper.id}")
    assert "VO/2024/00003" in shown.text and "Entwurf" in shown.text and "1. Die Turnhalle wird saniert." in shown.text
    assert (await client.get(f"/papers/{paper.id}")).status_code == 404
    assert "VO/2024/00003" not in (await client.get("/papers")).text

    published = await submit_form(secretariat, f"/papers/{paper.id}", f"/papers/{paper.id}/publish")
    assert published.status_code == 303
    assert (await client.get(f"/papers/{paper.id}")).status_code == 200
    assert "VO/2024/00003" in (await client.get("/papers")).text
    again = await submit_form(secretariat, f"/papers/{paper.id}", f"/papers/{paper.id}/publish")
    assert again.status_code == 400 and "bereits veröffentlicht" in again.text


async def test_a_wrong_form_comes_back_with_messages_and_writes_nothing(login, world, sessions):
    secretariat = await login("secretariat")
    before = await count_papers(sessions)
    response = await submit_form(
        secretariat,
        "/papers/new",
        "/papers/",
        **new_paper_fields(world, title=" ", lead_department="", date="gestern"),
    )
    assert response.status_code == 400
    assert "Bitte ein Datum wie" in response.text
    response = await submit_form(
        secretariat, "/papers/new", "/papers/", **new_paper_fields(world, title=" ", lead_department="")
    )
    assert response.status_code == 400
    assert "Bitte den Betreff angeben." in response.text and "federführende Verwaltungseinheit" in response.text
    # The entered text is kept for the correction.
    assert "Die Halle ist marode." in response.text
    assert await count_papers(sessions) == before


async def test_motion_with_faction_and_persons(login, world, sessions):
    async with sessions() as session, session.begin():
        from council.bodies.models import Body

        body = await session.get(Body, world.body.id)
        assert body is not None
        body.paper_reference_patterns = {"default": "VO/{yyyy}/{seq:05}", "motion": "{faction}/{seq}/{yy}"}
    secretariat = await login("secretariat")
    page = await secretariat.get("/papers/new")
    response = await secretariat.post(
        "/papers/",
        data={
            "_csrf_token": csrf_token_from(page.text),
            **new_paper_fields(world, kind="motion", lead_department="", faction=str(world.faction.id)),
            "persons": [str(world.people["member"].id), str(world.people["chair"].id)],
            "publish": "1",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    shown = await secretariat.get(response.headers["location"])
    assert "Blau/1/24" in shown.text
    assert "Fraktion Blau, Max Mitglied, Clara Vorsitz" in shown.text


async def test_edit_form_changes_text_but_keeps_the_number(login, client, world):
    secretariat = await login("secretariat")
    url = f"/papers/{world.public_paper.id}/edit"
    form = await secretariat.get(url)
    assert form.status_code == 200 and "VO/2024/00001" in form.text and "Radweg am Stadtpark" in form.text
    bad = await submit_form(secretariat, url, **new_paper_fields(world, title=""))
    assert bad.status_code == 400 and "Bitte den Betreff angeben." in bad.text
    saved = await submit_form(secretariat, url, **new_paper_fields(world, title="Radweg am Stadtpark, 2. Bauabschnitt"))
    assert saved.status_code == 303
    shown = await client.get(f"/papers/{world.public_paper.id}")
    assert "Radweg am Stadtpark, 2. Bauabschnitt" in shown.text and "VO/2024/00001" in shown.text


async def test_withdraw_needs_a_reason_and_the_paper_stays_visible_as_withdrawn(login, client, world):
    secretariat = await login("secretariat")
    page = f"/papers/{world.public_paper.id}"
    missing = await submit_form(secretariat, page, f"{page}/withdraw", withdrawal_reason=" ")
    assert missing.status_code == 400 and "Grund der Zurückziehung" in missing.text
    done = await submit_form(secretariat, page, f"{page}/withdraw", withdrawal_reason="Hat sich erledigt.")
    assert done.status_code == 303
    public = await client.get(page)
    assert public.status_code == 200 and "zurückgezogen" in public.text and "Hat sich erledigt." in public.text
    listing = await client.get("/papers", params={"state": "withdrawn"})
    assert "VO/2024/00001" in listing.text
    closed = await secretariat.get(page)
    assert f"{page}/edit" not in closed.text
    refused = await submit_form(secretariat, page, f"{page}/edit", **new_paper_fields(world))
    assert refused.status_code == 400


async def test_replacement_opens_its_form_and_links_both_ways(login, client, world):
    secretariat = await login("secretariat")
    page = f"/papers/{world.public_paper.id}"
    replaced = await submit_form(secretariat, page, f"{page}/replace")
    assert replaced.status_code == 303 and replaced.headers["location"].endswith("/edit")
    form = await secretariat.get(replaced.headers["location"])
    assert "VO/2024/00001/1" in form.text
    new_id = replaced.headers["location"].split("/")[2]
    original = await secretariat.get(page)
    assert f'href="/papers/{new_id}">VO/2024/00001/1' in original.text
    version = await secretariat.get(f"/papers/{new_id}")
    assert f'href="{page}">VO/2024/00001' in version.text
    # A new version is a draft until the secretariat publishes it.
    assert (await client.get(f"/papers/{new_id}")).status_code == 404


async def test_beratungsfolge_editor_works_with_and_without_htmx(login, world, sessions):
    secretariat = await login("secretariat")
    page = f"/papers/{world.public_paper.id}"
    added = await submit_form(
        secretariat,
        page,
        f"{page}/consultations/",
        organization=str(world.advisory_board.id),
        role="prior_deliberation",
    )
    assert added.status_code == 303 and added.headers["location"].endswith("#consultations")
    async with sessions() as session:
        steps = list(
            await session.scalars(
                select(Consultation)
                .where(Consultation.paper_id == world.public_paper.id)
                .order_by(Consultation.position)
            )
        )
    assert [s.organization_id for s in steps] == [world.committee.id, world.advisory_board.id]
    token = csrf_token_from((await secretariat.get(page)).text)
    # htmx follows the redirect and takes the section out of the page (hx-select): the same answer serves both.
    moved = await secretariat.post(
        f"{page}/consultations/{steps[1].id}/move",
        data={"_csrf_token": token, "direction": "up"},
        headers={"HX-Request": "true"},
        follow_redirects=True,
    )
    assert moved.status_code == 200 and 'id="consultations"' in moved.text
    assert moved.text.index("Seniorenbeirat</a>") < moved.text.index("Hauptausschuss</a> –")
    bad_meeting = await submit_form(
        secretariat, page, f"{page}/consultations/{steps[1].id}", role="decision", meeting=str(world.next_meeting.id)
    )
    assert bad_meeting.status_code == 400 and "Sitzung dieses Gremiums" in bad_meeting.text
    planned = await submit_form(
        secretariat, page, f"{page}/consultations/{steps[0].id}", role="decision", meeting=str(world.next_meeting.id)
    )
    assert planned.status_code == 400  # this step is on the past meeting's agenda already
    bad_role = await submit_form(secretariat, page, f"{page}/consultations/{steps[1].id}", role="vote")
    assert bad_role.status_code == 400 and "Vorberatung, Entscheidung oder Kenntnisnahme" in bad_role.text
    no_body = await submit_form(secretariat, page, f"{page}/consultations/", organization="", role="decision")
    assert no_body.status_code == 400 and "Gremium" in no_body.text
    removed = await submit_form(secretariat, page, f"{page}/consultations/{steps[1].id}/remove")
    assert removed.status_code == 303
    on_agenda = await submit_form(secretariat, page, f"{page}/consultations/{steps[0].id}/remove")
    assert on_agenda.status_code == 400 and "Tagesordnung" in on_agenda.text


async def test_list_filters_and_what_each_persona_finds(login, client, world):
    visitor_list = await client.get("/papers")
    assert visitor_list.status_code == 200
    assert "VO/2024/00001" in visitor_list.text and CONFIDENTIAL_MARKER not in visitor_list.text
    member_list = await (await login("member")).get("/papers")
    assert CONFIDENTIAL_MARKER in member_list.text
    outsider_list = await (await login("other_committee_member")).get("/papers")
    assert CONFIDENTIAL_MARKER not in outsider_list.text
    assert "Radweg" not in (await client.get("/papers", params={"kind": "motion"})).text
    assert "Radweg" in (await client.get("/papers", params={"q": "radweg", "year": "2024"})).text
    assert "Radweg" not in (await client.get("/papers", params={"year": "2023"})).text
    by_board = await client.get("/papers", params={"organization": str(world.advisory_board.id)})
    assert "Radweg" not in by_board.text
    # Nonsense in the filters is ignored, never an error.
    assert (
        await client.get("/papers", params={"kind": "x", "state": "y", "year": "zz", "page": "-3"})
    ).status_code == 200
