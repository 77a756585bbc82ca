"""Names a package loads on first use (forecasting/lazy.py) are never shadowed by a submodule.

Why: `forecasting.serving` exported the function `estimate` while a submodule had the same name;
importing that submodule first (as `serving/sweep.py` does) set the package attribute to the module,
and `from forecasting.serving import estimate` then gave a module: "'module' object is not callable",
depending only on import order.
"""
from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

PACKAGES = ["forecasting", "forecasting.serving"]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_export_is_named_like_a_submodule(package: str) -> None:
    pkg = importlib.import_module(package)
    exports = set(getattr(pkg, "__all__", ()))
    submodules = {m.name for m in pkgutil.iter_modules(pkg.__path__)}
    assert not exports & submodules, f"{package} exports {sorted(exports & submodules)}, which are also its submodules"


@pytest.mark.parametrize("package", PACKAGES)
def test_exports_after_every_submodule_is_imported(package: str) -> None:
    """In a fresh process: import every submodule first, then read each export; none may be a module."""
    code = (f"import importlib, pkgutil, types\n"
            f"pkg = importlib.import_module({package!r})\n"
            f"for m in pkgutil.iter_modules(pkg.__path__):\n"
            f"    importlib.import_module({package!r} + '.' + m.name)\n"
            f"bad = [n for n in pkg.__all__ if isinstance(getattr(pkg, n), types.ModuleType)]\n"
            f"print(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"{package}: exports that resolve to modules after the submodules load: {out}"
