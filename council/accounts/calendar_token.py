"""The secret address of a member's personal calendar feed: issued, replaced, revoked by the member."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.models import User
from council.errors import NotFound

TOKEN_BYTES = 32


def issue_calendar_token(user: User) -> str:
    """A new secret; the old address stops working at once."""
    user.calendar_token = secrets.token_urlsafe(TOKEN_BYTES)
    return user.calendar_token


def revoke_calendar_token(user: User) -> None:
    user.calendar_token = None


async def user_of_calendar_token(session: AsyncSession, token: str) -> User:
    """NotFound for an unknown, revoked or malformed token, and for a deactivated account alike."""
    if not token or len(token) > 64:
        raise NotFound("calendar")
    user = await session.scalar(select(User).where(User.calendar_token == token))
    if user is None or not user.active or user.deleted or not secrets.compare_digest(user.calendar_token or "", token):
        raise NotFound("calendar")
    return user
