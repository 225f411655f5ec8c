"""The minutes pages: which document a viewer sees, with the forms their capacities allow."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.errors import NotFound
from council.meetings.attendance import memberships_on_day
from council.meetings.models import Meeting
from council.minutes.access import capacities, latest_published, load_meeting_for_minutes, minutes_of
from council.minutes.document import MinutesDocument, public_part
from council.minutes.models import Minutes, MinutesVersion
from council.minutes.reading import signature_lines, version_document
from council.minutes.rules import Action, Capacity, may
from council.minutes.selection import approval_slots, officer_candidates
from council.minutes.service import live_document
from council.minutes.vote_records import recordable_polls, requests_of_meeting
from council.voting.rules import Choice
from web.pages import page


def is_partial(request: Request[Any, Any, Any]) -> bool:
    """An htmx request for a fragment; a boosted navigation wants the whole page."""
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true"


def shown_version(minutes: Minutes) -> MinutesVersion | None:
    """What members read: the version up for approval or approved, never a withdrawn one."""
    live = [v for v in minutes.versions if v.withdrawn_at is None and not v.deleted]
    return live[-1] if live else None


def status_mark(minutes: Minutes | None, version: MinutesVersion | None) -> str | None:
    if version is None:
        return "Entwurf" if minutes is not None else None
    if version.withdrawn_at is not None:
        return "Zurückgezogen"
    return None if version.approved else "Entwurf – zur Genehmigung"


@dataclass
class MinutesContext:
    meeting: Meeting
    minutes: Minutes | None
    can: dict[str, bool]
    document: MinutesDocument | None = None
    version: MinutesVersion | None = None
    extra: dict[str, Any] = field(default_factory=dict)


async def minutes_context(session: AsyncSession, meeting_id: int, viewer: Viewer) -> MinutesContext:
    meeting = await load_meeting_for_minutes(session, meeting_id)
    minutes = await minutes_of(session, meeting_id)
    caps = capacities(viewer, meeting, minutes)
    state = minutes.state if minutes is not None else None
    can = {action.value: may(action, state, caps) for action in Action}
    context = MinutesContext(meeting, minutes, can)
    if minutes is not None and can[Action.VIEW_DRAFT]:
        context.document = live_document(minutes)
    elif minutes is not None and can[Action.VIEW_VERSIONS]:
        context.version = shown_version(minutes)
        context.document = version_document(context.version) if context.version else None
    context.extra["member"] = Capacity.MEMBER in caps
    return context


async def _forms(session: AsyncSession, context: MinutesContext, viewer: Viewer) -> dict[str, Any]:
    can, meeting = context.can, context.meeting
    forms: dict[str, Any] = {}
    if can[Action.EDIT] and context.minutes is not None and context.document is not None:
        forms["candidates"] = await officer_candidates(session, meeting)
        rows = [r for r in context.minutes.items if not r.deleted and (r.on_agenda or r.deliberation)]
        forms["editor_rows"] = sorted(rows, key=lambda r: (not r.on_agenda, r.position))
        forms["records"] = {record.agenda_item_id: record for record in context.document.items}
    if can[Action.APPROVE_AT_MEETING]:
        forms["slots"] = await approval_slots(session, meeting)
    if can[Action.RECORD_OWN_VOTE] or can[Action.RECORD_VOTE_FOR_MEMBER]:
        own = viewer.person_id if not can[Action.RECORD_VOTE_FOR_MEMBER] else None
        forms["recordable"] = await recordable_polls(session, meeting, own)
        requests = await requests_of_meeting(session, meeting.id)
        forms["requests"] = [
            r for r in requests if can[Action.RECORD_VOTE_FOR_MEMBER] or r.person_id == viewer.person_id
        ]
        forms["choices"] = list(Choice)
        if can[Action.RECORD_VOTE_FOR_MEMBER]:
            memberships = await memberships_on_day(session, meeting)
            forms["members"] = sorted({m.person for m in memberships}, key=lambda p: (p.family_name, p.given_name))
    return forms


async def minutes_page(
    session: AsyncSession,
    viewer: Viewer,
    body: Body | None,
    meeting_id: int,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Template:
    context = await minutes_context(session, meeting_id, viewer)
    minutes = context.minutes
    internal = context.document is not None or any(
        context.can[a] for a in (Action.CREATE, Action.RECORD_OWN_VOTE, Action.RECORD_VOTE_FOR_MEMBER)
    )
    if not internal:
        return await public_page(session, viewer, body, context.meeting)
    versions = [v for v in minutes.versions if not v.deleted] if minutes is not None else []
    current = versions[-1] if versions else None
    return page(
        "minutes/show.html",
        viewer=viewer,
        body=body,
        meeting=context.meeting,
        minutes=minutes,
        can=context.can,
        document=context.document,
        version=context.version,
        versions=versions if context.can[Action.VIEW_VERSIONS] else [],
        current=current,
        signatures=signature_lines(current) if current is not None and current.approved else [],
        published=latest_published(minutes) if minutes is not None else None,
        mark=status_mark(minutes, context.version),
        errors=errors or {},
        status_code=status_code,
        **(await _forms(session, context, viewer)),
        **extra,
    )


async def public_page(session: AsyncSession, viewer: Viewer, body: Body | None, meeting: Meeting) -> Template:
    minutes = await minutes_of(session, meeting.id)
    version = latest_published(minutes) if minutes is not None else None
    if version is None:
        raise NotFound("minutes")
    return page(
        "minutes/public.html",
        viewer=viewer,
        body=body,
        meeting=meeting,
        document=public_part(version_document(version)),
        version=version,
        signatures=signature_lines(version),
    )
