"""The speakers list (Wortmeldungen) of a meeting room: raised hands in order, kept by the chair."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SpeakersList:
    waiting: list[str] = field(default_factory=list)
    speaking: str | None = None

    def raise_hand(self, participant: str) -> None:
        if participant not in self.waiting and participant != self.speaking:
            self.waiting.append(participant)

    def lower_hand(self, participant: str) -> None:
        if participant in self.waiting:
            self.waiting.remove(participant)

    def lower_all(self) -> None:
        self.waiting.clear()

    def give_floor(self, participant: str | None = None) -> str | None:
        """The next in line (or the one the chair names) speaks; their hand goes down."""
        chosen = participant if participant is not None else (self.waiting[0] if self.waiting else None)
        if chosen is not None:
            self.lower_hand(chosen)
        self.speaking = chosen
        return chosen

    def forget(self, participant: str) -> None:
        self.lower_hand(participant)
        if self.speaking == participant:
            self.speaking = None
