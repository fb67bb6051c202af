"""Countries' GBF national targets: read as exported, stored, and shown as a proposal's NBSAP alignment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from matcher.errors import UnreadableFileError
from matcher.interchange.national_targets import (
    load_national_targets,
    national_alignment,
    serves_national_targets,
)

MESSY = """Party;National target;Target description;Global targets;Level of alignment
Pérou;Conserve 30% of Peru's land and waters;Protected areas in the Amazon;Target 3 (high), Target 1 (low);
Atlantis;Restore reefs;;2;high
Kenya;;No title here;2;high
Kenya;Restore drylands;Rangelands;25;high
Kenya;Control invasive species;Prosopis;6;sometimes
Kenya;Restore drylands;Rangelands and community livelihoods;2;partial
"""


@pytest.fixture(scope="module")
def sample(data_dir: Path) -> pd.DataFrame:
    return load_national_targets(data_dir / "national_targets_sample.csv").frame


def test_the_shipped_sample_loads_every_row(data_dir: Path) -> None:
    report = load_national_targets(data_dir / "national_targets_sample.csv")
    assert (report.rows_in, report.n_loaded, report.n_rejected) == (12, 12, 0)
    peru = report.frame.set_index("target_code").loc["PER-T1"]
    assert peru["government"] == "PER"
    assert peru["gbf_targets"] == (1, 3)
    assert peru["alignment"] == ((1, "low"), (3, "high"))


def test_an_export_as_people_write_it_loads_or_rejects_every_row_with_a_reason() -> None:
    report = load_national_targets(MESSY.encode("utf-8"), filename="ort.csv")
    assert report.rows_in == report.n_loaded + report.n_rejected == 6
    assert report.n_loaded == 2
    first = report.frame.iloc[0]
    assert (first["government"], first["gbf_targets"]) == ("PER", (1, 3))
    assert first["alignment"] == ((1, "low"), (3, "high"))
    assert report.frame.iloc[1]["alignment"] == ((2, "medium"),)  # "partial"
    assert report.frame["target_code"].tolist() == ["NT2", "NT7"]  # no code column: by row
    reasons = dict(zip(report.rejected["row"], report.rejected["reason"], strict=True))
    assert reasons == {
        3: '"Atlantis" is not one country',
        4: "missing title",
        5: "GBF target 25 does not exist (the GBF has targets 1 to 23)",
        6: 'unknown degree of alignment "sometimes" (write high, medium or low)',
    }


def test_an_export_without_the_gbf_targets_is_refused_with_what_it_needs() -> None:
    with pytest.raises(UnreadableFileError, match="No column for gbf targets"):
        load_national_targets(b"Government,Title\nPeru,Forests\n", filename="x.csv")


def test_a_proposal_serves_its_countrys_targets_that_share_a_gbf_target(sample) -> None:
    proposals = pd.DataFrame(
        {
            "proposal_id": ["AMAZON", "KENYA", "NOTHING"],
            "title": ["Amazon protected areas", "Drylands restoration", "Reefs"],
            "description": ["Andean and Amazon forests, with local communities.", "", ""],
            "countries": [("PER", "BRA"), ("KEN",), ("FJI",)],
            "aichi_targets": [(11, 15), (), (11,)],
            "gbf_targets": [(), (2,), ()],
        }
    )
    served = national_alignment(proposals, sample)
    assert served[
        ["proposal_id", "target_code", "shared_gbf_targets", "degree"]
    ].values.tolist() == [
        ["AMAZON", "PER-T1", (3,), "high"],
        ["AMAZON", "PER-T2", (2,), "high"],
        ["KENYA", "KEN-T1", (2,), "high"],
    ]
    assert served.iloc[1]["evidence"] == (
        'PER-T2 "Restore degraded Andean and Amazon forests" aligns with GBF Target 2 (high), '
        "which the proposal serves (successor of its Aichi Target 15); shared words: amazon, "
        "andean, communities, forests, local"
    )
    assert serves_national_targets(proposals, served).to_dict() == {
        "AMAZON": "PER-T1;PER-T2",
        "KENYA": "KEN-T1",
        "NOTHING": "",
    }


def test_importing_an_export_replaces_that_governments_targets_only(tmp_path, data_dir) -> None:
    from matcher.store import open_store

    db = tmp_path / "lifeweb.db"
    run = [sys.executable, "-m", "matcher.cli", "import"]
    done = subprocess.run(
        [*run, str(data_dir / "national_targets_sample.csv"), "--kind", "national-targets",
         "--db", str(db)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "12 rows, 12 loaded, 0 rejected" in done.stdout
    update = tmp_path / "peru.csv"
    update.write_text(
        "Government,Target code,Title,GBF targets,Degree of alignment\nPeru,PER-NEW,Wetlands,2,low\n",
        encoding="utf-8",
    )
    again = subprocess.run(
        [*run, str(update), "--kind", "national-targets", "--db", str(db)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    with open_store(db) as store:
        stored = store.national_targets()
    assert stored.loc[stored["government"] == "PER", "target_code"].tolist() == ["PER-NEW"]
    assert len(stored) == 10
    kenya = stored.set_index("target_code").loc["KEN-T2"]
    assert kenya["alignment"] == ((6, "medium"),)
    assert kenya["source_file"] == "national_targets_sample.csv"
