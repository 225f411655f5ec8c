"""Answers of the OParl interface: JSON in UTF-8, list pages with pagination and links, error objects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Response

from council.opendata import ListQuery, Page
from web.oparl.cors import ALLOW_ANY_ORIGIN
from web.oparl.urls import type_url, with_query

JSON_UTF8 = "application/json; charset=utf-8"

# What a client is told for each status, in the language of the data (OParl 2.9).
MESSAGES = {
    400: "Die Anfrage enthält ungültige Parameter.",
    404: "Dieses Objekt oder diese Liste gibt es nicht.",
    405: "Die OParl-Schnittstelle kann nur gelesen werden (GET).",
    500: "Ein unerwarteter Fehler ist aufgetreten.",
}


def oparl_json(content: Mapping[str, Any], status_code: int = 200) -> Response[Any]:
    return Response(dict(content), status_code=status_code, media_type=JSON_UTF8, headers=dict([ALLOW_ANY_ORIGIN]))


def oparl_error(status_code: int, debug: str = "") -> Response[Any]:
    """An OParl error object (OParl 2.9) with the HTTP status it stands for."""
    error = {"type": type_url("Error"), "message": MESSAGES.get(status_code, "Fehler"), "debug": debug}
    return oparl_json(error, status_code=status_code)


def list_page(page: Page[Any], data: list[dict[str, Any]], list_url: str, query: ListQuery) -> Response[Any]:
    """A page of an external object list (OParl 2.5): every link keeps the filters; next on all but the last."""

    def link(number: int) -> str:
        return with_query(list_url, query.link_parameters(number))

    links = {"first": link(1)}
    if page.number > 1:
        links["prev"] = link(min(page.number - 1, page.count))
    links["self"] = link(page.number)
    if page.number < page.count:
        links["next"] = link(page.number + 1)
    links["last"] = link(page.count)
    pagination = {
        "totalElements": page.total,
        "elementsPerPage": page.size,
        "currentPage": page.number,
        "totalPages": page.count,
    }
    return oparl_json({"data": data, "pagination": pagination, "links": links})
