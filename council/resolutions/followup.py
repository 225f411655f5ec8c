"""Beschlussverfolgung: follow-up tasks of resolutions, tracked to completion; recurring ones roll forward."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from council.accounts.viewer import Viewer
from council.bodies.models import Organization, OrganizationKind
from council.errors import NotFound, PermissionDenied, ValidationFailed
from council.messages import N_
from council.resolutions.deadlines import Deadline, Recurrence, find_deadline, next_due
from council.resolutions.models import FollowUpTask, Resolution, TaskStatus


def suggested_deadline(resolution: Resolution) -> Deadline | None:
    """Read from the resolution's current wording, relative to the day of the decision."""
    day = resolution.decided_at.astimezone(ZoneInfo(resolution.body.timezone)).date()
    return find_deadline(resolution.current.text or "", day)


def _require_secretariat(viewer: Viewer, body_id: int) -> None:
    if not viewer.is_secretariat(body_id):
        raise PermissionDenied("follow-up")


async def add_task(
    session: AsyncSession,
    resolution: Resolution,
    viewer: Viewer,
    *,
    description: str,
    department_id: int | None,
    due_date: dt.date | None,
    recurrence: Recurrence,
) -> FollowUpTask:
    _require_secretariat(viewer, resolution.body_id)
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = N_("Bitte beschreiben Sie den Auftrag.")
    if department_id is not None:
        department = await session.get(Organization, department_id)
        if (
            department is None
            or department.body_id != resolution.body_id
            or department.kind is not OrganizationKind.DEPARTMENT
        ):
            errors["department"] = N_("Bitte wählen Sie eine Verwaltungseinheit.")
    if recurrence is not Recurrence.NONE and due_date is None:
        errors["due_date"] = N_("Ein wiederkehrender Auftrag braucht einen ersten Termin.")
    if errors:
        raise ValidationFailed(errors)
    task = FollowUpTask(
        resolution_id=resolution.id,
        description=description.strip(),
        department_id=department_id,
        due_date=due_date,
        recurrence=recurrence,
        status=TaskStatus.OPEN,
    )
    session.add(task)
    await session.flush()
    return task


async def complete_task(
    session: AsyncSession, task_id: int, viewer: Viewer, now: dt.datetime, note: str
) -> FollowUpTask:
    """A one-off task is done; a recurring one (halbjährlich berichten) moves on to its next due date."""
    task = await session.scalar(
        select(FollowUpTask).where(FollowUpTask.id == task_id).options(selectinload(FollowUpTask.resolution))
    )
    if task is None or task.deleted:
        raise NotFound("task")
    _require_secretariat(viewer, task.resolution.body_id)
    if task.status is TaskStatus.DONE:
        raise ValidationFailed({"status": N_("Der Auftrag ist bereits erledigt.")})
    following = next_due(task.due_date, task.recurrence) if task.due_date else None
    task.note = "\n".join(part for part in (task.note, note.strip()) if part) or None
    if following is not None:
        task.due_date = following
        task.status = TaskStatus.IN_PROGRESS
    else:
        task.status = TaskStatus.DONE
        task.completed_at = now
    await session.flush()
    return task


async def tasks_of_body(session: AsyncSession, body_id: int, *, open_only: bool = True) -> list[FollowUpTask]:
    query = (
        select(FollowUpTask)
        .join(Resolution, Resolution.id == FollowUpTask.resolution_id)
        .where(Resolution.body_id == body_id, FollowUpTask.deleted.is_(False))
        .options(
            selectinload(FollowUpTask.resolution).selectinload(Resolution.agenda_item),
            selectinload(FollowUpTask.department),
        )
        .order_by(FollowUpTask.due_date.is_(None), FollowUpTask.due_date)
    )
    if open_only:
        query = query.where(FollowUpTask.status.in_([TaskStatus.OPEN, TaskStatus.IN_PROGRESS]))
    return list(await session.scalars(query))


def is_overdue(task: FollowUpTask, today: dt.date) -> bool:
    return (
        task.status in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS) and task.due_date is not None and task.due_date < today
    )
