"""The plan's explanations, assembled, and the warnings a reader must not miss.

Why this module writes almost no derivation: each figure's text is written by the computation that makes
the figure, beside its arithmetic (forecasting/derivation.py: `call_shape`, `compute_load`, `size_data`,
`size_tier`, `size_api`, `size_self_hosted`, `priced`, `choose_db`, `load_sources.derive`; the per-plan
`cpu_scaling`, `operating_point` and `unit_costs` are called here with `explain` on; cost lines, the instance
search, prices and the GPU signal carry theirs as `basis`/`why`). Here they are taken in the order a reader
meets them, and the lines no single computation owns are written: given inputs and whether they are
defaults, catalog facts about the chosen instance and model, the horizon, the total cost and its shares.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from forecasting.autoscale import cpu_scaling, gpu_scaling
from forecasting.cost import unit_costs
from forecasting.serving.replicas import operating_point
from forecasting.vocabulary import number_text
from forecasting.workload import growth_factor

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.sizing_context import MonthSizing as _Month, PlanContext as _Context


_n = number_text  # short, because the derivations below use it on every line


def explain(ctx: "_Context", m: "_Month", last: "_Month", assumed: frozenset[str] = frozenset()) -> dict[str, str]:
    r, s, L, d = ctx.r, ctx.shape, m.load, m.data
    e: dict[str, str] = {}
    if r.peak_concurrent_users and r.concurrent_users and abs(r.peak_concurrent_users - r.concurrent_users * r.peak_multiplier) < 1e-6 * r.peak_concurrent_users:
        e["load.peak_concurrent_users"] = (f"peak concurrent users = {_n(r.concurrent_users)} average x {_n(r.peak_multiplier)} "
                                           f"peak multiplier = {_n(L.peak_concurrent_users)} users")
    else:
        e["load.peak_concurrent_users"] = f"peak concurrent users = {_n(L.peak_concurrent_users)} (given)"
    e["load.average_concurrent_users"] = (f"average concurrent users = {_n(L.average_concurrent_users)}"
                                          + ("" if r.concurrent_users and abs(r.concurrent_users - L.average_concurrent_users) < 1e-9
                                             else f" (peak {_n(L.peak_concurrent_users)} / peak multiplier {_n(r.peak_multiplier)})"))
    _take(e, s.derivations, "load.response_time_s", "load.seconds_between_messages")
    _take(e, L.derivations, "load.messages_per_second")
    e["load.requests_per_second"] = e["load.messages_per_second"]  # the figure's first name (DESIGN.md keeps it)
    _take(e, L.derivations, "load.llm_calls_per_second")
    _take(e, s.derivations, "load.input_tokens_per_call")
    _take(e, L.derivations, "load.input_tokens_per_minute", "load.output_tokens_per_minute", "load.monthly_messages",
          "load.monthly_conversations", "load.concurrent_llm_requests")
    if r.app_type == "agent":
        _take(e, L.derivations, "load.concurrent_agent_tasks", "load.external_calls_per_second")
    _explain_llm(ctx, m, e, assumed)
    a, i = m.app, ctx.app_inst
    _take(e, a.derivations, "compute.app.instances")
    e["compute.app.instance_type"] = f"cheapest fit in {ctx.cat.region}: {ctx.app_choice.why}"
    e["compute.app.runner_up"] = (ctx.app_choice.runner_up.basis if ctx.app_choice.runner_up else "no other candidate")
    e["compute.app.runner_up_usd_per_hour"] = e["compute.app.runner_up"]
    e["compute.app.candidates_tried"] = (f"{ctx.app_choice.candidates} instance types in {ctx.cat.region} (burstable and GPU types excluded"
                                         + (f"; families {r.app.instance_families}" if r.app.instance_families else "")
                                         + (f"; pinned to {r.app.instance_type}" if r.app.instance_type else "") + ")")
    e["compute.app.instance_usd_per_hour"] = f"{i.name}: {ctx.app_rate.basis}"
    scaling = cpu_scaling(ctx, m, explain=True).derivations
    _take(e, scaling, "compute.autoscaling")
    _take(e, a.derivations, "compute.autoscaling.hourly_replicas")
    _take(e, scaling, "compute.autoscaling.load_curve", "compute.autoscaling.autoscaled_monthly_usd",
          "compute.autoscaling.always_on_monthly_usd", "compute.autoscaling.pricing")
    if m.workers is not None and ctx.worker_inst is not None and ctx.worker_choice is not None:
        wk = m.workers
        _take(e, wk.derivations, "compute.workers.instances")
        e["compute.workers.instance_type"] = f"cheapest fit in {ctx.cat.region}: {ctx.worker_choice.why}"
        e["compute.workers.runner_up"] = ctx.worker_choice.runner_up.basis if ctx.worker_choice.runner_up else "no other candidate"
        _take(e, wk.derivations, "compute.workers.connections_required", "compute.workers.limiting_factor")
        e["compute.workers.choice"] = ctx.worker_choice.why
        _take(e, wk.derivations, "compute.autoscaling.workers_hourly_replicas")
    e["storage.database.history_days"] = d.derivations["storage.database.history_days"] + f"; at month {r.horizon_months}: {_n(last.data.history_days)}"
    _take(e, m.db.derivations, "storage.database.read_replicas", "storage.database.choice", "storage.database.burstable")
    _take(e, d.derivations, "storage.database.reads_per_second_peak")
    e["storage.cache.service"] = next((x.basis for x in m.lines if x.component == "session cache"), "")
    e["storage.database.storage_gb"] = (d.derivations["storage.database.storage_gb"]
                                        + f" (provision {_n(d.db_storage_step_gb)} GB; {_n(last.data.db_storage_gb, 1)} GB at month {r.horizon_months})")
    _take(e, d.derivations, "storage.database.write_iops_peak")
    _take(e, m.db.derivations, "storage.database.instance_class")
    _take(e, d.derivations, "storage.cache.memory_gb", "storage.vector.storage_gb", "storage.object.storage_gb", "network.egress_gb_per_month")
    e["cost.monthly_usd"] = "monthly cost = " + " + ".join(f"{x.component} ${x.monthly_usd:,.0f}" for x in m.lines) + f" = ${m.total:,.0f}"
    for x in m.lines:
        e[f"cost.breakdown.{x.component}"] = f"{x.component}: {x.basis} = ${x.monthly_usd:,.2f}/month"
    e.update(unit_costs(m.total, r.registered_users, L.monthly_conversations, explain=True).derivations)
    e["timeline"] = (f"month m scales users and load by (1 + {r.monthly_growth_rate:.1%})^m; at month {r.horizon_months}:"
                     f" {growth_factor(r.monthly_growth_rate, r.horizon_months):.2f}x, ${last.total:,.0f}/month")
    _explain_details(ctx, m, last, e, assumed, scaling)
    return e


def _take(e: dict[str, str], derivations: Mapping[str, str], *keys: str) -> None:
    """Copy the derivations a computation returned, in the order the plan lists them."""
    for key in keys:
        e[key] = derivations[key]


def _given(path: str, value: object, unit: str, assumed: frozenset[str]) -> str:
    origin = "default, see assumptions for its source" if path in assumed else "given in the scenario"
    shown = _n(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
    return f"{path} = {shown} {unit} ({origin})".replace("  ", " ")


def _explain_details(ctx: "_Context", m: "_Month", last: "_Month", e: dict[str, str], assumed: frozenset[str],
                     scaling: Mapping[str, str]) -> None:
    """One line for every remaining number of the plan, so none is left without its origin."""
    r, L, d, a, i = ctx.r, m.load, m.data, m.app, ctx.app_inst
    w, app = r.workload, r.app
    _take(e, L.derivations, "load.average_messages_per_second")
    e["load.average_requests_per_second"] = e["load.average_messages_per_second"]
    e["load.output_tokens_per_call"] = _given("workload.output_tokens", w.output_tokens, "tokens per LLM call", assumed)
    # a chatbot's plan shows 0 agent tasks (planner._load_out), whatever the formula gives
    e.setdefault("load.concurrent_agent_tasks", "0: chatbots answer each message with one call and run no agent tasks")
    e.setdefault("load.external_calls_per_second", f"{_n(L.peak_external_calls_per_s)}: {_given('workload.tool_calls_per_llm_call', w.tool_calls_per_llm_call, 'tool calls per LLM call', assumed)}")
    _take(e, L.derivations, "load.monthly_llm_calls", "load.monthly_input_tokens", "load.monthly_cached_input_tokens",
          "load.monthly_output_tokens")
    if m.api is not None and ctx.api_prices is not None:
        _take(e, m.api.derivations, "llm.api.required_input_tpm", "llm.api.required_output_tpm", "llm.api.price_input_usd_per_mtok",
              "llm.api.price_cached_input_usd_per_mtok", "llm.api.price_cache_write_usd_per_mtok", "llm.api.price_output_usd_per_mtok",
              "llm.api.monthly_uncached_input_usd", "llm.api.monthly_cached_input_usd", "llm.api.monthly_cache_write_usd",
              "llm.api.monthly_output_usd")
    if m.hosted is not None:
        h, slo, llm = m.hosted, ctx.slo, r.llm
        _take(e, h.derivations, "llm.self_hosted.tensor_parallel", "llm.self_hosted.gpus_per_replica", "llm.self_hosted.gpus",
              "llm.self_hosted.itl_ms", "llm.self_hosted.ttft_ms")
        e.update(operating_point(slo, explain=True).derivations)
        e["llm.self_hosted.itl_target_ms"] = _given("llm.itl_target_ms", llm.itl_target_ms, "ms", assumed)
        e["llm.self_hosted.ttft_target_ms"] = _given("llm.ttft_target_ms", llm.ttft_target_ms, "ms", assumed)
        if h.offer.instance is not None:
            _take(e, h.derivations, "llm.self_hosted.gpu_instances", "llm.self_hosted.usd_per_gpu_hour")
    inst = ctx.cat.cpu_instances[i.name]
    e["compute.app.instance_vcpu"] = f"{i.name}: {_n(i.vcpu)} vCPU, {_n(i.memory_gib)} GiB, ${i.usd_per_hour}/h on-demand ({inst.source}, {inst.as_of})"
    e["compute.app.instance_memory_gib"] = e["compute.app.instance_vcpu"]
    e["compute.app.instance_family"] = e["compute.app.instance_vcpu"]
    e["compute.app.choice"] = ctx.app_choice.why
    _take(e, a.derivations, "compute.app.vcpu_required", "compute.app.memory_gib_required", "compute.app.connections_required",
          "compute.app.instances_by_cpu", "compute.app.instances_by_memory", "compute.app.instances_by_connections",
          "compute.app.limiting_factor")
    e["compute.app.max_connections_per_instance"] = _given("app.max_connections_per_instance", app.max_connections_per_instance, "connections", assumed)
    _take(e, a.derivations, "compute.autoscaling.min_replicas", "compute.autoscaling.max_replicas")
    e["compute.autoscaling.target_cpu_utilization"] = _given("app.target_cpu_utilization", app.target_cpu_utilization, "", assumed)
    _take(e, scaling, "compute.autoscaling.scale_out_cpu_utilization")
    e["compute.autoscaling.scale_in_cpu_utilization"] = _given("app.scale_in_utilization", app.scale_in_utilization, "", assumed)
    if m.workers is not None and ctx.worker_inst is not None:
        _take(e, m.workers.derivations, "compute.workers.concurrent_tasks", "compute.workers.vcpu_required",
              "compute.workers.memory_gib_required", "compute.autoscaling.workers_min_replicas", "compute.autoscaling.workers_max_replicas")
    _take(e, d.derivations, "storage.database.provisioned_storage_gb")
    e["storage.database.storage_gb_at_horizon"] = (f"the same formula at month {r.horizon_months}'s load ({growth_factor(r.monthly_growth_rate, r.horizon_months):.2f}x)"
                                                   f" = {_n(last.data.db_storage_gb, 1)} GB")
    _take(e, d.derivations, "storage.database.vcpu_required", "storage.database.bytes_per_message", "storage.database.messages_per_day")
    e["storage.database.retention_days"] = _given("data.retention_days", r.data.retention_days, "days", assumed)
    _take(e, d.derivations, "storage.cache.provisioned_gb", "storage.cache.bytes_per_session")
    e["storage.vector.chunks"] = _given("data.vector_chunks", r.data.vector_chunks, "chunks", assumed)
    e["storage.vector.dimensions"] = _given("data.vector_dimensions", r.data.vector_dimensions, "dimensions", assumed)
    _take(e, d.derivations, "storage.object.log_storage_gb", "storage.object.attachment_storage_gb", "network.peak_egress_mbps",
          "network.egress_bytes_per_message")


def _explain_llm(ctx: "_Context", m: "_Month", e: dict[str, str], assumed: frozenset[str]) -> None:
    r = ctx.r
    if m.api is not None and ctx.api_prices is not None:
        _take(e, m.api.derivations, "llm.api.required_rpm", "llm.api.required_tpm", "llm.api.tier", "llm.monthly_usd")
    elif m.hosted is not None:
        h = m.hosted
        _take(e, h.derivations, "llm.self_hosted.concurrent_sequences_at_peak", "llm.self_hosted.sequences_per_replica_at_slo",
              "llm.self_hosted.replicas")
        if h.monthly_usd is not None and m.gpu_cost is not None:
            _take(e, h.derivations, "llm.monthly_usd")
        sig = gpu_scaling(ctx)
        for key in ("signal", "scale_out_sequences_per_replica", "scale_out_kv_cache_usage_perc", "scale_out_num_requests_waiting"):
            e[f"llm.self_hosted.autoscaling.{key}"] = sig.basis
        _take(e, h.derivations, "llm.self_hosted.autoscaling.hourly_replicas", "llm.self_hosted.autoscaling.min_replicas",
              "llm.self_hosted.autoscaling.max_replicas")
        e["llm.self_hosted.autoscaling.model_load_s"] = _given("llm.model_load_s", r.llm.model_load_s, "s", assumed)
        if m.gpu_cost is not None:
            _take(e, h.derivations, "llm.self_hosted.autoscaling.autoscaled_monthly_usd", "llm.self_hosted.autoscaling.always_on_monthly_usd")


def warnings_for(ctx: "_Context", m: "_Month", last: "_Month") -> list[str]:
    r, out = ctx.r, list(ctx.notes)
    if ctx.api_prices is not None:
        from forecasting.llm_api import deprecation

        dep = deprecation(ctx.cat, ctx.api_prices.model, r.horizon_months)
        if dep:
            out.append(dep)
        if ctx.api_prices.long_context_note:
            out.append("API price: " + ctx.api_prices.long_context_note)
    if m.api is not None and m.api.tier is None:
        out.append(f"API limits: {m.api.tier_note}" if m.api.tier_checked else
                   f"API limits: the plan needs {m.api.required_rpm:,.0f} RPM and {m.api.required_tpm:,.0f} TPM at peak;"
                   f" {m.api.tier_note}")
    if last.api is not None and last.api.tier_checked and last.api.tier is None and (m.api is None or m.api.tier is not None):
        out.append(f"API limits: by month {r.horizon_months} {last.api.tier_note}")
    if m.hosted is not None:
        if not getattr(ctx.slo, "meets_slo", True):
            out.append(f"self-hosted: even one sequence per replica misses the latency targets (ITL {ctx.slo.itl_ms:.0f} ms vs"
                       f" {r.llm.itl_target_ms:.0f} ms target); choose a faster GPU, more tensor parallelism, or a smaller model")
        if m.hosted.monthly_usd is None:
            out.append(f"self-hosted: no price for {r.llm.gpu} in the catalog; GPU cost is not in the total (add it with --prices)")
        if m.hosted.replicas == 1:
            out.append("self-hosted: a single model replica has no redundancy; a second replica keeps the service up during failures and deploys")
    if not m.db_fits:
        out.append(f"database: {m.data.write_iops_peak:,.0f} writes/s and {m.data.db_memory_gib_required:,.1f} GiB of hot data exceed"
                   f" the largest priced host ({m.db_class}); shard the conversation store or add larger classes with --prices")
    elif not m.db_managed:
        largest = max(ctx.cat.rds_instances, key=lambda n: ctx.cat.rds_instances[n].memory_gib, default=None)
        out.append(f"database: needs ~{m.data.db_vcpu_required:.1f} vCPU and {m.data.db_memory_gib_required:,.1f} GiB RAM; "
                   + (f"more than the largest managed PostgreSQL class priced for {ctx.cat.region} ({largest})" if largest
                      else f"no managed PostgreSQL is priced for {ctx.cat.region} in the catalog")
                   + f", so it is planned as self-managed PostgreSQL on {m.db_class}, primary + standby: you run backups, failover and upgrades"
                   f" (add managed classes with --prices, rds_instances)")
    elif not last.db_managed:
        out.append(f"database: by month {r.horizon_months} it outgrows the largest managed PostgreSQL class priced for {ctx.cat.region}; from then on"
                   f" it is planned as self-managed PostgreSQL on {last.db_class} (add managed classes with --prices, rds_instances)")
    if r.data.retention_days and m.data.db_storage_gb > 64_000:
        out.append(f"database: {m.data.db_storage_gb:,.0f} GB exceeds a single RDS volume (64 TB); shard or archive old conversations")
    if r.app_type == "agent" and r.workload.llm_calls_per_message <= 1:
        out.append("workload: an agent with one LLM call per task behaves like a chatbot; check llm_calls_per_message")
    if r.horizon_months and r.monthly_growth_rate > 0.3:
        out.append(f"growth: {r.monthly_growth_rate:.0%} a month compounds to {growth_factor(r.monthly_growth_rate, r.horizon_months):,.0f}x"
                   f" over {r.horizon_months} months; re-plan often")
    return out
