"""A person's named-vote record (Abstimmungsverhalten): their votes in published named polls on public items.

Named polls are published with every member's vote (council/voting/polls.py ``publish_poll``); the record
only gathers them per person. Items the public may not see (``visible_items``: a non-public item, or an agenda
not yet sent) stay out, whoever looks: this is the public person page.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from council.bodies.models import Organization
from council.meetings.models import AgendaItem, Meeting
from council.opendata.visibility import public_agenda_items
from council.voting.models import Poll, PollKind, PollState, Vote
from council.voting.rules import Choice

RECORD_LIMIT = 200


@dataclass(frozen=True)
class NamedVote:
    meeting: Meeting
    item: AgendaItem
    poll: Poll
    choice: Choice


async def named_vote_record(session: AsyncSession, person_id: int, limit: int = RECORD_LIMIT) -> list[NamedVote]:
    """Newest first; one query whatever the number of votes."""
    rows = await session.execute(
        select(Vote.choice, Poll, AgendaItem, Meeting, Organization)
        .join(Poll, Poll.id == Vote.poll_id)
        .join(AgendaItem, AgendaItem.id == Poll.agenda_item_id)
        .join(Meeting, Meeting.id == Poll.meeting_id)
        .join(Organization, Organization.id == Meeting.organization_id)
        .where(
            Vote.person_id == person_id,
            Vote.deleted.is_(False),
            Poll.kind == PollKind.NAMED,
            Poll.state == PollState.PUBLISHED,
            Poll.deleted.is_(False),
            AgendaItem.deleted.is_(False),
            Meeting.deleted.is_(False),
            public_agenda_items(),
        )
        .order_by(Meeting.start.desc(), AgendaItem.position, Poll.id)
        .limit(limit)
    )
    return [NamedVote(meeting, item, poll, choice) for choice, poll, item, meeting, _ in rows.tuples()]
