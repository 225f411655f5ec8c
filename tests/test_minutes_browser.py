"""The minutes editor in Debian's chromium: htmx swaps one item's form in place and saves it without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from council.demo import DEMO_LOGINS
from tests.servers import Server
from tests.test_browser import browser, page, server  # noqa: F401  (the shared server and browser)

pytestmark = pytest.mark.browser
SECRETARIAT = next(login for login in DEMO_LOGINS if login.username == "demo-sitzungsdienst")


def _log_in(tab: Page) -> None:
    tab.goto("/login")
    tab.get_by_label("Benutzername").fill(SECRETARIAT.username)
    tab.get_by_label("Passwort").fill(SECRETARIAT.password)
    tab.get_by_label("Passwort").press("Enter")
    expect(tab.get_by_role("link", name="Mein Konto")).to_be_visible()


def _a_draft(tab: Page) -> str:
    for meeting_id in range(1, 20):
        path = f"/meetings/{meeting_id}/minutes"
        response = tab.goto(path)
        if response is not None and response.status == 200 and tab.get_by_text("Text bearbeiten").count():
            return path
    raise AssertionError("the demo has no draft minutes")


def test_the_secretariat_edits_an_item_in_place(page: Page, server: Server) -> None:  # noqa: F811
    _log_in(page)
    path = _a_draft(page)
    first_item = page.locator("section.agenda-item").first
    item_id = first_item.get_attribute("id")
    first_item.get_by_role("link", name="Text bearbeiten").click()
    textarea = page.locator(f"#{item_id} textarea")
    expect(textarea).to_be_visible()
    expect(page).to_have_url(f"{server.base_url}{path}")  # swapped in place, no navigation
    textarea.fill("Die Sitzung wird pünktlich eröffnet; die Beschlussfähigkeit wird festgestellt.")
    page.locator(f"#{item_id}").get_by_role("button", name="Speichern").click()
    expect(page.locator(f"#{item_id}")).to_contain_text("Die Sitzung wird pünktlich eröffnet")
    expect(page.locator(f"#{item_id} textarea")).to_have_count(0)
    page.reload()
    expect(page.locator(f"#{item_id}")).to_contain_text("die Beschlussfähigkeit wird festgestellt")
