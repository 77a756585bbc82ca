"""Speed of the forecasting core and of `capplan plan` start-up. Prints figures; asserts nothing.

Targets: a plan with a 36-month timeline under 20 ms in-process on the 2-core machine (issue 2);
`capplan plan --format json` at or under 3x the time of `python -c "import pydantic"` as features are
added (issue 16, move 12; issue 2's first 1.5x cannot be met while the scenario is validated by
pydantic, whose model building alone is ~2.5x: see docs/benchmarks.md). The ratio is printed with
whether it meets 3x, beside the floor any pydantic-validated command pays (one model defined and
validated) and the two imports in between, so a regression can be placed. `--instructions` also counts
instructions per start-up with valgrind, a figure the machine's load does not move.

Run: python -m benchmarks.plan_speed [--runs N] [--cold-runs N] [--instructions]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_UP_TARGET = 3.0  # capplan plan --format json / python -c "import pydantic" (issue 16, move 12)


def time_plan(scenario: dict, runs: int) -> tuple[float, float]:
    from forecasting import plan

    plan(scenario)  # warm: catalog files, estimator tables
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        plan(scenario)
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples), max(samples)


def time_command(cmd: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=_env())
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def _env() -> dict[str, str]:
    """Byte-code is written and reused, as for an installed package (pip compiles it at install time);
    without that every run would also compile the sources, which no user pays twice."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONHASHSEED"] = "0"  # the same dict layouts in every run, so instruction counts repeat exactly
    return env


def count_instructions(cmd: list[str]) -> float | None:
    """Instructions executed by one run (valgrind's callgrind), in millions: unlike wall time it does not
    move with the machine's load, so a change of a few percent can be seen on a busy 2-core box."""
    if shutil.which("valgrind") is None:
        return None
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=_env())  # byte-code written
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd], cwd=ROOT,
                          check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_env())
    found = re.search(r"Collected : (\d+)", done.stderr)
    return int(found.group(1)) / 1e6 if found else None


# What a pydantic-validated command pays before any capplan code: pydantic imports lazily, so
# `import pydantic` loads almost nothing; the first model defined and validated loads its schema builder,
# pydantic-core's schema module, annotated_types, pydantic.types and the plugin loader.
FLOOR = ("from pydantic import BaseModel, Field\n"
         "class A(BaseModel):\n    x: float = Field(1, ge=0)\n"
         "A(x=2)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200, help="in-process runs per example")
    ap.add_argument("--cold-runs", type=int, default=15, help="process start-ups per command")
    ap.add_argument("--instructions", action="store_true",
                    help="also count instructions per start-up with valgrind (deterministic; ~1 minute)")
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, in-process plan() median of {args.runs} runs")
    print(f"{'scenario':<28}{'horizon':>8}{'median ms':>11}{'max ms':>9}")
    for path in sorted((ROOT / "examples").glob("*.json")):
        s = json.loads(path.read_text())
        med, mx = time_plan(s, args.runs)
        print(f"{path.stem:<28}{s.get('horizon_months', 12):>8}{med:>11.2f}{mx:>9.2f}")
        s36 = dict(s, horizon_months=36)
        med, mx = time_plan(s36, args.runs)
        print(f"{path.stem + ' (36 months)':<28}{36:>8}{med:>11.2f}{mx:>9.2f}")
    py = sys.executable
    commands = {
        "python -c pass": [py, "-c", "pass"],
        "python -c 'import pydantic'": [py, "-c", "import pydantic"],
        "one pydantic model validated (floor)": [py, "-c", FLOOR],
        "import forecasting.scenario": [py, "-c", "import forecasting.scenario"],
        "import forecasting.planner": [py, "-c", "import forecasting.planner"],
        "capplan plan support-chatbot --format json": [py, "-m", "agent.cli", "plan", "examples/support-chatbot.json", "--format", "json"],
        "capplan plan selfhosted-chatbot --format json": [py, "-m", "agent.cli", "plan", "examples/selfhosted-chatbot.json", "--format", "json"],
    }
    for cmd in commands.values():  # byte-code written before anything is timed
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=_env())
    wall = {label: time_command(cmd, args.cold_runs) for label, cmd in commands.items()}
    floor = wall["python -c 'import pydantic'"]
    print(f"\ncold start, median of {args.cold_runs} process runs (load average {os.getloadavg()[0]:.1f}):")
    for label, ms in wall.items():
        print(f"  {label:<48}{ms:8.1f} ms  {ms / floor:5.2f}x `import pydantic`")
    worst = max(wall[k] for k in commands if k.startswith("capplan")) / floor
    print(f"start-up ratio: {worst:.2f}x `import pydantic` (target <= {START_UP_TARGET:g}x): "
          f"{'met' if worst <= START_UP_TARGET else 'NOT met'}")
    if args.instructions:
        counted = {label: count_instructions(cmd) for label, cmd in commands.items()}
        base = counted["python -c 'import pydantic'"]
        if base is None:
            print("instructions: valgrind is not installed (apt-get install valgrind)")
            return
        print("\ninstructions per start-up (valgrind callgrind, millions):")
        for label, n in counted.items():
            assert n is not None
            print(f"  {label:<48}{n:8.1f} M  {n / base:5.2f}x `import pydantic`")
        worst_n = max(n for k, n in counted.items() if k.startswith("capplan") and n is not None) / base
        print(f"start-up ratio by instructions: {worst_n:.2f}x (target <= {START_UP_TARGET:g}x): "
              f"{'met' if worst_n <= START_UP_TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
