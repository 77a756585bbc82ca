"""Derivations built with the numbers: how a sizing computation returns its text beside its value.

Why in the computation, not after it: a derivation written elsewhere from intermediate values is a second
copy of the formula, and the two drift (a factor added to the arithmetic and not to the text, a rule
restated as a literal). So every sizing function (`workload.call_shape`/`compute_load`, `data_tier.size_data`,
`app_tier.size_tier`, `llm_api.size_api`, `serving.replicas.size_self_hosted`, `priced` and `operating_point`,
`database.choose_db`, `autoscale.cpu_scaling`, `cost.unit_costs`, `load_sources.derive`) takes `explain: bool = False`
and, when it is on, writes `derivations: {explanation key: text}` in the same function, from the same local
variables as the arithmetic: the number after "=" is the variable the result holds. The timeline months,
the Monte-Carlo draws and the options sweep call them with `explain` off and pay nothing: no text is
formatted and the result holds `NO_DERIVATIONS`, a shared empty mapping. The planner turns it on for
month 0 only; `forecasting/explain.py` assembles what the computations returned, in the order a reader
meets them, plus the plan-level lines no single computation owns (given inputs and whether they are
defaults, catalog facts, the horizon). `tests/test_explanations_agree.py` checks over varied scenarios that each text shows the
figure it explains.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping

from forecasting.vocabulary import number_text


class _NoDerivations(Mapping[str, str]):
    """The empty, immutable, hashable mapping a result carries when `explain` is off (usable as a
    frozen dataclass default, which a dict or mappingproxy is not)."""

    def __getitem__(self, key: str) -> str:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "NO_DERIVATIONS"


NO_DERIVATIONS: Mapping[str, str] = _NoDerivations()

n = number_text  # short: a derivation uses it on every factor


def margin_factor(margin: float) -> str:
    """The safety margin as the factor it is, "(1 + 25% margin)", its percentage written to the digits it
    has: `n(1.0006)` reads "1", and the factors shown would no longer give the result shown
    (tests/test_explanation_arithmetic.py)."""
    return f"(1 + {number_text(margin * 100)}% margin)"
