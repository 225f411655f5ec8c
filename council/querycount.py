"""Counting the SQL statements one piece of work sends: query budgets are checked by tests and benchmarks.

Only statements sent from the counting context (and the tasks it starts) are counted, so the app's background
work (the audit sealer, live pushes) does not blur the figure.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@dataclass
class StatementCount:
    statements: int = 0


_active: ContextVar[StatementCount | None] = ContextVar("council_statement_count", default=None)


def _count(*_args: Any) -> None:
    count = _active.get()
    if count is not None:
        count.statements += 1


@contextmanager
def counting_statements() -> Iterator[StatementCount]:
    """Count the statements of every engine sent while the block runs, from this context only."""
    if not event.contains(Engine, "before_cursor_execute", _count):
        event.listen(Engine, "before_cursor_execute", _count)
    count = StatementCount()
    token = _active.set(count)
    try:
        yield count
    finally:
        _active.reset(token)
