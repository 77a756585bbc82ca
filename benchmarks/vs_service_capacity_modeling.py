"""Side by side: the support example's stateless app tier planned by capplan and by Netflix's
service-capacity-modeling, at 1x, 10x and 100x its request rate.

Why a separate environment: service-capacity-modeling (PyPI, Apache-2.0) is not a capplan dependency; this
script installs it into its own venv under /tmp (`/tmp/capplan-scm/venv`, pinned 0.3.212) the first time
and runs it there in a subprocess. Like for like: both get the same peak request rate and CPU time per
request (capplan's CPU model: cpu_ms_per_message + calls x cpu_ms_per_llm_call) and the same bytes per
request; each then applies its own headroom rules. Pricing bases differ and are printed: capplan prices
on-demand (and, beside it, its reserved_3y option); Netflix's planner prices with the 3-year-reserved
tables it ships (hardware/profiles/pricing/aws/3yr-reserved_*.json).

Run: python -m benchmarks.vs_service_capacity_modeling
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

VENV = Path("/tmp/capplan-scm/venv")
PIN = "service-capacity-modeling==0.3.212"
ROOT = Path(__file__).resolve().parents[1]

NETFLIX = r"""
import json, sys
from service_capacity_modeling.capacity_planner import planner
from service_capacity_modeling.interface import CapacityDesires, QueryPattern, DataShape, certain_float, certain_int
out = []
for rps, cpu_ms, size in json.loads(sys.argv[1]):
    d = CapacityDesires(service_tier=1, query_pattern=QueryPattern(
            estimated_read_per_second=certain_int(max(1, round(rps))), estimated_write_per_second=certain_int(0),
            estimated_mean_read_latency_ms=certain_float(cpu_ms), estimated_mean_write_latency_ms=certain_float(1),
            estimated_mean_read_size_bytes=certain_int(round(size))),
        data_shape=DataShape(estimated_state_size_gib=certain_float(0)))
    plans = planner.plan_certain(model_name="org.netflix.stateless-java", region="us-east-1", desires=d, num_results=1)
    c = plans[0].candidate_clusters
    z = c.regional[0]
    out.append({"instance": z.instance.name, "family": z.instance.family, "count": z.count,
                "monthly_usd": float(c.total_annual_cost) / 12})
print(json.dumps(out))
"""


def _venv() -> Path:
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", PIN], check=True)
    return py


def main() -> None:
    from forecasting import plan

    base = json.loads((ROOT / "examples" / "support-chatbot.json").read_text())
    rows, asks = [], []
    for k in (1, 10, 100):
        s = {**base, "concurrent_users": base["concurrent_users"] * k, "registered_users": max(base["registered_users"], base["concurrent_users"] * k * 10)}
        od, r3 = plan(s), plan({**s, "pricing": "reserved_3y"})
        app = r3.inputs["app"]
        cpu_ms = app["cpu_ms_per_message"] + od.load.llm_calls_per_second / od.load.requests_per_second * app["cpu_ms_per_llm_call"]
        asks.append((od.load.requests_per_second, cpu_ms, od.network.egress_bytes_per_message))
        rows.append((k, od, r3, cpu_ms))
    res = subprocess.run([str(_venv()), "-c", NETFLIX, json.dumps(asks)], check=True, capture_output=True, text=True)
    nflx = json.loads(res.stdout)
    print("support-chatbot app tier, us-east-1; peak messages/s and CPU ms per message as given to both planners\n")
    print(f"{'load':>5} {'msg/s':>8} {'cpu ms':>6} | {'capplan (on-demand)':<34} {'$/month':>9} {'always-on':>9} | "
          f"{'capplan reserved_3y':>19} | {'service-capacity-modeling (3yr reserved)':<40} {'$/month':>9}")
    for (k, od, r3, cpu_ms), n in zip(rows, nflx):
        a, au = od.compute.app, od.compute.autoscaling
        a3 = r3.compute.autoscaling
        cap = f"{a.instance_family} {au.min_replicas}-{au.max_replicas} x {a.instance_type}"
        nf = f"{n['family']} {n['count']} x {n['instance']}"
        print(f"{k:>4}x {od.load.requests_per_second:>8.1f} {cpu_ms:>6.1f} | {cap:<34} {au.autoscaled_monthly_usd:>9,.0f} "
              f"{au.always_on_monthly_usd:>9,.0f} | {a3.autoscaled_monthly_usd:>19,.0f} | {nf:<40} {n['monthly_usd']:>9,.0f}")
    print("\ncapplan: hour-by-hour autoscaled cost over the daily curve (always-on = peak count all day), N+1 with a floor of 2,"
          " 60% CPU target, safety margin 25%; reserved_3y commits the cheapest baseline at Netflix's own 3-year prices.")
    print("service-capacity-modeling: org.netflix.stateless-java, service tier 1, sqrt-staffed cores provisioned at 40% for"
          " zone failover across 3 zones, its bundled 3-year-reserved prices (annual cost / 12, incl. root disks).")


if __name__ == "__main__":
    main()
