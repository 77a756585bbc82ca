"""Speed of `capplan options` on the default candidate set (issue 13). Prints figures; asserts nothing.

Target: under 1 s in-process for the default candidate set on the 2-core machine, using the estimator's
fast SLO path (one estimator run per model / GPU / precision, shared by its pricing options). Also prints
the whole command's time (start-up, JSON) and how many candidates and estimator runs that was.

Run: python -m benchmarks.options_speed [--runs N]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from forecasting.options import serving_options

    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for example in sorted((ROOT / "examples").glob("*.json")):
        scenario = json.loads(example.read_text())
        serving_options(scenario)  # warm: catalogs, estimator tables
        samples = []
        for _ in range(args.runs):
            t = time.perf_counter()
            result = serving_options(scenario)
            samples.append(time.perf_counter() - t)
        groups = len({(o.deployment, o.model, o.gpu, o.precision) for o in result.options})
        med = statistics.median(samples)
        print(f"{example.stem:22s} {result.candidates_considered} candidates ({groups} planned contexts): "
              f"median {med * 1000:.0f} ms, min {min(samples) * 1000:.0f} ms in-process "
              f"({'meets' if med < TARGET_S else 'does NOT meet'} the {TARGET_S:g} s target)")
    cmd = [sys.executable, "-m", "agent.cli", "options", str(ROOT / "examples" / "support-chatbot.json"), "--format", "json"]
    walls = []
    for _ in range(max(1, args.runs // 2)):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        walls.append(time.perf_counter() - t)
    print(f"capplan options examples/support-chatbot.json --format json: median {statistics.median(walls) * 1000:.0f} ms wall")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
