"""The life of a meeting as pure rules: geplant → eingeladen → eröffnet → geschlossen, or abgesagt."""

from __future__ import annotations

from council.errors import ValidationFailed
from council.meetings.models import MeetingState
from council.messages import N_

PLANNED, INVITED, OPENED, CLOSED, CANCELLED = (
    MeetingState.PLANNED,
    MeetingState.INVITED,
    MeetingState.OPENED,
    MeetingState.CLOSED,
    MeetingState.CANCELLED,
)

# A meeting may be opened without a recorded invitation (an urgent meeting called by telephone); a cancelled
# meeting can be reinstated into the state it had reached before; an opened meeting is closed, never cancelled.
TRANSITIONS: dict[MeetingState, frozenset[MeetingState]] = {
    PLANNED: frozenset({INVITED, OPENED, CANCELLED}),
    INVITED: frozenset({OPENED, CANCELLED}),
    OPENED: frozenset({CLOSED}),
    CLOSED: frozenset(),
    CANCELLED: frozenset({PLANNED, INVITED}),
}

_REFUSALS: dict[MeetingState, str] = {
    INVITED: N_("Eingeladen werden kann nur zu einer geplanten Sitzung."),
    OPENED: N_("Nur eine geplante Sitzung kann eröffnet werden."),
    CLOSED: N_("Nur eine eröffnete Sitzung kann geschlossen werden."),
    CANCELLED: N_("Abgesagt werden kann nur eine Sitzung, die noch nicht eröffnet ist."),
    PLANNED: N_("Nur eine abgesagte Sitzung kann wieder aufgenommen werden."),
}


def may_transition(current: MeetingState, target: MeetingState) -> bool:
    return target in TRANSITIONS[current]


def require_transition(current: MeetingState, target: MeetingState) -> None:
    if not may_transition(current, target):
        raise ValidationFailed({"state": _REFUSALS[target]})


def reinstated_state(invitation_sent: bool) -> MeetingState:
    """A cancelled meeting comes back as it was: invited if the invitation had gone out, planned otherwise."""
    return INVITED if invitation_sent else PLANNED


def agenda_editable(state: MeetingState) -> bool:
    """The agenda may change until the meeting is closed; during the meeting it is amended by decision."""
    return state in (PLANNED, INVITED, OPENED)


def require_agenda_editable(state: MeetingState) -> None:
    if not agenda_editable(state):
        message = (
            N_("Die Sitzung ist abgesagt; ihre Tagesordnung kann nicht mehr geändert werden.")
            if state is CANCELLED
            else N_("Die Sitzung ist geschlossen; ihre Tagesordnung kann nicht mehr geändert werden.")
        )
        raise ValidationFailed({"agenda": message})


def details_editable(state: MeetingState) -> bool:
    """Date, place and form of a meeting can change until it is opened."""
    return state in (PLANNED, INVITED)


def require_details_editable(state: MeetingState) -> None:
    if not details_editable(state):
        raise ValidationFailed({"state": N_("Termin, Ort und Sitzungsform lassen sich nur vor der Eröffnung ändern.")})


def sendable(state: MeetingState) -> bool:
    """The invitation (and later supplements) go out before the meeting is opened."""
    return state in (PLANNED, INVITED)
