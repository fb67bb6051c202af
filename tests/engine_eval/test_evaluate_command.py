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
    assert printed["suggested_targets"] is True
    engine_all = next(
        row for row in printed["table"] if row["method"] == "engine" and row["group"] == "all"
    )
    # each EOI reads like the other EOI its donor funded: the true donor comes first
    assert engine_all["hit@1"] == 1.0
    written = out.read_text(encoding="utf-8").splitlines()
    assert written[0].startswith("proposal_id,method,germany_alone,true_donors,best_true_rank")
    assert len(written) == 1 + 4 * 2


def test_cli_declared_targets_only_switches_the_tagger_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["evaluate", "--declared-targets-only"]
    for name, text in (
        ("proposals", TINY_PROPOSALS),
        ("donors", TINY_DONORS),
        ("history", TINY_HISTORY),
    ):
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        argv += [f"--{name}", str(path)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "targets: declared only" in printed
    assert "| all | engine | 4 |" in printed


def test_cli_reports_an_unreadable_file_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.csv"
    assert main(["evaluate", "--proposals", str(missing)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("lifeweb-match evaluate:")
    assert "Traceback" not in error


def test_cli_compare_shows_every_variant_tried_beside_one_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from matcher.combine import WEIGHT_PRESETS

    argv = ["evaluate", "--compare", "--json", "--weights", "thematic=1,history=1"]
    for name, text in (
        ("proposals", TINY_PROPOSALS),
        ("donors", TINY_DONORS),
        ("history", TINY_HISTORY),
    ):
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        argv += [f"--{name}", str(path)]
    assert main(argv) == 0
    rows = json.loads(capsys.readouterr().out)
    every = [row for row in rows if row["group"] == "all"]
    names = [row["variant"] for row in every]
    assert names.count("popularity") == 1
    assert set(names) == {*WEIGHT_PRESETS, "popularity", "thematic=1,history=1", "learned"}
    variants = {(r["variant"], r["construction"], r["policy"], r["nested"]) for r in every}
    for construction in ("stated_apart", "mixed"):
        for policy in ("dropped", "neutral", "mean"):
            assert ("learned", construction, policy, "yes") in variants
            assert ("balanced", construction, policy, "no") in variants
    assert all(row["n_eoi"] == 4 for row in every)
    for row in every:  # every figure carries its 95% interval
        assert row["hit@3_low"] <= row["hit@3"] <= row["hit@3_high"]
        assert row["MRR_low"] <= row["MRR"] <= row["MRR_high"]


def test_scorer_fits_each_held_out_case_once_across_weight_sets() -> None:
    import io

    import numpy as np

    from matcher.evaluate import MatcherScorer
    from matcher.load import load_donors, load_history, load_proposals

    proposals = load_proposals(io.BytesIO(TINY_PROPOSALS.encode()), filename="p.csv").frame
    donors = load_donors(io.BytesIO(TINY_DONORS.encode()), filename="d.csv").frame
    history = load_history(io.BytesIO(TINY_HISTORY.encode()), filename="h.csv").frame
    held_out = proposals.iloc[[0]]
    without = history[history["proposal_id"] != "E1"]
    scorer = MatcherScorer("thematic_only")
    thematic = scorer(held_out, proposals, donors, without)
    scorer.weights = "balanced"
    balanced = scorer(held_out, proposals, donors, without)
    assert len(scorer._cache) == 1
    # E1 (coral reefs) reads like E2, which the Ocean Fund funded: it ranks first either way
    assert list(donors["donor_id"]) == ["OCEAN", "FOREST"]
    assert thematic[0] > thematic[1]
    assert balanced[0] > balanced[1]
    # the second weight set re-combines the cached components: different scores, no refit
    assert not np.allclose(thematic, balanced)


TARGETED_DONORS = """donor_id,name,aliases,priorities,aichi_targets,min_grant,max_grant,currency
OCEAN,Ocean Fund,,marine coral reef fisheries and mangroves in small island states,6;10;11,100000,2000000,USD
FOREST,Forest Trust,Forest Foundation,tropical forest corridors and protected areas in the Andes,5;15,100000,2000000,USD
"""


@pytest.mark.parametrize(
    ("suggested_targets", "expected"), [(True, [1.0, 0.0]), (False, [-1.0, -1.0])]
)
def test_scorer_uses_suggested_targets_unless_told_declared_only(
    suggested_targets: bool, expected: list[float]
) -> None:
    import io

    from matcher.evaluate import MatcherScorer
    from matcher.load import load_donors, load_history, load_proposals

    proposals = load_proposals(io.BytesIO(TINY_PROPOSALS.encode()), filename="p.csv").frame
    donors = load_donors(io.BytesIO(TARGETED_DONORS.encode()), filename="d.csv").frame
    history = load_history(io.BytesIO(TINY_HISTORY.encode()), filename="h.csv").frame
    without = history[history["proposal_id"] != "E1"]
    scorer = MatcherScorer({"targets": 1.0}, suggested_targets=suggested_targets)
    scores = scorer(proposals.iloc[[0]], proposals, donors, without)
    # E1 declares no target; its coral-reef text suggests Aichi 6, 10 and 11, which the Ocean
    # Fund states. Declared-only, the target component is missing for every donor (-1).
    assert scores.tolist() == expected


def _tiny_files(tmp_path: Path) -> list[str]:
    argv = []
    for name, text in (
        ("proposals", TINY_PROPOSALS),
        ("donors", TINY_DONORS),
        ("history", TINY_HISTORY),
    ):
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        argv += [f"--{name}", str(path)]
    return argv


@pytest.mark.parametrize("compare", [False, True])
def test_out_naming_a_folder_is_one_line_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], compare: bool
) -> None:
    argv = ["evaluate", *_tiny_files(tmp_path), "--out", str(tmp_path)]
    assert main(argv + (["--compare"] if compare else [])) == 2
    captured = capsys.readouterr()
    assert f"--out: {tmp_path} is a folder; give a file name" in captured.err
    assert len(captured.err.strip().splitlines()) == 1 and captured.out == ""


def test_out_naming_an_input_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    argv = ["evaluate", *_tiny_files(tmp_path), "--out", str(tmp_path / "donors.csv")]
    assert main(argv) == 2
    assert "is the same file as --donors" in capsys.readouterr().err
    assert (tmp_path / "donors.csv").read_text(encoding="utf-8") == TINY_DONORS


def test_compare_calibrated_adds_the_percentile_scale_rows_nested(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["evaluate", "--compare", "--calibrated", "--json", "--text", "tfidf"]
    for name, text in (
        ("proposals", TINY_PROPOSALS),
        ("donors", TINY_DONORS),
        ("history", TINY_HISTORY),
    ):
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        argv += [f"--{name}", str(path)]
    assert main(argv) == 0
    rows = [row for row in json.loads(capsys.readouterr().out) if row["group"] == "all"]
    variants = {(r["variant"], r["construction"], r["policy"], r["nested"]) for r in rows}
    for policy in ("dropped", "neutral", "mean"):
        assert ("learned", "stated_apart+calibrated", policy, "yes") in variants
        assert ("balanced", "stated_apart+calibrated", policy, "no") in variants
    assert not any(r["construction"] == "mixed+calibrated" for r in rows)  # a head start
    for row in rows:
        assert row["MRR_low"] <= row["MRR"] <= row["MRR_high"]
