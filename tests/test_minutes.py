"""Minutes through the services, on SQLite and PostgreSQL: the draft's contents, editing, approval, signatures."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select, update

from council.errors import PermissionDenied, ValidationFailed
from council.meetings.models import AgendaItem, Attendance, Meeting, MeetingState
from council.minutes.access import latest_published, minutes_of
from council.minutes.approval import ApprovalText, approve_as_chair, approve_at_meeting, sign, signature_valid
from council.minutes.document import public_part, to_json
from council.minutes.errors import EditConflict, WrongMinutesState
from council.minutes.models import MinutesState, MinutesVersion, SignatureRole
from council.minutes.service import (
    HeaderEdit,
    live_document,
    regenerate,
    reopen,
    save_deliberation,
    save_header,
    submit,
    withdraw,
)
from council.minutes.vote_records import request_vote_record, withdraw_vote_record
from council.voting.rules import Choice
from tests.minutes_scene import CONFLICT_REASON, PUBLIC_TEXT, minutes_scene, now
from tests.voting_scene import viewer
from tests.world import CONFIDENTIAL_MARKER


async def _doc(sessions: Any, scene: Any) -> Any:
    async with sessions() as session:
        minutes = await minutes_of(session, scene.meeting_id)
        assert minutes is not None
        return minutes, live_document(minutes)


async def _as(sessions: Any, world: Any, persona: str, call: Any) -> Any:
    async with sessions() as session, session.begin():
        return await call(session, await viewer(session, world, persona))


async def test_the_draft_records_attendance_votes_conflicts_and_resolutions(sessions, world):
    scene = await minutes_scene(sessions, world)
    minutes, doc = await _doc(sessions, scene)
    assert minutes.state is MinutesState.DRAFT
    assert (doc.chair, doc.clerk) == ("Clara Vorsitz", "Sina Sitzungsdienst")
    present = {p.name: p for p in doc.header.present}
    assert set(present) == {"Clara Vorsitz", "Max Mitglied", "Berta Befangen", "Dora Vertretung"}
    assert present["Dora Vertretung"].substitutes == "Erik Entschuldigt"
    absent = {a.name: a for a in doc.header.absent}
    assert absent["Erik Entschuldigt"].excused and absent["Erik Entschuldigt"].note == "Urlaub"
    assert absent["Erik Entschuldigt"].substituted_by == "Dora Vertretung"
    assert not absent["Udo Unentschuldigt"].excused
    public, hidden = doc.items
    assert (public.number, hidden.number) == ("Ö 1", "N 1")
    assert [(c.name, c.reason) for c in public.conflicts] == [("Berta Befangen", CONFLICT_REASON)]
    amendment, named = public.polls
    assert (amendment.kind, amendment.yes, amendment.no, amendment.names) == ("open", 2, 1, {})
    assert named.names == {"yes": ["Dora Vertretung", "Clara Vorsitz"], "no": ["Max Mitglied"]}
    assert (named.befangen, public.resolution_text, public.paper_reference) == (1, PUBLIC_TEXT, "VO/2024/00009")
    assert public.resolution_number and hidden.resolution_number
    (secret,) = hidden.polls
    assert (secret.kind, secret.yes, secret.no, secret.names) == ("secret", 2, 1, {})
    # Nobody's name appears with the secret poll, anywhere in what is stored for the item.
    stored = json.dumps(to_json(hidden))
    assert "Vorsitz" not in stored and "Mitglied" not in stored


async def test_the_public_part_leaves_out_non_public_items_entirely(sessions, world):
    scene = await minutes_scene(sessions, world)
    _, doc = await _doc(sessions, scene)
    cut = public_part(doc)
    assert [item.number for item in cut.items] == ["Ö 1"]
    dumped = json.dumps(to_json(cut), ensure_ascii=False)
    assert CONFIDENTIAL_MARKER not in dumped  # the befangen member's reason stays internal too
    assert "N 1" not in dumped
    assert "Berta Befangen" in dumped and "Urlaub" not in dumped


async def test_written_texts_survive_regeneration(sessions, world):
    scene = await minutes_scene(sessions, world)
    await _as(
        sessions,
        world,
        "secretariat",
        lambda s, v: save_deliberation(
            s, scene.meeting_id, scene.public_item_id, v, "Frau Befangen verließ den Raum.", 1
        ),
    )
    async with sessions() as session, session.begin():
        item = await session.get(AgendaItem, scene.public_item_id)
        item.title = "Spielplatz Lindenstraße (Sanierung)"
        gone = await session.get(AgendaItem, scene.confidential_item_id)
        gone.deleted = True
    await _as(sessions, world, "secretariat", lambda s, v: regenerate(s, scene.meeting_id, v, now()))
    minutes, doc = await _doc(sessions, scene)
    (public,) = doc.items
    assert public.title == "Spielplatz Lindenstraße (Sanierung)"
    assert public.deliberation == "Frau Befangen verließ den Raum."
    left = next(row for row in minutes.items if row.agenda_item_id == scene.confidential_item_id)
    assert left.on_agenda is False


async def test_a_conflicting_edit_is_refused_and_nothing_is_overwritten(sessions, world):
    scene = await minutes_scene(sessions, world)

    def save(text: str, revision: int) -> Any:
        return lambda s, v: save_deliberation(s, scene.meeting_id, scene.public_item_id, v, text, revision)

    first = await _as(sessions, world, "secretariat", save("Erste Fassung", 1))
    assert first.revision == 2
    with pytest.raises(EditConflict) as conflict:
        await _as(sessions, world, "secretariat", save("Zweite, auf altem Stand", 1))
    assert (conflict.value.current_text, conflict.value.current_revision) == ("Erste Fassung", 2)
    _, doc = await _doc(sessions, scene)
    assert doc.items[0].deliberation == "Erste Fassung"
    await _as(sessions, world, "secretariat", save("Zweite, bewusst übernommen", 2))
    _, doc = await _doc(sessions, scene)
    assert doc.items[0].deliberation == "Zweite, bewusst übernommen"


async def test_the_header_names_chair_and_clerk_from_the_candidates(sessions, world):
    scene = await minutes_scene(sessions, world)
    people = scene.people

    def edit(chair: int, clerk: int, revision: int) -> Any:
        return lambda s, v: save_header(s, scene.meeting_id, v, HeaderEdit(chair, clerk, "Herr Kämmerer", revision))

    with pytest.raises(ValidationFailed) as same:
        await _as(sessions, world, "secretariat", edit(people["chair"], people["chair"], 1))
    assert "clerk" in same.value.errors
    with pytest.raises(ValidationFailed) as stranger:
        await _as(sessions, world, "secretariat", edit(people["other_committee_member"], people["secretariat"], 1))
    assert "chair" in stranger.value.errors
    saved = await _as(sessions, world, "secretariat", edit(people["member"], people["secretariat"], 1))
    assert (saved.revision, saved.other_attendees) == (2, "Herr Kämmerer")
    with pytest.raises(EditConflict):
        await _as(sessions, world, "secretariat", edit(people["chair"], people["secretariat"], 1))


async def test_submitted_minutes_are_frozen_until_withdrawn(sessions, world):
    scene = await minutes_scene(sessions, world)
    version = await _as(sessions, world, "secretariat", lambda s, v: submit(s, scene.meeting_id, v, now()))
    assert (version.number, len(version.content_hash)) == (1, 64)
    with pytest.raises(WrongMinutesState):
        await _as(
            sessions,
            world,
            "secretariat",
            lambda s, v: save_deliberation(s, scene.meeting_id, scene.public_item_id, v, "zu spät", 1),
        )
    await _as(sessions, world, "secretariat", lambda s, v: withdraw(s, scene.meeting_id, v, now()))
    await _as(sessions, world, "secretariat", lambda s, v: submit(s, scene.meeting_id, v, now()))
    minutes, _ = await _doc(sessions, scene)
    assert [(v.number, v.withdrawn_at is not None) for v in minutes.versions] == [(1, True), (2, False)]


@pytest.mark.parametrize("persona", ["member", "chair", "other_committee_member", "deputy"])
async def test_only_the_secretariat_writes_the_minutes(sessions, world, persona):
    scene = await minutes_scene(sessions, world)
    for call in (
        lambda s, v: save_deliberation(s, scene.meeting_id, scene.public_item_id, v, "x", 1),
        lambda s, v: regenerate(s, scene.meeting_id, v, now()),
        lambda s, v: submit(s, scene.meeting_id, v, now()),
    ):
        with pytest.raises(PermissionDenied):
            await _as(sessions, world, persona, call)


async def _submitted(sessions: Any, world: Any) -> Any:
    scene = await minutes_scene(sessions, world)
    await _as(sessions, world, "secretariat", lambda s, v: submit(s, scene.meeting_id, v, now()))
    return scene


async def test_approval_at_a_later_meeting_records_objections_and_corrections(sessions, world):
    scene = await _submitted(sessions, world)
    text = ApprovalText(objections="Herr Mitglied: TOP Ö 1 unvollständig", corrections="Ö 1: „Sanierung“ statt „Bau“")
    async with sessions() as session:
        opening_id = await session.scalar(
            select(AgendaItem.id).where(AgendaItem.meeting_id == scene.later_meeting_id, AgendaItem.position == 1)
        )
    with pytest.raises(ValidationFailed):
        await _as(
            sessions, world, "chair", lambda s, v: approve_at_meeting(s, scene.meeting_id, v, opening_id, text, now())
        )
    version = await _as(
        sessions,
        world,
        "chair",
        lambda s, v: approve_at_meeting(s, scene.meeting_id, v, scene.approval_item_id, text, now()),
    )
    assert version.approved_at is not None and version.approval_item_id == scene.approval_item_id
    assert version.content["approval"]["corrections"] == text.corrections
    async with sessions() as session:
        item = await session.get(AgendaItem, scene.approval_item_id)
        minutes = await minutes_of(session, scene.meeting_id)
    assert item.result == "mit Berichtigungen genehmigt"
    assert minutes is not None
    assert minutes.state is MinutesState.APPROVED


async def test_approval_needs_a_later_meeting_that_took_place(sessions, world):
    scene = await _submitted(sessions, world)
    async with sessions() as session, session.begin():
        later = await session.get(Meeting, scene.later_meeting_id)
        later.state = MeetingState.INVITED
    with pytest.raises(ValidationFailed):
        await _as(
            sessions,
            world,
            "secretariat",
            lambda s, v: approve_at_meeting(s, scene.meeting_id, v, scene.approval_item_id, ApprovalText(), now()),
        )


async def test_the_chair_approves_directly_and_nobody_else_does(sessions, world):
    scene = await _submitted(sessions, world)
    for persona in ("secretariat", "member", "deputy"):
        with pytest.raises(PermissionDenied):
            await _as(
                sessions, world, persona, lambda s, v: approve_as_chair(s, scene.meeting_id, v, ApprovalText(), now())
            )
    version = await _as(
        sessions, world, "chair", lambda s, v: approve_as_chair(s, scene.meeting_id, v, ApprovalText(), now())
    )
    assert version.approval_via.value == "chair" and version.approval_item_id is None


async def _approved(sessions: Any, world: Any) -> Any:
    scene = await _submitted(sessions, world)
    await _as(sessions, world, "chair", lambda s, v: approve_as_chair(s, scene.meeting_id, v, ApprovalText(), now()))
    return scene


async def test_signatures_are_bound_to_the_version_hash_and_publish_it(sessions, world):
    scene = await _approved(sessions, world)
    with pytest.raises(PermissionDenied):
        await _as(sessions, world, "chair", lambda s, v: sign(s, scene.meeting_id, v, SignatureRole.CLERK, now()))
    with pytest.raises(PermissionDenied):
        await _as(sessions, world, "member", lambda s, v: sign(s, scene.meeting_id, v, SignatureRole.CHAIR, now()))
    chair = await _as(sessions, world, "chair", lambda s, v: sign(s, scene.meeting_id, v, SignatureRole.CHAIR, now()))
    with pytest.raises(WrongMinutesState):
        await _as(sessions, world, "chair", lambda s, v: sign(s, scene.meeting_id, v, SignatureRole.CHAIR, now()))
    minutes, _ = await _doc(sessions, scene)
    assert latest_published(minutes) is None
    await _as(sessions, world, "secretariat", lambda s, v: sign(s, scene.meeting_id, v, SignatureRole.CLERK, now()))
    minutes, _ = await _doc(sessions, scene)
    version = latest_published(minutes)
    assert version is not None and version.published_at is not None
    assert chair.content_hash == version.content_hash
    assert all(signature_valid(version, s) for s in version.signatures)
    # Change the stored text behind the application's back: the signatures no longer fit it.
    tampered = dict(version.content, other_attendees="nachträglich eingefügt")
    async with sessions() as session, session.begin():
        await session.execute(update(MinutesVersion).where(MinutesVersion.id == version.id).values(content=tampered))
    minutes, _ = await _doc(sessions, scene)
    version = latest_published(minutes)
    assert version is not None
    assert not any(signature_valid(version, s) for s in version.signatures)


async def test_a_correction_after_approval_makes_a_new_version_and_keeps_the_approved_one(sessions, world):
    scene = await _approved(sessions, world)
    for persona, role in (("chair", SignatureRole.CHAIR), ("secretariat", SignatureRole.CLERK)):
        await _as(sessions, world, persona, lambda s, v, r=role: sign(s, scene.meeting_id, v, r, now()))
    minutes, _ = await _doc(sessions, scene)
    approved = minutes.versions[0]
    approved_content, approved_hash = approved.content, approved.content_hash
    with pytest.raises(ValidationFailed):
        await _as(sessions, world, "secretariat", lambda s, v: reopen(s, scene.meeting_id, v, " "))
    await _as(sessions, world, "secretariat", lambda s, v: reopen(s, scene.meeting_id, v, "Schreibfehler in Ö 1"))
    await _as(
        sessions,
        world,
        "secretariat",
        lambda s, v: save_deliberation(s, scene.meeting_id, scene.public_item_id, v, "Berichtigt.", 1),
    )
    await _as(sessions, world, "secretariat", lambda s, v: submit(s, scene.meeting_id, v, now()))
    minutes, _ = await _doc(sessions, scene)
    first, second = minutes.versions
    assert (first.content, first.content_hash) == (approved_content, approved_hash)
    assert second.reason == "Schreibfehler in Ö 1" and second.content["reason"] == "Schreibfehler in Ö 1"
    assert second.content["items"][0]["deliberation"] == "Berichtigt."
    assert (
        getattr(latest_published(minutes), "number", None) == 1
    )  # the public keeps the approved text until the next is signed


async def test_a_member_has_their_own_vote_in_a_show_of_hands_recorded(sessions, world):
    scene = await minutes_scene(sessions, world)
    member_id, chair_id = scene.people["member"], scene.people["chair"]

    def ask(persona: str, person: int, choice: Choice, poll: int = scene.open_poll_id) -> Any:
        return _as(
            sessions,
            world,
            persona,
            lambda s, v: request_vote_record(s, scene.meeting_id, v, poll, person, choice, now()),
        )

    request = await ask("member", member_id, Choice.NO)
    with pytest.raises(ValidationFailed):
        await ask("member", member_id, Choice.NO)  # once per poll
    with pytest.raises(ValidationFailed):
        await ask("chair", chair_id, Choice.NO)  # only one Nein was counted, and it is claimed
    with pytest.raises(ValidationFailed):
        await ask("chair", chair_id, Choice.YES, scene.named_poll_id)  # named polls record every vote anyway
    with pytest.raises(ValidationFailed):
        await ask("chair", chair_id, Choice.YES, scene.secret_poll_id)  # and secret ones never
    with pytest.raises(PermissionDenied):
        await ask("other_committee_member", member_id, Choice.YES)
    with pytest.raises(PermissionDenied):
        await ask("member", chair_id, Choice.YES)  # only for oneself
    await ask("secretariat", chair_id, Choice.YES)  # noted when asked aloud in the meeting
    _, doc = await _doc(sessions, scene)
    assert [(n.name, n.choice) for n in doc.items[0].vote_notes] == [("Max Mitglied", "no"), ("Clara Vorsitz", "yes")]
    await _as(sessions, world, "member", lambda s, v: withdraw_vote_record(s, scene.meeting_id, v, request.id))
    _, doc = await _doc(sessions, scene)
    assert [n.name for n in doc.items[0].vote_notes] == ["Clara Vorsitz"]
    await _as(sessions, world, "secretariat", lambda s, v: submit(s, scene.meeting_id, v, now()))
    with pytest.raises(ValidationFailed):
        await ask("member", member_id, Choice.NO)


async def test_the_later_meetings_minutes_say_what_was_approved(sessions, world):
    scene = await _submitted(sessions, world)
    text = ApprovalText(corrections="Ö 1 berichtigt", confidential_notes=f"N 1 ergänzt {CONFIDENTIAL_MARKER}")
    await _as(
        sessions,
        world,
        "secretariat",
        lambda s, v: approve_at_meeting(s, scene.meeting_id, v, scene.approval_item_id, text, now()),
    )
    async with sessions() as session, session.begin():
        later = await session.get(Meeting, scene.later_meeting_id)
        later.state = MeetingState.CLOSED
        session.add(Attendance(meeting_id=later.id, person_id=scene.people["chair"], status="present"))
    from council.minutes.service import create_minutes

    await _as(sessions, world, "secretariat", lambda s, v: create_minutes(s, scene.later_meeting_id, v, now()))
    async with sessions() as session:
        minutes = await minutes_of(session, scene.later_meeting_id)
        assert minutes is not None
        doc = live_document(minutes)
    (note,) = doc.items[1].approvals
    assert note.meeting_title == "2. Sitzung des Hauptausschusses"
    assert (note.corrections, note.confidential_notes) == (text.corrections, text.confidential_notes)
    assert public_part(doc).items[1].approvals[0].confidential_notes is None
