"""Quorum, majority and the wording of outcomes, by state law. Pure functions over plain numbers."""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass

from council.bodies.models import RuleSet
from council.errors import ValidationFailed
from council.messages import N_


class Choice(enum.StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class Majority(enum.StrEnum):
    SIMPLE = "simple"  # more Ja than Nein among the votes cast
    ABSOLUTE = "absolute"  # more than half of the statutory members vote Ja
    TWO_THIRDS_CAST = "two_thirds_cast"
    TWO_THIRDS_STATUTORY = "two_thirds_statutory"


class QuorumThreshold(enum.StrEnum):
    MORE_THAN_HALF = "more_than_half"
    AT_LEAST_HALF = "at_least_half"


@dataclass(frozen=True)
class RulePreset:
    rule_set: RuleSet
    name: str
    legal_basis: str
    quorum_threshold: QuorumThreshold
    abstention_allowed: bool
    # True: abstentions count to the votes cast, so they weigh like Nein.
    abstentions_count_as_cast: bool
    # The council counts as quorate until its lack of quorum is established: flag, do not block.
    quorum_presumed: bool
    # BW: when more than half of all members are befangen, a quarter present and entitled suffices.
    conflict_fallback_quarter: bool


def _preset(rule_set: RuleSet, name: str, basis: str, **overrides: bool | QuorumThreshold) -> RulePreset:
    values: dict[str, bool | QuorumThreshold] = {
        "quorum_threshold": QuorumThreshold.MORE_THAN_HALF,
        "abstention_allowed": True,
        "abstentions_count_as_cast": False,
        "quorum_presumed": False,
        "conflict_fallback_quarter": False,
        **overrides,
    }
    return RulePreset(rule_set, name, basis, **values)  # type: ignore[arg-type]


PRESETS: Mapping[RuleSet, RulePreset] = {
    RuleSet.DEFAULT: _preset(RuleSet.DEFAULT, "Allgemeine Regeln", "übliche Regelung der Gemeindeordnungen"),
    RuleSet.BADEN_WUERTTEMBERG: _preset(
        RuleSet.BADEN_WUERTTEMBERG,
        "Baden-Württemberg",
        "§§ 18, 37 GemO BW",
        quorum_threshold=QuorumThreshold.AT_LEAST_HALF,
        conflict_fallback_quarter=True,
    ),
    RuleSet.BAYERN: _preset(RuleSet.BAYERN, "Bayern", "Art. 47, 48, 51 GO", abstention_allowed=False),
    RuleSet.NORDRHEIN_WESTFALEN: _preset(
        RuleSet.NORDRHEIN_WESTFALEN, "Nordrhein-Westfalen", "§§ 49, 50 GO NRW", quorum_presumed=True
    ),
    RuleSet.SAARLAND: _preset(RuleSet.SAARLAND, "Saarland", "§§ 44, 45 KSVG"),
    RuleSet.HESSEN: _preset(RuleSet.HESSEN, "Hessen", "§§ 53, 54 HGO"),
    RuleSet.THUERINGEN: _preset(RuleSet.THUERINGEN, "Thüringen", "§§ 36, 39 ThürKO"),
    RuleSet.SCHLESWIG_HOLSTEIN: _preset(RuleSet.SCHLESWIG_HOLSTEIN, "Schleswig-Holstein", "§§ 38, 39 GO SH"),
}


def preset(rule_set: RuleSet) -> RulePreset:
    return PRESETS[rule_set]


class AbstentionNotAllowed(ValidationFailed):
    """Bavaria: every member present must vote Ja or Nein."""


@dataclass(frozen=True)
class Tally:
    yes: int
    no: int
    abstain: int
    befangen: int

    def __post_init__(self) -> None:
        if min(self.yes, self.no, self.abstain, self.befangen) < 0:
            raise ValueError("counts cannot be negative")

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain


@dataclass(frozen=True)
class Quorum:
    statutory_seats: int
    present: int
    befangen: int
    required: int
    reached: bool
    presumed: bool
    fallback_applied: bool

    @property
    def may_decide(self) -> bool:
        return self.reached or self.presumed

    @property
    def explanation(self) -> str:
        state = "beschlussfähig" if self.reached else "nicht beschlussfähig"
        text = f"{state}: {self.present} von {self.statutory_seats} anwesend, {self.required} erforderlich"
        if self.fallback_applied:
            text += " (wegen Befangenheit genügt ein Viertel der Mitglieder)"
        if self.presumed:
            text += " (gilt als beschlussfähig, solange die Beschlussunfähigkeit nicht festgestellt ist)"
        return text


def check_quorum(statutory_seats: int, present_entitled: int, befangen: int, rules: RulePreset) -> Quorum:
    if statutory_seats <= 0 or present_entitled < 0 or befangen < 0:
        raise ValueError("seats must be positive, counts not negative")
    if rules.quorum_threshold is QuorumThreshold.AT_LEAST_HALF:
        required = math.ceil(statutory_seats / 2)
    else:
        required = statutory_seats // 2 + 1
    fallback = rules.conflict_fallback_quarter and 2 * befangen > statutory_seats
    if fallback:
        required = math.ceil(statutory_seats / 4)
    reached = present_entitled >= required
    return Quorum(
        statutory_seats=statutory_seats,
        present=present_entitled,
        befangen=befangen,
        required=required,
        reached=reached,
        presumed=not reached and rules.quorum_presumed,
        fallback_applied=fallback,
    )


@dataclass(frozen=True)
class Outcome:
    adopted: bool
    wording: str
    counts: str
    explanation: str
    required_yes: int
    tie: bool
    unanimous: bool


def counts_line(tally: Tally) -> str:
    return f"Ja: {tally.yes}, Nein: {tally.no}, Enthaltungen: {tally.abstain}, Befangen: {tally.befangen}"


def _abstentions(count: int) -> str:
    return "1 Enthaltung" if count == 1 else f"{count} Enthaltungen"


def _required_yes(tally: Tally, majority: Majority, seats: int, rules: RulePreset) -> int:
    """The smallest number of Ja votes that would carry the motion, the other votes as they are."""
    against = tally.no + (tally.abstain if rules.abstentions_count_as_cast else 0)
    if majority is Majority.SIMPLE:
        return against + 1
    if majority is Majority.ABSOLUTE:
        return seats // 2 + 1
    if majority is Majority.TWO_THIRDS_STATUTORY:
        return math.ceil(2 * seats / 3)
    # Two thirds of the votes cast: yes >= 2 * (yes + against) / 3  <=>  yes >= 2 * against, and at least one.
    return max(2 * against, against + 1, 1)


def _majority_note(majority: Majority, seats: int, required: int) -> str:
    if majority is Majority.ABSOLUTE:
        return f"Mehrheit der {seats} gesetzlichen Mitglieder: {required} Ja erforderlich"
    if majority is Majority.TWO_THIRDS_STATUTORY:
        return f"zwei Drittel der {seats} gesetzlichen Mitglieder: {required} Ja erforderlich"
    if majority is Majority.TWO_THIRDS_CAST:
        return f"zwei Drittel der abgegebenen Stimmen: {required} Ja erforderlich"
    return ""


def decide(tally: Tally, majority: Majority, quorum: Quorum, rules: RulePreset) -> Outcome:
    if tally.abstain and not rules.abstention_allowed:
        raise AbstentionNotAllowed({"choice": N_("Stimmenthaltung ist nach der Gemeindeordnung unzulässig.")})
    counts = counts_line(tally)
    votes = f"{tally.yes} Ja gegen {tally.no} Nein"
    if tally.abstain:
        votes += f" bei {_abstentions(tally.abstain)}"
    required = _required_yes(tally, majority, quorum.statutory_seats, rules)
    if not quorum.may_decide:
        return Outcome(False, "nicht beschlussfähig", counts, f"{votes}; {quorum.explanation}", required, False, False)
    against = tally.no + (tally.abstain if rules.abstentions_count_as_cast else 0)
    adopted = tally.yes >= required
    tie = majority is Majority.SIMPLE and tally.yes == against and tally.cast > 0
    parts = [votes]
    if tally.befangen:
        parts.append(f"{tally.befangen} {'Mitglied' if tally.befangen == 1 else 'Mitglieder'} befangen")
    note = _majority_note(majority, quorum.statutory_seats, required)
    if note:
        parts.append(note)
    if tie:
        parts.append("Stimmengleichheit: abgelehnt")
    explanation = ", ".join(parts) + f"; {quorum.explanation}"
    unanimous = adopted and tally.no == 0
    if not adopted:
        wording = "abgelehnt"
    elif tally.no == 0 and tally.abstain == 0:
        wording = "einstimmig beschlossen"
    elif tally.no == 0:
        wording = f"einstimmig bei {_abstentions(tally.abstain)} angenommen"
    else:
        wording = "mehrheitlich beschlossen"
    return Outcome(adopted, wording, counts, explanation, required, tie, unanimous)


class ItemResult(enum.StrEnum):
    ADOPTED = "adopted"
    ADOPTED_AMENDED = "adopted_amended"
    REJECTED = "rejected"
    NOTED = "noted"
    POSTPONED = "postponed"
    WITHDRAWN = "withdrawn"
    REFERRED = "referred"

    @property
    def is_decision(self) -> bool:
        """Decisions get a number in the resolution register."""
        return self in (ItemResult.ADOPTED, ItemResult.ADOPTED_AMENDED, ItemResult.REJECTED)


_WORDING = {
    ItemResult.ADOPTED: "ungeändert beschlossen",
    ItemResult.ADOPTED_AMENDED: "mit Änderungen beschlossen",
    ItemResult.REJECTED: "abgelehnt",
    ItemResult.NOTED: "zur Kenntnis genommen",
    ItemResult.POSTPONED: "vertagt",
    ItemResult.WITHDRAWN: "zurückgezogen",
}


def item_result_after_vote(main_adopted: bool, amendments_adopted: int) -> ItemResult:
    if not main_adopted:
        return ItemResult.REJECTED
    return ItemResult.ADOPTED_AMENDED if amendments_adopted > 0 else ItemResult.ADOPTED


def item_result_wording(result: ItemResult, referred_to: str | None = None) -> str:
    if result is ItemResult.REFERRED:
        if not referred_to:
            raise ValueError("a referral names the organization")
        return f"verwiesen an {referred_to}"
    return _WORDING[result]
