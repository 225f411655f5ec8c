"""Chromium in the demo's digital advisory board meeting: the secretariat allows recording in the meeting form,
starts it in the room and the member's page says so; a shared screen reaches the member, shown apart and larger."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.servers import FAKE_MEDIA, Server, serve_room_demo, two_chromiums
from tests.test_meeting_room_browser import (
    BOARD_MEMBER,
    SECRETARIAT,
    digital_board_meeting,
    logged_in,
    open_meeting_with_a_poll,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

MEDIA = (*FAKE_MEDIA, "--auto-select-desktop-capture-source=Entire screen")

SCREEN_FRAMES = """() => {
  const video = document.querySelector("#screen video");
  return Boolean(video && video.videoWidth > 0 && !document.getElementById("screen-share").hidden);
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_room_demo(tmp_path_factory.mktemp("room-media")) as running:
        yield running


@pytest.fixture(scope="module")
def browsers() -> Iterator[tuple[Browser, Browser]]:
    with two_chromiums(*MEDIA) as both:
        yield both


def test_recording_is_shown_to_everyone_and_a_shared_screen_arrives(
    server: Server, browsers: tuple[Browser, Browser]
) -> None:
    first, second = browsers
    staff_context, staff = logged_in(first, server, SECRETARIAT.username, SECRETARIAT.password)
    member_context, member = logged_in(second, server, BOARD_MEMBER.username, BOARD_MEMBER.password)
    try:
        meeting_id = digital_board_meeting(staff)
        staff.goto(f"/meetings/{meeting_id}/edit")
        staff.get_by_label("Aufzeichnung erlauben").check()
        staff.get_by_role("button", name="Speichern").click()
        expect(staff.locator("dl.facts")).to_contain_text("erlaubt")
        open_meeting_with_a_poll(staff, meeting_id)
        for page in (staff, member):
            page.goto(f"/meetings/{meeting_id}/room")
            page.get_by_role("button", name="Beitreten").click()
        for page in (staff, member):
            expect(page.locator("#room-status")).to_have_text("Verbunden mit dem Sitzungsraum.")

        staff.get_by_role("button", name="Aufzeichnung starten").click()
        expect(member.locator("#recording-indicator")).to_have_text("Aufzeichnung läuft")
        expect(member.locator("#room-status")).to_have_text("Hinweis: Diese Sitzung wird aufgezeichnet.")
        expect(staff.get_by_role("button", name="Aufzeichnung beenden")).to_have_attribute("aria-pressed", "true")

        staff.get_by_role("button", name="Bildschirm teilen").click()
        expect(staff.get_by_role("button", name="Teilen beenden")).to_have_attribute("aria-pressed", "true")
        member.wait_for_function(SCREEN_FRAMES, timeout=45_000)
        expect(member.locator("#screen-caption")).to_contain_text("teilt den Bildschirm")
        expect(member.locator("#screen video")).to_have_attribute("aria-label", re.compile(r"^Bildschirm von \S"))
        staff.get_by_role("button", name="Teilen beenden").click()
        expect(member.locator("#screen-share")).to_be_hidden()

        staff.get_by_role("button", name="Aufzeichnung beenden").click()
        expect(member.locator("#recording-indicator")).to_have_text("")
        expect(member.locator("#room-status")).to_have_text("Die Aufzeichnung wurde beendet.")
        staff.goto(f"/meetings/{meeting_id}")
        expect(staff.get_by_role("heading", name="Aufzeichnungen")).to_be_visible()
        member.goto(f"/meetings/{meeting_id}")
        expect(member.get_by_role("heading", name="Aufzeichnungen")).to_have_count(0)
    finally:
        member_context.close()
        staff_context.close()
