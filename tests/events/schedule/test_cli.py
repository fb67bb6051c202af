"""``lifeweb-match schedule`` end to end on files."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from matcher.cli import main


def write(path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def files(tmp_path) -> dict[str, str]:
    return {
        "pairs": write(
            tmp_path / "pairs.csv",
            "donor,delegation,score\n"
            "Germany,Peru,0.9\nGermany,Chad,0.5\nJapan,Peru,0.4\nJapan,=cmd|' /C calc'!A0,0.3\n"
            "Norway,Fiji,0.2\n",
        ),
        "unavailable": write(tmp_path / "away.csv", "party,slot\nFiji,1\nFiji,2\n"),
        "locked": write(tmp_path / "locked.csv", "donor,delegation,slot,table\nGermany,Chad,1,2\n"),
        "out": str(tmp_path / "schedule.csv"),
    }


def test_schedule_is_written_and_both_objectives_and_the_unmet_are_printed(files, capsys) -> None:
    code = main(
        [
            "schedule", "--pairs", files["pairs"], "--slots", "2", "--tables", "2",
            "--unavailable", files["unavailable"], "--locked", files["locked"],
            "--max-per-donor", "2", "--out", files["out"],
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    schedule = pd.read_csv(files["out"], keep_default_na=False)
    assert list(schedule.columns) == ["donor", "delegation", "slot", "table", "score"]
    rows = {(r.donor, r.delegation): (r.slot, r.table) for r in schedule.itertuples()}
    assert rows[("Germany", "Chad")] == (1, 2)
    assert ("Germany", "Peru") in rows and rows[("Germany", "Peru")][0] == 2
    # the formula-like delegation name is written as text
    assert "'=cmd|' /C calc'!A0" in set(schedule["delegation"])
    assert "Delegations with at least one meeting: 3 of 4" in out
    assert "Total match score of the 4 meetings: 2.100" in out
    assert "Not met: Fiji: it is unavailable in every slot" in out


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (
            "donor,delegation,score\nGermany,Peru,high\n",
            "pairs.csv row 2, column score: 'high' is not a number",
        ),
        ("donor,delegation\nGermany,Peru\n", r"needs the column score"),
        ("donor,delegation,score\nGermany,Peru,0.5,extra\n", "pairs.csv row 2: row has 4 cells"),
        ("", "pairs file .*pairs.csv: The file is empty"),
    ],
)
def test_bad_pairs_file_gives_one_line_and_exit_2(tmp_path, capsys, pairs, message) -> None:
    path = write(tmp_path / "pairs.csv", pairs)
    code = main(
        [
            "schedule",
            "--pairs",
            path,
            "--slots",
            "2",
            "--tables",
            "1",
            "--out",
            str(tmp_path / "s.csv"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("lifeweb-match schedule: ")
    assert re.search(message, err)
    assert not (tmp_path / "s.csv").exists()


def test_lock_in_a_slot_beyond_the_event_is_refused_with_its_row(files, capsys) -> None:
    write(Path(files["locked"]), "donor,delegation,slot\nGermany,Chad,5\n")
    code = main(
        ["schedule", "--pairs", files["pairs"], "--slots", "2", "--tables", "2",
         "--locked", files["locked"], "--out", files["out"]]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "locked.csv row 2, column slot: '5' is not a slot (whole number from 1 to 2)" in err


def test_missing_file_and_zero_slots_are_one_line_errors(files, capsys) -> None:
    assert (
        main(
            [
                "schedule",
                "--pairs",
                "nowhere.csv",
                "--slots",
                "2",
                "--tables",
                "1",
                "--out",
                files["out"],
            ]
        )
        == 2
    )
    assert (
        capsys.readouterr().err == "lifeweb-match schedule: pairs file nowhere.csv does not exist\n"
    )
    assert (
        main(
            [
                "schedule",
                "--pairs",
                files["pairs"],
                "--slots",
                "0",
                "--tables",
                "1",
                "--out",
                files["out"],
            ]
        )
        == 2
    )
    assert "number of slots must be a whole number of at least 1" in capsys.readouterr().err


def test_console_script_runs_the_command_without_a_traceback(files) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "matcher.cli", "schedule", "--pairs", files["pairs"],
         "--slots", "1", "--tables", "1", "--out", files["out"]],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Delegations with at least one meeting: 1 of 4" in done.stdout
    assert "Traceback" not in done.stderr
