"""The invitation and packet routes: who gets which variant, a draft agenda stays the secretariat's and the
chair's, and the public PDFs of a meeting with non-public business carry none of it."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from council.meetings.models import AgendaItem, Meeting, MeetingState
from tests.world import CONFIDENTIAL_MARKER


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def test_public_pdfs_leave_out_the_non_public_part_the_members_pdfs_hold_it(client, login, world):
    past = world.past_meeting.id
    for name in ("invitation", "packet"):
        public = await client.get(f"/meetings/{past}/{name}.pdf")
        assert public.status_code == 200 and public.headers["content-type"] == "application/pdf"
        assert public.content.startswith(b"%PDF")
        assert CONFIDENTIAL_MARKER not in text_of(public.content)
        assert "Radweg am Stadtpark" in text_of(public.content)
        member = await login("member")
        members = await member.get(f"/meetings/{past}/{name}-members.pdf")
        assert members.status_code == 200
        assert CONFIDENTIAL_MARKER in text_of(members.content)
        assert members.headers["cache-control"] == "private, no-store"
    page = await client.get(f"/meetings/{past}")
    assert f"/meetings/{past}/invitation.pdf" in page.text
    assert "invitation-members.pdf" not in page.text


async def test_a_draft_agenda_is_printed_for_secretariat_and_chair_only(client, login, sessions, world):
    async with sessions() as session, session.begin():
        draft = Meeting(
            organization_id=world.committee.id,
            legislative_term_id=world.past_meeting.legislative_term_id,
            number=5,
            start=dt.datetime.now(dt.UTC) + dt.timedelta(days=20),
            state=MeetingState.PLANNED,
        )
        session.add(draft)
        await session.flush()
        session.add(AgendaItem(meeting_id=draft.id, position=1, number="Ö 1", title="Entwurfspunkt-K4"))
        draft_id = draft.id
    assert (await client.get(f"/meetings/{draft_id}/invitation.pdf")).status_code == 404
    member = await login("member")
    assert (await member.get(f"/meetings/{draft_id}/invitation.pdf")).status_code == 404
    assert (await member.get(f"/meetings/{draft_id}/invitation-members.pdf")).status_code == 404
    for persona in ("chair", "secretariat"):
        http = await login(persona)
        response = await http.get(f"/meetings/{draft_id}/invitation.pdf")
        assert response.status_code == 200
        assert "Entwurfspunkt-K4" in text_of(response.content)


async def test_an_item_added_after_the_invitation_is_marked_as_nachtrag(client, login, world):
    from tests.web_helpers import submit_form

    meeting_id = world.next_meeting.id
    secretariat = await login("secretariat")
    added = await submit_form(
        secretariat, f"/meetings/{meeting_id}/agenda", f"/meetings/{meeting_id}/agenda/items", title="Spielplatz"
    )
    assert added.status_code == 303
    text = " ".join(text_of((await client.get(f"/meetings/{meeting_id}/invitation.pdf")).content).split())
    assert "Einladung – mit Nachtrag" in text
    assert "Ö 1 Spielplatz Nachtrag: neu" in text
