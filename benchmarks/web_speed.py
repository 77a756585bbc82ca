"""Speed of `capplan serve` on this machine: page load, first streamed character, 20 sessions at once.

    .venv/bin/python benchmarks/web_speed.py [--loads 20] [--firsts 30] [--rounds 3]

- page load: headless chromium (Debian's, via Playwright) opens the page; time from navigation to the
  `load` event and to the message box being ready (the page's script ran), median and p95 of --loads.
- first character: guided mode, a new session each time; time from sending the first description
  (POST /messages) to the first `text` event of the stream, median and p95 of --firsts. Target < 100 ms.
- 20 concurrent sessions: 20 clients each send a description at the same moment; each turn's latency
  from sending to the `done` event (planned and saved), median and p95 over --rounds rounds.
The server runs as its own process on 127.0.0.1 with a temporary SQLite database, as `capplan serve`
runs it. Figures are wall-clock on a shared 2-core machine: read them as this machine's, not a promise.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from agent.web.local_run import CHROMIUM, CHROMIUM_FLAGS as FLAGS, ServeProcess

ROOT = Path(__file__).resolve().parents[1]
DESCRIBE = "We run a support chatbot with {n} registered users, about 3,000 online at once, growing 8% a month"


def start_server(db: Path) -> tuple[ServeProcess, str]:
    server = ServeProcess(db)
    server.start()
    return server, server.url.rstrip("/")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def page_load(base: str, loads: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    load_ms, ready_ms = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for _ in range(loads + 1):
            context = browser.new_context()
            page = context.new_page()
            t0 = time.perf_counter()
            page.goto(base + "/", wait_until="load")
            t1 = time.perf_counter()
            page.wait_for_function("() => document.activeElement && document.activeElement.name === 'message'")
            t2 = time.perf_counter()
            load_ms.append((t1 - t0) * 1000)
            ready_ms.append((t2 - t0) * 1000)
            context.close()
        browser.close()
    load_ms, ready_ms = load_ms[1:], ready_ms[1:]  # the first load warms the browser up
    return {"page_load_ms_median": statistics.median(load_ms), "page_load_ms_p95": p95(load_ms),
            "page_ready_ms_median": statistics.median(ready_ms), "page_ready_ms_p95": p95(ready_ms)}


async def one_turn(client: httpx.AsyncClient, n: int) -> tuple[float, float]:
    """(ms to the first text event, ms to done) of a first description in a new session."""
    sid = (await client.post("/api/sessions")).json()["id"]
    t0 = time.perf_counter()
    first = done = float("nan")
    async with client.stream("POST", f"/api/sessions/{sid}/messages", json={"text": DESCRIBE.format(n=n)}) as r:
        async for line in r.aiter_lines():
            if line == "event: text" and first != first:
                first = (time.perf_counter() - t0) * 1000
            elif line == "event: done":
                done = (time.perf_counter() - t0) * 1000
    return first, done


async def first_character(base: str, count: int) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await one_turn(client, 100_000)  # warm-up: imports, first plan
        firsts = [(await one_turn(client, 100_000 + i * 1000))[0] for i in range(count)]
    return {"first_char_ms_median": statistics.median(firsts), "first_char_ms_p95": p95(firsts),
            "first_char_ms_max": max(firsts)}


async def concurrent(base: str, sessions: int, rounds: int) -> dict[str, float]:
    latencies: list[float] = []
    wall: list[float] = []
    limits = httpx.Limits(max_connections=sessions + 5)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        for r in range(rounds):
            t0 = time.perf_counter()
            results = await asyncio.gather(*(one_turn(client, 50_000 + 1000 * i + r) for i in range(sessions)))
            wall.append((time.perf_counter() - t0) * 1000)
            latencies += [done for _, done in results]
    return {"sessions": float(sessions), "turn_ms_median": statistics.median(latencies), "turn_ms_p95": p95(latencies),
            "round_wall_ms_median": statistics.median(wall)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--firsts", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = start_server(Path(tmp) / "bench.db")
        try:
            figures = {**page_load(base, args.loads), **asyncio.run(first_character(base, args.firsts)),
                       **asyncio.run(concurrent(base, 20, args.rounds))}
        finally:
            proc.stop()
    for key, value in figures.items():
        mark = "  (target < 100: %s)" % ("ok" if value < 100 else "OVER") if key == "first_char_ms_median" else ""
        print(f"{key:28s} {value:10.1f}{mark}")


if __name__ == "__main__":
    main()
