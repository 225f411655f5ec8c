"""A client that crawls an OParl interface as an aggregator would: from the system object, every URL it finds.

It checks what holds for every answer (status, JSON in UTF-8, CORS, schema, ids, list pages) and keeps every
answer's text, so a test can search all of it at once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.oparl_schemas import schema_errors

API = "/oparl/v1.1"


def urls_in(value: Any, base: str) -> Iterator[str]:
    """Every string in a JSON document that is a URL of this server."""
    if isinstance(value, dict):
        for item in value.values():
            yield from urls_in(item, base)
    elif isinstance(value, list):
        for item in value:
            yield from urls_in(item, base)
    elif isinstance(value, str) and value.startswith(base + "/"):
        yield value


def embedded_objects(value: Any) -> Iterator[dict[str, Any]]:
    """Objects inside an object (a meeting's agenda items, a paper's consultations)."""
    if isinstance(value, dict):
        for item in value.values():
            if isinstance(item, dict) and "type" in item:
                yield item
            yield from embedded_objects(item)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and "type" in item:
                yield item
            yield from embedded_objects(item)


def is_list_page(document: dict[str, Any]) -> bool:
    return "data" in document and "pagination" in document


@dataclass
class Crawl:
    client: httpx.AsyncClient
    base: str
    texts: dict[str, str] = field(default_factory=dict)
    headers: dict[str, httpx.Headers] = field(default_factory=dict)
    # Objects fetched by their own URL, by that URL.
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Every object seen in any list page, by its id.
    listed: dict[str, dict[str, Any]] = field(default_factory=dict)
    list_urls: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    # URLs left alone (by prefix): pages of another part of the system that a test does not serve.
    not_followed: tuple[str, ...] = ()

    @property
    def api(self) -> str:
        return self.base + API

    async def run(self) -> Crawl:
        queue, seen = deque([self.api + "/"]), set[str]()
        while queue:
            url = queue.popleft().split("#", 1)[0]
            if url in seen or url.startswith(self.not_followed or ("\0",)):
                continue
            seen.add(url)
            document = await self.fetch(url)
            if document is not None:
                queue.extend(urls_in(document, self.base))
        return self

    async def fetch(self, url: str) -> dict[str, Any] | None:
        """GET one URL; OParl answers are checked and returned, other pages (web, files) only checked."""
        response = await self.client.get(url)
        self.texts[url], self.headers[url] = response.text, response.headers
        if response.status_code != 200:
            self.problems.append(f"{url}: {response.status_code}")
            return None
        if not url.startswith(self.api + "/"):
            return None
        self.check_headers(url, response)
        document: dict[str, Any] = response.json()
        if is_list_page(document):
            self.list_urls.add(url.split("?", 1)[0])
            for entry in document["data"]:
                self.check_object(entry)
                self.listed[entry["id"]] = entry
        else:
            self.check_object(document)
            if document["id"] != url:
                self.problems.append(f"{url}: id is {document['id']}")
            self.objects[url] = document
        return document

    def check_headers(self, url: str, response: httpx.Response) -> None:
        if response.headers.get("content-type") != "application/json; charset=utf-8":
            self.problems.append(f"{url}: content type {response.headers.get('content-type')}")
        if response.headers.get("access-control-allow-origin") != "*":
            self.problems.append(f"{url}: no CORS header")
        if "set-cookie" in response.headers:
            self.problems.append(f"{url}: sets a cookie")

    def check_object(self, document: dict[str, Any]) -> None:
        self.problems.extend(schema_errors(document))
        for inner in [document, *embedded_objects(document)]:
            missing = {"created", "modified"} - set(inner)
            if missing:
                self.problems.append(f"{inner.get('id')}: lacks {sorted(missing)}")
            if inner.get("deleted") and document is not inner:
                self.problems.append(f"{inner.get('id')}: a deleted object is embedded")

    def of_type(self, type_name: str) -> list[dict[str, Any]]:
        return [o for o in self.objects.values() if o["type"].endswith("/" + type_name)]

    def file_problems(self) -> list[str]:
        """OParl 2.7: the access URL shows a file, the download URL hands it over as an attachment."""
        problems = []
        for file in self.of_type("File"):
            access = self.headers[file["accessUrl"]].get("content-disposition", "")
            download = self.headers[file["downloadUrl"]].get("content-disposition", "")
            if access.startswith("attachment") or not download.startswith("attachment"):
                problems.append(f"{file['id']}: content disposition {access!r} / {download!r}")
        return problems


async def walk_pages(client: httpx.AsyncClient, first_url: str) -> list[dict[str, Any]]:
    """All pages of a list by following ``next``."""
    pages, url = [], first_url
    while url:
        response = await client.get(url)
        assert response.status_code == 200, (url, response.text)
        page = response.json()
        pages.append(page)
        url = page["links"].get("next")
        assert len(pages) <= 1000, f"{first_url}: endless pagination"
    return pages


def pagination_problems(list_url: str, pages: list[dict[str, Any]], limit: int) -> list[str]:
    """OParl 2.5: next on every page but the last, constant page size, stable order, filters in every link."""
    problems, ids = [], []
    total_pages = len(pages)
    first_query = parse_qs(urlsplit(pages[0]["links"]["self"]).query)
    for number, page in enumerate(pages, start=1):
        pagination, links = page["pagination"], page["links"]
        where = f"{list_url} page {number}"
        if pagination["currentPage"] != number or pagination["totalPages"] != total_pages:
            problems.append(f"{where}: pagination {pagination}")
        if pagination["elementsPerPage"] != limit:
            problems.append(f"{where}: elementsPerPage {pagination['elementsPerPage']}")
        size = len(page["data"])
        if (number < total_pages and size != limit) or size > limit:
            problems.append(f"{where}: {size} objects")
        if ("next" in links) is (number == total_pages):
            problems.append(f"{where}: next link {links.get('next')}")
        if ("prev" in links) is (number == 1):
            problems.append(f"{where}: prev link {links.get('prev')}")
        for name in ("first", "self", "last", *(k for k in ("prev", "next") if k in links)):
            query = parse_qs(urlsplit(links[name]).query)
            query.pop("page", None)
            if query != {k: v for k, v in first_query.items() if k != "page"}:
                problems.append(f"{where}: {name} link lost the filters: {links[name]}")
        ids += [object_number(o["id"]) for o in page["data"]]
    if ids != sorted(set(ids)):
        problems.append(f"{list_url}: order not stable by id or repeated: {ids}")
    if pages and pages[-1]["pagination"]["totalElements"] != len(ids):
        problems.append(f"{list_url}: totalElements {pages[-1]['pagination']['totalElements']} != {len(ids)}")
    return problems


def object_number(url: str) -> int:
    return int(url.rstrip("/").rsplit("/", 1)[-1])


async def list_urls(client: httpx.AsyncClient, base: str) -> list[str]:
    """The external lists of every body and every organization, found the way a client finds them."""
    system = (await client.get(f"{base}{API}/")).json()
    urls = [system["body"]]
    for body in [b for page in await walk_pages(client, system["body"]) for b in page["data"]]:
        urls += [body[name] for name in BODY_LISTS]
        organizations = [o for page in await walk_pages(client, body["organization"]) for o in page["data"]]
        urls += [o[name] for o in organizations for name in ("meeting", "consultation")]
    return urls


BODY_LISTS = (
    "organization",
    "person",
    "meeting",
    "paper",
    "agendaItem",
    "consultation",
    "file",
    "locationList",
    "legislativeTermList",
    "membership",
)
