"""The minutes over HTTP: the secretariat's editor (with and without htmx), conflicts, approval, sign-off, PDFs."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select

from council.minutes.models import Minutes, MinutesState
from tests.minutes_scene import hold_meeting, minutes_scene
from tests.web_helpers import csrf_token_from, submit_form
from tests.world import CONFIDENTIAL_MARKER


async def test_the_secretariat_creates_edits_and_submits_the_draft(sessions, world, login):
    scene = await hold_meeting(sessions, world)
    base = f"/meetings/{scene.meeting_id}/minutes"
    secretariat = await login("secretariat")
    meeting_page = await secretariat.get(f"/meetings/{scene.meeting_id}")
    assert f'href="{base}"' in meeting_page.text
    assert (await submit_form(secretariat, base, base)).status_code == 303
    editor = await secretariat.get(base)
    assert editor.status_code == 200
    assert "Dora Vertretung" in editor.text and "Erik Entschuldigt" in editor.text
    assert "Nein: Max Mitglied" in editor.text and CONFIDENTIAL_MARKER in editor.text
    # Without scripts the edit link opens a page with one form; saving returns to the editor.
    item = f"{base}/items/{scene.public_item_id}"
    form_page = await secretariat.get(f"{item}/edit")
    assert form_page.status_code == 200 and "<html" in form_page.text and 'name="revision" value="1"' in form_page.text
    saved = await submit_form(secretariat, f"{item}/edit", item, deliberation="Aussprache über Kosten.", revision="1")
    assert saved.status_code == 303
    assert "Aussprache über Kosten." in (await secretariat.get(base)).text
    # With htmx the same form answers with the item's block only.
    token = csrf_token_from(form_page.text)
    partial = await secretariat.post(
        item,
        data={"_csrf_token": token, "deliberation": "Aussprache über Kosten und Zeitplan.", "revision": "2"},
        headers={"hx-request": "true"},
    )
    assert partial.status_code == 200 and "<html" not in partial.text
    assert "Aussprache über Kosten und Zeitplan." in partial.text
    fragment = await secretariat.get(f"{item}/edit", headers={"hx-request": "true"})
    assert "<html" not in fragment.text and "<textarea" in fragment.text
    assert (await submit_form(secretariat, base, f"{base}/submit")).status_code == 303
    late = await submit_form(secretariat, base, item, deliberation="zu spät", revision="3")
    assert late.status_code == 409


async def test_a_stale_form_gets_409_with_both_texts_and_saves_nothing(sessions, world, login):
    scene = await minutes_scene(sessions, world)
    item = f"/meetings/{scene.meeting_id}/minutes/items/{scene.public_item_id}"
    first, second = await login("secretariat"), await login("admin")
    assert (await submit_form(first, f"{item}/edit", item, deliberation="Text A", revision="1")).status_code == 303
    stale = await submit_form(second, f"{item}/edit", item, deliberation="Text B", revision="1")
    assert stale.status_code == 409
    assert "inzwischen von jemand anderem gespeichert" in stale.text
    assert "Text A" in stale.text and "Text B" in stale.text
    assert 'name="revision" value="2"' in stale.text  # saving again takes over deliberately
    async with sessions() as session:
        minutes = await session.scalar(select(Minutes))
        await session.refresh(minutes, ["items"])
    assert next(r for r in minutes.items if r.agenda_item_id == scene.public_item_id).deliberation == "Text A"
    header = await submit_form(
        first,
        f"/meetings/{scene.meeting_id}/minutes",
        f"/meetings/{scene.meeting_id}/minutes/header",
        other_attendees="Herr Kämmerer",
        revision="7",
    )
    assert header.status_code == 409 and "Herr Kämmerer" in header.text


async def _publish(sessions: Any, world: Any, login: Any) -> Any:
    scene = await minutes_scene(sessions, world)
    base = f"/meetings/{scene.meeting_id}/minutes"
    secretariat, chair = await login("secretariat"), await login("chair")
    assert (await submit_form(secretariat, base, f"{base}/submit")).status_code == 303
    approved = await submit_form(
        chair, base, f"{base}/approve", item=str(scene.approval_item_id), corrections="Tippfehler"
    )
    assert approved.status_code == 303
    page = await chair.get(base)
    assert "Als Vorsitz unterzeichnen" in page.text and "Als Schriftführung" not in page.text
    assert (await submit_form(chair, base, f"{base}/sign", role="chair")).status_code == 303
    assert (await submit_form(secretariat, base, f"{base}/sign", role="clerk")).status_code == 303
    return scene, base


async def test_approved_and_signed_minutes_are_published_without_the_non_public_part(sessions, world, login, client):
    scene, base = await _publish(sessions, world, login)
    public = await client.get(f"{base}/public")
    assert public.status_code == 200
    assert "Spielplatz Lindenstraße" in public.text and "Tippfehler" in public.text
    assert CONFIDENTIAL_MARKER not in public.text and "N 1" not in public.text
    assert "elektronisch unterzeichnet" in public.text
    assert (await client.get(base)).status_code == 200  # the visitor is shown the public part here too
    meeting = await client.get(f"/meetings/{scene.meeting_id}")
    assert f"{base}/public" in meeting.text
    async with sessions() as session:
        assert (await session.scalar(select(Minutes.state))) is MinutesState.APPROVED


def _pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def _assert_pdfa(reader: PdfReader) -> None:
    xmp = reader.xmp_metadata
    assert xmp is not None
    identification = xmp.rdf_root.getElementsByTagNameNS("http://www.aiim.org/pdfa/ns/id/", "*")
    attributes = {
        node.localName: node.nodeValue
        for description in xmp.rdf_root.getElementsByTagNameNS(
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "Description"
        )
        for node in description.attributes.values()
        if node.namespaceURI == "http://www.aiim.org/pdfa/ns/id/"
    }
    assert attributes or identification
    assert attributes.get("part") == "2" and attributes.get("conformance") == "B"
    root: Any = reader.trailer["/Root"]
    assert "/OutputIntents" in root and "/StructTreeRoot" in root
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object(), font["/BaseFont"]


async def test_the_public_pdf_is_pdfa_and_holds_no_non_public_content(sessions, world, login, client):
    _, base = await _publish(sessions, world, login)
    response = await client.get(f"{base}/public.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    reader, text = _pdf_text(response.content)
    _assert_pdfa(reader)
    assert "Spielplatz Lindenstraße" in text and "Ja: Dora Vertretung, Clara Vorsitz" in text
    assert CONFIDENTIAL_MARKER not in text and "Personalsache" not in text
    assert reader.metadata is not None
    assert str(reader.metadata.title).startswith("Niederschrift über die 2. Sitzung")
    member = await login("member")
    internal = await member.get(f"{base}/internal.pdf")
    assert internal.status_code == 200
    internal_reader, internal_text = _pdf_text(internal.content)
    _assert_pdfa(internal_reader)
    assert CONFIDENTIAL_MARKER in internal_text and "Nicht öffentlich" in internal_text
    assert (await client.get(f"{base}/internal.pdf")).status_code == 404


async def test_a_member_asks_for_their_vote_to_be_recorded(sessions, world, login):
    scene = await minutes_scene(sessions, world)
    base = f"/meetings/{scene.meeting_id}/minutes"
    member = await login("member")
    page = await member.get(base)
    assert page.status_code == 200 and "Eigenes Abstimmungsverhalten" in page.text
    assert "Personalsache" not in page.text  # the draft itself is not theirs to read yet
    refused = await submit_form(member, base, f"{base}/vote-records", poll=str(scene.open_poll_id), choice="abstain")
    assert refused.status_code == 400 and "keine weitere Stimme" in refused.text
    recorded = await submit_form(member, base, f"{base}/vote-records", poll=str(scene.open_poll_id), choice="no")
    assert recorded.status_code == 303
    secretariat = await login("secretariat")
    assert "Max Mitglied stimmte mit „Nein“" in (await secretariat.get(base)).text


async def test_history_and_a_correction_after_publication(sessions, world, login, client):
    _, base = await _publish(sessions, world, login)
    secretariat = await login("secretariat")
    missing = await submit_form(secretariat, base, f"{base}/reopen", reason=" ")
    assert missing.status_code == 400
    assert (await submit_form(secretariat, base, f"{base}/reopen", reason="Name falsch geschrieben")).status_code == 303
    page = await secretariat.get(base)
    assert "Fassung 1" in page.text and "genehmigt und veröffentlicht" in page.text
    assert (await client.get(f"{base}/public")).status_code == 200  # still the signed version 1
    first = await secretariat.get(f"{base}/versions/1")
    assert first.status_code == 200 and "Tippfehler" in first.text
    preview = await secretariat.get(f"{base}/versions/1/public.pdf")
    assert CONFIDENTIAL_MARKER not in _pdf_text(preview.content)[1]
