"""The published rows of the independent check set, as read from their source, and the script that writes them.

Run `python -m benchmarks.independent_check_rows` to regenerate benchmarks/data/serving_independent_check.json; the rows
below are copied verbatim from the source table (see SRC_014), so a reviewer can compare them line by line.
"""
import json
from pathlib import Path

SRC_014 = {
    "title": "TensorRT-LLM perf-overview.md, section 'Online Serving Measurements' (Triton TensorRT-LLM backend; "
             "'All data in the table below was generated using version 0.14.0, with 500 requests and BF16 precision.')",
    "repo": "NVIDIA/TensorRT-LLM", "path": "docs/source/performance/perf-overview.md",
    "commit": "258c7540c03517def55d9a5aadfa9288af474e1b",
    "url": "https://github.com/NVIDIA/TensorRT-LLM/blob/258c7540c03517def55d9a5aadfa9288af474e1b/docs/source/performance/perf-overview.md",
    "date": "2025 (v0.17 release docs; commit date not verified)",
    "read": "2026-12-01 (capplan session, issue 12)",
}
ONLINE_H200 = """|LLaMA 3.1 70B|H200 131GB HBM3|4|467|256|2|2|58|18|1411|499|
||||||4|4|63|20|2770|980|
||||||8|7|84|27|5328|1886|
||||||16|13|165|60|9224|3264|
||||||32|16|1279|83|11800|4176|
||||||INF|16|9222|83|11826|4185|
||||467|16|2|2|50|15|956|32|
||||||4|4|55|16|1909|63|
||||||8|8|67|20|3799|126|
||||||16|16|103|33|7499|248|
||||||32|28|1259|485|13586|450|
||||||INF|29|9074|546|13792|457|
||||202|214|2|2|43|17|793|408|
||||||4|4|46|18|1524|784|
||||||8|7|51|21|2796|1438|
||||||16|11|67|28|4639|2386|
||||||32|15|112|39|6288|3235|
||||||INF|17|4480|48|7230|3719|
|LLaMA 3.1 8B|H200 131GB HBM3|1|467|256|2|2|21|6|1425|504|
||||||4|4|23|7|2828|1001|
||||||8|8|24|7|5567|1971|
||||||16|15|27|9|10761|3809|
||||||32|27|44|16|19848|7025|
||||||INF|40|3237|36|28596|10121|
||||467|16|2|2|18|5|956|32|
||||||4|4|19|6|1910|63|
||||||8|8|20|6|3810|126|
||||||16|16|22|7|7567|250|
||||||32|31|27|9|14927|494|
||||||INF|81|3227|190|39007|1291|
||||202|214|2|2|17|6|812|418|
||||||4|4|18|6|1597|822|
||||||8|7|19|7|3088|1589|
||||||16|14|20|8|5771|2969|
||||||32|24|24|9|9931|5109|
||||||INF|43|1665|19|17861|9189|"""

def online():
    out = []
    model = gpu = tp = isl = osl = None
    for line in ONLINE_H200.splitlines():
        cells = line.strip()[1:].split("|")
        if cells[0]:
            model = cells[0]
        if cells[1]:
            gpu = cells[1]
        if cells[2]:
            tp = int(cells[2])
        if cells[3]:
            isl, osl = int(cells[3]), int(cells[4])
        qps, tput, ttft, itl, total, outp = cells[5:11]
        mid = "llama-3.1-70b" if "70B" in model else "llama-3.1-8b"
        out.append({
            "id": f"trtllm014-online-{mid}-h200-tp{tp}-{isl}x{osl}-qps{qps.lower()}",
            "category": "self_hosted", "model": "Llama-3.1-70B" if "70B" in model else "Llama-3.1-8B",
            "gpu": "H200-SXM-141GB", "gpu_count": tp, "tensor_parallel": tp, "pipeline_parallel": 1,
            "precision": "bf16", "kv_cache_precision": "bf16 (assumed; not stated)",
            "engine": "TensorRT-LLM (Triton tensorrtllm_backend)", "engine_version": "0.14.0",
            "input_tokens": isl, "output_tokens": osl,
            "load": {"type": "online_request_rate", "request_rate": qps if qps == "INF" else float(qps),
                     "concurrency": None, "num_requests": 500},
            "metrics": [
                {"name": "request_throughput", "value": float(tput), "unit": "requests/s"},
                {"name": "ttft_mean", "value": float(ttft), "unit": "ms"},
                {"name": "itl_mean", "value": float(itl), "unit": "ms"},
                {"name": "total_tokens_per_s", "value": float(total), "unit": "tokens/s (input+output)"},
                {"name": "output_tokens_per_s_total", "value": float(outp), "unit": "tokens/s"},
            ],
            "source": SRC_014,
            "quote": f"Online table row: {model} | {gpu} | TP {tp} | {isl} | {osl} | QPS {qps} | {tput} req/s | "
                     f"TTFT {ttft} ms | ITL {itl} ms | {total} tok/s total | {outp} tok/s output",
            "confidence": "high",
            "notes": "Same table and settings as the H100 rows in the calibration set; the source labels the GPU "
                     "'H200 131GB HBM3' (sic: the H200 has 141 GB). The GPU cell is blank on continuation rows and "
                     "inherited from the row above. Not used for fitting: an independent check on a GPU the profile was not fitted on.",
            "check_set": "trtllm014-online-h200",
        })
    return out

if __name__ == "__main__":
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "serving_independent_check.json"
    pts = online()
    path.write_text(json.dumps(pts, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(pts)} points to {path}")
