"""Numbering an agenda as a pure function: "Ö 1", "Ö 4.2", "N 1".

The public part (Ö) comes first, the non-public part (N) after it, each numbered from 1. A sub-item follows
its parent and is numbered below it. Items are given in their intended order; the result is the agenda's
order with positions 1..n, so that a change anywhere is a new call of ``arrange``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PUBLIC_PREFIX = "Ö"
CONFIDENTIAL_PREFIX = "N"


@dataclass(frozen=True)
class Slot:
    """An item as numbering sees it: its key, its part, its parent (one level deep)."""

    key: int
    public: bool
    parent: int | None = None


@dataclass(frozen=True)
class Placed:
    key: int
    position: int
    number: str


def part_prefix(public: bool) -> str:
    return PUBLIC_PREFIX if public else CONFIDENTIAL_PREFIX


def arrange(slots: Sequence[Slot]) -> list[Placed]:
    """Agenda order and numbers. A sub-item whose parent is missing, is itself a sub-item or belongs to the
    other part is refused: the services never build one, and a silent guess would misnumber an agenda."""
    keys = [slot.key for slot in slots]
    if len(set(keys)) != len(keys):
        raise ValueError("every item appears once")
    by_key = {slot.key: slot for slot in slots}
    children: dict[int, list[Slot]] = {}
    for slot in slots:
        if slot.parent is None:
            continue
        parent = by_key.get(slot.parent)
        if parent is None or parent.parent is not None or parent.public != slot.public:
            raise ValueError(f"item {slot.key} has no valid parent")
        children.setdefault(parent.key, []).append(slot)
    placed: list[Placed] = []
    for public in (True, False):
        top = [slot for slot in slots if slot.public is public and slot.parent is None]
        for index, slot in enumerate(top, start=1):
            number = f"{part_prefix(public)} {index}"
            placed.append(Placed(slot.key, len(placed) + 1, number))
            for sub, child in enumerate(children.get(slot.key, []), start=1):
                placed.append(Placed(child.key, len(placed) + 1, f"{number}.{sub}"))
    return placed
