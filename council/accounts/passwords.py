"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from council.messages import N_

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

MIN_PASSWORD_LENGTH = 10  # the message below names it

# A hash of a random password: verifying against it makes an unknown user take as long as a known one.
_DUMMY_HASH = _hasher.hash("no user has this password, it only burns time")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """Why a new password is unacceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return N_("Das Passwort muss mindestens 10 Zeichen lang sein.")
    if password.strip() != password:
        return N_("Das Passwort darf nicht mit Leerzeichen beginnen oder enden.")
    return None
