"""`capplan llm-estimate`: exit codes, pure-JSON stdout, batch lines in order, one line per problem."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent.cli import main

BASE = ["llm-estimate", "--model", "llama-3.1-8b", "--gpu", "l40s", "--precision", "fp8",
        "--input-tokens", "2000", "--output-tokens", "200"]


def test_json_output_has_the_contract_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BASE, "--concurrency", "64", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("output_tokens_per_s", "ttft_ms", "itl_ms", "max_concurrent_sequences", "tensor_parallel", "bound",
                "derivation", "assumptions", "memory"):
        assert key in out
    assert {"weights_gib", "kv_cache_gib", "overhead_gib"} <= set(out["memory"])
    assert out["bound"] in ("memory_bandwidth", "compute", "kv_capacity")
    assert out["concurrency"] == 64 and out["tensor_parallel"] == 1
    assert all(isinstance(line, str) and line for line in out["derivation"])


def test_max_throughput_without_concurrency(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["llm-estimate", "--model", "llama-3.1-70b", "--gpu", "h100-sxm", "--precision", "fp8",
                 "--input-tokens", "1000", "--output-tokens", "1000", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["concurrency"] is None and out["running_sequences"] == out["max_concurrent_sequences"]


def test_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(BASE) == 0
    out = capsys.readouterr().out
    assert "output tokens/s" in out and "How it was computed" in out


@pytest.mark.parametrize("argv, needle", [
    (["--model", "lama-3.1-8b", "--gpu", "h100-sxm", "--input-tokens", "10", "--output-tokens", "10"],
     "did you mean llama-3.1-8b"),
    (["--model", "llama-3.1-8b", "--gpu", "h100-sx", "--input-tokens", "10", "--output-tokens", "10"],
     "did you mean h100-sxm"),
    (["--model", "llama-3.1-8b", "--gpu", "a100-80gb", "--precision", "fp8", "--input-tokens", "10",
      "--output-tokens", "10"], "cannot run fp8"),
    (["--model", "llama-3.1-405b", "--gpu", "l4", "--input-tokens", "10", "--output-tokens", "10"], "does not fit"),
    (["--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--input-tokens", "0", "--output-tokens", "10"], "input_tokens"),
    (["--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--input-tokens", "10", "--output-tokens", "-3"],
     "output_tokens"),
    (["--model", "llama-3.1-8b"], "--gpu is required"),
])
def test_bad_input_exits_2_with_a_clear_line(argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["llm-estimate", *argv]) == 2
    cap = capsys.readouterr()
    assert needle in cap.err and "Traceback" not in cap.err and cap.out == ""


def test_batch_lines_in_order_with_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [
        {"model": "llama-3.1-8b", "gpu": "h100-sxm", "tp": 1, "precision": "fp8", "input_tokens": 500,
         "output_tokens": 200, "concurrency": 16},
        {"model": "llama-3.1-8b", "gpu": "h100-sx", "input_tokens": 500, "output_tokens": 200},
        "not json",
        {"model": "mixtral-8x7b", "gpu": "h100-sxm", "tp": 2, "precision": "fp8", "input_tokens": 1000,
         "output_tokens": 1000, "concurrency": None},
        {"model": "llama-3.1-8b", "gpu": "h100-sxm", "input_tokens": 0, "output_tokens": 200},
    ]
    f = tmp_path / "req.jsonl"
    f.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    assert main(["llm-estimate", "--batch", str(f), "--format", "json"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(rows) == 5
    assert rows[0]["model"] == "llama-3.1-8b" and rows[0]["concurrency"] == 16
    assert "error" in rows[1] and "did you mean" in rows[1]["error"]
    assert "error" in rows[2] and "line 3" in rows[2]["error"]
    assert rows[3]["model"] == "mixtral-8x7b" and rows[3]["tensor_parallel"] == 2
    assert "error" in rows[4]


def test_batch_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["llm-estimate", "--batch", "/nonexistent/req.jsonl"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_catalog_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "extra.json"
    f.write_text(json.dumps({"gpus": [{"id": "lab-gpu", "memory_gb": 48, "memory_bandwidth_tb_s": 1.0,
                                       "dense_tflops": {"bf16": 300}}]}))
    assert main(["llm-estimate", "--catalog", str(f), "--model", "llama-3.1-8b", "--gpu", "lab-gpu",
                 "--input-tokens", "100", "--output-tokens", "100", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["gpu"] == "lab-gpu"
    assert main(["llm-estimate", "--catalog", str(tmp_path / "missing.json"), "--model", "llama-3.1-8b",
                 "--gpu", "h100-sxm", "--input-tokens", "1", "--output-tokens", "1"]) == 2
    assert "--catalog" in capsys.readouterr().err


def test_subprocess_stdout_is_pure_json() -> None:
    r = subprocess.run([sys.executable, "-m", "agent.cli", *BASE, "--format", "json"], capture_output=True,
                       text=True, timeout=60, cwd=Path(__file__).resolve().parent.parent)
    assert r.returncode == 0, r.stderr
    json.loads(r.stdout)
    r = subprocess.run([sys.executable, "-m", "agent.cli", "llm-estimate", "--model", "x", "--gpu", "y",
                        "--input-tokens", "1", "--output-tokens", "1", "--format", "json"],
                       capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parent.parent)
    assert r.returncode == 2 and r.stdout == "" and "unknown model" in r.stderr


def test_module_import_is_light() -> None:
    code = ("import sys, agent.commands.llm_estimate; "
            "print(any(m in sys.modules for m in ('rich', 'openai')))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       cwd=Path(__file__).resolve().parent.parent)
    assert r.stdout.strip() == "False"


OPEN = ["llm-estimate", "--model", "llama-3.1-70b", "--gpu", "h100-sxm", "--tp", "4", "--precision", "bf16",
        "--input-tokens", "467", "--output-tokens", "256"]


def test_request_rate_json_has_open_loop_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*OPEN, "--request-rate", "4", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("ttft_ms", "itl_ms", "e2e_latency_ms", "output_tokens_per_s", "requests_in_flight", "queue_wait_ms",
                "saturation_request_rate", "saturated", "request_rate"):
        assert key in out
    assert out["request_rate"] == 4 and out["saturated"] is False and out["saturation_request_rate"] > 4
    assert out["output_tokens_per_s"] == pytest.approx(4 * 256)


def test_request_rate_above_saturation_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*OPEN, "--request-rate", "100", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["saturated"] is True and out["ttft_ms"] is None and out["queue_wait_ms"] is None
    assert main([*OPEN, "--request-rate", "100"]) == 0
    text = capsys.readouterr().out
    assert "SATURATED" in text and f"{out['saturation_request_rate']:,.2f} requests/s" in text
    assert "grows without bound" in text


def test_request_rate_finite_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*OPEN, "--request-rate", "100", "--num-requests", "500", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["saturated"] is True and out["ttft_ms"] > 0 and out["queue_wait_ms"] >= 0


@pytest.mark.parametrize("extra, needles", [
    (["--request-rate", "2", "--concurrency", "8"], ["--concurrency", "--request-rate", "mutually exclusive"]),
    (["--num-requests", "10"], ["--num-requests needs --request-rate"]),
    (["--request-rate", "-1"], ["request_rate must be a positive number"]),
    (["--request-rate", "inf"], ["needs num_requests"]),
])
def test_open_loop_flag_errors_exit_2(extra: list[str], needles: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*OPEN, *extra]) == 2
    cap = capsys.readouterr()
    assert cap.out == "" and "Traceback" not in cap.err
    for n in needles:
        assert n in cap.err


def test_batch_lines_with_request_rate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = {"model": "llama-3.1-8b", "gpu": "h100-sxm", "tp": 1, "precision": "bf16", "input_tokens": 467,
            "output_tokens": 256}
    lines = [{**base, "request_rate": 8}, {**base, "request_rate": 8, "concurrency": 4},
             {**base, "request_rate": "inf", "num_requests": 500}, {**base, "num_requests": 5}]
    f = tmp_path / "req.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    assert main(["llm-estimate", "--batch", str(f)]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert rows[0]["request_rate"] == 8 and rows[0]["saturated"] is False
    assert "mutually exclusive" in rows[1]["error"] and "concurrency" in rows[1]["error"]
    assert rows[2]["saturated"] is True and rows[2]["request_rate"] is None and rows[2]["ttft_ms"] > 1000
    assert "num_requests needs request_rate" in rows[3]["error"]
