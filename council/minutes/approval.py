"""Approval of submitted minutes (at a later meeting, or by the chair) and the sign-off by chair and clerk."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import msgspec
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.errors import ValidationFailed
from council.events import DomainEvent, EventKind, emit
from council.meetings.models import AgendaItem, Meeting
from council.messages import N_
from council.minutes.access import current_version, load_meeting_for_minutes, minutes_of, require
from council.minutes.document import Approval, MinutesDocument, content_hash, from_json, to_json
from council.minutes.errors import WrongMinutesState
from council.minutes.models import ApprovalVia, Minutes, MinutesSignature, MinutesState, MinutesVersion, SignatureRole
from council.minutes.rules import SIGNING_ACTION, Action, is_published
from council.minutes.selection import approval_slots
from council.minutes.service import audit_minutes, clean_text

APPROVED = "genehmigt"
APPROVED_CORRECTED = "mit Berichtigungen genehmigt"


@dataclass(frozen=True)
class ApprovalText:
    objections: str | None = None  # Einwendungen
    corrections: str | None = None  # Berichtigungen zum öffentlichen Teil
    confidential_notes: str | None = None  # Einwendungen und Berichtigungen zum nicht öffentlichen Teil


async def _current(
    session: AsyncSession, meeting_id: int, viewer: Viewer, action: Action
) -> tuple[Meeting, Minutes, MinutesVersion]:
    meeting = await load_meeting_for_minutes(session, meeting_id)
    minutes = await minutes_of(session, meeting_id, lock=True)
    require(action, viewer, meeting, minutes)
    assert minutes is not None
    version = current_version(minutes)
    assert version is not None
    assert version.withdrawn_at is None
    return meeting, minutes, version


def _approve(
    minutes: Minutes, version: MinutesVersion, approval: Approval, viewer: Viewer, item: AgendaItem | None
) -> None:
    """The approval record becomes part of the version's content, so the signatures cover it too."""
    document = msgspec.structs.replace(from_json(version.content, MinutesDocument), approval=approval)
    version.content = to_json(document)
    version.content_hash = content_hash(version.content)
    version.approved_at = approval.approved_at
    version.approved_by_user_id = viewer.user_id
    version.approval_via = ApprovalVia(approval.via)
    version.approval_item_id = item.id if item is not None else None
    minutes.state = MinutesState.APPROVED
    minutes.correction_reason = None


def _approval(via: ApprovalVia, text: ApprovalText, viewer: Viewer, now: dt.datetime, **where: object) -> Approval:
    return msgspec.convert(
        {
            "via": via.value,
            "approved_at": now,
            "approved_by": viewer.display_name or None,
            "objections": clean_text(text.objections),
            "corrections": clean_text(text.corrections),
            "confidential_notes": clean_text(text.confidential_notes),
            **where,
        },
        Approval,
    )


async def approve_at_meeting(
    session: AsyncSession, meeting_id: int, viewer: Viewer, item_id: int, text: ApprovalText, now: dt.datetime
) -> MinutesVersion:
    """Record the later meeting's decision under its item "Genehmigung der Niederschrift"."""
    meeting, minutes, version = await _current(session, meeting_id, viewer, Action.APPROVE_AT_MEETING)
    slot = next((s for s in await approval_slots(session, meeting) if s.item.id == item_id), None)
    if slot is None:
        raise ValidationFailed(
            {"item": N_("Bitte wählen Sie den Punkt „Genehmigung der Niederschrift“ einer späteren Sitzung.")}
        )
    approval = _approval(
        ApprovalVia.MEETING,
        text,
        viewer,
        now,
        meeting_title=slot.meeting.name,
        meeting_start=slot.meeting.start,
        item_number=slot.item.number,
    )
    _approve(minutes, version, approval, viewer, slot.item)
    corrected = approval.corrections or approval.confidential_notes
    if slot.item.result != APPROVED_CORRECTED:
        slot.item.result = APPROVED_CORRECTED if corrected else APPROVED
    slot.item.decided_at = slot.item.decided_at or now
    await session.flush()
    audit_minutes(
        session,
        meeting,
        minutes,
        "approved",
        viewer,
        version=version.number,
        item_id=item_id,
        hash=version.content_hash,
    )
    emit(session, DomainEvent(EventKind.MEETING_CHANGED, slot.meeting.id, None, slot.item.id))
    return version


async def approve_as_chair(
    session: AsyncSession, meeting_id: int, viewer: Viewer, text: ApprovalText, now: dt.datetime
) -> MinutesVersion:
    meeting, minutes, version = await _current(session, meeting_id, viewer, Action.APPROVE_AS_CHAIR)
    _approve(minutes, version, _approval(ApprovalVia.CHAIR, text, viewer, now), viewer, None)
    await session.flush()
    audit_minutes(
        session, meeting, minutes, "approved", viewer, version=version.number, via="chair", hash=version.content_hash
    )
    return version


def signature_valid(version: MinutesVersion, signature: MinutesSignature) -> bool:
    """The signed hash is the version's, and the stored content still hashes to it (nothing changed since)."""
    return signature.content_hash == version.content_hash == content_hash(version.content)


async def sign(
    session: AsyncSession, meeting_id: int, viewer: Viewer, role: SignatureRole, now: dt.datetime
) -> MinutesSignature:
    """Chair and clerk each sign the approved version; with both signatures it is published."""
    meeting, minutes, version = await _current(session, meeting_id, viewer, SIGNING_ACTION[role])
    assert viewer.person_id is not None
    assert viewer.user_id is not None
    if version.signature(role) is not None:
        raise WrongMinutesState(N_("Diese Fassung ist in dieser Funktion bereits unterzeichnet."))
    if content_hash(version.content) != version.content_hash:
        raise WrongMinutesState(N_("Der Inhalt dieser Fassung stimmt nicht mit ihrer Prüfsumme überein."))
    signature = MinutesSignature(
        version_id=version.id,
        role=role,
        person_id=viewer.person_id,
        user_id=viewer.user_id,
        signed_at=now,
        content_hash=version.content_hash,
    )
    session.add(signature)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise WrongMinutesState(N_("Diese Fassung ist in dieser Funktion bereits unterzeichnet.")) from exc
    await session.refresh(version, ["signatures"])
    signed = frozenset(s.role for s in version.signatures if not s.deleted)
    if is_published(version.approved, signed) and version.published_at is None:
        version.published_at = now
        await session.flush()
    audit_minutes(
        session,
        meeting,
        minutes,
        "signed",
        viewer,
        version=version.number,
        role=role.value,
        hash=signature.content_hash,
    )
    return signature
