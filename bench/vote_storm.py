"""A vote storm: N members cast their votes at once over HTTP while M public screens watch the live stream.

Against the real app (`council serve`, uvicorn, ``--workers`` processes, one by default) on a fresh PostgreSQL
database per scenario:

- N voters, logged in beforehand (their sessions are prepared, not timed), cast a named-poll vote each, all at
  once, with httpx; reported: votes/s, p50/p99 cast latency;
- M SSE listeners on the meeting's public live stream; after the storm the secretariat closes the poll and we
  report the time from sending the close until the last listener has the result;
- every voter's own screen, as the vote screen in a browser: it listens to the meeting's stream with the voter's
  session and fetches its vote panel again whenever the stream says "changed" (one fetch at a time, the last
  queued, as htmx does); reported: how many panels were fetched while the votes came in, and the time from the
  close until the last voter's screen shows the result;
- baseline, same run, same database server: a bare endpoint doing one INSERT (a small Litestar app built here,
  with the app's engine settings, served by uvicorn the same way; it is never mounted in the real app), hit by N
  concurrent requests, with as many processes as the app.

With more than one worker the app needs Redis (``--redis``): a vote cast in one process must reach the listeners
of the others, and a login in one process must be known to the others; with one worker Redis is optional.

The committee, its members and their accounts are written straight into the database. The bench accounts get a
cheap argon2id hash (time_cost=1, 64 KiB): otherwise preparing 2,000 logins costs minutes of hashing that says
nothing about voting. (On login the app upgrades such a hash to its normal cost; logins are not timed.)

Prints one JSON line. Usage::

    .venv/bin/python bench/vote_storm.py                      # 60 voters, 100 listeners (< 3 minutes)
    .venv/bin/python bench/vote_storm.py --voters 60,500,2000 --listeners 100,1000
    .venv/bin/python bench/vote_storm.py --workers 2                                   # 2 processes, 2 cores

The PostgreSQL server is taken from ``--postgres`` (an admin URL that may create and drop databases).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from argon2 import PasswordHasher

DEFAULT_POSTGRES = "postgresql://postgres:postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
PASSWORD = "bench-passwort-0123"  # noqa: S105  (throwaway accounts in a throwaway database)
SECRET_KEY = "vote-storm-bench-secret-key-0123456789abcdef"  # noqa: S105  (a throwaway server)
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
ROOT = Path(__file__).resolve().parent.parent


# --- databases ------------------------------------------------------------------------------------------------


async def _admin(admin_url: str, statement: str) -> None:
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _database_url(admin_url: str, name: str) -> str:
    return "postgresql+asyncpg://" + admin_url.split("://", 1)[1].rsplit("/", 1)[0] + f"/{name}"


@dataclass(frozen=True)
class Scene:
    meeting_id: int
    poll_id: int
    voters: list[str]


async def _build(database_url: str, voters: int) -> Scene:
    """A committee of ``voters`` members, all present in an opened meeting, a named poll open on a public item."""
    from council.accounts.models import BodyRole, BodyRoleKind, User
    from council.accounts.service import load_viewer
    from council.bodies.models import (
        Body,
        LegislativeTerm,
        Membership,
        MembershipRole,
        Organization,
        OrganizationKind,
        Person,
    )
    from council.db import create_engine, session_factory
    from council.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingState
    from council.voting.models import PollKind, PollSubject
    from council.voting.polls import PollDraft, create_poll, open_poll

    cheap_hash = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash(PASSWORD)
    engine = create_engine(database_url)
    now = dt.datetime.now(dt.UTC)
    try:
        async with session_factory(engine)() as session, session.begin():
            body = Body(name="Benchstadt", short_name="bench")
            session.add(body)
            await session.flush()
            term = LegislativeTerm(body_id=body.id, name="WP", start_date=dt.date(2024, 1, 1))
            committee = Organization(
                body_id=body.id, kind=OrganizationKind.COMMITTEE, name="Großer Ausschuss", statutory_seats=voters
            )
            session.add_all([term, committee])
            await session.flush()
            meeting = Meeting(
                organization_id=committee.id,
                legislative_term_id=term.id,
                number=1,
                start=now,
                state=MeetingState.OPENED,
            )
            session.add(meeting)
            await session.flush()
            item = AgendaItem(meeting_id=meeting.id, position=1, number="Ö 1", title="Haushaltssatzung")
            people = [Person(body_id=body.id, given_name="Mitglied", family_name=f"Nr{i:04d}") for i in range(voters)]
            session.add(item)
            session.add_all(people)
            await session.flush()
            usernames = [f"bench-{i:04d}" for i in range(voters)]
            for person, username in zip(people, usernames, strict=True):
                session.add(
                    Membership(
                        person_id=person.id,
                        organization_id=committee.id,
                        role=MembershipRole.MEMBER,
                        start_date=dt.date(2024, 1, 1),
                    )
                )
                session.add(Attendance(meeting_id=meeting.id, person_id=person.id, status=AttendanceStatus.PRESENT))
                session.add(
                    User(
                        body_id=body.id,
                        username=username,
                        display_name=person.name,
                        password_hash=cheap_hash,
                        person_id=person.id,
                    )
                )
            secretariat = User(
                body_id=body.id,
                username="bench-sitzungsdienst",
                display_name="Sitzungsdienst",
                password_hash=cheap_hash,
            )
            session.add(secretariat)
            await session.flush()
            session.add(BodyRole(user_id=secretariat.id, body_id=body.id, role=BodyRoleKind.SECRETARIAT))
            await session.flush()
            viewer = await load_viewer(session, secretariat.id)
            draft = PollDraft(PollKind.NAMED, PollSubject.MAIN, "Beschlussvorschlag der Verwaltung")
            poll = await create_poll(session, item, meeting, viewer, draft)
            await open_poll(session, poll.id, viewer, now)
            return Scene(meeting.id, poll.id, usernames)
    finally:
        await engine.dispose()


# --- servers --------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(command: list[str], env: dict[str, str], log: Path, port: int) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited:\n{log.read_text()}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
            return process
        except httpx.TransportError:
            time.sleep(0.25)
    process.kill()
    raise SystemExit(f"server did not start:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


def _env(database_url: str, var_dir: Path, redis_url: str | None, namespace: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("COUNCIL_")}
    env.update(
        COUNCIL_DATABASE_URL=database_url,
        COUNCIL_SECRET_KEY=SECRET_KEY,
        COUNCIL_VAR_DIR=str(var_dir),
        BENCH_DATABASE_URL=database_url,
        PYTHONPATH=str(ROOT),
    )
    if redis_url:
        # A namespace of its own: the scenario's sessions and channels never meet another run's.
        env.update(COUNCIL_REDIS_URL=redis_url, COUNCIL_REDIS_NAMESPACE=namespace)
    return env


def baseline_app() -> Any:
    """The baseline: one route that INSERTs one row, with the app's engine settings. Only this script serves it."""
    from litestar import Litestar, get, post
    from sqlalchemy import text

    from council.db import create_engine

    engine = create_engine(os.environ["BENCH_DATABASE_URL"], pool_pre_ping=True)

    @get("/health")
    async def health() -> str:
        return "ok"

    @post("/insert", status_code=201)
    async def insert() -> dict[str, int]:
        async with engine.begin() as connection:
            row = await connection.execute(text("INSERT INTO bench_insert (at) VALUES (now()) RETURNING id"))
            return {"id": int(row.scalar_one())}

    return Litestar([health, insert], on_shutdown=[engine.dispose])


def _cpu_seconds(root: int) -> float | None:
    """CPU time (user + system) of a process and its descendants so far, from /proc; None elsewhere. On a machine
    others share, CPU per vote says more than votes per second."""
    proc = Path("/proc")
    if not (proc / str(root)).exists():
        return None
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        parents[int(entry.name)] = int(fields[1])
        ticks[int(entry.name)] = int(fields[11]) + int(fields[12])
    tree, grown = {root}, True
    while grown:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        grown = bool(children)
        tree |= children
    return sum(ticks.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


# --- clients --------------------------------------------------------------------------------------------------


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


@dataclass(frozen=True)
class Target:
    host: str
    port: int


async def _exchange(target: Target, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """One request on a fresh connection with a bare HTTP/1.1 client on asyncio streams; the whole response, empty
    if the connection failed. The timed part uses it instead of httpx: httpx spends more CPU per request than the
    vote path itself, and with hundreds of connections on the same two cores the load generator, not the app, set
    the figures (the bare insert baseline reached only 85 requests/s at 500 connections)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {target.host}:{target.port}", "Connection: close"]
    lines += [f"Content-Length: {len(body)}", *(f"{name}: {value}" for name, value in headers.items())]
    try:
        reader, writer = await asyncio.open_connection(target.host, target.port)
    except OSError:
        return b""
    try:
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        return await reader.read()  # until the server closes (Connection: close)
    except OSError:
        return b""
    finally:
        writer.close()


def _status(response: bytes) -> int:
    """The status of a response from ``_exchange``; 0 for none."""
    parts = response.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


async def _wire(target: Target, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> int:
    """``_exchange``'s status, 0 if the connection failed."""
    return _status(await _exchange(target, method, path, headers, body))


async def _timed(
    target: Target, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[float, int]:
    started = time.perf_counter()
    status = await _wire(target, method, path, headers, body)
    return time.perf_counter() - started, status


def _form(**fields: str) -> tuple[dict[str, str], bytes]:
    from urllib.parse import urlencode

    return {"Content-Type": "application/x-www-form-urlencoded"}, urlencode(fields).encode()


def _cookie_header(client: httpx.AsyncClient) -> str:
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


async def _log_in(transport: httpx.AsyncHTTPTransport, base: str, username: str) -> tuple[httpx.AsyncClient, str]:
    client = httpx.AsyncClient(transport=transport, base_url=base, timeout=120)
    page = await client.get("/login")
    token = CSRF.search(page.text)
    assert token, f"no CSRF token on the login page ({page.status_code}): {page.text[:300]}"
    response = await client.post(
        "/login", data={"_csrf_token": token.group(1), "username": username, "password": PASSWORD}
    )
    assert response.status_code == 303, response.text
    token = CSRF.search((await client.get("/login")).text)
    assert token
    return client, token.group(1)


async def _listen(target: Target, path: str, ready: asyncio.Event, counter: list[int]) -> float:
    """Waits on the public stream (raw bytes, no SSE parsing beyond finding the markers); returns the moment
    (perf_counter) the closed result arrived."""
    reader, writer = await asyncio.open_connection(target.host, target.port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {target.host}:{target.port}\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        tail, readied = b"", False
        while chunk := await reader.read(65536):
            data = tail + chunk
            if not readied and b"event: ready" in data:
                readied = True
                counter[0] += 1
                if counter[0] == counter[1]:
                    ready.set()
            # Only a "live" frame carries the panel; its state is "closed" once the result is in.
            if b'data-state="closed"' in data:
                return time.perf_counter()
            tail = data[-64:]
    finally:
        writer.close()
    raise RuntimeError("stream ended without a result")


@dataclass
class Screens:
    """The voters' own screens: how many have their stream, how many panel fetches, when each saw the result."""

    expected: int
    ready: asyncio.Event
    all_results: asyncio.Event = field(default_factory=asyncio.Event)
    connected: int = 0
    fetches: int = 0
    failed: dict[int, int] = field(default_factory=dict)  # status (0: no answer) -> panel fetches
    results: list[float] = field(default_factory=list)


async def _member_screen(target: Target, scene: Scene, cookies: str, screens: Screens) -> None:
    """A voter's vote screen: the meeting's stream with the voter's session; on "changed" the panel is fetched
    again, one fetch at a time and the last push queued behind it (the panel's hx-sync "queue last")."""
    panel = f"/meetings/{scene.meeting_id}/vote/panel"
    state = {"busy": False, "queued": False}

    async def refetch() -> None:
        while True:
            screens.fetches += 1
            body = await _exchange(target, "GET", panel, {"Cookie": cookies, "HX-Request": "true"})
            if (status := _status(body)) != 200:
                screens.failed[status] = screens.failed.get(status, 0) + 1
            if b'class="result ' in body and b'class="counts"' in body:
                screens.results.append(time.perf_counter())
                if len(screens.results) == screens.expected:
                    screens.all_results.set()
                state["busy"] = state["queued"] = False
                return
            if not state["queued"]:
                state["busy"] = False
                return
            state["queued"] = False

    reader, writer = await asyncio.open_connection(target.host, target.port)
    tasks: set[asyncio.Task[None]] = set()
    try:
        request = f"GET /meetings/{scene.meeting_id}/events HTTP/1.1\r\nHost: {target.host}:{target.port}\r\n"
        writer.write(f"{request}Cookie: {cookies}\r\nAccept: text/event-stream\r\n\r\n".encode())
        tail, readied = b"", False
        while chunk := await reader.read(65536):
            data = tail + chunk
            if not readied and b"event: ready" in data:
                readied = True
                screens.connected += 1
                if screens.connected == screens.expected:
                    screens.ready.set()
            for _ in range(chunk.count(b"event: changed")):
                if state["busy"]:
                    state["queued"] = True
                else:
                    state["busy"] = True
                    task = asyncio.create_task(refetch())
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
            tail = data[-64:]
    finally:
        writer.close()
        for task in tasks:
            task.cancel()


async def _storm(base: str, scene: Scene, listeners: int, server_pid: int) -> dict[str, Any]:
    target = Target("127.0.0.1", int(base.rsplit(":", 1)[1]))
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
    transport = httpx.AsyncHTTPTransport(limits=limits)
    gate = asyncio.Semaphore(40)

    async def logged_in(username: str) -> tuple[httpx.AsyncClient, str]:
        async with gate:
            return await _log_in(transport, base, username)

    async def panel_shown(client: httpx.AsyncClient, token: str) -> tuple[str, str]:
        async with gate:
            panel = await client.get(f"/meetings/{scene.meeting_id}/vote/panel")
            assert panel.status_code == 200, panel.text[:300]
            return _cookie_header(client), token  # the clients share the transport, closed below

    # Prepared with httpx and not timed: (cookie header, CSRF token) of each logged-in voter whose screen shows the
    # open poll. Members sign in when the meeting begins; when a poll opens, every member's screen fetches its vote
    # panel at once (the live stream says "changed"), and the member taps a button seconds later: that tap is what
    # the storm times. With many voters the sign-ins take longer than the app keeps a viewer cached, so the panels
    # are fetched only when all have signed in, as the opening poll makes them.
    clients = await asyncio.gather(*(logged_in(name) for name in scene.voters))
    voters = await asyncio.gather(*(panel_shown(client, token) for client, token in clients))
    secretariat, secretariat_token = await _log_in(transport, base, "bench-sitzungsdienst")

    screens = Screens(expected=len(voters), ready=asyncio.Event())
    own_screens = [asyncio.create_task(_member_screen(target, scene, cookies, screens)) for cookies, _ in voters]
    await asyncio.wait_for(screens.ready.wait(), timeout=120)

    ready, counter = asyncio.Event(), [0, listeners]
    url = f"/meetings/{scene.meeting_id}/events"
    watchers = [asyncio.create_task(_listen(target, url, ready, counter)) for _ in range(listeners)]
    if listeners:
        await asyncio.wait_for(ready.wait(), timeout=120)

    choices = ["yes", "no", "abstain"]

    async def cast(index: int, cookies: str, token: str) -> tuple[float, int]:
        # Every voter on a connection of its own (a phone opens its own), as a program casts: one step, JSON.
        headers, body = _form(choice=choices[index % 3])
        headers.update({"Cookie": cookies, "X-CSRFToken": token, "Accept": "application/json"})
        return await _timed(target, "POST", f"/polls/{scene.poll_id}/votes", headers, body)

    fetched_before = screens.fetches
    cpu_before = _cpu_seconds(server_pid)
    started = time.perf_counter()
    results = await asyncio.gather(*(cast(i, cookies, token) for i, (cookies, token) in enumerate(voters)))
    storm_seconds = time.perf_counter() - started
    cpu_after = _cpu_seconds(server_pid)
    await asyncio.sleep(2 * 0.2)  # the coalesced pushes of the last votes (web.live.COALESCE_SECONDS)
    fetched_in_storm = screens.fetches - fetched_before
    latencies = [seconds for seconds, _ in results]
    statuses = [status for _, status in results]

    headers, body = _form(_csrf_token=secretariat_token)
    headers["Cookie"] = _cookie_header(secretariat)
    closing = time.perf_counter()
    close_seconds, close_status = await _timed(target, "POST", f"/polls/{scene.poll_id}/close", headers, body)
    arrivals = await asyncio.wait_for(asyncio.gather(*watchers), timeout=120) if listeners else [closing]
    with contextlib.suppress(TimeoutError):  # reported as fewer screens with the result
        await asyncio.wait_for(screens.all_results.wait(), timeout=300)
    for task in own_screens:
        task.cancel()
    await asyncio.gather(*own_screens, return_exceptions=True)
    result_page = (await secretariat.get(f"/meetings/{scene.meeting_id}/console")).text
    # The counts the close must find: every acknowledged vote, nothing else.
    stored = [choices[i % 3] for i, status in enumerate(statuses) if status == 201]
    expected = f"Ja: {stored.count('yes')}, Nein: {stored.count('no')}, Enthaltungen: {stored.count('abstain')}"
    await secretariat.aclose()
    await transport.aclose()
    return {
        "voters": len(voters),
        "listeners": listeners,
        "accepted": statuses.count(201),
        "refused": len(statuses) - statuses.count(201) - statuses.count(0),
        "dropped": statuses.count(0),
        "statuses": {str(code): statuses.count(code) for code in sorted(set(statuses))},
        "counts_correct": close_status == 303 and expected in result_page,
        "storm_seconds": round(storm_seconds, 3),
        "votes_per_second": round(statuses.count(201) / storm_seconds, 1),
        "cast_p50_ms": _ms(statistics.median(latencies)),
        "cast_p99_ms": _ms(_percentile(latencies, 0.99)),
        # Server CPU (all its processes) during the storm, per accepted vote: live pushes included.
        "server_cpu_ms_per_vote": _ms((cpu_after - cpu_before) / max(1, statuses.count(201)))
        if cpu_before is not None and cpu_after is not None
        else None,
        "close_request_ms": _ms(close_seconds),
        "close_to_last_listener_ms": _ms(max(arrivals) - closing),
        # The voters' own screens: panels fetched while the votes came in (a vote changes only the count, which
        # the push carries), and the time until the last of them showed the result (each fetches its panel).
        "panels_fetched_during_storm": fetched_in_storm,
        "voter_screens_with_result": len(screens.results),
        "panel_fetches_failed": screens.failed,
        "close_to_last_voter_screen_ms": _ms(max(screens.results) - closing) if screens.results else None,
    }


async def _baseline(base: str, requests: int, server_pid: int) -> dict[str, Any]:
    """Like the voters: every request on a connection of its own, all at once, after a warm-up of the pool."""
    target = Target("127.0.0.1", int(base.rsplit(":", 1)[1]))
    await asyncio.gather(*(_timed(target, "POST", "/insert", {}) for _ in range(min(requests, 20))))
    cpu_before = _cpu_seconds(server_pid)
    started = time.perf_counter()
    results = await asyncio.gather(*(_timed(target, "POST", "/insert", {}) for _ in range(requests)))
    seconds = time.perf_counter() - started
    cpu_after = _cpu_seconds(server_pid)
    latencies = [s for s, _ in results]
    ok = sum(1 for _, status in results if status == 201)
    return {
        "requests": requests,
        "inserted": ok,
        "dropped": sum(1 for _, status in results if status == 0),
        "inserts_per_second": round(ok / seconds, 1),
        "insert_p50_ms": _ms(statistics.median(latencies)),
        "insert_p99_ms": _ms(_percentile(latencies, 0.99)),
        "server_cpu_ms_per_insert": _ms((cpu_after - cpu_before) / max(1, ok))
        if cpu_before is not None and cpu_after is not None
        else None,
    }


# --- scenario -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    admin_url: str
    workers: int
    redis_url: str | None


def _scenario(setup: Setup, voters: int, listeners: int, work: Path) -> dict[str, Any]:
    from sqlalchemy import text

    from council.db import create_engine
    from council.schema import upgrade

    admin_url = setup.admin_url
    name = f"council_bench_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(admin_url, f'CREATE DATABASE "{name}"'))
    database_url = _database_url(admin_url, name)
    try:
        upgrade(database_url)
        scene = asyncio.run(_build(database_url, voters))

        async def bench_table() -> None:
            engine = create_engine(database_url)
            async with engine.begin() as connection:
                await connection.execute(text("CREATE TABLE bench_insert (id serial PRIMARY KEY, at timestamptz)"))
            await engine.dispose()

        asyncio.run(bench_table())
        env = _env(database_url, work / name, setup.redis_url, name)
        port = _free_port()
        council = str(Path(sys.executable).with_name("council"))
        serve = [council, "serve", "--port", str(port), "--workers", str(setup.workers)]
        app = _start(serve, env, work / f"{name}-app.log", port)
        try:
            storm = asyncio.run(_storm(f"http://127.0.0.1:{port}", scene, listeners, app.pid))
        finally:
            _stop(app)
        port = _free_port()
        command = [sys.executable, "-m", "uvicorn", "bench.vote_storm:baseline_app", "--factory", "--port", str(port)]
        command += ["--log-level", "info", "--workers", str(setup.workers)]  # as `council serve` runs
        bare = _start(command, env, work / f"{name}-baseline.log", port)
        try:
            baseline = asyncio.run(_baseline(f"http://127.0.0.1:{port}", voters, bare.pid))
        finally:
            _stop(bare)
        storm["workers"] = setup.workers
        storm["baseline"] = baseline
        storm["votes_per_insert_ratio"] = round(storm["votes_per_second"] / baseline["inserts_per_second"], 3)
        return storm
    finally:
        asyncio.run(_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _numbers(raw: str) -> list[int]:
    return [int(part) for part in raw.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--voters", default="60", help="comma-separated voter counts, e.g. 60,500,2000")
    parser.add_argument("--listeners", default="100", help="comma-separated SSE listener counts, e.g. 100,1000")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="admin URL of the PostgreSQL server")
    parser.add_argument("--workers", type=int, default=1, help="app processes (and baseline processes); default 1")
    parser.add_argument(
        "--redis",
        default=None,
        help=f"Redis URL for the app's live channels and sessions; needed (default {DEFAULT_REDIS}) with --workers > 1",
    )
    args = parser.parse_args()
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    setup = Setup(args.postgres, args.workers, args.redis or (DEFAULT_REDIS if args.workers > 1 else None))
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # thousands of sockets, here and in the server
    scenarios = []
    with tempfile.TemporaryDirectory(prefix="vote-storm-") as work:
        for voters in _numbers(args.voters):
            for listeners in _numbers(args.listeners):
                print(f"vote_storm: {voters} voters, {listeners} listeners", file=sys.stderr)
                scenarios.append(_scenario(setup, voters, listeners, Path(work)))
    processes = "1 process" if setup.workers == 1 else f"{setup.workers} processes"
    server = f"council serve (uvicorn, {processes}{', Redis' if setup.redis_url else ''})"
    print(json.dumps({"bench": "vote_storm", "server": server, "workers": setup.workers, "scenarios": scenarios}))


if __name__ == "__main__":
    main()
