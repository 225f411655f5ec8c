"""The `council` command: serve, db upgrade, demo load, user create, check."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from council.accounts.models import BodyRoleKind
from council.accounts.service import create_user
from council.bodies.models import Body, Person
from council.bodies.service import get_default_body
from council.db import create_engine, session_factory, transaction
from council.errors import CouncilError, NotFound, ValidationFailed
from council.schema import upgrade
from council.settings import Settings, load_settings

T = TypeVar("T")


def _settings() -> Settings:
    try:
        return load_settings()
    except CouncilError as exc:
        raise click.ClickException(str(exc)) from exc


def _in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def run() -> T:
        engine = create_engine(settings.database_url)
        try:
            async with transaction(session_factory(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _prepare_database(settings: Settings) -> None:
    if settings.uses_sqlite:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)


def _load_demo(settings: Settings) -> None:
    from council.demo import DEMO_LOGINS, load_demo
    from council.files.storage import FileStorage

    storage = FileStorage(settings.file_storage)
    summary = _in_transaction(settings, lambda session: load_demo(session, storage=storage))
    if summary.created:
        click.echo("Demodaten der Stadt Musterstadt geladen.")
    else:
        click.echo("Demodaten sind bereits geladen.")
    click.echo("Demo-Anmeldungen (Benutzername / Passwort):")
    for login in DEMO_LOGINS:
        click.echo(f"  {login.persona:<28} {login.username:<22} {login.password}")


@click.group()
def main() -> None:
    """council: Rats- und Gremienarbeit digital."""


@main.command()
@click.option("--demo", is_flag=True, help="Datenbank migrieren und Demodaten laden (einmalig).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def serve(demo: bool, host: str, port: int, workers: int) -> None:
    """Run the web application."""
    import uvicorn

    settings = _settings()
    _prepare_database(settings) if demo or settings.uses_sqlite else None
    if demo:
        _load_demo(settings)
    click.echo(f"council läuft unter http://{host}:{port}/  (Beenden mit Strg+C)")
    sys.stdout.flush()
    uvicorn.run("web.app:create_served_app", factory=True, host=host, port=port, workers=workers, log_level="info")


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the newest schema."""
    settings = _settings()
    _prepare_database(settings)
    click.echo("Datenbank ist auf dem neuesten Stand.")


@main.group()
def demo() -> None:
    """Demo data."""


@demo.command("load")
def demo_load() -> None:
    """Load the fictional municipality Musterstadt (only once)."""
    settings = _settings()
    _prepare_database(settings)
    _load_demo(settings)


@main.group()
def user() -> None:
    """User accounts."""


@user.command("create")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="Anzeigename")
@click.option("--email", default=None)
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in BodyRoleKind]))
@click.option("--person-id", type=int, default=None, help="Mit dieser Person verknüpfen")
@click.password_option(help="Passwort (wird sonst abgefragt)")
def user_create(
    username: str, display_name: str, email: str | None, roles: tuple[str, ...], person_id: int | None, password: str
) -> None:
    """Create a user account for the municipality."""
    settings = _settings()

    async def work(session: AsyncSession) -> str:
        try:
            body = await get_default_body(session)
        except NotFound:
            raise click.ClickException("Es ist noch keine Kommune angelegt (z. B. mit „council demo load“).") from None
        person = None
        if person_id is not None:
            person = await session.get(Person, person_id)
            if person is None:
                raise click.ClickException(f"Keine Person mit der Nummer {person_id}.")
        try:
            created = await create_user(
                session,
                body=body,
                username=username,
                password=password,
                display_name=display_name,
                email=email,
                person=person,
                roles=[BodyRoleKind(r) for r in roles],
            )
        except ValidationFailed as exc:
            raise click.ClickException(" ".join(exc.errors.values())) from None
        return created.username

    created = _in_transaction(settings, work)
    click.echo(f"Konto „{created}“ angelegt.")


@main.group()
def search() -> None:
    """Die öffentliche Volltextsuche."""


@search.command("reindex")
def search_reindex() -> None:
    """Den Suchindex aus den Daten neu aufbauen (nach einem Upgrade oder Änderungen an der Datenbank vorbei)."""
    from council.search.service import reindex

    count = _in_transaction(_settings(), reindex)
    click.echo(f"Suchindex neu aufgebaut: {count} Einträge.")


@main.group()
def audit() -> None:
    """Das Prüfprotokoll der Abstimmungen."""


@audit.command("seal")
def audit_seal() -> None:
    """Ausstehende Einträge versiegeln (das läuft sonst alle paar Sekunden in der App)."""
    from council.audit.service import seal

    count = _in_transaction(_settings(), seal)
    click.echo(f"{count} Einträge versiegelt.")


@audit.command("verify")
def audit_verify() -> None:
    """Die Hash-Kette prüfen: jede Änderung oder Löschung eines Eintrags wird gemeldet."""
    from council.audit.service import verify

    report = _in_transaction(_settings(), verify)
    if report.ok:
        click.echo(f"Protokoll unversehrt: {report.sealed} Einträge versiegelt, {report.pending} ausstehend.")
        return
    for problem in report.problems:
        click.echo(problem, err=True)
    raise SystemExit(1)


@main.command()
def check() -> None:
    """Print the configuration and whether the database and Redis answer."""
    settings = _settings()
    for key, value in settings.describe().items():
        click.echo(f"{key:<16} {value}")
    problems = asyncio.run(_check_services(settings))
    for problem in problems:
        click.echo(f"FEHLER: {problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo("Alles in Ordnung.")


async def _check_services(settings: Settings) -> list[str]:
    problems: list[str] = []
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            bodies = await connection.execute(select(Body.name))
            click.echo(f"{'database':<16} erreichbar, Kommunen: {', '.join(r[0] for r in bodies) or '(keine)'}")
    except Exception as exc:
        problems.append(f"Datenbank nicht erreichbar: {exc.__class__.__name__}: {exc}")
    finally:
        await engine.dispose()
    if settings.redis_url:
        problems.extend(await _check_redis(settings.redis_url))
    return problems


async def _check_redis(url: str) -> list[str]:
    from redis.asyncio import Redis

    client: Any = Redis.from_url(url)
    try:
        await client.ping()
        click.echo(f"{'redis':<16} erreichbar")
        return []
    except Exception as exc:
        return [f"Redis nicht erreichbar: {exc}"]
    finally:
        await client.aclose()
