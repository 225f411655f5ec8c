"""axe-core (npm, pinned in package-lock.json) in Debian's chromium on the public pages: no WCAG 2.1 A/AA
violation, and no horizontal scrolling at 360 px."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from tests.servers import Server, chromium, serve_demo

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NARROW: ViewportSize = {"width": 360, "height": 740}
WIDE: ViewportSize = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_demo(tmp_path_factory.mktemp("axe")) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


def _first_link(server: Server, listing: str, pattern: str) -> str:
    html = httpx.get(f"{server.base_url}{listing}", timeout=30).text
    found = re.search(pattern, html)
    assert found, f"no link {pattern} on {listing}"
    return found.group(0).strip('"').removeprefix("href=").strip('"')


@pytest.fixture(scope="module")
def pages(server: Server) -> list[str]:
    meeting = _first_link(server, "/calendar?when=past", r'href="/meetings/\d+"')
    paper = _first_link(server, "/papers", r'href="/papers/\d+"')
    month = _first_link(server, "/calendar", r'href="/calendar/\d{4}/\d{2}"')
    return ["/", meeting, paper, "/search?q=Haushalt", "/calendar", month, "/barrierefreiheit"]


def _axe_violations(page: Page) -> list[dict[str, object]]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs it with npm ci (package-lock.json)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        {"id": v["id"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["desktop", "360px"])
def test_public_pages_have_no_axe_violations(
    browser: Browser, server: Server, pages: list[str], viewport: ViewportSize
) -> None:
    # The app's Content-Security-Policy forbids inline scripts; axe is injected by the test, not the page.
    context = browser.new_context(base_url=server.base_url, locale="de-DE", viewport=viewport, bypass_csp=True)
    try:
        page = context.new_page()
        problems = {}
        for path in pages:
            page.goto(path)
            violations = _axe_violations(page)
            if violations:
                problems[path] = violations
        assert problems == {}
    finally:
        context.close()


def test_public_pages_do_not_scroll_sideways_at_360px(browser: Browser, server: Server, pages: list[str]) -> None:
    context = browser.new_context(base_url=server.base_url, locale="de-DE", viewport=NARROW)
    try:
        page = context.new_page()
        too_wide = {}
        for path in pages:
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > NARROW["width"]:
                too_wide[path] = width
        assert too_wide == {}
    finally:
        context.close()


def test_the_axe_check_catches_a_violation(browser: Browser) -> None:
    """The check above can fail: an image without text and an unlabelled field are reported."""
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.set_content('<html lang="de"><title>t</title><main><img src="x.png"><input type="text"></main></html>')
        assert {v["id"] for v in _axe_violations(page)} >= {"image-alt", "label"}
    finally:
        context.close()
