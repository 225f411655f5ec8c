"""Formatting register numbers from a body's pattern: ``{seq}/{yy}`` → ``567/24``."""

from __future__ import annotations

import re
import string

from council.errors import ValidationFailed
from council.messages import N_

_FIELDS = {"seq", "yy", "yyyy"}
_SEQ_SPEC = re.compile(r"^0?\d?$")


def pattern_problem(pattern: str) -> str | None:
    """Why a number pattern cannot be used, or None. It must contain {seq} and may use {yy}, {yyyy}."""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        return N_("Das Muster enthält eine nicht geschlossene geschweifte Klammer.")
    names = [name for _, name, _, _ in parts if name is not None]
    if "seq" not in names:
        return N_("Das Muster muss die laufende Nummer {seq} enthalten.")
    unknown = [name for name in names if name not in _FIELDS]
    if unknown:
        return N_("Unbekannter Platzhalter im Muster; erlaubt sind {seq}, {yy} und {yyyy}.")
    specs = [spec for _, name, spec, _ in parts if name == "seq"]
    if any(spec and not _SEQ_SPEC.match(spec) for spec in specs):
        return N_("Für {seq} ist nur eine Stellenzahl wie {seq:05} erlaubt.")
    return None


def format_number(pattern: str, seq: int, year: int) -> str:
    problem = pattern_problem(pattern)
    if problem:
        raise ValidationFailed({"pattern": problem})
    if seq < 1 or not 1000 <= year <= 9999:
        raise ValueError("seq must be positive and year four digits")
    return pattern.format(seq=seq, yy=f"{year % 100:02d}", yyyy=f"{year:04d}")
