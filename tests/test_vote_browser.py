"""Three members vote from three browsers, the chair closes the poll from a fourth: every screen, and the public
live page, shows the result without being reloaded (SSE), and the member's screen announces it (aria-live)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.demo_poll import SECRETARIAT, DemoMeeting, log_in, open_named_poll, prepare_voters
from tests.servers import Server, chromium, serve_demo

pytestmark = pytest.mark.browser
CHAIR = "demo-vorsitz"
RESULT = "Ja: 2, Nein: 1, Enthaltungen: 1, Befangen: 0"
# Set on the window once a screen is loaded: still there at the end means the page was never reloaded.
MARK = "window.__notReloaded = true"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with serve_demo(tmp_path / "serve") as running:
        yield running


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


def _screen(
    browser: Browser, server: Server, username: str | None, path: str, *, javascript: bool = True
) -> tuple[BrowserContext, Page]:
    context = browser.new_context(base_url=server.base_url, locale="de-DE", java_script_enabled=javascript)
    context.set_default_timeout(15_000)
    page = context.new_page()
    if username is not None:
        page.goto("/login")
        page.get_by_label("Benutzername").fill(username)
        page.get_by_label("Passwort").fill("demo-passwort")
        page.get_by_label("Passwort").press("Enter")
        expect(page.get_by_role("link", name="Mein Konto")).to_be_visible()
    page.goto(path)
    return context, page


def vote(page: Page, choice: str) -> None:
    """Choose, look at the choice, confirm: two steps, the same with or without JavaScript."""
    page.get_by_role("button", name=choice, exact=True).click()
    expect(page.locator(".pending")).to_have_text(f"Ihre Stimme: {choice}")
    expect(page.locator(".receipt")).to_have_count(0)
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.locator(".receipt")).to_contain_text(f"Ihre Stimme: {choice}")


def _not_reloaded(page: Page) -> bool:
    return bool(page.evaluate("window.__notReloaded === true"))


def test_three_members_vote_the_chair_closes_and_every_screen_shows_the_result(
    browser: Browser, server: Server
) -> None:
    demo: DemoMeeting = prepare_voters(f"sqlite+aiosqlite:///{Path(server.env['COUNCIL_VAR_DIR']) / 'council.sqlite3'}")
    with httpx.Client(base_url=server.base_url, timeout=30) as secretariat:
        log_in(secretariat, SECRETARIAT)
        open_named_poll(secretariat, demo)
    members = [v.username for v in demo.voters if v.username != CHAIR][:4]
    vote_path = f"/meetings/{demo.meeting_id}/vote"
    screens = [_screen(browser, server, name, vote_path) for name in members[:3]]
    # A fourth member's phone runs no JavaScript: plain forms, a page per step.
    plain_context, plain = _screen(browser, server, members[3], vote_path, javascript=False)
    chair_context, chair = _screen(browser, server, CHAIR, f"/meetings/{demo.meeting_id}/console")
    public_context, public = _screen(browser, server, None, f"/meetings/{demo.meeting_id}/live")
    try:
        for (_, page), choice in zip(screens, ["Ja", "Ja", "Nein"], strict=True):
            vote(page, choice)
        # From now on the others' votes change only the count on the first member's screen: it is put in place
        # from the push, without the screen fetching its panel again.
        refetched: list[str] = []
        first = screens[0][1]
        first.on("request", lambda request: refetched.extend([request.url] if "/vote/panel" in request.url else []))
        plain.get_by_role("button", name="Ja", exact=True).click()
        plain.get_by_role("link", name="Ändern").click()  # changes their mind before confirming
        vote(plain, "Enthaltung")
        for page in [*(p for _, p in screens), public]:
            page.evaluate(MARK)
        expect(public.locator(".progress-text")).to_contain_text(f"4 von {len(demo.voters)} haben abgestimmt")
        expect(first.locator("#vote-panel .meta")).to_contain_text(f"4 von {len(demo.voters)} haben abgestimmt")
        expect(chair.locator("#live")).to_contain_text(f"4 von {len(demo.voters)} haben abgestimmt")
        assert refetched == []
        announcement = screens[0][1].locator("#vote-announcement")
        expect(announcement).to_have_attribute("aria-live", "polite")
        expect(announcement).to_have_attribute("role", "status")
        announcement.evaluate("node => { node.dataset.mark = 'kept' }")

        chair.get_by_role("button", name="Abstimmung schließen").click()
        expect(chair.locator("#live")).to_contain_text(RESULT)

        for _, page in screens:
            expect(page.locator("#vote-panel .counts")).to_have_text(RESULT)
            expect(page.locator("#vote-panel .result")).to_contain_text("mehrheitlich beschlossen")
            assert _not_reloaded(page)
        expect(public.locator("#live-panel .counts")).to_have_text(RESULT)
        assert _not_reloaded(public)
        # The same live region, changed in place: that is what a screen reader announces.
        expect(announcement).to_contain_text("mehrheitlich beschlossen")
        expect(announcement).to_have_attribute("data-mark", "kept")
    finally:
        for context, _ in [*screens, (plain_context, plain), (chair_context, chair), (public_context, public)]:
            context.close()
