"""Marking user-facing messages of the domain for translation.

The domain writes its messages in German, the source language, and does not translate them: ``web/``
passes them through gettext when it shows them. ``N_`` only marks them, so Babel's extraction
(``-k N_``) puts them into the catalog.
"""


def N_(message: str) -> str:  # noqa: N802  (the gettext convention)
    return message
