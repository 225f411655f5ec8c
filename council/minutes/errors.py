"""Errors of the minutes context; ``web/`` answers both with 409 Conflict."""

from __future__ import annotations

from council.errors import ValidationFailed


class WrongMinutesState(ValidationFailed):
    """The step does not fit the minutes' state (someone else may have moved them on)."""

    def __init__(self, message: str) -> None:
        super().__init__({"state": message})


class EditConflict(ValidationFailed):
    """Someone saved the same text since this form was loaded: nothing was overwritten."""

    def __init__(self, message: str, *, current_text: str | None, current_revision: int) -> None:
        super().__init__({"revision": message})
        self.current_text = current_text
        self.current_revision = current_revision
