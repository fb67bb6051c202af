"""``lifeweb-match evaluate`` on small literal files: output formats and error handling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.cli import main

TINY_PROPOSALS = """proposal_id,title,countries,description,requested_amount,currency
E1,Coral reef marine protected areas,FJI,marine protected area coral reef fisheries management,500000,USD
E2,Mangrove and coral reef restoration,WSM,coral reef mangrove restoration marine protected areas,400000,USD
E3,Andean cloud forest corridor,PER,forest corridor cloud forest protected areas andes,900000,USD
E4,Montane forest protected areas,BOL,forest protected areas andes montane corridor,800000,USD
"""
TINY_DONORS = """donor_id,name,aliases,priorities,min_grant,max_grant,currency
OCEAN,Ocean Fund,,marine coral reef fisheries and mangroves in small island states,100000,2000000,USD
FOREST,Forest Trust,Forest Foundation,tropical forest corridors and protected areas in the Andes,100000,2000000,USD
"""
TINY_HISTORY = """proposal_id,donor,amount,currency,year,is_external_named_donor
E1,Ocean Fund,500000,USD,2012,True
E2,Ocean Fund,400000,USD,2013,True
E3,Forest Foundation,900000,USD,2012,True
E4,Forest Trust,800000,USD,2013,True
E4,Domestic sources,100000,USD,2013,False
"""


def test_cli_prints_json_and_writes_one_row_per_eoi_and_method(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {}
    for name, text in (
        ("proposals", TINY_PROPOSALS),
        ("donors", TINY_DONORS),
        ("history", TINY_HISTORY),
    ):
        files[name] = tmp_path / f"{name}.csv"
        files[name].write_text(text, encoding="utf-8")
    out = tmp_path / "replay.csv"
    argv = ["evaluate", "--json", "--out", str(out), "--weights", "thematic_only"]
    for name, path in files.items():
        argv += [f"--{name}", str(path)]
    assert main(argv) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["n_cases"] == 4
    assert printed["weights"]["thematic"] == 1.0
    engine_all = next(
        row for row in printed["table"] if row["method"] == "engine" and row["group"] == "all"
    )
    # each EOI reads like the other EOI its donor funded: the true donor comes first
    assert engine_all["hit@1"] == 1.0
    written = out.read_text(encoding="utf-8").splitlines()
    assert written[0].startswith("proposal_id,method,germany_alone,true_donors,best_true_rank")
    assert len(written) == 1 + 4 * 2


def test_cli_reports_an_unreadable_file_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.csv"
    assert main(["evaluate", "--proposals", str(missing)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("lifeweb-match evaluate:")
    assert "Traceback" not in error
