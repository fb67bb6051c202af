"""``lifeweb-match allocate`` end to end on files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matcher.cli import main
from matcher.commands.allocate import sibling_paths


def write(path, frame: pd.DataFrame):
    frame.to_csv(path, index=False)
    return str(path)


@pytest.fixture
def files(tmp_path, make):
    proposals = make.proposals({"P1": 100, "P2": 60, "P3": 40})
    proposals["title"] = ['=HYPERLINK("http://x","click")', "Wetlands", "Forests"]
    proposals["countries"] = ["BLZ", "PER", "BOL"]
    donors = make.donors({"D1": {"budget": 100}})
    pairs = make.pairs({("P1", "D1"): 0.9, ("P2", "D1"): 0.1, ("P3", "D1"): 0.1})
    return {
        "proposals": write(tmp_path / "proposals.csv", proposals),
        "donors": write(tmp_path / "donors.csv", donors),
        "pairs": write(tmp_path / "pairs.csv", pairs),
        "out": str(tmp_path / "plan.csv"),
    }


def args(files, *extra):
    return [
        "allocate",
        "--proposals", files["proposals"],
        "--donors", files["donors"],
        "--pairs", files["pairs"],
        "--out", files["out"],
        *extra,
    ]  # fmt: skip


def test_plan_and_its_per_proposal_and_per_donor_tables_are_written(files, capsys):
    assert main(args(files)) == 0
    grants_path, proposals_path, donors_path = sibling_paths(files["out"])
    grants = pd.read_csv(grants_path, keep_default_na=False)
    assert grants[["proposal_id", "donor_id", "amount"]].to_dict("records") == [
        {"proposal_id": "P2", "donor_id": "D1", "amount": 60.0},
        {"proposal_id": "P3", "donor_id": "D1", "amount": 40.0},
    ]
    per_proposal = pd.read_csv(proposals_path, keep_default_na=False).set_index("proposal_id")
    assert per_proposal.loc["P1", "gap_left"] == 100.0
    assert per_proposal.loc["P1", "status"].startswith("not funded: the budgets of its eligible")
    assert pd.read_csv(donors_path)["budget_left"].tolist() == [0.0]
    out = capsys.readouterr().out
    assert "Total gap 200 USD across 3 proposals is larger than the total donor budget" in out
    assert "Closed 2 of 3 funding gaps in full" in out


def test_amount_objective_forced_and_forbidden_pairs_from_the_command_line(files):
    assert main(args(files, "--objective", "amount")) == 0
    assert pd.read_csv(files["out"])["proposal_id"].tolist() == ["P1"]
    assert main(args(files, "--forbid", "P1:D1", "--objective", "amount")) == 0
    assert "P1" not in pd.read_csv(files["out"])["proposal_id"].tolist()
    assert main(args(files, "--force", "P1:D1")) == 0
    assert pd.read_csv(files["out"])["proposal_id"].tolist() == ["P1"]


def test_a_budgets_file_replaces_annual_budgets(files, tmp_path):
    budgets = write(
        tmp_path / "budgets.csv",
        pd.DataFrame({"donor_id": ["D1"], "budget": ["200"], "currency": ["USD"]}),
    )
    assert main(args(files, "--budgets", budgets)) == 0
    assert pd.read_csv(files["out"])["amount"].sum() == 200.0


def test_written_tables_are_formula_safe(files):
    assert main(args(files, "--objective", "amount")) == 0
    grants_path, proposals_path, _ = sibling_paths(files["out"])
    for path in (grants_path, proposals_path):
        text = path.read_text(encoding="utf-8")
        assert "'=HYPERLINK" in text
        assert ",=HYPERLINK" not in text and '"=HYPERLINK' not in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"proposals": "missing.csv"}, "proposals file missing.csv does not exist"),
        ({"pairs": "missing.csv"}, "pairs file missing.csv does not exist"),
    ],
)
def test_missing_input_exits_2_with_a_message(files, capsys, change, message):
    assert main(args({**files, **change})) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert "Traceback" not in captured.err


def test_unreadable_proposals_file_exits_2_without_traceback(files, tmp_path, capsys):
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\x00\x01\x02\xff\xfe garbage \x00")
    assert main(args({**files, "proposals": str(broken)})) == 2
    err = capsys.readouterr().err
    assert err.startswith("lifeweb-match allocate: proposals file")
    assert "Traceback" not in err


def test_bad_pair_syntax_and_bad_pairs_table_exit_2(files, tmp_path, capsys):
    assert main(args(files, "--force", "P1-D1")) == 2
    assert "PROPOSAL_ID:DONOR_ID" in capsys.readouterr().err
    bad_pairs = write(tmp_path / "bad_pairs.csv", pd.DataFrame({"proposal": ["P1"], "x": [1]}))
    assert main(args({**files, "pairs": bad_pairs})) == 2
    assert "scored pairs table lacks the column" in capsys.readouterr().err


def test_shipped_sample_data_is_planned_with_the_engine(data_dir, tmp_path, capsys):
    out = tmp_path / "sample_plan.csv"
    code = main(
        [
            "allocate",
            "--proposals", str(data_dir / "proposals.csv"),
            "--donors", str(data_dir / "donors.csv"),
            "--history", str(data_dir / "history.csv"),
            "--max-donors-per-proposal", "2",
            "--out", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    grants = pd.read_csv(out, keep_default_na=False, dtype={"proposal_id": str})
    per_proposal = pd.read_csv(sibling_paths(out)[1], dtype={"proposal_id": str})
    assert len(per_proposal) == 62
    assert grants.groupby("proposal_id")["donor_id"].count().max() <= 2
    assert (grants["currency"] == "USD").all()
    assert "Solver: optimal" in capsys.readouterr().out


def test_all_three_plan_files_keep_a_multi_line_title_in_one_safe_cell(
    files, make, tmp_path, assert_spreadsheet_safe
):
    proposals = make.proposals({"P1": 100, "P2": 60, "P3": 40})
    proposals["title"] = ["One\r=1+1", "Two\r\n@SUM(A1)", "Three"]
    proposals["countries"] = ["BLZ", "PER", "BOL"]
    proposals.to_csv(files["proposals"], index=False, lineterminator="\r\n")  # quotes the CRs
    assert main(args(files)) == 0
    grants_path, proposals_path, donors_path = sibling_paths(files["out"])
    assert_spreadsheet_safe(grants_path.read_bytes(), n_rows=2)
    per_proposal = assert_spreadsheet_safe(proposals_path.read_bytes(), n_rows=3)
    assert_spreadsheet_safe(donors_path.read_bytes(), n_rows=1)
    titles = [row[per_proposal[0].index("title")] for row in per_proposal[1:]]
    assert "One\n'=1+1" in titles


def test_allocate_refuses_to_write_over_an_input_or_beside_it(files, tmp_path, capsys):
    before = Path(files["proposals"]).read_bytes()
    assert main(args({**files, "out": files["proposals"]})) == 2
    assert "is the same file as --proposals" in capsys.readouterr().err
    # plan.csv would write plan_proposals.csv: the proposals file itself
    beside = tmp_path / "plan_proposals.csv"
    beside.write_bytes(before)
    assert main(args({**files, "proposals": str(beside), "out": str(tmp_path / "plan.csv")})) == 2
    assert "its per-proposal file" in capsys.readouterr().err
    assert beside.read_bytes() == before == Path(files["proposals"]).read_bytes()


def test_forced_pairs_may_name_ids_that_contain_a_colon(tmp_path, make, capsys):
    proposals = make.proposals({"UN:1": 100, "UN:2": 60})
    proposals["countries"] = ["BLZ", "PER"]
    donors = make.donors({"GEF:7": {"budget": 100}})
    pairs = make.pairs({("UN:1", "GEF:7"): 0.1, ("UN:2", "GEF:7"): 0.9})
    files = {
        "proposals": write(tmp_path / "proposals.csv", proposals),
        "donors": write(tmp_path / "donors.csv", donors),
        "pairs": write(tmp_path / "pairs.csv", pairs),
        "out": str(tmp_path / "plan.csv"),
    }
    assert main(args(files, "--force", "UN:1:GEF:7")) == 0
    grants = pd.read_csv(files["out"], keep_default_na=False)
    forced = grants[grants["forced"]]
    assert forced[["proposal_id", "donor_id"]].values.tolist() == [["UN:1", "GEF:7"]]
    capsys.readouterr()
    assert main(args(files, "--force", "UN:9:GEF:7")) == 2
    assert "no split at a ':' gives a known proposal id and donor id" in capsys.readouterr().err
