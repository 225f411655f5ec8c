"""Shared by the voting controllers: loading with permission, committing with live pushes, reading forms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from council.bodies.models import Body
from council.errors import ValidationFailed
from council.events import take_events
from council.messages import N_
from council.voting.rules import Choice, Tally
from web.live import LiveBroadcaster
from web.pages import form_value


async def commit_and_push(request: Request[Any, Any, Any], session: AsyncSession) -> None:
    """Commit first, then tell the screens: nobody may see a change that could still be rolled back."""
    events = take_events(session)
    await session.commit()
    broadcaster: LiveBroadcaster = request.app.state.broadcaster
    await broadcaster.publish(events)


def choice_from(data: Mapping[str, Any]) -> Choice:
    try:
        return Choice(form_value(data, "choice", 20))
    except ValueError:
        raise ValidationFailed({"choice": N_("Bitte wählen Sie Ja, Nein oder Enthaltung.")}) from None


def int_field(data: Mapping[str, Any], name: str, message: str, *, required: bool = True) -> int | None:
    raw = form_value(data, name, 12).strip()
    if not raw and not required:
        return None
    if not raw.isdigit():
        raise ValidationFailed({name: message})
    return int(raw)


def tally_from(data: Mapping[str, Any]) -> Tally | None:
    """The counts of a show of hands, or None when none were entered."""
    names = ("yes", "no", "abstain")
    if not any(form_value(data, name, 12).strip() for name in names):
        return None
    errors = {}
    values = {}
    for name in names:
        raw = form_value(data, name, 12).strip() or "0"
        if not raw.isdigit():
            errors[name] = N_("Bitte eine Zahl ab 0 eintragen.")
        else:
            values[name] = int(raw)
    if errors:
        raise ValidationFailed(errors)
    return Tally(values["yes"], values["no"], values["abstain"], 0)


def wants_json(request: Request[Any, Any, Any]) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


async def rolled_back(session: AsyncSession, body: Body | None) -> Body | None:
    """Undo the failed unit of work. A rollback expires every loaded row, so the body is read afresh for the
    page that explains the refusal."""
    await session.rollback()
    if body is not None:
        await session.refresh(body)
    return body
