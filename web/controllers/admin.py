"""Administration: user accounts and their roles."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.models import BodyRoleKind
from council.accounts.service import create_user, list_users, new_user_problems, people_without_account
from council.accounts.viewer import Viewer
from council.bodies.models import Body, Person
from council.errors import NotFound, ValidationFailed
from council.messages import N_
from web.auth import requires_admin
from web.pages import FormData, form_value, page


class UserAdminController(Controller):
    path = "/admin/users"
    guards = [requires_admin]  # noqa: RUF012

    @get("/", name="admin_users")
    async def index(
        self,
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        created: FromQuery[str | None] = None,
    ) -> Template:
        body = _required(municipality)
        users = await list_users(db_session, body.id)
        return page("admin/users.html", viewer=viewer, body=municipality, users=users, created=created)

    @get("/new", name="admin_user_new")
    async def new(
        self,
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
    ) -> Template:
        return await self._form(db_session, viewer, _required(municipality), values={}, errors={})

    @post("/", name="admin_user_create")
    async def create(
        self,
        db_session: NamedDependency[AsyncSession],
        viewer: NamedDependency[Viewer],
        municipality: NamedDependency[Body | None],
        data: FormData,
    ) -> Template | Redirect:
        body = _required(municipality)
        values = {name: form_value(data, name, 300) for name in ("username", "display_name", "email", "role", "person")}
        errors: dict[str, str] = {}
        roles: list[BodyRoleKind] = []
        if values["role"]:
            try:
                roles = [BodyRoleKind(values["role"])]
            except ValueError:
                errors["role"] = N_("Bitte eine der angebotenen Rollen wählen.")
        person = None
        if values["person"]:
            person = await db_session.get(Person, int(values["person"])) if values["person"].isdigit() else None
            if person is None or person.deleted:
                errors["person"] = N_("Bitte eine der angebotenen Personen wählen.")
        try:
            if errors:
                # Report the other fields' problems too, not only the choice lists'.
                password = form_value(data, "password", 1000)
                problems = await new_user_problems(
                    db_session,
                    body=body,
                    username=values["username"],
                    password=password,
                    display_name=values["display_name"],
                    email=values["email"] or None,
                    person=person,
                )
                raise ValidationFailed({**problems, **errors})
            user = await create_user(
                db_session,
                body=body,
                username=values["username"],
                password=form_value(data, "password", 1000),
                display_name=values["display_name"],
                email=values["email"] or None,
                person=person,
                roles=roles,
            )
        except ValidationFailed as exc:
            return await self._form(
                db_session,
                viewer,
                body,
                values=values,
                errors={**errors, **exc.errors},
                status_code=HTTP_400_BAD_REQUEST,
            )
        return Redirect(f"/admin/users?created={user.username}", status_code=303)

    async def _form(
        self,
        db_session: AsyncSession,
        viewer: Viewer,
        body: Body,
        *,
        values: dict[str, str],
        errors: dict[str, str],
        status_code: int = 200,
    ) -> Template:
        return page(
            "admin/user_form.html",
            viewer=viewer,
            body=body,
            values=values,
            errors=errors,
            people=await people_without_account(db_session, body.id),
            roles=list(BodyRoleKind),
            status_code=status_code,
        )


def _required(body: Body | None) -> Body:
    if body is None:
        raise NotFound("body")
    return body
