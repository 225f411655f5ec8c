"""Sealing pending audit entries in the background, a short transaction every few seconds."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.audit.service import has_pending, seal
from council.db import transaction

log = logging.getLogger("council.audit")

SEAL_INTERVAL_SECONDS = 2.0


async def seal_periodically(sessions: async_sessionmaker[AsyncSession]) -> None:
    while True:
        await asyncio.sleep(SEAL_INTERVAL_SECONDS)
        try:
            async with sessions() as session:
                if not await has_pending(session):
                    continue
            async with transaction(sessions) as session:
                await seal(session)
        except Exception:  # the next round tries again; entries stay pending, never lost
            log.exception("sealing the audit log failed")
