"""The room's access in Debian chromium: the secretariat invites a guest, who waits in the lobby until admitted and
then receives the room's media; the secretariat allows the public stream and an anonymous visitor listens without
any control to speak."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, expect

from tests.servers import FAKE_MEDIA, Server, serve_room_demo, two_chromiums
from tests.test_meeting_room_browser import INBOUND_PACKETS, SECRETARIAT, digital_board_meeting, logged_in

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_room_demo(tmp_path_factory.mktemp("room-access")) as running:
        yield running


@pytest.fixture(scope="module")
def browsers() -> Iterator[tuple[Browser, Browser]]:
    with two_chromiums(*FAKE_MEDIA) as both:
        yield both


def test_guest_waits_in_the_lobby_and_a_visitor_listens(server: Server, browsers: tuple[Browser, Browser]) -> None:
    first, second = browsers
    staff_context, staff = logged_in(first, server, SECRETARIAT.username, SECRETARIAT.password)
    guest_context = second.new_context(base_url=server.base_url, locale="de-DE")
    visitor_context = second.new_context(base_url=server.base_url, locale="de-DE")
    for context in (guest_context, visitor_context):
        context.set_default_timeout(15_000)
    try:
        meeting_id = digital_board_meeting(staff)
        staff.goto(f"/meetings/{meeting_id}/room/guests")
        staff.get_by_label("Name des Gastes").fill("Dr. Erika Expertin")
        staff.get_by_role("button", name="Gastzugang erstellen").click()
        link = urlsplit(staff.get_by_label("Link für den Gast").input_value())

        staff.goto(f"/meetings/{meeting_id}/room")
        staff.get_by_role("button", name="Beitreten").click()
        expect(staff.locator("#room-status")).to_have_text("Verbunden mit dem Sitzungsraum.")

        guest = guest_context.new_page()
        guest.goto(f"{link.path}?{link.query}")  # the configured public address may differ from the test server
        guest.get_by_role("button", name="Beitreten").click()
        expect(guest.locator("#room-status")).to_contain_text("Sie warten im Vorraum")
        admit = staff.get_by_role("button", name="Hereinlassen: Dr. Erika Expertin")
        expect(admit).to_be_visible()
        admit.click()
        expect(guest.locator("#room-status")).to_have_text("Verbunden mit dem Sitzungsraum.")
        expect(staff.locator("#participants")).to_contain_text("Dr. Erika Expertin")
        guest.wait_for_function(f"({INBOUND_PACKETS})().then(c => c.audio > 50)", timeout=45_000)

        staff.get_by_label("Öffentliche Übertragung freigeben (nur Zuhören, ohne Anmeldung)").check()
        expect(staff.locator("#stream-state")).to_contain_text("Die öffentliche Übertragung ist freigegeben.")
        visitor = visitor_context.new_page()
        visitor.goto(f"/meetings/{meeting_id}/room")
        expect(visitor.get_by_role("button", name="Hand heben")).to_have_count(0)
        expect(visitor.locator("#microphone")).to_have_count(0)
        visitor.get_by_role("button", name="Zuhören").click()
        expect(visitor.locator("#room-status")).to_have_text("Sie hören die öffentliche Übertragung.")
        visitor.wait_for_function(f"({INBOUND_PACKETS})().then(c => c.audio > 50)", timeout=45_000)
        assert visitor.evaluate("window.councilRoom.publish") is None  # nothing sent

        staff.get_by_label("Öffentliche Übertragung freigeben (nur Zuhören, ohne Anmeldung)").uncheck()
        expect(visitor.locator("#room-status")).to_have_text("Die öffentliche Übertragung wurde beendet.")
    finally:
        for context in (visitor_context, guest_context, staff_context):
            context.close()
