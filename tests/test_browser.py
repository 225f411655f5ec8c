"""End to end: the real `council serve --demo` in a subprocess, driven by httpx and by Debian's chromium.

The server runs once per module on a free port with SQLite under a temporary var directory. The browser
tests use Playwright's sync API with the system chromium (no browser is ever downloaded).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from council.demo import DEMO_LOGINS
from tests.servers import Server, chromium, serve_demo

pytestmark = pytest.mark.browser

MEMBER = next(login for login in DEMO_LOGINS if login.username == "demo-mitglied")
# Wrong passwords go to another account, so the member's login is never throttled by them.
OTHER = next(login for login in DEMO_LOGINS if login.username == "demo-beirat")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_demo(tmp_path_factory.mktemp("serve")) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    context = browser.new_context(base_url=server.base_url, locale="de-DE")
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_serve_demo_answers_with_the_start_page(server: Server) -> None:
    response = httpx.get(f"{server.base_url}/", timeout=10)
    assert response.status_code == 200
    assert "Stadt Musterstadt" in response.text
    assert "Nächste Sitzungen" in response.text
    output = server.output()
    assert f"{server.base_url}/" in output
    for login in DEMO_LOGINS:
        assert login.username in output
        assert login.password in output


def test_skip_link_is_the_first_tab_stop_and_moves_to_main(page: Page, server: Server) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box is not None
    assert box["y"] >= 0, "the focused skip link must be visible on screen"
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{server.base_url}/#main")
    expect(page.locator("#main")).to_be_focused()


def test_member_logs_in_with_the_keyboard_and_out_again(page: Page, server: Server) -> None:
    page.goto("/account")
    expect(page).to_have_url(f"{server.base_url}/login?next=%2Faccount")
    username = page.get_by_label("Benutzername")
    username.fill(MEMBER.username)
    page.keyboard.press("Tab")
    password = page.get_by_label("Passwort")
    expect(password).to_be_focused()
    page.keyboard.type(MEMBER.password)
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{server.base_url}/account")
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav.get_by_role("link", name="Mein Konto")).to_be_visible()

    nav.get_by_role("button", name="Abmelden").click()
    expect(page).to_have_url(f"{server.base_url}/")
    expect(nav.get_by_role("link", name="Anmelden")).to_be_visible()
    expect(nav.get_by_role("link", name="Mein Konto")).to_have_count(0)


def test_wrong_password_shows_an_alert_with_status_401(page: Page, server: Server) -> None:
    response = page.goto("/login")
    assert response is not None
    assert response.status == 200
    page.get_by_label("Benutzername").fill(OTHER.username)
    page.get_by_label("Passwort").fill("definitely-wrong")
    with page.expect_response(lambda r: r.url.endswith("/login") and r.request.method == "POST") as submitted:
        page.get_by_label("Passwort").press("Enter")
    assert submitted.value.status == 401

    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Benutzername oder Passwort ist falsch.")
    expect(page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Anmelden")).to_be_visible()


def test_no_horizontal_scrolling_at_360_pixels(browser: Browser, server: Server) -> None:
    context = browser.new_context(base_url=server.base_url, locale="de-DE", viewport={"width": 360, "height": 740})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/organizations")
        first = page.locator("main a[href^='/organizations/']").first
        organization = first.get_attribute("href")
        assert organization
        for path in ("/", organization):
            response = page.goto(path)
            assert response is not None
            assert response.status == 200, path
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{path} scrolls horizontally: scrollWidth {width}"
    finally:
        context.close()


SECRETARIAT = next(login for login in DEMO_LOGINS if login.username == "demo-sitzungsdienst")


def _log_in(page: Page, server: Server, login: object) -> None:
    page.goto("/login")
    page.get_by_label("Benutzername").fill(login.username)  # type: ignore[attr-defined]
    page.get_by_label("Passwort").fill(login.password)  # type: ignore[attr-defined]
    page.get_by_label("Passwort").press("Enter")
    expect(page).to_have_url(f"{server.base_url}/")


def _planned_agenda(page: Page) -> str:
    """The agenda editor of the first planned meeting in the secretariat's overview."""
    page.goto("/secretariat/meetings")
    row = page.locator("tr", has_text="geplant").first
    href = row.get_by_role("link", name="Tagesordnung").get_attribute("href")
    assert href
    return href


def _public_titles(page: Page) -> list[str]:
    rows = page.locator("#agenda-editor ol.editor-list").first.locator(":scope > li > .editor-row .agenda-title")
    return [title.strip() for title in rows.all_inner_texts()]


def test_secretariat_reorders_the_agenda_with_the_keyboard_and_by_drag_and_drop(page: Page, server: Server) -> None:
    # Tall enough that the dragged item and its target are on screen together, as a mouse user would drag.
    page.set_viewport_size({"width": 1280, "height": 2000})
    _log_in(page, server, SECRETARIAT)
    editor = _planned_agenda(page)
    page.goto(editor)
    before = _public_titles(page)
    assert len(before) >= 3

    # Keyboard: the first item's "nach unten" button, pressed with Enter; htmx swaps only the agenda section.
    down = page.locator("#agenda-editor .editor-item").first.get_by_role("button", name="nach unten")
    down.focus()
    with page.expect_response(lambda r: r.url.endswith("/move") and r.status == 200):
        page.keyboard.press("Enter")
    first_title = page.locator("#agenda-editor ol.editor-list").first.locator(":scope > li > .editor-row .agenda-title")
    expect(first_title.first).to_have_text(before[1])
    assert _public_titles(page)[:2] == [before[1], before[0]]
    expect(page).to_have_url(f"{server.base_url}{editor}")
    # Focus stays on the button that was pressed (same id after the swap), so Enter can be pressed again.
    focused = page.evaluate("document.activeElement && document.activeElement.id")
    assert focused and focused.startswith("down-")

    # Drag and drop: the last main item of the public part onto the top.
    items = page.locator("#agenda-editor ol.editor-list").first.locator(":scope > li")
    last_title = _public_titles(page)[-1]
    with page.expect_response(lambda r: r.url.endswith("/move") and r.status == 200):
        items.last.locator(".drag-handle").drag_to(items.first, target_position={"x": 20, "y": 3})
    expect(items.first.locator(":scope > .editor-row .agenda-title")).to_have_text(last_title)
    expect(items.first.locator(":scope > .editor-row .agenda-number")).to_have_text("Ö 1")

    # Without JavaScript the same buttons are plain forms.
    no_js = page.context.browser.new_context(base_url=server.base_url, locale="de-DE", java_script_enabled=False)  # type: ignore[union-attr]
    try:
        plain = no_js.new_page()
        _log_in(plain, server, SECRETARIAT)
        plain.goto(editor)
        first = _public_titles(plain)[0]
        plain.locator("#agenda-editor .editor-item").first.get_by_role("button", name="nach unten").click()
        expect(plain).to_have_url(re.compile(re.escape(f"{server.base_url}{editor}") + r"#item-\d+"))
        assert _public_titles(plain)[1] == first
    finally:
        no_js.close()


def test_secretary_edits_the_beratungsfolge_in_place_with_htmx(page: Page, server: Server) -> None:
    _log_in(page, server, SECRETARIAT)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Vorlagen").click()
    page.get_by_role("link", name="GRÜ/1248/16").click()
    expect(page.get_by_role("heading", name="Beratungsfolge")).to_be_visible()
    # A full page load would reset this; htmx swaps only the section.
    page.evaluate("window.notReloaded = true")
    section = page.locator("#consultations")
    section.locator("#step-organization").select_option(label="Digitalbeirat")
    section.locator("#step-role").select_option(label="Kenntnisnahme")
    section.get_by_role("button", name="Hinzufügen").click()
    steps = page.locator("#consultations ol.timeline > li")
    expect(steps).to_have_count(2)
    expect(steps.nth(1)).to_contain_text("Digitalbeirat – Kenntnisnahme")
    steps.nth(1).get_by_role("button", name="nach oben").click()
    expect(steps.nth(0)).to_contain_text("Digitalbeirat")
    steps.nth(0).get_by_role("button", name="Entfernen").click()
    expect(steps).to_have_count(1)
    assert page.evaluate("window.notReloaded") is True


def test_secretary_uploads_a_pdf_and_a_fake_is_refused(page: Page, server: Server, tmp_path: Path) -> None:
    from council.demo.attachments import render_pdf

    good = tmp_path / "Stellungnahme.pdf"
    good.write_bytes(render_pdf("Stellungnahme", "Musterstadt", [("Inhalt", "Stellungnahme des Seniorenbeirats")]))
    fake = tmp_path / "Programm.pdf"
    fake.write_bytes(b"MZ\x90\x00" + bytes(300))
    _log_in(page, server, SECRETARIAT)
    page.goto("/papers?q=Bürgerbüro")
    page.get_by_role("link", name="VO/2014/01919").click()
    page.get_by_label("PDF-Datei hochladen").set_input_files(str(fake))
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        page.get_by_role("button", name="Anlage hochladen").click()
    assert refused.value.status == 400
    expect(page.locator("#files .field-error")).to_contain_text("kein PDF")
    page.get_by_label("PDF-Datei hochladen").set_input_files(str(good))
    page.get_by_label("Bezeichnung (optional)").fill("Stellungnahme des Beirats")
    page.get_by_role("button", name="Anlage hochladen").click()
    link = page.get_by_role("link", name="Stellungnahme des Beirats", exact=True)
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href is not None
    response = httpx.get(f"{server.base_url}{href}", timeout=10)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
