"""Shared fixtures: every database test runs on SQLite (the default) and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import NullPool

from council.db import create_engine, session_factory
from council.settings import Settings, load_settings
from tests import databases
from tests.web_helpers import log_in
from tests.world import PASSWORD, World, build_world

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.prepare_sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """One database per worker and run: several checkouts may run their suites on one server at once."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex
    name = f"council_test_{run[:12]}_{worker}"
    yield databases.prepare_postgres(name)
    databases.drop_postgres(name)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        return databases.sqlite_copy(request.getfixturevalue("sqlite_template"), tmp_path)
    return str(request.getfixturevalue("postgres_database"))


@pytest.fixture
async def engine(database_url: str, backend: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    if backend == "postgresql":
        await databases.empty_all_tables(engine)
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
async def session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        {
            "COUNCIL_ENV": "test",
            "COUNCIL_DATABASE_URL": database_url,
            "COUNCIL_VAR_DIR": str(tmp_path / "var"),
            "COUNCIL_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        }
    )


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession]) -> World:
    """A small municipality with one user per persona (see tests/world.py)."""
    async with sessions() as session, session.begin():
        return await build_world(session)


@pytest.fixture
async def app(settings: Settings, engine: AsyncEngine, backend: str) -> AsyncIterator[Litestar]:
    """The app with its own engine. PostgreSQL gets a bounded pool as in production (a burst of requests
    waits for a connection instead of exhausting the server), disposed with the test; SQLite needs none."""
    from web.app import create_app

    if backend == "postgresql":
        app_engine = create_engine(settings.database_url, pool_size=5, max_overflow=10)
    else:
        app_engine = create_engine(settings.database_url, poolclass=NullPool)
    yield create_app(settings, engine=app_engine)
    await app_engine.dispose()


@pytest.fixture
async def running_app(app: Litestar) -> AsyncIterator[Litestar]:
    """The app with its lifespan run once, on the test's own event loop, shared by all clients of a test."""
    # A generous start-up timeout: on a busy CI machine the default 5 s is not always enough.
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):  # type: ignore[arg-type]
        yield app


def browser_client(app: Litestar) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://testserver.local")


@pytest.fixture
async def client(running_app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A visitor's browser: keeps cookies, logged in as nobody."""
    async with browser_client(running_app) as client:
        yield client


@pytest.fixture
async def login(running_app: Litestar, world: World) -> AsyncIterator[Callable[[str], Awaitable[httpx.AsyncClient]]]:
    """``await login("member")`` gives a fresh browser logged in as that persona of the world."""
    async with AsyncExitStack() as stack:

        async def log_in_as(persona: str) -> httpx.AsyncClient:
            client = await stack.enter_async_context(browser_client(running_app))
            await log_in(client, world.username(persona), PASSWORD)
            return client

        yield log_in_as


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Still argon2id, with the smallest cost: the suite hashes hundreds of passwords."""
    from argon2 import PasswordHasher

    from council.accounts import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
