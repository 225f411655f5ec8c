"""Every minutes route against every persona, in the states where it matters."""

from __future__ import annotations

from typing import Any

import pytest

from tests.minutes_scene import minutes_scene
from tests.web_helpers import csrf_token_from

PERSONAS = ("visitor", "member", "deputy", "chair", "secretariat", "admin", "other_committee_member")


def expect(default: int, **overrides: int) -> dict[str, int]:
    return {persona: overrides.get(persona, default) for persona in PERSONAS}


INSIDERS = {"member": 200, "deputy": 200, "chair": 200, "secretariat": 200, "admin": 200}
WRITERS = {"visitor": 303, "secretariat": 200, "admin": 200}
NOBODY = expect(404)

DRAFT_GETS = [
    ("{base}", expect(404, **INSIDERS)),
    ("{base}/internal.pdf", expect(404, chair=200, secretariat=200, admin=200)),
    ("{base}/public", NOBODY),
    ("{base}/public.pdf", NOBODY),
    ("{base}/versions/1", NOBODY),
    ("{base}/items/{item}/edit", expect(403, **WRITERS)),
    ("{base}/items/{item}", expect(403, **WRITERS)),
]
SUBMITTED_GETS = [
    ("{base}", expect(404, **INSIDERS)),
    ("{base}/versions/1", expect(404, **INSIDERS)),
    ("{base}/versions/1/public.pdf", expect(404, **INSIDERS)),
    ("{base}/public", NOBODY),
    ("{base}/items/{item}/edit", expect(403, visitor=303)),
]
# An empty form: refused personas are turned away before any validation; allowed ones get the form's answer.
DRAFT_POSTS = [
    ("{base}", expect(403, visitor=303, secretariat=409, admin=409)),
    ("{base}/regenerate", expect(403, visitor=303, secretariat=303, admin=303)),
    ("{base}/header", expect(403, visitor=303, secretariat=400, admin=400)),
    ("{base}/items/{item}", expect(403, visitor=303, secretariat=400, admin=400)),
    ("{base}/withdraw", expect(403, visitor=303, secretariat=409, admin=409)),
    ("{base}/reopen", expect(403, visitor=303, secretariat=409, admin=409)),
    ("{base}/approve", expect(403, visitor=303, chair=400, secretariat=400, admin=400)),
    ("{base}/sign", expect(403, visitor=303, chair=400, secretariat=400)),
    ("{base}/vote-records", expect(400, visitor=303, other_committee_member=403)),
    ("{base}/vote-records/999/delete", expect(404, visitor=303, other_committee_member=403)),
    ("{base}/submit", expect(403, visitor=303, secretariat=303, admin=409)),  # last: it moves the minutes on
]


async def _clients(client: Any, login: Any) -> dict[str, Any]:
    return {persona: client if persona == "visitor" else await login(persona) for persona in PERSONAS}


async def _check_gets(clients: dict[str, Any], routes: Any, urls: dict[str, Any]) -> None:
    for route, expected in routes:
        url = route.format(**urls)
        for persona, status in expected.items():
            response = await clients[persona].get(url, follow_redirects=False)
            assert response.status_code == status, (persona, url, response.status_code)


@pytest.mark.parametrize("phase", ["draft", "submitted"])
async def test_minutes_pages_per_persona(phase, sessions, world, client, login):
    scene = await minutes_scene(sessions, world)
    urls = {"base": f"/meetings/{scene.meeting_id}/minutes", "item": scene.public_item_id}
    clients = await _clients(client, login)
    if phase == "submitted":
        secretariat = clients["secretariat"]
        token = csrf_token_from((await secretariat.get("/login")).text)
        assert (await secretariat.post(f"{urls['base']}/submit", data={"_csrf_token": token})).status_code == 303
    await _check_gets(clients, DRAFT_GETS if phase == "draft" else SUBMITTED_GETS, urls)


async def test_minutes_forms_per_persona(sessions, world, client, login):
    scene = await minutes_scene(sessions, world)
    urls = {"base": f"/meetings/{scene.meeting_id}/minutes", "item": scene.public_item_id}
    clients = await _clients(client, login)
    tokens = {p: csrf_token_from((await http.get("/login")).text) for p, http in clients.items()}
    for route, expected in DRAFT_POSTS:
        url = route.format(**urls)
        for persona, status in expected.items():
            response = await clients[persona].post(url, data={"_csrf_token": tokens[persona]}, follow_redirects=False)
            assert response.status_code == status, (persona, url, response.status_code)
            if status == 303 and persona == "visitor":
                assert response.headers["location"].startswith("/login?next=")


async def test_minutes_forms_refuse_a_missing_csrf_token(sessions, world, login):
    scene = await minutes_scene(sessions, world)
    admin = await login("admin")
    for route, _ in DRAFT_POSTS:
        url = route.format(base=f"/meetings/{scene.meeting_id}/minutes", item=scene.public_item_id)
        assert (await admin.post(url, data={})).status_code == 403, url
