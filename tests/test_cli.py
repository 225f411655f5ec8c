"""The ``council`` command as an operator runs it: a subprocess with its own environment and a SQLite file."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from council.accounts.models import BodyRoleKind, User
from council.accounts.service import ThrottlePolicy, authenticate
from council.db import create_engine, session_factory
from council.demo import DEMO_LOGINS
from council.errors import InvalidCredentials

COUNCIL = Path(sys.executable).with_name("council")
SECRET = "cli-test-secret-key-that-is-long-enough-0123"
# Nothing listens here: `council check` must report Redis as unreachable.
DEAD_REDIS_URL = "redis://127.0.0.1:6399/0"


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"


def run_council(var_dir: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """The command with only COUNCIL_VAR_DIR (plus ``extra_env``) of the COUNCIL_* variables set."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("COUNCIL_")}
    env["COUNCIL_VAR_DIR"] = str(var_dir)
    env.update(extra_env)
    return subprocess.run(
        [str(COUNCIL), *args],
        env=env,
        cwd=var_dir.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def council(var_dir: Path):
    """``council(*args, **env)`` runs the command on this test's var directory."""

    def run(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return run_council(var_dir, *args, **extra_env)

    return run


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var directory after one `council demo load` (hashing the demo passwords once per module)."""
    template = tmp_path_factory.mktemp("cli-demo") / "var"
    result = run_council(template, "demo", "load")
    assert result.returncode == 0, result.stderr
    return template


@pytest.fixture
def demo_loaded(demo_template: Path, var_dir: Path) -> None:
    shutil.copytree(demo_template, var_dir)


def database_file(var_dir: Path) -> Path:
    return var_dir / "council.sqlite3"


async def _try_login(var_dir: Path, username: str, password: str) -> User:
    engine = create_engine(f"sqlite+aiosqlite:///{database_file(var_dir)}")
    try:
        async with session_factory(engine)() as session:
            user = await authenticate(
                session, username=username, password=password, client="cli-test", policy=ThrottlePolicy()
            )
            await session.refresh(user, ["roles"])
            return user
    finally:
        await engine.dispose()


def log_in(var_dir: Path, username: str, password: str) -> User:
    return asyncio.run(_try_login(var_dir, username, password))


def count_users(var_dir: Path) -> int:
    async def count() -> int:
        engine = create_engine(f"sqlite+aiosqlite:///{database_file(var_dir)}")
        try:
            async with engine.connect() as connection:
                return int(await connection.scalar(select(func.count()).select_from(User)) or 0)
        finally:
            await engine.dispose()

    return asyncio.run(count())


def test_db_upgrade_creates_the_sqlite_database(council, var_dir: Path) -> None:
    assert not database_file(var_dir).exists()

    result = council("db", "upgrade")

    assert result.returncode == 0, result.stderr
    assert "Datenbank ist auf dem neuesten Stand." in result.stdout
    assert database_file(var_dir).is_file()
    assert count_users(var_dir) == 0

    again = council("db", "upgrade")
    assert again.returncode == 0, again.stderr
    assert "Datenbank ist auf dem neuesten Stand." in again.stdout


def test_demo_load_runs_once_and_prints_the_logins(council, var_dir: Path) -> None:
    first = council("demo", "load")

    assert first.returncode == 0, first.stderr
    assert "Demodaten der Stadt Musterstadt geladen." in first.stdout
    assert "bereits geladen" not in first.stdout
    assert "Demo-Anmeldungen (Benutzername / Passwort):" in first.stdout
    for login in DEMO_LOGINS:
        assert login.username in first.stdout
        assert login.password in first.stdout
    users = count_users(var_dir)
    assert users >= len(DEMO_LOGINS)

    second = council("demo", "load")

    assert second.returncode == 0, second.stderr
    assert "Demodaten sind bereits geladen." in second.stdout
    assert "Musterstadt geladen" not in second.stdout
    for login in DEMO_LOGINS:
        assert login.username in second.stdout
    assert count_users(var_dir) == users

    # The printed logins really work.
    login = DEMO_LOGINS[0]
    assert log_in(var_dir, login.username, login.password).username == login.username


def test_user_create_makes_an_account_that_can_log_in(demo_loaded: None, council, var_dir: Path) -> None:
    result = council(
        "user",
        "create",
        "--username",
        "Neu.Sachbearbeitung",
        "--name",
        "Nora Neu",
        "--role",
        "secretariat",
        "--password",
        "ein-langes-passwort",
    )

    assert result.returncode == 0, result.stderr
    assert "Konto „neu.sachbearbeitung“ angelegt." in result.stdout
    user = log_in(var_dir, "neu.sachbearbeitung", "ein-langes-passwort")
    assert user.display_name == "Nora Neu"
    assert [role.role for role in user.roles] == [BodyRoleKind.SECRETARIAT]
    with pytest.raises(InvalidCredentials):
        log_in(var_dir, "neu.sachbearbeitung", "ein-falsches-passwort")

    duplicate = council(
        "user", "create", "--username", "neu.sachbearbeitung", "--name", "Noch wer", "--password", "noch-ein-passwort"
    )
    assert duplicate.returncode == 1
    assert "bereits vergeben" in duplicate.stderr


def test_user_create_refuses_a_short_password_and_creates_nothing(demo_loaded: None, council, var_dir: Path) -> None:
    users = count_users(var_dir)

    result = council("user", "create", "--username", "kurz", "--name", "Kurt Kurz", "--password", "kurz1")

    assert result.returncode != 0
    assert "Das Passwort muss mindestens 10 Zeichen lang sein." in result.stderr
    assert "angelegt" not in result.stdout
    assert count_users(var_dir) == users
    with pytest.raises(InvalidCredentials):
        log_in(var_dir, "kurz", "kurz1")


def test_user_create_needs_a_municipality(council) -> None:
    assert council("db", "upgrade").returncode == 0

    result = council("user", "create", "--username", "erste", "--name", "Erste", "--password", "ein-langes-passwort")

    assert result.returncode == 1
    assert "Es ist noch keine Kommune angelegt" in result.stderr


def test_check_reports_the_database_as_reachable(demo_loaded: None, council) -> None:
    result = council("check")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "FEHLER" not in result.stderr
    database_lines = [line for line in result.stdout.splitlines() if line.startswith("database ")]
    assert any("erreichbar" in line and "Musterstadt" in line for line in database_lines), result.stdout
    assert "Alles in Ordnung." in result.stdout
    assert "secret_key       gesetzt" in result.stdout
    assert "(keine, Kanäle im Prozess)" in result.stdout


def test_check_fails_when_redis_does_not_answer(council) -> None:
    assert council("db", "upgrade").returncode == 0

    result = council("check", COUNCIL_REDIS_URL=DEAD_REDIS_URL)

    assert result.returncode == 1
    assert "FEHLER: Redis nicht erreichbar" in result.stderr
    assert "Alles in Ordnung." not in result.stdout
    # The database itself was fine.
    assert "Datenbank nicht erreichbar" not in result.stderr


def test_check_fails_when_the_database_is_missing(council) -> None:
    result = council("check")

    assert result.returncode == 1
    assert "FEHLER: Datenbank nicht erreichbar" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("check",), id="check"),
        pytest.param(("db", "upgrade"), id="db-upgrade"),
        pytest.param(("demo", "load"), id="demo-load"),
        pytest.param(("user", "create", "--username", "x1", "--name", "X", "--password", "ein-langes-pw"), id="user"),
    ],
)
def test_production_without_a_secret_key_refuses_to_run(council, var_dir: Path, args: tuple[str, ...]) -> None:
    result = council(*args, COUNCIL_ENV="production")

    assert result.returncode == 1
    assert "COUNCIL_SECRET_KEY" in result.stderr
    assert "required in production" in result.stderr
    assert "Traceback" not in result.stderr
    assert not database_file(var_dir).exists()
    assert not (var_dir / "secret_key").exists()

    with_key = council("db", "upgrade", COUNCIL_ENV="production", COUNCIL_SECRET_KEY=SECRET)
    assert with_key.returncode == 0, with_key.stderr


def test_audit_verify_reports_an_intact_chain_and_detects_tampering(council, var_dir: Path) -> None:
    assert council("db", "upgrade").returncode == 0
    url = f"sqlite+aiosqlite:///{var_dir / 'council.sqlite3'}"

    async def write_entries() -> None:
        from council.audit.service import record

        engine = create_engine(url)
        async with session_factory(engine)() as session, session.begin():
            for index in range(3):
                record(
                    session,
                    action="vote.cast",
                    subject_type="poll",
                    subject_id=1,
                    actor_user_id=None,
                    body_id=None,
                    data={"n": index},
                )
        await engine.dispose()

    asyncio.run(write_entries())
    sealed = council("audit", "seal")
    assert sealed.returncode == 0, sealed.stderr
    assert "3 Einträge versiegelt" in sealed.stdout
    intact = council("audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert "3 Einträge versiegelt, 0 ausstehend" in intact.stdout

    import sqlite3

    with sqlite3.connect(var_dir / "council.sqlite3") as connection:
        connection.execute("UPDATE audit_entry SET data = '{\"n\": 7}' WHERE seq = 2")
    tampered = council("audit", "verify")
    assert tampered.returncode == 1
    assert "Eintrag 2" in tampered.stderr

    with sqlite3.connect(var_dir / "council.sqlite3") as connection:
        connection.execute("UPDATE audit_entry SET data = '{\"n\": 1}' WHERE seq = 2")
        connection.execute("DELETE FROM audit_entry WHERE seq = 3")
    removed = council("audit", "verify")
    assert removed.returncode == 1
    assert "3" in removed.stderr


def test_search_reindex_rebuilds_the_public_index(demo_loaded: None, council) -> None:
    result = council("search", "reindex")

    assert result.returncode == 0, result.stderr
    count = int(result.stdout.split(":")[1].split()[0])
    assert count > 10
    again = council("search", "reindex")
    assert again.stdout == result.stdout
