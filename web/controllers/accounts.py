"""Login, logout and the user's own account page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_401_UNAUTHORIZED, HTTP_429_TOO_MANY_REQUESTS
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.service import ThrottlePolicy, authenticate, change_password, get_user
from council.accounts.viewer import Viewer
from council.bodies.models import Body
from council.bodies.service import get_person
from council.errors import InvalidCredentials, LoginThrottled, ValidationFailed
from council.settings import Settings
from web.auth import USER_KEY, requires_login
from web.i18n import gettext as _
from web.pages import FormData, form_value, page, safe_next
from web.sessions import ROTATE


class AuthController(Controller):
    @get("/login", name="login")
    async def login_form(
        self,
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        next: FromQuery[str | None] = None,
    ) -> Template:
        return page(
            "accounts/login.html", viewer=viewer, body=municipality, next=safe_next(next), errors={}, username=""
        )

    @post("/login", name="login_submit")
    async def login(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        settings: Settings = request.app.state.settings
        username = form_value(data, "username", 80)
        target = safe_next(form_value(data, "next"))
        client = request.client.host if request.client else "unknown"
        try:
            user = await authenticate(
                db_session,
                username=username,
                password=form_value(data, "password", 1000),
                client=client,
                policy=ThrottlePolicy(settings.login_max_failures, settings.login_window_seconds),
            )
        except LoginThrottled as exc:
            message = _("Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie {minutes} Minuten.").format(
                minutes=max(1, round(exc.retry_after_seconds / 60))
            )
            response = page(
                "accounts/login.html",
                viewer=viewer,
                body=municipality,
                next=target,
                username=username,
                errors={"form": message},
                status_code=HTTP_429_TOO_MANY_REQUESTS,
            )
            response.headers["Retry-After"] = str(exc.retry_after_seconds)
            return response
        except InvalidCredentials:
            # The failed attempt must count even though this response is an error.
            await db_session.commit()
            return page(
                "accounts/login.html",
                viewer=viewer,
                body=municipality,
                next=target,
                username=username,
                errors={"form": _("Benutzername oder Passwort ist falsch.")},
                status_code=HTTP_401_UNAUTHORIZED,
            )
        request.clear_session()
        request.set_session({USER_KEY: user.id, ROTATE: True})
        return Redirect(target, status_code=303)

    @post("/logout", name="logout")
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        request.clear_session()
        return Redirect("/", status_code=303)


class AccountController(Controller):
    path = "/account"
    guards = [requires_login]  # noqa: RUF012

    @get("/", name="account")
    async def show(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        changed: FromQuery[bool] = False,
    ) -> Template:
        return await self._render(request, db_session, viewer, municipality, errors={}, changed=changed)

    @post("/password", name="account_password")
    async def password(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        assert viewer.user_id is not None  # the guard let only logged-in users through
        user = await get_user(db_session, viewer.user_id)
        try:
            await change_password(
                db_session,
                user,
                form_value(data, "current", 1000),
                form_value(data, "new", 1000),
                form_value(data, "repeated", 1000),
            )
        except ValidationFailed as exc:
            return await self._render(
                request, db_session, viewer, municipality, errors=exc.errors, status_code=HTTP_400_BAD_REQUEST
            )
        return Redirect("/account?changed=true", status_code=303)

    async def _render(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        viewer: Viewer,
        body: Body | None,
        *,
        errors: dict[str, str],
        changed: FromQuery[bool] = False,
        status_code: int = 200,
    ) -> Template:
        assert viewer.user_id is not None
        settings: Settings = request.app.state.settings
        user = await get_user(db_session, viewer.user_id)
        person = await get_person(db_session, user.person_id) if user.person_id else None
        return page(
            "accounts/account.html",
            viewer=viewer,
            body=body,
            user=user,
            person=person,
            errors=errors,
            changed=changed,
            roles=sorted(role for _, role in viewer.body_roles),
            calendar_url=f"{settings.public_base_url}/calendar/{user.calendar_token}.ics"
            if user.calendar_token
            else None,
            status_code=status_code,
        )
