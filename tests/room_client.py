"""A served app and WebSocket clients for the meeting room tests (real uvicorn, real sockets, bounded waits)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import uvicorn
from litestar import Litestar
from websockets.asyncio.client import ClientConnection, connect

from media.bots import Bot
from tests.web_helpers import log_in
from tests.world import PASSWORD

WAIT = 15.0


@contextlib.asynccontextmanager
async def served(app: Litestar) -> AsyncIterator[str]:
    """The (already started) app on a loopback port of this event loop; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning", ws="websockets-sansio")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 20)


async def session_cookie(base: str, username: str | None) -> str:
    if username is None:
        return ""
    async with httpx.AsyncClient(base_url=f"http://{base}") as client:
        await log_in(client, username, PASSWORD)
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


class RoomClient:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.seen: list[dict[str, Any]] = []
        self.backlog: list[dict[str, Any]] = []

    async def send(self, message: Any) -> None:
        await self.ws.send(message if isinstance(message, str) else json.dumps(message))

    async def expect(self, kind: str, seconds: float = WAIT) -> dict[str, Any]:
        """The next message of this type; the others wait in the backlog for their own `expect`."""
        for message in self.backlog:
            if message["type"] == kind:
                self.backlog.remove(message)
                return message

        async def wait() -> dict[str, Any]:
            while True:
                message = json.loads(await self.ws.recv())
                self.seen.append(message)
                if message["type"] == kind:
                    return dict(message)
                if message["type"] in ("offer", "tracks", "error", "muted_by_chair", "lobby", "held", "joined"):
                    self.backlog.append(message)

        return await asyncio.wait_for(wait(), seconds)


@contextlib.asynccontextmanager
async def room_client(base: str, meeting_id: int, username: str | None, query: str = "") -> AsyncIterator[RoomClient]:
    """`query` (e.g. ``?guest=TOKEN``) lets a guest in by the signed link of an invitation."""
    cookie = await session_cookie(base, username)
    headers = {"Cookie": cookie} if cookie else {}
    async with connect(
        f"ws://{base}/meetings/{meeting_id}/room/ws{query}",
        additional_headers=headers,
        open_timeout=WAIT,
        close_timeout=5,
    ) as ws:
        yield RoomClient(ws)


async def close_code(
    base: str, meeting_id: int, username: str | None, origin: str | None = None, query: str = ""
) -> tuple[int, str]:
    cookie = await session_cookie(base, username)
    headers = {"Cookie": cookie} if cookie else {}
    if origin:
        headers["Origin"] = origin
    async with connect(f"ws://{base}/meetings/{meeting_id}/room/ws{query}", additional_headers=headers) as ws:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ws.recv(), WAIT)
        await asyncio.wait_for(ws.wait_closed(), WAIT)
        assert ws.close_code is not None
        return ws.close_code, ws.close_reason or ""


async def join_with_bot(client: RoomClient, bot: Bot) -> None:
    """The browser's part of the protocol, played by an aiortc bot: join, publish, answer the relay's offers."""
    await client.expect("welcome")
    await client.send({"type": "join"})
    await client.expect("joined")
    await client.send({"type": "offer", "sdp": await bot.publish_offer()})
    await bot.accept_answer((await client.expect("answer"))["sdp"])


async def answer_offers(client: RoomClient, bot: Bot, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            offer = await client.expect("offer", seconds=1)
        except TimeoutError:
            continue
        await client.send({"type": "answer", "sdp": await bot.answer_subscription(offer["sdp"])})
