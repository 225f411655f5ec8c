"""Polls: the chair's actions, the roll call in the room, and the member's own voting screen."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.db import utcnow
from council.errors import PermissionDenied, ValidationFailed
from council.meetings.attendance import check_in, load_meeting
from council.messages import N_
from council.voting.ballot_box import BallotBox
from council.voting.ballots import (
    Receipt,
    ballot_of,
    check_ballot,
    named_votes,
    own_vote,
    record_vote,
    voted_person_ids,
)
from council.voting.live import live_state
from council.voting.models import PollKind
from council.voting.polls import (
    cancel_poll,
    close_poll,
    get_poll,
    meeting_of_poll,
    open_poll,
    publish_poll,
    repeat_poll,
    require_conduct,
    rules_for,
)
from council.voting.rules import Choice
from web.auth import requires_login
from web.controllers.console import console_page
from web.controllers.voting_common import choice_from, commit_and_push, int_field, rolled_back, tally_from, wants_json
from web.dependencies import provide_municipality
from web.pages import FormData, form_value, page


async def vote_page(
    db_session: AsyncSession,
    viewer: Viewer,
    body: Body | None,
    meeting_id: int,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    partial: bool = False,
    pending: Choice | None = None,
) -> Template:
    """The member's screen: the poll under way with large buttons, the chosen vote to confirm (``pending``), or
    the last result and own receipt."""
    meeting = await load_meeting(db_session, meeting_id)
    if not viewer.is_member_of(meeting.organization_id) or viewer.person_id is None:
        raise PermissionDenied("vote screen")
    live = await live_state(db_session, meeting_id, include_confidential=True, now=utcnow(), meeting=meeting)
    poll = live.poll
    seat = live.roll.seat_of(viewer.person_id)
    receipt = await own_vote(db_session, poll, viewer.person_id) if poll else None
    choices = list(Choice)
    if poll and not rules_for(poll, meeting.organization.body).abstention_allowed:
        choices.remove(Choice.ABSTAIN)
    may_vote = poll is not None and poll.is_open and seat is not None and seat.entitled
    may_change = poll is not None and poll.kind is PollKind.NAMED and meeting.organization.body.votes_changeable
    if not may_vote or (receipt is not None and not may_change) or pending not in choices:
        pending = None
    return page(
        "voting/_vote_panel.html" if partial else "voting/vote.html",
        viewer=viewer,
        body=body,
        meeting=meeting,
        live=live,
        poll=poll,
        seat=seat,
        receipt=receipt,
        own_conflict=poll is not None and viewer.person_id in live.roll.befangen_ids,
        choices=choices,
        pending=pending,
        errors=errors or {},
        partial=partial,
        status_code=status,
    )


async def roll_call_page(
    db_session: AsyncSession,
    viewer: Viewer,
    body: Body | None,
    poll_id: int,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    poll = await get_poll(db_session, poll_id)
    require_conduct(viewer, poll.meeting)
    live = await live_state(db_session, poll.meeting_id, include_confidential=True, now=utcnow())
    votes = {vote.person_id: vote for vote in await named_votes(db_session, poll)}
    return page(
        "voting/roll_call.html",
        viewer=viewer,
        body=body,
        poll=poll,
        meeting=poll.meeting,
        roll=live.roll,
        votes=votes,
        voted=await voted_person_ids(db_session, poll),
        choices=list(Choice),
        errors=errors or {},
        status_code=status,
    )


class PollController(Controller):
    path = "/polls/{poll_id:int}"
    guards = [requires_login]  # noqa: RUF012

    async def _act(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        viewer: Viewer,
        body: Body | None,
        poll_id: int,
        action: str,
        data: dict[str, Any] | None = None,
    ) -> Template | Redirect:
        poll = await get_poll(db_session, poll_id)
        require_conduct(viewer, poll.meeting)
        meeting_id, now = poll.meeting_id, utcnow()
        try:
            if action == "open":
                await open_poll(db_session, poll_id, viewer, now)
            elif action == "close":
                await close_poll(db_session, poll_id, viewer, now, tally_from(data or {}))
            elif action == "publish":
                await publish_poll(db_session, poll_id, viewer, now)
            elif action == "cancel":
                await cancel_poll(db_session, poll_id, viewer, now, form_value(data or {}, "reason", 1000))
            else:
                await repeat_poll(db_session, poll_id, viewer)
        except ValidationFailed as exc:
            body = await rolled_back(db_session, body)
            return await console_page(
                db_session, viewer, body, meeting_id, errors=exc.errors, status_code=HTTP_400_BAD_REQUEST
            )
        await commit_and_push(request, db_session)
        return Redirect(f"/meetings/{meeting_id}/console#live", status_code=303)

    @post("/open", name="poll_open")
    async def open(
        self,
        request: Request[Any, Any, Any],
        poll_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        return await self._act(request, db_session, viewer, municipality, poll_id, "open")

    @post("/close", name="poll_close")
    async def close(
        self,
        request: Request[Any, Any, Any],
        poll_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        return await self._act(request, db_session, viewer, municipality, poll_id, "close", data)

    @post("/publish", name="poll_publish")
    async def publish(
        self,
        request: Request[Any, Any, Any],
        poll_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        return await self._act(request, db_session, viewer, municipality, poll_id, "publish")

    @post("/cancel", name="poll_cancel")
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        poll_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        return await self._act(request, db_session, viewer, municipality, poll_id, "cancel", data)

    @post("/repeat", name="poll_repeat")
    async def repeat(
        self,
        request: Request[Any, Any, Any],
        poll_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        return await self._act(request, db_session, viewer, municipality, poll_id, "repeat")

    @get("/roll-call", name="roll_call")
    async def roll_call(
        self,
        poll_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        return await roll_call_page(db_session, viewer, municipality, poll_id)

    @post("/roll-call", name="roll_call_record")
    async def record(
        self,
        request: Request[Any, Any, Any],
        poll_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        try:
            person_id = int_field(data, "person", N_("Bitte wählen Sie ein Mitglied."))
            assert person_id is not None
            await record_vote(db_session, poll_id, viewer, person_id, choice_from(data), utcnow())
        except ValidationFailed as exc:
            municipality = await rolled_back(db_session, municipality)
            return await roll_call_page(db_session, viewer, municipality, poll_id, errors=exc.errors, status=400)
        await commit_and_push(request, db_session)
        return Redirect(f"/polls/{poll_id}/roll-call#person-{person_id}", status_code=303)

    @post("/votes", name="vote_cast")
    async def cast(
        self,
        request: Request[Any, Any, Any],
        poll_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        data: FormData,
    ) -> Template | Redirect | Response[Any]:
        """The member's own vote, in two steps on screen: the chosen button shows the choice to confirm (nothing is
        stored), the confirmation casts it. A program (Accept: application/json) casts in one step and gets the
        receipt or the error as JSON."""
        # Programs never need the meeting nor the municipality (only pages show it): the vote path loads the poll
        # once, in cast_vote.
        program = wants_json(request)
        municipality = None if program else await provide_municipality(request, db_session, viewer)
        meeting_id = 0 if program else await meeting_of_poll(db_session, poll_id)
        try:
            choice = choice_from(data)
            if not wants_json(request) and form_value(data, "confirm", 5) != "1":
                await check_ballot(db_session, poll_id, viewer, choice, utcnow())
                return await vote_page(db_session, viewer, municipality, meeting_id, pending=choice)
            receipt = await _cast(request, poll_id, viewer, choice)
        except ValidationFailed as exc:
            municipality = await rolled_back(db_session, municipality)
            if wants_json(request):
                raise
            return await vote_page(
                db_session, viewer, municipality, meeting_id, errors=exc.errors, status=_status_of(exc)
            )
        if wants_json(request):
            return Response(
                {
                    "poll": receipt.poll_id,
                    "cast_at": receipt.cast_at.isoformat(),
                    "choice": receipt.choice.value if receipt.choice else None,
                },
                status_code=201,
            )
        return Redirect(f"/meetings/{meeting_id}/vote", status_code=303)


async def _cast(request: Request[Any, Any, Any], poll_id: int, viewer: Viewer, choice: Choice) -> Receipt:
    """The member's own vote goes through the process's ballot box, which commits it (with the votes that arrived
    together with it) before answering, and pushes it to the live screens."""
    box: BallotBox = request.app.state.ballot_box
    return await box.cast(ballot_of(viewer, poll_id, choice, utcnow()))


def _status_of(exc: ValidationFailed) -> int:
    from web.errors import status_for_validation

    return status_for_validation(exc)


class MemberVotingController(Controller):
    path = "/meetings/{meeting_id:int}"
    guards = [requires_login]  # noqa: RUF012

    @get("/vote", name="vote_screen")
    async def screen(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        return await vote_page(db_session, viewer, municipality, meeting_id)

    @get("/vote/panel", name="vote_panel")
    async def panel(
        self,
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        choice: FromQuery[str | None] = None,
    ) -> Template:
        """The panel as a live push refreshes it; ``choice`` keeps a vote waiting for confirmation on screen."""
        pending = Choice(choice) if choice in set(Choice) else None
        return await vote_page(db_session, viewer, municipality, meeting_id, partial=True, pending=pending)

    @post("/check-in", name="check_in")
    async def check_in(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template | Redirect:
        meeting = await load_meeting(db_session, meeting_id)
        try:
            await check_in(db_session, meeting, viewer, utcnow())
        except ValidationFailed as exc:
            municipality = await rolled_back(db_session, municipality)
            return await vote_page(db_session, viewer, municipality, meeting_id, errors=exc.errors, status=400)
        await commit_and_push(request, db_session)
        return Redirect(f"/meetings/{meeting_id}/vote", status_code=303)
