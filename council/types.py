"""Column types shared by the contexts."""

from __future__ import annotations

import enum

from sqlalchemy import Enum


def enum_type(enum_cls: type[enum.Enum], name: str) -> Enum:
    """Store an enum by its value as a string, guarded by a CHECK constraint on every database."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
