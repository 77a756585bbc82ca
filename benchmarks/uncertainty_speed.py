"""Speed of Monte-Carlo plans (issue 9). Prints figures; asserts nothing.

Measures, in one run on this machine:
1. in-process: `plan_uncertain` of the support example with a 36-month timeline and four uncertain inputs
   (concurrent users, monthly growth, output tokens, messages per session), 1,000 draws: wall and CPU time;
2. the command line: `capplan plan FILE --format json --draws 1000` (process start included);
3. the peer: Netflix service-capacity-modeling's `planner.plan` with 128 simulations on a comparable
   stateless service (org.netflix.stateless-java, four uncertain inputs), installed by this script into
   its own virtual environment under /tmp (not a capplan dependency). If it cannot be installed, it says so.
Target: 1,000 draws under 1 s in-process, and faster than the peer's 128.

CPU time is printed beside wall time because the machine is shared: wall time includes waiting for a core.

Run: python -m benchmarks.uncertainty_speed [--runs N] [--no-peer]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEER_VENV = Path(tempfile.gettempdir()) / "capplan-bench-scm-venv"
DRAWS, PEER_SIMULATIONS = 1000, 128

PEER_SCRIPT = r"""
import json, statistics, sys, time
from service_capacity_modeling.capacity_planner import planner
from service_capacity_modeling.interface import CapacityDesires, DataShape, Interval, QueryPattern

def desires():
    # a stateless API tier: four uncertain inputs (90% intervals), like the capplan run
    return CapacityDesires(service_tier=1, query_pattern=QueryPattern(
        estimated_read_per_second=Interval(low=2000, mid=3500, high=5000, confidence=0.9),
        estimated_write_per_second=Interval(low=200, mid=400, high=800, confidence=0.9),
        estimated_mean_read_latency_ms=Interval(low=5, mid=10, high=30, confidence=0.9),
        estimated_mean_write_latency_ms=Interval(low=5, mid=10, high=30, confidence=0.9)),
        data_shape=DataShape(estimated_state_size_gib=Interval(low=1, mid=2, high=4, confidence=0.9)))

runs = int(sys.argv[1])
planner.plan(model_name="org.netflix.stateless-java", region="us-east-1", desires=desires(), simulations=8)  # warm
wall, cpu = [], []
for _ in range(runs):
    t, c = time.perf_counter(), time.process_time()
    plan = planner.plan(model_name="org.netflix.stateless-java", region="us-east-1", desires=desires(),
                        simulations=SIMULATIONS)
    wall.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
lr = plan.least_regret[0].candidate_clusters if plan.least_regret else None
print(json.dumps({"wall_s": statistics.median(wall), "cpu_s": statistics.median(cpu),
                  "least_regret": str(lr.regional[0].instance.name if lr and lr.regional else lr)[:80]}))
""".replace("SIMULATIONS", str(PEER_SIMULATIONS))


def scenario() -> dict:
    s = json.loads((ROOT / "examples/support-chatbot.json").read_text())
    s["horizon_months"] = 36
    s["concurrent_users"] = {"low": 2000, "high": 5000}
    s["monthly_growth_rate"] = {"low": 0.04, "high": 0.12}
    s["workload"] = {"output_tokens": {"low": 150, "high": 400, "distribution": "lognormal"},
                     "messages_per_session": {"low": 2, "high": 6, "mid": 3}}
    return s


def in_process(runs: int) -> tuple[float, float, float]:
    from forecasting.uncertainty import Options, plan_uncertain

    s = scenario()
    plan_uncertain(s, options=Options(draws=50))  # warm: catalogs, estimator tables
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        plan_uncertain(s, options=Options(draws=DRAWS, seed=7))
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu), min(wall)


def command(runs: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(scenario(), f)
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "agent.cli", "plan", f.name, "--format", "json", "--draws", str(DRAWS)],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        samples.append(time.perf_counter() - t)
    os.unlink(f.name)
    return statistics.median(samples)


def peer(runs: int) -> dict | str:
    py = PEER_VENV / "bin" / "python"
    if not py.exists():
        r = subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], capture_output=True, text=True)
        if r.returncode:
            return f"could not create {PEER_VENV}: {r.stderr.strip()[:200]}"
    check = subprocess.run([str(py), "-c", "import service_capacity_modeling"], capture_output=True)
    if check.returncode:
        r = subprocess.run([str(py), "-m", "pip", "install", "-q", "service-capacity-modeling"],
                           capture_output=True, text=True, timeout=900)
        if r.returncode:
            lines = [x for x in (r.stderr or r.stdout).splitlines() if "WARNING" not in x]
            return "service-capacity-modeling could not be installed: " + " ".join(lines)[-300:]
    r = subprocess.run([str(py), "-c", PEER_SCRIPT, str(runs)], capture_output=True, text=True, timeout=1800)
    if r.returncode:
        return "service-capacity-modeling's planner failed: " + r.stderr.strip()[-300:]
    version = subprocess.run([str(py), "-m", "pip", "show", "service-capacity-modeling"], capture_output=True, text=True)
    out = json.loads(r.stdout.strip().splitlines()[-1])
    out["version"] = next((x.split(":", 1)[1].strip() for x in version.stdout.splitlines() if x.startswith("Version")), "?")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5, help="in-process runs (median reported)")
    ap.add_argument("--cli-runs", type=int, default=3)
    ap.add_argument("--peer-runs", type=int, default=3)
    ap.add_argument("--no-peer", action="store_true", help="skip Netflix service-capacity-modeling")
    args = ap.parse_args()
    load = os.getloadavg()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    wall, cpu, best = in_process(args.runs)
    print(f"capplan in-process, support example, 36 months, 4 uncertain inputs, {DRAWS:,} draws "
          f"(median of {args.runs}): wall {wall:.3f} s (best {best:.3f} s), CPU {cpu:.3f} s, "
          f"{cpu / DRAWS * 1e6:.0f} us CPU per draw; target < 1 s")
    cli = command(args.cli_runs)
    print(f"capplan plan --format json --draws {DRAWS:,} (median of {args.cli_runs} process runs): wall {cli:.3f} s")
    if args.no_peer:
        return
    p = peer(args.peer_runs)
    if isinstance(p, str):
        print(f"peer: {p}")
        return
    print(f"Netflix service-capacity-modeling {p['version']} planner.plan, org.netflix.stateless-java, "
          f"{PEER_SIMULATIONS} simulations (median of {args.peer_runs}): wall {p['wall_s']:.3f} s, CPU {p['cpu_s']:.3f} s"
          f" (least-regret cluster: {p['least_regret']})")
    print(f"capplan {DRAWS:,} draws vs peer {PEER_SIMULATIONS}: {p['cpu_s'] / cpu:.1f}x less CPU, {p['wall_s'] / wall:.1f}x less wall time")


if __name__ == "__main__":
    main()
