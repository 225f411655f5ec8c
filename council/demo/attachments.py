"""Real PDF attachments for the demo papers, typeset at load time from the papers' own (fictional) text.

The confidential papers' documents repeat CONFIDENTIAL_MARKER, so tests can prove that no file of non-public
business ever reaches a visitor.
"""

from __future__ import annotations

from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from council.demo.confidential import CONFIDENTIAL_MARKER
from council.files.service import store_file
from council.files.storage import FileStorage
from council.papers.models import Paper

LAND_PURCHASE = "grundstueck"
# The demo's own documents are small; the limit only guards against a mistake in this module.
_LIMIT = 5 * 1024 * 1024

_STYLE = """
@page { size: A4; margin: 2cm; @bottom-right { content: counter(page); font-size: 9pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; line-height: 1.4; }
h1 { font-size: 15pt; } h2 { font-size: 12pt; margin-top: 1.2em; }
.head { color: #333; font-size: 9pt; border-bottom: 1px solid #999; padding-bottom: 0.5em; }
.text { white-space: pre-line; }
"""


def render_pdf(title: str, header: str, sections: list[tuple[str, str]]) -> bytes:
    """A small A4 document: header line, title, sections of plain text (line breaks kept)."""
    from weasyprint import HTML  # heavy import, only needed when documents are typeset

    parts = [f'<p class="head">{escape(header)}</p>', f"<h1>{escape(title)}</h1>"]
    for heading, text in sections:
        parts.append(f'<h2>{escape(heading)}</h2><div class="text">{escape(text)}</div>')
    html = f"<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><style>{_STYLE}</style></head><body>"
    pdf: bytes = HTML(string=html + "".join(parts) + "</body></html>").write_pdf()
    return pdf


def _paper_document(paper: Paper) -> bytes:
    sections = [("Beschlussvorschlag", paper.proposed_resolution or ""), ("Begründung", paper.reasons or "")]
    header = f"Stadt Musterstadt · Vorlage {paper.reference} · {paper.date:%d.%m.%Y}"
    return render_pdf(paper.title, header, [s for s in sections if s[1]])


def _site_plan(paper: Paper) -> bytes:
    """The land purchase's annex: what must never leak (price, parcel, sellers' wish for confidentiality)."""
    text = (
        "Lageplan und Entwurf des Kaufvertrags zur Teilfläche des Flurstücks 112/3, Flur 7, Gemarkung "
        "Musterstadt (ca. 2.350 m²). Kaufpreis laut Gutachten 185.000 EUR zuzüglich Nebenkosten. Die "
        f"Eigentümer haben um vertrauliche Behandlung gebeten. {CONFIDENTIAL_MARKER}"
    )
    return render_pdf(
        f"Anlage 1 zu {paper.reference}: Lageplan und Kaufvertragsentwurf",
        f"Stadt Musterstadt · nicht öffentlich · {CONFIDENTIAL_MARKER}",
        [("Inhalt", text)],
    )


async def attach_demo_documents(session: AsyncSession, storage: FileStorage, papers: dict[str, Paper]) -> int:
    """Each paper (by its demo key) gets its own text as a PDF; the land purchase also its confidential site
    plan."""
    count = 0
    for key, paper in papers.items():
        documents = [(f"Vorlage {paper.reference}", _paper_document(paper))]
        if key == LAND_PURCHASE:
            documents.append(("Anlage 1: Lageplan und Kaufvertragsentwurf", _site_plan(paper)))
        for title, data in documents:
            await store_file(
                session,
                storage,
                body_id=paper.body_id,
                paper_id=paper.id,
                data=data,
                file_name=f"{title}.pdf",
                title=title,
                public=paper.public,
                limit=_LIMIT,
                day=paper.date,
            )
            count += 1
    return count
