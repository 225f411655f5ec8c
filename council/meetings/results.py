"""Item results that are not decided by a vote: zur Kenntnis genommen, vertagt, zurückgezogen, verwiesen an …"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.audit.service import record
from council.bodies.models import Organization
from council.errors import ValidationFailed
from council.events import DomainEvent, EventKind, emit
from council.meetings.models import AgendaItem
from council.messages import N_
from council.papers.models import Consultation
from council.resolutions.register import record_item_outcome
from council.voting.conflicts import get_item
from council.voting.polls import require_conduct
from council.voting.rules import ItemResult, item_result_wording


async def record_item_result(
    session: AsyncSession,
    item_id: int,
    viewer: Viewer,
    result: ItemResult,
    now: dt.datetime,
    referred_to_id: int | None = None,
) -> AgendaItem:
    item = await get_item(session, item_id)
    meeting = item.meeting
    require_conduct(viewer, meeting)
    if result.is_decision:
        raise ValidationFailed({"result": N_("Beschlüsse entstehen durch eine Abstimmung.")})
    if item.result_kind is not None and item.result_kind.is_decision:
        raise ValidationFailed({"result": N_("Über diesen Tagesordnungspunkt ist bereits beschlossen worden.")})
    referred_to = None
    if result is ItemResult.REFERRED:
        referred_to = await _referral_target(session, meeting.organization, referred_to_id)
    elif referred_to_id is not None:
        raise ValidationFailed({"referred_to": N_("Ein Gremium wird nur bei einer Verweisung angegeben.")})
    wording = item_result_wording(result, referred_to.name if referred_to else None)
    record_item_outcome(item, result, wording, now, referred_to.id if referred_to else None)
    if referred_to is not None and item.consultation_id is not None:
        await _add_referral_steps(session, item.consultation_id, referred_to)
    await session.flush()
    record(
        session,
        action="item.result",
        subject_type="agenda_item",
        subject_id=item.id,
        actor_user_id=viewer.user_id,
        body_id=meeting.organization.body_id,
        data={"result": result.value, "referred_to": referred_to.id if referred_to else None},
        at=now,
    )
    emit(session, DomainEvent(EventKind.MEETING_CHANGED, meeting.id, None, item.id))
    return item


async def _referral_target(session: AsyncSession, current: Organization, organization_id: int | None) -> Organization:
    target = await session.get(Organization, organization_id) if organization_id is not None else None
    if (
        target is None
        or target.deleted
        or target.body_id != current.body_id
        or not target.kind.is_deliberative
        or target.id == current.id
    ):
        raise ValidationFailed({"referred_to": N_("Bitte wählen Sie das Gremium, an das verwiesen wird.")})
    return target


async def _add_referral_steps(session: AsyncSession, consultation_id: int, target: Organization) -> None:
    """The paper goes to the target for prior deliberation and then comes back to the referring organization."""
    current = await session.get(Consultation, consultation_id)
    assert current is not None
    later = await session.scalars(
        select(Consultation)
        .where(Consultation.paper_id == current.paper_id, Consultation.position > current.position)
        .order_by(Consultation.position.desc())
    )
    # Move the later steps two places back, from the last one forward, so positions never collide.
    for step in later:
        step.position += 2
        await session.flush()
    session.add_all(
        [
            Consultation(
                paper_id=current.paper_id,
                organization_id=target.id,
                position=current.position + 1,
                role=current.role.PRIOR_DELIBERATION,
            ),
            Consultation(
                paper_id=current.paper_id,
                organization_id=current.organization_id,
                position=current.position + 2,
                role=current.role,
            ),
        ]
    )
