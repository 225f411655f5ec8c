"""A change counter per database: it counts up after every commit that wrote something.

Caches of pages read from the database (web/page_cache.py) compare it with the count they rendered at, so a page
is never served from before a change this process committed. The counter listens on every SQLAlchemy engine of
the process (ORM sessions and Core statements alike), so no write path can forget it; other processes' writes
reach it through `note_remote_change` (the app relays them over Redis).

Only transactions that ran a writing statement count: the many read-only commits of page requests do not.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.pool import ConnectionPoolEntry, Pool

log = logging.getLogger("council.changes")

DatabaseKey = tuple[str | None, int | None, str | None]

_WROTE = "council_changes_wrote"
_COMMITTED = "council_changes_committed"
_READING = ("SELECT", "PRAGMA", "SHOW", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "SET ", "EXPLAIN")

_lock = threading.Lock()
_counts: dict[DatabaseKey, int] = {}
_listeners: list[Callable[[DatabaseKey, Engine], None]] = []


def database_key(url: URL) -> DatabaseKey:
    """The same database, whichever driver or engine reaches it."""
    return (url.host, url.port, url.database)


def change_count(key: DatabaseKey) -> int:
    return _counts.get(key, 0)


def _bump(key: DatabaseKey) -> None:
    with _lock:
        _counts[key] = _counts.get(key, 0) + 1


def note_remote_change(key: DatabaseKey) -> None:
    """Another process committed a change to this database."""
    _bump(key)


def on_local_change(listener: Callable[[DatabaseKey, Engine], None]) -> Callable[[], None]:
    """Call `listener` with the database and the engine after each writing commit of this process; returns the
    function that stops it."""
    _listeners.append(listener)

    def stop() -> None:
        if listener in _listeners:
            _listeners.remove(listener)

    return stop


def writes(statement: str) -> bool:
    return not statement.lstrip().upper().startswith(_READING)


@event.listens_for(Engine, "after_cursor_execute")
def _after_execute(conn: Connection, cursor: Any, statement: str, *args: Any) -> None:
    if writes(statement):
        conn.info[_WROTE] = True


@event.listens_for(Engine, "commit")
def _on_commit(conn: Connection) -> None:
    # This event comes before the database has the commit; the count goes up once the connection is handed
    # back (below), so that a page rendered before the commit can never be filed under the new count.
    if conn.info.pop(_WROTE, False):
        conn.info[_COMMITTED] = (database_key(conn.engine.url), conn.engine)


@event.listens_for(Pool, "checkin")
def _on_checkin(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    # A transaction rolled back leaves its mark behind until here (no rollback listener: its connection may be
    # invalid by then, and reading `info` would turn a rollback into a second error).
    record.info.pop(_WROTE, None)
    committed = record.info.pop(_COMMITTED, None)
    if committed is not None:
        key, engine = committed
        _bump(key)
        for listener in list(_listeners):
            try:
                listener(key, engine)
            except Exception:  # a listener's trouble must not break handing the connection back
                log.exception("a change listener failed")
