"""Gettext for the UI. German is the source language; catalogs under web/locale add others.

Catalogs are compiled from their .po files when the app starts, so no build step is needed.
"""

from __future__ import annotations

import gettext as gettext_module
from contextvars import ContextVar
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "de"

_current: ContextVar[gettext_module.NullTranslations | None] = ContextVar("translations", default=None)
_SOURCE = gettext_module.NullTranslations()
_current_language: ContextVar[str] = ContextVar("language", default=SOURCE_LANGUAGE)


def _load_catalogs() -> dict[str, gettext_module.NullTranslations]:
    catalogs: dict[str, gettext_module.NullTranslations] = {SOURCE_LANGUAGE: gettext_module.NullTranslations()}
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/messages.po")):
        language = po_path.parent.parent.name
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=language)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        catalogs[language] = gettext_module.GNUTranslations(buffer)
    return catalogs


CATALOGS = _load_catalogs()


def negotiate_language(accept_language: str | None, preferred: str | None = None) -> str:
    """An explicit choice (cookie) wins; then the browser's Accept-Language; German otherwise."""
    if preferred in CATALOGS:
        return str(preferred)
    wanted: list[str] = []
    for part in (accept_language or "").split(","):
        tag = part.split(";", 1)[0].strip().replace("-", "_")
        if tag:
            wanted.append(tag)
    try:
        chosen = Locale.negotiate(wanted, list(CATALOGS), sep="_")
    except (UnknownLocaleError, ValueError):
        chosen = None
    return chosen.language if chosen else SOURCE_LANGUAGE


def activate(language: str) -> None:
    _current.set(CATALOGS.get(language, CATALOGS[SOURCE_LANGUAGE]))
    _current_language.set(language if language in CATALOGS else SOURCE_LANGUAGE)


def current_language() -> str:
    return _current_language.get()


def gettext(message: str) -> str:
    return (_current.get() or _SOURCE).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return (_current.get() or _SOURCE).ngettext(singular, plural, n)


_ = gettext
