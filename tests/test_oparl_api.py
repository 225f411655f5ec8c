"""The OParl interface on the test world: errors, deleted objects, files, filters, embedded changes, secrets."""

from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import quote

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from council.bodies.models import Location, Membership, Person
from council.meetings.models import AgendaItem, Meeting
from council.papers.models import Paper
from council.settings import Settings
from tests.oparl_crawler import API, Crawl
from tests.oparl_schemas import schema_errors
from tests.oparl_world import OpenDataScene, add_open_data_scene
from tests.world import CONFIDENTIAL_MARKER, World

BASE = "http://testserver.local"
ROOT = BASE + API
ERROR = "https://schema.oparl.org/1.1/Error"
LONG_AGO = dt.datetime(2020, 1, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, public_base_url=BASE)


@pytest.fixture
async def scene(sessions: async_sessionmaker[AsyncSession], world: World) -> OpenDataScene:
    async with sessions() as session, session.begin():
        return await add_open_data_scene(session, world)


def since(moment: dt.datetime) -> str:
    return quote(moment.isoformat(), safe="")


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [entry["id"] for entry in response.json()["data"]]


def assert_error(response, status: int, *debug_words: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["access-control-allow-origin"] == "*"
    error = response.json()
    assert error["type"] == ERROR and error["message"]
    assert all(word in error["debug"] for word in debug_words), error


async def test_bad_list_parameters_answer_400_naming_each(client, world):
    response = await client.get(f"{ROOT}/body/{world.body.id}/paper?modified_since=gestern&limit=0&omit_internal=ja")
    assert_error(response, 400, "modified_since", "limit", "omit_internal")


@pytest.mark.parametrize(
    "path",
    ["/paper/99999", "/gremium/1", "/organization/{committee}/paper", "/body/999/paper", "/body/{body}/x", "/a/b/c/d"],
)
async def test_unknown_objects_and_lists_answer_404(client, world, path):
    response = await client.get(ROOT + path.format(committee=world.committee.id, body=world.body.id))
    assert_error(response, 404)


async def test_the_interface_is_read_only_and_open_to_every_origin(client, world):
    assert_error(await client.post(f"{ROOT}/body"), 405)
    preflight = await client.options(f"{ROOT}/body", headers={"Origin": "https://client.example.org"})
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["allow"]
    response = await client.get(f"{ROOT}/")
    assert response.headers["access-control-allow-origin"] == "*"
    assert "set-cookie" not in response.headers


async def test_an_unexpected_failure_is_an_error_object_too(client, world, monkeypatch):
    from council import opendata

    async def broken(_session):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(opendata, "read_system", broken)
    response = await client.get(f"{ROOT}/")
    assert_error(response, 500)
    assert "fire" not in response.text


async def test_a_crawl_of_the_world_meets_the_rules_and_reveals_nothing_non_public(client, world, scene):
    # The files' own pages belong to the papers context; their URLs are checked in the file test below.
    crawl = await Crawl(client, BASE, not_followed=(f"{BASE}/files/",)).run()

    assert crawl.problems == []
    assert len(crawl.of_type("File")) == 2
    assert CONFIDENTIAL_MARKER not in "".join(crawl.texts.values())
    secret = [
        f"{ROOT}/agendaitem/{world.confidential_item.id}",
        f"{ROOT}/paper/{world.confidential_paper.id}",
        f"{ROOT}/consultation/{world.confidential_item.consultation_id}",
        f"{ROOT}/consultation/{scene.confidential_consultation.id}",
        f"{ROOT}/file/{scene.non_public_file.id}",
        f"{ROOT}/file/{scene.file_of_confidential_paper.id}",
    ]
    for url in secret:
        assert url not in crawl.texts
        assert_error(await client.get(url), 404)


async def test_a_public_item_on_a_confidential_paper_shows_without_the_paper(client, world, scene):
    item = (await client.get(f"{ROOT}/agendaitem/{scene.public_item_on_confidential_paper.id}")).json()
    meeting = (await client.get(f"{ROOT}/meeting/{world.next_meeting.id}")).json()

    assert item["name"] == "Bericht über Grundstücksangelegenheiten" and "consultation" not in item
    assert [i["id"] for i in meeting["agendaItem"]] == [item["id"]]
    assert "consultation" not in meeting["agendaItem"][0]


async def test_public_items_and_papers_link_each_other(client, world):
    item = (await client.get(f"{ROOT}/agendaitem/{world.public_item.id}")).json()
    consultation = (await client.get(item["consultation"])).json()
    paper = (await client.get(consultation["paper"])).json()

    assert item["result"] == "einstimmig beschlossen" and item["order"] == 0 and item["public"] is True
    assert consultation["agendaItem"] == item["id"] and consultation["authoritative"] is True
    assert consultation["role"] == "Entscheidung" and consultation["meeting"] == item["meeting"]
    assert paper["consultation"] == [{k: v for k, v in consultation.items() if k != "paper"}]
    assert paper["paperType"] == "Beschlussvorlage" and paper["web"] == f"{BASE}/papers/{world.public_paper.id}"


async def test_files_carry_access_and_download_urls(client, world, scene):
    listed = (await client.get(f"{ROOT}/body/{world.body.id}/file")).json()["data"]
    paper = (await client.get(f"{ROOT}/paper/{world.public_paper.id}")).json()

    assert [f["id"] for f in listed] == [f"{ROOT}/file/{scene.public_file.id}", f"{ROOT}/file/{scene.meeting_file.id}"]
    document, meeting_file = listed
    assert document["accessUrl"] == f"{BASE}/files/{scene.public_file.id}"
    assert document["downloadUrl"] == f"{BASE}/files/{scene.public_file.id}/download"
    assert document["paper"] == [paper["id"]] and meeting_file["meeting"] == [f"{ROOT}/meeting/{world.next_meeting.id}"]
    assert document["sha512Checksum"] == scene.public_file.sha512 and document["mimeType"] == "application/pdf"
    assert paper["auxiliaryFile"] == [{k: v for k, v in document.items() if k != "paper"}]
    assert all(schema_errors(f) == [] for f in listed)


async def test_omit_internal_leaves_out_embedded_lists_and_stays_in_the_links(client, world, scene):
    body = f"{ROOT}/body/{world.body.id}"
    people = (await client.get(f"{body}/person?omit_internal=true")).json()
    meetings = (await client.get(f"{body}/meeting?omit_internal=true")).json()
    papers = (await client.get(f"{body}/paper?omit_internal=true")).json()
    bodies = (await client.get(f"{ROOT}/body?omit_internal=true")).json()

    assert not any("membership" in p for p in people["data"])
    assert not any("agendaItem" in m for m in meetings["data"])
    assert not any("auxiliaryFile" in p for p in papers["data"])
    assert all("consultation" in p for p in papers["data"])
    # The Body schema requires its terms, so they stay.
    assert bodies["data"][0]["legislativeTerm"]
    assert all(page["links"]["self"].endswith("?omit_internal=true") for page in (people, meetings, papers))
    assert any("membership" in p for p in (await client.get(f"{body}/person")).json()["data"])


async def soft_delete(sessions, model, object_id: int) -> None:
    async with sessions() as session, session.begin():
        await session.execute(update(model).where(model.id == object_id).values(deleted=True))


async def test_deleted_objects_are_listed_only_for_clients_that_update(client, sessions, world):
    await soft_delete(sessions, Paper, world.public_paper.id)
    await soft_delete(sessions, AgendaItem, world.public_item.id)
    await soft_delete(sessions, AgendaItem, world.confidential_item.id)
    body = f"{ROOT}/body/{world.body.id}"
    paper_url, item_url = f"{ROOT}/paper/{world.public_paper.id}", f"{ROOT}/agendaitem/{world.public_item.id}"

    assert paper_url not in ids(await client.get(f"{body}/paper"))
    assert item_url not in ids(await client.get(f"{body}/agendaitem"))
    updates = (await client.get(f"{body}/paper?modified_since={since(LONG_AGO)}")).json()["data"]
    (stub,) = [p for p in updates if p["id"] == paper_url]
    assert stub == {
        "id": paper_url,
        "type": "https://schema.oparl.org/1.1/Paper",
        "created": stub["created"],
        "modified": stub["modified"],
        "deleted": True,
    }
    assert (await client.get(paper_url)).json() == stub
    item_updates = ids(await client.get(f"{body}/agendaitem?modified_since={since(LONG_AGO)}"))
    assert item_url in item_updates
    assert f"{ROOT}/agendaitem/{world.confidential_item.id}" not in item_updates
    assert_error(await client.get(f"{ROOT}/agendaitem/{world.confidential_item.id}"), 404)
    item = (await client.get(item_url)).json()
    assert item["deleted"] is True and schema_errors(item) == []
    meeting = (await client.get(f"{ROOT}/meeting/{world.past_meeting.id}")).json()
    assert "agendaItem" not in meeting


async def set_times(sessions, model, object_id: int, **times: dt.datetime) -> None:
    async with sessions() as session, session.begin():
        await session.execute(update(model).where(model.id == object_id).values(**times))


async def test_a_change_inside_an_object_is_a_change_of_the_object(client, sessions, world):
    """OParl 2.8: a meeting is modified when one of its agenda items is; a person when a membership is."""
    for model in (Meeting, AgendaItem, Location, Person, Membership):
        async with sessions() as session, session.begin():
            await session.execute(update(model).values(modified=LONG_AGO))
    changed = LONG_AGO + dt.timedelta(days=30)
    await set_times(sessions, AgendaItem, world.public_item.id, modified=changed)
    async with sessions() as session:
        membership = await session.scalar(select(Membership).where(Membership.person_id == world.people["member"].id))
    await set_times(sessions, Membership, membership.id, modified=changed)
    body = f"{ROOT}/body/{world.body.id}"
    middle = LONG_AGO + dt.timedelta(days=10)

    meeting = (await client.get(f"{ROOT}/meeting/{world.past_meeting.id}")).json()
    assert meeting["modified"] == "2020-01-31T12:00:00+00:00"
    assert ids(await client.get(f"{body}/meeting?modified_since={since(middle)}")) == [meeting["id"]]
    assert meeting["id"] not in ids(await client.get(f"{body}/meeting?modified_until={since(middle)}"))
    person_url = f"{ROOT}/person/{membership.person_id}"
    assert ids(await client.get(f"{body}/person?modified_since={since(middle)}")) == [person_url]
    assert (await client.get(person_url)).json()["modified"] == "2020-01-31T12:00:00+00:00"


async def test_until_takes_in_the_second_an_object_shows(client, sessions, world):
    shown_second = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=dt.UTC)
    await set_times(sessions, Paper, world.public_paper.id, created=shown_second.replace(microsecond=700000))
    paper_url, body = f"{ROOT}/paper/{world.public_paper.id}", f"{ROOT}/body/{world.body.id}"

    assert (await client.get(paper_url)).json()["created"] == "2024-05-01T12:00:00+00:00"
    assert ids(await client.get(f"{body}/paper?created_until={since(shown_second)}")) == [paper_url]
    assert ids(await client.get(f"{body}/paper?created_since={since(shown_second)}")) == [paper_url]
    later = shown_second + dt.timedelta(seconds=1)
    assert ids(await client.get(f"{body}/paper?created_since={since(later)}")) == []


async def test_a_page_past_the_last_is_empty_and_points_back(client, world):
    page = (await client.get(f"{ROOT}/body/{world.body.id}/person?limit=2&page=9")).json()

    assert page["data"] == [] and "next" not in page["links"]
    assert page["pagination"] == {"totalElements": 5, "elementsPerPage": 2, "currentPage": 9, "totalPages": 3}
    assert page["links"]["prev"] == page["links"]["last"] == f"{ROOT}/body/{world.body.id}/person?limit=2&page=3"


async def test_meeting_times_are_given_in_the_body_s_zone(client, world):
    meeting = (await client.get(f"{ROOT}/meeting/{world.past_meeting.id}")).json()
    start = dt.datetime.fromisoformat(meeting["start"])

    assert start == world.past_meeting.start
    assert start.utcoffset() in {dt.timedelta(hours=1), dt.timedelta(hours=2)}
    assert meeting["meetingState"] == "durchgeführt" and meeting["cancelled"] is False
    assert meeting["location"]["description"] == "Rathaus, Sitzungssaal, Teststadt"


async def test_members_contact_data_is_not_published(client, sessions, world):
    """Mail addresses and phone numbers are kept for invitations; nobody consented to publishing them."""
    async with sessions() as session, session.begin():
        person = await session.get(Person, world.people["member"].id)
        assert person is not None
        person.email, person.phone = "ratsmitglied@example.org", "+49 30 1234567"

    response = await client.get(f"{ROOT}/person/{world.people['member'].id}")
    assert response.status_code == 200
    assert "ratsmitglied@example.org" not in response.text and "1234567" not in response.text
    assert "email" not in response.json() and "phone" not in response.json()
