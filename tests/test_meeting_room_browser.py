"""Two Debian chromium instances in the demo's online advisory board meeting: they receive each other's media
through the relay (getStats counters rise), the member raises a hand, and votes from the room page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from council.demo import DEMO_LOGINS
from tests.servers import FAKE_MEDIA, Server, serve_room_demo, two_chromiums

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

BOARD_MEMBER = next(login for login in DEMO_LOGINS if login.username == "demo-beirat")
SECRETARIAT = next(login for login in DEMO_LOGINS if login.username == "demo-sitzungsdienst")
ITEM_TITLE = "Konzept für digitale Sitzungen"

INBOUND_PACKETS = """async () => {
  const pc = window.councilRoom && window.councilRoom.subscribe;
  if (!pc) return {audio: 0, video: 0};
  const counts = {audio: 0, video: 0};
  (await pc.getStats()).forEach((s) => { if (s.type === "inbound-rtp") counts[s.kind] += s.packetsReceived; });
  return counts;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve_room_demo(tmp_path_factory.mktemp("room")) as running:
        yield running


@pytest.fixture(scope="module")
def browsers() -> Iterator[tuple[Browser, Browser]]:
    with two_chromiums(*FAKE_MEDIA) as both:
        yield both


def logged_in(browser: Browser, server: Server, username: str, password: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(base_url=server.base_url, locale="de-DE")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r"^(?!.*/login)"))
    return context, page


def digital_board_meeting(page: Page) -> int:
    page.goto("/organizations")
    page.get_by_role("link", name="Digitalbeirat").first.click()
    page.get_by_role("link", name="Sitzungen verwalten").click()
    hrefs = page.eval_on_selector_all("a[href^='/meetings/']", "links => links.map(a => a.getAttribute('href'))")
    ids = dict.fromkeys(int(m.group(1)) for h in hrefs if (m := re.match(r"/meetings/(\d+)", h)))
    for meeting_id in ids:
        page.goto(f"/meetings/{meeting_id}")
        if ITEM_TITLE in page.content():
            return meeting_id
    raise AssertionError("the demo has no upcoming Digitalbeirat meeting")


SUBMIT_FORM = """async ([rows, text, action, field, value]) => {
  const row = [...document.querySelectorAll(rows)].find((a) => a.textContent.includes(text));
  const form = row.querySelector(`form[action$="${action}"]`);
  const data = new FormData(form);
  if (field) data.set(field, value);
  return (await fetch(form.action, {method: "POST", body: new URLSearchParams(data)})).status;
}"""
ITEM = "article.console-item"


def open_meeting_with_a_poll(page: Page, meeting_id: int) -> None:
    """The secretariat opens the meeting and prepares a named poll on the item (the console's own forms, sent by
    script: the console re-renders itself live, which closes the collapsed form under a clicking robot)."""
    page.goto(f"/meetings/{meeting_id}/console")
    page.get_by_role("button", name="Sitzung eröffnen").click()
    page.goto(f"/meetings/{meeting_id}/console")
    assert page.evaluate(SUBMIT_FORM, [ITEM, ITEM_TITLE, "/polls", "kind", "named"]) == 200


def reach_quorum_and_open_the_poll(page: Page, meeting_id: int) -> None:
    """Two more board members are in the council chamber (hybrid meeting): the secretariat records them."""
    page.goto(f"/meetings/{meeting_id}/attendance")
    for name in ("Rentsch", "Achterberg"):
        assert page.evaluate(SUBMIT_FORM, ["tr", name, "/attendance/", "status", "present"]) == 200
    page.goto(f"/meetings/{meeting_id}/console")
    assert page.evaluate(SUBMIT_FORM, [ITEM, ITEM_TITLE, "/open", None, None]) == 200


def test_two_browsers_meet_raise_a_hand_and_vote(server: Server, browsers: tuple[Browser, Browser]) -> None:
    first, second = browsers
    staff_context, staff = logged_in(first, server, SECRETARIAT.username, SECRETARIAT.password)
    member_context, member = logged_in(second, server, BOARD_MEMBER.username, BOARD_MEMBER.password)
    try:
        meeting_id = digital_board_meeting(staff)
        open_meeting_with_a_poll(staff, meeting_id)
        for page in (staff, member):
            page.goto(f"/meetings/{meeting_id}/room")
            page.get_by_role("button", name="Beitreten").click()
        for page in (staff, member):
            expect(page.locator("#room-status")).to_have_text("Verbunden mit dem Sitzungsraum.")
        for page in (staff, member):
            page.wait_for_function(f"({INBOUND_PACKETS})().then(c => c.audio > 50 && c.video > 50)", timeout=45_000)
            before = page.evaluate(INBOUND_PACKETS)
            page.wait_for_timeout(1000)
            after = page.evaluate(INBOUND_PACKETS)
            assert after["audio"] > before["audio"] and after["video"] > before["video"]

        member.get_by_role("button", name="Hand heben").click()
        expect(staff.locator("#speakers-list li")).to_have_count(1)
        expect(member.get_by_role("button", name="Hand heben")).to_have_attribute("aria-pressed", "true")

        reach_quorum_and_open_the_poll(staff, meeting_id)
        member.on("dialog", lambda dialog: dialog.accept())
        # The member's vote takes two steps, as on the voting screen: choose, then confirm.
        member.locator("#vote-panel").get_by_role("button", name="Ja", exact=True).click()
        expect(member.locator("#vote-panel [data-pending]")).to_have_attribute("data-pending", "yes")
        member.locator("#vote-panel").get_by_role("button", name="Bestätigen").click()
        expect(member.locator("#vote-panel [data-receipt]")).to_be_visible()
    finally:
        member_context.close()
        staff_context.close()
