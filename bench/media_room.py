"""The forwarding relay under load: N bots in one room, audio for all, video for up to 4.

Prints one JSON line. Usage: ``.venv/bin/python bench/media_room.py [--sizes 5,10] [--video 4] [--seconds 10]``.
The relay runs in a child process (so its CPU time is its own) with a line-JSON signaling socket on loopback;
the bots publish pre-encoded Opus (and a tiny VP8 picture for the video publishers) and record raw packets
without decoding. Figures per room size: relay CPU (% of one core) in total and per forwarded stream; RTP loss
from the sequence numbers at the bots and, counted by the relay, already on the way in (the bots share the
machine and their own process can be the bottleneck); join-to-first-audio p50/p95; one-way audio latency p50/p95
(bots and relay share the machine's monotonic clock). Baseline: the relay process's idle CPU, measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from typing import Any

from media.bots import FRAME_SAMPLES, Bot, opus_tone
from media.hooks import restrict_host_addresses

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


# --- the relay process ----------------------------------------------------------------------------------------------


async def serve(port: int) -> None:
    from media.backend import RenegotiationNeeded, Rights
    from media.relay import AiortcRelay

    restrict_host_addresses(["127.0.0.1"])
    relay = AiortcRelay(video_slots=4)
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


async def run_room(n: int, video: int, seconds: float, port: int, relay_pid: int) -> dict[str, Any]:
    # frequencies whose 20 ms frames do not repeat; a payload seen twice cannot date its packet and is left out
    tones = [opus_tone(301.3 + 37.7 * i + 0.37 * i * i) for i in range(n)]
    seen: dict[bytes, int] = {}
    for payloads in tones:
        for payload in payloads:
            seen[payload] = seen.get(payload, 0) + 1
    origin = {
        payload: (i, j) for i, payloads in enumerate(tones) for j, payload in enumerate(payloads) if seen[payload] == 1
    }
    bots = [Bot(f"bot{i}", tones[i], video=i < video, decode_video=False) for i in range(n)]
    pumps: list[asyncio.Task[None]] = []
    join_started: dict[int, float] = {}
    try:
        for i, bot in enumerate(bots):
            join_started[i] = time.monotonic()
            pumps.append(await join(bot, port))
        await asyncio.sleep(3)  # settle: renegotiations, first keyframes
        for bot in bots:
            bot.arrivals.clear()
            bot.sequence_numbers.clear()
        await relay_stats(port, "reset")
        cpu_before, wall_before, bots_before = cpu_seconds(relay_pid), time.monotonic(), time.process_time()
        await asyncio.sleep(seconds)
        elapsed = time.monotonic() - wall_before
        cpu = (cpu_seconds(relay_pid) - cpu_before) / elapsed
        bots_cpu = (time.process_time() - bots_before) / elapsed
        at_relay = await relay_stats(port, "stats")
        latencies = []
        for bot in bots:
            for arrived, payload in bot.arrivals:
                if payload not in origin:
                    continue
                source, index = origin[payload]
                start = bots[source].audio_track.start
                if start is None:  # that bot never sent: its packets cannot be dated
                    continue
                period = len(tones[source]) * FRAME_SAMPLES / 48000
                sent = start + index * 0.02
                sent += ((arrived - sent) // period) * period
                latencies.append((arrived - sent) * 1000)
        expected = received = 0
        for bot in bots:
            e, r = loss_of(bot)
            expected, received = expected + e, received + r
        joins = [
            (bot.first_media_at - join_started[i]) * 1000
            for i, bot in enumerate(bots)
            if i > 0 and bot.first_media_at is not None
        ]
        streams = n * (n - 1) + min(video, n) * (n - 1)
        return {
            "n": n,
            "video_publishers": min(video, n),
            "forwarded_streams": streams,
            "relay_cpu_pct_of_core": round(cpu * 100, 1),
            "relay_cpu_pct_per_stream": round(cpu * 100 / streams, 3),
            # the bots' own process: near 100 % it, not the relay, drops packets and adds delay
            "bots_cpu_pct_of_core": round(bots_cpu * 100, 1),
            "audio_loss_pct": round(100 * (1 - received / expected), 3) if expected else None,
            "audio_loss_before_relay_pct": round(100 * (1 - at_relay["received"] / at_relay["expected"]), 3)
            if at_relay["expected"]
            else None,
            "relay_forwarded_packets_per_s": round(at_relay["forwarded"] / elapsed),
            "join_to_first_audio_ms_p50": round(percentile(joins, 50) or 0, 1),
            "join_to_first_audio_ms_p95": round(percentile(joins, 95) or 0, 1),
            "one_way_audio_ms_p50": round(percentile(latencies, 50) or 0, 2),
            "one_way_audio_ms_p95": round(percentile(latencies, 95) or 0, 2),
            "video_packets_received": sum(bot.video_packets for bot in bots),
        }
    finally:
        for task in pumps:
            task.cancel()
        await asyncio.gather(*pumps, return_exceptions=True)
        await asyncio.gather(*(bot.close() for bot in bots), return_exceptions=True)


async def main(sizes: list[int], video: int, seconds: float) -> dict[str, Any]:
    restrict_host_addresses(["127.0.0.1"])
    results = []
    baseline = None
    for n in sizes:
        child = subprocess.Popen(  # noqa: ASYNC220, S603 - this very script as the relay
            [sys.executable, __file__, "--serve", "0"], stdout=subprocess.PIPE, text=True
        )
        try:
            assert child.stdout is not None
            port = int(await asyncio.to_thread(child.stdout.readline))
            if baseline is None:
                before = cpu_seconds(child.pid)
                await asyncio.sleep(2)
                baseline = round((cpu_seconds(child.pid) - before) / 2 * 100, 2)
            results.append(await run_room(n, video, seconds, port, child.pid))
        finally:
            child.terminate()
            child.wait(10)
    ok = [r for r in results if (r["audio_loss_pct"] or 0) < 1 and r["one_way_audio_ms_p95"] < 150]
    return {
        "benchmark": "media_room",
        "seconds_measured": seconds,
        "baseline_idle_relay_cpu_pct": baseline,
        "rooms": results,
        "largest_n_with_loss_under_1pct_and_p95_under_150ms": max((r["n"] for r in ok), default=None),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="5,10")
    parser.add_argument("--video", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--serve", type=int)
    args = parser.parse_args()
    if args.serve is not None:
        asyncio.run(serve(args.serve))
    else:
        sizes = [int(s) for s in args.sizes.split(",")]
        print(json.dumps(asyncio.run(main(sizes, args.video, args.seconds))))
