"""The OParl interface on the demo municipality: a whole crawl, validated, paginated, filtered, with no secret.

The demo's non-public items and papers carry a marker text (council/demo/confidential.py); it must not appear
in any answer, and neither may any URL of those items, their papers or their consultations.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from urllib.parse import quote

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.demo import CONFIDENTIAL_MARKER, DEMO_LOGINS, load_demo
from council.meetings.models import AgendaItem
from council.papers.models import Consultation, Paper
from council.querycount import counting_statements
from council.settings import Settings
from tests.conftest import browser_client
from tests.oparl_crawler import API, Crawl, list_urls, pagination_problems, walk_pages
from tests.web_helpers import log_in

BASE = "http://testserver.local"
TODAY = dt.date(2026, 3, 18)
TYPES = {
    "System",
    "Body",
    "LegislativeTerm",
    "Organization",
    "Person",
    "Membership",
    "Meeting",
    "AgendaItem",
    "Paper",
    "Consultation",
    "Location",
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Object ids are URLs under the public base URL: here, the test client's."""
    return dataclasses.replace(settings, public_base_url=BASE)


@pytest.fixture
async def demo(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session, session.begin():
        return (await load_demo(session, today=TODAY)).body_id


async def secret_urls(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    """URLs of everything non-public: items, their papers and consultations (and the results they hold)."""
    async with sessions() as session:
        items = list(await session.scalars(select(AgendaItem).where(AgendaItem.public.is_(False))))
        papers = list(await session.scalars(select(Paper).where(Paper.public.is_(False))))
        consultation_ids = {i.consultation_id for i in items if i.consultation_id}
        consultation_ids |= set(
            await session.scalars(select(Consultation.id).where(Consultation.paper_id.in_([p.id for p in papers])))
        )
    assert items and papers and consultation_ids
    return (
        [f"{BASE}{API}/agendaitem/{i.id}" for i in items]
        + [f"{BASE}{API}/paper/{p.id}" for p in papers]
        + [f"{BASE}{API}/consultation/{c}" for c in consultation_ids]
    )


async def test_crawl_of_the_demo_body_is_valid_complete_and_keeps_secrets(client, demo, sessions):
    crawl = await Crawl(client, BASE).run()

    assert crawl.problems == []
    (body,) = crawl.of_type("Body")
    files = json.loads(crawl.texts[f"{body['id']}/file"])["data"]
    assert {o["type"].rsplit("/", 1)[-1] for o in crawl.objects.values()} == TYPES | ({"File"} if files else set())
    assert crawl.file_problems() == []
    # Every object in a list is the object its URL answers with.
    assert {k: crawl.objects[k] for k in crawl.listed} == crawl.listed
    assert set(await list_urls(client, BASE)) <= crawl.list_urls
    everything = "\n".join(crawl.texts.values())
    assert CONFIDENTIAL_MARKER not in everything
    for url in await secret_urls(sessions):
        assert not re.search(re.escape(url) + r"(?!\d)", everything), url
        response = await client.get(url)
        assert response.status_code == 404
        assert response.json()["type"] == "https://schema.oparl.org/1.1/Error"
    pages = {re.sub(r"/\d+(/download)?$", "", u.removeprefix(BASE)) for u in crawl.texts if API not in u}
    assert pages == {"/", "/meetings", "/papers", "/organizations", "/persons"} | ({"/files"} if files else set())
    assert_meetings_show_public_items_and_papers(crawl)


def assert_meetings_show_public_items_and_papers(crawl: Crawl) -> None:
    meetings = crawl.of_type("Meeting")
    items = [item for meeting in meetings for item in meeting.get("agendaItem", [])]
    assert items and all(item["public"] for item in items)
    for meeting in meetings:
        orders = [item["order"] for item in meeting.get("agendaItem", [])]
        assert orders == list(range(len(orders)))
        for item in meeting.get("agendaItem", []):
            assert crawl.objects[item["id"]] == {**item, "meeting": meeting["id"]}
    linked = [crawl.objects[item["consultation"]] for item in items if "consultation" in item]
    assert linked and all(crawl.objects[c["paper"]]["type"].endswith("/Paper") for c in linked)
    papers = crawl.of_type("Paper")
    assert {p["paperType"] for p in papers} >= {"Antrag", "Beschlussvorlage", "Anfrage", "Antwort"}
    answer = next(p for p in papers if p["paperType"] == "Antwort")
    inquiry = crawl.objects[answer["relatedPaper"][0]]
    assert answer["id"] in inquiry["relatedPaper"]
    assert any(m.get("participant") for m in meetings)


async def test_every_list_paginates_by_the_rules(client, demo):
    urls = await list_urls(client, BASE)

    assert len(urls) == 1 + 10 + 2 * 14
    for list_url in urls:
        pages = await walk_pages(client, f"{list_url}?limit=7")
        assert pagination_problems(list_url, pages, 7) == []
        complete = await walk_pages(client, list_url)
        assert [o["id"] for p in pages for o in p["data"]] == [o["id"] for p in complete for o in p["data"]]


async def test_every_list_honours_the_date_filters(client, demo):
    future = quote((dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat(timespec="seconds"), safe="")
    past = quote("2000-01-01T00:00:00+01:00", safe="")

    # The body's lists and one organization's: every list is read by the same code, per type.
    for list_url in (await list_urls(client, BASE))[:13]:
        complete = [o["id"] for p in await walk_pages(client, list_url) for o in p["data"]]
        for query, expected in [
            (f"created_since={future}&omit_internal=true", []),
            (f"modified_since={future}", []),
            (f"created_until={past}&modified_until={past}", []),
            (f"modified_since={past}&created_until={future}&limit=7", complete),
            (f"created_since={past}&modified_until={future}&omit_internal=true", complete),
        ]:
            pages = await walk_pages(client, f"{list_url}?{query}")
            assert [o["id"] for p in pages for o in p["data"]] == expected, (list_url, query)
            assert pagination_problems(list_url, pages, pages[0]["pagination"]["elementsPerPage"]) == []
            for parameter in query.split("&"):
                assert all(parameter in p["links"]["self"] for p in pages), (list_url, query)


async def test_list_pages_cost_the_same_queries_whatever_their_size(client, demo):
    await client.get(f"{BASE}{API}/body")  # the first connection may ask the server about itself
    for list_url in await list_urls(client, BASE):
        small_pages, url = [], f"{list_url}?limit=3"
        while url:
            with counting_statements() as count:
                page = (await client.get(url)).json()
            small_pages.append(count.statements)
            url = page["links"].get("next")
        with counting_statements() as count:
            assert (await client.get(f"{list_url}?limit=100")).status_code == 200
        # The biggest page costs what the most expensive small page costs: no query per object.
        assert count.statements == max(small_pages) <= 12, (list_url, count.statements, small_pages)


async def test_signing_in_changes_nothing_the_interface_shows(client, demo, running_app, sessions):
    """The secretariat sees every non-public item on the site, and still gets the public interface."""
    secretariat = next(login for login in DEMO_LOGINS if login.username == "demo-sitzungsdienst")
    async with browser_client(running_app) as browser:
        await log_in(browser, secretariat.username, secretariat.password)
        for url in [f"{BASE}{API}/", *await list_urls(client, BASE)]:
            anonymous, signed_in = await client.get(url), await browser.get(url)
            assert anonymous.status_code == signed_in.status_code == 200
            assert anonymous.text == signed_in.text, url
            assert "set-cookie" not in signed_in.headers
        for url in await secret_urls(sessions):
            assert (await browser.get(url)).status_code == 404
