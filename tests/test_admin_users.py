"""User administration: only admins, clear errors, nothing half-written."""

from __future__ import annotations

from sqlalchemy import func, select

from council.accounts.models import BodyRole, BodyRoleKind, User
from tests.web_helpers import log_in, submit_form


async def _user_count(sessions) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def test_admin_creates_a_secretariat_account(login, client, world, sessions):
    admin = await login("admin")
    response = await submit_form(
        admin,
        "/admin/users/new",
        action="/admin/users/",
        username="neu.sitzungsdienst",
        display_name="Neue Kollegin",
        email="neu@example.org",
        password="anfangs-passwort-1",
        role="secretariat",
        person="",
    )
    assert response.status_code == 303
    listing = await admin.get(response.headers["location"])
    assert "neu.sitzungsdienst" in listing.text
    async with sessions() as session:
        user = await session.scalar(select(User).where(User.username == "neu.sitzungsdienst"))
        roles = list(await session.scalars(select(BodyRole.role).where(BodyRole.user_id == user.id)))
    assert roles == [BodyRoleKind.SECRETARIAT]
    await log_in(client, "neu.sitzungsdienst", "anfangs-passwort-1")


async def test_admin_links_an_account_to_a_person(login, world, sessions):
    admin = await login("admin")
    person = world.people["secretariat"]
    # that person already has an account; the form only offers people without one
    form = await admin.get("/admin/users/new")
    assert f'value="{person.id}"' not in form.text
    response = await submit_form(
        admin,
        "/admin/users/new",
        action="/admin/users/",
        username="zweites-konto",
        display_name="X",
        password="anfangs-passwort-1",
        role="",
        person=str(person.id),
    )
    assert response.status_code == 400
    assert "Diese Person hat bereits ein Konto." in response.text


async def test_bad_input_rerenders_with_messages_and_creates_nothing(login, world, sessions):
    admin = await login("admin")
    before = await _user_count(sessions)
    response = await submit_form(
        admin,
        "/admin/users/new",
        action="/admin/users/",
        username="X Y",
        display_name="",
        email="kein-at",
        password="kurz",
        role="kaiser",
        person="abc",
    )
    assert response.status_code == 400
    for message in (
        "Benutzername: 2–80 Zeichen",
        "mindestens 10 Zeichen",
        "Bitte einen Namen angeben.",
        "gültige E-Mail-Adresse",
        "Bitte eine der angebotenen Rollen wählen.",
        "Bitte eine der angebotenen Personen wählen.",
    ):
        assert message in response.text, message
    assert 'value="X Y"' in response.text
    assert await _user_count(sessions) == before


async def test_duplicate_username_is_refused(login, world, sessions):
    admin = await login("admin")
    before = await _user_count(sessions)
    response = await submit_form(
        admin,
        "/admin/users/new",
        action="/admin/users/",
        username="member",
        display_name="Doppelt",
        password="anfangs-passwort-1",
        role="",
        person="",
    )
    assert response.status_code == 400
    assert "bereits vergeben" in response.text
    assert await _user_count(sessions) == before


async def test_oversized_and_repeated_fields_do_not_break_the_form(login, world):
    admin = await login("admin")
    page = await admin.get("/admin/users/new")
    from tests.web_helpers import csrf_token_from

    token = csrf_token_from(page.text)
    response = await admin.post(
        "/admin/users/",
        data={"_csrf_token": token, "username": ["a", "b"], "display_name": "x" * 10000, "password": "p"},
    )
    assert response.status_code == 400
