"""The demo's papers carry real PDF documents; the confidential ones never reach a visitor; new numbers continue
after the demo's and the seeds' numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from council.accounts.service import load_viewer
from council.accounts.viewer import ANONYMOUS
from council.bodies.models import Body
from council.demo import CONFIDENTIAL_MARKER, load_demo
from council.files.inspection import inspect_pdf
from council.files.service import file_visible
from council.files.storage import FileStorage
from council.papers.editing import PaperInput, create_paper
from council.papers.models import File, Paper, PaperKind

TODAY = dt.date(2026, 3, 18)


@pytest.fixture
def storage(tmp_path: Path) -> FileStorage:
    return FileStorage(tmp_path / "files")


async def test_every_demo_paper_has_its_document_and_the_secret_stays_in_secret_files(session, storage):
    await load_demo(session, today=TODAY, storage=storage)
    files = list(
        await session.scalars(select(File).options(selectinload(File.paper).selectinload(Paper.consultations)))
    )
    papers = list(await session.scalars(select(Paper)))
    assert {f.paper_id for f in files} == {p.id for p in papers}
    for file in files:
        data = storage.read(file.storage_path)
        inspected = inspect_pdf(data, 10 * 1024 * 1024)
        assert inspected.sha512 == file.sha512 and inspected.size == file.size
        assert file.paper is not None and file.paper.reference in (file.text or "")
        assert (CONFIDENTIAL_MARKER in (file.text or "")) is (not file_visible(file, ANONYMOUS)), file.name
    secret = [f for f in files if CONFIDENTIAL_MARKER in (f.text or "")]
    assert any(f.name.startswith("Anlage 1") for f in secret)


async def test_demo_loads_without_documents_when_no_storage_is_given(session):
    await load_demo(session, today=TODAY)
    assert list(await session.scalars(select(File))) == []


async def test_new_papers_continue_after_the_demo_and_seed_numbers(session):
    summary = await load_demo(session, today=TODAY)
    body = await session.get(Body, summary.body_id)
    assert body is not None
    from council.accounts.models import User

    user = await session.scalar(select(User).where(User.username == "demo-sitzungsdienst"))
    assert user is not None
    secretariat = await load_viewer(session, user.id)
    department = (
        await session.scalars(select(Paper.lead_department_id).where(Paper.lead_department_id.is_not(None)))
    ).first()
    existing = set(await session.scalars(select(Paper.reference)))
    created = []
    for day in (TODAY, dt.date(2014, 12, 1)):
        data = PaperInput(kind=PaperKind.INFORMATION, title="Neue Mitteilung", date=day, lead_department_id=department)
        created.append(await create_paper(session, body, secretariat, data, publish=True, now=dt.datetime.now(dt.UTC)))
    demo_2026 = max(int(r.rsplit("/", 1)[1]) for r in existing if r.startswith("VO/2026/"))
    assert created[0].reference == f"VO/2026/{demo_2026 + 1:05d}"
    # The seeds' VO/2014/01919 and VO/2014/02087 were imported; 2014 goes on after them.
    assert created[1].reference == "VO/2014/02088"
    assert not {c.reference for c in created} & existing
