"""Why a vote or a poll action was refused. Each is a ValidationFailed, so forms and the API show the reason."""

from __future__ import annotations

from council.errors import ValidationFailed
from council.messages import N_


class PollNotOpen(ValidationFailed):
    def __init__(self) -> None:
        super().__init__({"poll": N_("Diese Abstimmung ist nicht geöffnet.")})


class AlreadyVoted(ValidationFailed):
    def __init__(self) -> None:
        super().__init__({"choice": N_("Sie haben in dieser Abstimmung bereits abgestimmt.")})


class NotEntitledToVote(ValidationFailed):
    def __init__(self, reason: str) -> None:
        super().__init__({"choice": reason})


class QuorumNotReached(ValidationFailed):
    def __init__(self, explanation: str) -> None:
        super().__init__({"quorum": explanation})


class WrongPollState(ValidationFailed):
    def __init__(self, message: str) -> None:
        super().__init__({"poll": message})
