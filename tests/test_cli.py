"""The ``lifeweb-match`` console script as a terminal sees it (``matcher/cli.py``)."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from matcher.cli import main


def test_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"lifeweb-match {version('lifeweb-match')}"


def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path, repo_dir: Path) -> None:
    source = tmp_path / "many.csv"
    rows = "".join(f"P{i},Wetlands {i},Atlantis\n" for i in range(3000))
    source.write_text("proposal_id,title,countries\n" + rows, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "matcher.cli", "validate", str(source), "--json"],
        cwd=repo_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)  # like `| head -c 10`: read a little, then go away
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141
    assert stderr == ""


def test_escape_sequences_from_a_file_are_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "p.csv"
    source.write_bytes(
        "proposal_id,title,countries,\x1b]0;owned\x07notes\n"
        "P\x1b[2J1,Reefs,Fiji,x\n"
        "P2,,Fiji\u202e,y\n".encode()
    )
    assert main(["validate", str(source)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\u001b]0;owned\\u0007notes" in out  # the header name, visible
    assert "row 3" in out

    assert main(["validate", str(source), "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["header_mapping"][-1]["source_header"] == "\x1b]0;owned\x07notes"


def test_an_8_bit_control_character_stays_valid_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "p.csv"
    source.write_bytes("proposal_id,title,countries\nP1,Reefs,Atlantis \x9b2J\n".encode())
    assert main(["validate", str(source), "--json"]) == 1
    out = capsys.readouterr().out
    assert "\x9b" not in out
    assert json.loads(out)["errors"][0]["row"] == 2


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["schedule", "--slots", "x"], "lifeweb-match schedule: argument --slots: invalid int"),
        (["rank", "--top", "x", "--out", "r.csv"], "lifeweb-match rank: argument --top"),
        (["nosuch"], "lifeweb-match: argument COMMAND: invalid choice: 'nosuch'"),
    ],
)
def test_a_bad_option_is_one_line_and_exit_2_like_a_bad_file(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(says), captured.err
    assert "usage:" not in captured.err and "Traceback" not in captured.err
