"""The one place where errors become HTTP responses: a page for people, JSON for programs."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_405_METHOD_NOT_ALLOWED,
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

from council import errors
from council.accounts.viewer import ANONYMOUS
from council.minutes.errors import EditConflict, WrongMinutesState
from council.voting.errors import AlreadyVoted, NotEntitledToVote, PollNotOpen, WrongPollState
from web.i18n import gettext as _
from web.oparl.responses import oparl_error
from web.oparl.urls import is_oparl_path

log = logging.getLogger("council.web")

TITLES = {
    HTTP_400_BAD_REQUEST: "Ungültige Anfrage",
    HTTP_401_UNAUTHORIZED: "Anmeldung erforderlich",
    HTTP_403_FORBIDDEN: "Kein Zugriff",
    HTTP_404_NOT_FOUND: "Nicht gefunden",
    HTTP_405_METHOD_NOT_ALLOWED: "Methode nicht erlaubt",
    HTTP_409_CONFLICT: "Nicht möglich",
    HTTP_413_REQUEST_ENTITY_TOO_LARGE: "Datei zu groß",
    HTTP_429_TOO_MANY_REQUESTS: "Zu viele Versuche",
    HTTP_500_INTERNAL_SERVER_ERROR: "Interner Fehler",
    HTTP_503_SERVICE_UNAVAILABLE: "Überlastet",
}
# How long an overloaded client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 2


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    if request.url.path.startswith(("/health", "/api/")):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request[Any, Any, Any], status: int, detail: str) -> Response[Any]:
    title = _(TITLES.get(status, "Fehler"))
    if _wants_json(request):
        return Response({"status": status, "error": title, "detail": detail}, status_code=status)
    return Template(
        template_name="errors/error.html",
        context={
            "status": status,
            "title": title,
            "detail": detail,
            # Whatever the request had loaded before it failed; an error page must not query again.
            "viewer": request.state.get("viewer", ANONYMOUS),
            "body": request.state.get("municipality"),
        },
        status_code=status,
        media_type=MediaType.HTML,
    )


def status_for_validation(exc: errors.ValidationFailed) -> int:
    """Refused votes say why in their status too: a conflict with the poll's state, or no right to vote."""
    if isinstance(exc, AlreadyVoted | PollNotOpen | WrongPollState | WrongMinutesState | EditConflict):
        return HTTP_409_CONFLICT
    if isinstance(exc, NotEntitledToVote):
        return HTTP_403_FORBIDDEN
    return HTTP_400_BAD_REQUEST


def handle_domain_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if is_oparl_path(request.url.path):
        return oparl_domain_error(request, exc)
    if isinstance(exc, errors.NotFound):
        return error_response(request, HTTP_404_NOT_FOUND, _("Diese Seite gibt es nicht oder nicht mehr."))
    if isinstance(exc, errors.PermissionDenied):
        return error_response(request, HTTP_403_FORBIDDEN, _("Dafür fehlt Ihnen die Berechtigung."))
    if isinstance(exc, errors.ValidationFailed):
        detail = "; ".join(_(message) for message in exc.errors.values())
        if _wants_json(request):
            return Response(
                {"status": status_for_validation(exc), "error": "invalid", "detail": detail, "errors": exc.errors},
                status_code=status_for_validation(exc),
            )
        return error_response(request, status_for_validation(exc), detail)
    return handle_unexpected(request, exc)


def oparl_domain_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """OParl clients get error objects in the data's language (German): the messages are not translated."""
    if isinstance(exc, errors.NotFound):
        return oparl_error(HTTP_404_NOT_FOUND, f"unbekannt: {exc}")
    if isinstance(exc, errors.ValidationFailed):
        return oparl_error(HTTP_400_BAD_REQUEST, "; ".join(f"{name}: {text}" for name, text in exc.errors.items()))
    return handle_unexpected(request, exc)


def handle_http_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    if is_oparl_path(request.url.path) and status < HTTP_500_INTERNAL_SERVER_ERROR:
        return oparl_error(status, str(exc.detail or ""))
    if status == HTTP_401_UNAUTHORIZED and not _wants_json(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/login?next={quote(target, safe='')}", status_code=303)
    if status >= HTTP_500_INTERNAL_SERVER_ERROR:
        return handle_unexpected(request, exc)
    detail = str(exc.detail) if exc.detail else ""
    if "CSRF" in detail:
        detail = _(
            "Das Formular war abgelaufen oder unvollständig. Bitte laden Sie die Seite neu und senden Sie es erneut."
        )
    elif status == HTTP_404_NOT_FOUND:
        detail = _("Diese Seite gibt es nicht oder nicht mehr.")
    elif status == HTTP_400_BAD_REQUEST:
        detail = _("Die Anfrage enthielt ungültige Angaben.")
    return error_response(request, status, detail)


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    if is_oparl_path(request.url.path):
        return oparl_error(HTTP_500_INTERNAL_SERVER_ERROR)
    return error_response(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        _("Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es später erneut."),
    )


def handle_overload(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Every database connection stayed busy for the pool's whole timeout: the request did nothing, so the
    client is told to try again (a vote not acknowledged was not stored) rather than shown an internal error."""
    log.warning("no database connection free for %s %s: %s", request.method, request.url.path, exc)
    if is_oparl_path(request.url.path):
        response = oparl_error(HTTP_503_SERVICE_UNAVAILABLE, "Der Dienst ist überlastet.")
    else:
        response = error_response(
            request,
            HTTP_503_SERVICE_UNAVAILABLE,
            _("Der Dienst ist gerade überlastet; nichts wurde gespeichert. Bitte versuchen Sie es gleich erneut."),
        )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    PoolTimeout: handle_overload,
    errors.CouncilError: handle_domain_error,
    HTTPException: handle_http_error,
    HTTP_500_INTERNAL_SERVER_ERROR: handle_unexpected,
}
