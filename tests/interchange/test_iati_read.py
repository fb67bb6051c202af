"""IATI activity XML read through the same loader and report as CSV and Excel."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from matcher.errors import UnreadableFileError
from matcher.load import load

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<iati-activities version="2.03"><iati-activity>
<iati-identifier>&lol3;</iati-identifier><title><narrative>&lol3;</narrative></title>
</iati-activity></iati-activities>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<iati-activities version="2.03"><iati-activity><iati-identifier>X-1</iati-identifier>
<title><narrative>&secret;</narrative></title><recipient-country code="BJ"/>
</iati-activity></iati-activities>
"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE iati-activities SYSTEM "http://127.0.0.1:9/iati.dtd">
<iati-activities version="2.03"><iati-activity><iati-identifier>X-1</iati-identifier>
<title><narrative>t</narrative></title><recipient-country code="BJ"/>
</iati-activity></iati-activities>
"""


def _row(report, proposal_id: str) -> dict:
    frame = report.frame.set_index("proposal_id")
    return frame.loc[proposal_id].to_dict()


def test_activities_load_as_proposals_with_every_language_country_and_budget_period(
    multi_language_xml: Path,
) -> None:
    report = load(multi_language_xml)
    assert report.kind == "proposals"
    assert (report.rows_in, report.n_loaded, report.n_rejected) == (4, 2, 2)
    assert report.rows_in == report.n_loaded + report.n_rejected
    mangroves = _row(report, "XM-TEST-1-ACT-001")
    assert mangroves["title"] == "Restauration des mangroves du golfe de Guinée"
    assert mangroves["iati_language"] == "fr"
    assert mangroves["iati_title_en"] == "Restoring the mangroves of the Gulf of Guinea"
    assert mangroves["iati_title_es"] == "Restauración de los manglares del golfo de Guinea"
    assert mangroves["description"].startswith("Restaurer 5 000 hectares")
    assert mangroves["iati_description_en"].startswith("Restore 5,000 hectares")
    assert mangroves["objectives"] == "Étendre les aires protégées côtières."
    assert mangroves["countries"] == ("BEN", "TGO")
    assert mangroves["iati_country_percentages"] == "BEN 60; TGO 40"
    assert mangroves["iati_regions"] == "Western Africa"
    # 2025: 400,000 + 2026: the revised 300,000 replaces 350,000.50 + 2027: 250,000.
    assert mangroves["requested_amount"] == 950_000.0
    assert mangroves["currency"] == "EUR"
    assert mangroves["gbf_targets"] == (2, 3)
    assert mangroves["aichi_targets"] == (15,)
    assert mangroves["status"] == "implementation"
    assert mangroves["iati_sector_41030"] == "activity;transaction"
    assert mangroves["iati_biodiversity_marker"] == "2"
    paramo = _row(report, "XM-TEST-1-ACT-002")
    assert paramo["title"] == "Andean páramo corridors"
    assert paramo["iati_language"] == "en"  # the file's xml:lang
    assert paramo["iati_title_es"] == "Corredores de páramo andino"
    assert paramo["countries"] == ("COL", "ECU", "PER")
    assert paramo["requested_amount"] == 1_200_000.0
    assert paramo["currency"] == "USD"  # the activity's default-currency
    assert paramo["status"] == "pipeline"
    assert paramo["iati_sector_41030"] == "transaction"


def test_duplicate_identifiers_and_unknown_countries_are_reported_not_dropped(
    multi_language_xml: Path,
) -> None:
    report = load(multi_language_xml)
    reasons = dict(zip(report.rejected["row"], report.rejected["reason"], strict=True))
    assert reasons[97] == 'duplicate proposal_id "XM-TEST-1-ACT-001" (first on row 4)'
    assert reasons[103].startswith('recipient-country code "QQ" is not an ISO 3166')
    assert sorted(report.rejected_rows["source_row"]) == [97, 103]
    assert any("used by more than one activity" in note for note in report.file_notes)
    first = _row(report, "XM-TEST-1-ACT-001")
    assert first["iati_notes"] == 'iati-identifier "XM-TEST-1-ACT-001" also on line 97'


def test_funding_transactions_load_as_history_in_their_own_currency_with_value_dates(
    multi_language_xml: Path,
) -> None:
    report = load(multi_language_xml, "history")
    assert (report.rows_in, report.n_loaded, report.n_rejected) == (5, 3, 2)
    rows = report.frame.sort_values("source_row")
    assert rows["iati_transaction_type"].tolist() == [
        "2 outgoing commitment",
        "3 disbursement",
        "11 incoming commitment",
    ]
    assert rows["amount"].tolist() == [950_000.0, 200_000.0, 1_200_000.0]
    assert rows["currency"].tolist() == ["EUR", "USD", "USD"]
    assert rows["iati_value_date"].tolist() == ["2025-02-01", "2025-03-10", "2026-02-01"]
    assert rows["year"].tolist() == [2025, 2025, 2026]
    # A disbursement without provider-org is the reporting organisation's money.
    assert rows["donor"].tolist() == [
        "Fonds de test pour la biodiversité",
        "Fonds de test pour la biodiversité",
        "Germany - BMZ",
    ]
    assert rows["iati_receiver_org"].tolist()[:2] == ["ONG côtière", "ONG côtière"]
    # Sector 41030 given only on the transaction still counts.
    assert rows["iati_sector_41030"].tolist() == [
        "activity;transaction",
        "transaction",
        "transaction",
    ]
    assert set(report.rejected["reason"]) == {
        "the activity has no commitment (2), disbursement (3) or incoming commitment (11) "
        "transaction, so it holds no funding history"
    }
    assert "transactions that are not funding (not read as history): type 4: 1" in (
        report.file_notes
    )


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (BILLION_LAUGHS, "declares XML entities"),
        (EXTERNAL_ENTITY, "declares XML entities"),
        (EXTERNAL_DTD, "external DTD"),
        (BILLION_LAUGHS.decode().encode("utf-16"), "declares XML entities"),
    ],
    ids=["billion-laughs", "external-entity", "external-dtd", "utf16-billion-laughs"],
)
def test_hostile_xml_is_refused_with_a_clear_message(content: bytes, words: str) -> None:
    with pytest.raises(UnreadableFileError, match="Refused for safety") as caught:
        load(content, "proposals", filename="activities.xml")
    assert words in str(caught.value)


def test_hostile_xml_on_the_command_line_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_bytes(BILLION_LAUGHS)
    done = subprocess.run(
        [sys.executable, "-m", "matcher.cli", "validate", str(bomb)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Refused for safety" in done.stderr and "Traceback" not in done.stderr


def test_xml_over_the_size_limit_is_refused_as_other_files_are(monkeypatch) -> None:
    import matcher.interchange.iati_read as iati_read

    monkeypatch.setattr(iati_read, "MAX_BYTES", 1000)
    big = (
        b'<?xml version="1.0"?><iati-activities version="2.03">'
        + b" " * 2000
        + b"</iati-activities>"
    )
    with pytest.raises(UnreadableFileError, match="the limit is"):
        load(big, "proposals", filename="big.xml")


def test_xml_that_is_not_iati_says_what_it_is() -> None:
    workbook = b'<?xml version="1.0"?><Workbook><Worksheet/></Workbook>'
    with pytest.raises(UnreadableFileError, match="root element is <Workbook>"):
        load(workbook, filename="sheet.xml")
    with pytest.raises(UnreadableFileError, match="not donor profiles"):
        load(b'<?xml version="1.0"?><iati-activities/>', "donors", filename="a.xml")


def test_iati_content_under_a_csv_name_is_read_as_iati(multi_language_xml: Path) -> None:
    report = load(multi_language_xml.read_bytes(), filename="export.csv")
    assert report.n_loaded == 2


def test_validate_command_reports_every_activity(multi_language_xml: Path, tmp_path: Path) -> None:
    out = tmp_path / "normalised.csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "matcher.cli",
            "validate",
            str(multi_language_xml),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert "proposals, 4 rows, 2 loaded, 2 rejected" in done.stdout
    assert 'row 97, column "proposal_id": duplicate proposal_id' in done.stdout
    written = load(out, "proposals")
    assert written.n_loaded == 2
    assert math.isclose(written.frame["requested_amount"].iloc[0], 950_000.0)


def test_import_command_stores_iati_activities_with_their_extra_columns(
    multi_language_xml: Path, tmp_path: Path
) -> None:
    from matcher.store import open_store

    db = tmp_path / "lifeweb.db"
    done = subprocess.run(
        [
            sys.executable, "-m", "matcher.cli", "import", str(multi_language_xml),
            "--kind", "proposals", "--db", str(db),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    with open_store(db) as store:
        stored = store.proposals().set_index("proposal_id")
    assert sorted(stored.index) == ["XM-TEST-1-ACT-001", "XM-TEST-1-ACT-002"]
    assert stored.loc["XM-TEST-1-ACT-001", "iati_title_en"].startswith("Restoring")
    assert stored.loc["XM-TEST-1-ACT-002", "countries"] == ("COL", "ECU", "PER")


def test_the_upload_reader_takes_xml(multi_language_xml: Path) -> None:
    from ui.upload import read_upload

    outcome = read_upload(
        multi_language_xml.read_bytes(), filename="activities.xml", kind="history"
    )
    assert outcome.ok
    assert outcome.report.n_loaded == 3


def test_the_upload_reader_refuses_hostile_xml_with_the_message() -> None:
    from ui.upload import read_upload

    outcome = read_upload(BILLION_LAUGHS, filename="activities.xml", kind="proposals")
    assert not outcome.ok
    assert outcome.message.startswith("Refused for safety")


def test_a_regional_activity_without_countries_is_rejected_saying_so() -> None:
    regional = b"""<?xml version="1.0"?><iati-activities version="2.03"><iati-activity>
    <iati-identifier>XM-R-1</iati-identifier><title><narrative>Sahel</narrative></title>
    <recipient-region code="289" vocabulary="1"/></iati-activity></iati-activities>"""
    report = load(regional, "proposals", filename="regional.xml")
    assert (report.rows_in, report.n_loaded, report.n_rejected) == (1, 0, 1)
    assert report.rejected["reason"].tolist() == [
        "a regional activity (Sub-Saharan Africa) with no recipient-country: a proposal needs "
        "the countries it works in"
    ]
