"""The demo's minutes: approved and signed, up for approval, in draft; the public never sees the secret part."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from agendas.minutes import MinutesPrint, render_pdf
from council.demo import CONFIDENTIAL_MARKER, load_demo
from council.meetings.models import Meeting
from council.minutes.access import latest_published
from council.minutes.approval import signature_valid
from council.minutes.document import public_part, to_json
from council.minutes.models import Minutes, MinutesState
from council.minutes.reading import public_minutes_texts, version_document
from tests.test_demo import TODAY


async def test_demo_meetings_have_minutes_in_every_state(session):
    summary = await load_demo(session, today=TODAY)
    rows = list(
        await session.scalars(
            select(Minutes)
            .options(selectinload(Minutes.versions), selectinload(Minutes.meeting).selectinload(Meeting.organization))
            .join(Meeting)
            .order_by(Meeting.start)
        )
    )
    states = {m.meeting.organization.short_name or m.meeting.organization.name: m.state for m in rows}
    assert states["HA"] is MinutesState.APPROVED
    assert list(states.values()).count(MinutesState.SUBMITTED) == 1
    assert list(states.values()).count(MinutesState.DRAFT) == 3
    approved = next(m for m in rows if m.state is MinutesState.APPROVED)
    version = latest_published(approved)
    assert version is not None
    await session.refresh(version, ["signatures"])
    assert {s.role.value for s in version.signatures} == {"chair", "clerk"}
    assert all(signature_valid(version, s) for s in version.signatures)
    document = version_document(version)
    land = next(item for item in document.items if not item.public)
    assert [c.name for c in land.conflicts] == ["Gerhard Wendeborn"]
    assert CONFIDENTIAL_MARKER in json.dumps(to_json(document), ensure_ascii=False)
    assert CONFIDENTIAL_MARKER not in json.dumps(to_json(public_part(document)), ensure_ascii=False)
    texts = await public_minutes_texts(session, summary.body_id)
    assert [t.meeting_id for t in texts] == [approved.meeting_id]
    assert CONFIDENTIAL_MARKER not in texts[0].text and "Digitalisierungsstrategie" in texts[0].text
    public_pdf = render_pdf(MinutesPrint(document, public=True, content_hash=version.content_hash))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(public_pdf)).pages)
    assert "Niederschrift" in text and "Digitalisierungsstrategie" in text
    assert CONFIDENTIAL_MARKER not in text
