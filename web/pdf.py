"""One way to answer with a printed document: laid out off the event loop, 503 when the server cannot print."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
from litestar import Response
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE

from agendas.minutes import PdfUnavailable
from web.i18n import gettext as _


async def pdf_response(render: Callable[[], bytes], name: str, *, cache_control: str) -> Response[Any]:
    try:
        # Laying out a long document takes a while: off the event loop, so other requests are not held up.
        pdf = await anyio.to_thread.run_sync(render)
    except PdfUnavailable:
        return Response(
            _("PDF-Dokumente können auf diesem Server gerade nicht erzeugt werden."),
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
            media_type="text/plain; charset=utf-8",
        )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'inline; filename="{name}"', "cache-control": cache_control},
    )
