"""`capplan calibrate` and `capplan compare`: exact figures on the real Azure trace and on a fixture of
every input format (each expected figure computed here from the raw rows, not by the code under test),
the calibrate -> scenario -> plan -> compare round trip, and bad files (exit 2, one clear line)."""
from __future__ import annotations

import csv
import json
import statistics
from pathlib import Path

import pytest

from agent.cli import main

DATA = Path(__file__).resolve().parent / "data" / "actuals"
AZURE = DATA / "azure_llm_inference_2023_conv.csv"


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def calibrate_json(capsys, *args: object) -> dict:
    code, out, err = run_cli(["calibrate", *args, "--format", "json"], capsys)
    assert code == 0, err
    return json.loads(out)


def q7(values: list[float]) -> tuple[float, float, float]:
    """Type-7 percentiles, independently: statistics.quantiles(method='inclusive') at 1% steps."""
    qs = statistics.quantiles(values, n=100, method="inclusive")
    return qs[49], qs[89], qs[98]


def seconds(stamp: str) -> float:
    """'2023-11-16 18:15:46.6805900' -> seconds within the day (the trace spans one day), independently."""
    hms = stamp.split(" ")[1]
    h, m, s = hms.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


# ---------------------------------------------------------------------------------------------------
def test_azure_trace_exact_figures(capsys):
    with AZURE.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    t = [seconds(r["TIMESTAMP"]) for r in rows]
    inp = [int(r["ContextTokens"]) for r in rows]
    out = [int(r["GeneratedTokens"]) for r in rows]
    window = t[-1] - t[0]
    bins: dict[int, int] = {}
    for x in t:
        bins[int((x - t[0]) // 60)] = bins.get(int((x - t[0]) // 60), 0) + 1
    d = calibrate_json(capsys, AZURE)
    assert d["format"] == "azure"
    assert d["requests"] == len(rows) == 19_366
    assert d["window_s"] == pytest.approx(window, abs=1e-6)
    # epoch seconds near 1.7e9 carry ~2e-7 s of float resolution, so rates agree to ~1e-10, not 1e-16
    assert d["average_requests_per_second"] == pytest.approx(len(rows) / window, rel=1e-9)
    assert d["peak_requests_per_second"] == pytest.approx(max(bins.values()) / 60, rel=1e-12)
    assert d["peak_bin_s"] == 60
    assert d["peak_to_average"] == pytest.approx(max(bins.values()) / 60 / (len(rows) / window), rel=1e-9)
    assert d["input_tokens_per_request"]["mean"] == pytest.approx(sum(inp) / len(inp), rel=1e-12)
    assert d["output_tokens_per_request"]["mean"] == pytest.approx(sum(out) / len(out), rel=1e-12)
    for key, values in (("input_tokens_per_request", inp), ("output_tokens_per_request", out)):
        p50, p90, p99 = q7([float(v) for v in values])
        assert (d[key]["p50"], d[key]["p90"], d[key]["p99"]) == pytest.approx((p50, p90, p99), rel=1e-12)
    # the figures the data folder's README states, to the digits it gives them
    assert round(window, 1) == 3501.7 and round(d["peak_requests_per_second"], 2) == 8.45
    assert "type 7" in d["percentile_method"]
    assert d["cached_input_share"] is None and d["latency_s"] is None and d["daily_profile"] is None


def test_azure_table_says_it_in_words(capsys):
    code, out, err = run_cli(["calibrate", AZURE], capsys)
    assert code == 0, err
    assert "19,366" in out and "8.45 requests/s" in out and "p50 1,020" in out


def test_bins_follow_the_bin_flag(capsys):
    with AZURE.open(newline="") as fh:
        t = [seconds(r["TIMESTAMP"]) for r in csv.DictReader(fh)]
    bins: dict[int, int] = {}
    for x in t:
        bins[int((x - t[0]) // 300)] = bins.get(int((x - t[0]) // 300), 0) + 1
    d = calibrate_json(capsys, AZURE, "--bin", "300")
    assert d["peak_bin_s"] == 300
    assert d["peak_requests_per_second"] == pytest.approx(max(bins.values()) / 300)


# ---------------------------------------------------------------------------------------------------
def test_mooncake_jsonl(capsys):
    rows = [json.loads(line) for line in (DATA / "mooncake.jsonl").read_text().splitlines()]
    ts = [r["timestamp"] / 1000 for r in rows]  # Mooncake timestamps are milliseconds
    d = calibrate_json(capsys, DATA / "mooncake.jsonl")
    assert d["format"] == "mooncake" and d["requests"] == len(rows)
    assert d["window_s"] == pytest.approx(ts[-1] - ts[0])
    bins: dict[int, int] = {}
    for x in ts:
        bins[int((x - ts[0]) // 60)] = bins.get(int((x - ts[0]) // 60), 0) + 1
    assert d["peak_requests_per_second"] == pytest.approx(max(bins.values()) / 60)
    inp = [float(r["input_length"]) for r in rows]
    assert d["input_tokens_per_request"]["mean"] == pytest.approx(statistics.mean(inp))
    assert d["input_tokens_per_request"]["p90"] == pytest.approx(q7(inp)[1])
    assert d["output_tokens_per_request"]["mean"] == pytest.approx(statistics.mean(r["output_length"] for r in rows))


def test_litellm_spend_logs(capsys):
    with (DATA / "litellm_spend_logs.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    llm = [r for r in rows if r["cache_hit"] != "True"]  # the proxy's response cache made no LLM call
    d = calibrate_json(capsys, DATA / "litellm_spend_logs.csv")
    assert d["format"] == "litellm" and d["requests"] == len(llm) == 4
    assert d["models"] == {"gpt-4o-mini": 4}
    assert d["users"] == len({r["user"] for r in llm}) and d["sessions"] == len({r["session_id"] for r in llm})
    assert d["messages_per_session"] == pytest.approx(len(llm) / d["sessions"])
    lat = [seconds(r["endTime"]) - seconds(r["startTime"]) for r in llm]
    assert d["latency_s"]["mean"] == pytest.approx(statistics.mean(lat), abs=1e-6)
    window = seconds(llm[-1]["startTime"]) - seconds(llm[0]["startTime"])
    assert d["concurrency"]["average"] == pytest.approx(sum(lat) / window, rel=1e-6)
    ttft = [seconds(r["completionStartTime"]) - seconds(r["startTime"]) for r in llm]
    assert d["time_to_first_token_s"]["mean"] == pytest.approx(statistics.mean(ttft), abs=1e-3)
    assert d["input_tokens_per_request"]["mean"] == pytest.approx(statistics.mean(int(r["prompt_tokens"]) for r in llm))
    assert any("response cache" in n for n in d["notes"])


def test_langfuse_observations(capsys):
    rows = [json.loads(line) for line in (DATA / "langfuse_observations.jsonl").read_text().splitlines()]
    gens = [r for r in rows if r["type"] == "GENERATION"]
    d = calibrate_json(capsys, DATA / "langfuse_observations.jsonl")
    assert d["format"] == "langfuse" and d["requests"] == len(gens) == 3
    total_in = sum(r["usage_details"]["input"] for r in gens)
    cached = sum(r["usage_details"]["cache_read_input_tokens"] for r in gens)
    assert d["cached_input_share"] == pytest.approx(cached / total_in)
    assert d["output_tokens_per_request"]["mean"] == pytest.approx(statistics.mean(r["usage_details"]["output"] for r in gens))
    assert d["models"] == {"claude-sonnet-4-6": 3} and d["users"] == 2 and d["sessions"] == 2
    assert d["time_to_first_token_s"]["mean"] == pytest.approx((0.8 + 1.0 + 0.5) / 3, abs=1e-3)


def test_openai_usage_buckets(capsys):
    doc = json.loads((DATA / "openai_usage.json").read_text())
    buckets = doc["data"]
    reqs = [sum(r["num_model_requests"] for r in b["results"]) for b in buckets]
    window = buckets[-1]["end_time"] - buckets[0]["start_time"]
    d = calibrate_json(capsys, DATA / "openai_usage.json")
    assert d["format"] == "openai-usage" and d["requests"] == sum(reqs)
    assert d["window_s"] == window
    assert d["average_requests_per_second"] == pytest.approx(sum(reqs) / window)
    assert d["peak_requests_per_second"] == pytest.approx(max(reqs) / 3600) and d["peak_bin_s"] == 3600
    tin = sum(r["input_tokens"] for b in buckets for r in b["results"])
    cached = sum(r["input_cached_tokens"] for b in buckets for r in b["results"])
    assert d["input_tokens_per_request"] == {"mean": pytest.approx(tin / sum(reqs)), "p50": None, "p90": None, "p99": None}
    assert d["cached_input_share"] == pytest.approx(cached / tin)  # input_tokens includes the cached ones


def test_anthropic_usage_report(capsys):
    doc = json.loads((DATA / "anthropic_usage.json").read_text())
    results = [r for b in doc["data"] for r in b["results"]]
    tin = sum(r["uncached_input_tokens"] + r["cache_read_input_tokens"] + sum(r["cache_creation"].values()) for r in results)
    d = calibrate_json(capsys, DATA / "anthropic_usage.json")
    assert d["format"] == "anthropic-usage"
    assert d["requests"] is None and d["average_requests_per_second"] is None  # the report counts tokens only
    assert d["input_tokens"] == tin
    assert d["cached_input_share"] == pytest.approx(sum(r["cache_read_input_tokens"] for r in results) / tin)
    per_hour = [sum(r["uncached_input_tokens"] + r["cache_read_input_tokens"] + sum(r["cache_creation"].values())
                    + r["output_tokens"] for r in b["results"]) for b in doc["data"]]
    assert d["peak_to_average"] == pytest.approx(max(per_hour) / (sum(per_hour) / len(per_hour)))
    assert "measured" not in d["scenario"] and d["scenario"]["workload"]["cached_input_share"] == pytest.approx(d["cached_input_share"], abs=1e-6)


def test_vllm_scrapes(capsys):
    files = sorted(DATA.glob("vllm_scrape_*.prom"))

    def total(path: Path, metric: str) -> float:
        return sum(float(line.rsplit(" ", 1)[1]) for line in path.read_text().splitlines()
                   if line.startswith(metric + "{") or line.startswith(metric + " "))

    reqs = [total(f, "vllm:request_success_total") for f in files]
    d = calibrate_json(capsys, *files, "--interval", "30")
    assert d["format"] == "vllm-prometheus" and d["requests"] == reqs[-1] - reqs[0]
    assert d["window_s"] == 60
    assert d["average_requests_per_second"] == pytest.approx((reqs[-1] - reqs[0]) / 60)
    assert d["peak_requests_per_second"] == pytest.approx(max(b - a for a, b in zip(reqs, reqs[1:])) / 30)
    prompt = total(files[-1], "vllm:prompt_tokens_total") - total(files[0], "vllm:prompt_tokens_total")
    assert d["input_tokens_per_request"]["mean"] == pytest.approx(prompt / d["requests"])
    # e2e histogram increase: buckets le=1,2.5,5,10 went 10,50,100,110 -> 20,100,180,210 => 10,50,80,100 of 100
    assert d["latency_s"]["p50"] == pytest.approx(2.5) and d["latency_s"]["p90"] == pytest.approx(7.5)
    assert d["latency_s"]["mean"] == pytest.approx((800 - 400) / 100)
    assert d["concurrency"]["average"] == pytest.approx(d["average_requests_per_second"] * 4.0)
    assert d["gauges"]["num_requests_waiting"] == {"mean": pytest.approx(1.0), "max": 2.0}
    assert d["gauges"]["kv_cache_usage_perc"]["max"] == pytest.approx(0.5)


def test_vllm_scrapes_need_an_interval(capsys):
    files = sorted(DATA.glob("vllm_scrape_*.prom"))
    code, out, err = run_cli(["calibrate", *files], capsys)
    assert code == 2 and "--interval" in err and "Traceback" not in err


def test_mapped_columns(capsys):
    with (DATA / "requests_mapped.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    d = calibrate_json(capsys, DATA / "requests_mapped.csv", "--columns",
                       "timestamp=ts,input=prompt,output=completion,cached=cached,latency=seconds,user=uid,session=sid")
    assert d["format"] == "columns" and d["requests"] == 5
    assert d["cached_input_share"] == pytest.approx(sum(float(r["cached"]) for r in rows) / sum(float(r["prompt"]) for r in rows))
    window = float(rows[-1]["ts"]) - float(rows[0]["ts"])
    assert d["concurrency"]["average"] == pytest.approx(sum(float(r["seconds"]) for r in rows) / window)
    assert d["users"] == 3 and d["messages_per_session"] == pytest.approx(5 / 3)


def test_daily_profile_over_two_days(tmp_path, capsys):
    # 2 days, one request every 10 minutes, plus 3 more in each 14:00 hour: 14:00 runs at 9/6 of other hours
    lines = ["ts,in,out"]
    for minute in range(0, 2 * 24 * 60, 10):
        t = 1_700_006_400 + minute * 60  # 2023-11-15 00:00 UTC
        lines.append(f"{t},100,10")
        if (minute // 60) % 24 == 14 and minute % 60 == 0:
            lines += [f"{t + 1},100,10", f"{t + 2},100,10", f"{t + 3},100,10"]
    (tmp_path / "days.csv").write_text("\n".join(lines) + "\n")
    d = calibrate_json(capsys, tmp_path / "days.csv", "--columns", "timestamp=ts,input=in,output=out")
    prof = d["daily_profile"]
    assert len(prof) == 24
    assert prof[14] / prof[3] == pytest.approx(9 / 6)
    assert sum(prof) / 24 == pytest.approx(1.0)
    # the profile goes into the calibrated scenario, which plans
    target = tmp_path / "days.scenario.json"
    calibrate_json(capsys, tmp_path / "days.csv", "--columns", "timestamp=ts,input=in,output=out",
                   "--into", target, "--registered-users", "1000")
    written = json.loads(target.read_text())
    assert written["daily_load_curve"] == pytest.approx(prof, abs=1e-6)
    code, out, err = run_cli(["plan", target, "--format", "json"], capsys)
    assert code == 0, err
    curve = json.loads(out)["compute"]["autoscaling"]["load_curve"]
    assert len(curve) == 24 and max(range(24), key=lambda h: curve[h]) == 14  # the measured busiest hour


# ---------------------------------------------------------------------------------------------------
def test_round_trip_calibrate_plan_compare(tmp_path, capsys):
    scenario = tmp_path / "calibrated.json"
    d = calibrate_json(capsys, AZURE, "--into", scenario, "--registered-users", "50000")
    written = json.loads(scenario.read_text())
    assert written == d["scenario"] and written["measured"]["llm_calls_per_second"] == d["average_requests_per_second"]
    code, out, err = run_cli(["plan", scenario, "--format", "json"], capsys)
    assert code == 0, err
    (tmp_path / "plan.json").write_text(out)
    code, out, err = run_cli(["compare", tmp_path / "plan.json", AZURE, "--format", "json", "--fail-over", "0.5"], capsys)
    assert code == 0, err
    cmp = json.loads(out)
    keys = {m["key"] for m in cmp["metrics"]}
    assert {"load.llm_calls_per_second", "average_llm_calls_per_second", "load.input_tokens_per_call",
            "load.output_tokens_per_call", "load.tokens_per_minute", "load.monthly_tokens", "llm.monthly_usd",
            "inputs.peak_multiplier"} <= keys
    for m in cmp["metrics"]:
        assert abs(m["error_pct"]) < 0.01, m
    assert cmp["changes"] == []


def test_compare_says_what_to_change_and_fail_over(tmp_path, capsys):
    example = Path(__file__).resolve().parents[1] / "examples" / "support-chatbot.json"
    code, out, err = run_cli(["compare", example, AZURE, "--format", "json"], capsys)
    assert code == 0, err  # an inaccurate plan is an answer, not an error
    cmp = json.loads(out)
    peak = next(m for m in cmp["metrics"] if m["key"] == "load.llm_calls_per_second")
    assert peak["error_pct"] == pytest.approx((peak["forecast"] - peak["actual"]) / peak["actual"] * 100)
    assert peak["within_20pct"] is False and cmp["off"] >= 1
    assert any("concurrent_users" in c for c in cmp["changes"])
    code, out, err = run_cli(["compare", example, AZURE, "--fail-over", "20"], capsys)
    assert code == 1 and "--fail-over" in err
    code, out, err = run_cli(["compare", example, AZURE], capsys)
    assert code == 0 and "Inputs to change" in out


def test_into_never_overwrites_silently(tmp_path, capsys):
    target = tmp_path / "scenario.json"
    target.write_text('{"hand": "edited"}')
    code, out, err = run_cli(["calibrate", AZURE, "--into", target, "--registered-users", "1000"], capsys)
    assert code == 2 and "already exists" in err and "--force" in err
    assert target.read_text() == '{"hand": "edited"}'
    code, out, err = run_cli(["calibrate", AZURE, "--into", target, "--registered-users", "1000", "--force"], capsys)
    assert code == 0 and json.loads(target.read_text())["registered_users"] == 1000


def test_into_needs_registered_users_when_the_data_has_none(tmp_path, capsys):
    code, out, err = run_cli(["calibrate", AZURE, "--into", tmp_path / "s.json"], capsys)
    assert code == 2 and "--registered-users" in err and not (tmp_path / "s.json").exists()


# ---------------------------------------------------------------------------------------------------
BAD = {
    "empty": ("", "empty"),
    "header only": ("TIMESTAMP,ContextTokens,GeneratedTokens\n", "no rows"),
    "unknown columns": ("when,a,b\n2024-01-01 00:00:00,1,2\n", "cannot tell the format"),
    "time goes back": ("TIMESTAMP,ContextTokens,GeneratedTokens\n2024-01-01 00:00:05,1,2\n2024-01-01 00:00:01,1,2\n",
                       "line 3: timestamp goes back in time"),
    "unparsable time": ("TIMESTAMP,ContextTokens,GeneratedTokens\n2024-01-01 00:00:05,1,2\nyesterday,1,2\n",
                        "line 3: timestamp"),
    "impossible date": ("TIMESTAMP,ContextTokens,GeneratedTokens\n2024-02-31 00:00:05,1,2\n2024-03-01 00:00:01,1,2\n",
                        "line 2: timestamp"),
    "negative tokens": ("TIMESTAMP,ContextTokens,GeneratedTokens\n2024-01-01 00:00:05,1,2\n2024-01-01 00:00:06,-4,2\n",
                        "line 3: input tokens must be a non-negative number"),
    "not a number": ("TIMESTAMP,ContextTokens,GeneratedTokens\n2024-01-01 00:00:05,1,2\n2024-01-01 00:00:06,1,lots\n",
                     "line 3: output tokens is 'lots'"),
    "one request": ("TIMESTAMP,ContextTokens,GeneratedTokens\n2024-01-01 00:00:05,1,2\n", "at least two requests"),
    "mixed models": ("startTime,prompt_tokens,completion_tokens,model\n2024-01-01 00:00:01,1,2,gpt-4o\n"
                     "2024-01-01 00:00:02,1,2,gpt-4o-mini\n2024-01-01 00:00:03,1,2,gpt-4o\n",
                     "mixes 2 models: gpt-4o (2 requests), gpt-4o-mini (1 requests)"),
    "bad jsonl": ('{"timestamp": 0, "input_length": 1, "output_length": 2}\n{"timestamp": 5, oops}\n', "line 2: not valid JSON"),
    "not utf-8": (b"TIMESTAMP,ContextTokens,GeneratedTokens\n2024-01-01 00:00:05,\xff\xfe,2\n", "not UTF-8"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_files_exit_2_with_a_clear_message(case, tmp_path, capsys):
    content, expected = BAD[case]
    path = tmp_path / "bad.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    code, out, err = run_cli(["calibrate", path], capsys)
    assert code == 2, (out, err)
    assert expected in err, err
    assert "Traceback" not in err and out == ""


def test_mixed_models_choose_one_or_pool(tmp_path, capsys):
    path = tmp_path / "mixed.csv"
    path.write_text(BAD["mixed models"][0])
    assert calibrate_json(capsys, path, "--model", "gpt-4o")["requests"] == 2
    assert calibrate_json(capsys, path, "--all-models")["requests"] == 3
    code, out, err = run_cli(["calibrate", path, "--model", "claude"], capsys)
    assert code == 2 and "no rows for model 'claude'" in err


def test_missing_file_and_bad_flags(tmp_path, capsys):
    code, out, err = run_cli(["calibrate", tmp_path / "nope.csv"], capsys)
    assert code == 2 and "file not found" in err
    code, out, err = run_cli(["calibrate", AZURE, "--columns", "timestamp=TIMESTAMP,input=ContextTokens"], capsys)
    assert code == 2 and "output" in err
    code, out, err = run_cli(["calibrate", AZURE, "--bin", "0"], capsys)
    assert code == 2 and "--bin" in err
    code, out, err = run_cli(["compare", tmp_path / "nope.json", AZURE], capsys)
    assert code == 2 and "not found" in err


@pytest.mark.parametrize("name,fmt", [("azure_llm_inference_2023_conv.csv", "azure"), ("mooncake.jsonl", "mooncake"),
                                      ("litellm_spend_logs.csv", "litellm"), ("langfuse_observations.jsonl", "langfuse"),
                                      ("openai_usage.json", "openai-usage"), ("anthropic_usage.json", "anthropic-usage"),
                                      ("vllm_scrape_1.prom", "vllm-prometheus")])
def test_detection(name, fmt):
    from forecasting.actuals import detect

    assert detect((DATA / name).read_text()[:16_384], name) == fmt


def test_reader_streams_lines_it_is_given():
    """The reader takes any iterable of lines and never needs the whole file (a generator works)."""
    from forecasting.actuals import calibrate

    consumed = []

    def lines():
        yield "TIMESTAMP,ContextTokens,GeneratedTokens\n"
        for i in range(1000):
            consumed.append(i)
            yield f"2024-01-01 00:{i // 60:02d}:{i % 60:02d}.5,{i},{i % 7}\n"

    cal = calibrate([("gen", lines)], input_format="azure")
    assert cal.requests == 1000 and len(consumed) == 1000
    assert cal.input_tokens_per_request is not None and cal.input_tokens_per_request.mean == pytest.approx(499.5)


# ---------------------------------------------------------------------------------------------------
def test_chat_tools_accept_only_a_path_the_person_typed():
    from agent.session import Session
    from agent.tools import ToolRegistry

    reg = ToolRegistry()
    s = Session()
    s.messages.append({"role": "user", "content": "we have 100k users and 3000 online at once"})
    assert reg.call("forecast", {"app_type": "chatbot", "registered_users": 100_000, "concurrent_users": 3000}, s).ok
    # the model names a file the person never mentioned: refused, and told to ask
    r = reg.call("usage_compare", {"path": str(AZURE)}, s)
    assert not r.ok and "did not type the path" in r.content
    s.messages.append({"role": "user", "content": f"compare with {AZURE} please"})
    r = reg.call("usage_compare", {"path": str(AZURE)}, s)
    assert r.ok, r.content
    body = json.loads(r.content)
    peak = next(m for m in body["metrics"] if m["metric"] == "LLM calls per second at peak")
    assert peak["actual"] == pytest.approx(8.45) and body["changes"]
    r = reg.call("usage_calibrate", {"path": str(AZURE)}, s)
    assert r.ok and json.loads(r.content)["requests"] == 19_366
    # a typed path that is not a usage file: a tool error the model can act on, not a crash
    s.messages.append({"role": "user", "content": "try /etc/hostname"})
    r = reg.call("usage_calibrate", {"path": "/etc/hostname"}, s)
    assert not r.ok and "cannot tell the format" in r.content


def test_langfuse_csv_with_usage_as_json_text_and_litellm_jsonl(tmp_path, capsys):
    """Exports as CSV carry nested objects as JSON text; JSONL rows of LiteLLM spend logs read the same as CSV."""
    rows = [json.loads(line) for line in (DATA / "langfuse_observations.jsonl").read_text().splitlines()]
    cols = ["id", "type", "start_time", "end_time", "completion_start_time", "provided_model_name", "usage_details",
            "user_id", "session_id"]
    with (tmp_path / "lf.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for r in rows:
            w.writerow([json.dumps(r[c]) if isinstance(r.get(c), dict) else r.get(c, "") for c in cols])
    a = calibrate_json(capsys, tmp_path / "lf.csv")
    b = calibrate_json(capsys, DATA / "langfuse_observations.jsonl")
    assert a["format"] == "langfuse" and a["requests"] == b["requests"] == 3
    assert a["cached_input_share"] == pytest.approx(b["cached_input_share"])
    assert a["input_tokens_per_request"] == b["input_tokens_per_request"]
    with (DATA / "litellm_spend_logs.csv").open(newline="") as fh:
        spend = list(csv.DictReader(fh))
    for r in spend:
        for k in ("prompt_tokens", "completion_tokens"):
            r[k] = int(r[k])  # type: ignore[assignment]
    (tmp_path / "spend.jsonl").write_text("".join(json.dumps(r) + "\n" for r in spend))
    c = calibrate_json(capsys, tmp_path / "spend.jsonl")
    d = calibrate_json(capsys, DATA / "litellm_spend_logs.csv")
    assert c["format"] == "litellm"
    for key in ("requests", "window_s", "users", "sessions", "latency_s", "input_tokens_per_request"):
        assert c[key] == d[key], key


def test_columns_naming_a_missing_column(capsys):
    code, out, err = run_cli(["calibrate", DATA / "requests_mapped.csv", "--columns",
                              "timestamp=ts,input=prompt_tokens,output=completion"], capsys)
    assert code == 2 and "no column for input (prompt_tokens)" in err and "ts, prompt, completion" in err
