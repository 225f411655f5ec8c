"""Login, logout, throttling, CSRF, session cookies and the own-account page."""

from __future__ import annotations

from sqlalchemy import func, select

from council.accounts.models import LoginAttempt, User
from council.accounts.passwords import verify_password
from tests.web_helpers import csrf_token_from, log_in, submit_form
from tests.world import PASSWORD


async def test_login_redirects_to_the_requested_page(client, world):
    response = await submit_form(client, "/login", username="member", password=PASSWORD, next="/account")
    assert response.status_code == 303
    assert response.headers["location"] == "/account"
    assert (await client.get("/account")).status_code == 200


async def test_login_never_redirects_to_another_site(client, world):
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        await client.post("/logout", data={"_csrf_token": csrf_token_from((await client.get("/login")).text)})
        response = await submit_form(client, "/login", username="member", password=PASSWORD, next=target)
        assert response.headers["location"] == "/", target


async def test_wrong_password_rerenders_the_form_with_a_message(client, world):
    response = await submit_form(client, "/login", username="member", password="wrong-password")
    assert response.status_code == 401
    assert "Benutzername oder Passwort ist falsch." in response.text
    assert 'value="member"' in response.text
    assert (await client.get("/account", follow_redirects=False)).status_code == 303


async def test_unknown_user_gets_the_same_message(client, world):
    response = await submit_form(client, "/login", username="nobody", password="wrong-password")
    assert response.status_code == 401
    assert "Benutzername oder Passwort ist falsch." in response.text


async def test_login_is_throttled_after_five_failures(client, world, sessions):
    for _ in range(5):
        response = await submit_form(client, "/login", username="member", password="wrong-password")
        assert response.status_code == 401
    response = await submit_form(client, "/login", username="member", password=PASSWORD)
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.text
    async with sessions() as session:
        failures = await session.scalar(
            select(func.count()).select_from(LoginAttempt).where(LoginAttempt.success.is_(False))
        )
    assert failures == 5


async def test_throttle_for_one_account_does_not_lock_out_another(client, world):
    for _ in range(5):
        await submit_form(client, "/login", username="chair", password="wrong-password")
    # The same client address is now throttled too, so another address logs the member in.
    response = await submit_form(client, "/login", username="member", password=PASSWORD)
    assert response.status_code == 429


async def test_login_without_csrf_token_is_refused(client, world):
    await client.get("/login")
    response = await client.post("/login", data={"username": "member", "password": PASSWORD})
    assert response.status_code == 403
    assert "Formular war abgelaufen" in response.text


async def test_login_with_forged_csrf_token_is_refused(client, world):
    await client.get("/login")
    response = await client.post("/login", data={"username": "member", "password": PASSWORD, "_csrf_token": "x" * 64})
    assert response.status_code == 403


async def test_logout_requires_csrf_and_ends_the_session(login, world):
    member = await login("member")
    assert (await member.post("/logout", data={})).status_code == 403
    assert (await member.get("/account")).status_code == 200
    token = csrf_token_from((await member.get("/account")).text)
    response = await member.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert (await member.get("/account", follow_redirects=False)).status_code == 303


async def test_login_issues_a_new_session_id(client, world):
    planted = "a" * 64
    client.cookies.set("council_session", planted, domain="testserver.local")
    await log_in(client, "member", PASSWORD)
    assert client.cookies.get("council_session") not in (None, planted)


async def test_session_cookie_is_http_only_and_same_site(client, world):
    response = await submit_form(client, "/login", username="member", password=PASSWORD)
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "council_session" in v)
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie.replace("samesite", "SameSite")


async def test_account_page_shows_memberships(login, world):
    member = await login("member")
    response = await member.get("/account")
    assert "Hauptausschuss" in response.text
    assert "Passwort ändern" in response.text


async def test_password_change_with_wrong_current_password_changes_nothing(login, world, sessions):
    member = await login("member")
    response = await submit_form(
        member,
        "/account",
        action="/account/password",
        current="not-it",
        new="new-password-123",
        repeated="new-password-123",
    )
    assert response.status_code == 400
    assert "Das bisherige Passwort stimmt nicht." in response.text
    async with sessions() as session:
        user = await session.scalar(select(User).where(User.username == "member"))
        assert verify_password(user.password_hash, PASSWORD)


async def test_password_change_checks_repetition_and_length(login, world):
    member = await login("member")
    response = await submit_form(
        member, "/account", action="/account/password", current=PASSWORD, new="short", repeated="short"
    )
    assert response.status_code == 400
    assert "mindestens 10 Zeichen" in response.text
    response = await submit_form(
        member,
        "/account",
        action="/account/password",
        current=PASSWORD,
        new="new-password-123",
        repeated="other-password",
    )
    assert response.status_code == 400
    assert "stimmen nicht überein" in response.text


async def test_password_change_takes_effect(login, client, world):
    member = await login("member")
    response = await submit_form(
        member,
        "/account",
        action="/account/password",
        current=PASSWORD,
        new="new-password-123",
        repeated="new-password-123",
    )
    assert response.status_code == 303
    assert (await member.get(response.headers["location"])).text.count("Ihr Passwort wurde geändert.") == 1
    await log_in(client, "member", "new-password-123")


async def test_login_log_forgets_attempts_older_than_a_day(client, world, sessions):
    import datetime as dt

    from council.db import utcnow

    async with sessions() as session, session.begin():
        session.add(
            LoginAttempt(username="member", client="198.51.100.7", at=utcnow() - dt.timedelta(days=2), success=False)
        )
    await submit_form(client, "/login", username="member", password=PASSWORD)
    async with sessions() as session:
        clients = set(await session.scalars(select(LoginAttempt.client)))
    assert clients == {"127.0.0.1"}
