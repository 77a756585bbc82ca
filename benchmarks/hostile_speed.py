"""Speed of the paths that hostile input stresses. Prints figures; asserts nothing.

Moved here from two tests that asserted wall-clock times (issue 17: timing belongs in benchmarks):
the SLO-capacity search the plan runs for self-hosting, and guided understanding of a very long line.
Also times the secret scrubber on a 200 kB line (it runs on every line printed or saved).

Run: python -m benchmarks.hostile_speed [--runs N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Callable


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm: catalog files, compiled patterns
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1e3)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    from agent import redact
    from agent.guided.understand import understand
    from forecasting.serving.estimator import slo_capacity

    slo = _median_ms(lambda: slo_capacity("llama-3.1-70b", "h100-sxm", input_tokens=1500, output_tokens=300,
                                          itl_target_ms=50, ttft_target_ms=2000), runs)
    line = "we have 200k users and 3,000 online at once " * 500
    guided = _median_ms(lambda: understand(line), max(3, runs // 4))
    os.environ.setdefault("OPENAI_API_KEY", "3f9a2c7e41b84d0f9e6a5c2b7d18e4f0")
    text = "x" * 200_000 + " sk-proj-abc_DEF-123456789 " + "y" * 10_000
    scrub = _median_ms(lambda: redact.scrub(text), runs)
    print(f"slo_capacity llama-3.1-70b on h100-sxm (auto TP): {slo:.2f} ms median of {runs}")
    print(f"guided understand() of a {len(line):,}-character line: {guided:.1f} ms median")
    print(f"redact.scrub of a {len(text):,}-character line with a configured key: {scrub:.2f} ms median of {runs}")


if __name__ == "__main__":
    main()
