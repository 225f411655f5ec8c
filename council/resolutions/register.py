"""The resolution register: every decision gets the next number of its body's year, exactly once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.errors import NotFound, ValidationFailed
from council.meetings.models import AgendaItem, Meeting
from council.messages import N_
from council.numbering.counter import HighestUsed, continue_from, next_seq
from council.numbering.patterns import format_number
from council.papers.models import Consultation
from council.resolutions.models import Resolution, ResolutionVersion
from council.voting.rules import ItemResult


def register_year(body: Body, at: dt.datetime) -> int:
    """The register's year is the local one: a decision late on New Year's Eve belongs to the old year."""
    return at.astimezone(ZoneInfo(body.timezone)).year


RESOLUTION_SERIES = "resolution"


def _highest_resolution(session: AsyncSession, body_id: int, year: int) -> HighestUsed:
    async def highest() -> int:
        found = await session.scalar(
            select(func.coalesce(func.max(Resolution.seq), 0)).where(
                Resolution.body_id == body_id, Resolution.year == year
            )
        )
        return int(found or 0)

    return highest


async def next_resolution_seq(session: AsyncSession, body_id: int, year: int) -> int:
    return await next_seq(session, body_id, RESOLUTION_SERIES, year, _highest_resolution(session, body_id, year))


async def continue_register_from(session: AsyncSession, body: Body, year: int, last_seq: int) -> None:
    """When a municipality switches systems mid-year: the next number follows the old system's last one."""
    await continue_from(
        session, body.id, RESOLUTION_SERIES, year, last_seq, _highest_resolution(session, body.id, year)
    )


async def register_decision(
    session: AsyncSession,
    body: Body,
    item: AgendaItem,
    *,
    result: ItemResult,
    wording: str,
    text: str | None,
    vote_summary: str | None,
    decided_at: dt.datetime,
    poll_id: int | None = None,
    author_user_id: int | None = None,
) -> Resolution:
    """Enter a decision into the register with the next number and write it onto the agenda item."""
    if not result.is_decision:
        raise ValueError("only decisions are registered")
    if await session.scalar(select(Resolution.id).where(Resolution.agenda_item_id == item.id)) is not None:
        raise ValidationFailed({"result": N_("Zu diesem Tagesordnungspunkt ist bereits ein Beschluss eingetragen.")})
    year = register_year(body, decided_at)
    seq = await next_resolution_seq(session, body.id, year)
    resolution = Resolution(
        body_id=body.id,
        year=year,
        seq=seq,
        number=format_number(body.resolution_number_pattern, seq, year),
        agenda_item_id=item.id,
        poll_id=poll_id,
        decided_at=decided_at,
        version=1,
    )
    session.add(resolution)
    await session.flush()
    session.add(
        ResolutionVersion(
            resolution_id=resolution.id,
            version=1,
            result=result,
            wording=wording,
            text=text,
            vote_summary=vote_summary,
            author_user_id=author_user_id,
        )
    )
    _write_onto_item(item, result, wording, text, vote_summary, decided_at, resolution.number)
    await session.flush()
    return resolution


def _write_onto_item(
    item: AgendaItem,
    result: ItemResult,
    wording: str,
    text: str | None,
    vote_summary: str | None,
    decided_at: dt.datetime,
    number: str | None,
) -> None:
    item.result_kind = result
    item.result = wording
    item.resolution_text = text
    item.vote_summary = vote_summary
    item.decided_at = decided_at
    item.resolution_number = number


async def correct_resolution(
    session: AsyncSession,
    resolution_id: int,
    *,
    wording: str,
    text: str | None,
    vote_summary: str | None,
    reason: str,
    author_user_id: int | None,
) -> Resolution:
    """A correction keeps the number and records a new version; earlier versions stay readable."""
    errors = {}
    if not reason.strip():
        errors["reason"] = N_("Bitte begründen Sie die Berichtigung.")
    if not wording.strip():
        errors["wording"] = N_("Bitte geben Sie das Ergebnis an.")
    if errors:
        raise ValidationFailed(errors)
    resolution = await get_resolution(session, resolution_id, for_update=True)
    current = resolution.current
    version = ResolutionVersion(
        resolution_id=resolution.id,
        version=resolution.version + 1,
        result=current.result,
        wording=wording.strip(),
        text=text,
        vote_summary=vote_summary,
        reason=reason.strip(),
        author_user_id=author_user_id,
    )
    session.add(version)
    resolution.version = version.version
    await session.flush()
    item = resolution.agenda_item
    _write_onto_item(
        item, current.result, version.wording, text, vote_summary, resolution.decided_at, resolution.number
    )
    await session.flush()
    await session.refresh(resolution, ["versions"])
    return resolution


async def get_resolution(session: AsyncSession, resolution_id: int, *, for_update: bool = False) -> Resolution:
    query = (
        select(Resolution)
        .where(Resolution.id == resolution_id, Resolution.deleted.is_(False))
        .options(
            selectinload(Resolution.versions), selectinload(Resolution.agenda_item), selectinload(Resolution.tasks)
        )
    )
    if for_update:
        query = query.with_for_update()
    resolution = await session.scalar(query)
    if resolution is None:
        raise NotFound("resolution")
    return resolution


def record_item_outcome(
    item: AgendaItem, result: ItemResult, wording: str, decided_at: dt.datetime, referred_to_id: int | None = None
) -> None:
    """Results that are not decisions (zur Kenntnis genommen, vertagt, …) get no number."""
    if result.is_decision:
        raise ValueError("decisions go through register_decision")
    _write_onto_item(item, result, wording, item.resolution_text, None, decided_at, None)
    item.referred_to_id = referred_to_id


def resolution_visible(resolution: Resolution, viewer: Viewer) -> bool:
    """Public item and public paper, or a viewer who may see the organization's non-public items."""
    item = resolution.agenda_item
    organization = item.meeting.organization
    if viewer.may_see_confidential(organization.body_id, organization.id):
        return True
    paper = item.consultation.paper if item.consultation else None
    return item.public and not item.deleted and (paper is None or paper.open_to_public)


async def visible_resolutions(
    session: AsyncSession, body_id: int, viewer: Viewer, limit: int = 200
) -> list[Resolution]:
    rows = await session.scalars(
        select(Resolution)
        .where(Resolution.body_id == body_id, Resolution.deleted.is_(False))
        .options(*_RESOLUTION_LOADS)
        .order_by(Resolution.decided_at.desc(), Resolution.seq.desc())
        .limit(limit)
    )
    return [r for r in rows if resolution_visible(r, viewer)]


async def get_visible_resolution(session: AsyncSession, resolution_id: int, viewer: Viewer) -> Resolution:
    resolution = await session.scalar(
        select(Resolution)
        .where(Resolution.id == resolution_id, Resolution.deleted.is_(False))
        .options(*_RESOLUTION_LOADS)
    )
    if resolution is None or not resolution_visible(resolution, viewer):
        raise NotFound("resolution")
    return resolution


_RESOLUTION_LOADS = (
    selectinload(Resolution.versions),
    selectinload(Resolution.body),
    selectinload(Resolution.tasks),
    selectinload(Resolution.agenda_item).selectinload(AgendaItem.meeting).selectinload(Meeting.organization),
    selectinload(Resolution.agenda_item).selectinload(AgendaItem.consultation).selectinload(Consultation.paper),
)
