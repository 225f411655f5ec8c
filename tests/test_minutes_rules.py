"""The minutes' state machine and who may do what: pure rules, checked for every state, action and capacity."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from council.minutes.models import MinutesState, SignatureRole
from council.minutes.rules import (
    Action,
    Capacity,
    IllegalStep,
    is_minutes_approval_item,
    is_published,
    may,
    next_state,
    vote_record_problem,
)
from council.voting.rules import Choice

D, SUB, APP = MinutesState.DRAFT, MinutesState.SUBMITTED, MinutesState.APPROVED
S, C, M = Capacity.SECRETARIAT, Capacity.CHAIR, Capacity.MEMBER
SC, SK = Capacity.SIGNING_CHAIR, Capacity.SIGNING_CLERK
NONE = None

# The specification, written out: (states in which the action exists, capacities of which one suffices, next state).
SPEC: dict[Action, tuple[set[MinutesState | None], set[Capacity], MinutesState | str | None]] = {
    Action.CREATE: ({NONE}, {S}, D),
    Action.VIEW_DRAFT: ({D}, {S, C, SC, SK}, "same"),
    Action.VIEW_VERSIONS: ({D, SUB, APP}, {S, C, M, SC, SK}, "same"),
    Action.EDIT: ({D}, {S}, "same"),
    Action.REGENERATE: ({D}, {S}, "same"),
    Action.SUBMIT: ({D}, {S}, SUB),
    Action.WITHDRAW: ({SUB}, {S}, D),
    Action.APPROVE_AT_MEETING: ({SUB}, {S, C}, APP),
    Action.APPROVE_AS_CHAIR: ({SUB}, {C}, APP),
    Action.SIGN_AS_CHAIR: ({APP}, {SC}, "same"),
    Action.SIGN_AS_CLERK: ({APP}, {SK}, "same"),
    Action.REOPEN: ({APP}, {S}, D),
    Action.RECORD_OWN_VOTE: ({NONE, D}, {M}, "same"),
    Action.RECORD_VOTE_FOR_MEMBER: ({NONE, D}, {S}, "same"),
}
STATES: list[MinutesState | None] = [NONE, *MinutesState]
CAPACITY_SETS = [
    frozenset(combo) for size in range(len(Capacity) + 1) for combo in itertools.combinations(Capacity, size)
]


def test_the_spec_covers_every_action():
    assert set(SPEC) == set(Action)


@pytest.mark.parametrize("action", list(Action))
def test_may_matches_the_spec_for_every_state_and_capacity_set(action):
    states, who, _ = SPEC[action]
    for state, capacities in itertools.product(STATES, CAPACITY_SETS):
        expected = state in states and bool(capacities & who)
        assert may(action, state, capacities) is expected, (action, state, sorted(capacities))


@pytest.mark.parametrize("action", list(Action))
def test_next_state_follows_the_spec_and_refuses_the_rest(action):
    states, _, target = SPEC[action]
    for state in STATES:
        if state in states:
            assert next_state(state, action) == (state if target == "same" else target)
        else:
            with pytest.raises(IllegalStep) as refused:
                next_state(state, action)
            assert refused.value.message


def test_a_visitor_may_do_nothing_in_any_state():
    assert not any(may(action, state, frozenset()) for action in Action for state in STATES)


def test_the_full_path_and_a_correction():
    state = next_state(None, Action.CREATE)
    state = next_state(state, Action.SUBMIT)
    state = next_state(state, Action.WITHDRAW)
    state = next_state(state, Action.SUBMIT)
    state = next_state(state, Action.APPROVE_AT_MEETING)
    assert next_state(state, Action.SIGN_AS_CHAIR) is APP
    assert next_state(state, Action.REOPEN) is D


@given(st.lists(st.sampled_from(list(Action)), max_size=30))
def test_approved_is_only_reached_by_approving_submitted_minutes(actions):
    state: MinutesState | None = None
    for action in actions:
        try:
            following = next_state(state, action)
        except IllegalStep:
            continue
        if following is APP and state is not APP:
            assert state is SUB
            assert action in (Action.APPROVE_AT_MEETING, Action.APPROVE_AS_CHAIR)
        if state is SUB and following is SUB:
            assert action is Action.VIEW_VERSIONS  # nothing changes submitted minutes but the next step
        state = following


@pytest.mark.parametrize(
    ("approved", "signed", "published"),
    [
        (False, frozenset(), False),
        (False, frozenset(SignatureRole), False),
        (True, frozenset(), False),
        (True, frozenset({SignatureRole.CHAIR}), False),
        (True, frozenset({SignatureRole.CLERK}), False),
        (True, frozenset(SignatureRole), True),
    ],
)
def test_published_only_when_approved_and_signed_by_both(approved, signed, published):
    assert is_published(approved, signed) is published


@pytest.mark.parametrize(
    ("title", "marked"),
    [
        ("Genehmigung der Niederschrift der letzten Sitzung", True),
        ("Genehmigung der Niederschrift über die 17. Sitzung", True),
        ("GENEHMIGUNG DES PROTOKOLLS vom 3. März", True),
        ("Feststellung der Tagesordnung und Genehmigung der Niederschrift", True),
        ("Niederschrift", False),
        ("Genehmigung des Haushalts", False),
        ("Bauantrag: Genehmigung der Nutzungsänderung", False),
    ],
)
def test_the_approval_item_is_found_by_its_title(title, marked):
    assert is_minutes_approval_item(title) is marked


COUNTED = {Choice.YES: 2, Choice.NO: 1, Choice.ABSTAIN: 0}


def _problem(**changes: Any) -> str | None:
    arguments = {
        "poll_is_open_kind": True,
        "poll_has_result": True,
        "was_entitled": True,
        "choice": Choice.NO,
        "counted": COUNTED,
        "already_recorded": {},
        **changes,
    }
    return vote_record_problem(**arguments)


def test_a_counted_vote_in_a_show_of_hands_can_be_recorded():
    assert _problem() is None


@pytest.mark.parametrize(
    "changes",
    [
        {"poll_is_open_kind": False},
        {"poll_has_result": False},
        {"was_entitled": False},
        {"choice": Choice.ABSTAIN},
        {"already_recorded": {Choice.NO: 1}},
    ],
    ids=["named-or-secret", "not-closed", "not-entitled", "never-counted", "all-claimed"],
)
def test_a_vote_record_must_fit_the_poll(changes):
    assert _problem(**changes)
