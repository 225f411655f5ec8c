"""Minutes of the demo's past meetings: one approved and signed (so the public sees it), one up for approval,
the rest in draft, written through the same services the secretariat uses."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.models import User
from council.accounts.service import load_viewer
from council.accounts.viewer import Viewer
from council.demo.agendas import PLANS
from council.demo.confidential import LAND_PURCHASE_TITLE
from council.demo.structure import Directory
from council.meetings.models import AgendaItem, Meeting, MeetingState
from council.minutes.access import minutes_of
from council.minutes.approval import ApprovalText, approve_as_chair, sign
from council.minutes.models import SignatureRole
from council.minutes.service import create_minutes, save_deliberation, submit
from council.voting.models import ConflictOfInterest

# (slot, item title starts with, deliberation summary)
DELIBERATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "ha-past": (
        (
            "Arbeitspapier zur Digitalisierung",
            "Die Verwaltung stellt das Arbeitspapier vor. In der Aussprache wird nach den Kosten der "
            "Schulungen gefragt; die Verwaltung sagt eine Aufstellung bis zur Sitzung des Stadtrates zu.",
        ),
        (
            "Digitalisierungsstrategie",
            "Mehrere Mitglieder begrüßen die Strategie. Die Fraktion Grüne Liste regt an, Barrierefreiheit "
            "als eigenes Handlungsfeld aufzunehmen.",
        ),
        (
            LAND_PURCHASE_TITLE[:40],
            "Die Verwaltung erläutert Lage und Kaufpreis. Herr Wendeborn verlässt vor der Beratung den Raum.",
        ),
    ),
    "stadtrat-past": (
        (
            "Digitalisierungsstrategie",
            "Der Oberbürgermeister führt in die Vorlage ein. Die Änderungen aus dem Hauptausschuss werden übernommen.",
        ),
    ),
}


async def _viewer(session: AsyncSession, directory: Directory, family_name: str) -> Viewer:
    person = directory.people[family_name]
    user_id = await session.scalar(select(User.id).where(User.person_id == person.id))
    assert user_id is not None, f"the demo has no login for {family_name}"
    return await load_viewer(session, user_id)


async def _declare_land_purchase_conflict(session: AsyncSession, directory: Directory, meeting: Meeting) -> None:
    """The paper says Herr Wendeborn was befangen; the minutes name him from the declaration."""
    item_id = await session.scalar(
        select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id, AgendaItem.title == LAND_PURCHASE_TITLE)
    )
    assert item_id is not None
    session.add(
        ConflictOfInterest(
            agenda_item_id=item_id,
            person_id=directory.people["Wendeborn"].id,
            declared_at=meeting.start + dt.timedelta(minutes=90),
        )
    )
    await session.flush()


async def _write(session: AsyncSession, meeting: Meeting, slot: str, clerk: Viewer) -> None:
    await create_minutes(session, meeting.id, clerk, _after(meeting, hours=20))
    minutes = await minutes_of(session, meeting.id)
    assert minutes is not None
    for title, text in DELIBERATIONS.get(slot, ()):
        row = next(r for r in minutes.items if str(r.generated["title"]).startswith(title))
        await save_deliberation(session, meeting.id, row.agenda_item_id, clerk, text, row.revision)


def _after(meeting: Meeting, *, hours: int = 0, days: int = 0) -> dt.datetime:
    return (meeting.end or meeting.start) + dt.timedelta(days=days, hours=hours)


async def build_minutes(session: AsyncSession, directory: Directory, meetings: dict[str, Meeting]) -> None:
    clerk = await _viewer(session, directory, "Wallmann")
    chair = await _viewer(session, directory, "Brandhorst")
    await _declare_land_purchase_conflict(session, directory, meetings["ha-past"])
    for slot, meeting in meetings.items():
        if meeting.state is MeetingState.CLOSED:
            await _write(session, meeting, slot, clerk)
    approved = meetings["ha-past"]
    await submit(session, approved.id, clerk, _after(approved, days=3))
    await approve_as_chair(session, approved.id, chair, ApprovalText(), _after(approved, days=10))
    await sign(session, approved.id, chair, SignatureRole.CHAIR, _after(approved, days=10, hours=1))
    await sign(session, approved.id, clerk, SignatureRole.CLERK, _after(approved, days=11))
    council = meetings["stadtrat-past"]
    await submit(session, council.id, clerk, _after(council, days=4))


def meetings_by_slot(meetings: list[Meeting], days: dict[str, dt.date]) -> dict[str, Meeting]:
    """build_meetings returns the meetings in order of their day, as PLANS sorted by day."""
    return {
        plan.slot: meeting for plan, meeting in zip(sorted(PLANS, key=lambda p: days[p.slot]), meetings, strict=True)
    }
