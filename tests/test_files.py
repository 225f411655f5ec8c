"""Attachments: a good PDF is stored by content, everything else is refused with nothing left behind; the file
routes answer only those who may read the file."""

from __future__ import annotations

import functools
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from council.demo.attachments import render_pdf
from council.files.inspection import inspect_pdf, safe_file_name
from council.papers.models import File
from council.settings import Settings, load_settings
from tests.web_helpers import csrf_token_from
from tests.world import CONFIDENTIAL_MARKER


@functools.cache
def good_pdf(text: str = "Lageplan Radweg Stadtpark") -> bytes:
    return render_pdf("Anlage", "Teststadt", [("Inhalt", text)])


def fake_pdf() -> bytes:
    return b"%PDF-1.7\n" + b"this is no pdf at all, just a header\n" * 20


def renamed_exe() -> bytes:
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
        + bytes(200)
        + b"This program cannot be run in DOS mode."
    )


def office_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Uploads above 64 KiB are refused here, so "too large" needs no large test file."""
    return load_settings(
        {
            "COUNCIL_ENV": "test",
            "COUNCIL_DATABASE_URL": database_url,
            "COUNCIL_VAR_DIR": str(tmp_path / "var"),
            "COUNCIL_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "COUNCIL_MAX_UPLOAD_BYTES": str(64 * 1024),
        }
    )


def stored_files(settings: Settings) -> list[Path]:
    root = settings.file_storage
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def upload(http, paper_id: int, name: str, content: bytes, **fields: str):
    page = await http.get(f"/papers/{paper_id}")
    token = csrf_token_from(page.text)
    return await http.post(
        f"/papers/{paper_id}/files/",
        data={"_csrf_token": token, **fields},
        files={"file": (name, content, "application/pdf")},
        follow_redirects=False,
    )


async def file_rows(sessions) -> list[File]:
    async with sessions() as session:
        return list(await session.scalars(select(File).order_by(File.id)))


# --- the check itself (pure) --------------------------------------------------------------------------------


def test_a_good_pdf_is_accepted_with_its_digest_and_text() -> None:
    data = good_pdf()
    inspected = inspect_pdf(data, 1_000_000)
    assert inspected.mime_type == "application/pdf" and inspected.size == len(data) and inspected.pages == 1
    assert inspected.sha512 == hashlib.sha512(data).hexdigest()
    assert "Lageplan Radweg Stadtpark" in inspected.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "leer"),
        (fake_pdf(), "beschädigt"),
        (renamed_exe(), "kein PDF"),
        (office_document(), "Office-Dokumente"),
        (b"Sehr geehrte Damen und Herren,\n" * 10, "kein PDF"),
    ],
    ids=["empty", "fake-pdf", "renamed-exe", "office", "text"],
)
def test_what_is_not_a_readable_pdf_is_refused_with_a_reason(content: bytes, message: str) -> None:
    from council.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        inspect_pdf(content, 1_000_000)
    assert message in refused.value.errors["file"]


def test_file_names_lose_paths_and_end_in_pdf() -> None:
    assert safe_file_name("C:\\Users\\x\\Lageplan Nord.PDF") == "Lageplan Nord.pdf"
    assert safe_file_name("../../etc/passwd") == "passwd.pdf"
    assert safe_file_name("Anlage<script>.pdf") == "Anlage_script_.pdf"
    assert safe_file_name("...") == "dokument.pdf"


# --- uploads over HTTP --------------------------------------------------------------------------------------


async def test_good_pdf_is_stored_once_by_content_and_served(login, world, sessions, settings):
    secretariat = await login("secretariat")
    response = await upload(
        secretariat, world.public_paper.id, "Lageplan.pdf", good_pdf(), title="Lageplan", public="1"
    )
    assert response.status_code == 303, response.text
    again = await upload(secretariat, world.public_paper.id, "Kopie.pdf", good_pdf(), public="1")
    assert again.status_code == 303
    rows = await file_rows(sessions)
    assert [(r.name, r.file_name) for r in rows] == [("Lageplan", "Lageplan.pdf"), ("Kopie", "Kopie.pdf")]
    digest = hashlib.sha512(good_pdf()).hexdigest()
    assert {r.sha512 for r in rows} == {digest} and {r.storage_path for r in rows} == {
        f"{digest[:2]}/{digest[2:4]}/{digest}"
    }
    assert len(stored_files(settings)) == 1
    assert "Lageplan Radweg Stadtpark" in (rows[0].text or "")
    page = await secretariat.get(f"/papers/{world.public_paper.id}")
    assert f"/files/{rows[0].id}" in page.text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("leer.pdf", b"", "leer"),
        ("vorlage.pdf", fake_pdf(), "beschädigt"),
        ("lageplan.pdf", renamed_exe(), "kein PDF"),
        ("brief.docx", office_document(), "Office"),
        ("gross.pdf", b"%PDF-1.4\n" + bytes(65 * 1024), "zu groß"),
    ],
    ids=["empty", "fake-pdf", "renamed-exe", "office", "too-large"],
)
async def test_bad_upload_answers_the_form_with_a_message_and_stores_nothing(
    login, world, sessions, settings, name, content, message
):
    secretariat = await login("secretariat")
    response = await upload(secretariat, world.public_paper.id, name, content, public="1")
    assert response.status_code == 400
    assert message in response.text and 'id="files"' in response.text
    assert await file_rows(sessions) == []
    assert stored_files(settings) == []


async def test_upload_without_a_file_is_a_form_error(login, world, sessions):
    secretariat = await login("secretariat")
    page = await secretariat.get(f"/papers/{world.public_paper.id}")
    response = await secretariat.post(
        f"/papers/{world.public_paper.id}/files/",
        data={"_csrf_token": csrf_token_from(page.text)},
        files={"title": (None, "nur Text")},
    )
    assert response.status_code == 400 and "Datei auswählen" in response.text
    assert await file_rows(sessions) == []


async def test_a_request_far_beyond_the_limit_is_refused_before_it_is_read(login, world, sessions, settings):
    secretariat = await login("secretariat")
    response = await upload(secretariat, world.public_paper.id, "riesig.pdf", b"%PDF-1.4\n" + bytes(2 * 1024 * 1024))
    assert response.status_code == 413
    assert await file_rows(sessions) == [] and stored_files(settings) == []


async def test_a_failed_commit_removes_the_new_blob(login, world, sessions, settings, monkeypatch):
    """The blob is written before the commit; if the commit fails, nothing may stay on disk."""
    from sqlalchemy.ext.asyncio import AsyncSession

    secretariat = await login("secretariat")
    token = csrf_token_from((await secretariat.get(f"/papers/{world.public_paper.id}")).text)
    original_commit = AsyncSession.commit
    calls = []

    async def commit_fails_once(self: AsyncSession) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        await original_commit(self)

    monkeypatch.setattr(AsyncSession, "commit", commit_fails_once)
    response = await secretariat.post(
        f"/papers/{world.public_paper.id}/files/",
        data={"_csrf_token": token, "public": "1"},
        files={"file": ("Lageplan.pdf", good_pdf(), "application/pdf")},
    )
    monkeypatch.undo()
    assert response.status_code == 500
    assert await file_rows(sessions) == [] and stored_files(settings) == []


@pytest.mark.parametrize("persona", ["member", "chair", "deputy", "other_committee_member"])
async def test_only_the_secretariat_uploads_and_removes(login, world, sessions, settings, persona):
    http = await login(persona)
    response = await upload(http, world.public_paper.id, "a.pdf", good_pdf(), public="1")
    assert response.status_code == 403
    assert await file_rows(sessions) == [] and stored_files(settings) == []


# --- the file routes ----------------------------------------------------------------------------------------


@pytest.fixture
async def files(login, world, sessions) -> dict[str, int]:
    """A public and a non-public file on the public paper, and a file of the confidential paper."""
    secretariat = await login("secretariat")
    marker_pdf = good_pdf(f"Kaufpreis {CONFIDENTIAL_MARKER}")
    for paper_id, name, content, public in [
        (world.public_paper.id, "public.pdf", good_pdf(), "1"),
        (world.public_paper.id, "internal.pdf", good_pdf("Interne Kostenschätzung"), ""),
        (world.confidential_paper.id, "secret.pdf", marker_pdf, "1"),
    ]:
        fields = {"public": public} if public else {}
        assert (await upload(secretariat, paper_id, name, content, **fields)).status_code == 303
    rows = await file_rows(sessions)
    return {"public": rows[0].id, "internal": rows[1].id, "confidential_paper": rows[2].id}


ALL = ("visitor", "member", "deputy", "chair", "secretariat", "admin", "other_committee_member")
SEES = {
    "public": set(ALL),
    "internal": {"member", "deputy", "chair", "secretariat", "admin"},
    "confidential_paper": {"member", "deputy", "chair", "secretariat", "admin"},
}


@pytest.mark.parametrize("which", sorted(SEES))
async def test_file_routes_answer_only_those_who_may_read(client, login, files, which):
    file_id = files[which]
    for persona in ALL:
        http = client if persona == "visitor" else await login(persona)
        for suffix in ("", "/download"):
            response = await http.get(f"/files/{file_id}{suffix}")
            expected = 200 if persona in SEES[which] else 404
            assert response.status_code == expected, (persona, which, suffix)
            if expected == 404:
                assert CONFIDENTIAL_MARKER not in response.text and "%PDF" not in response.text


async def test_file_route_headers(client, files, sessions):
    rows = {r.id: r for r in await file_rows(sessions)}
    file = rows[files["public"]]
    inline = await client.get(f"/files/{file.id}")
    assert inline.headers["content-type"] == "application/pdf"
    assert (
        inline.headers["content-disposition"].startswith("inline")
        and "public.pdf" in inline.headers["content-disposition"]
    )
    assert inline.content == good_pdf()
    etag = inline.headers["etag"]
    assert file.sha512[:64] in etag and inline.headers["last-modified"].endswith("GMT")
    assert len(inline.headers.get_list("last-modified")) == 1 and len(inline.headers.get_list("etag")) == 1
    download = await client.get(f"/files/{file.id}/download")
    assert download.headers["content-disposition"].startswith("attachment")
    cached = await client.get(f"/files/{file.id}", headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b""


async def test_removed_file_is_no_longer_served(login, client, world, files):
    secretariat = await login("secretariat")
    page = await secretariat.get(f"/papers/{world.public_paper.id}")
    removed = await secretariat.post(
        f"/papers/{world.public_paper.id}/files/{files['public']}/remove",
        data={"_csrf_token": csrf_token_from(page.text)},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    assert (await client.get(f"/files/{files['public']}")).status_code == 404
    member = await login("member")
    refused = await member.post(
        f"/papers/{world.public_paper.id}/files/{files['internal']}/remove",
        data={"_csrf_token": csrf_token_from((await member.get("/login")).text)},
    )
    assert refused.status_code == 403
    withdrawn = await secretariat.post(
        f"/papers/{world.public_paper.id}/withdraw",
        data={"_csrf_token": csrf_token_from(page.text), "withdrawal_reason": "erledigt"},
    )
    assert withdrawn.status_code == 303
    kept = await secretariat.post(
        f"/papers/{world.public_paper.id}/files/{files['internal']}/remove",
        data={"_csrf_token": csrf_token_from(page.text)},
    )
    assert kept.status_code == 400 and "zurückgezogenen Vorlage" in kept.text


async def test_non_public_files_stay_off_the_public_paper_page_and_search(client, world, files):
    page = await client.get(f"/papers/{world.public_paper.id}")
    assert f"/files/{files['public']}" in page.text
    assert f"/files/{files['internal']}" not in page.text
    found = await client.get("/papers", params={"q": "Kostenschätzung"})
    assert "Radweg" not in found.text
    secret = await client.get("/papers", params={"q": CONFIDENTIAL_MARKER})
    assert CONFIDENTIAL_MARKER not in secret.text.replace(f'value="{CONFIDENTIAL_MARKER}"', "")


async def test_files_count(sessions, files):
    async with sessions() as session:
        assert await session.scalar(select(func.count(File.id))) == 3
