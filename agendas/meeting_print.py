"""A meeting as its printed documents see it: plain data, cut to the public or the members' variant.

The cut reuses the meetings context's rules (``visible_items``, ``item_paper_visible``) for two fixed readers:
the anonymous public, and a member of the meeting's organization. A non-public item, and a confidential paper,
therefore reach exactly the documents that the organization's members read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import ANONYMOUS, Viewer
from council.bodies.models import MembershipRole
from council.meetings.agenda import live_items
from council.meetings.attendance import memberships_on_day
from council.meetings.models import AgendaItem, Meeting
from council.meetings.service import item_paper_visible
from council.meetings.supplement import agenda_changes_since_invitation
from council.papers.models import Paper


@dataclass(frozen=True)
class PrintedItem:
    item_id: int
    number: str
    title: str
    public: bool
    sub: bool
    paper_id: int | None
    paper_reference: str | None
    # Nachtrag marks: "new" for an item added after the invitation, else the number it had there.
    added: bool = False
    previous_number: str | None = None


@dataclass(frozen=True)
class RemovedItem:
    number: str
    title: str


@dataclass(frozen=True)
class MeetingPrint:
    meeting_id: int
    body_name: str
    organization_name: str
    meeting_title: str
    start: dt.datetime
    end: dt.datetime | None
    timezone: str
    place: str | None
    mode: str  # MeetingMode value
    cancelled: bool
    cancellation_reason: str | None
    chair: str | None
    items: tuple[PrintedItem, ...]
    removed: tuple[RemovedItem, ...]
    public: bool
    url: str

    @property
    def public_items(self) -> list[PrintedItem]:
        return [i for i in self.items if i.public]

    @property
    def confidential_items(self) -> list[PrintedItem]:
        return [i for i in self.items if not i.public]

    @property
    def supplement(self) -> bool:
        return bool(self.removed) or any(i.added or i.previous_number for i in self.items)

    @property
    def local_start(self) -> dt.datetime:
        return self.start.astimezone(ZoneInfo(self.timezone))


def reader_of(meeting: Meeting, *, public: bool) -> Viewer:
    """The reader a variant is printed for: the public, or a member of the meeting's organization."""
    if public:
        return ANONYMOUS
    return Viewer(user_id=0, organization_roles={meeting.organization_id: frozenset({MembershipRole.MEMBER})})


def printed_items(meeting: Meeting, *, public: bool) -> list[AgendaItem]:
    """The variant's items in agenda order, the public part first. The public one never holds a non-public item,
    whether or not the invitation went out (a draft is printed only for the secretariat's preview)."""
    items = [i for i in live_items(meeting) if i.public or not public]
    return sorted(items, key=lambda i: (not i.public, i.position))


def item_paper(meeting: Meeting, item: AgendaItem, *, public: bool) -> Paper | None:
    if not item_paper_visible(meeting, item, reader_of(meeting, public=public)):
        return None
    return item.consultation.paper if item.consultation else None


async def meeting_print(session: AsyncSession, meeting: Meeting, *, public: bool, base_url: str) -> MeetingPrint:
    """``meeting`` loaded as ``council.meetings.attendance.load_meeting`` loads it (organization with body)."""
    body = meeting.organization.body
    changes = (
        await agenda_changes_since_invitation(session, meeting, include_confidential=not public)
        if meeting.invited
        else []
    )
    by_item = {c.item_id: c for c in changes if not c.removed}
    items = []
    for item in printed_items(meeting, public=public):
        paper = item_paper(meeting, item, public=public)
        change = by_item.get(item.id)
        items.append(
            PrintedItem(
                item_id=item.id,
                number=item.number,
                title=item.title,
                public=item.public,
                sub=item.parent_id is not None,
                paper_id=paper.id if paper else None,
                paper_reference=paper.reference if paper else None,
                added=bool(change and change.added),
                previous_number=change.previous_number if change else None,
            )
        )
    chairs = [m.person.name for m in await memberships_on_day(session, meeting) if m.role is MembershipRole.CHAIR]
    return MeetingPrint(
        meeting_id=meeting.id,
        body_name=body.name,
        organization_name=meeting.organization.name,
        meeting_title=meeting.name,
        start=meeting.start,
        end=meeting.end,
        timezone=body.timezone,
        place=meeting.location.one_line if meeting.location else None,
        mode=meeting.mode.value,
        cancelled=meeting.cancelled,
        cancellation_reason=meeting.cancellation_reason,
        chair=chairs[0] if chairs else None,
        items=tuple(items),
        removed=tuple(RemovedItem(c.number, c.title) for c in changes if c.removed),
        public=public,
        url=f"{base_url}/meetings/{meeting.id}",
    )
