"""``.ci/run`` runs the README's test command in a virtual environment of its own."""

from __future__ import annotations

import re
from pathlib import Path


def _readme_test_command(repo_dir: Path) -> str:
    block = (repo_dir / "README.md").read_text(encoding="utf-8").split("```bash\n", 1)[1]
    return block.split("```", 1)[0].strip().splitlines()[1]


def test_ci_never_deletes_or_reuses_the_checkouts_own_venv(repo_dir: Path) -> None:
    script = (repo_dir / ".ci" / "run").read_text(encoding="utf-8")
    assert not re.search(r"rm\s+-rf?\s+\.venv", script)
    assert not re.search(r"(^|\s)\.venv/bin/", script)
    assert "venv_dir=$(mktemp -d /tmp/" in script and 'rm -rf "$pg_dir" "$venv_dir"' in script


def test_ci_runs_exactly_the_readme_test_command_with_only_the_venv_moved(repo_dir: Path) -> None:
    command = _readme_test_command(repo_dir)
    assert command.startswith("python3.11 -m venv .venv && ")
    moved = command.replace("venv .venv", 'venv "$venv"').replace(".venv/bin/", '"$venv"/bin/')
    script = (repo_dir / ".ci" / "run").read_text(encoding="utf-8")
    assert moved in script.splitlines()
    assert 'venv="$venv_dir/.venv"' in script
