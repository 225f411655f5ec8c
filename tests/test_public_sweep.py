"""Non-public means non-public: every public surface of a served demo, searched for the confidential marker.

A visitor without login starts at the start page and follows every link within the site (HTML pages, feeds,
files, the published minutes and their PDFs), searches for common words and the words of the confidential
business, reads the search feeds, and crawls the whole OParl interface (tests/oparl_crawler.py). PDFs are read
with pypdf. The marker VERTRAULICH-DEMO-7431 must appear nowhere.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections import deque
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from pypdf import PdfReader

from council.demo import CONFIDENTIAL_MARKER
from tests.oparl_crawler import Crawl
from tests.servers import Server, free_port, serve_demo

PAGE_LIMIT = 4000
LINK = re.compile(r'(?:href|src)="([^"]+)"')
NOT_FOLLOWED = ("/login", "/logout", "/static/", "/oparl/")
# Words of the demo's public and confidential business: whatever the search finds for them must be public.
SEARCH_WORDS = (
    "Stadt",
    "der",
    "Haushalt",
    "Beschluss",
    "Antrag",
    "Digitalisierung",
    "Ankauf",
    "Grundstück",
    "Flurstück",
    "Teilfläche",
    "Personalangelegenheit",
    "Amtsleitung",
    "Finanzen",
    "befangen",
    "vertraulich",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # OParl's ids are absolute URLs under the public base URL: the server's own address here.
    port = free_port()
    tmp = tmp_path_factory.mktemp("sweep")
    with serve_demo(tmp, port=port, COUNCIL_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}") as running:
        yield running


def _text_of(response: httpx.Response, pdfs: set[str]) -> str:
    kind = response.headers.get("content-type", "")
    if kind.startswith("application/pdf") and response.status_code == 200:
        pdfs.add(response.url.path)
        reader = PdfReader(io.BytesIO(response.content))
        return "\n".join(page.extract_text() or "" for page in reader.pages) + str(reader.metadata or "")
    if kind.startswith(("text/", "application/json", "application/atom+xml", "application/xml")):
        return html.unescape(response.text)
    return response.content.decode("latin-1")


def _calendar_month_in_range(path: str) -> bool:
    """The month view links to ever more months: a year either side of today is enough."""
    found = re.match(r"/calendar/(\d{4})/(\d{2})", path)
    if not found:
        return True
    today = dt.date.today()
    months = (int(found.group(1)) - today.year) * 12 + int(found.group(2)) - today.month
    return abs(months) <= 12


def _local(base: str, page_url: str, href: str) -> str | None:
    href = html.unescape(href).split("#", 1)[0]
    if not href or href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    if href.startswith(base):
        href = href.removeprefix(base) or "/"
    if href.startswith("//") or "://" in href:
        return None
    if not href.startswith("/"):
        href = page_url.rsplit("/", 1)[0] + "/" + href
    if href.startswith(NOT_FOLLOWED) or not _calendar_month_in_range(href):
        return None
    return href


async def _crawl_site(client: httpx.AsyncClient, base: str, start: list[str], pdfs: set[str]) -> dict[str, str]:
    """Every page reachable from ``start`` through links within the site: URL path -> decoded text."""
    texts: dict[str, str] = {}
    queue, seen = deque(start), set(start)
    while queue and len(texts) < PAGE_LIMIT:
        path = queue.popleft()
        response = await client.get(path)
        assert response.status_code < 500, f"{path}: {response.status_code}"
        texts[path] = _text_of(response, pdfs)
        kind = response.headers.get("content-type", "")
        if response.status_code != 200 or not kind.startswith(("text/html", "application/atom+xml")):
            continue
        for href in LINK.findall(response.text):
            target = _local(base, path, href)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append(target)
    assert len(texts) < PAGE_LIMIT, "the crawl did not end: a link generates endless pages"
    return texts


async def test_no_public_surface_shows_the_confidential_marker(server: Server) -> None:
    base = server.base_url
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        searches = [f"/search?q={word}" for word in SEARCH_WORDS] + [f"/search/feed?q={w}" for w in SEARCH_WORDS]
        pdfs: set[str] = set()
        texts = await _crawl_site(client, base, ["/", "/feeds/papers.atom", "/feeds/resolutions.atom", *searches], pdfs)
        meetings = sorted({int(m) for page in texts for m in re.findall(r"^/meetings/(\d+)$", page)})
        for meeting_id in meetings:
            for document in ("public", "public.pdf"):
                path = f"/meetings/{meeting_id}/minutes/{document}"
                if path not in texts:
                    response = await client.get(path)
                    assert response.status_code in (200, 404), path
                    texts[path] = _text_of(response, pdfs)
        oparl = await Crawl(client, base).run()

    assert oparl.problems == []
    everything = {**texts, **oparl.texts}
    leaks = sorted(url for url, text in everything.items() if CONFIDENTIAL_MARKER in text)
    assert leaks == []

    # The sweep reached every kind of public page, so its silence means something.
    paths = {urlsplit(url).path for url in everything}
    for kind in ("/meetings/", "/papers/", "/persons/", "/organizations/", "/resolutions/", "/files/", "/calendar/"):
        assert any(p.startswith(kind) for p in paths), kind
    assert any(p.endswith("/minutes/public.pdf") for p in pdfs), "no published minutes PDF was read"
    assert any(p.startswith("/files/") for p in pdfs), "no attachment PDF was read"
    assert any("/oparl/v1.1/paper/" in url for url in oparl.texts)
    assert len(texts) > 100
