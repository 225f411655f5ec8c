"""The file session store reads in the event loop; it answers as Litestar's FileStore does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from litestar.stores.base import StorageObject

from web.sessions import InlineReadFileStore


async def test_reads_what_it_stored_and_forgets_what_expired(tmp_path: Path) -> None:
    store = InlineReadFileStore(tmp_path / "sessions", create_directories=True)
    async with store:
        assert await store.get("unknown") is None
        await store.set("alive", b'{"user": 1}', expires_in=600)
        assert await store.get("alive") == b'{"user": 1}'

        # An entry whose time ran out is gone, and so is its file.
        path = store._path_from_key("expired")
        stale = StorageObject(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1), data=b"old")
        await path.write_bytes(stale.to_bytes())
        assert await store.get("expired") is None
        assert not await path.exists()


async def test_renewing_on_read_moves_the_expiry(tmp_path: Path) -> None:
    store = InlineReadFileStore(tmp_path / "sessions", create_directories=True)
    async with store:
        await store.set("session", b"data", expires_in=60)
        before = await store.expires_in("session")
        assert before is not None and 0 < before <= 60
        assert await store.get("session", renew_for=3600) == b"data"
        after = await store.expires_in("session")
        assert after is not None and after > 3000
