"""Writing the minutes: create the draft, regenerate it, edit texts safely, submit, withdraw, reopen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import msgspec
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.audit.service import record
from council.bodies.models import Person
from council.errors import ValidationFailed
from council.meetings.attendance import attendances_of, memberships_on_day
from council.meetings.models import Meeting, MeetingState
from council.messages import N_
from council.minutes.access import current_version, item_of, load_meeting_for_minutes, minutes_of, require
from council.minutes.document import Header, ItemRecord, MinutesDocument, content_hash, from_json, to_json
from council.minutes.draft import build_header, build_items, default_chair
from council.minutes.errors import EditConflict, WrongMinutesState
from council.minutes.models import Minutes, MinutesItem, MinutesState, MinutesVersion
from council.minutes.rules import Action
from council.minutes.selection import officer_candidates

TEXT_LIMIT = 50_000
CONFLICT_MESSAGE = N_(
    "Dieser Text wurde inzwischen von jemand anderem gespeichert. Ihre Fassung ist nicht verloren: sie steht "
    "unten im Formular, die gespeicherte daneben. Übernehmen Sie, was bleiben soll, und speichern Sie erneut."
)


def audit_minutes(
    session: AsyncSession, meeting: Meeting, minutes: Minutes, action: str, viewer: Viewer, **data: object
) -> None:
    record(
        session,
        action=f"minutes.{action}",
        subject_type="minutes",
        subject_id=minutes.id,
        actor_user_id=viewer.user_id,
        body_id=meeting.organization.body_id,
        data={"meeting_id": meeting.id, "state": minutes.state.value, **data},
    )


def clean_text(text: str | None) -> str | None:
    cleaned = (text or "").replace("\r\n", "\n").strip()
    if len(cleaned) > TEXT_LIMIT:
        raise ValidationFailed({"text": N_("Der Text ist zu lang.")})
    return cleaned or None


async def create_minutes(session: AsyncSession, meeting_id: int, viewer: Viewer, now: dt.datetime) -> Minutes:
    meeting = await load_meeting_for_minutes(session, meeting_id)
    existing = await minutes_of(session, meeting_id)
    require(Action.CREATE, viewer, meeting, existing)
    if meeting.state is not MeetingState.CLOSED:
        raise ValidationFailed({"state": N_("Eine Niederschrift wird erst nach dem Schluss der Sitzung erstellt.")})
    memberships = await memberships_on_day(session, meeting)
    clerk = viewer.person_id
    chair = default_chair(memberships, await attendances_of(session, meeting.id))
    minutes = Minutes(
        meeting_id=meeting.id,
        state=MinutesState.DRAFT,
        chair_person_id=chair,
        clerk_person_id=clerk if clerk != chair else None,
        header={},
        generated_at=now,
        revision=1,
    )
    session.add(minutes)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise WrongMinutesState(N_("Zu dieser Sitzung gibt es bereits eine Niederschrift.")) from exc
    await _generate(session, minutes, meeting, now)
    audit_minutes(session, meeting, minutes, "created", viewer)
    return minutes


async def _generate(session: AsyncSession, minutes: Minutes, meeting: Meeting, now: dt.datetime) -> None:
    """Replace every generated part; the written texts stay where they are, keyed by their agenda item."""
    minutes.header = to_json(await build_header(session, meeting))
    minutes.generated_at = now
    records = await build_items(session, meeting)
    existing = {
        row.agenda_item_id: row
        for row in await session.scalars(select(MinutesItem).where(MinutesItem.minutes_id == minutes.id))
    }
    for position, item in enumerate(records, start=1):
        row = existing.pop(item.agenda_item_id, None)
        if row is None:
            row = MinutesItem(minutes_id=minutes.id, agenda_item_id=item.agenda_item_id, revision=1)
            session.add(row)
        row.position, row.generated, row.on_agenda = position, to_json(item), True
    # Items that left the agenda keep their text (the editor shows it) but drop out of the document.
    for row in existing.values():
        row.on_agenda = False
    await session.flush()


async def regenerate(session: AsyncSession, meeting_id: int, viewer: Viewer, now: dt.datetime) -> Minutes:
    meeting = await load_meeting_for_minutes(session, meeting_id)
    minutes = await minutes_of(session, meeting_id, lock=True)
    require(Action.REGENERATE, viewer, meeting, minutes)
    assert minutes is not None
    await _generate(session, minutes, meeting, now)
    await session.refresh(minutes, ["items"])
    audit_minutes(session, meeting, minutes, "regenerated", viewer)
    return minutes


async def save_deliberation(
    session: AsyncSession, meeting_id: int, agenda_item_id: int, viewer: Viewer, text: str, revision: int
) -> MinutesItem:
    """Save one item's text if nobody saved it since ``revision`` was read; otherwise raise EditConflict.

    The compare-and-set UPDATE runs first: it takes the write lock before the state is read, so a submission
    running at the same time either sees this text or this save sees the submission.
    """
    meeting = await load_meeting_for_minutes(session, meeting_id)
    minutes = await minutes_of(session, meeting_id)
    require(Action.EDIT, viewer, meeting, minutes)
    assert minutes is not None
    row = item_of(minutes, agenda_item_id)
    cleaned = clean_text(text)
    changed = await session.execute(
        update(MinutesItem)
        .where(MinutesItem.id == row.id, MinutesItem.revision == revision)
        .values(deliberation=cleaned, revision=MinutesItem.revision + 1)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(row)
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise EditConflict(CONFLICT_MESSAGE, current_text=row.deliberation, current_revision=row.revision)
    await _still_draft(session, minutes)
    audit_minutes(
        session, meeting, minutes, "item_edited", viewer, agenda_item_id=agenda_item_id, revision=row.revision
    )
    return row


async def _still_draft(session: AsyncSession, minutes: Minutes) -> None:
    """Hold a share lock on the minutes row while saving: a submission waits for us, or we see it."""
    state = await session.scalar(select(Minutes.state).where(Minutes.id == minutes.id).with_for_update(read=True))
    if state is not MinutesState.DRAFT:
        raise WrongMinutesState(N_("Die Niederschrift ist nicht mehr im Entwurf; der Text wurde nicht gespeichert."))


@dataclass(frozen=True)
class HeaderEdit:
    chair_person_id: int | None
    clerk_person_id: int | None
    other_attendees: str | None
    revision: int


async def save_header(session: AsyncSession, meeting_id: int, viewer: Viewer, edit: HeaderEdit) -> Minutes:
    meeting = await load_meeting_for_minutes(session, meeting_id)
    minutes = await minutes_of(session, meeting_id)
    require(Action.EDIT, viewer, meeting, minutes)
    assert minutes is not None
    candidates = {p.id for p in await officer_candidates(session, meeting)}
    errors = {}
    if edit.chair_person_id is not None and edit.chair_person_id not in candidates:
        errors["chair"] = N_("Bitte wählen Sie die Sitzungsleitung aus der Liste.")
    if edit.clerk_person_id is not None and edit.clerk_person_id not in candidates:
        errors["clerk"] = N_("Bitte wählen Sie die Schriftführung aus der Liste.")
    if edit.chair_person_id is not None and edit.chair_person_id == edit.clerk_person_id:
        errors["clerk"] = N_("Vorsitz und Schriftführung müssen verschiedene Personen sein.")
    if errors:
        raise ValidationFailed(errors)
    changed = await session.execute(
        update(Minutes)
        .where(Minutes.id == minutes.id, Minutes.revision == edit.revision)
        .values(
            chair_person_id=edit.chair_person_id,
            clerk_person_id=edit.clerk_person_id,
            other_attendees=clean_text(edit.other_attendees),
            revision=Minutes.revision + 1,
        )
        .execution_options(synchronize_session=False)
    )
    await session.refresh(minutes)
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise EditConflict(CONFLICT_MESSAGE, current_text=minutes.other_attendees, current_revision=minutes.revision)
    await _still_draft(session, minutes)
    await session.refresh(minutes, ["chair", "clerk"])
    audit_minutes(session, meeting, minutes, "header_edited", viewer, revision=minutes.revision)
    return minutes


def _name(person: Person | None) -> str | None:
    return person.name if person is not None else None


def live_document(minutes: Minutes) -> MinutesDocument:
    """The working copy as a document: generated parts with the written texts put in."""
    items = [
        msgspec.structs.replace(from_json(row.generated, ItemRecord), deliberation=row.deliberation)
        for row in minutes.items
        if row.on_agenda and not row.deleted
    ]
    return MinutesDocument(
        header=from_json(minutes.header, Header),
        chair=_name(minutes.chair),
        clerk=_name(minutes.clerk),
        other_attendees=minutes.other_attendees,
        items=items,
        reason=minutes.correction_reason,
    )


async def submit(session: AsyncSession, meeting_id: int, viewer: Viewer, now: dt.datetime) -> MinutesVersion:
    """Freeze the working copy into the next version and put it up for approval."""
    meeting = await load_meeting_for_minutes(session, meeting_id)
    minutes = await minutes_of(session, meeting_id, lock=True)
    require(Action.SUBMIT, viewer, meeting, minutes)
    assert minutes is not None
    if minutes.chair_person_id is None or minutes.clerk_person_id is None:
        raise ValidationFailed({"clerk": N_("Bitte tragen Sie Sitzungsleitung und Schriftführung ein.")})
    previous = current_version(minutes)
    number = previous.number + 1 if previous else 1
    document = msgspec.structs.replace(live_document(minutes), version=number)
    content = to_json(document)
    version = MinutesVersion(
        minutes_id=minutes.id,
        number=number,
        content=content,
        content_hash=content_hash(content),
        reason=minutes.correction_reason,
        submitted_at=now,
        submitted_by_user_id=viewer.user_id,
    )
    session.add(version)
    minutes.state = MinutesState.SUBMITTED
    await session.flush()
    await session.refresh(minutes, ["versions"])
    audit_minutes(session, meeting, minutes, "submitted", viewer, version=number, hash=version.content_hash)
    return version


async def withdraw(session: AsyncSession, meeting_id: int, viewer: Viewer, now: dt.datetime) -> Minutes:
    """Back to the draft; the withdrawn version stays in the history, marked as such."""
    meeting = await load_meeting_for_minutes(session, meeting_id)
    minutes = await minutes_of(session, meeting_id, lock=True)
    require(Action.WITHDRAW, viewer, meeting, minutes)
    assert minutes is not None
    version = current_version(minutes)
    assert version is not None
    version.withdrawn_at = now
    minutes.state = MinutesState.DRAFT
    await session.flush()
    audit_minutes(session, meeting, minutes, "withdrawn", viewer, version=version.number)
    return minutes


async def reopen(session: AsyncSession, meeting_id: int, viewer: Viewer, reason: str) -> Minutes:
    """Correct approved minutes: a new draft from the approved text; the approved version stays as it was."""
    meeting = await load_meeting_for_minutes(session, meeting_id)
    minutes = await minutes_of(session, meeting_id, lock=True)
    require(Action.REOPEN, viewer, meeting, minutes)
    assert minutes is not None
    cleaned = clean_text(reason)
    if cleaned is None:
        raise ValidationFailed({"reason": N_("Bitte begründen Sie die Berichtigung.")})
    minutes.state = MinutesState.DRAFT
    minutes.correction_reason = cleaned
    minutes.revision += 1
    await session.flush()
    audit_minutes(session, meeting, minutes, "reopened", viewer, reason=cleaned)
    return minutes
