"""Pure rules of meetings: agenda numbering, the meeting's state machine, the Nachtrag summary."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from council.errors import ValidationFailed
from council.meetings.models import AgendaChangeKind, MeetingState
from council.meetings.numbering import Slot, arrange
from council.meetings.states import (
    TRANSITIONS,
    agenda_editable,
    details_editable,
    may_transition,
    reinstated_state,
    require_agenda_editable,
    require_transition,
    sendable,
)
from council.meetings.supplement import ChangeFact, ItemNow, summarise, visible_to

# --- numbering -------------------------------------------------------------------------------------------


def numbers(slots: list[Slot]) -> list[str]:
    return [placed.number for placed in arrange(slots)]


def test_public_part_first_then_non_public_each_from_one():
    slots = [Slot(1, True), Slot(2, False), Slot(3, True), Slot(4, False)]
    placed = arrange(slots)
    assert [(p.key, p.number) for p in placed] == [(1, "Ö 1"), (3, "Ö 2"), (2, "N 1"), (4, "N 2")]
    assert [p.position for p in placed] == [1, 2, 3, 4]


def test_sub_items_follow_their_parent_and_are_numbered_below_it():
    slots = [Slot(1, True), Slot(2, True), Slot(5, True, parent=2), Slot(3, True), Slot(6, True, parent=2)]
    assert [(p.key, p.number) for p in arrange(slots)] == [
        (1, "Ö 1"),
        (2, "Ö 2"),
        (5, "Ö 2.1"),
        (6, "Ö 2.2"),
        (3, "Ö 3"),
    ]


def test_non_public_sub_items():
    assert numbers([Slot(1, False), Slot(2, False, parent=1)]) == ["N 1", "N 1.1"]


@pytest.mark.parametrize(
    "slots",
    [
        [Slot(1, True, parent=9)],
        [Slot(1, True), Slot(2, True, parent=1), Slot(3, True, parent=2)],
        [Slot(1, True), Slot(2, False, parent=1)],
        [Slot(1, True), Slot(1, True)],
    ],
    ids=["missing-parent", "two-levels", "other-part", "duplicate"],
)
def test_impossible_agendas_are_refused(slots):
    with pytest.raises(ValueError):  # noqa: PT011
        arrange(slots)


def test_an_empty_agenda_has_no_numbers():
    assert arrange([]) == []


@st.composite
def agendas(draw: st.DrawFn) -> list[Slot]:
    """Valid agendas in any raw order: main items, and sub-items of main items in the same part."""
    mains = draw(st.lists(st.booleans(), max_size=12))
    slots = [Slot(key, public) for key, public in enumerate(mains, start=1)]
    children = draw(st.lists(st.integers(min_value=0, max_value=max(len(slots) - 1, 0)), max_size=12))
    if slots:
        for offset, index in enumerate(children):
            parent = slots[index]
            slots.append(Slot(100 + offset, parent.public, parent.key))
    return draw(st.permutations(slots))


@given(agendas())
def test_numbering_invariants(slots):
    placed = arrange(slots)
    by_key = {slot.key: slot for slot in slots}
    # Every item once, positions 1..n, numbers unique.
    assert sorted(p.key for p in placed) == sorted(by_key)
    assert [p.position for p in placed] == list(range(1, len(slots) + 1))
    assert len({p.number for p in placed}) == len(placed)
    # Public part before the non-public part; prefixes say which part.
    parts = [by_key[p.key].public for p in placed]
    assert parts == sorted(parts, reverse=True)
    for p in placed:
        assert p.number.startswith("Ö " if by_key[p.key].public else "N ")
    # Main items count 1..k per part; a sub-item follows its parent's group and carries its number.
    for public, prefix in ((True, "Ö"), (False, "N")):
        mains = [p.number for p in placed if by_key[p.key].public is public and by_key[p.key].parent is None]
        assert mains == [f"{prefix} {i}" for i in range(1, len(mains) + 1)]
    numbers_by_key = {p.key: p.number for p in placed}
    order = [p.key for p in placed]
    for p in placed:
        parent = by_key[p.key].parent
        if parent is not None:
            assert p.number.startswith(numbers_by_key[parent] + ".")
            between = order[order.index(parent) + 1 : order.index(p.key)]
            assert all(by_key[k].parent == parent for k in between)


@given(agendas())
def test_siblings_keep_their_relative_order(slots):
    placed = [p.key for p in arrange(slots)]
    for public in (True, False):
        for parent in {slot.parent for slot in slots}:
            raw = [s.key for s in slots if s.public is public and s.parent == parent]
            assert [k for k in placed if k in raw] == raw


# --- state machine ---------------------------------------------------------------------------------------

PL, INV, OPN, CLO, CXL = (
    MeetingState.PLANNED,
    MeetingState.INVITED,
    MeetingState.OPENED,
    MeetingState.CLOSED,
    MeetingState.CANCELLED,
)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (PL, INV, True),
        (INV, OPN, True),
        (PL, OPN, True),
        (OPN, CLO, True),
        (PL, CXL, True),
        (INV, CXL, True),
        (CXL, PL, True),
        (CXL, INV, True),
        (INV, PL, False),
        (OPN, CXL, False),
        (CLO, OPN, False),
        (CLO, CXL, False),
        (OPN, INV, False),
        (PL, CLO, False),
    ],
)
def test_meeting_transitions(current, target, allowed):
    assert may_transition(current, target) is allowed
    if allowed:
        require_transition(current, target)
    else:
        with pytest.raises(ValidationFailed):
            require_transition(current, target)


def test_a_closed_meeting_is_final():
    assert TRANSITIONS[CLO] == frozenset()


def test_reinstated_meetings_return_to_where_they_were():
    assert reinstated_state(invitation_sent=True) is INV
    assert reinstated_state(invitation_sent=False) is PL


@pytest.mark.parametrize("state", list(MeetingState))
def test_what_may_change_in_each_state(state):
    assert agenda_editable(state) is (state in (PL, INV, OPN))
    assert details_editable(state) is (state in (PL, INV))
    assert sendable(state) is (state in (PL, INV))
    if state in (CLO, CXL):
        with pytest.raises(ValidationFailed) as refused:
            require_agenda_editable(state)
        assert ("abgesagt" if state is CXL else "geschlossen") in refused.value.errors["agenda"]


# --- Nachtrag --------------------------------------------------------------------------------------------

T0 = dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def test_added_moved_retitled_and_removed_items_are_summarised_in_agenda_order():
    facts = [
        ChangeFact(1, AgendaChangeKind.RETITLED, at(1), title_before="Alt", title_after="Neu"),
        ChangeFact(2, AgendaChangeKind.ADDED, at(2), number_after="Ö 2"),
        ChangeFact(3, AgendaChangeKind.MOVED, at(3), number_before="Ö 2", number_after="Ö 4"),
        ChangeFact(4, AgendaChangeKind.REMOVED, at(4), number_before="Ö 5", title_before="Weg"),
    ]
    items = {
        1: ItemNow("Ö 1", "Neu", True, False, 1),
        2: ItemNow("Ö 2", "Dazu", True, False, 2),
        3: ItemNow("Ö 4", "Später", True, False, 4),
        4: ItemNow("Ö 5", "Weg", True, True, 9),
    }
    entries = summarise(facts, items)
    assert [e.item_id for e in entries] == [1, 2, 3, 4]
    first, added, moved, removed = entries
    assert first.retitled and first.previous_title == "Alt" and not first.moved
    assert added.added and not added.moved and not added.retitled
    assert moved.moved and moved.previous_number == "Ö 2"
    assert removed.removed and removed.number == "Ö 5" and removed.title == "Weg"
    assert all(e.pending for e in entries)


def test_a_move_back_to_the_old_place_and_a_title_changed_back_are_no_news():
    facts = [
        ChangeFact(1, AgendaChangeKind.MOVED, at(1), number_before="Ö 3", number_after="Ö 2"),
        ChangeFact(1, AgendaChangeKind.MOVED, at(2), number_before="Ö 2", number_after="Ö 3"),
        ChangeFact(1, AgendaChangeKind.RETITLED, at(3), title_before="A", title_after="B"),
        ChangeFact(1, AgendaChangeKind.RETITLED, at(4), title_before="B", title_after="A"),
    ]
    (entry,) = summarise(facts, {1: ItemNow("Ö 3", "A", True, False, 3)})
    assert not entry.moved and not entry.retitled


def test_an_item_added_and_removed_before_any_supplement_never_reached_anyone():
    facts = [
        ChangeFact(7, AgendaChangeKind.ADDED, at(1)),
        ChangeFact(7, AgendaChangeKind.REMOVED, at(2), number_before="Ö 3", title_before="Kurz"),
    ]
    assert summarise(facts, {7: ItemNow("Ö 3", "Kurz", True, True, 5)}) == []
    announced = [ChangeFact(7, AgendaChangeKind.ADDED, at(1), announced=True), facts[1]]
    (entry,) = summarise(announced, {7: ItemNow("Ö 3", "Kurz", True, True, 5)})
    assert entry.removed and entry.pending


def test_an_announced_change_is_no_longer_pending():
    facts = [ChangeFact(1, AgendaChangeKind.RETITLED, at(1), title_before="A", title_after="B", announced=True)]
    (entry,) = summarise(facts, {1: ItemNow("Ö 1", "B", True, False, 1)})
    assert not entry.pending


def test_the_public_learns_only_of_changes_to_public_items():
    facts = [
        ChangeFact(1, AgendaChangeKind.ADDED, at(1)),
        ChangeFact(2, AgendaChangeKind.RETITLED, at(2), title_before="Geheim alt", title_after="Geheim"),
        # Added to the public part, then moved into the non-public part: its title must not leak.
        ChangeFact(3, AgendaChangeKind.ADDED, at(3)),
        ChangeFact(3, AgendaChangeKind.MOVED, at(4), number_before="Ö 3", number_after="N 2"),
    ]
    items = {
        1: ItemNow("Ö 2", "Offen", True, False, 2),
        2: ItemNow("N 1", "Geheim", False, False, 5),
        3: ItemNow("N 2", "Jetzt geheim", False, False, 6),
    }
    entries = summarise(facts, items)
    assert [e.item_id for e in visible_to(entries, include_confidential=False)] == [1]
    assert [e.item_id for e in visible_to(entries, include_confidential=True)] == [1, 2, 3]


def test_items_renumbered_by_others_changes_name_their_number_in_the_invitation():
    facts = [
        ChangeFact(1, AgendaChangeKind.REMOVED, at(1), number_before="Ö 1", title_before="Weg"),
    ]
    items = {
        1: ItemNow("Ö 1", "Weg", True, True, 9, invited_number="Ö 1"),
        2: ItemNow("Ö 1", "Zweiter", True, False, 1, invited_number="Ö 2"),
        3: ItemNow("N 1", "Unberührt", False, False, 2, invited_number="N 1"),
    }
    removed, renumbered = sorted(summarise(facts, items), key=lambda e: e.item_id)
    assert removed.removed and removed.number == "Ö 1"
    assert renumbered.moved and renumbered.previous_number == "Ö 2" and not renumbered.pending
    assert renumbered.changed_at is None


def test_a_removed_item_is_named_by_its_number_in_the_invitation():
    facts = [
        ChangeFact(5, AgendaChangeKind.MOVED, at(1), number_before="Ö 4", number_after="Ö 2"),
        ChangeFact(5, AgendaChangeKind.REMOVED, at(2), number_before="Ö 2", title_before="Weg"),
    ]
    (entry,) = summarise(facts, {5: ItemNow("Ö 2", "Weg", True, True, 7, invited_number="Ö 4")})
    assert entry.number == "Ö 4" and entry.previous_number is None


# --- labels ----------------------------------------------------------------------------------------------


def test_enums_sharing_a_value_keep_their_own_labels():
    from council.resolutions.models import TaskStatus
    from council.voting.models import PollKind, PollState
    from web.labels import label

    assert label(MeetingState.CANCELLED) == "abgesagt"
    assert label(TaskStatus.CANCELLED) == "entfallen"
    assert label(PollState.CANCELLED) == "abgebrochen"
    assert label(PollKind.OPEN) == "offene Abstimmung (Handzeichen)"
    assert label(PollState.OPEN) == "läuft"
    assert label(TaskStatus.OPEN) == "offen"
