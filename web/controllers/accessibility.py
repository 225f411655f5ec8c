"""The accessibility statement (Erklärung zur Barrierefreiheit, BITV 2.0 / EU 2016/2102) with its feedback
contact: COUNCIL_ACCESSIBILITY_CONTACT, else the municipality's contact address."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.settings import Settings
from web.page_cache import PUBLIC_PAGE
from web.pages import page


class AccessibilityController(Controller):
    path = "/barrierefreiheit"

    @get("/", name="accessibility", opt=PUBLIC_PAGE)
    async def statement(
        self,
        request: Request[Any, Any, Any],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        settings: Settings = request.app.state.settings
        contact = settings.accessibility_contact or (municipality.contact_email if municipality else None)
        return page("accessibility/statement.html", viewer=viewer, body=municipality, contact=contact)
