"""Test databases: a migrated SQLite file copied per test, and one migrated PostgreSQL database per worker."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from council.db import Base
from council.schema import upgrade

POSTGRES_ADMIN_URL = os.environ.get(
    "COUNCIL_TEST_POSTGRES_URL", "postgresql://postgres:postgres@127.0.0.1:5432/postgres"
)


def sqlalchemy_url(plain_url: str) -> str:
    return "postgresql+asyncpg://" + plain_url.split("://", 1)[1]


def postgres_url_for(database: str) -> str:
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{database}"


async def _recreate_postgres_database(name: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def _drop_postgres_database(name: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def drop_postgres(name: str) -> None:
    """Remove a test database at the end of the run. Call outside a running loop."""
    asyncio.run(_drop_postgres_database(name))


def prepare_postgres(name: str) -> str:
    """A fresh database at the head revision; returns its SQLAlchemy URL. Call outside a running loop."""
    asyncio.run(_recreate_postgres_database(name))
    url = sqlalchemy_url(postgres_url_for(name))
    upgrade(url)
    return url


def prepare_sqlite_template(directory: Path) -> Path:
    template = directory / "template.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{template}")
    return template


def sqlite_copy(template: Path, directory: Path) -> str:
    target = directory / "council.sqlite3"
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


async def empty_all_tables(engine: AsyncEngine) -> None:
    """Clear every table after a PostgreSQL test (ids restart so tests see the same numbers)."""
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
