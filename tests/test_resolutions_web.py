"""The resolution register, corrections and Beschlussverfolgung over HTTP."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from council.resolutions.deadlines import Recurrence
from council.resolutions.models import FollowUpTask, Resolution, TaskStatus
from council.voting.models import PollKind
from tests.test_voting import close
from tests.voting_scene import build_scene, start_poll
from tests.web_helpers import submit_form
from tests.world import CONFIDENTIAL_MARKER


async def _decide(sessions, world, item_id: int) -> int:
    from council.voting.rules import Tally

    poll_id = await start_poll(sessions, world, item_id, PollKind.OPEN)
    await close(sessions, world, poll_id, Tally(2, 0, 0, 0))
    async with sessions() as session:
        resolution_id = await session.scalar(select(Resolution.id).where(Resolution.agenda_item_id == item_id))
    assert resolution_id is not None
    return int(resolution_id)


async def test_register_shows_the_public_only_what_is_public(sessions, world, client, login):
    scene = await build_scene(sessions, world)
    public_id = await _decide(sessions, world, scene.item_id)
    hidden_id = await _decide(sessions, world, scene.confidential_item_id)
    listing = await client.get("/resolutions")
    assert listing.status_code == 200
    assert f"/resolutions/{public_id}" in listing.text
    assert CONFIDENTIAL_MARKER not in listing.text
    assert (await client.get(f"/resolutions/{hidden_id}")).status_code == 404
    assert (await client.get(f"/resolutions/{public_id}")).status_code == 200
    member = await login("member")
    assert CONFIDENTIAL_MARKER in (await member.get("/resolutions")).text
    outsider = await login("other_committee_member")
    assert (await outsider.get(f"/resolutions/{hidden_id}")).status_code == 404


async def test_secretariat_tracks_a_follow_up_until_done(sessions, world, login):
    scene = await build_scene(sessions, world)
    resolution_id = await _decide(sessions, world, scene.item_id)
    secretariat = await login("secretariat")
    page = f"/resolutions/{resolution_id}"
    missing = await submit_form(secretariat, page, f"{page}/tasks", description=" ")
    assert missing.status_code == 400
    bad_date = await submit_form(secretariat, page, f"{page}/tasks", description="Bericht", due_date="morgen")
    assert bad_date.status_code == 400
    added = await submit_form(
        secretariat,
        page,
        f"{page}/tasks",
        description="Sachstandsbericht vorlegen",
        due_date="2020-06-30",
        recurrence="half_yearly",
    )
    assert added.status_code == 303
    overview = await secretariat.get("/follow-ups")
    assert overview.status_code == 200
    assert "Überfällig (1)" in overview.text
    async with sessions() as session:
        task = await session.scalar(select(FollowUpTask))
    assert task is not None
    done = await submit_form(secretariat, "/follow-ups", f"/follow-ups/{task.id}/done", note="Bericht gegeben")
    assert done.status_code == 303
    async with sessions() as session:
        task = await session.get(FollowUpTask, task.id)
    # A half-yearly report moves on by six months, from the end of June to the end of December.
    assert task is not None and task.due_date == dt.date(2020, 12, 31) and task.recurrence is Recurrence.HALF_YEARLY
    assert task.status is TaskStatus.IN_PROGRESS


async def test_follow_ups_and_corrections_are_for_the_secretariat(sessions, world, login, client):
    scene = await build_scene(sessions, world)
    resolution_id = await _decide(sessions, world, scene.item_id)
    assert (await client.get("/follow-ups", follow_redirects=False)).status_code == 303
    for persona in ("member", "chair", "other_committee_member"):
        http = await login(persona)
        assert (await http.get("/follow-ups")).status_code == 403
        refused = await submit_form(
            http, "/login", f"/resolutions/{resolution_id}/corrections", wording="x", reason="y"
        )
        assert refused.status_code == 403
        refused = await submit_form(http, "/login", f"/resolutions/{resolution_id}/tasks", description="x")
        assert refused.status_code == 403


async def test_correction_form_keeps_the_number(sessions, world, login):
    scene = await build_scene(sessions, world)
    resolution_id = await _decide(sessions, world, scene.item_id)
    secretariat = await login("secretariat")
    page = f"/resolutions/{resolution_id}"
    no_reason = await submit_form(secretariat, page, f"{page}/corrections", wording="einstimmig beschlossen")
    assert no_reason.status_code == 400
    assert "begründen" in no_reason.text
    fixed = await submit_form(
        secretariat, page, f"{page}/corrections", wording="einstimmig beschlossen", reason="Tippfehler", text="Neu"
    )
    assert fixed.status_code == 303
    shown = await secretariat.get(page)
    assert "Fassung 2" in shown.text and "Tippfehler" in shown.text
