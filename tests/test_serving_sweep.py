"""The latency curve and its knee: the knee meets both targets, the next load does not, and it is the plan's
operating point; CLI flags and their errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.cli import main
from forecasting.serving import ServingInputError, estimate, slo_capacity
from forecasting.serving.sweep import sweep

CASES = st.sampled_from([("llama-3.1-8b", "h100-sxm"), ("llama-3.1-70b", "h100-sxm"), ("mixtral-8x7b", "a100-80gb"),
                         ("qwen2.5-7b", "l40s"), ("llama-3.1-70b", "h200")])


@settings(max_examples=15, deadline=None)
@given(case=CASES, mode=st.sampled_from(["concurrency", "rate"]), i=st.integers(32, 4000), o=st.integers(8, 1000),
       itl=st.floats(10, 200), ttft=st.floats(100, 5000))
def test_the_knee_meets_its_targets_and_the_next_load_does_not(case: tuple[str, str], mode: str, i: int, o: int,
                                                             itl: float, ttft: float) -> None:
    model, gpu = case
    try:
        sw = sweep(model, gpu, input_tokens=i, output_tokens=o, mode=mode, itl_target_ms=itl, ttft_target_ms=ttft)  # type: ignore[arg-type]
    except ServingInputError:
        return
    loads = [p.load for p in sw.points]
    assert loads == sorted(loads) and loads[-1] <= sw.saturation_load * (1 + 1e-9)
    for a, b in zip(sw.points, sw.points[1:]):  # latency rises along the curve, throughput never falls
        assert b.itl_ms >= a.itl_ms * (1 - 1e-9) and b.ttft_ms >= a.ttft_ms * (1 - 1e-9)
        assert b.output_tokens_per_s >= a.output_tokens_per_s * (1 - 1e-9)
    for p in sw.points:
        assert p.output_tokens_per_s <= sw.saturation_output_tokens_per_s * (1 + 1e-6)
        assert p.meets_targets == (p.itl_ms <= itl and p.ttft_ms <= ttft)
    if sw.knee is None:
        assert sw.knee_limited_by == "none" and not sw.points[0].meets_targets
        return
    k = sw.knee
    assert k.itl_ms <= itl and k.ttft_ms <= ttft
    assert all(not p.meets_targets for p in sw.points if p.load > k.load * (1 + 1e-6)) or sw.knee_limited_by == "saturation"
    kw = dict(input_tokens=i, output_tokens=o, tp=sw.tensor_parallel, precision=sw.precision)
    if sw.knee_limited_by != "saturation" and mode == "concurrency":
        nxt = estimate(model, gpu, concurrency=k.load + 1, **kw)
        assert nxt.itl_ms > itl or nxt.ttft_ms > ttft  # type: ignore[operator]
    if mode == "concurrency":  # the knee is the capacity plan's operating point
        slo = slo_capacity(model, gpu, itl_target_ms=itl, ttft_target_ms=ttft, **kw)
        assert slo.meets_slo and k.load == slo.max_sequences_at_slo


BASE = ["llm-estimate", "--model", "llama-3.1-70b", "--gpu", "h100-sxm", "--input-tokens", "1184", "--output-tokens", "215"]


def test_sweep_json_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BASE, "--sweep", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["mode"] == "concurrency" and out["itl_target_ms"] == 40 and out["ttft_target_ms"] == 450
    assert "chatbot default" in out["targets_source"] and out["knee"]["meets_targets"]
    assert out["knee_limited_by"] in ("itl_target", "ttft_target", "saturation")
    assert 0 < out["knee_share_of_saturation_throughput"] <= 1
    assert main([*BASE, "--sweep", "rate", "--itl-target-ms", "60"]) == 0
    text = capsys.readouterr().out
    assert "◀ knee" in text and "requests/s" in text and "ITL ≤ 60 ms" in text and "itl_target_ms given" in text


def test_sweep_takes_targets_from_a_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "s.json"
    f.write_text(json.dumps({"app_type": "agent", "registered_users": 10, "concurrent_users": 1,
                             "llm": {"deployment": "self_hosted", "ttft_target_ms": 900}}))
    assert main([*BASE, "--sweep", "--scenario", str(f), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ttft_target_ms"] == 900 and out["itl_target_ms"] == 200  # agent default ITL target


@pytest.mark.parametrize("extra, needle", [
    (["--sweep", "--concurrency", "8"], "--sweep chooses the loads itself"),
    (["--sweep", "--request-rate", "2"], "--sweep chooses the loads itself"),
    (["--itl-target-ms", "40"], "--itl-target-ms needs --sweep"),
    (["--sweep", "--ttft-target-ms", "0"], "--ttft-target-ms must be a positive number"),
    (["--sweep", "--scenario", "/nonexistent.json"], "--scenario: cannot read"),
])
def test_sweep_errors_exit_2(extra: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BASE, *extra]) == 2
    cap = capsys.readouterr()
    assert needle in cap.err and cap.out == "" and "Traceback" not in cap.err
