"""The invitation (Einladung) as a PDF: letterhead, meeting, place and time, the agenda with Ö/N numbers.

Two variants from the same template: the members' one with the non-public part, and the public one, which
leaves the non-public items out entirely (``agendas.meeting_print`` never gives it one).
"""

from __future__ import annotations

import datetime as dt

from agendas.meeting_print import MeetingPrint
from agendas.minutes import ENVIRONMENT, TEMPLATES, PdfUnavailable

__all__ = ["PdfUnavailable", "file_name", "render_html", "render_pdf", "write_pdf"]


def render_html(document: MeetingPrint, *, printed_at: dt.datetime | None = None) -> str:
    return ENVIRONMENT.get_template("invitation/document.html").render(
        doc=document, tz=document.timezone, printed_at=printed_at
    )


def write_pdf(html: str) -> bytes:
    """Any of our print documents as PDF (tagged, fonts embedded)."""
    try:
        # Imported here: WeasyPrint loads Pango on import, and the app must start without it.
        from weasyprint import HTML
    except OSError as exc:
        raise PdfUnavailable(str(exc)) from exc
    return bytes(HTML(string=html, base_url=TEMPLATES.as_uri() + "/").write_pdf(pdf_tags=True))


def render_pdf(document: MeetingPrint, *, printed_at: dt.datetime | None = None) -> bytes:
    return write_pdf(render_html(document, printed_at=printed_at))


def file_name(document: MeetingPrint, kind: str = "einladung") -> str:
    day = document.local_start.date().isoformat()
    suffix = "oeffentlich" if document.public else "mitglieder"
    return f"{kind}-{document.meeting_id}-{day}-{suffix}.pdf"
