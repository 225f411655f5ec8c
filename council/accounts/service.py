"""Accounts: create users, log in under a throttle, load the viewer, change passwords."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from council.accounts.models import BodyRole, BodyRoleKind, LoginAttempt, User
from council.accounts.passwords import hash_password, needs_rehash, password_problem, verify_password
from council.accounts.throttle import seconds_until_login_allowed
from council.accounts.viewer import ANONYMOUS, Viewer
from council.bodies.models import Body, Membership, MembershipRole, Person
from council.db import utcnow
from council.errors import InvalidCredentials, LoginThrottled, NotFound, ValidationFailed
from council.messages import N_

LOGIN_LOG_RETENTION = dt.timedelta(days=1)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    window_seconds: int = 900


async def new_user_problems(
    session: AsyncSession,
    *,
    body: Body,
    username: str,
    password: str,
    display_name: str,
    email: str | None = None,
    person: Person | None = None,
) -> dict[str, str]:
    """Everything wrong with a new account's details, by form field (empty if none)."""
    username = username.strip().lower()
    errors: dict[str, str] = {}
    if not USERNAME.match(username):
        errors["username"] = N_("Benutzername: 2–80 Zeichen, Kleinbuchstaben, Ziffern, Punkt, Binde- oder Unterstrich.")
    elif await session.scalar(select(User.id).where(User.username == username)) is not None:
        errors["username"] = N_("Dieser Benutzername ist bereits vergeben.")
    if problem := password_problem(password):
        errors["password"] = problem
    if not display_name.strip():
        errors["display_name"] = N_("Bitte einen Namen angeben.")
    if email and "@" not in email:
        errors["email"] = N_("Bitte eine gültige E-Mail-Adresse angeben.")
    if person is not None:
        if person.body_id != body.id:
            errors["person"] = N_("Die Person gehört zu einer anderen Kommune.")
        elif await session.scalar(select(User.id).where(User.person_id == person.id)) is not None:
            errors["person"] = N_("Diese Person hat bereits ein Konto.")
    return errors


async def create_user(
    session: AsyncSession,
    *,
    body: Body,
    username: str,
    password: str,
    display_name: str,
    email: str | None = None,
    person: Person | None = None,
    roles: Iterable[BodyRoleKind] = (),
) -> User:
    errors = await new_user_problems(
        session, body=body, username=username, password=password, display_name=display_name, email=email, person=person
    )
    if errors:
        raise ValidationFailed(errors)
    username = username.strip().lower()
    user = User(
        body_id=body.id,
        username=username,
        password_hash=hash_password(password),
        display_name=display_name.strip(),
        email=email or None,
        person_id=person.id if person else None,
    )
    user.roles = [BodyRole(body_id=body.id, role=role) for role in set(roles)]
    session.add(user)
    await session.flush()
    return user


async def authenticate(
    session: AsyncSession,
    *,
    username: str,
    password: str,
    client: str,
    policy: ThrottlePolicy,
    now: dt.datetime | None = None,
) -> User:
    """Check a login. Throttled per account and per client address; every attempt is recorded.

    The caller commits even when this raises, so that failed attempts count.
    """
    now = now or utcnow()
    username = username.strip().lower()[:80]
    client = client[:64]
    for column, value in ((LoginAttempt.username, username), (LoginAttempt.client, client)):
        wait = seconds_until_login_allowed(
            await _failures_since_last_success(session, column, value, now, policy.window_seconds),
            now,
            policy.max_failures,
            policy.window_seconds,
        )
        if wait:
            raise LoginThrottled(wait)
    user = await session.scalar(select(User).where(User.username == username, User.deleted.is_(False)))
    ok = verify_password(user.password_hash if user else None, password) and user is not None and user.active
    session.add(LoginAttempt(username=username, client=client, at=now, success=ok))
    # The log only serves the throttle (and a day of evidence); keep it from growing without bound.
    await forget_old_login_attempts(session, now - LOGIN_LOG_RETENTION)
    if not ok or user is None:
        raise InvalidCredentials()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login = now
    await session.flush()
    return user


async def _failures_since_last_success(
    session: AsyncSession, column: InstrumentedAttribute[str], value: str, now: dt.datetime, window_seconds: int
) -> list[dt.datetime]:
    since = now - dt.timedelta(seconds=window_seconds)
    rows = (
        await session.execute(
            select(LoginAttempt.at, LoginAttempt.success)
            .where(column == value, LoginAttempt.at >= since)
            .order_by(LoginAttempt.at)
        )
    ).all()
    failures: list[dt.datetime] = []
    for at, success in rows:
        if success:
            failures.clear()
        else:
            failures.append(at)
    return failures


async def forget_old_login_attempts(session: AsyncSession, older_than: dt.datetime) -> None:
    await session.execute(delete(LoginAttempt).where(LoginAttempt.at < older_than))


async def change_password(session: AsyncSession, user: User, current: str, new: str, repeated: str) -> None:
    errors: dict[str, str] = {}
    if not verify_password(user.password_hash, current):
        errors["current"] = N_("Das bisherige Passwort stimmt nicht.")
    if problem := password_problem(new):
        errors["new"] = problem
    elif new != repeated:
        errors["repeated"] = N_("Die beiden neuen Passwörter stimmen nicht überein.")
    if errors:
        raise ValidationFailed(errors)
    user.password_hash = hash_password(new)
    await session.flush()


async def get_user(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None or user.deleted or not user.active:
        raise NotFound("user")
    return user


async def load_viewer(session: AsyncSession, user_id: int | None, today: dt.date | None = None) -> Viewer:
    """The viewer for a session's user id; anonymous if the user is gone or deactivated."""
    if user_id is None:
        return ANONYMOUS
    # Columns, not entities: every signed-in request without a cached viewer comes here, and loading ORM objects
    # (identity map, instance state) cost more than the three small queries themselves.
    user = (
        await session.execute(
            select(User.id, User.display_name, User.person_id).where(
                User.id == user_id, User.deleted.is_(False), User.active.is_(True)
            )
        )
    ).first()
    if user is None:
        return ANONYMOUS
    today = today or utcnow().date()
    roles = (await session.execute(select(BodyRole.body_id, BodyRole.role).where(BodyRole.user_id == user.id))).all()
    organization_roles: dict[int, set[MembershipRole]] = {}
    if user.person_id is not None:
        memberships = await session.execute(
            select(Membership.organization_id, Membership.role).where(
                Membership.person_id == user.person_id,
                Membership.deleted.is_(False),
                Membership.start_date <= today,
                or_(Membership.end_date.is_(None), Membership.end_date >= today),
            )
        )
        for organization_id, role in memberships:
            organization_roles.setdefault(organization_id, set()).add(role)
    return Viewer(
        user_id=user.id,
        display_name=user.display_name,
        person_id=user.person_id,
        body_roles=frozenset((body_id, role) for body_id, role in roles),
        organization_roles={org: frozenset(r) for org, r in organization_roles.items()},
    )


async def list_users(session: AsyncSession, body_id: int) -> list[User]:
    rows = await session.scalars(
        select(User)
        .where(User.body_id == body_id, User.deleted.is_(False))
        .options(selectinload(User.roles), selectinload(User.person))
        .order_by(User.username)
    )
    return list(rows)


async def people_without_account(session: AsyncSession, body_id: int) -> list[Person]:
    linked = select(User.person_id).where(User.person_id.is_not(None))
    rows = await session.scalars(
        select(Person)
        .where(Person.body_id == body_id, Person.deleted.is_(False), Person.id.not_in(linked))
        .order_by(Person.family_name, Person.given_name)
    )
    return list(rows)
