"""How fast `capplan calibrate` reads, and how little memory it holds while streaming a large file.

Prints: the median time to read the real 19,366-row Azure trace (tests/data/actuals/) through
`forecasting.actuals.calibrate`, and for a generated file of --size-mb megabytes in the same schema
(default 1,024 MB, written to a temporary folder and deleted afterwards) the read time, rows per second and
the peak resident memory of a fresh process that read it, against that of a process that only imported
the code. Nothing here is asserted: it prints figures (tests never time anything).

    python -m benchmarks.actuals_speed [--size-mb 1024] [--repeat 5]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AZURE = ROOT / "tests" / "data" / "actuals" / "azure_llm_inference_2023_conv.csv"

CHILD = r"""
import resource, sys, time
from forecasting.actuals import calibrate
path = sys.argv[1]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if path != "-":
    t, c = time.perf_counter(), time.process_time()
    cal = calibrate([(path, lambda: open(path, encoding="utf-8", newline=""))])
    took, cpu = time.perf_counter() - t, time.process_time() - c
    print(f"{cal.requests} {took:.3f} {cpu:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")
else:
    print(f"0 0 0 {before}")
"""


def read_small(repeat: int) -> tuple[list[float], list[float]]:
    """(wall seconds, CPU seconds) per read: on a shared machine the CPU time is the steadier figure."""
    from forecasting.actuals import calibrate

    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        cal = calibrate([(str(AZURE), lambda: AZURE.open(encoding="utf-8", newline=""))])
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    assert cal.requests == 19_366
    return wall, cpu


def generate(path: Path, size_mb: int) -> int:
    """Azure-schema rows, 0.2 s apart on average, until the file is size_mb megabytes."""
    rng = random.Random(7)
    target = size_mb * 1024 * 1024
    rows = 0
    t = 1_700_000_000.0
    with path.open("w", encoding="utf-8") as fh:
        fh.write("TIMESTAMP,ContextTokens,GeneratedTokens\n")
        written = 0
        while written < target:
            chunk = []
            for _ in range(50_000):
                t += rng.expovariate(5.0)
                day, sec = divmod(t, 86_400)
                h, rem = divmod(sec, 3600)
                m, s = divmod(rem, 60)
                d = time.strftime("%Y-%m-%d", time.gmtime(day * 86_400))
                chunk.append(f"{d} {int(h):02d}:{int(m):02d}:{s:010.7f},{rng.randint(1, 8000)},{rng.randint(1, 900)}\n")
            text = "".join(chunk)
            fh.write(text)
            written += len(text)
            rows += len(chunk)
    return rows


def child(path: str) -> tuple[int, float, float, int]:
    out = subprocess.run([sys.executable, "-c", CHILD, path], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    n, took, cpu, rss = out.stdout.split()
    return int(n), float(took), float(cpu), int(rss)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    wall, cpu = read_small(args.repeat)
    print(f"Azure trace, 19,366 rows: median {statistics.median(wall) * 1000:.0f} ms wall, "
          f"{statistics.median(cpu) * 1000:.0f} ms CPU (min wall {min(wall) * 1000:.0f} ms; {args.repeat} reads, in-process; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.csv"
        t = time.perf_counter()
        rows = generate(big, args.size_mb)
        size = big.stat().st_size
        print(f"generated {size / 1e6:,.0f} MB, {rows:,} rows in {time.perf_counter() - t:.0f} s")
        _, _, _, base_rss = child("-")
        n, took, cpu_s, rss = child(str(big))
        assert n == rows
        print(f"streamed {size / 1e6:,.0f} MB ({n:,} rows) in {took:.1f} s wall, {cpu_s:.1f} s CPU = "
              f"{n / cpu_s:,.0f} rows per CPU-second")
        print(f"peak resident memory: {rss / 1024:.0f} MiB (a process that only imported the code: {base_rss / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
