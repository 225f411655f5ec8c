"""Drafting agendas: standard items, topics, sub-items, order, parts, papers from the waiting list, Nachtrag."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from council.errors import PermissionDenied, ValidationFailed
from council.meetings.agenda import (
    ItemDraft,
    add_consultation,
    add_standard_items,
    add_topic,
    edit_item,
    live_items,
    move_item,
    remove_item,
)
from council.meetings.invitation_state import (
    agenda_changes_since_invitation,
    notices_of,
    record_invitation_sent,
)
from council.meetings.models import AgendaChange, AgendaItem, MeetingMode, MeetingState
from council.meetings.scheduling import MeetingDraft, create_meeting
from council.papers.models import Consultation
from tests.agenda_scene import NOW, meeting, viewer, waiting_paper


async def numbered(sessions, meeting_id: int) -> list[tuple[str, str]]:
    async with sessions() as session:
        return [(i.number, i.title) for i in live_items(await meeting(session, meeting_id))]


@pytest.fixture
async def planned(sessions, world) -> int:
    """A new, planned meeting of the committee with an empty agenda."""
    async with sessions() as session, session.begin():
        secretariat = await viewer(session, world, "secretariat")
        start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=30)
        draft = MeetingDraft(
            start=start, end=None, mode=MeetingMode.IN_PERSON, location_id=world.past_meeting.location_id
        )
        created = await create_meeting(session, secretariat, world.committee.id, draft, NOW)
        return created.id


async def run(sessions, world, meeting_id: int, operation, persona: str = "secretariat"):
    """One unit of work as a persona: ``operation(session, meeting, viewer)``; rolled back if it raises."""
    async with sessions() as session, session.begin():
        return await operation(session, await meeting(session, meeting_id), await viewer(session, world, persona))


async def test_standard_items_topics_sub_items_and_the_non_public_part_are_numbered(sessions, world, planned):
    await run(sessions, world, planned, lambda s, m, v: add_standard_items(s, m, v, NOW))
    assert await numbered(sessions, planned) == [
        ("Ö 1", "Eröffnung und Feststellung der Beschlussfähigkeit"),
        ("Ö 2", "Genehmigung der Niederschrift"),
        ("Ö 3", "Mitteilungen"),
        ("Ö 4", "Anfragen"),
    ]
    report = await run(sessions, world, planned, lambda s, m, v: add_topic(s, m, v, ItemDraft("Bericht"), NOW))
    for title in ("Radverkehr", "Spielplätze"):
        await run(
            sessions, world, planned, lambda s, m, v, t=title: add_topic(s, m, v, ItemDraft(t, True, report.id), NOW)
        )
    await run(sessions, world, planned, lambda s, m, v: add_topic(s, m, v, ItemDraft("Personal", public=False), NOW))
    # A sub-item asked for in the other part follows its parent's part.
    await run(sessions, world, planned, lambda s, m, v: add_topic(s, m, v, ItemDraft("Kita", False, report.id), NOW))
    assert await numbered(sessions, planned) == [
        ("Ö 1", "Eröffnung und Feststellung der Beschlussfähigkeit"),
        ("Ö 2", "Genehmigung der Niederschrift"),
        ("Ö 3", "Mitteilungen"),
        ("Ö 4", "Bericht"),
        ("Ö 4.1", "Radverkehr"),
        ("Ö 4.2", "Spielplätze"),
        ("Ö 4.3", "Kita"),
        ("Ö 5", "Anfragen"),
        ("N 1", "Personal"),
    ]
    async with sessions() as session:
        # A draft agenda is nobody's news: nothing is tracked before the invitation.
        assert await session.scalar(select(func.count()).select_from(AgendaChange)) == 0


async def test_standard_items_are_not_added_twice(sessions, world, planned):
    await run(
        sessions, world, planned, lambda s, m, v: add_topic(s, m, v, ItemDraft("Mitteilungen der Verwaltung"), NOW)
    )
    added = await run(sessions, world, planned, lambda s, m, v: add_standard_items(s, m, v, NOW))
    assert added == 3
    assert [t for _, t in await numbered(sessions, planned)] == [
        "Eröffnung und Feststellung der Beschlussfähigkeit",
        "Genehmigung der Niederschrift",
        "Mitteilungen der Verwaltung",
        "Anfragen",
    ]
    with pytest.raises(ValidationFailed) as refused:
        await run(sessions, world, planned, lambda s, m, v: add_standard_items(s, m, v, NOW))
    assert "bereits" in refused.value.errors["standard"]


async def test_items_move_among_their_siblings_and_sub_items_move_with_their_parent(sessions, world, planned):
    ids = {}
    for title in ("A", "B", "C"):
        ids[title] = (
            await run(sessions, world, planned, lambda s, m, v, t=title: add_topic(s, m, v, ItemDraft(t), NOW))
        ).id
    await run(sessions, world, planned, lambda s, m, v: add_topic(s, m, v, ItemDraft("A1", True, ids["A"]), NOW))
    await run(sessions, world, planned, lambda s, m, v: move_item(s, m, v, ids["A"], 2, NOW))
    assert await numbered(sessions, planned) == [("Ö 1", "B"), ("Ö 2", "C"), ("Ö 3", "A"), ("Ö 3.1", "A1")]
    await run(sessions, world, planned, lambda s, m, v: move_item(s, m, v, ids["C"], 0, NOW))
    assert [t for _, t in await numbered(sessions, planned)] == ["C", "B", "A", "A1"]
    for bad in (-1, 3):
        with pytest.raises(ValidationFailed):
            await run(sessions, world, planned, lambda s, m, v, to=bad: move_item(s, m, v, ids["B"], to, NOW))
    assert [t for _, t in await numbered(sessions, planned)] == ["C", "B", "A", "A1"]


async def test_editing_retitles_regroups_and_moves_between_parts(sessions, world, planned):
    ids = {}
    for title in ("A", "B", "C"):
        ids[title] = (
            await run(sessions, world, planned, lambda s, m, v, t=title: add_topic(s, m, v, ItemDraft(t), NOW))
        ).id
    child = await run(
        sessions, world, planned, lambda s, m, v: add_topic(s, m, v, ItemDraft("B1", True, ids["B"]), NOW)
    )
    # C goes under A, then B (with B1) into the non-public part.
    await run(
        sessions, world, planned, lambda s, m, v: edit_item(s, m, v, ids["C"], ItemDraft("C neu", True, ids["A"]), NOW)
    )
    await run(sessions, world, planned, lambda s, m, v: edit_item(s, m, v, ids["B"], ItemDraft("B", False), NOW))
    assert await numbered(sessions, planned) == [("Ö 1", "A"), ("Ö 1.1", "C neu"), ("N 1", "B"), ("N 1.1", "B1")]
    # B1 is lifted out of B and stays in the non-public part, right after B.
    await run(sessions, world, planned, lambda s, m, v: edit_item(s, m, v, child.id, ItemDraft("B1", False), NOW))
    assert await numbered(sessions, planned) == [("Ö 1", "A"), ("Ö 1.1", "C neu"), ("N 1", "B"), ("N 2", "B1")]
    refusals = [
        (ids["A"], ItemDraft("A", True, ids["B"]), "parent"),  # A has a sub-item: it cannot become one
        (ids["C"], ItemDraft("C", True, ids["C"]), "parent"),
        (ids["C"], ItemDraft("   "), "title"),
        (ids["C"], ItemDraft("x" * 501), "title"),
    ]
    for item_id, draft, field in refusals:
        with pytest.raises(ValidationFailed) as refused:
            await run(sessions, world, planned, lambda s, m, v, i=item_id, d=draft: edit_item(s, m, v, i, d, NOW))
        assert field in refused.value.errors
    assert await numbered(sessions, planned) == [("Ö 1", "A"), ("Ö 1.1", "C neu"), ("N 1", "B"), ("N 2", "B1")]


async def test_a_waiting_paper_goes_on_the_agenda_in_its_part_and_waits_again_when_removed(sessions, world, planned):
    async with sessions() as session, session.begin():
        older = (await waiting_paper(session, world, "Radwege", day=dt.date(2025, 1, 5))).id
        secret = (await waiting_paper(session, world, "Grundstück", public=False, day=dt.date(2025, 2, 1))).id
    from council.meetings.waiting import waiting_consultations

    async with sessions() as session:
        assert [c.id for c in await waiting_consultations(session, world.committee.id)] == [older, secret]
    for consultation_id in (older, secret):
        await run(sessions, world, planned, lambda s, m, v, c=consultation_id: add_consultation(s, m, v, c, None, NOW))
    numbers = await numbered(sessions, planned)
    assert numbers[0] == ("Ö 1", "Radwege")
    assert numbers[1][0] == "N 1"
    async with sessions() as session:
        assert await waiting_consultations(session, world.committee.id) == []
        assert (await session.get(Consultation, older)).meeting_id == planned
    with pytest.raises(ValidationFailed) as refused:
        await run(sessions, world, planned, lambda s, m, v: add_consultation(s, m, v, older, None, NOW))
    assert "wartet nicht" in refused.value.errors["consultation"]
    item_id = await _item_with_consultation(sessions, secret)
    with pytest.raises(ValidationFailed) as refused:
        await run(sessions, world, planned, lambda s, m, v: edit_item(s, m, v, item_id, ItemDraft("Grundstück"), NOW))
    assert "public" in refused.value.errors
    await run(sessions, world, planned, lambda s, m, v: remove_item(s, m, v, item_id, NOW))
    async with sessions() as session:
        assert [c.id for c in await waiting_consultations(session, world.committee.id)] == [secret]
        assert (await session.get(Consultation, secret)).meeting_id is None


async def _item_with_consultation(sessions, consultation_id: int) -> int:
    async with sessions() as session:
        item_id = await session.scalar(select(AgendaItem.id).where(AgendaItem.consultation_id == consultation_id))
        assert item_id is not None
        return int(item_id)


async def test_only_the_secretariat_edits_agendas(sessions, world, planned):
    for persona in ("chair", "member", "deputy", "other_committee_member"):
        with pytest.raises(PermissionDenied):
            await run(sessions, world, planned, lambda s, m, v: add_topic(s, m, v, ItemDraft("X"), NOW), persona)
    assert await numbered(sessions, planned) == []


async def test_closed_and_cancelled_agendas_cannot_change(sessions, world, planned):
    with pytest.raises(ValidationFailed) as refused:
        await run(sessions, world, world.past_meeting.id, lambda s, m, v: add_topic(s, m, v, ItemDraft("X"), NOW))
    assert "geschlossen" in refused.value.errors["agenda"]
    async with sessions() as session, session.begin():
        cancelled = await meeting(session, planned)
        cancelled.state, cancelled.cancellation_reason = MeetingState.CANCELLED, "Krankheit"
    with pytest.raises(ValidationFailed) as refused:
        await run(sessions, world, planned, lambda s, m, v: add_standard_items(s, m, v, NOW))
    assert "abgesagt" in refused.value.errors["agenda"]
    assert await numbered(sessions, planned) == []


async def test_an_item_with_a_result_is_not_removed(sessions, world):
    # The past meeting is closed, so reopen it for the test: the result alone must refuse the removal.
    async with sessions() as session, session.begin():
        (await meeting(session, world.past_meeting.id)).state = MeetingState.OPENED
    with pytest.raises(ValidationFailed):
        await run(
            sessions, world, world.past_meeting.id, lambda s, m, v: remove_item(s, m, v, world.public_item.id, NOW)
        )
    async with sessions() as session:
        item = await session.get(AgendaItem, world.public_item.id)
        assert not item.deleted


# --- invitation and Nachtrag -----------------------------------------------------------------------------


async def test_changes_after_the_invitation_are_tracked_and_announced_by_a_supplement(sessions, world, planned):
    ids = {}
    for title, public in (("Haushalt", True), ("Schulen", True), ("Verkehr", True), ("Personal", False)):
        draft = ItemDraft(title, public)
        ids[title] = (await run(sessions, world, planned, lambda s, m, v, d=draft: add_topic(s, m, v, d, NOW))).id
    sent = NOW + dt.timedelta(hours=1)
    async with sessions() as session, session.begin():
        notice = await record_invitation_sent(session, await meeting(session, planned), sent)
        assert not notice.supplement
    async with sessions() as session:
        invited = await meeting(session, planned)
        assert invited.state is MeetingState.INVITED
        assert invited.invitation_sent_at == sent
        assert await agenda_changes_since_invitation(session, invited, include_confidential=True) == []

    later = NOW + dt.timedelta(hours=2)
    await run(sessions, world, planned, lambda s, m, v: add_topic(s, m, v, ItemDraft("Bäder"), later))
    await run(
        sessions, world, planned, lambda s, m, v: edit_item(s, m, v, ids["Schulen"], ItemDraft("Grundschulen"), later)
    )
    await run(sessions, world, planned, lambda s, m, v: move_item(s, m, v, ids["Haushalt"], 2, later))
    await run(sessions, world, planned, lambda s, m, v: remove_item(s, m, v, ids["Verkehr"], later))
    await run(
        sessions,
        world,
        planned,
        lambda s, m, v: edit_item(s, m, v, ids["Personal"], ItemDraft("Personalsache", False), later),
    )

    async with sessions() as session:
        invited = await meeting(session, planned)
        everything = await agenda_changes_since_invitation(session, invited, include_confidential=True)
        for_public = await agenda_changes_since_invitation(session, invited, include_confidential=False)
    by_title = {e.title: e for e in everything}
    assert by_title["Bäder"].added
    assert by_title["Grundschulen"].previous_title == "Schulen"
    assert by_title["Haushalt"].moved and by_title["Haushalt"].previous_number == "Ö 1"
    # Verkehr stood as Ö 3 in the invitation (Ö 2 after Haushalt moved down): readers know it as Ö 3.
    assert by_title["Verkehr"].removed and by_title["Verkehr"].number == "Ö 3"
    assert by_title["Grundschulen"].previous_number == "Ö 2"
    assert by_title["Personalsache"].previous_title == "Personal"
    assert all(e.pending for e in everything)
    assert "Personalsache" not in {e.title for e in for_public}
    assert {e.title for e in for_public} == {"Bäder", "Grundschulen", "Haushalt", "Verkehr"}

    async with sessions() as session, session.begin():
        supplement = await record_invitation_sent(
            session, await meeting(session, planned), later + dt.timedelta(hours=1)
        )
        assert supplement.supplement
    async with sessions() as session:
        invited = await meeting(session, planned)
        assert invited.invitation_sent_at == sent, "a supplement keeps the first sending's time"
        assert (
            await agenda_changes_since_invitation(session, invited, include_confidential=True, pending_only=True) == []
        )
        assert len(await agenda_changes_since_invitation(session, invited, include_confidential=True)) == 5
        numbers = {i.title: i.invited_number for i in invited.agenda_items}
        assert numbers == {
            "Haushalt": "Ö 1",
            "Grundschulen": "Ö 2",
            "Verkehr": "Ö 3",
            "Personalsache": "N 1",
            "Bäder": None,
        }
        assert [n.supplement for n in await notices_of(session, planned)] == [False, True]


@pytest.mark.parametrize("state", [MeetingState.OPENED, MeetingState.CLOSED, MeetingState.CANCELLED])
async def test_no_invitation_goes_out_for_a_meeting_under_way_over_or_cancelled(sessions, world, planned, state):
    async with sessions() as session, session.begin():
        target = await meeting(session, planned)
        target.state = state
        target.cancellation_reason = "Grund" if state is MeetingState.CANCELLED else None
    with pytest.raises(ValidationFailed):
        async with sessions() as session, session.begin():
            await record_invitation_sent(session, await meeting(session, planned), NOW)
    async with sessions() as session:
        assert (await meeting(session, planned)).invitation_sent_at is None
        assert await notices_of(session, planned) == []
