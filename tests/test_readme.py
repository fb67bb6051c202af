"""The README documents what the console script accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.cli import build_parser


def _options(command: str) -> list[str]:
    parser = build_parser(command)
    sub = next(a for a in parser._subparsers._group_actions if a.choices).choices[command]  # type: ignore[union-attr]
    return [
        option
        for action in sub._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    ]


@pytest.mark.parametrize("command", ["import", "export"])
def test_the_command_table_lists_every_import_and_export_option(
    repo_dir: Path, command: str
) -> None:
    readme = (repo_dir / "README.md").read_text(encoding="utf-8")
    row = next(
        line for line in readme.splitlines() if line.startswith("| `lifeweb-match import FILE")
    )
    iati_only = {"--format", "--event", "--reporting-org-ref"}  # on the IATI row
    assert [o for o in _options(command) if o not in row and o not in iati_only] == []
    assert "`--by` names who imports" in row and "`--json` prints one JSON object" in row


def test_the_version_option_is_documented(repo_dir: Path) -> None:
    assert "`lifeweb-match --version`" in (repo_dir / "README.md").read_text(encoding="utf-8")
