"""Per-model rate-limit tables (issue 8, part 4) and the default hosted model.

Expected tiers are read off forecasting/data/llm_api.json by hand: OpenAI's provider table
(tier-1..5: 500/5,000/5,000/10,000/10,000 RPM, 0.5M/1M/2M/4M/10M TPM, caps $100/$500/$1,000/$5,000/$200,000),
gpt-5-mini's own TPM (0.5M/2M/4M/10M/180M, RPM from the provider table), Anthropic's Claude 4.x/5 table
(Start/Build/Scale: 1,000/5,000/10,000 RPM, 2M/5M/10M ITPM, 0.4M/1M/2M OTPM, caps $500/$1,000/$200,000)
and Claude Fable 5's (1,000/2,000/4,000 RPM, 0.5M/1.5M/4M ITPM, 0.1M/0.3M/0.8M OTPM).
"""
from __future__ import annotations

from forecasting import plan
from forecasting.catalog import default_catalog
from forecasting.defaults import DEFAULT_API_MODEL
from forecasting.llm_api import choose_tier, deprecation, tier_table

CAT = default_catalog()


def test_a_model_with_its_own_table_picks_its_own_tier():
    # 400 RPM, 1.5M TPM, $50/month: gpt-5-mini's tier-2 has 2M TPM; the provider table needs tier-3 (2M)
    assert choose_tier(CAT, "openai", 400, 1_500_000, 50, model="gpt-5-mini")[0] == "tier-2"
    assert choose_tier(CAT, "openai", 400, 1_500_000, 50, model="gpt-4.1-mini")[0] == "tier-3"
    # 9,000 RPM, 100M TPM: only gpt-5-mini's tier-5 (180M TPM) covers it; no provider tier does (10M)
    assert choose_tier(CAT, "openai", 9_000, 100_000_000, 1_000, model="gpt-5-mini")[0] == "tier-5"
    assert choose_tier(CAT, "openai", 9_000, 100_000_000, 1_000, model="gpt-4.1-mini")[0] is None
    name, note, limits = choose_tier(CAT, "openai", 400, 1_500_000, 50, model="gpt-5-mini")
    assert "gpt-5-mini's own table" in note and "simonwillison.net" in note and limits == (5_000.0, 2_000_000.0)


def test_fields_a_model_table_leaves_out_come_from_the_provider_tier_of_the_same_name():
    # gpt-5-mini's table states TPM only: 6,000 RPM needs tier-4's 10,000 RPM (provider table), though 100k TPM fits tier-1
    assert choose_tier(CAT, "openai", 6_000, 100_000, 10, model="gpt-5-mini")[0] == "tier-4"
    # and the spend cap is the provider's too: $300/month is over tier-1's $100
    assert choose_tier(CAT, "openai", 100, 100_000, 300, model="gpt-5-mini")[0] == "tier-2"
    tiers, own = tier_table(CAT, "openai", "gpt-5-mini")
    assert own is not None and [(t.name, t.rpm, t.tpm) for t in tiers][:2] == [("tier-1", 500, 500_000), ("tier-2", 5_000, 2_000_000)]


def test_a_model_without_a_table_falls_back_to_the_provider_table():
    tiers, own = tier_table(CAT, "openai", "gpt-6-luna")
    assert own is None and tiers == list(CAT.api_tiers["openai"].tiers)
    name, note, _ = choose_tier(CAT, "openai", 400, 400_000, 50, model="gpt-6-luna")
    assert name == "tier-1" and "own table" not in note and "hivebook.wiki" in note
    # Anthropic has no provider-wide table: a Claude model without its own table is not checked
    assert tier_table(CAT, "anthropic", "claude-haiku-5-5") == ([], None)
    name, note, _ = choose_tier(CAT, "anthropic", 1, 1, 1, model="claude-haiku-5-5")
    assert name is None and note.startswith("no published tier limits to check against")


def test_anthropic_input_and_output_tokens_are_checked_separately():
    # 1.9M in + 0.45M out = 2.35M fits Start's 2.4M combined, but 0.45M output exceeds Start's 0.4M OTPM
    assert choose_tier(CAT, "anthropic", 500, 2_350_000, 100, model="claude-sonnet-4-6",
                       input_tpm=1_900_000, output_tpm=450_000)[0] == "build"
    # 2.1M in + 0.1M out = 2.2M combined, but 2.1M input exceeds Start's 2M ITPM
    assert choose_tier(CAT, "anthropic", 500, 2_200_000, 100, model="claude-sonnet-4-6",
                       input_tpm=2_100_000, output_tpm=100_000)[0] == "build"
    # half of that input read from the cache: 1.05M counted (cache reads do not count toward ITPM) -> Start
    name, note, limits = choose_tier(CAT, "anthropic", 500, 2_200_000, 100, model="claude-sonnet-4-6",
                                     input_tpm=2_100_000, output_tpm=100_000, cached_input_share=0.5)
    assert name == "start" and "1,050,000 input TPM (50% cache reads not counted)" in note
    assert limits == (1_000.0, 2_400_000.0)
    # the spend cap still applies: $600/month is over Start's $500
    assert choose_tier(CAT, "anthropic", 10, 1_000, 600, model="claude-haiku-4-5", input_tpm=900, output_tpm=100)[0] == "build"


def test_claude_fable_5_has_its_own_lower_table():
    # 600k input TPM: over Fable's Start ITPM (500k), within the Claude 4.x/5 Start ITPM (2M)
    kw = {"input_tpm": 600_000, "output_tpm": 50_000}
    assert choose_tier(CAT, "anthropic", 100, 650_000, 100, model="claude-fable-5", **kw)[0] == "build"
    assert choose_tier(CAT, "anthropic", 100, 650_000, 100, model="claude-opus-4-7", **kw)[0] == "start"
    name, note, _ = choose_tier(CAT, "anthropic", 100, 5_000_000, 100, model="claude-fable-5", input_tpm=4_500_000, output_tpm=10)
    assert name is None and "highest: scale, 4,000 RPM, 4,000,000 input TPM, 800,000 output TPM" in note


def test_a_bill_over_every_cap_says_the_cap_binds_not_the_limits():
    name, note, _ = choose_tier(CAT, "anthropic", 100, 1_000, 300_000, model="claude-sonnet-4-6", input_tpm=900, output_tpm=100)
    assert name is None and "start's limits and up cover the peak, but even the highest spend cap ($200,000/month) is below the bill" in note


def test_plans_use_the_model_table_and_say_so():
    s = {"app_type": "chatbot", "registered_users": 10_000, "concurrent_users": 100, "horizon_months": 3,
         "llm": {"model": "claude-sonnet-4-6"}}
    p = plan(s)
    a = p.llm.api
    assert a is not None and a.tier_checked
    # ~66 RPM, ~78k input / ~14k output TPM fit Start's limits; the bill is over Build's $1,000 cap -> Scale
    assert a.required_input_tpm < 2_000_000 and a.required_output_tpm < 400_000
    bill = a.monthly_uncached_input_usd + a.monthly_cached_input_usd + a.monthly_cache_write_usd + a.monthly_output_usd
    assert 1_000 < bill <= 200_000 and a.tier == "scale"
    assert "claude-sonnet-4-6's own table" in p.llm.api.tier_note and "output TPM" in p.llm.api.tier_note
    unchecked = plan({**s, "llm": {"model": "claude-haiku-5-5"}})
    assert unchecked.llm.api is not None and not unchecked.llm.api.tier_checked and unchecked.llm.api.tier is None


def test_every_model_table_names_models_in_the_price_data_once():
    seen: list[str] = []
    for provider, info in CAT.api_tiers.items():
        for table in info.model_tables:
            assert table.source and table.as_of, provider
            for m in table.models:
                assert CAT.api_models[m].provider == provider, m
                seen.append(m)
            for t in table.tiers:
                assert (t.itpm is None) == (t.otpm is None) and ((t.tpm is None) != (t.itpm is None)), t
    assert len(seen) == len(set(seen))


def test_the_default_hosted_model_calls_tools_and_outlives_a_36_month_horizon():
    model = str(DEFAULT_API_MODEL.value)
    assert CAT.api_models[model].provider == "openai"
    assert deprecation(CAT, model, 36) is None
    s = {"app_type": "chatbot", "registered_users": 10_000, "concurrent_users": 100, "horizon_months": 36}
    p = plan(s)
    assert p.llm.model == model and not [w for w in p.warnings if w.startswith("llm.model:")]
