"""The README's ``allocate`` example is what ``scripts/readme_allocate_example.py`` prints today."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _readme_example(repo_dir: Path) -> list[str]:
    readme = (repo_dir / "README.md").read_text(encoding="utf-8")
    start = readme.index("scripts/readme_allocate_example.py` on")
    block = readme[start:].split("```\n", 2)[1]
    return block.strip().splitlines()


def _without_timing(lines: list[str]) -> list[str]:
    return [re.sub(r"Solver: (\w+) \([\d.]+ s\)", r"Solver: \1", line) for line in lines]


def test_readme_allocate_example_matches_a_fresh_run(
    repo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo_dir / "scripts" / "readme_allocate_example.py"
    spec = importlib.util.spec_from_file_location("readme_allocate_example", path)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.main() == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed[0].startswith("# ") and "load average" in printed[0]
    assert _without_timing(printed[1:]) == _without_timing(_readme_example(repo_dir))
