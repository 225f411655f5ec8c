"""The signed-in viewer, kept for a few seconds per user: every signed-in request needs it, and loading it costs
three statements and a connection of its own (a vote costs about as much again).

A cached viewer is forgotten as soon as a unit of work commits a change to what it is made of (the user account,
its body roles, the person's memberships): the ORM session is listened on, so no write path can forget it, like
the search index (council/search/tracking.py). Other app processes learn of the change from the web layer
(``on_forget``: it passes the keys on over the live channels) and, at the latest, when the entry expires.
"""

from __future__ import annotations

import datetime as dt
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from council.accounts.models import BodyRole, User
from council.accounts.viewer import Viewer
from council.bodies.models import Membership

DEFAULT_TTL_SECONDS = 10.0
MAX_ENTRIES = 20_000
_CHANGED = "council_viewer_changes"


@dataclass(frozen=True)
class Changes:
    """Whose viewer is out of date: by user id, and by person id (memberships belong to people)."""

    user_ids: frozenset[int] = frozenset()
    person_ids: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.user_ids or self.person_ids)

    def as_json(self) -> dict[str, list[int]]:
        return {"users": sorted(self.user_ids), "persons": sorted(self.person_ids)}

    @classmethod
    def from_json(cls, data: Any) -> Changes:
        if not isinstance(data, dict):
            return cls()
        users = data.get("users", [])
        persons = data.get("persons", [])
        return cls(
            frozenset(int(u) for u in users if isinstance(u, int)),
            frozenset(int(p) for p in persons if isinstance(p, int)),
        )


@dataclass
class _Entry:
    viewer: Viewer
    day: dt.date
    expires: float


@dataclass(eq=False)
class ViewerCache:
    """Per app process. ``epoch`` guards against a load that began before a change and ends after it."""

    ttl_seconds: float = DEFAULT_TTL_SECONDS
    clock: Callable[[], float] = time.monotonic
    on_forget: Callable[[Changes], None] | None = None
    epoch: int = 0
    _entries: dict[int, _Entry] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _caches.add(self)

    def get(self, user_id: int, day: dt.date) -> Viewer | None:
        entry = self._entries.get(user_id)
        if entry is None or entry.day != day or entry.expires <= self.clock():
            return None
        return entry.viewer

    def put(self, user_id: int, day: dt.date, viewer: Viewer, epoch: int) -> None:
        """Keep ``viewer`` unless something changed since ``epoch`` was read (before the viewer was loaded)."""
        if self.ttl_seconds <= 0 or epoch != self.epoch:
            return
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[user_id] = _Entry(viewer, day, self.clock() + self.ttl_seconds)

    def forget(self, changes: Changes) -> None:
        self.epoch += 1
        for user_id in changes.user_ids:
            self._entries.pop(user_id, None)
        if changes.person_ids:
            stale = [u for u, e in self._entries.items() if e.viewer.person_id in changes.person_ids]
            for user_id in stale:
                del self._entries[user_id]


_caches: weakref.WeakSet[ViewerCache] = weakref.WeakSet()


# What a viewer is made of on the account itself. A sign-in writes ``last_login``, a password change the hash: neither
# changes the viewer, and treating them as changes kept every viewer loaded meanwhile out of the cache (the epoch
# guard), so a crowd signing in before a vote found the cache empty when it voted.
_VIEWER_COLUMNS = ("display_name", "person_id", "active", "deleted")


def _viewer_changed(user: User) -> bool:
    attrs = inspect(user).attrs
    return any(attrs[name].history.has_changes() for name in _VIEWER_COLUMNS)


def _person_ids(membership: Membership) -> Iterable[int]:
    history = inspect(membership).attrs.person_id.history
    return [p for p in (membership.person_id, *history.deleted) if isinstance(p, int)]


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    users: set[int] = set()
    persons: set[int] = set()
    # Each of session.new, .dirty and .deleted builds a new set when read: read once, not per object.
    dirty = session.dirty
    for obj in (*session.new, *dirty, *session.deleted):
        match obj:
            case User() if obj.id is not None and (obj not in dirty or _viewer_changed(obj)):
                users.add(obj.id)
            case BodyRole():
                users.add(obj.user_id)
            case Membership():
                persons.update(_person_ids(obj))
    if users or persons:
        found = session.info.setdefault(_CHANGED, (set(), set()))
        found[0].update(users)
        found[1].update(persons)


@event.listens_for(Session, "after_commit")
def _forget(session: Session) -> None:
    found = session.info.pop(_CHANGED, None)
    if found is None:
        return
    changes = Changes(frozenset(found[0]), frozenset(found[1]))
    for cache in list(_caches):
        cache.forget(changes)
        if cache.on_forget is not None:
            cache.on_forget(changes)


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop(_CHANGED, None)
