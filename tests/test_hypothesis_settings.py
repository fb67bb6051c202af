"""Property tests never time out: Hypothesis runs with ``deadline=None`` everywhere."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import pytest
from hypothesis import settings

TESTS = Path(__file__).resolve().parent


def test_the_default_profile_has_no_deadline() -> None:
    assert settings.default.deadline is None


@pytest.mark.parametrize(
    "module_path",
    sorted(p for p in TESTS.rglob("test_*.py") if "\n@given(" in p.read_text(encoding="utf-8")),
)
def test_no_property_test_sets_a_deadline(
    module_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A probe package over the module's folder, so its relative imports (``from .conftest
    # import ...``) resolve as they do under pytest's importlib mode.
    package = types.ModuleType(f"_probe_{module_path.parent.name}")
    package.__path__ = [str(module_path.parent)]
    monkeypatch.setitem(sys.modules, package.__name__, package)
    name = f"{package.__name__}.{module_path.stem}"
    spec = importlib.util.spec_from_file_location(name, module_path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)
    tests = [f for f in vars(module).values() if hasattr(f, "hypothesis")]
    assert tests, module_path
    for test in tests:
        explicit = getattr(test, "_hypothesis_internal_use_settings", settings.default)
        assert explicit.deadline is None, f"{module_path.name}::{test.__name__}"
