"""Paper service: numbering on create, edits, drafts, withdrawal, replacement versions, the Beratungsfolge."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from council.audit.models import AuditEntry
from council.errors import PermissionDenied, ValidationFailed
from council.meetings.models import AgendaItem, MeetingState
from council.meetings.results import record_item_result
from council.papers.consultations import add_step, move_step, remove_step, update_step
from council.papers.editing import PaperInput, create_paper, replace_paper, update_paper, withdraw_paper
from council.papers.models import Consultation, ConsultationRole, Paper, PaperKind, Submitter
from council.papers.service import get_paper, load_paper, paper_visible
from council.voting.rules import ItemResult
from tests.voting_scene import viewer

NOW = dt.datetime(2024, 10, 1, 9, tzinfo=dt.UTC)


def proposal(world, **changes) -> PaperInput:
    data = PaperInput(
        kind=PaperKind.RESOLUTION_PROPOSAL,
        title="Sanierung der Turnhalle",
        date=dt.date(2024, 10, 1),
        proposed_resolution="1. Der Rat beschließt die Sanierung.\n2. Die Mittel werden bereitgestellt.",
        reasons="Die Halle ist marode.",
        lead_department_id=world.department.id,
    )
    return PaperInput(**{**data.__dict__, **changes})


async def papers_count(session) -> int:
    return int(await session.scalar(select(func.count(Paper.id))) or 0)


async def test_numbers_continue_after_the_existing_papers_and_restart_each_year(session, world):
    secretariat = await viewer(session, world, "secretariat")
    first = await create_paper(session, world.body, secretariat, proposal(world), publish=True, now=NOW)
    second = await create_paper(session, world.body, secretariat, proposal(world), publish=False, now=NOW)
    next_year = await create_paper(
        session, world.body, secretariat, proposal(world, date=dt.date(2025, 1, 2)), publish=False, now=NOW
    )
    # The world holds VO/2024/00001 and VO/2024/00002.
    assert [first.reference, second.reference, next_year.reference] == [
        "VO/2024/00003",
        "VO/2024/00004",
        "VO/2025/00001",
    ]
    assert first.published and not second.published
    assert await session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "paper.created")) == 3


async def test_motion_number_names_the_faction_and_lists_submitters_in_order(session, world):
    world.body.paper_reference_patterns = {"default": "VO/{yyyy}/{seq:05}", "motion": "{faction}/{seq}/{yy}"}
    secretariat = await viewer(session, world, "secretariat")
    data = proposal(
        world,
        kind=PaperKind.MOTION,
        lead_department_id=None,
        faction_ids=(world.faction.id,),
        person_ids=(world.people["member"].id, world.people["chair"].id),
    )
    motion = await create_paper(session, world.body, secretariat, data, publish=True, now=NOW)
    assert motion.reference == "Blau/1/24"
    submitters = list(await session.scalars(select(Submitter).where(Submitter.paper_id == motion.id)))
    assert [(s.position, s.organization_id, s.person_id) for s in sorted(submitters, key=lambda s: s.position)] == [
        (1, world.faction.id, None),
        (2, None, world.people["member"].id),
        (3, None, world.people["chair"].id),
    ]
    without_faction = proposal(
        world, kind=PaperKind.MOTION, lead_department_id=None, person_ids=(world.people["member"].id,)
    )
    with pytest.raises(ValidationFailed) as refused:
        await create_paper(session, world.body, secretariat, without_faction, publish=True, now=NOW)
    assert "faction" in refused.value.errors


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"lead_department_id": None}, "lead_department"),
        ({"kind": PaperKind.INQUIRY, "lead_department_id": None}, "submitters"),
        ({"kind": PaperKind.ANSWER}, "related_paper"),
        ({"related_reference": "VO/1999/99999"}, "related_paper"),
        ({"person_ids": (987654,)}, "persons"),
        ({"faction_ids": (987654,)}, "faction"),
        ({"title": "x" * 501}, "title"),
    ],
)
async def test_bad_input_is_refused_whole_and_takes_no_number(session, world, changes, field):
    secretariat = await viewer(session, world, "secretariat")
    before = await papers_count(session)
    with pytest.raises(ValidationFailed) as refused:
        await create_paper(session, world.body, secretariat, proposal(world, **changes), publish=True, now=NOW)
    assert field in refused.value.errors
    assert await papers_count(session) == before
    # No number was drawn: the next paper gets the next number.
    paper = await create_paper(session, world.body, secretariat, proposal(world), publish=True, now=NOW)
    assert paper.reference == "VO/2024/00003"


async def test_an_answer_refers_to_its_inquiry(session, world):
    secretariat = await viewer(session, world, "secretariat")
    inquiry = await create_paper(
        session,
        world.body,
        secretariat,
        proposal(world, kind=PaperKind.INQUIRY, lead_department_id=None, person_ids=(world.people["member"].id,)),
        publish=True,
        now=NOW,
    )
    with pytest.raises(ValidationFailed):
        await create_paper(
            session,
            world.body,
            secretariat,
            proposal(world, kind=PaperKind.ANSWER, related_reference="VO/2024/00001"),
            publish=True,
            now=NOW,
        )
    answer = await create_paper(
        session,
        world.body,
        secretariat,
        proposal(world, kind=PaperKind.ANSWER, related_reference=inquiry.reference),
        publish=True,
        now=NOW,
    )
    assert answer.related_paper_id == inquiry.id


@pytest.mark.parametrize("persona", ["member", "chair", "deputy", "other_committee_member"])
async def test_only_the_secretariat_writes_papers(session, world, persona):
    someone = await viewer(session, world, persona)
    with pytest.raises(PermissionDenied):
        await create_paper(session, world.body, someone, proposal(world), publish=True, now=NOW)
    with pytest.raises(PermissionDenied):
        await withdraw_paper(session, world.public_paper.id, someone, "Grund", NOW)
    with pytest.raises(PermissionDenied):
        await add_step(
            session,
            world.public_paper.id,
            someone,
            organization_id=world.committee.id,
            role=ConsultationRole.DECISION,
            meeting_id=None,
            now=NOW,
        )


async def test_drafts_are_the_secretariats_until_published(session, world):
    secretariat = await viewer(session, world, "secretariat")
    draft = await create_paper(session, world.body, secretariat, proposal(world), publish=False, now=NOW)
    await add_step(
        session,
        draft.id,
        secretariat,
        organization_id=world.committee.id,
        role=ConsultationRole.DECISION,
        meeting_id=None,
        now=NOW,
    )
    draft = await load_paper(session, draft.id)
    member = await viewer(session, world, "member")
    from council.accounts.viewer import ANONYMOUS

    assert paper_visible(draft, secretariat)
    assert not paper_visible(draft, member) and not paper_visible(draft, ANONYMOUS)


async def test_edit_keeps_the_number_and_kind(session, world):
    secretariat = await viewer(session, world, "secretariat")
    paper = await create_paper(session, world.body, secretariat, proposal(world), publish=True, now=NOW)
    changed = await update_paper(
        session,
        paper.id,
        secretariat,
        proposal(world, title="Neubau der Turnhalle", date=dt.date(2025, 3, 1)),
        world.body,
    )
    assert changed.reference == "VO/2024/00003" and changed.title == "Neubau der Turnhalle"
    with pytest.raises(ValidationFailed) as refused:
        await update_paper(session, paper.id, secretariat, proposal(world, kind=PaperKind.INFORMATION), world.body)
    assert "kind" in refused.value.errors


async def test_withdrawn_paper_keeps_its_state_reason_and_time_and_is_closed_for_edits(session, world):
    secretariat = await viewer(session, world, "secretariat")
    with pytest.raises(ValidationFailed):
        await withdraw_paper(session, world.public_paper.id, secretariat, "  ", NOW)
    paper = await withdraw_paper(session, world.public_paper.id, secretariat, "Antrag hat sich erledigt.", NOW)
    assert paper.withdrawn_at == NOW and paper.withdrawal_reason == "Antrag hat sich erledigt."
    from council.accounts.viewer import ANONYMOUS

    assert (await get_paper(session, paper.id, ANONYMOUS)).withdrawn
    for attempt in (
        withdraw_paper(session, paper.id, secretariat, "nochmal", NOW),
        update_paper(session, paper.id, secretariat, proposal(world), world.body),
        replace_paper(session, paper.id, secretariat, NOW),
    ):
        with pytest.raises(ValidationFailed):
            await attempt


async def test_replacement_versions_count_on_the_original_and_take_over_pending_steps(session, world):
    secretariat = await viewer(session, world, "secretariat")
    paper = await create_paper(session, world.body, secretariat, proposal(world), publish=True, now=NOW)
    for organization in (world.committee, world.advisory_board):
        await add_step(
            session,
            paper.id,
            secretariat,
            organization_id=organization.id,
            role=ConsultationRole.PRIOR_DELIBERATION,
            meeting_id=None,
            now=NOW,
        )
    # The first step has reached an agenda: it stays with the original as history.
    steps = (await load_paper(session, paper.id)).consultations
    session.add(
        AgendaItem(meeting_id=world.next_meeting.id, position=9, number="Ö 9", title="x", consultation_id=steps[0].id)
    )
    await session.flush()

    first = await replace_paper(session, paper.id, secretariat, NOW)
    second = await replace_paper(session, first.id, secretariat, NOW)

    assert (first.reference, first.version, first.original_id) == ("VO/2024/00003/1", 1, paper.id)
    assert (second.reference, second.version, second.original_id) == ("VO/2024/00003/2", 2, paper.id)
    original = await load_paper(session, paper.id)
    assert [c.organization_id for c in original.consultations] == [world.committee.id]
    assert [v.reference for v in original.replacements] == ["VO/2024/00003/1", "VO/2024/00003/2"]
    newest = await load_paper(session, second.id)
    assert [(c.position, c.organization_id) for c in newest.consultations] == [(1, world.advisory_board.id)]
    assert newest.title == paper.title and newest.lead_department_id == world.department.id


async def test_beratungsfolge_add_move_role_meeting_remove(session, world):
    secretariat = await viewer(session, world, "secretariat")
    paper = world.public_paper
    added = await add_step(
        session,
        paper.id,
        secretariat,
        organization_id=world.advisory_board.id,
        role=ConsultationRole.PRIOR_DELIBERATION,
        meeting_id=None,
        now=NOW,
    )
    await move_step(session, paper.id, added.id, secretariat, -1, NOW)
    await move_step(session, paper.id, added.id, secretariat, -1, NOW)  # already first: nothing changes
    order = [(c.position, c.organization_id) for c in (await load_paper(session, paper.id)).consultations]
    assert order == [(1, world.advisory_board.id), (2, world.committee.id)]

    with pytest.raises(ValidationFailed) as refused:  # the next meeting belongs to the committee
        await update_step(
            session,
            paper.id,
            added.id,
            secretariat,
            role=ConsultationRole.INFORMATION,
            meeting_id=world.next_meeting.id,
            now=NOW,
        )
    assert "meeting" in refused.value.errors
    with pytest.raises(ValidationFailed):  # a closed meeting cannot be planned any more
        await add_step(
            session,
            paper.id,
            secretariat,
            organization_id=world.committee.id,
            role=ConsultationRole.DECISION,
            meeting_id=world.past_meeting.id,
            now=NOW,
        )
    with pytest.raises(ValidationFailed):  # factions do not deliberate papers
        await add_step(
            session,
            paper.id,
            secretariat,
            organization_id=world.faction.id,
            role=ConsultationRole.DECISION,
            meeting_id=None,
            now=NOW,
        )
    planned = await add_step(
        session,
        paper.id,
        secretariat,
        organization_id=world.committee.id,
        role=ConsultationRole.DECISION,
        meeting_id=world.next_meeting.id,
        now=NOW,
    )
    assert planned.meeting_id == world.next_meeting.id and planned.position == 3

    on_agenda = next(
        c
        for c in (await load_paper(session, paper.id)).consultations
        if c.organization_id == world.committee.id and c.position == 2
    )
    with pytest.raises(ValidationFailed):  # it is on the past meeting's agenda (the world's public item)
        await remove_step(session, paper.id, on_agenda.id, secretariat, NOW)
    await remove_step(session, paper.id, added.id, secretariat, NOW)
    roles = [(c.position, c.role) for c in (await load_paper(session, paper.id)).consultations]
    assert roles == [(1, ConsultationRole.DECISION), (2, ConsultationRole.DECISION)]


async def test_referral_adds_steps_that_the_editor_can_rearrange(session, world):
    """Ausschussüberweisung recorded as an item result, then edited in the Beratungsfolge editor."""
    world.next_meeting.state = MeetingState.OPENED
    paper = Paper(
        body_id=world.body.id,
        reference="VO/2024/00010",
        kind=PaperKind.MOTION,
        title="Spielplatz",
        date=dt.date(2024, 9, 1),
        published_at=NOW,
    )
    session.add(paper)
    await session.flush()
    step = Consultation(
        paper_id=paper.id, organization_id=world.committee.id, position=1, role=ConsultationRole.DECISION
    )
    later = Consultation(
        paper_id=paper.id, organization_id=world.advisory_board.id, position=2, role=ConsultationRole.INFORMATION
    )
    session.add_all([step, later])
    await session.flush()
    item = AgendaItem(
        meeting_id=world.next_meeting.id, position=5, number="Ö 5", title="Spielplatz", consultation_id=step.id
    )
    session.add(item)
    await session.flush()
    chair = await viewer(session, world, "chair")
    await record_item_result(session, item.id, chair, ItemResult.REFERRED, NOW, referred_to_id=world.advisory_board.id)
    steps = (await load_paper(session, paper.id)).consultations
    assert [(c.position, c.organization_id, c.role) for c in steps] == [
        (1, world.committee.id, ConsultationRole.DECISION),
        (2, world.advisory_board.id, ConsultationRole.PRIOR_DELIBERATION),
        (3, world.committee.id, ConsultationRole.DECISION),
        (4, world.advisory_board.id, ConsultationRole.INFORMATION),
    ]
    secretariat = await viewer(session, world, "secretariat")
    await move_step(session, paper.id, steps[3].id, secretariat, -1, NOW)
    await remove_step(session, paper.id, steps[1].id, secretariat, NOW)
    steps = (await load_paper(session, paper.id)).consultations
    assert [(c.position, c.organization_id) for c in steps] == [
        (1, world.committee.id),
        (2, world.advisory_board.id),
        (3, world.committee.id),
    ]
