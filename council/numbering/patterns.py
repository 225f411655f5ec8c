"""Register numbers from a body's pattern (pure functions): ``{seq}/{yy}`` → ``567/24``,
``VO/{yyyy}/{seq:05}`` → ``VO/2014/01919``, ``{faction}/{seq}/{yy}`` → ``GRÜ/1248/16``."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from council.errors import ValidationFailed
from council.messages import N_

RESOLUTION_FIELDS = frozenset({"seq", "yy", "yyyy"})
# A paper's number may name the submitting faction ("GRÜ/1248/16").
PAPER_FIELDS = RESOLUTION_FIELDS | {"faction"}
YEAR_FIELDS = frozenset({"yy", "yyyy"})
_SEQ_SPEC = re.compile(r"^0?\d?$")
# How a field looks inside a number, for reading numbers back (imports continue the series after them).
_FIELD_REGEX = {"yy": r"(?P<yy>\d{2})", "yyyy": r"(?P<yyyy>\d{4})", "faction": r"(?P<faction>.+?)"}


def _fields(pattern: str) -> list[tuple[str, str | None, str | None]]:
    return [(literal, name, spec) for literal, name, spec, _ in string.Formatter().parse(pattern)]


def pattern_problem(
    pattern: str, allowed: frozenset[str] = RESOLUTION_FIELDS, *, require_year: bool = False
) -> str | None:
    """Why a number pattern cannot be used, or None. It must contain {seq}, may use the allowed fields, and must
    contain the year where the series restarts each year and the numbers must stay unique."""
    try:
        parts = _fields(pattern)
    except ValueError:
        return N_("Das Muster enthält eine nicht geschlossene geschweifte Klammer.")
    names = [name for _, name, _ in parts if name is not None]
    if "seq" not in names:
        return N_("Das Muster muss die laufende Nummer {seq} enthalten.")
    if any(name not in allowed for name in names):
        if "faction" in allowed:
            return N_("Unbekannter Platzhalter im Muster; erlaubt sind {seq}, {yy}, {yyyy} und {faction}.")
        return N_("Unbekannter Platzhalter im Muster; erlaubt sind {seq}, {yy} und {yyyy}.")
    specs = [spec for _, name, spec in parts if name == "seq"]
    if any(spec and not _SEQ_SPEC.match(spec) for spec in specs):
        return N_("Für {seq} ist nur eine Stellenzahl wie {seq:05} erlaubt.")
    if any(spec for _, name, spec in parts if name not in (None, "seq")):
        return N_("Nur {seq} darf eine Stellenzahl haben.")
    if require_year and not YEAR_FIELDS & set(names):
        return N_("Das Muster muss das Jahr enthalten ({yy} oder {yyyy}), weil die Nummern jedes Jahr neu beginnen.")
    return None


def uses_faction(pattern: str) -> bool:
    """Whether numbers of the pattern name the faction (False for a broken pattern: pattern_problem says why)."""
    try:
        return any(name == "faction" for _, name, _ in _fields(pattern))
    except ValueError:
        return False


def format_number(
    pattern: str, seq: int, year: int, *, faction: str = "", allowed: frozenset[str] = RESOLUTION_FIELDS
) -> str:
    problem = pattern_problem(pattern, allowed)
    if problem:
        raise ValidationFailed({"pattern": problem})
    if seq < 1 or not 1000 <= year <= 9999:
        raise ValueError("seq must be positive and year four digits")
    if uses_faction(pattern) and not faction.strip():
        raise ValidationFailed({"submitters": N_("Für diese Nummer ist die einreichende Fraktion nötig.")})
    return pattern.format(seq=seq, yy=f"{year % 100:02d}", yyyy=f"{year:04d}", faction=faction.strip())


@dataclass(frozen=True)
class ParsedNumber:
    seq: int
    yy: int | None
    yyyy: int | None
    faction: str | None

    def in_year(self, year: int) -> bool:
        if self.yyyy is not None:
            return self.yyyy == year
        return self.yy == year % 100


def number_regex(pattern: str) -> re.Pattern[str]:
    parts = []
    for literal, name, spec in _fields(pattern):
        parts.append(re.escape(literal))
        if name == "seq":
            width = int(spec) if spec else 1
            parts.append(rf"(?P<seq>\d{{{max(width, 1)},}})")
        elif name is not None:
            parts.append(_FIELD_REGEX[name])
    return re.compile("^" + "".join(parts) + "$")


def parse_number(pattern: str, number: str) -> ParsedNumber | None:
    """Read a number back against its pattern, or None if it does not follow it (another series, or a version)."""
    match = number_regex(pattern).match(number)
    if match is None:
        return None
    fields = match.groupdict()
    return ParsedNumber(
        seq=int(fields["seq"]),
        yy=int(fields["yy"]) if fields.get("yy") else None,
        yyyy=int(fields["yyyy"]) if fields.get("yyyy") else None,
        faction=fields.get("faction"),
    )


def version_number(reference: str, version: int) -> str:
    """A replacement version keeps the original's number with a suffix: ``VO/2014/01919/1``."""
    if version < 1:
        raise ValueError("versions start at 1")
    return f"{reference}/{version}"
