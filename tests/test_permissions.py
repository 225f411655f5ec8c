"""Every route against every persona: who is let in, who is sent to log in, who is refused."""

from __future__ import annotations

import pytest

from tests.web_helpers import csrf_token_from

PUBLIC = {
    "visitor": 200,
    "member": 200,
    "deputy": 200,
    "chair": 200,
    "secretariat": 200,
    "admin": 200,
    "other_committee_member": 200,
}
LOGGED_IN = {**PUBLIC, "visitor": 303}
ADMIN_ONLY = {**{persona: 403 for persona in PUBLIC}, "visitor": 303, "admin": 200}
SECRETARIAT_ONLY = {**ADMIN_ONLY, "secretariat": 200}
# A confidential paper's existence is not revealed to those who may not see it.
SECRETARIAT_ONLY_CONFIDENTIAL = {**SECRETARIAT_ONLY, "other_committee_member": 404}
# The committee's members (deputies too) and the secretariat: the members' invitation and packet.
COMMITTEE_MEMBERS = {**LOGGED_IN, "other_committee_member": 403}
# Who leads the committee's meeting room: its chair and the secretariat.
ROOM_LEADERS = {**ADMIN_ONLY, "secretariat": 200, "chair": 200}

GET_ROUTES = [
    ("/", PUBLIC),
    ("/health", PUBLIC),
    ("/login", PUBLIC),
    ("/organizations", PUBLIC),
    ("/organizations/{committee}", PUBLIC),
    ("/persons", PUBLIC),
    ("/persons/{member}", PUBLIC),
    ("/meetings/{past_meeting}", PUBLIC),
    ("/meetings/{next_meeting}", PUBLIC),
    ("/secretariat/meetings", SECRETARIAT_ONLY),
    ("/secretariat/meetings?organization={committee}", SECRETARIAT_ONLY),
    ("/meetings/new?organization={committee}", SECRETARIAT_ONLY),
    ("/meetings/{next_meeting}/edit", SECRETARIAT_ONLY),
    ("/meetings/{next_meeting}/cancel", SECRETARIAT_ONLY),
    ("/meetings/{next_meeting}/agenda", SECRETARIAT_ONLY),
    # Printed documents of the invited meeting: the public variants for all, the members' for the committee.
    ("/meetings/{next_meeting}/invitation.pdf", PUBLIC),
    ("/meetings/{next_meeting}/invitation-members.pdf", COMMITTEE_MEMBERS),
    ("/meetings/{next_meeting}/packet.pdf", PUBLIC),
    ("/meetings/{next_meeting}/packet-members.pdf", COMMITTEE_MEMBERS),
    ("/meetings/{next_meeting}/invitation", SECRETARIAT_ONLY),
    # Calendars: public for a meeting and an organization; a personal feed only at its secret address.
    ("/meetings/{next_meeting}/calendar.ics", PUBLIC),
    ("/organizations/{committee}/calendar.ics", PUBLIC),
    ("/calendar/no-such-token.ics", {persona: 404 for persona in PUBLIC}),
    ("/meetings/{past_meeting}/agenda", SECRETARIAT_ONLY),
    ("/papers/{public_paper}", PUBLIC),
    (
        "/papers/{confidential_paper}",
        {**PUBLIC, "visitor": 404, "other_committee_member": 404},
    ),
    # OParl is public and the same for everyone: a confidential paper is there for no one.
    ("/oparl/v1.1/", PUBLIC),
    ("/oparl/v1.1/body/{body}/paper", PUBLIC),
    ("/oparl/v1.1/paper/{public_paper}", PUBLIC),
    ("/oparl/v1.1/paper/{confidential_paper}", {persona: 404 for persona in PUBLIC}),
    ("/papers", PUBLIC),
    ("/papers?q=radweg&kind=resolution_proposal&state=published&year=2024", PUBLIC),
    ("/papers/new", SECRETARIAT_ONLY),
    ("/papers/{public_paper}/edit", SECRETARIAT_ONLY),
    ("/papers/{confidential_paper}/edit", SECRETARIAT_ONLY_CONFIDENTIAL),
    # The search index holds only public records: the same answers for everyone.
    ("/search", PUBLIC),
    ("/search?q=haushalt&organization={committee}&kind=motion&from=2020-01-01&to=2030-12-31&page=2", PUBLIC),
    ("/calendar", PUBLIC),
    ("/calendar?when=past&organization={committee}", PUBLIC),
    ("/calendar/2026/03", PUBLIC),
    # Feeds carry public records only, the same for everyone.
    ("/feeds/papers.atom", PUBLIC),
    ("/feeds/resolutions.atom", PUBLIC),
    ("/feeds/organizations/{committee}", PUBLIC),
    ("/search/feed?q=haushalt", PUBLIC),
    ("/barrierefreiheit", PUBLIC),
    # Mounted only for bench/portal.py (COUNCIL_BENCH_HELLO=1): absent for everyone otherwise.
    ("/bench/hello", {persona: 404 for persona in PUBLIC}),
    ("/account", LOGGED_IN),
    ("/admin/users", ADMIN_ONLY),
    ("/admin/users/new", ADMIN_ONLY),
    # The video room: members of the committee and the secretariat; the next meeting is in person, so the page
    # explains that there is no room and no one gets ICE servers for it (tests/test_meeting_room.py: online).
    ("/meetings/{next_meeting}/room", {**LOGGED_IN, "other_committee_member": 403}),
    ("/meetings/{next_meeting}/room/ice", {**{persona: 403 for persona in PUBLIC}, "visitor": 303}),
    # Guest links for the room: the chair and the secretariat (tests/test_room_access.py: the links themselves).
    ("/meetings/{next_meeting}/room/guests", ROOM_LEADERS),
    ("/meetings/{next_meeting}/room/guest?token=forged.token", {persona: 403 for persona in PUBLIC}),
]


def _url(template: str, world) -> str:
    return template.format(
        body=world.body.id,
        committee=world.committee.id,
        member=world.people["member"].id,
        past_meeting=world.past_meeting.id,
        next_meeting=world.next_meeting.id,
        item=world.public_item.id,
        public_paper=world.public_paper.id,
        confidential_paper=world.confidential_paper.id,
        public_step=world.public_item.consultation_id,
    )


@pytest.mark.parametrize(("route", "expected"), GET_ROUTES, ids=[r for r, _ in GET_ROUTES])
async def test_get_routes_per_persona(route, expected, client, login, world):
    url = _url(route, world)
    for persona, status in expected.items():
        http = client if persona == "visitor" else await login(persona)
        response = await http.get(url, follow_redirects=False)
        assert response.status_code == status, (persona, url, response.status_code)
        if status == 303:
            assert response.headers["location"].startswith("/login?next=")


POST_ROUTES = [
    ("/account/password", LOGGED_IN, 400),
    ("/admin/users/", ADMIN_ONLY, 400),
    # Issuing and revoking one's calendar address needs no fields: done, back to the account page.
    ("/account/calendar/", LOGGED_IN, 303),
    ("/account/calendar/revoke", LOGGED_IN, 303),
    # Meetings and agendas: an empty form is bad input; the past meeting is closed, so its agenda refuses changes.
    ("/meetings/new", SECRETARIAT_ONLY, 400),
    ("/meetings/{next_meeting}/edit", SECRETARIAT_ONLY, 400),
    ("/meetings/{next_meeting}/cancel", SECRETARIAT_ONLY, 400),
    ("/meetings/{next_meeting}/reinstate", SECRETARIAT_ONLY, 400),
    ("/meetings/{next_meeting}/agenda/items", SECRETARIAT_ONLY, 400),
    ("/meetings/{next_meeting}/agenda/consultations", SECRETARIAT_ONLY, 400),
    ("/meetings/{past_meeting}/agenda/standard", SECRETARIAT_ONLY, 400),
    ("/meetings/{past_meeting}/agenda/items/{item}", SECRETARIAT_ONLY, 400),
    ("/meetings/{past_meeting}/agenda/items/{item}/move", SECRETARIAT_ONLY, 400),
    ("/meetings/{past_meeting}/agenda/items/{item}/remove", SECRETARIAT_ONLY, 400),
    # Sending the invitation: an empty form lacks the count of earlier sendings; an unknown delivery is 404.
    ("/meetings/{next_meeting}/invitation", SECRETARIAT_ONLY, 400),
    ("/meetings/{next_meeting}/invitation/deliveries/999999/retry", SECRETARIAT_ONLY, 404),
    # Empty forms: the secretariat gets the form's 400, everyone else is refused first.
    ("/papers/", SECRETARIAT_ONLY, 400),
    ("/papers/{public_paper}/edit", SECRETARIAT_ONLY, 400),
    ("/papers/{confidential_paper}/edit", SECRETARIAT_ONLY_CONFIDENTIAL, 400),
    ("/papers/{public_paper}/publish", SECRETARIAT_ONLY, 400),
    ("/papers/{public_paper}/withdraw", SECRETARIAT_ONLY, 400),
    ("/papers/{confidential_paper}/withdraw", SECRETARIAT_ONLY_CONFIDENTIAL, 400),
    ("/papers/{public_paper}/files/", SECRETARIAT_ONLY, 400),
    ("/papers/{confidential_paper}/files/", SECRETARIAT_ONLY_CONFIDENTIAL, 400),
    ("/papers/{public_paper}/files/999999/remove", SECRETARIAT_ONLY, 404),
    ("/papers/{public_paper}/consultations/", SECRETARIAT_ONLY, 400),
    ("/papers/{confidential_paper}/consultations/", SECRETARIAT_ONLY_CONFIDENTIAL, 400),
    ("/papers/{public_paper}/consultations/{public_step}", SECRETARIAT_ONLY, 400),
    ("/papers/{public_paper}/consultations/{public_step}/move", SECRETARIAT_ONLY, 400),
    ("/papers/{public_paper}/consultations/{public_step}/remove", SECRETARIAT_ONLY, 400),
    ("/meetings/{next_meeting}/room/guests", ROOM_LEADERS, 400),
    ("/meetings/{next_meeting}/room/guests/abc/revoke", ROOM_LEADERS, 303),
]


@pytest.mark.parametrize(("route", "expected", "allowed_status"), POST_ROUTES, ids=[r for r, *_ in POST_ROUTES])
async def test_post_routes_per_persona(route, expected, allowed_status, client, login, world):
    """An empty form: refused personas never reach validation; allowed ones get the form's 400."""
    for persona, status in expected.items():
        http = client if persona == "visitor" else await login(persona)
        token = csrf_token_from((await http.get("/login")).text)
        response = await http.post(_url(route, world), data={"_csrf_token": token}, follow_redirects=False)
        want = allowed_status if status == 200 else status
        assert response.status_code == want, (persona, route, response.status_code)


async def test_post_routes_refuse_missing_csrf_even_for_admin(login, world):
    admin = await login("admin")
    for route, *_ in POST_ROUTES:
        assert (await admin.post(_url(route, world), data={})).status_code == 403
