"""Papers waiting for an organization: steps of a Beratungsfolge that are on no agenda yet.

A step waits until an item on the agenda of a meeting that takes place deals with it. It waits again when that
item was postponed (vertagt) or its meeting was cancelled; it waits no longer once the paper was withdrawn
(zurückgezogen) at any step or by its submitters. A draft paper waits for nothing until it is published.
"""

from __future__ import annotations

from sqlalchemy import Select, exists, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased, selectinload
from sqlalchemy.sql.expression import Exists

from council.errors import ValidationFailed
from council.meetings.models import AgendaItem, Meeting, MeetingState
from council.messages import N_
from council.papers.models import Consultation, Paper
from council.voting.rules import ItemResult


def _dealt_with(
    consultation_id: InstrumentedAttribute[int] | InstrumentedAttribute[int | None],
    *,
    except_meeting: int | None = None,
) -> Exists:
    """An item on the agenda of a meeting that takes place deals with the consultation (unless postponed)."""
    item = aliased(AgendaItem)
    conditions = [
        item.consultation_id == consultation_id,
        item.deleted.is_(False),
        Meeting.deleted.is_(False),
        Meeting.state != MeetingState.CANCELLED,
        or_(item.result_kind.is_(None), item.result_kind != ItemResult.POSTPONED),
    ]
    if except_meeting is not None:
        conditions.append(item.meeting_id != except_meeting)
    return exists(select(item.id).join(Meeting, Meeting.id == item.meeting_id).where(*conditions))


def consultation_dealt_with_elsewhere(meeting_id: int) -> Exists:
    """For an ``AgendaItem`` row of ``meeting_id``: another meeting's agenda deals with its consultation."""
    return _dealt_with(AgendaItem.consultation_id, except_meeting=meeting_id)


def _withdrawn() -> Exists:
    step = aliased(Consultation)
    return exists(
        select(AgendaItem.id)
        .join(step, step.id == AgendaItem.consultation_id)
        .where(
            step.paper_id == Consultation.paper_id,
            AgendaItem.deleted.is_(False),
            AgendaItem.result_kind == ItemResult.WITHDRAWN,
        )
    )


def _waiting_query(organization_id: int) -> Select[tuple[Consultation]]:
    return (
        select(Consultation)
        .join(Paper, Paper.id == Consultation.paper_id)
        .where(
            Consultation.organization_id == organization_id,
            Consultation.deleted.is_(False),
            Paper.deleted.is_(False),
            not_(_dealt_with(Consultation.id)),
            not_(_withdrawn()),
            Paper.withdrawn_at.is_(None),
            Paper.published_at.is_not(None),
        )
        .options(selectinload(Consultation.paper))
        .order_by(Paper.date, Paper.id, Consultation.position)
    )


async def waiting_consultations(session: AsyncSession, organization_id: int) -> list[Consultation]:
    """Oldest paper first, as the secretariat works through them."""
    return list(await session.scalars(_waiting_query(organization_id)))


async def waiting_consultation(session: AsyncSession, organization_id: int, consultation_id: int) -> Consultation:
    consultation = await session.scalar(_waiting_query(organization_id).where(Consultation.id == consultation_id))
    if consultation is None:
        raise ValidationFailed({"consultation": N_("Diese Vorlage wartet nicht auf eine Sitzung dieses Gremiums.")})
    return consultation
