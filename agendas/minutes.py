"""Minutes as an archival PDF (PDF/A-2b, fonts embedded, tagged), in a public and an internal version.

The public version is cut here again from the document it is given, whatever the caller passed: a non-public item
can only reach a public PDF if ``public_part`` itself fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from council.minutes.document import MinutesDocument, public_part

TEMPLATES = Path(__file__).parent / "templates"
# PDF/A-2: the archival profile German archives ask for (PDF/A-3 would allow arbitrary attachments).
PDF_VARIANT = "pdf/a-2b"
LOCALE = "de_DE"


@dataclass(frozen=True)
class PrintedSignature:
    role: str  # SignatureRole value
    name: str
    signed_at: dt.datetime
    content_hash: str


@dataclass(frozen=True)
class MinutesPrint:
    document: MinutesDocument
    public: bool
    # Entwurf / zur Genehmigung: printed across every page until the text is approved.
    status_mark: str | None = None
    content_hash: str | None = None
    signatures: Sequence[PrintedSignature] = ()
    printed_at: dt.datetime | None = None


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the libraries it needs (Pango) are not installed on this machine."""


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # The minutes are a legal record in German: the words are marked for translation but printed in German.
    environment.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    environment.filters.update(local_date=local_date, local_time=local_time, local_datetime=local_datetime)
    return environment


def _local(value: dt.datetime, timezone: str) -> dt.datetime:
    return value.astimezone(ZoneInfo(timezone))


def local_date(value: dt.datetime | None, timezone: str) -> str:
    return format_date(_local(value, timezone).date(), "EEEE, d. MMMM y", locale=LOCALE) if value else ""


def local_time(value: dt.datetime | None, timezone: str) -> str:
    return format_time(_local(value, timezone), "HH:mm", locale=LOCALE) if value else ""


def local_datetime(value: dt.datetime | None, timezone: str) -> str:
    return format_datetime(_local(value, timezone), "dd.MM.yyyy, HH:mm", locale=LOCALE) if value else ""


ENVIRONMENT = _environment()


def render_html(printout: MinutesPrint) -> str:
    document = public_part(printout.document) if printout.public else printout.document
    return ENVIRONMENT.get_template("minutes/document.html").render(
        doc=document,
        header=document.header,
        tz=document.header.timezone,
        public=printout.public,
        status_mark=printout.status_mark,
        content_hash=printout.content_hash,
        signatures=list(printout.signatures),
        printed_at=printout.printed_at,
    )


def render_pdf(printout: MinutesPrint) -> bytes:
    """PDF/A-2b with tagged structure; WeasyPrint embeds (subsets of) every font it uses."""
    try:
        # Imported here: WeasyPrint loads Pango on import, and the app must start without it.
        from weasyprint import HTML
    except OSError as exc:
        raise PdfUnavailable(str(exc)) from exc
    pdf = HTML(string=render_html(printout), base_url=TEMPLATES.as_uri() + "/").write_pdf(
        pdf_variant=PDF_VARIANT, pdf_tags=True, uncompressed_pdf=False
    )
    return bytes(pdf)


def file_name(document: MinutesDocument, public: bool) -> str:
    day = document.header.start.astimezone(ZoneInfo(document.header.timezone)).date().isoformat()
    suffix = "oeffentlich" if public else "intern"
    version = f"-f{document.version}" if document.version else "-entwurf"
    return f"niederschrift-{document.header.meeting_id}-{day}{version}-{suffix}.pdf"
