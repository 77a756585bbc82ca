"""The type check that .ci/run does, inside the test suite too.

Why here as well: every helper lands with `pytest` alone; without this, code that passes the tests but
not `mypy` would land on main and only fail later in CI. Strict for the deterministic core, mypy's
default for the rest (DESIGN.md).
"""
from __future__ import annotations

import pytest

api = pytest.importorskip("mypy.api")


@pytest.mark.parametrize("args", [["--strict", "--cache-dir", ".mypy_cache/strict", "forecasting"], ["--cache-dir", ".mypy_cache/default", "agent", "benchmarks"]], ids=["forecasting-strict", "agent"])
def test_mypy_passes(args: list[str]) -> None:
    out, err, status = api.run(args)
    assert status == 0, out + err
