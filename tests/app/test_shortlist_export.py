"""Shortlist tables and their CSV/Excel bytes (``ui.shortlists``), checked byte for byte."""

from __future__ import annotations

import csv
import io
import math

import openpyxl
import pandas as pd
import pytest

from ui.shortlists import export_filename, moved, shortlist_export, shortlist_table

HYPERLINK = '=HYPERLINK("http://example.org","x")'


@pytest.fixture
def items() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "position": [2, 1],
            "proposal_id": ["MSY-03", "MSY-02"],
            "title": [HYPERLINK, "Páramo water towers of the northern Andes"],
            "countries": [("VNM",), ("COL", "ECU")],
            "requested_amount": [2_500_000.0, 1_250_000.0],
            "currency": ["EUR", "EUR"],
            "note": ["-check budget", ""],
        }
    )


@pytest.fixture
def scores() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "proposal_id": ["MSY-02", "MSY-03", "OTHER"],
            "score": [0.71, 0.42, 0.9],
            "eligible": [True, False, True],
            "reasons": ["", "outside eligible regions", ""],
            "explanation": ["shares Aichi 5 and 11", "+ close to its priorities", ""],
            "score_thematic": [0.8, 0.3, 0.1],
            "score_targets": [1.0, math.nan, 0.0],
        }
    )


@pytest.fixture
def latest() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "proposal_id": ["MSY-02", "MSY-02"],
            "donor_id": ["ES", "DE-IKI"],
            "status": ["contacted", "declined"],
            "amount": [300_000.0, math.nan],
            "decided_at": pd.to_datetime(["2026-11-20 10:00", "2026-11-21 09:00"], utc=True),
            "recorded_by": ["ana", "jo"],
        }
    )


def build(items, scores, latest) -> pd.DataFrame:
    return shortlist_table(items, donor_id="ES", donor_name="Spain", scores=scores, latest=latest)


def test_table_follows_shortlist_order_with_scores_and_this_donors_decision(items, scores, latest):
    table = build(items, scores, latest)
    assert table["proposal_id"].tolist() == ["MSY-02", "MSY-03"]
    assert table["position"].tolist() == [1, 2]
    assert table["countries"].tolist() == ["Colombia, Ecuador", "Viet Nam"]
    assert table["country_codes"].tolist() == ["COL; ECU", "VNM"]
    assert table["score"].tolist() == [0.71, 0.42]
    assert table["reasons"].tolist() == ["", "outside eligible regions"]
    assert table["decision"].tolist() == ["contacted", ""]  # DE-IKI's decision is not Spain's
    assert table.loc[0, "decided_at"] == "2026-11-20 10:00 UTC"
    assert list(table.columns[-5:]) == [
        "note",
        "decision",
        "decision_amount",
        "decided_at",
        "recorded_by",
    ]
    assert {"score_thematic", "score_targets"} <= set(table.columns)


def test_csv_export_has_a_bom_and_neutralises_formulas(items, scores, latest):
    export = shortlist_export(
        build(items, scores, latest), event_name="Mekong roundtable", donor_name="Spain"
    )
    data = export.csv_bytes
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["proposal_id"] for r in rows] == ["MSY-02", "MSY-03"]
    assert rows[0]["title"] == "Páramo water towers of the northern Andes"
    assert rows[1]["title"] == "'" + HYPERLINK
    assert rows[1]["note"] == "'-check budget"
    assert rows[1]["explanation"] == "'+ close to its priorities"
    assert rows[0]["requested_amount"] == "1250000.0"
    assert export.filename_stem == "shortlist-mekong-roundtable-spain"


def test_excel_export_stores_the_formula_as_text(items, scores, latest):
    export = shortlist_export(build(items, scores, latest), event_name="x", donor_name="y")
    sheet = openpyxl.load_workbook(io.BytesIO(export.excel_bytes)).active
    header = [cell.value for cell in sheet[1]]
    title_cell = sheet.cell(row=3, column=header.index("title") + 1)
    assert title_cell.value == "'" + HYPERLINK
    assert title_cell.data_type == "s"
    amount_cell = sheet.cell(row=2, column=header.index("requested_amount") + 1)
    assert amount_cell.value == 1_250_000


def test_moving_an_item_clamps_at_the_ends():
    order = ["a", "b", "c"]
    assert moved(order, "c", -1) == ["a", "c", "b"]
    assert moved(order, "a", -1) == ["a", "b", "c"]
    assert moved(order, "b", +5) == ["a", "c", "b"]
    assert moved(order, "zz", +1) == order


def test_export_file_name_is_plain_ascii():
    assert (
        export_filename("Table ronde / Côte d'Ivoire", "") == "shortlist-table-ronde-c-te-d-ivoire"
    )
    assert export_filename("", "") == "shortlist"


def test_targets_are_exported_by_number_and_short_title(items, scores, latest):
    targets = pd.DataFrame(
        {
            "proposal_id": ["MSY-02", "MSY-03"],
            "aichi_targets": [(15, 11), ()],
            "gbf_targets": [(), (3,)],
        }
    )
    table = shortlist_table(
        items, donor_id="ES", donor_name="Spain", scores=scores, latest=latest, targets=targets
    )
    from matcher.tagger import gbf_for_aichi, target_label

    assert table["aichi_targets"].tolist() == [
        f"{target_label('aichi', 11)}; {target_label('aichi', 15)}",
        "",
    ]
    assert table.loc[0, "aichi_targets"].startswith("Aichi 11 — ")
    expected_gbf = sorted(set(gbf_for_aichi((11, 15))))
    assert table.loc[0, "gbf_targets"] == "; ".join(target_label("gbf", t) for t in expected_gbf)
    assert table.loc[1, "gbf_targets"] == target_label("gbf", 3)


def test_targets_are_empty_cells_when_unknown(items, scores, latest):
    table = build(items, scores, latest)
    assert table["aichi_targets"].tolist() == ["", ""]
    assert table["gbf_targets"].tolist() == ["", ""]


def test_csv_export_keeps_multi_line_notes_in_one_safe_cell(
    items, scores, latest, assert_spreadsheet_safe
):
    items["note"] = ["ask\r=1+1", "two\nlines\n@SUM(A1)"]
    export = shortlist_export(build(items, scores, latest), event_name="x", donor_name="y")
    rows = assert_spreadsheet_safe(export.csv_bytes, n_rows=2)
    notes = [row[rows[0].index("note")] for row in rows[1:]]
    assert notes == ["two\nlines\n'@SUM(A1)", "ask\r'=1+1"]
