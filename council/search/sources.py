"""What the public search indexes, read with the open-data visibility queries (council/opendata/visibility.py).

Each builder reads one kind of source for the given ids (None: all) and returns the entries the public may
find; anything not returned is not in the index. Sync Core queries on a sync connection: they run inside the
session's commit (council/search/tracking.py) as well as from the reindex command.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import Connection, Select, and_, or_, select

from council.bodies.models import Organization
from council.meetings.models import AgendaItem, Meeting
from council.minutes.document import MinutesDocument, from_json, plain_text, public_part
from council.minutes.models import Minutes, MinutesVersion
from council.opendata.visibility import public_agenda_items, public_files, public_papers
from council.papers.models import Consultation, File, Paper
from council.resolutions.models import Resolution, ResolutionVersion


@dataclass
class IndexEntry:
    body_id: int
    group_key: str
    source: str
    source_id: int
    title: str
    path: str
    text: str
    date: dt.date | None
    reference: str | None = None
    paper_kind: str | None = None
    organization_ids: set[int] = field(default_factory=set)


def paper_group(paper_id: int) -> str:
    return f"paper:{paper_id}"


def resolution_group(resolution_id: int) -> str:
    return f"resolution:{resolution_id}"


def minutes_group(meeting_id: int) -> str:
    return f"minutes:{meeting_id}"


def _only(query: Select[tuple[object, ...]], column: object, ids: Collection[int] | None) -> Select[tuple[object, ...]]:
    return query if ids is None else query.where(column.in_(list(ids)))  # type: ignore[attr-defined]


def _joined(*parts: str | None) -> str:
    return "\n".join(part for part in parts if part)


def paper_entries(connection: Connection, paper_ids: Collection[int] | None) -> list[IndexEntry]:
    """Published public papers and their public attachments' extracted text."""
    papers = connection.execute(
        _only(
            select(Paper).where(public_papers(), Paper.deleted.is_(False)),  # type: ignore[arg-type]
            Paper.id,
            paper_ids,
        )
    ).all()
    if not papers:
        return []
    found = [row.id for row in papers]
    organizations: dict[int, set[int]] = defaultdict(set)
    for paper_id, organization_id in connection.execute(
        select(Consultation.paper_id, Consultation.organization_id).where(
            Consultation.paper_id.in_(found), Consultation.deleted.is_(False)
        )
    ):
        organizations[paper_id].add(organization_id)
    entries: dict[int, IndexEntry] = {}
    for row in papers:
        if row.lead_department_id is not None:
            organizations[row.id].add(row.lead_department_id)
        entries[row.id] = IndexEntry(
            body_id=row.body_id,
            group_key=paper_group(row.id),
            source="paper",
            source_id=row.id,
            title=row.title,
            path=f"/papers/{row.id}",
            text=_joined(row.proposed_resolution, row.reasons),
            date=row.date,
            reference=row.reference,
            paper_kind=str(row.kind),
            organization_ids=organizations[row.id],
        )
    files = connection.execute(
        select(File.id, File.paper_id, File.name, File.text, File.date).where(
            File.paper_id.in_(found), File.deleted.is_(False), File.text.is_not(None), public_files()
        )
    ).all()
    attachments = []
    for file in files:
        paper = entries[file.paper_id]
        attachments.append(
            IndexEntry(
                body_id=paper.body_id,
                group_key=paper.group_key,
                source="file",
                source_id=file.id,
                title=file.name,
                path=f"/files/{file.id}",
                text=file.text or "",
                date=file.date or paper.date,
                reference=paper.reference,
                paper_kind=paper.paper_kind,
                organization_ids=set(paper.organization_ids),
            )
        )
    return [*entries.values(), *attachments]


def resolution_entries(connection: Connection, resolution_ids: Collection[int] | None) -> list[IndexEntry]:
    """``resolution_visible`` for the public: a public item of a sent agenda, and a public paper if any."""
    query = (
        select(
            Resolution.id,
            Resolution.body_id,
            Resolution.number,
            Resolution.decided_at,
            AgendaItem.title,
            ResolutionVersion.wording,
            ResolutionVersion.text,
            Meeting.organization_id,
            Paper.kind,
        )
        .join(ResolutionVersion, and_(ResolutionVersion.resolution_id == Resolution.id))
        .join(AgendaItem, AgendaItem.id == Resolution.agenda_item_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .outerjoin(Consultation, Consultation.id == AgendaItem.consultation_id)
        .outerjoin(Paper, Paper.id == Consultation.paper_id)
        .where(
            ResolutionVersion.version == Resolution.version,
            Resolution.deleted.is_(False),
            AgendaItem.deleted.is_(False),
            Meeting.deleted.is_(False),
            public_agenda_items(),
            or_(AgendaItem.consultation_id.is_(None), and_(public_papers(), Paper.deleted.is_(False))),
        )
    )
    return [
        IndexEntry(
            body_id=row.body_id,
            group_key=resolution_group(row.id),
            source="resolution",
            source_id=row.id,
            title=row.title,
            path=f"/resolutions/{row.id}",
            text=_joined(row.wording, row.text),
            date=row.decided_at.date(),
            reference=row.number,
            paper_kind=str(row.kind) if row.kind is not None else None,
            organization_ids={row.organization_id},
        )
        for row in connection.execute(_only(query, Resolution.id, resolution_ids))  # type: ignore[arg-type]
    ]


def minutes_entries(connection: Connection, meeting_ids: Collection[int] | None) -> list[IndexEntry]:
    """The public part of each meeting's latest published minutes (``latest_published``)."""
    query = (
        select(Minutes.meeting_id, Organization.body_id, Meeting.organization_id, MinutesVersion.content)
        .join(Minutes, Minutes.id == MinutesVersion.minutes_id)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .join(Organization, Organization.id == Meeting.organization_id)
        .where(
            MinutesVersion.published_at.is_not(None),
            MinutesVersion.deleted.is_(False),
            Minutes.deleted.is_(False),
            Meeting.deleted.is_(False),
        )
        .order_by(Minutes.meeting_id, MinutesVersion.number)
    )
    rows = connection.execute(_only(query, Minutes.meeting_id, meeting_ids))
    latest = {row.meeting_id: row for row in rows}
    entries = []
    for meeting_id, row in latest.items():
        document = public_part(from_json(row.content, MinutesDocument))
        entries.append(
            IndexEntry(
                body_id=row.body_id,
                group_key=minutes_group(meeting_id),
                source="minutes",
                source_id=meeting_id,
                title=document.header.meeting_title,
                path=f"/meetings/{meeting_id}/minutes/public",
                text=plain_text(document),
                date=document.header.start.date(),
                organization_ids={row.organization_id},
            )
        )
    return entries
