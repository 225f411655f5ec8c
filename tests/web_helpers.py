"""Helpers for talking to the app as a browser would: forms with their CSRF token, logins."""

from __future__ import annotations

import re
from typing import Any

import httpx

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


async def submit_form(client: httpx.AsyncClient, form_url: str, action: str | None = None, **fields: Any) -> Any:
    """GET the page holding the form, then POST the fields with its CSRF token, as a browser would."""
    page = await client.get(form_url)
    assert page.status_code == 200, (form_url, page.status_code)
    data = {"_csrf_token": csrf_token_from(page.text), **fields}
    return await client.post(action or form_url, data=data, follow_redirects=False)


async def log_in(client: httpx.AsyncClient, username: str, password: str) -> None:
    response = await submit_form(client, "/login", username=username, password=password)
    assert response.status_code == 303, response.text
