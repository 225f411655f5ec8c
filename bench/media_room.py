"""The forwarding relay under load: N bots in one room, audio for all, video for up to 4.

Prints one JSON line. Usage: ``.venv/bin/python bench/media_room.py [--sizes 5,10] [--video 4] [--seconds 10]
[--audio-slots 5] [--workers 2] [--speakers 2] [--rotate 3]``.
The relay runs in a child process (so its CPU time is its own) with a line-JSON signaling socket on loopback;
the bots run in `--workers` processes of their own (N/workers bots each, so they neither starve nor share the
relay's CPU accounting), publish pre-encoded Opus (and a tiny VP8 picture for the video publishers) and record raw
packets without decoding.

Speech is modelled like a meeting: `--speakers` bots (2) speak at a time, a sine tone at about -15 dBov marked
with that RFC 6464 audio level, and the turn passes to the next ones every `--rotate` seconds (a shared schedule on
the machine's monotonic clock); all others are silent but keep sending quiet noise at about -63 dBov, as a browser
without DTX does. The relay forwards audio of at most `--audio-slots` current speakers (COUNCIL_MEDIA_AUDIO_SLOTS).

Figures per room size: relay CPU (% of one core) in total, per negotiated stream (every listener has a track per
other publisher, idle while that one is silent) and per forwarded packet; the bot processes' CPU apart from it;
RTP loss from the sequence numbers at the bots and, counted by the relay, already on the way in; join-to-first-audio
p50/p95; one-way audio latency p50/p95 (bots and relay share the machine's monotonic clock). Baseline: the relay
process's idle CPU, measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from typing import Any

from media.bots import FRAME_SAMPLES, Bot, opus_noise, opus_tone
from media.hooks import restrict_host_addresses

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


# --- the relay process ----------------------------------------------------------------------------------------------


async def serve(port: int, audio_slots: int) -> None:
    from media.backend import RenegotiationNeeded, Rights
    from media.relay import AiortcRelay

    restrict_host_addresses(["127.0.0.1"])
    relay = AiortcRelay(video_slots=4, audio_slots=audio_slots)
    writers: dict[str, asyncio.StreamWriter] = {}
    pending: set[asyncio.Future[None]] = set()

    def on_event(event: Any) -> None:
        if isinstance(event, RenegotiationNeeded):
            task = asyncio.ensure_future(offer(event.participant))
            pending.add(task)
            task.add_done_callback(pending.discard)

    async def offer(name: str) -> None:
        result = await relay.subscribe_offer("bench", name)
        if result is not None and name in writers:
            writers[name].write(json.dumps({"op": "offer", "sdp": result[0]}).encode() + b"\n")

    relay.create_room("bench", on_event)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        name = ""
        while line := await reader.readline():
            message = json.loads(line)
            if message["op"] == "join":
                name = message["name"]
                writers[name] = writer
                await relay.admit("bench", name, Rights())
                answer = await relay.publish("bench", name, message["sdp"])
                writer.write(json.dumps({"op": "answer", "sdp": answer}).encode() + b"\n")
            elif message["op"] == "answer":
                await relay.subscribe_answer("bench", name, message["sdp"])
            elif message["op"] == "reset":
                relay.reset_ingress("bench")
                relay.forwarded_packets = 0
            elif message["op"] == "stats":
                expected, received = relay.ingress_loss("bench")
                stats = {"op": "stats", "expected": expected, "received": received}
                writer.write(json.dumps({**stats, "forwarded": relay.forwarded_packets}).encode() + b"\n")

    server = await asyncio.start_server(handle, "127.0.0.1", port, limit=2**22)
    print(server.sockets[0].getsockname()[1], flush=True)  # the parent reads the port the system gave
    async with server:
        await server.serve_forever()


# --- the bots -------------------------------------------------------------------------------------------------------


async def join(bot: Bot, port: int) -> asyncio.Task[None]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**22)
    writer.write(json.dumps({"op": "join", "name": bot.name, "sdp": await bot.publish_offer()}).encode() + b"\n")
    answered = asyncio.Event()

    async def pump() -> None:
        while line := await reader.readline():
            message = json.loads(line)
            if message["op"] == "answer":
                await bot.accept_answer(message["sdp"])
                answered.set()
            elif message["op"] == "offer":
                sdp = await bot.answer_subscription(message["sdp"])
                writer.write(json.dumps({"op": "answer", "sdp": sdp}).encode() + b"\n")

    task = asyncio.create_task(pump())
    await asyncio.wait_for(answered.wait(), 30)
    return task


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def loss_of(bot: Bot) -> tuple[int, int]:
    expected = received = 0
    for seqs in bot.sequence_numbers.values():
        unwrapped, last = [], None
        for s in seqs:
            if last is not None:
                s += round((last - s) / 65536) * 65536
            unwrapped.append(s)
            last = s
        if unwrapped:
            expected += max(unwrapped) - min(unwrapped) + 1
            received += len(set(unwrapped))
    return expected, received


async def relay_stats(port: int, op: str) -> dict[str, Any]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(json.dumps({"op": op}).encode() + b"\n")
    await writer.drain()
    answer = json.loads(await reader.readline()) if op == "stats" else {}
    writer.close()
    return dict(answer)


def sounds(n: int) -> tuple[list[list[bytes]], list[list[bytes]]]:
    """Per bot its speech (a tone) and its silence (quiet noise), 50 packets each: one second per loop."""
    # frequencies whose 20 ms frames do not repeat; a payload seen twice cannot date its packet and is left out
    tones = [opus_tone(301.3 + 37.7 * i + 0.37 * i * i) for i in range(n)]
    return tones, [opus_noise(1000 + i) for i in range(n)]


def origins(tones: list[list[bytes]], noises: list[list[bytes]]) -> dict[bytes, tuple[int, int]]:
    """payload -> (bot, index in its loop) for the payloads that occur once."""
    seen: dict[bytes, int] = {}
    for payloads in (*tones, *noises):
        for payload in payloads:
            seen[payload] = seen.get(payload, 0) + 1
    return {
        payload: (i, j)
        for clips in (tones, noises)
        for i, payloads in enumerate(clips)
        for j, payload in enumerate(payloads)
        if seen[payload] == 1
    }


def speakers_at(now: float, t0: float, n: int, speakers: int, rotate: float) -> set[int]:
    turn = int((now - t0) // rotate)
    return {(turn * speakers + j) % n for j in range(min(speakers, n))}


# --- a bot worker process -------------------------------------------------------------------------------------------


def bot_worker(conn: Connection, port: int, n: int, mine: list[int], video: int, plan: dict[str, float]) -> None:
    asyncio.run(_bot_worker(conn, port, n, mine, video, plan))


async def _bot_worker(conn: Connection, port: int, n: int, mine: list[int], video: int, plan: dict[str, float]) -> None:
    restrict_host_addresses(["127.0.0.1"])
    tones, noises = sounds(n)
    origin = origins(tones, noises)
    speakers, rotate, t0 = int(plan["speakers"]), plan["rotate"], plan["t0"]
    talking = speakers_at(time.monotonic(), t0, n, speakers, rotate)
    bots = {
        i: Bot(f"bot{i}", tones[i], video=i < video, decode_video=False, silence=noises[i], speaking=i in talking)
        for i in mine
    }

    async def follow_the_turns() -> None:
        while True:
            talking = speakers_at(time.monotonic(), t0, n, speakers, rotate)
            for i, bot in bots.items():
                if bot.speaking != (i in talking):
                    bot.speak(i in talking)
            await asyncio.sleep(0.02)

    turns = asyncio.create_task(follow_the_turns())
    pumps: list[asyncio.Task[None]] = []
    joins: list[float] = []
    join_started: dict[int, float] = {}
    try:
        for i, bot in bots.items():
            join_started[i] = time.monotonic()
            pumps.append(await join(bot, port))
        conn.send("joined")
        while (command := await asyncio.to_thread(conn.recv)) != "close":
            if command == "reset":
                for bot in bots.values():
                    bot.arrivals.clear()
                    bot.sequence_numbers.clear()
                    bot.video_packets = 0
            elif command == "report":
                arrivals = [(t, *origin[p]) for bot in bots.values() for t, p in bot.arrivals if p in origin]
                expected = received = 0
                for bot in bots.values():
                    e, r = loss_of(bot)
                    expected, received = expected + e, received + r
                joins = [
                    (bot.first_media_at - join_started[i]) * 1000
                    for i, bot in bots.items()
                    if i > 0 and bot.first_media_at is not None
                ]
                conn.send(
                    {
                        "starts": {i: bot.audio_track.start for i, bot in bots.items()},
                        "arrivals": arrivals,
                        "expected": expected,
                        "received": received,
                        "joins": joins,
                        "video_packets": sum(bot.video_packets for bot in bots.values()),
                    }
                )
            if command == "reset":
                conn.send("ok")
    finally:
        turns.cancel()
        for task in pumps:
            task.cancel()
        await asyncio.gather(turns, *pumps, return_exceptions=True)
        await asyncio.gather(*(bot.close() for bot in bots.values()), return_exceptions=True)
        conn.close()


# --- one room size ----------------------------------------------------------------------------------------------------


async def run_room(
    n: int, video: int, seconds: float, port: int, relay_pid: int, options: dict[str, Any]
) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no event loop inherited
    plan = {"speakers": options["speakers"], "rotate": options["rotate"], "t0": time.monotonic()}
    workers: list[tuple[Any, Connection]] = []
    for w in range(min(options["workers"], n)):
        ours, theirs = context.Pipe()
        mine = [i for i in range(n) if i % options["workers"] == w]
        process = context.Process(target=bot_worker, args=(theirs, port, n, mine, video, plan), daemon=True)
        process.start()
        workers.append((process, ours))

    async def ask(command: str) -> list[Any]:
        for _, conn in workers:
            conn.send(command)
        return [await asyncio.to_thread(conn.recv) for _, conn in workers]

    try:
        for _, conn in workers:
            if not await asyncio.to_thread(conn.poll, 120):
                raise TimeoutError("a bot worker did not join")
            assert await asyncio.to_thread(conn.recv) == "joined"
        await asyncio.sleep(3)  # settle: renegotiations, first keyframes
        await ask("reset")
        await relay_stats(port, "reset")
        pids = [process.pid for process, _ in workers]
        cpu_before, wall_before = cpu_seconds(relay_pid), time.monotonic()
        bots_before = [cpu_seconds(pid) for pid in pids]
        await asyncio.sleep(seconds)
        elapsed = time.monotonic() - wall_before
        cpu = (cpu_seconds(relay_pid) - cpu_before) / elapsed
        bots_cpu = [(cpu_seconds(pid) - before) / elapsed for pid, before in zip(pids, bots_before, strict=True)]
        at_relay = await relay_stats(port, "stats")
        reports = await ask("report")
    finally:
        for _, conn in workers:
            with contextlib.suppress(OSError):
                conn.send("close")
        for process, _ in workers:
            await asyncio.to_thread(process.join, 20)
            if process.is_alive():
                process.terminate()
    starts = {i: start for report in reports for i, start in report["starts"].items()}
    latencies = []
    for report in reports:
        for arrived, source, index in report["arrivals"]:
            start = starts.get(source)
            if start is None:  # that bot never sent: its packets cannot be dated
                continue
            period = 50 * FRAME_SAMPLES / 48000
            sent = start + index * 0.02
            sent += ((arrived - sent) // period) * period
            latencies.append((arrived - sent) * 1000)
    expected = sum(r["expected"] for r in reports)
    received = sum(r["received"] for r in reports)
    joins = [j for r in reports for j in r["joins"]]
    streams = n * (n - 1) + min(video, n) * (n - 1)
    forwarded = at_relay["forwarded"] / elapsed
    return {
        "n": n,
        "video_publishers": min(video, n),
        "audio_slots": options["audio_slots"],
        "speakers_at_once": min(options["speakers"], n),
        "forwarded_streams": streams,
        "relay_cpu_pct_of_core": round(cpu * 100, 1),
        "relay_cpu_pct_per_stream": round(cpu * 100 / streams, 3),
        "relay_cpu_us_per_forwarded_packet": round(cpu * 1e6 / forwarded, 1) if forwarded else None,
        # the bots' own processes, apart from the relay: near 100 % one of them, not the relay, drops and delays
        "bots_cpu_pct_of_core": round(sum(bots_cpu) * 100, 1),
        "bots_cpu_pct_per_process": [round(c * 100, 1) for c in bots_cpu],
        "audio_loss_pct": round(100 * (1 - received / expected), 3) if expected else None,
        "audio_loss_before_relay_pct": round(100 * (1 - at_relay["received"] / at_relay["expected"]), 3)
        if at_relay["expected"]
        else None,
        "relay_forwarded_packets_per_s": round(forwarded),
        "join_to_first_audio_ms_p50": round(percentile(joins, 50) or 0, 1),
        "join_to_first_audio_ms_p95": round(percentile(joins, 95) or 0, 1),
        "one_way_audio_ms_p50": round(percentile(latencies, 50) or 0, 2),
        "one_way_audio_ms_p95": round(percentile(latencies, 95) or 0, 2),
        "video_packets_received": sum(r["video_packets"] for r in reports),
    }


async def main(sizes: list[int], video: int, seconds: float, options: dict[str, Any]) -> dict[str, Any]:
    results = []
    baseline = None
    for n in sizes:
        child = subprocess.Popen(  # noqa: ASYNC220, S603 - this very script as the relay
            [sys.executable, __file__, "--serve", "0", "--audio-slots", str(options["audio_slots"])],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert child.stdout is not None
            port = int(await asyncio.to_thread(child.stdout.readline))
            if baseline is None:
                before = cpu_seconds(child.pid)
                await asyncio.sleep(2)
                baseline = round((cpu_seconds(child.pid) - before) / 2 * 100, 2)
            results.append(await run_room(n, video, seconds, port, child.pid, options))
        finally:
            child.terminate()
            child.wait(10)
    ok = [r for r in results if (r["audio_loss_pct"] or 0) < 1 and r["one_way_audio_ms_p95"] < 150]
    return {
        "benchmark": "media_room",
        "seconds_measured": seconds,
        "audio_slots": options["audio_slots"],
        "bot_processes": options["workers"],
        "baseline_idle_relay_cpu_pct": baseline,
        "rooms": results,
        "largest_n_with_loss_under_1pct_and_p95_under_150ms": max((r["n"] for r in ok), default=None),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="5,10")
    parser.add_argument("--video", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--audio-slots", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--speakers", type=int, default=2)
    parser.add_argument("--rotate", type=float, default=3.0)
    parser.add_argument("--serve", type=int)
    args = parser.parse_args()
    if args.serve is not None:
        asyncio.run(serve(args.serve, args.audio_slots))
    else:
        sizes = [int(s) for s in args.sizes.split(",")]
        options = {"audio_slots": args.audio_slots, "workers": args.workers, "speakers": args.speakers}
        options["rotate"] = args.rotate
        print(json.dumps(asyncio.run(main(sizes, args.video, args.seconds, options))))
