"""The `capplan plan` command line: exit codes, pure JSON on stdout, and one clear line per problem."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def run_cli(args: list[str], capsys, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        import io

        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_examples_ship_the_four_kinds():
    names = {p.stem for p in EXAMPLES}
    assert {"support-chatbot", "selfhosted-chatbot", "travel-agent", "internal-bot"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_json_output_is_one_finite_document(path, capsys):
    code, out, err = run_cli(["plan", str(path), "--format", "json"], capsys)
    assert code == 0, err
    doc = json.loads(out, parse_constant=lambda c: pytest.fail(f"non-finite {c} in JSON"))
    for key in ("schema_version", "inputs", "assumptions", "load", "llm", "compute", "storage", "network", "cost",
                "timeline", "explanations"):
        assert key in doc
    assert len(doc["timeline"]) == doc["inputs"]["horizon_months"] + 1
    assert "autoscaling" in doc["compute"] and "monthly_usd" in doc["cost"] and doc["cost"]["breakdown"]
    for key in ("peak_concurrent_users", "requests_per_second", "llm_calls_per_second", "input_tokens_per_minute",
                "output_tokens_per_minute"):
        assert doc["load"][key] >= 0


def test_markdown_output_to_file(tmp_path, capsys):
    out_path = tmp_path / "plan.md"
    code, out, err = run_cli(["plan", str(ROOT / "examples/travel-agent.json"), "--format", "markdown", "--output", str(out_path)], capsys)
    assert code == 0 and out == ""
    text = out_path.read_text()
    assert text.startswith("# Capacity plan: Autonomous travel-booking agent")
    for heading in ("## Summary", "## Monthly cost", "## Timeline", "## Scale events", "## How each number was derived", "## Assumptions"):
        assert heading in text


def test_table_output_renders(capsys):
    code, out, _ = run_cli(["plan", str(ROOT / "examples/support-chatbot.json")], capsys)
    assert code == 0 and "Capacity plan" in out and "Monthly cost" in out


def test_stdin_scenario(capsys, monkeypatch):
    code, out, _ = run_cli(["plan", "-", "--format", "json"], capsys,
                           stdin='{"app_type": "chatbot", "registered_users": 500, "concurrent_users": 5}', monkeypatch=monkeypatch)
    assert code == 0 and json.loads(out)["load"]["peak_concurrent_users"] == 7.5


BAD = {
    "broken JSON": ('{"app_type": "chatbot",', "not valid JSON at line 1"),
    "empty file": ("", "the file is empty"),
    "whitespace only": ("  \n", "the file is empty"),
    "list": ("[1, 2]", "got a list"),
    "string": ('"hello"', "got a string"),
    "empty object": ("{}", "the object is empty"),
    "NaN": ('{"app_type": "chatbot", "registered_users": NaN, "concurrent_users": 5}', "NaN is not a valid JSON number"),
    "Infinity": ('{"app_type": "chatbot", "registered_users": 10, "concurrent_users": Infinity}', "Infinity is not a valid JSON number"),
    "absurd users": ('{"app_type": "chatbot", "registered_users": 1e15, "concurrent_users": 5}', "registered_users"),
    "negative users": ('{"app_type": "chatbot", "registered_users": -500, "concurrent_users": 5}', "registered_users: Input should be greater than 0"),
    "concurrent above registered": ('{"app_type": "chatbot", "registered_users": 10, "concurrent_users": 50}', "cannot exceed registered_users"),
    "peak multiplier below 1": ('{"app_type": "chatbot", "registered_users": 10, "concurrent_users": 5, "peak_multiplier": 0.5}', "peak_multiplier"),
    "growth out of range": ('{"app_type": "chatbot", "registered_users": 10, "concurrent_users": 5, "monthly_growth_rate": 8}', "monthly_growth_rate"),
    "horizon too long": ('{"app_type": "chatbot", "registered_users": 10, "concurrent_users": 5, "horizon_months": 600}', "horizon_months"),
    "missing concurrency": ('{"app_type": "chatbot", "registered_users": 10}', "give one load source: concurrent_users"),
    "bad app type": ('{"app_type": "robot", "registered_users": 10, "concurrent_users": 5}', "app_type"),
    "typo field": ('{"app_type": "chatbot", "registerd_users": 10, "concurrent_users": 5}', 'did you mean "registered_users"'),
    "typo nested": ('{"app_type": "chatbot", "registered_users": 10, "concurrent_users": 5, "llm": {"modle": "x"}}', 'llm.modle: unknown field (did you mean "model"?)'),
    "unknown model": ('{"app_type": "chatbot", "registered_users": 10, "concurrent_users": 5, "llm": {"model": "gpt-5-mimi"}}', 'did you mean "gpt-5-mini"'),
    "unknown gpu": ('{"app_type": "chatbot", "registered_users": 10, "concurrent_users": 5, "llm": {"deployment": "self_hosted", "gpu": "h100-sxn"}}', "h100-sxm"),
    "unknown instance": ('{"app_type": "chatbot", "registered_users": 10, "concurrent_users": 5, "app": {"instance_type": "m7i.xlarg"}}', 'did you mean "m7i.xlarge"'),
    "hosted model self-hosted": ('{"app_type": "chatbot", "registered_users": 10, "concurrent_users": 5, "llm": {"deployment": "self_hosted", "model": "gpt-5-mini"}}', 'llm.model: unknown model'),
    "precision the GPU cannot run": ('{"app_type": "chatbot", "registered_users": 10, "concurrent_users": 5, "llm": {"deployment": "self_hosted", "model": "llama-3.1-8b", "gpu": "t4", "precision": "fp8"}}', "llm.precision: t4 cannot run fp8"),
    "model fits no GPU count": ('{"app_type": "chatbot", "registered_users": 10, "concurrent_users": 5, "llm": {"deployment": "self_hosted", "model": "llama-3.1-405b", "gpu": "l4"}}', "does not fit"),
    "context window exceeded": ('{"app_type": "chatbot", "registered_users": 10, "concurrent_users": 5, "workload": {"prompt_tokens": 2000000}}', "context window"),
    "wrong type": ('{"app_type": "chatbot", "registered_users": "many", "concurrent_users": 5}', "registered_users"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_exits_2_with_a_line_naming_the_problem(name, tmp_path, capsys):
    text, expected = BAD[name]
    f = tmp_path / "s.json"
    f.write_text(text)
    code, out, err = run_cli(["plan", str(f), "--format", "json"], capsys)
    assert code == 2
    assert out == ""
    assert expected in err
    assert "Traceback" not in err
    assert all(line.startswith("capplan plan: ") for line in err.strip().splitlines())


def test_several_problems_give_several_lines(tmp_path, capsys):
    f = tmp_path / "s.json"
    f.write_text('{"app_type": "robot", "registered_users": -1, "concurrent_users": 5, "horizon_months": 99}')
    code, _, err = run_cli(["plan", str(f)], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 3


@pytest.mark.parametrize("args,expected", [
    (["plan", "/nonexistent/s.json"], "file not found"),
    (["plan", "."], "is a directory"),
    (["plan", "examples/support-chatbot.json", "--format", "yaml"], "invalid choice"),
    (["plan"], "required"),
    ([], "COMMAND"),
])
def test_usage_errors_exit_2(args, expected, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and expected in err


def test_price_file_overrides_and_validation(tmp_path, capsys):
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"source": "our AWS EDP contract 2026", "api_models": [{"id": "gpt-5.4-mini", "input_usd_per_mtok": 0.1, "output_usd_per_mtok": 1.0}],
                                  "rds_instances": {"db.r7g.xlarge": {"usd_per_hour": 0.3, "vcpu": 4, "memory_gib": 32}}}))
    code, out, err = run_cli(["plan", str(ROOT / "examples/support-chatbot.json"), "--format", "json", "--prices", str(prices)], capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["llm"]["api"]["price_input_usd_per_mtok"] == 0.1
    assert "our AWS EDP contract 2026" in doc["llm"]["api"]["price_source"]
    # the travel agent keeps ~19 GiB of hot conversation data: the user's class is the cheapest that holds it
    code, out, err = run_cli(["plan", str(ROOT / "examples/travel-agent.json"), "--format", "json", "--prices", str(prices)], capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["storage"]["database"]["instance_class"] == "db.r7g.xlarge"
    assert not any(w.startswith("database:") and "by month" not in w for w in doc["warnings"])
    prices.write_text(json.dumps({"api_models": [{"id": "new-model"}], "bogus": 1}))
    code, _, err = run_cli(["plan", str(ROOT / "examples/support-chatbot.json"), "--prices", str(prices)], capsys)
    assert code == 2 and "prices.bogus: unknown key" in err and "prices.api_models[0].provider: required" in err


def test_schema_and_catalog(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "registered_users" in schema["properties"] and "app_type" in schema["required"]
    assert main(["catalog", "models", "--format", "json"]) == 0
    models = json.loads(capsys.readouterr().out)["models"]
    providers = {m["provider"] for m in models}
    assert {"openai", "anthropic", "gemini"} <= providers and all(m["as of"] for m in models)
    assert main(["catalog", "gpus", "--format", "json"]) == 0
    gpus = {g["id"]: g for g in json.loads(capsys.readouterr().out)["gpus"]}
    assert gpus["h100-sxm"]["lowest $/GPU-h"] == 6.88
    assert main(["catalog", "gpuz"]) == 2
    assert 'did you mean "gpus"' in capsys.readouterr().err


def test_console_script_stdout_is_pure_json():
    r = subprocess.run([sys.executable, "-m", "agent.cli", "plan", str(ROOT / "examples/internal-bot.json"), "--format", "json"],
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0, r.stderr
    json.loads(r.stdout)
    assert r.stderr == ""


def test_own_gpu_from_a_catalog_file_with_its_price(tmp_path, capsys):
    gpus = tmp_path / "gpus.json"
    gpus.write_text(json.dumps({"gpus": [{"id": "my-gpu", "memory_gb": 64, "memory_bandwidth_tb_s": 2.0,
                                          "dense_tflops": {"bf16": 500, "fp8": 1000}, "interconnect_gb_s": 100,
                                          "source": {"title": "our lab"}, "as_of": "2026-11-01"}]}))
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"gpu_instances": [{"name": "my-box", "gpu": "my-gpu", "gpus": 4, "usd_per_hour": 8}]}))
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps({"app_type": "chatbot", "registered_users": 10_000, "concurrent_users": 100,
                                    "llm": {"deployment": "self_hosted", "model": "llama-3.1-8b", "gpu": "my-gpu"}}))
    code, out, err = run_cli(["plan", str(scenario), "--format", "json", "--catalog", str(gpus), "--prices", str(prices)], capsys)
    assert code == 0, err
    hosted = json.loads(out)["llm"]["self_hosted"]
    assert hosted["gpu"] == "my-gpu" and hosted["gpu_instance"] == "my-box"
    assert hosted["usd_per_gpu_hour"] == 2.0
    code, _, err = run_cli(["plan", str(scenario)], capsys)
    assert code == 2 and "unknown GPU 'my-gpu'" in err
    code, _, err = run_cli(["plan", str(scenario), "--catalog", str(tmp_path / "missing.json")], capsys)
    assert code == 2 and "--catalog: file not found" in err
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    code, _, err = run_cli(["plan", str(ROOT / "examples/internal-bot.json"), "--catalog", str(broken)], capsys)
    assert code == 2 and err.startswith("capplan plan: --catalog:")


def test_catalog_tiers_lists_the_per_model_tables(capsys):
    """The planner reads a model's own rate-limit table before its provider's; the catalog shows both."""
    assert main(["catalog", "tiers", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["tiers"]
    own = [r for r in rows if r["provider"] == "openai" and r["models"] == "gpt-5-mini"]
    assert [r["tier"] for r in own] == ["tier-1", "tier-2", "tier-3", "tier-4", "tier-5"]
    assert own[-1]["TPM"] == 180_000_000 and own[-1]["RPM"] is None  # RPM: the provider tier's
    assert any(r["provider"] == "openai" and r["models"] == "all others" for r in rows)
    assert any(r["provider"] == "anthropic" and "claude-sonnet-4-6" in r["models"] and r["input TPM"] for r in rows)
    assert main(["catalog", "tiers"]) == 0
    table = capsys.readouterr().out
    assert "180M TPM" in table and "[2] simonwillison.net" in table  # narrow terminals fold model names
