"""IATI 2.03 XML out: valid against the shipped schema, and read back as what went in."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xmlschema
from lxml import etree

from matcher.interchange.iati_write import (
    SCHEMA_DIR,
    activities_xml,
    funding_from_history,
    funding_from_pledges,
)
from matcher.load import load

HISTORY = ["proposal_id", "donor", "amount", "currency", "year"]
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SCHEMA_DIR / "iati-activities-schema.xsd")


@pytest.fixture(scope="module")
def sample(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    return load(data_dir / "proposals.csv", "proposals").frame, load(
        data_dir / "history.csv", "history"
    ).frame


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[HISTORY].sort_values(HISTORY, kind="stable").reset_index(drop=True)


def test_shipped_history_round_trips_through_valid_iati_xml(sample, schema, tmp_path) -> None:
    proposals, history = sample
    export = activities_xml(proposals, funding_from_history(history), now=NOW)
    assert export.n_activities == history["proposal_id"].nunique() == 43
    assert export.n_transactions == len(history) == 69
    path = tmp_path / "history.xml"
    path.write_bytes(export.xml)
    schema.validate(str(path))  # raises on the first schema error
    back = load(path, "history")
    assert back.n_rejected == 0
    assert back.rows_in == back.n_loaded == 69
    pd.testing.assert_frame_equal(_sorted(back.frame), _sorted(history), check_dtype=False)
    assert back.frame["iati_transaction_type"].eq("2 outgoing commitment").all()


def test_written_activity_carries_ids_orgs_countries_sector_targets_and_budget(sample) -> None:
    proposals, history = sample
    export = activities_xml(proposals, funding_from_history(history), now=NOW)
    root = etree.fromstring(export.xml)
    tagged = next(
        a for a in root.iterfind("iati-activity") if a.find("tag") is not None
    )  # an EOI of 2013-14, the ones with Aichi targets
    proposal_id = tagged.find("other-identifier").get("ref")
    proposal = proposals.set_index("proposal_id").loc[proposal_id]
    assert tagged.findtext("iati-identifier") == f"LIFEWEB-{proposal_id}"
    assert tagged.find("reporting-org").get("ref") == "LIFEWEB"
    assert {o.get("role") for o in tagged.iterfind("participating-org")} == {"1", "2", "4"}
    assert tagged.find("sector").attrib == {"vocabulary": "1", "code": "41030", "percentage": "100"}
    shares = [float(c.get("percentage")) for c in tagged.iterfind("recipient-country")]
    assert sum(shares) == pytest.approx(100.0)
    aichi_tags = [
        int(t.get("code"))
        for t in tagged.iterfind("tag")
        if t.get("vocabulary-uri") == "https://www.cbd.int/sp/targets/"
    ]
    assert aichi_tags == sorted(proposal["aichi_targets"])
    assert all(t.get("vocabulary") == "99" for t in tagged.iterfind("tag"))
    assert any(
        t.get("vocabulary-uri") == "https://www.cbd.int/gbf/targets/"
        for t in tagged.iterfind("tag")
    )
    assert float(tagged.findtext("budget/value")) == proposal["requested_amount"]
    assert [t.find("transaction-type").get("code") for t in tagged.iterfind("transaction")] == [
        "2"
    ] * len(history[history["proposal_id"] == proposal_id])


def test_unknown_years_amounts_and_formula_text_come_back_as_they_went(schema) -> None:
    proposals = pd.DataFrame(
        {
            "proposal_id": ["P-1"],
            "title": ['=HYPERLINK("http://x")'],
            "countries": [("BEN", "TGO", "GHA")],
            "summary": [""],
            "description": ["Mangroves."],
            "objectives": [""],
            "requested_amount": [np.nan],
            "currency": ["EUR"],
            "aichi_targets": [()],
            "gbf_targets": [(2,)],
            "status": ["funded"],
        }
    )
    history = pd.DataFrame(
        {
            "proposal_id": ["P-1", "P-1"],
            "donor": ["@evil donor", "Plain Fund"],
            "amount": [np.nan, 1234.5],
            "currency": ["EUR", "USD"],
            "year": pd.array([pd.NA, 2020], dtype="Int64"),
        }
    )
    export = activities_xml(proposals, funding_from_history(history), now=NOW)
    assert not list(schema.iter_errors(etree.fromstring(export.xml)))
    assert b"<narrative>'@evil donor</narrative>" in export.xml
    assert b"'=HYPERLINK" in export.xml
    back = load(export.xml, "history", filename="p.xml").frame
    assert back["donor"].tolist() == ["@evil donor", "Plain Fund"]
    assert np.isnan(back["amount"].iloc[0]) and back["amount"].iloc[1] == 1234.5
    assert back["year"].isna().iloc[0] and back["year"].iloc[1] == 2020
    assert back["currency"].tolist() == ["EUR", "USD"]
    proposals_back = load(export.xml, "proposals", filename="p.xml").frame
    assert proposals_back["title"].iloc[0] == '=HYPERLINK("http://x")'
    assert proposals_back["countries"].iloc[0] == ("BEN", "TGO", "GHA")
    assert proposals_back["gbf_targets"].iloc[0] == (2,)


def test_an_iati_file_read_as_proposals_writes_its_languages_back(multi_language_xml) -> None:
    proposals = load(multi_language_xml, "proposals").frame
    funding = funding_from_history(load(multi_language_xml, "history").frame)
    export = activities_xml(proposals, funding, now=NOW)
    root = etree.fromstring(export.xml)
    first = root.find("iati-activity")
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert first.get(lang) == "fr"
    assert {n.get(lang) for n in first.iterfind("title/narrative")} == {None, "en", "es"}
    implementing = [
        o.findtext("narrative") for o in first.iterfind("participating-org") if o.get("role") == "4"
    ]
    assert implementing == ["ONG côtière"]


def test_pledges_of_an_event_become_commitments(schema) -> None:
    pipeline = pd.DataFrame(
        {
            "step_id": [1, 2, 3, 4],
            "proposal_id": ["P-1", "P-1", "P-1", "P-2"],
            "donor_id": ["DE", "DE", "NO", "DE"],
            "stage": ["met", "pledged", "pledged", "declined"],
            "amount": [np.nan, 500_000.0, 250_000.0, np.nan],
            "currency": ["", "EUR", "USD", ""],
            "happened_at": pd.to_datetime(
                ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"], utc=True
            ),
        }
    )
    donors = pd.DataFrame({"donor_id": ["DE", "NO"], "name": ["Germany", "Norway"]})
    funding = funding_from_pledges(pipeline, donors, event_name="Roundtable 2026")
    assert funding[["donor", "amount", "currency", "date"]].values.tolist() == [
        ["Germany", 500_000.0, "EUR", "2026-10-02"],
        ["Norway", 250_000.0, "USD", "2026-10-03"],
    ]
    proposals = pd.DataFrame(
        {"proposal_id": ["P-1"], "title": ["Reefs"], "countries": [("FJI",)], "currency": ["EUR"]}
    )
    export = activities_xml(proposals, funding, now=NOW)
    root = etree.fromstring(export.xml)
    assert not list(schema.iter_errors(root))
    assert root.findtext("iati-activity/transaction/description/narrative") == (
        "Pledged at Roundtable 2026"
    )


def test_export_command_writes_valid_iati_and_refuses_other_kinds(
    data_dir, tmp_path, schema
) -> None:
    db = tmp_path / "lifeweb.db"
    run = [sys.executable, "-m", "matcher.cli"]
    for kind in ("proposals", "history"):
        done = subprocess.run(
            [*run, "import", str(data_dir / f"{kind}.csv"), "--kind", kind, "--db", str(db)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    out = tmp_path / "history.xml"
    done = subprocess.run(
        [*run, "export", "--kind", "history", "--format", "iati", "--out", str(out), "--db", str(db)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "69 funding records in 43 IATI activities" in done.stdout
    schema.validate(str(out))
    refused = subprocess.run(
        [*run, "export", "--kind", "donors", "--format", "iati", "--out", str(out), "--db", str(db)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "lifeweb-match export: --format iati writes history or pledges, not donors"
    )


def test_an_events_pledges_export_as_iati_commitments(data_dir, tmp_path, schema, capsys) -> None:
    from matcher.cli import main
    from matcher.store import open_store

    db = tmp_path / "lifeweb.db"
    with open_store(db) as store:
        store.import_file(data_dir / "proposals.csv", "proposals")
        store.import_file(data_dir / "donors.csv", "donors")
        event = store.create_event("Andean roundtable", event_date="2026-11-20", donor_ids=["ES"])
        store.add_to_event(event, "23236", donor_id="ES")
        store.record_step(event, "23236", "ES", "met")
        store.record_step(
            event, "23236", "ES", "pledged", amount=750_000, currency="EUR",
            happened_at=dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC),
        )  # fmt: skip
        donor_name = store.donors().set_index("donor_id").loc["ES", "name"]
    out = tmp_path / "pledges.xml"
    status = main(
        ["export", "--kind", "pledges", "--event", str(event), "--format", "iati",
         "--out", str(out), "--db", str(db)]
    )  # fmt: skip
    assert status == 0
    assert f"1 pledge of event {event} in 1 IATI activity" in capsys.readouterr().out
    schema.validate(str(out))
    back = load(out, "history").frame
    assert back[HISTORY].values.tolist() == [["23236", donor_name, 750_000.0, "EUR", 2026]]
    assert back["iati_value_date"].tolist() == ["2026-11-20"]
