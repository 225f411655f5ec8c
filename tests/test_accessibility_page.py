"""The accessibility statement: linked from every page's footer, with the configured feedback contact."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar

from council.settings import Settings
from tests.conftest import browser_client


async def test_statement_is_linked_from_the_footer_and_offers_a_feedback_address(
    client: httpx.AsyncClient, world
) -> None:
    home = await client.get("/")
    assert 'href="/barrierefreiheit"' in home.text.split('<footer class="site-footer">', 1)[1]

    page = await client.get("/barrierefreiheit")

    assert page.status_code == 200
    assert "<h1>Erklärung zur Barrierefreiheit</h1>" in page.text
    assert 'id="feedback"' in page.text
    assert 'href="mailto:' in page.text


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, accessibility_contact="barrierefrei@musterstadt.example")


@pytest.fixture
async def configured_client(running_app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    async with browser_client(running_app) as client:
        yield client


async def test_configured_contact_takes_precedence(configured_client: httpx.AsyncClient, world) -> None:
    page = await configured_client.get("/barrierefreiheit")
    assert 'href="mailto:barrierefrei@musterstadt.example?subject=' in page.text
