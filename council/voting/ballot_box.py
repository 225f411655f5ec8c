"""Group commit for the members' own votes: votes arriving together are written in one transaction.

When a poll opens, dozens or hundreds of members vote within seconds. Written one transaction each, every vote
pays for its own BEGIN, poll lookup, entitlement check, lock and COMMIT; the database and the app spend most of
a vote on that. The ballot box queues the votes of a process and one writer takes all that are waiting at once:
per poll, the poll is read and share-locked once, the voters' seats are checked in one statement, the votes go in
as one INSERT that lets the unique constraint refuse second votes row by row, and one COMMIT acknowledges all.
A vote alone is written at once (a batch of one); under load the batches grow by themselves while the previous
one commits, so nobody waits for a timer.

Each vote keeps its own answer: a refused vote (not entitled, already voted, abstention not allowed) refuses only
itself. A member's request is answered only after the commit, so an acknowledged vote survives a crash.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.errors import NotFound
from council.events import DomainEvent, take_events
from council.voting.ballots import Ballot, Receipt, write_ballots

log = logging.getLogger("council.ballots")

# Enough to take a whole council's storm in one go; a bigger backlog is written in several transactions.
MAX_BATCH = 1000


@dataclass
class _Waiting:
    ballot: Ballot
    answer: asyncio.Future[Receipt] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class BallotBox:
    """Queues the process's votes and writes them in batches (see the module's text). Start it with the app."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        on_committed: Callable[[list[DomainEvent]], Awaitable[None]],
        *,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._sessions = sessions
        self._on_committed = on_committed
        self._max_batch = max_batch
        self._queue: list[_Waiting] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.transactions = 0  # how many batches were written (the tests read it)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="council-ballot-box")

    async def stop(self) -> None:
        """Writes what is queued, then ends. Votes arriving later are written one by one."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task

    async def cast(self, ballot: Ballot) -> Receipt:
        """The receipt once the vote is committed, or the refusal (a ValidationFailed) for this vote alone."""
        waiting = _Waiting(ballot)
        if self._closing or self._task is None or self._task.done():
            await self._write([waiting])
        else:
            self._queue.append(waiting)
            self._wake.set()
        return await waiting.answer

    async def _run(self) -> None:
        while True:
            if not self._queue:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            batch, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch :]
            await self._write(batch)

    async def _write(self, batch: list[_Waiting]) -> None:
        by_poll: dict[int, list[_Waiting]] = {}
        for waiting in batch:
            by_poll.setdefault(waiting.ballot.poll_id, []).append(waiting)
        for poll_id, group in by_poll.items():
            try:
                await self._write_poll(poll_id, group)
            except Exception as exc:
                if len(group) == 1:
                    _answer(group[0], exc)
                    continue
                # Something none of the checks foresaw (a lost connection, a deadlock): no vote may be lost for
                # another's fault, so each is tried again on its own.
                log.warning("batch of %d votes on poll %s failed, writing them one by one", len(group), poll_id)
                for waiting in group:
                    try:
                        await self._write_poll(poll_id, [waiting])
                    except Exception as single:
                        _answer(waiting, single)

    async def _write_poll(self, poll_id: int, group: list[_Waiting]) -> None:
        async with self._sessions() as session:
            try:
                outcomes = await write_ballots(session, poll_id, [waiting.ballot for waiting in group])
            except NotFound as exc:
                for waiting in group:
                    _answer(waiting, exc)
                return
            events = take_events(session)
            await session.commit()
        self.transactions += 1
        for waiting, outcome in zip(group, outcomes, strict=True):
            _answer(waiting, outcome)
        if events:
            try:
                await self._on_committed(events)
            except Exception:  # the votes are stored; a failed push must not turn them into errors
                log.exception("live push after %d votes failed", len(group))


def _answer(waiting: _Waiting, outcome: Receipt | BaseException) -> None:
    if waiting.answer.done():
        return
    if isinstance(outcome, BaseException):
        waiting.answer.set_exception(outcome)
    else:
        waiting.answer.set_result(outcome)
