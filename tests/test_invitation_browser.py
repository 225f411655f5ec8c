"""In Debian's chromium against `council serve --demo` with a real SMTP server: the secretariat schedules a
meeting, drafts and reorders its agenda, sends the invitation and opens the invitation PDF."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, Page, expect

from council.demo import DEMO_LOGINS
from tests.mail_server import Inbox, smtp_env
from tests.servers import Server, chromium, free_port, serve_demo

pytestmark = pytest.mark.browser
SECRETARIAT = next(login for login in DEMO_LOGINS if login.username == "demo-sitzungsdienst")


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Inbox]:
    inbox = Inbox(port=free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, mailbox: Inbox) -> Iterator[Server]:
    with serve_demo(tmp_path_factory.mktemp("serve-mail"), env=smtp_env(mailbox)) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    context = browser.new_context(base_url=server.base_url, locale="de-DE")
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def titles(tab: Page) -> list[str]:
    return tab.locator("#agenda-editor ol.editor-list > li .agenda-title").all_inner_texts()


def test_secretariat_drafts_reorders_sends_and_opens_the_pdf(page: Page, server: Server, mailbox: Inbox) -> None:
    page.goto("/login")
    page.get_by_label("Benutzername").fill(SECRETARIAT.username)
    page.get_by_label("Passwort").fill(SECRETARIAT.password)
    page.get_by_label("Passwort").press("Enter")
    expect(page.get_by_role("link", name="Mein Konto")).to_be_visible()

    page.goto("/secretariat/meetings")
    page.get_by_text("Neue Sitzung anlegen").click()
    page.get_by_role("link", name="Hauptausschuss", exact=True).click()
    day = dt.date.today() + dt.timedelta(days=30)
    page.get_by_label("Datum").fill(day.isoformat())
    page.get_by_label("Beginn (Uhrzeit)").fill("17:00")
    page.get_by_label("Sitzungsort").select_option(index=1)
    page.get_by_role("button", name="Sitzung anlegen").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/agenda"))
    meeting_path = re.sub(r"/agenda.*$", "", page.url.replace(server.base_url, ""))

    for title in ("Bericht der Verwaltung", "Haushalt 2027"):
        page.locator("#new-title").fill(title)
        page.get_by_role("button", name="Punkt hinzufügen").click()
        expect(page.locator("#agenda-editor")).to_contain_text(title)
    assert titles(page) == ["Bericht der Verwaltung", "Haushalt 2027"]
    page.get_by_role("button", name="nach oben Ö 2").click()
    expect(page.locator("#agenda-editor ol.editor-list > li .agenda-title").first).to_have_text("Haushalt 2027")
    assert titles(page) == ["Haushalt 2027", "Bericht der Verwaltung"]

    page.goto(meeting_path)
    page.get_by_role("link", name="Einladung versenden").click()
    page.get_by_role("button", name="Einladung versenden").click()
    expect(page.locator("#deliveries")).to_contain_text("zugestellt")
    assert mailbox.received, "the SMTP server received no invitation"
    subjects = {r.message["Subject"] for r in mailbox.received}
    assert all(s.startswith("Einladung: ") and "Hauptausschuss" in s for s in subjects)
    text = mailbox.received[0].message.get_body(("plain",))
    assert text is not None and "Ö 1  Haushalt 2027" in text.get_content()

    page.goto(meeting_path)
    expect(page.get_by_text("eingeladen", exact=True)).to_be_visible()
    link = page.get_by_role("link", name="Einladung (PDF)")
    href = link.get_attribute("href")
    assert href is not None
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
