"""Keeps the serving estimator's accuracy on published measurements from regressing (whole set, not per point).

Reads the verbatim copy in benchmarks/data, so it runs without ../shared. Thresholds sit a little below the
figures measured when the profile was fitted (docs/llm-estimate.md, "Measured accuracy").
"""
from __future__ import annotations

from benchmarks.accuracy import DEFAULT_FILE, evaluate, load_points, summary


def test_accuracy_on_the_calibration_set_does_not_regress() -> None:
    comps, skipped = evaluate(load_points(DEFAULT_FILE))
    s = summary(comps)
    assert len(skipped) <= 2  # the two MPT-7B / A10 points: neither is in the catalog
    assert s["overall"]["n"] >= 280
    assert s["overall"]["within_20pct"] >= 0.80
    assert s["overall"]["median_abs_error"] <= 0.08
    assert s["per_load_type"]["offline_max_throughput"]["within_20pct"] >= 0.90
    assert s["per_load_type"]["offline_max_throughput"]["median_abs_error"] <= 0.07
    assert s["per_load_type"]["online_request_rate"]["within_20pct"] >= 0.68
