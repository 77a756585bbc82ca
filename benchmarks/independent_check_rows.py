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


SRC_017 = {
    "title": "TensorRT-LLM perf-overview.md, 'Throughput Measurements' ('All data in the table below was generated using "
             "version 0.17 and presents token throughput in tokens/second'; trtllm-bench throughput, requests at an "
             "infinite rate, synthetic uniform ISL/OSL)",
    "repo": "NVIDIA/TensorRT-LLM", "path": "docs/source/performance/perf-overview.md",
    "commit": "258c7540c03517def55d9a5aadfa9288af474e1b",
    "url": "https://github.com/NVIDIA/TensorRT-LLM/blob/258c7540c03517def55d9a5aadfa9288af474e1b/docs/source/performance/perf-overview.md",
    "date": "2025 (v0.17 release docs; commit date not verified)",
    "read": "2026-12-01 (capplan session, issue 12)",
}
# Columns of the source table: H200 141GB HBM3 (FP8) | H100 80GB HBM3 (FP8) | GH200 480GB (FP8) | L40S (FP8) |
# A100-SXM4-80GB (FP16). H100 and A100 are in the calibration set; H200, GH200 and L40S are kept here.
# Mixtral 8x7B TP 2 and Mixtral 8x22B rows are left out (not transcribed / not in the catalog).
V017 = """| LLaMA v3.1 8B               | 1                          | 128, 128                     | 29526.04          | 28836.77         | 29852.96      | 9104.61 | 6627.27          |
|                             |                            | 128, 2048                    | 25398.86          | 21109.38         | 21769.55      | 5365.81 | 5255.99          |
|                             |                            | 128, 4096                    | 17370.8           | 13593.65         | 14189.89      | 3025.92 | 3453.79          |
|                             |                            | 500, 2000                    | 21020.81          | 16500.69         | 17137.29      | 4273.75 | 4276.58          |
|                             |                            | 1000, 1000                   | 17537.96          | 15244.78         | 16482.77      | 4054.71 | 3786.83          |
|                             |                            | 2048, 128                    | 3794.14           | 3556.73          | 3843.95       | 1066.52 | 799.61           |
|                             |                            | 2048, 2048                   | 11968.5           | 9488.42          | 10265.9       | 2225.27 | 2424.16          |
|                             |                            | 5000, 500                    | 3987.79           | 3559.36          | 3932.58       | 981.2   | 825.13           |
|                             |                            | 20000, 2000                  | 1804.1            | 1401.31          | 1560.2        | 327.97  | 330.04           |
| LLaMA v3.1 70B              | 1                          | 128, 128                     | 4020.75           | 3378.03          | 3636.91       |         |                  |
|                             |                            | 128, 2048                    | 4165.68           | 911.62           | 2082.74       |         |                  |
|                             |                            | 128, 4096                    | 2651.75           | 426.32           | 1263.98       |         |                  |
|                             |                            | 500, 2000                    | 3018.39           | 775.57           | 1973.86       |         |                  |
|                             |                            | 1000, 1000                   | 2823.45           | 839.97           | 1746.12       |         |                  |
|                             |                            | 2048, 128                    | 465.99            | 343.29           | 424.96        |         |                  |
|                             |                            | 2048, 2048                   | 1913.8            |                  | 1086.93       |         |                  |
|                             |                            | 5000, 500                    | 560.16            | 245.34           | 422.36        |         |                  |
|                             |                            | 20000, 2000                  | 279.52            |                  |               |         |                  |
|                             | 2                          | 128, 128                     | 6823.01           | 6645.12          |               |         | 1313.96          |
|                             |                            | 128, 2048                    | 8290.35           | 6169.58          |               |         | 531.26           |
|                             |                            | 128, 4096                    | 6526.67           | 3897.06          |               |         |                  |
|                             |                            | 500, 2000                    | 6848.02           | 4972.57          |               |         | 439.41           |
|                             |                            | 1000, 1000                   | 5164.76           | 4390.53          |               |         | 472.94           |
|                             |                            | 2048, 128                    | 809               | 772.66           |               |         | 148.96           |
|                             |                            | 2048, 2048                   | 4183.88           | 2898.16          |               |         | 261.1            |
|                             |                            | 5000, 500                    | 1025.38           | 919.73           |               |         | 121.47           |
|                             |                            | 20000, 2000                  | 640.62            | 443.01           |               |         |                  |
|                             | 4                          | 128, 128                     | 11098.63          | 11127.53         |               | 1523.52 | 2733.48          |
|                             |                            | 128, 2048                    | 14156             | 11511.93         |               | 1942.66 | 2811.27          |
|                             |                            | 128, 4096                    | 10574.06          | 7439.41          |               | 1440.23 | 1976.49          |
|                             |                            | 500, 2000                    | 12452.79          | 9836.7           |               | 1634.72 | 2275.79          |
|                             |                            | 1000, 1000                   | 8911.29           | 7430.99          |               | 1209.25 | 1921.77          |
|                             |                            | 2048, 128                    | 1358.06           | 1302.6           |               | 177.72  | 325.15           |
|                             |                            | 2048, 2048                   | 7130.44           | 5480.03          |               | 969.68  | 1393.64          |
|                             |                            | 5000, 500                    | 1811.55           | 1602.78          |               | 249.52  | 392.62           |
|                             |                            | 20000, 2000                  | 1199.68           | 920.19           |               | 162.25  | 212.08           |
|                             | 8                          | 128, 128                     | 15355.84          | 14730.69         |               | 1464.03 | 4717.62          |
|                             |                            | 128, 2048                    | 21195.88          | 17061.82         |               | 2303.31 | 5241.5           |
|                             |                            | 128, 4096                    | 16941.52          | 14171.43         |               | 2018.22 | 3724.67          |
|                             |                            | 500, 2000                    | 17278.4           | 14679.33         |               | 1971.96 | 4445.37          |
|                             |                            | 1000, 1000                   | 13181.24          | 11451.16         |               | 1333.62 | 3320.41          |
|                             |                            | 2048, 128                    | 1983.03           | 1923.41          |               | 176.16  | 542.38           |
|                             |                            | 2048, 2048                   | 11142.47          | 8801.95          |               | 1200.16 | 2553.71          |
|                             |                            | 5000, 500                    | 2717.83           | 2457.42          |               | 259.71  | 696.34           |
|                             |                            | 20000, 2000                  | 1920.45           | 1512.6           |               | 209.87  | 413.38           |
| LLaMA v3.1 405B             | 8                          | 128, 128                     | 3874.19           |                  |               |         |                  |
|                             |                            | 128, 2048                    | 5938.09           |                  |               |         |                  |
|                             |                            | 128, 4096                    | 5168.37           |                  |               |         |                  |
|                             |                            | 500, 2000                    | 5084.29           |                  |               |         |                  |
|                             |                            | 1000, 1000                   | 3399.69           |                  |               |         |                  |
|                             |                            | 2048, 128                    | 463.42            |                  |               |         |                  |
|                             |                            | 2048, 2048                   | 2940.62           |                  |               |         |                  |
|                             |                            | 5000, 500                    | 669.13            |                  |               |         |                  |
|                             |                            | 20000, 2000                  | 535.31            |                  |               |         |                  |
| Mistral 7B                  | 1                          | 128, 128                     | 31938.12          | 31674.49         | 32498.47      | 9664.13 | 6982.53          |
|                             |                            | 128, 2048                    | 27409.3           | 23496.42         | 23337.29      | 5720.65 | 5630.62          |
|                             |                            | 128, 4096                    | 18505.03          | 14350.99         | 15017.88      | 3136.33 | 3591.22          |
|                             |                            | 500, 2000                    | 22354.67          | 18026.27         | 18556         | 4521.77 | 4400.48          |
|                             |                            | 1000, 1000                   | 18426.16          | 16035.66         | 17252.11      | 4177.76 | 3896.58          |
|                             |                            | 2048, 128                    | 3834.43           | 3642.48          | 3813.13       | 1076.74 | 808.58           |
|                             |                            | 2048, 2048                   | 12347.37          | 9958.17          | 10755.94      | 2286.71 | 2489.77          |
|                             |                            | 5000, 500                    | 4041.59           | 3591.33          | 3949.66       | 1001.02 | 844.64           |
|                             |                            | 20000, 2000                  | 1822.69           | 1373.24          | 1601.28       | 337.83  | 332.3            |
| Mixtral 8x7B                | 1                          | 128, 128                     | 17157.72          | 15962.49         | 16859.18      |         |                  |
|                             |                            | 128, 2048                    | 15095.21          | 8290.13          | 11120.16      |         |                  |
|                             |                            | 128, 4096                    | 9534.62           | 4784.86          | 6610.47       |         |                  |
|                             |                            | 500, 2000                    | 12105.27          | 6800.6           | 9192.86       |         |                  |
|                             |                            | 1000, 1000                   | 10371.36          | 6868.52          | 8849.18       |         |                  |
|                             |                            | 2048, 128                    | 2009.67           | 1892.81          | 1994.31       |         |                  |
|                             |                            | 2048, 2048                   | 6940.32           | 3983.1           | 5545.46       |         |                  |
|                             |                            | 5000, 500                    | 2309.1            | 1764.7           | 2078.27       |         |                  |
|                             |                            | 20000, 2000                  | 1151.78           | 673.7            | 860.68        |         |                  |
|                             | 4                          | 128, 128                     | 42551.59          | 41068.23         |               | 6921.87 | 10324.28         |
|                             |                            | 128, 2048                    | 52291.78          | 41164.73         |               | 7996.93 | 10911.86         |
|                             |                            | 128, 4096                    | 39513.73          | 27912.48         |               | 5736.09 | 7666.51          |
|                             |                            | 500, 2000                    | 43818.99          | 34489.34         |               | 6914.68 | 8456.21          |
|                             |                            | 1000, 1000                   | 33580.9           | 27784.74         |               | 5251.49 | 7122.84          |
|                             |                            | 2048, 128                    | 5467.62           | 5234.98          |               | 827.62  | 1237.62          |
|                             |                            | 2048, 2048                   | 24980.93          | 19432.08         |               | 3935.32 | 5222.98          |
|                             |                            | 5000, 500                    | 7084.94           | 6401.56          |               | 1092.88 | 1500.55          |
|                             |                            | 20000, 2000                  | 4236.84           | 3303.83          |               | 682.48  | 829.59           |
|                             | 8                          | 128, 128                     | 53212.55          | 50849.55         |               | 6740.84 | 17043.54         |
|                             |                            | 128, 2048                    | 68608.45          | 61607.7          |               | 10393.3 | 20277.88         |
|                             |                            | 128, 4096                    | 54827.78          | 48280.37         |               | 8472.35 | 15282.89         |
|                             |                            | 500, 2000                    | 58706.39          | 52583.65         |               | 8660.71 | 17184.24         |
|                             |                            | 1000, 1000                   | 44705.48          | 40631.71         |               | 5947.72 | 12851.44         |
|                             |                            | 2048, 128                    | 7554.38           | 6988.18          |               | 811.96  | 2165.52          |
|                             |                            | 2048, 2048                   | 36193.64          | 30983.35         |               | 5136.98 | 9809.76          |
|                             |                            | 5000, 500                    | 10271.8           | 9210.11          |               | 1153.76 | 2761.28          |
|                             |                            | 20000, 2000                  | 6835.53           | 5602.43          |               | 918.95  | 1592.53          |
"""
NUM_REQUESTS = {(128, 128): 30000, (128, 2048): 3000, (128, 4096): 1500, (1000, 2000): 1500, (2048, 128): 3000,
                (2048, 2048): 1500, (5000, 500): 1500, (1000, 1000): 3000, (500, 2000): 3000, (20000, 2000): 1000}
COLUMNS = {3: ("H200-SXM-141GB", "H200 141GB HBM3"), 5: ("GH200", "GH200 480GB"), 6: ("L40S", "L40S")}
MODEL_IDS = {"LLaMA v3.1 8B": "Llama-3.1-8B", "LLaMA v3.1 70B": "Llama-3.1-70B", "LLaMA v3.1 405B": "Llama-3.1-405B",
             "Mistral 7B": "Mistral-7B", "Mixtral 8x7B": "Mixtral-8x7B"}


def offline() -> list[dict]:
    out = []
    model, tp = "", 0
    for line in V017.strip().splitlines():
        cells = [c.strip() for c in line.strip()[1:].split("|")]
        if cells[0]:
            model = cells[0]
        if cells[1]:
            tp = int(cells[1])
        isl, osl = (int(x) for x in cells[2].split(","))
        for col, (gpu, label) in COLUMNS.items():
            val = cells[col]
            if not val:
                continue
            mid = MODEL_IDS[model].lower()
            out.append({
                "id": f"trtllm017-{mid}-{gpu.split('-')[0].lower()}-tp{tp}-{isl}x{osl}",
                "category": "self_hosted", "model": MODEL_IDS[model], "gpu": gpu, "gpu_count": tp,
                "tensor_parallel": tp, "pipeline_parallel": 1, "precision": "fp8", "kv_cache_precision": "fp8",
                "engine": "TensorRT-LLM", "engine_version": "0.17", "input_tokens": isl, "output_tokens": osl,
                "load": {"type": "offline_max_throughput", "request_rate": "inf", "concurrency": None,
                         "num_requests": NUM_REQUESTS[(isl, osl)]},
                "metrics": [{"name": "output_tokens_per_s_total", "value": float(val), "unit": "tokens/s"}],
                "source": SRC_017,
                "quote": f"Table 'Throughput (tokens / sec)', {model} row TP={tp}, '{isl}, {osl}', column {label}: {val}",
                "confidence": "high",
                "notes": "Same table and settings as the H100/A100 calibration rows (FP8, KV cache FP8 with FP8 "
                         "quantization); a GPU the profile was not fitted on. Not used for fitting.",
                "check_set": "trtllm017-offline-h200-gh200-l40s",
            })
    return out


if __name__ == "__main__":
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "serving_independent_check.json"
    pts = online() + offline()
    path.write_text(json.dumps(pts, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(pts)} points to {path}")
