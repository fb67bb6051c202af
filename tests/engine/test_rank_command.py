"""``lifeweb-match rank``: files in, formula-safe CSV out, clear errors with exit status 2."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matcher.cli import main

PROPOSALS = """proposal_id,title,countries,description,requested_amount,currency,aichi_targets
E1,"=HYPERLINK(""http://x"",""click"")",FJI,marine protected area coral reef fisheries,500000,USD,11
E2,Andean cloud forest corridor,PER,forest corridor cloud forest protected areas andes,900000,USD,15
"""
DONORS = """donor_id,name,aliases,priorities,aichi_targets,min_grant,max_grant,currency
OCEAN,Ocean Fund,,marine coral reef fisheries and mangroves in small island states,11,100000,2000000,USD
FOREST,Forest Trust,Forest Foundation,tropical forest corridors and protected areas in the Andes,15,100000,2000000,USD
"""
HISTORY = """proposal_id,donor,amount,currency,year
E1,Ocean Fund,500000,USD,2012
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {}
    for name, text in (("proposals", PROPOSALS), ("donors", DONORS), ("history", HISTORY)):
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def test_rank_writes_every_column_and_neutralises_formulas(files, tmp_path) -> None:
    out = tmp_path / "ranking.csv"
    status = main(
        ["rank", "--proposals", str(files["proposals"]), "--donors", str(files["donors"]),
         "--history", str(files["history"]), "--top", "2", "--out", str(out)]
    )  # fmt: skip
    assert status == 0
    ranking = pd.read_csv(out, keep_default_na=False)
    for column in ("proposal_id", "proposal_title", "donor_id", "donor_name", "rank", "score",
                   "eligible", "reasons", "explanation", "score_thematic", "score_targets",
                   "score_geography", "score_funding_fit", "score_ecosystems", "score_history"):  # fmt: skip
        assert column in ranking.columns
    assert len(ranking) == 4
    e1 = ranking[ranking["proposal_id"] == "E1"].sort_values("rank")
    assert e1["donor_id"].tolist() == ["OCEAN", "FOREST"]
    assert e1["proposal_title"].iloc[0].startswith("'=HYPERLINK")
    assert "shares Aichi 11" in e1["explanation"].iloc[0]


def test_rank_by_donor_with_weights_given_by_name(files, tmp_path) -> None:
    out = tmp_path / "by_donor.csv"
    status = main(
        ["rank", "--proposals", str(files["proposals"]), "--donors", str(files["donors"]),
         "--by", "donor", "--top", "1", "--weights", "thematic=1", "--out", str(out)]
    )  # fmt: skip
    assert status == 0
    ranking = pd.read_csv(out, keep_default_na=False)
    assert ranking.set_index("donor_id")["proposal_id"].to_dict() == {"FOREST": "E2", "OCEAN": "E1"}


def test_rank_accepts_the_lifeweb_export_as_it_is(lifeweb_export_dir, tmp_path) -> None:
    out = tmp_path / "lifeweb.csv"
    status = main(
        ["rank", "--proposals", str(lifeweb_export_dir / "eoi_projects.csv"),
         "--donors", str(lifeweb_export_dir / "donors.csv"),
         "--history", str(lifeweb_export_dir / "funding_matches.csv"),
         "--top", "3", "--declared-targets-only", "--out", str(out)]
    )  # fmt: skip
    assert status == 0
    ranking = pd.read_csv(out, keep_default_na=False, dtype={"proposal_id": str})
    assert ranking["proposal_id"].nunique() == 62
    assert (ranking.groupby("proposal_id").size() == 3).all()
    assert ranking["score"].between(0, 1).all()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"proposals": "missing.csv"}, "does not exist"),
        ({"proposals": "binary"}, "binary"),
        ({"weights": "colour=1"}, "unknown score component"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(
    files, tmp_path, capsys, change, message
) -> None:
    proposals = str(files["proposals"])
    weights = change.get("weights", "balanced")
    if change.get("proposals") == "missing.csv":
        proposals = str(tmp_path / "missing.csv")
    elif change.get("proposals") == "binary":
        binary = tmp_path / "binary.csv"
        binary.write_bytes(b"\x00\x01\x02\xff garbage")
        proposals = str(binary)
    status = main(
        ["rank", "--proposals", proposals, "--donors", str(files["donors"]),
         "--weights", weights, "--out", str(tmp_path / "never.csv")]
    )  # fmt: skip
    error = capsys.readouterr().err
    assert status == 2
    assert message in error
    assert "Traceback" not in error
    assert not (tmp_path / "never.csv").exists()


def test_rank_reads_its_inputs_from_the_database(tmp_path, data_dir):
    from matcher.cli import main
    from matcher.store import open_store

    db = tmp_path / "lifeweb.db"
    with open_store(f"sqlite:///{db}") as store:
        store.seed_if_empty(data_dir)
    from_db = tmp_path / "from_db.csv"
    from_files = tmp_path / "from_files.csv"
    assert main(["rank", "--db", str(db), "--top", "3", "--out", str(from_db)]) == 0
    assert (
        main(
            [
                "rank",
                "--proposals",
                str(data_dir / "proposals.csv"),
                "--donors",
                str(data_dir / "donors.csv"),
                "--history",
                str(data_dir / "history.csv"),
                "--top",
                "3",
                "--out",
                str(from_files),
            ]
        )
        == 0
    )
    db_rows = pd.read_csv(from_db, dtype=str, keep_default_na=False)
    file_rows = pd.read_csv(from_files, dtype=str, keep_default_na=False)
    assert len(db_rows) == 62 * 3
    pd.testing.assert_frame_equal(db_rows, file_rows)


def test_rank_without_files_or_database_says_what_to_give(tmp_path, capsys):
    from matcher.cli import main

    assert main(["rank", "--out", str(tmp_path / "x.csv")]) == 2
    assert "--db URL" in capsys.readouterr().err


def test_rank_output_neutralises_every_line_of_a_multi_line_title(
    files, tmp_path, assert_spreadsheet_safe
) -> None:
    files["proposals"].write_bytes(
        PROPOSALS.replace("Andean cloud forest corridor", '"Andean\r=1+1"').encode()
    )
    out = tmp_path / "ranking.csv"
    status = main(
        ["rank", "--proposals", str(files["proposals"]), "--donors", str(files["donors"]),
         "--top", "2", "--out", str(out)]
    )  # fmt: skip
    assert status == 0
    rows = assert_spreadsheet_safe(out.read_bytes(), n_rows=4)
    titles = {row[rows[0].index("proposal_title")] for row in rows[1:]}
    assert any(title.endswith("\n'=1+1") for title in titles)


def test_rank_by_both_says_how_many_proposals_and_donors_were_ranked(
    files, tmp_path, capsys
) -> None:
    out = tmp_path / "both.csv"
    status = main(
        ["rank", "--proposals", str(files["proposals"]), "--donors", str(files["donors"]),
         "--by", "both", "--top", "1", "--out", str(out)]
    )  # fmt: skip
    assert status == 0
    assert f"4 rows (2 proposals and 2 donors ranked) written to {out}" in capsys.readouterr().out


@pytest.mark.parametrize("target", ["proposals", "donors", "history"])
def test_rank_refuses_to_write_over_one_of_its_inputs(files, capsys, target) -> None:
    before = files[target].read_bytes()
    status = main(
        ["rank", "--proposals", str(files["proposals"]), "--donors", str(files["donors"]),
         "--history", str(files["history"]), "--out", str(files[target])]
    )  # fmt: skip
    assert status == 2
    err = capsys.readouterr().err
    assert f"is the same file as --{target}" in err and len(err.strip().splitlines()) == 1
    assert files[target].read_bytes() == before


def test_rank_names_a_folder_given_as_a_file(files, tmp_path, capsys) -> None:
    status = main(
        ["rank", "--proposals", str(tmp_path), "--donors", str(files["donors"]),
         "--out", str(tmp_path / "r.csv")]
    )  # fmt: skip
    assert status == 2
    assert f"proposals file {tmp_path} is a folder, not a file" in capsys.readouterr().err


def test_rank_from_a_mysql_url_is_one_line(tmp_path, capsys) -> None:
    status = main(["rank", "--db", "mysql://u@db.example.org/x", "--out", str(tmp_path / "r.csv")])
    assert status == 2
    err = capsys.readouterr().err
    assert "mysql databases are not supported" in err and "Traceback" not in err


def test_rank_explanations_open_with_the_plain_label(files, tmp_path) -> None:
    out = tmp_path / "ranking.csv"
    status = main(
        ["rank", "--proposals", str(files["proposals"]), "--donors", str(files["donors"]),
         "--history", str(files["history"]), "--by", "both", "--out", str(out)]
    )  # fmt: skip
    assert status == 0
    ranking = pd.read_csv(out, keep_default_na=False)
    assert ranking["explanation"].str.match(r"(strong|good|weak) fit: ").all()
    # Two candidates per donor: too few to rank by, so the score itself decides the label.
    for row in ranking.itertuples():
        expected = "strong" if row.score >= 0.7 else "good" if row.score >= 0.5 else "weak"
        assert row.explanation.startswith(f"{expected} fit: ")
