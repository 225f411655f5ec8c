"""Real servers and a real browser for the tests: `council serve` in a subprocess and Debian's chromium.

One module for every test that needs them (browser tests, live updates across processes, crash recovery,
media), so that the start-up, the health check and the browser's flags are the same everywhere.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
STARTUP_SECONDS = 60


@dataclass
class Server:
    """A running `council serve`; ``process`` may be killed and the server started again with ``restart``."""

    base_url: str
    port: int
    cwd: Path
    env: dict[str, str]
    args: list[str]
    stdout: Path
    stderr: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def output(self) -> str:
        return self.stdout.read_text(encoding="utf-8", errors="replace")

    def logs(self) -> str:
        return f"stdout:\n{self.output()}\nstderr:\n{self.stderr.read_text(encoding='utf-8', errors='replace')}"

    def start(self) -> None:
        council = Path(sys.executable).with_name("council")
        with self.stdout.open("ab") as out, self.stderr.open("ab") as err:
            self.process = subprocess.Popen(
                [str(council), "serve", *self.args, "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env,
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )
        self.wait_until_healthy()

    def wait_until_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"council serve exited with {self.process.returncode}\n{self.logs()}")
            try:
                if httpx.get(f"{self.base_url}/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.25)
        pytest.fail(f"council serve did not answer /health within {STARTUP_SECONDS} s\n{self.logs()}")

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to flush or close anything."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=15)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(tmp: Path, **council_env: str) -> dict[str, str]:
    """The environment of a test server: none of the caller's COUNCIL_ variables, a var directory of its own."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("COUNCIL_")}
    env.update(COUNCIL_VAR_DIR=str(tmp / "var"), COUNCIL_ENV="development", PYTHONUNBUFFERED="1")
    env.update(council_env)
    return env


@contextmanager
def serve(
    tmp: Path, *args: str, port: int | None = None, env: Mapping[str, str] | None = None, **council_env: str
) -> Iterator[Server]:
    """`council serve *args` on ``port`` (a free one by default), with ``COUNCIL_*`` settings from ``env`` and
    ``council_env``."""
    tmp.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    server = Server(
        base_url=f"http://127.0.0.1:{port}",
        port=port,
        cwd=tmp,
        env=server_env(tmp, **{**(env or {}), **council_env}),
        args=list(args),
        stdout=tmp / f"stdout-{port}.txt",
        stderr=tmp / f"stderr-{port}.txt",
    )
    try:
        server.start()
        yield server
    finally:
        server.stop()


@contextmanager
def serve_demo(
    tmp: Path, port: int | None = None, env: Mapping[str, str] | None = None, **council_env: str
) -> Iterator[Server]:
    """`council serve --demo`: SQLite under ``tmp/var`` unless ``COUNCIL_DATABASE_URL`` says otherwise."""
    with serve(tmp, "--demo", port=port, env=env, **council_env) as server:
        yield server


@contextmanager
def chromium(*extra_args: str) -> Iterator[Browser]:
    """Debian's chromium through Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is not installed: make test installs it (tests/infra/ensure_services.sh)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *extra_args]
        )
        try:
            yield browser
        finally:
            browser.close()


# Chromium's fake camera and microphone, its consent granted, and WebRTC over the loopback interface.
FAKE_MEDIA = (
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
)


@contextmanager
def two_chromiums(*extra_args: str) -> Iterator[tuple[Browser, Browser]]:
    """Two people in a meeting room: a second chromium process from the same Playwright driver (one sync driver
    per thread)."""
    with chromium(*extra_args) as first:
        second = first.browser_type.launch(
            executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *extra_args]
        )
        try:
            yield first, second
        finally:
            second.close()


@contextmanager
def serve_room_demo(tmp: Path) -> Iterator[Server]:
    """The demo with the media relay's candidates on the loopback address, where the test browsers are."""
    with serve_demo(tmp, COUNCIL_MEDIA_HOST_ADDRESSES="127.0.0.1") as server:
        yield server
