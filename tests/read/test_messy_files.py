"""The deliberately messy files in ``files/`` load to exactly these values (see make_messy_files.py)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from matcher.errors import UnreadableFileError
from matcher.load import LoadReport, load, load_donors, load_history, load_proposals


def _records(report: LoadReport, columns: list[str]) -> list[dict]:
    return report.frame[columns].to_dict(orient="records")


def _problems(report: LoadReport) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.reason) for p in report.rejected.itertuples(index=False)]


PROPOSAL_VALUES = [
    "proposal_id",
    "countries",
    "requested_amount",
    "currency",
    "aichi_targets",
    "source_row",
]


def test_semicolon_csv_with_bom_keeps_every_row(messy_dir: Path) -> None:
    report = load(messy_dir / "semicolon_bom.csv")
    assert report.kind == "proposals"
    assert (report.rows_in, report.n_loaded, report.n_rejected) == (6, 4, 2)
    assert _records(report, PROPOSAL_VALUES) == [
        {
            "proposal_id": "P-001",
            "countries": ("HND", "SLV", "NIC"),
            "requested_amount": 1_250_000.0,
            "currency": "EUR",
            "aichi_targets": (11, 15),
            "source_row": 2,
        },
        {
            "proposal_id": "P-002",
            "countries": ("VNM",),
            "requested_amount": 2_500_000.0,
            "currency": "EUR",
            "aichi_targets": (5, 15),
            "source_row": 3,
        },
        {
            "proposal_id": "P-003",
            "countries": ("NAM",),
            "requested_amount": 850_000.0,
            "currency": "EUR",
            "aichi_targets": (11,),
            "source_row": 4,
        },
        {
            "proposal_id": "P-004",
            "countries": ("CIV",),
            "requested_amount": 300_000.0,
            "currency": "EUR",
            "aichi_targets": (14, 15),
            "source_row": 5,
        },
    ]
    assert _problems(report) == [
        (6, "Project title", "missing title"),
        (
            7,
            "Country/ies",
            'unknown country "Atlantis"',
        ),
    ]
    assert (
        'currency EUR from the header "Funding needed (EUR)" where a row names none'
        in report.file_notes
    )
    assert report.frame.loc[0, "notes"] == (
        'countries: "Honduras, El Salvador and Nicaragua" -> HND;SLV;NIC; '
        'requested_amount: "1.250.000,00" -> 1,250,000; aichi_targets: "T11;T15" -> 11;15'
    )


def test_french_cp1252_needs_its_encoding_named(messy_dir: Path) -> None:
    with pytest.raises(UnreadableFileError, match="--encoding cp1252"):
        load(messy_dir / "french_cp1252.csv")
    report = load_proposals(messy_dir / "french_cp1252.csv", encoding="cp1252")
    assert _records(report, [*PROPOSAL_VALUES, "title", "summary"]) == [
        {
            "proposal_id": "FR-1",
            "countries": ("COD",),
            "requested_amount": 1_500_000.0,
            "currency": "EUR",
            "aichi_targets": (11,),
            "source_row": 2,
            "title": "Réserve de biosphère de Yangambi",
            "summary": "Forêt dense & humide",
        },
        {
            "proposal_id": "FR-2",
            "countries": ("COM",),
            "requested_amount": 450_000.0,
            "currency": "EUR",
            "aichi_targets": (11, 12),
            "source_row": 3,
            "title": "Parc national du Karthala",
            "summary": "Forêt de montagne",
        },
        {
            "proposal_id": "FR-3",
            "countries": ("MDG", "COM"),
            "requested_amount": 2_000_000.0,
            "currency": "EUR",
            "aichi_targets": (5, 11),
            "source_row": 4,
            "title": "Aires marines de Madagascar",
            "summary": "",
        },
    ]
    assert _problems(report) == [
        (5, "Montant demandé", 'negative amount "-50 000"'),
        (6, "Objectifs d'Aichi", "target 25 is outside 1-20"),
    ]


def test_gbk_chinese_file_with_chinese_headers(messy_dir: Path) -> None:
    report = load(messy_dir / "chinese_gbk.csv", encoding="gbk")
    assert report.header_mapping["column"].tolist() == [
        "proposal_id",
        "title",
        "countries",
        "requested_amount",
        "currency",
        "aichi_targets",
    ]
    assert _records(report, [*PROPOSAL_VALUES, "title"]) == [
        {
            "proposal_id": "CN-01",
            "countries": ("VNM",),
            "requested_amount": 1_200_000.0,
            "currency": "USD",
            "aichi_targets": (11, 15),
            "source_row": 2,
            "title": "湄公河湿地保护",
        },
        {
            "proposal_id": "CN-02",
            "countries": ("LAO",),
            "requested_amount": 850_000.0,
            "currency": "USD",
            "aichi_targets": (5,),
            "source_row": 3,
            "title": "老挝森林走廊",
        },
        {
            "proposal_id": "CN-03",
            "countries": ("TZA", "KEN"),
            "requested_amount": 2_000_000.0,
            "currency": "EUR",
            "aichi_targets": (11,),
            "source_row": 4,
            "title": "东非海岸保护",
        },
    ]
    assert report.n_rejected == 0


def test_xlsx_with_title_row_and_merged_cells(messy_dir: Path) -> None:
    report = load(messy_dir / "title_row_merged.xlsx")
    assert "header on row 3; rows above it skipped" in report.file_notes
    assert _records(report, [*PROPOSAL_VALUES, "ecosystems"]) == [
        {
            "proposal_id": "XL-1",
            "countries": ("PER",),
            "requested_amount": 1_200_000.0,
            "currency": "USD",
            "aichi_targets": (11, 15),
            "source_row": 4,
            "ecosystems": ("forests", "freshwater"),
        },
        {
            "proposal_id": "XL-2",
            "countries": ("PER",),
            "requested_amount": 850_000.0,
            "currency": "USD",
            "aichi_targets": (5, 11),
            "source_row": 5,
            "ecosystems": ("mountains",),
        },
        {
            "proposal_id": "XL-3",
            "countries": ("PER",),
            "requested_amount": 850_000.0,
            "currency": "USD",
            "aichi_targets": (15,),
            "source_row": 6,
            "ecosystems": ("wetlands", "marine_coastal"),
        },
        {
            "proposal_id": "XL-4",
            "countries": ("FSM", "PLW", "MHL"),
            "requested_amount": 2_500_000.5,
            "currency": "USD",
            "aichi_targets": (11,),
            "source_row": 8,
            "ecosystems": ("islands",),
        },
    ]
    assert report.rows_in == 4


def test_spanish_headers_tab_delimited(messy_dir: Path) -> None:
    report = load(messy_dir / "spanish_tab.csv")
    assert report.n_rejected == 0
    assert _records(report, PROPOSAL_VALUES) == [
        {
            "proposal_id": "ES-1",
            "countries": ("BOL",),
            "requested_amount": 3_500_000.0,
            "currency": "USD",
            "aichi_targets": (15,),
            "source_row": 2,
        },
        {
            "proposal_id": "ES-2",
            "countries": ("PER", "ECU"),
            "requested_amount": 850_000.0,
            "currency": "USD",
            "aichi_targets": (11, 14),
            "source_row": 3,
        },
        {
            "proposal_id": "ES-3",
            "countries": ("VEN",),
            "requested_amount": 1_250_000.0,
            "currency": "EUR",
            "aichi_targets": (11,),
            "source_row": 4,
        },
    ]


def test_broken_rows_are_rejected_with_row_column_and_reason(messy_dir: Path) -> None:
    report = load(messy_dir / "broken_rows.csv")
    assert (report.rows_in, report.n_loaded, report.n_rejected) == (10, 3, 7)
    assert report.frame["proposal_id"].tolist() == ["B-1", "B-9", "B-10"]
    assert _problems(report) == [
        (3, "proposal_id", 'duplicate proposal_id "B-1" (first on row 2)'),
        (
            4,
            "",
            "row has 7 cells but the header has 6; a value probably contains the delimiter comma without quotes",
        ),
        (5, "requested_amount", 'unreadable amount "lots of money" (no number)'),
        (6, "aichi_targets", "target 21 is outside 1-20"),
        (7, "proposal_id", "missing proposal id"),
        (
            9,
            "countries",
            'unknown country "Keyna" (did you mean Kenya (KEN)?)',
        ),
        (10, "requested_amount", "amount is in EUR but the currency column says USD"),
    ]
    assert report.rejected.loc[1, "value"] == "B-3,Unquoted thousands,Kenya,$850,000,USD,11"
    assert report.rejected_rows["source_row"].tolist() == [3, 4, 5, 6, 7, 9, 10]


def test_near_duplicate_proposals_are_flagged_not_dropped(messy_dir: Path) -> None:
    report = load(messy_dir / "broken_rows.csv")
    pairs = report.near_duplicates[
        ["proposal_id", "other_proposal_id", "row", "other_row", "countries"]
    ]
    assert pairs.to_dict(orient="records") == [
        {
            "proposal_id": "B-1",
            "other_proposal_id": "B-10",
            "row": 2,
            "other_row": 12,
            "countries": "KEN",
        },
    ]
    assert "B-10" in report.frame["proposal_id"].tolist()
    assert report.frame.loc[0, "notes"].endswith(
        'possible duplicate of "B-10" (row 12): same country, similar title'
    )


def test_messy_donors(messy_dir: Path) -> None:
    report = load_donors(messy_dir / "donors_messy.csv")
    columns = [
        "donor_id",
        "aliases",
        "eligible_regions",
        "eligible_countries",
        "min_grant",
        "max_grant",
        "currency",
        "aichi_targets",
        "active",
    ]
    assert _records(report, columns) == [
        {
            "donor_id": "D-1",
            "aliases": ("GEF", "Global Environmental Facility"),
            "eligible_regions": ("Sub-Saharan Africa", "SIDS"),
            "eligible_countries": (),
            "min_grant": 50_000.0,
            "max_grant": 30_000_000.0,
            "currency": "USD",
            "aichi_targets": (11, 12),
            "active": True,
        },
        {
            "donor_id": "D-3",
            "aliases": ("EAT",),
            "eligible_regions": (),
            "eligible_countries": ("KEN", "UGA", "TZA"),
            "min_grant": 50_000.0,
            "max_grant": 2_000_000.0,
            "currency": "EUR",
            "aichi_targets": (11,),
            "active": True,
        },
    ]
    assert _problems(report) == [
        (
            3,
            "",
            "row has 8 cells but the header has 11; a value probably contains the delimiter comma without quotes",
        ),
        (5, "Eligible regions", 'unknown region "Mars" (did you mean Americas?)'),
        (6, "Min grant", "min_grant 5,000,000 is larger than max_grant 1,000,000"),
        (7, "Active", 'unreadable active flag "maybe" (write yes or no)'),
    ]


def test_messy_history(messy_dir: Path) -> None:
    report = load_history(messy_dir / "history_messy.csv")
    records = _records(report, ["proposal_id", "donor", "amount", "currency", "year"])
    assert records == [
        {
            "proposal_id": "P-001",
            "donor": "Germany",
            "amount": 1_200_000.0,
            "currency": "EUR",
            "year": 2012,
        },
        {
            "proposal_id": "P-001",
            "donor": "Global Environmental Facility",
            "amount": 500_000.0,
            "currency": "USD",
            "year": 2013,
        },
        {
            "proposal_id": "P-002",
            "donor": "Spain",
            "amount": 250_000.0,
            "currency": "EUR",
            "year": 2011,
        },
    ]
    assert _problems(report) == [(5, "Amount funded", 'unreadable amount "unknown" (no number)')]
    assert not any(math.isnan(a) for a in report.frame["amount"])
