"""Rendering pages and reading forms, the same way in every controller."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from council.accounts.viewer import Viewer
from council.bodies.models import Body as Municipality

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def page(
    template_name: str,
    *,
    viewer: Viewer,
    body: Municipality | None,
    status_code: int = 200,
    **context: Any,
) -> Template:
    """A full page: every template gets the viewer (for the header) and the municipality."""
    return Template(
        template_name=template_name,
        context={"viewer": viewer, "body": body, **context},
        status_code=status_code,
    )


def form_value(data: Mapping[str, Any], name: str, limit: int = 2000) -> str:
    """One text field of a submitted form; missing, repeated or oversized fields become harmless strings."""
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value)[:limit]


def safe_next(target: str | None, default: str = "/") -> str:
    """Only local paths may follow a login, so the form can't be used to send people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
