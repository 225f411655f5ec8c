"""Pure rules and small domain objects, no database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from council.accounts.models import BodyRoleKind
from council.accounts.passwords import hash_password, password_problem, verify_password
from council.accounts.throttle import seconds_until_login_allowed
from council.accounts.viewer import ANONYMOUS, Viewer
from council.bodies.models import MembershipRole
from council.errors import ConfigurationError
from council.meetings.models import meeting_title
from council.settings import load_settings
from web.i18n import negotiate_language
from web.pages import safe_next

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def _ago(seconds: int) -> dt.datetime:
    return NOW - dt.timedelta(seconds=seconds)


def test_login_allowed_below_the_limit():
    assert seconds_until_login_allowed([_ago(10)] * 4, NOW, max_failures=5, window_seconds=900) == 0


def test_login_refused_at_the_limit_until_the_oldest_failure_leaves_the_window():
    failures = [_ago(100), _ago(50), _ago(40), _ago(30), _ago(20)]
    assert seconds_until_login_allowed(failures, NOW, max_failures=5, window_seconds=900) == 800


def test_failures_outside_the_window_do_not_count():
    failures = [_ago(1000)] * 10 + [_ago(5)] * 4
    assert seconds_until_login_allowed(failures, NOW, max_failures=5, window_seconds=900) == 0


@given(st.lists(st.integers(min_value=0, max_value=2000), max_size=30), st.integers(min_value=1, max_value=10))
def test_wait_never_exceeds_the_window(ages, limit):
    wait = seconds_until_login_allowed([_ago(a) for a in ages], NOW, max_failures=limit, window_seconds=900)
    assert 0 <= wait <= 900
    inside = [a for a in ages if a < 900]
    assert (wait > 0) == (len(inside) >= limit)


def test_passwords_are_hashed_with_argon2id():
    from argon2 import PasswordHasher

    from council.accounts import passwords

    # the suite swaps in a cheap hasher; the module's own default must be argon2id
    assert PasswordHasher().hash("x").startswith("$argon2id$")
    assert hash_password("geheim-genug-123").startswith("$argon2id$")
    assert passwords.verify_password(hash_password("geheim-genug-123"), "geheim-genug-123")
    assert not verify_password(hash_password("geheim-genug-123"), "falsch")
    assert not verify_password(None, "egal")
    assert not verify_password("not-a-hash", "egal")


@pytest.mark.parametrize(
    ("password", "ok"), [("kurz", False), ("  leerzeichen-aussen ", False), ("lang-genug-1", True)]
)
def test_password_rules(password, ok):
    assert (password_problem(password) is None) is ok


def test_viewer_roles():
    viewer = Viewer(
        user_id=1,
        body_roles=frozenset({(7, BodyRoleKind.SECRETARIAT)}),
        organization_roles={3: frozenset({MembershipRole.CHAIR})},
    )
    assert viewer.is_secretariat(7)
    assert not viewer.is_admin(7)
    assert not viewer.is_any_admin
    assert viewer.chairs(3)
    assert viewer.may_see_confidential(7, 99)
    assert not viewer.may_see_confidential(8, 99)
    assert viewer.may_see_confidential(8, 3)
    assert not ANONYMOUS.is_authenticated
    assert not ANONYMOUS.may_see_confidential(7, 3)


def test_admin_counts_as_secretariat():
    admin = Viewer(user_id=1, body_roles=frozenset({(7, BodyRoleKind.ADMIN)}))
    assert admin.is_secretariat(7)
    assert admin.is_any_admin


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("Hauptausschuss", "18. Sitzung des Hauptausschusses"),
        ("Haupt- und Wirtschaftsausschuss", "18. Sitzung des Haupt- und Wirtschaftsausschusses"),
        ("Stadtrat", "18. Sitzung des Stadtrates"),
        ("Seniorenbeirat", "18. Sitzung des Seniorenbeirates"),
        ("Stadtverordnetenversammlung", "18. Sitzung der Stadtverordnetenversammlung"),
        ("Jugendforum", "18. Sitzung: Jugendforum"),
    ],
)
def test_meeting_title(name, title):
    assert meeting_title(18, name) == title


def test_settings_defaults_and_generated_secret(tmp_path):
    settings = load_settings({"COUNCIL_VAR_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'council.sqlite3'}"
    assert len(settings.secret_key) >= 32
    assert load_settings({"COUNCIL_VAR_DIR": str(tmp_path)}).secret_key == settings.secret_key
    assert not settings.secure_cookies


def test_settings_production_requires_a_secret(tmp_path):
    with pytest.raises(ConfigurationError, match="COUNCIL_SECRET_KEY"):
        load_settings({"COUNCIL_ENV": "production", "COUNCIL_VAR_DIR": str(tmp_path)})
    with pytest.raises(ConfigurationError, match="32"):
        load_settings({"COUNCIL_ENV": "production", "COUNCIL_SECRET_KEY": "short"})


def test_settings_reject_bad_values(tmp_path):
    with pytest.raises(ConfigurationError):
        load_settings({"COUNCIL_ENV": "staging", "COUNCIL_VAR_DIR": str(tmp_path)})
    with pytest.raises(ConfigurationError, match="whole number"):
        load_settings({"COUNCIL_VAR_DIR": str(tmp_path), "COUNCIL_LOGIN_MAX_FAILURES": "viele"})
    with pytest.raises(ConfigurationError, match="at least 1"):
        load_settings({"COUNCIL_VAR_DIR": str(tmp_path), "COUNCIL_MAX_UPLOAD_BYTES": "0"})


def test_upload_limit_defaults_to_20_mib_and_can_be_set(tmp_path):
    assert load_settings({"COUNCIL_VAR_DIR": str(tmp_path)}).max_upload_bytes == 20 * 1024 * 1024
    settings = load_settings({"COUNCIL_VAR_DIR": str(tmp_path), "COUNCIL_MAX_UPLOAD_BYTES": "1048576"})
    assert settings.max_upload_bytes == 1048576


def test_settings_normalise_postgres_urls_and_hide_passwords(tmp_path):
    settings = load_settings(
        {
            "COUNCIL_VAR_DIR": str(tmp_path),
            "COUNCIL_DATABASE_URL": "postgresql://council:s3cret@db:5432/council",
            "COUNCIL_PUBLIC_BASE_URL": "https://rat.example.org/",
        }
    )
    assert settings.database_url == "postgresql+asyncpg://council:s3cret@db:5432/council"
    assert "s3cret" not in str(settings.describe())
    assert settings.secure_cookies
    assert settings.public_base_url == "https://rat.example.org"


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/account", "/account"), ("//evil.example", "/"), ("https://evil.example", "/"), ("/\\evil", "/"), (None, "/")],
)
def test_safe_next(target, expected):
    assert safe_next(target) == expected


def test_language_falls_back_to_german():
    assert negotiate_language("fr-FR,fr;q=0.9") == "de"
    assert negotiate_language(None) == "de"
    assert negotiate_language("de-DE") == "de"
    assert negotiate_language("x;;;,") == "de"
