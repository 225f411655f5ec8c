"""The installation as a whole: what the OParl System object says about it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from council.bodies.models import Body
from council.bodies.service import get_default_body
from council.errors import NotFound


@dataclass(frozen=True)
class SystemFacts:
    # The system changes with its bodies: it is as old as the first and as new as the latest change of any.
    created: dt.datetime | None
    modified: dt.datetime | None
    # The municipality the installation serves: its name and contact stand for the system's.
    body: Body | None


async def read_system(session: AsyncSession) -> SystemFacts:
    created, modified = (await session.execute(select(func.min(Body.created), func.max(Body.modified)))).one()
    try:
        body: Body | None = await get_default_body(session)
    except NotFound:
        body = None
    return SystemFacts(created=created, modified=modified, body=body)
