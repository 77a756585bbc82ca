"""Speed of the forecasting core and of `capplan plan` start-up. Prints figures; asserts nothing.

Targets: a plan with a 36-month timeline under 20 ms in-process on the 2-core machine (issue 2);
`capplan plan --format json` at or under 3x the time of `python -c "import pydantic"` as features are
added (issue 16, move 12; issue 2's first 1.5x cannot be met while the scenario is validated by
pydantic, whose model building alone is ~2.5x: see docs/benchmarks.md). The ratio is printed with
whether it meets 3x.

Run: python -m benchmarks.plan_speed [--runs N]
"""
from __future__ import annotations

import argparse
import json
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
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200, help="in-process runs per example")
    ap.add_argument("--cold-runs", type=int, default=15, help="process start-ups per command")
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
    floor = time_command([sys.executable, "-c", "import pydantic"], args.cold_runs)
    pyd_model = time_command([sys.executable, "-c", "import pydantic; pydantic.BaseModel"], args.cold_runs)
    # building and using the scenario's five pydantic models: what any pydantic-validated CLI pays
    validate = time_command([sys.executable, "-c", "from forecasting.scenario import Scenario; "
                             "Scenario.model_validate({'app_type': 'chatbot', 'registered_users': 10, 'concurrent_users': 1})"],
                            args.cold_runs)
    cli = time_command([sys.executable, "-m", "agent.cli", "plan", "examples/support-chatbot.json", "--format", "json"], args.cold_runs)
    cli_sh = time_command([sys.executable, "-m", "agent.cli", "plan", "examples/selfhosted-chatbot.json", "--format", "json"], args.cold_runs)
    print(f"\ncold start, median of {args.cold_runs} process runs:")
    print(f"  python -c 'import pydantic'                      {floor:8.1f} ms")
    print(f"  python -c 'import pydantic; pydantic.BaseModel'  {pyd_model:8.1f} ms")
    print(f"  python -c 'validate one Scenario (5 models)'     {validate:8.1f} ms")
    print(f"  capplan plan support-chatbot --format json       {cli:8.1f} ms  ({cli / floor:.2f}x `import pydantic`;"
          f" {cli / validate:.2f}x validating one Scenario)")
    print(f"  capplan plan selfhosted-chatbot --format json    {cli_sh:8.1f} ms  ({cli_sh / floor:.2f}x)")
    worst = max(cli, cli_sh) / floor
    print(f"start-up ratio: {worst:.2f}x `import pydantic` (target <= {START_UP_TARGET:g}x): "
          f"{'met' if worst <= START_UP_TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
