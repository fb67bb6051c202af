"""The streaming, guarded .xlsx reader (issue 14, Files)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from matcher.cli import main
from matcher.errors import UnreadableFileError
from matcher.intake import xlsx
from matcher.load import load
from matcher.read import read_table


def _book(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_formula_without_a_cached_value_is_kept_as_text_and_noted() -> None:
    # openpyxl, like any script, writes the formula and no value: Excel never computed it.
    data = _book(
        [
            ["proposal_id", "title", "countries"],
            ["P1", '=HYPERLINK("http://example.org","Click")', "Kenya"],
        ]
    )
    report = load(data, filename="p.xlsx")
    assert report.n_rejected == 0
    row = report.frame.iloc[0]
    assert row["title"] == '=HYPERLINK("http://example.org","Click")'
    assert "title: formula kept as text" in row["notes"]


def test_cached_values_dates_booleans_and_currency_formats_read_as_before() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["proposal_id", "title", "countries", "submitted_on", "requested_amount", "flag"])
    sheet.append(["P1", "Reefs", "Fiji", dt.date(2013, 5, 2), 1_200_000, True])
    sheet["E2"].number_format = '#,##0 "€"'.replace('"€"', "€")
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), filename="p.xlsx")
    assert table.frame.iloc[0].tolist() == [
        "P1",
        "Reefs",
        "Fiji",
        "2013-05-02",
        "1200000 EUR",
        "TRUE",
    ]


def test_merged_title_row_is_skipped_and_merged_cells_filled() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["LifeWeb proposals 2026"])
    sheet.merge_cells("A1:C1")
    sheet.append(["proposal_id", "title", "countries"])
    sheet.append(["P1", "Reefs", "Fiji"])
    sheet.append(["P2", "Forests", None])
    sheet.merge_cells("C3:C4")
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), filename="p.xlsx")
    assert table.header_row == 2
    assert table.frame["countries"].tolist() == ["Fiji", "Fiji"]


def _bomb(sheet_bytes: int) -> bytes:
    """A real workbook whose sheet holds ``sheet_bytes`` of blank padding: a zip bomb."""
    plain = _book([["proposal_id", "title"], ["P1", "T"]])
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"<sheetData>", b"<sheetData>" + b" " * sheet_bytes)
            target.writestr(info.filename, body)
    return buffer.getvalue()


def test_an_archive_unpacking_past_the_limit_is_refused_before_reading(monkeypatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED", 5_000_000)
    data = _bomb(6_000_000)
    assert len(data) < 100_000
    with pytest.raises(UnreadableFileError, match=r"unpacks to 6 MB .*the limit is 5 MB"):
        read_table(data, filename="p.xlsx")


def test_a_part_that_unpacks_hundreds_of_times_over_is_refused() -> None:
    with pytest.raises(UnreadableFileError, match="times over"):
        read_table(_bomb(30_000_000), filename="p.xlsx")


def test_validate_refuses_a_zip_bomb_in_one_line(tmp_path, capsys) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_bomb(30_000_000))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_the_row_limit_stops_the_sheet_read_while_streaming() -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["proposal_id", "title"])
    for i in range(2_000):
        sheet.append([f"P{i}", "T"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(
        UnreadableFileError,
        match=r"more than 100 rows \(reading stopped at row 116\); the limit is 100\.",
    ):
        read_table(buffer.getvalue(), filename="p.xlsx", max_rows=100)


def test_a_sheet_wider_than_the_column_limit_is_refused() -> None:
    data = _book([[f"c{i}" for i in range(600)]])
    with pytest.raises(UnreadableFileError, match="the limit is 500 columns"):
        read_table(data, filename="wide.xlsx")


def test_allocate_budgets_go_through_the_guarded_reader(tmp_path, capsys) -> None:
    from pathlib import Path

    data_dir = Path(__file__).resolve().parents[3] / "data"
    budgets = tmp_path / "budgets.xlsx"
    budgets.write_bytes(_bomb(30_000_000))
    code = main(
        [
            "allocate",
            "--proposals",
            str(data_dir / "proposals.csv"),
            "--donors",
            str(data_dir / "donors.csv"),
            "--budgets",
            str(budgets),
            "--out",
            str(tmp_path / "plan.csv"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "budgets file" in err and "times over" in err
    assert "Traceback" not in err


def test_escaped_control_characters_in_a_sheet_are_decoded_removed_and_noted() -> None:
    plain = _book([["proposal_id", "title", "countries"], ["P1", "Reefs_x000B_ of Fiji", "Fiji"]])
    table = read_table(plain, filename="p.xlsx")
    assert table.frame.loc[0, "title"] == "Reefs of Fiji"
    assert table.row_notes[0] == ["title: control characters removed"]


def test_an_escaped_nul_in_a_sheet_rejects_its_row() -> None:
    data = _book(
        [
            ["proposal_id", "title", "countries"],
            ["P1", "Bad_x0000_title", "Fiji"],
            ["P2", "Reefs", "Fiji"],
        ]
    )
    report = load(data, filename="p.xlsx")
    assert report.frame["proposal_id"].tolist() == ["P2"]
    assert "NUL byte" in report.rejected.loc[0, "reason"]


def test_the_plan_pages_budget_upload_goes_through_the_guarded_reader() -> None:
    from matcher.errors import LifeWebMatchError
    from ui.plan import read_budgets

    with pytest.raises(LifeWebMatchError, match="times over"):
        read_budgets(_bomb(30_000_000), "budgets.xlsx")
    frame = read_budgets(b"donor_id,budget,currency\nD1,1000000,EUR\n", "budgets.csv")
    assert frame.to_dict(orient="records") == [
        {"donor_id": "D1", "budget": "1000000", "currency": "EUR"}
    ]


def test_a_sheet_declaring_entities_is_refused_unexpanded() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    plain = _book([["proposal_id", "title"], ["P1", "T"]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                rest = body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body
                body = laughs + rest.replace(b"<v>", b"<v>&lol2;", 1)
            target.writestr(info.filename, body)
    with pytest.raises(UnreadableFileError, match="document type declaration"):
        read_table(buffer.getvalue(), filename="p.xlsx")
