"""Who may do what with minutes, in which state, and where each step leads. Pure functions over plain values."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping

from council.messages import N_
from council.minutes.models import MinutesState, SignatureRole
from council.voting.rules import Choice


class Capacity(enum.StrEnum):
    """In what capacity a viewer stands to one meeting's minutes (a visitor has none)."""

    SECRETARIAT = "secretariat"  # the body's Sitzungsdienst (and its administrators)
    CHAIR = "chair"  # chair or vice chair of the organization
    MEMBER = "member"  # member of the organization, deputies included
    SIGNING_CHAIR = "signing_chair"  # the person named as chair of this meeting in the minutes
    SIGNING_CLERK = "signing_clerk"  # the person named as clerk (Schriftführer:in)


class Action(enum.StrEnum):
    CREATE = "create"
    VIEW_DRAFT = "view_draft"  # the working copy while it is written
    VIEW_VERSIONS = "view_versions"  # the frozen versions, with the non-public part
    EDIT = "edit"
    REGENERATE = "regenerate"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    APPROVE_AT_MEETING = "approve_at_meeting"
    APPROVE_AS_CHAIR = "approve_as_chair"
    SIGN_AS_CHAIR = "sign_as_chair"
    SIGN_AS_CLERK = "sign_as_clerk"
    REOPEN = "reopen"  # approved minutes are corrected in a new version
    RECORD_OWN_VOTE = "record_own_vote"
    RECORD_VOTE_FOR_MEMBER = "record_vote_for_member"


S, C, M = Capacity.SECRETARIAT, Capacity.CHAIR, Capacity.MEMBER
SIGNERS = frozenset({Capacity.SIGNING_CHAIR, Capacity.SIGNING_CLERK})

# Any one of these capacities is enough for the action.
WHO: Mapping[Action, frozenset[Capacity]] = {
    Action.CREATE: frozenset({S}),
    Action.VIEW_DRAFT: frozenset({S, C}) | SIGNERS,
    Action.VIEW_VERSIONS: frozenset({S, C, M}) | SIGNERS,
    Action.EDIT: frozenset({S}),
    Action.REGENERATE: frozenset({S}),
    Action.SUBMIT: frozenset({S}),
    Action.WITHDRAW: frozenset({S}),
    Action.APPROVE_AT_MEETING: frozenset({S, C}),
    Action.APPROVE_AS_CHAIR: frozenset({C}),
    Action.SIGN_AS_CHAIR: frozenset({Capacity.SIGNING_CHAIR}),
    Action.SIGN_AS_CLERK: frozenset({Capacity.SIGNING_CLERK}),
    Action.REOPEN: frozenset({S}),
    Action.RECORD_OWN_VOTE: frozenset({M}),
    Action.RECORD_VOTE_FOR_MEMBER: frozenset({S}),
}

# None: the meeting has no minutes yet. The vote record can be asked for until the text is frozen.
WHEN: Mapping[Action, frozenset[MinutesState | None]] = {
    Action.CREATE: frozenset({None}),
    Action.VIEW_DRAFT: frozenset({MinutesState.DRAFT}),
    Action.VIEW_VERSIONS: frozenset(MinutesState),
    Action.EDIT: frozenset({MinutesState.DRAFT}),
    Action.REGENERATE: frozenset({MinutesState.DRAFT}),
    Action.SUBMIT: frozenset({MinutesState.DRAFT}),
    Action.WITHDRAW: frozenset({MinutesState.SUBMITTED}),
    Action.APPROVE_AT_MEETING: frozenset({MinutesState.SUBMITTED}),
    Action.APPROVE_AS_CHAIR: frozenset({MinutesState.SUBMITTED}),
    Action.SIGN_AS_CHAIR: frozenset({MinutesState.APPROVED}),
    Action.SIGN_AS_CLERK: frozenset({MinutesState.APPROVED}),
    Action.REOPEN: frozenset({MinutesState.APPROVED}),
    Action.RECORD_OWN_VOTE: frozenset({None, MinutesState.DRAFT}),
    Action.RECORD_VOTE_FOR_MEMBER: frozenset({None, MinutesState.DRAFT}),
}

TRANSITIONS: Mapping[Action, MinutesState] = {
    Action.CREATE: MinutesState.DRAFT,
    Action.SUBMIT: MinutesState.SUBMITTED,
    Action.WITHDRAW: MinutesState.DRAFT,
    Action.APPROVE_AT_MEETING: MinutesState.APPROVED,
    Action.APPROVE_AS_CHAIR: MinutesState.APPROVED,
    Action.REOPEN: MinutesState.DRAFT,
}

SIGNING_ACTION: Mapping[SignatureRole, Action] = {
    SignatureRole.CHAIR: Action.SIGN_AS_CHAIR,
    SignatureRole.CLERK: Action.SIGN_AS_CLERK,
}

_WRONG_STATE: Mapping[MinutesState | None, str] = {
    None: N_("Zu dieser Sitzung gibt es noch keine Niederschrift."),
    MinutesState.DRAFT: N_("Die Niederschrift ist noch im Entwurf."),
    MinutesState.SUBMITTED: N_("Die Niederschrift liegt zur Genehmigung vor und kann nicht mehr geändert werden."),
    MinutesState.APPROVED: N_("Die Niederschrift ist bereits genehmigt."),
}


class IllegalStep(Exception):
    """The action does not fit the state; ``message`` says why, in words for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def possible_in(action: Action, state: MinutesState | None) -> bool:
    return state in WHEN[action]


def entitled(action: Action, capacities: frozenset[Capacity]) -> bool:
    return bool(WHO[action] & capacities)


def may(action: Action, state: MinutesState | None, capacities: frozenset[Capacity]) -> bool:
    return possible_in(action, state) and entitled(action, capacities)


def next_state(state: MinutesState | None, action: Action) -> MinutesState | None:
    """The state after ``action``; raises IllegalStep when the action is not possible in ``state``."""
    if not possible_in(action, state):
        raise IllegalStep(_WRONG_STATE[state])
    return TRANSITIONS.get(action, state)


def is_published(approved: bool, signed: frozenset[SignatureRole]) -> bool:
    """Public once approved and signed by chair and clerk: only then is the record complete."""
    return approved and signed >= frozenset(SignatureRole)


APPROVAL_ITEM = re.compile(r"\bgenehmigung\s+(der|des)\s+(niederschrift|protokoll)", re.IGNORECASE)


def is_minutes_approval_item(title: str) -> bool:
    """The standard item "Genehmigung der Niederschrift (der letzten Sitzung)", however it is worded on."""
    return APPROVAL_ITEM.search(title) is not None


def vote_record_problem(
    *,
    poll_is_open_kind: bool,
    poll_has_result: bool,
    was_entitled: bool,
    choice: Choice,
    counted: Mapping[Choice, int],
    already_recorded: Mapping[Choice, int],
) -> str | None:
    """Why a member's own vote cannot be recorded this way, or None.

    Named polls record every vote anyway, secret ones never record who voted how: only a show of hands needs it.
    The recorded votes must fit the counted ones, so nobody can claim a Nein that was never counted.
    """
    if not poll_is_open_kind:
        return N_("Nur bei offener Abstimmung wird das eigene Abstimmungsverhalten auf Wunsch festgehalten.")
    if not poll_has_result:
        return N_("Die Abstimmung ist noch nicht abgeschlossen.")
    if not was_entitled:
        return N_("Bei dieser Abstimmung war das Mitglied nicht stimmberechtigt anwesend.")
    if already_recorded.get(choice, 0) >= counted.get(choice, 0):
        return N_("Das Ergebnis der Abstimmung weist keine weitere Stimme dieser Art aus.")
    return None
