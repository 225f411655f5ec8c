"""A Server-Sent Events listener for tests against a real server: reads a stream in a thread of its own."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Message:
    event: str
    data: str
    comment: bool = False  # a line starting with ":" (keep-alive); not an event


class Listener:
    """Collects the messages of ``url``; ``wait_for`` takes them off in order until one matches."""

    def __init__(self, url: str, *, comments: bool = False) -> None:
        self.url = url
        self.comments = comments
        self.messages: queue.Queue[Message] = queue.Queue()
        self.status_code = 0
        self.headers = httpx.Headers()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)

    def __enter__(self) -> Listener:
        self._thread.start()
        self.wait_for(lambda m: m.event == "ready", timeout=30)
        return self

    def __exit__(self, *exc: object) -> None:
        # The reading thread is a daemon: it ends with the server's connection, or with the test process.
        self._stop.set()

    def _read(self) -> None:
        event, data = "message", []
        timeout = httpx.Timeout(10, read=None)
        with httpx.Client(timeout=timeout) as http, http.stream("GET", self.url) as response:
            self.status_code = response.status_code
            self.headers = response.headers
            lines = response.iter_lines()
            while not self._stop.is_set():
                try:
                    line = next(lines)
                except (StopIteration, httpx.HTTPError):
                    return
                if line.startswith(":"):
                    if self.comments:
                        self.messages.put(Message("", line[1:].strip(), comment=True))
                elif line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].removeprefix(" "))
                elif line == "":
                    if data or event != "message":
                        self.messages.put(Message(event, "\n".join(data)))
                    event, data = "message", []

    def wait_for(self, matches: Callable[[Message], bool], *, timeout: float) -> Message | None:
        """The first message for which ``matches(message)`` holds, or None when none came within ``timeout``."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = self.messages.get(timeout=left)
            except queue.Empty:
                return None
            if matches(message):
                return message
        return None
