"""The uncertainty flags of `capplan plan` (docs/uncertainty.md): draws, seed, provision-at, regret
weights, sensitivity. Kept apart from plan.py so the plan command stays a few lines.

Why --sensitivity alone also ranks the defaults when the scenario has no ranges: the question it
answers ("which assumption drives the cost?") is about the defaults then; there is nothing else.
"""
from __future__ import annotations

import argparse
import sys
from typing import Any

from agent.errors import InputError


def configure(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("uncertainty (when the scenario has ranges such as {\"low\": 2000, \"high\": 5000})")
    g.add_argument("--draws", type=int, metavar="N", help="Monte-Carlo draws (default 1000)")
    g.add_argument("--seed", type=int, metavar="S", help="random seed; same seed, same plan (default 1)")
    g.add_argument("--provision-at", metavar="pNN", help="size the plan at this percentile of monthly cost (p10..p99, "
                   "default p50), or least_regret")
    g.add_argument("--sensitivity", action="store_true", help="rank the uncertain inputs by their swing in monthly cost "
                   "(tornado); without ranges in the scenario, ranks the defaults' plausible ranges")
    g.add_argument("--uncertain-defaults", action="store_true",
                   help="also draw every default from its plausible range (forecasting/defaults.py)")
    g.add_argument("--regret-weights", metavar="UNDER:OVER",
                   help="regret per dollar of missing vs idle fixed capacity for the least-regret choice (default 3:1)")


def options(args: argparse.Namespace, scenario: Any) -> Any:
    """forecasting.uncertainty.Options from the flags, or None when the plan has nothing uncertain."""
    from forecasting.range_syntax import has_ranges

    ranged = has_ranges(scenario)
    wanted = ranged or args.sensitivity or args.uncertain_defaults
    given = [f for f, v in (("--draws", args.draws), ("--seed", args.seed), ("--provision-at", args.provision_at),
                            ("--regret-weights", args.regret_weights)) if v is not None]
    if not wanted and not given:  # a plain plan: the uncertainty module stays off its start-up path
        return None
    from forecasting.uncertainty import Options

    kw: dict[str, Any] = {"sensitivity": args.sensitivity,
                          "uncertain_defaults": args.uncertain_defaults or (args.sensitivity and not ranged)}
    if args.draws is not None:
        kw["draws"] = args.draws
    if args.seed is not None:
        kw["seed"] = args.seed
    if args.provision_at is not None:
        kw["provision_at"] = args.provision_at.strip().lower().replace("-", "_")
    if args.regret_weights is not None:
        kw["under_weight"], kw["over_weight"] = _weights(args.regret_weights)
    opts = Options(**kw)
    problems = opts.problems()
    if problems:
        raise InputError(problems)
    if not wanted:
        if given:
            sys.stderr.write(f"capplan plan: {', '.join(given)} ignored: the scenario has no ranges "
                             "(give a field as {\"low\": ..., \"high\": ...}, or add --uncertain-defaults)\n")
        return None
    return opts


def _weights(text: str) -> tuple[float, float]:
    parts = text.replace("/", ":").split(":")
    try:
        under, over = (float(x) for x in parts)
    except ValueError:
        raise InputError(f"--regret-weights: expected UNDER:OVER such as 3:1 (got {text!r})") from None
    return under, over
