"""Checking an upload before anything is stored: size, type by content (not by name), readable PDF, its text."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
from dataclasses import dataclass

import puremagic
from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from council.errors import ValidationFailed
from council.messages import N_

PDF = "application/pdf"
# Extracted text feeds the search; a few hundred pages of text are plenty for that.
MAX_TEXT_CHARS = 1_000_000
_OFFICE_EXTENSIONS = frozenset({".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp"})
_UNSAFE_NAME = re.compile(r"[^\w.\- ()äöüÄÖÜß]+")

# pypdf reports every oddity of a damaged file on its logger; the upload answer says what matters.
logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True)
class InspectedFile:
    mime_type: str
    size: int
    sha512: str
    text: str
    pages: int


def sniffed_extension(data: bytes) -> str | None:
    """What the content says it is (by its magic bytes), whatever the name says."""
    try:
        return str(puremagic.from_string(data))
    except puremagic.PureError:
        return None


def inspect_pdf(data: bytes, limit: int) -> InspectedFile:
    """The checked facts of an uploaded PDF; ValidationFailed with a message for the form otherwise."""
    if not data:
        raise ValidationFailed({"file": N_("Die Datei ist leer.")})
    if len(data) > limit:
        raise ValidationFailed({"file": N_("Die Datei ist zu groß.")})
    # PDF readers accept the header anywhere in the first kilobyte; so do we, but only there.
    if b"%PDF-" not in data[:1024]:
        if sniffed_extension(data) in _OFFICE_EXTENSIONS:
            raise ValidationFailed(
                {"file": N_("Office-Dokumente bitte zuerst als PDF speichern (exportieren) und dann hochladen.")}
            )
        raise ValidationFailed({"file": N_("Die Datei ist kein PDF-Dokument. Bitte laden Sie eine PDF-Datei hoch.")})
    text, pages = _read_pdf(data)
    return InspectedFile(mime_type=PDF, size=len(data), sha512=hashlib.sha512(data).hexdigest(), text=text, pages=pages)


def _read_pdf(data: bytes) -> tuple[str, int]:
    damaged = ValidationFailed({"file": N_("Die PDF-Datei ist beschädigt oder unvollständig.")})
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationFailed({"file": N_("Die PDF-Datei ist mit einem Kennwort geschützt.")})
        pages = len(reader.pages)
        if pages == 0:
            raise damaged
        text = _page_texts(reader)
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise damaged from exc
    return text, pages


def _page_texts(reader: PdfReader) -> str:
    texts: list[str] = []
    length = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        texts.append(text)
        length += len(text)
        if length >= MAX_TEXT_CHARS:
            break
    # PostgreSQL text cannot hold NUL characters; PDFs sometimes carry them.
    return "\n\n".join(texts)[:MAX_TEXT_CHARS].replace("\x00", "")


def safe_file_name(name: str, default: str = "dokument.pdf") -> str:
    """The name a download gets: the uploader's name without path or odd characters, ending in .pdf."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    base = _UNSAFE_NAME.sub("_", base).strip(" ._")[:200]
    if not base:
        return default
    stem = base[:-4] if base.lower().endswith(".pdf") else base
    return f"{stem or 'dokument'}.pdf"
