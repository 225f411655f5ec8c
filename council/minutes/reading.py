"""Reading minutes as each viewer may: the working copy, frozen versions, the published public part."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from council.accounts.viewer import Viewer
from council.bodies.models import Organization
from council.errors import NotFound
from council.meetings.models import Meeting, MeetingState
from council.minutes.access import capacities, latest_published, minutes_of
from council.minutes.approval import signature_valid
from council.minutes.document import MinutesDocument, from_json, plain_text, public_part
from council.minutes.models import Minutes, MinutesState, MinutesVersion, SignatureRole
from council.minutes.rules import Action, may


def version_document(version: MinutesVersion) -> MinutesDocument:
    return from_json(version.content, MinutesDocument)


@dataclass(frozen=True)
class SignatureLine:
    role: SignatureRole
    name: str
    signed_at: dt.datetime
    content_hash: str
    valid: bool


def signature_lines(version: MinutesVersion) -> list[SignatureLine]:
    return [
        SignatureLine(s.role, s.person.name, s.signed_at, s.content_hash, signature_valid(version, s))
        for s in version.signatures
        if not s.deleted
    ]


def may_view_internal(viewer: Viewer, meeting: Meeting, minutes: Minutes | None) -> bool:
    state = minutes.state if minutes is not None else None
    return may(Action.VIEW_VERSIONS, state, capacities(viewer, meeting, minutes)) and minutes is not None


def visible_version(minutes: Minutes, number: int) -> MinutesVersion:
    version = next((v for v in minutes.versions if v.number == number and not v.deleted), None)
    if version is None:
        raise NotFound("minutes version")
    return version


@dataclass(frozen=True)
class PublishedMinutes:
    meeting: Meeting
    version: MinutesVersion
    document: MinutesDocument  # the public part only


async def published_minutes(session: AsyncSession, meeting: Meeting) -> PublishedMinutes:
    """The last approved and signed version, cut to its public part; NotFound until there is one."""
    minutes = await minutes_of(session, meeting.id)
    version = latest_published(minutes) if minutes is not None else None
    if version is None:
        raise NotFound("minutes")
    return PublishedMinutes(meeting, version, public_part(version_document(version)))


@dataclass(frozen=True)
class MinutesLink:
    published: bool
    internal: bool
    state: MinutesState | None


async def minutes_link(session: AsyncSession, meeting: Meeting, viewer: Viewer) -> MinutesLink | None:
    """What the meeting page says about the minutes to this viewer, or None when there is nothing to say.

    Reads the minutes and their versions' states only (not the texts): every visit of a meeting page asks."""
    minutes = await session.scalar(
        select(Minutes)
        .where(Minutes.meeting_id == meeting.id, Minutes.deleted.is_(False))
        .options(selectinload(Minutes.versions).defer(MinutesVersion.content))
    )
    if minutes is None:
        creatable = meeting.state is MeetingState.CLOSED and may(Action.CREATE, None, capacities(viewer, meeting, None))
        return MinutesLink(published=False, internal=True, state=None) if creatable else None
    published = latest_published(minutes) is not None
    caps = capacities(viewer, meeting, minutes)
    internal = may(Action.VIEW_DRAFT, minutes.state, caps) or (
        may(Action.VIEW_VERSIONS, minutes.state, caps) and bool(minutes.versions)
    )
    if not published and not internal:
        return None
    return MinutesLink(published=published, internal=internal, state=minutes.state)


@dataclass(frozen=True)
class PublicMinutesText:
    """One published minutes' public part as plain text, for a search index."""

    meeting_id: int
    organization_id: int
    title: str
    start: dt.datetime
    published_at: dt.datetime
    path: str
    text: str


async def public_minutes_texts(session: AsyncSession, body_id: int) -> list[PublicMinutesText]:
    """Every published minutes of the body, public part only: what a public search may index."""
    rows = await session.scalars(
        select(Minutes)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .join(Organization, Meeting.organization_id == Organization.id)
        .where(Organization.body_id == body_id, Minutes.deleted.is_(False), Meeting.deleted.is_(False))
        .options(selectinload(Minutes.versions), selectinload(Minutes.meeting).selectinload(Meeting.organization))
        .order_by(Meeting.start)
    )
    texts = []
    for minutes in rows:
        version = latest_published(minutes)
        if version is None or version.published_at is None:
            continue
        document = public_part(version_document(version))
        texts.append(
            PublicMinutesText(
                meeting_id=minutes.meeting_id,
                organization_id=minutes.meeting.organization_id,
                title=f"Niederschrift: {document.header.meeting_title}",
                start=document.header.start,
                published_at=version.published_at,
                path=f"/meetings/{minutes.meeting_id}/minutes/public",
                text=plain_text(document),
            )
        )
    return texts
