"""Reading pages of object lists and single objects: ownership, public visibility, filters, stable order.

Each object type is described once by a ``Kind``; the reading is the same for all of them and costs the same
few queries whatever the page size: a count, the page itself and one query per eagerly loaded collection.
Collections are loaded by the ids of the page (``selectinload``: one query for up to 500 ids, which is why
MAX_LIMIT is 500); what hangs below them one to one is joined into that query (``joinedload``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.base import ExecutableOption

from council.bodies.models import Body, Organization
from council.db import Record
from council.errors import NotFound
from council.opendata.freshness import (
    Embedded,
    changed_since,
    end_of_second,
    last_change,
    latest_changes,
    unchanged_from,
)
from council.opendata.query import ListQuery

R = TypeVar("R", bound=Record)
E = TypeVar("E")

# The objects whose lists other objects own: a body's papers, an organization's meetings.
OWNERS: dict[str, type[Record]] = {"body": Body, "organization": Organization}


@dataclass(frozen=True)
class Loaded(Generic[R]):
    """A row as read: the record, when it (or anything embedded in it) last changed, extra columns."""

    record: R
    modified: dt.datetime
    extras: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Kind(Generic[R, E]):
    """One OParl object type: where its rows live, which are public, what is embedded, how entries are built."""

    name: str
    model: type[R]
    build: Callable[[AsyncSession, list[Loaded[R]]], Awaitable[list[E]]]
    # owner name -> the condition "this row belongs to owner <id>"
    owners: Mapping[str, Callable[[int], ColumnElement[bool]]] = field(default_factory=dict)
    public: Callable[[], ColumnElement[bool]] | None = None
    embedded: tuple[Embedded, ...] = ()
    options: Callable[[], Sequence[ExecutableOption]] = lambda: ()
    extra_columns: Callable[[], Sequence[ColumnElement[Any]]] = lambda: ()


@dataclass(frozen=True)
class Page(Generic[E]):
    entries: list[E]
    total: int
    number: int
    size: int

    @property
    def count(self) -> int:
        """Pages of the list; an empty list still has its one (empty) page."""
        return max(1, math.ceil(self.total / self.size))


async def read_list(
    session: AsyncSession, kind: Kind[R, E], query: ListQuery, owner: tuple[str, int] | None = None
) -> Page[E]:
    """One page of a list, ordered by id; NotFound if the owner does not exist."""
    conditions = [*_public(kind), *_filters(kind, query)]
    if owner is not None:
        await _require_owner(session, *owner)
        conditions.append(kind.owners[owner[0]](owner[1]))
    if not query.includes_deleted:
        conditions.append(kind.model.deleted.is_(False))
    total = await session.scalar(select(func.count()).select_from(kind.model).where(*conditions)) or 0
    # The page's ids first, in a subquery: what is computed per row (latest changes, an item's order, joined
    # relations) is then computed for the page only, not for every row the offset skips.
    page_ids = select(kind.model.id).where(*conditions).order_by(kind.model.id).offset(query.offset).limit(query.limit)
    rows = await _load(session, kind, _select(kind).where(kind.model.id.in_(page_ids)).order_by(kind.model.id))
    return Page(entries=await kind.build(session, rows), total=total, number=query.page, size=query.limit)


async def read_one(session: AsyncSession, kind: Kind[R, E], object_id: int) -> E:
    """One object by id, deleted ones included (they answer as such); NotFound if it is not public."""
    rows = await _load(session, kind, _select(kind).where(kind.model.id == object_id, *_public(kind)))
    if not rows:
        raise NotFound(kind.name)
    (entry,) = await kind.build(session, rows)
    return entry


async def as_loaded(_session: AsyncSession, rows: list[Loaded[R]]) -> list[Loaded[R]]:
    """For types that embed nothing and link only by their own columns, the loaded row is the entry."""
    return rows


def _select(kind: Kind[R, E]) -> Select[Any]:
    return select(kind.model, *latest_changes(kind.embedded), *kind.extra_columns()).options(*kind.options())


async def _load(session: AsyncSession, kind: Kind[R, E], statement: Select[Any]) -> list[Loaded[R]]:
    width = len(kind.embedded)
    return [
        Loaded(record=row[0], modified=last_change(row[0].modified, row[1 : 1 + width]), extras=tuple(row[1 + width :]))
        for row in await session.execute(statement)
    ]


def _public(kind: Kind[R, E]) -> list[ColumnElement[bool]]:
    return [kind.public()] if kind.public is not None else []


def _filters(kind: Kind[R, E], query: ListQuery) -> list[ColumnElement[bool]]:
    model, conditions = kind.model, []
    if query.created_since is not None:
        conditions.append(model.created >= query.created_since)
    if query.created_until is not None:
        conditions.append(model.created < end_of_second(query.created_until))
    if query.modified_since is not None:
        conditions.append(changed_since(model, kind.embedded, query.modified_since))
    if query.modified_until is not None:
        conditions.append(unchanged_from(model, kind.embedded, end_of_second(query.modified_until)))
    return conditions


async def _require_owner(session: AsyncSession, owner: str, owner_id: int) -> None:
    model = OWNERS[owner]
    if await session.scalar(select(model.id).where(model.id == owner_id)) is None:
        raise NotFound(owner)
