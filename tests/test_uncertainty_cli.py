"""`capplan plan` with ranges: exit 2 naming the field for bad ranges, JSON bands, flags."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent.cli import main

ROOT = Path(__file__).resolve().parents[1]
LAUNCH = {"app_type": "chatbot", "registered_users": 200_000, "concurrent_users": {"low": 2000, "high": 5000},
          "monthly_growth_rate": {"low": 0.05, "high": 0.10}, "horizon_months": 24}


def run(args, capsys, scenario=None, tmp_path=None):
    if scenario is not None:
        path = tmp_path / "s.json"
        path.write_text(json.dumps(scenario))
        args = [args[0], str(path), *args[1:]]
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("bad,field,words", [
    ({"concurrent_users": {"low": 5000, "high": 2000}}, "concurrent_users", "must not be above high"),
    ({"concurrent_users": {"low": 2000}}, "concurrent_users", "needs both low and high"),
    ({"peak_multiplier": {"low": 0.5, "high": 2}}, "peak_multiplier.low", "greater than or equal to 1"),
    ({"workload": {"output_tokens": {"low": 100, "high": 300, "mid": 900}}}, "workload.output_tokens", "must lie between"),
    ({"workload": {"output_tokens": {"low": 100, "high": 300, "shape": "normal"}}}, "workload.output_tokens.shape", "unknown key"),
    ({"monthly_growth_rate": {"low": 0.01, "high": 0.2, "distribution": "lognormal", "mid": 0.05}}, "monthly_growth_rate", "triangular range only"),
    ({"registered_users": 4000}, "concurrent_users", "cannot exceed registered_users"),
])
def test_bad_ranges_exit_2_naming_the_field(bad, field, words, capsys, tmp_path):
    code, out, err = run(["plan", "--format", "json"], capsys, {**LAUNCH, **bad}, tmp_path)
    assert code == 2 and out == ""
    assert f"capplan plan: " in err and field in err and words in err, err
    assert "Traceback" not in err


@pytest.mark.parametrize("flags,words", [
    (["--provision-at", "p100"], "--provision-at"), (["--draws", "0"], "--draws"),
    (["--regret-weights", "3"], "--regret-weights"), (["--regret-weights", "0:1"], "--regret-weights"),
    (["--seed", "-1"], "--seed"),
])
def test_bad_uncertainty_flags_exit_2(flags, words, capsys, tmp_path):
    code, out, err = run(["plan", *flags], capsys, LAUNCH, tmp_path)
    assert code == 2 and out == "" and words in err


def test_json_bands_seed_and_provision_at(capsys, tmp_path):
    code, out, err = run(["plan", "--format", "json", "--draws", "300", "--seed", "7"], capsys, LAUNCH, tmp_path)
    assert code == 0, err
    doc = json.loads(out)
    u = doc["uncertainty"]
    assert (u["draws"], u["seed"], u["provision_at"]) == (300, 7, "p50")
    assert set(u["figures"]["cost.monthly_usd"]) == {"p10", "p50", "p90", "mean"}
    cost = u["figures"]["cost.monthly_usd"]
    assert cost["p10"] < doc["cost"]["monthly_usd"] < cost["p90"]
    code, out2, _ = run(["plan", "--format", "json", "--draws", "300", "--seed", "7"], capsys, LAUNCH, tmp_path)
    assert out2 == out  # byte-identical
    code, out90, _ = run(["plan", "--format", "json", "--draws", "300", "--seed", "7", "--provision-at", "p90"], capsys, LAUNCH, tmp_path)
    d90 = json.loads(out90)
    assert d90["cost"]["monthly_usd"] > doc["cost"]["monthly_usd"] and d90["cost"]["monthly_usd"] >= cost["p50"]
    code, outlr, _ = run(["plan", "--format", "json", "--draws", "300", "--seed", "7", "--provision-at", "least-regret",
                          "--regret-weights", "9:1"], capsys, LAUNCH, tmp_path)
    lr = json.loads(outlr)["uncertainty"]
    assert lr["plan_draw"] == lr["least_regret"]["draw"] and lr["least_regret"]["under_provision_weight"] == 9


def test_sensitivity_on_the_support_example_ranks_the_defaults(capsys):
    code, out, err = run(["plan", str(ROOT / "examples/support-chatbot.json"), "--format", "json", "--sensitivity",
                          "--draws", "50"], capsys)
    assert code == 0, err
    rows = json.loads(out)["uncertainty"]["sensitivity"]
    assert len(rows) > 5 and all(set(r) == {"input", "low", "high", "low_usd", "high_usd", "swing_usd", "swing_usd_at_horizon"} for r in rows)
    assert [r["swing_usd"] for r in rows] == sorted((r["swing_usd"] for r in rows), reverse=True)


def test_flags_without_ranges_are_ignored_with_a_note(capsys):
    code, out, err = run(["plan", str(ROOT / "examples/support-chatbot.json"), "--format", "json", "--draws", "10"], capsys)
    assert code == 0 and "uncertainty" not in json.loads(out) and "--draws ignored" in err


def test_the_real_command_prints_pure_json(tmp_path):
    path = tmp_path / "launch.json"
    path.write_text(json.dumps(LAUNCH))
    r = subprocess.run([sys.executable, "-m", "agent.cli", "plan", str(path), "--format", "json", "--draws", "100"],
                       cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["uncertainty"]["draws"] == 100


def test_table_and_markdown_show_bands_beside_figures_that_vary(capsys, tmp_path):
    code, out, err = run(["plan", "--sensitivity", "--draws", "200"], capsys, LAUNCH, tmp_path)
    assert code == 0, err
    assert "P10–P90" in out and "Least regret" in out and "What matters most" in out
    line = next(x for x in out.splitlines() if x.strip().startswith("Monthly cost") and "$" in x and "–" in x)
    assert line.count("$") >= 3  # the figure and its P10-P90 band
    code, md, err = run(["plan", "--format", "markdown", "--draws", "200"], capsys, LAUNCH, tmp_path)
    assert code == 0, err
    assert "| P10–P90 |" in md and "## Uncertainty" in md and "1 draw in 10 came out below P10" in md
    row = next(x for x in md.splitlines() if x.startswith("| Monthly cost |"))
    assert row.count("$") == 3
    app = next(x for x in md.splitlines() if x.startswith("| API tier |"))
    assert app.endswith("|  |")  # a figure that does not vary gets no band
