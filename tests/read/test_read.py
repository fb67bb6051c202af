"""Bytes to a raw table: delimiters, encodings, Excel layout, limits, unreadable files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from matcher.errors import UnreadableFileError
from matcher.read import read_table


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_any_common_delimiter_is_found(delimiter: str) -> None:
    text = (
        delimiter.join(["id", "title", "countries"])
        + "\n"
        + delimiter.join(["P1", "Reefs, mangroves", "Fiji"])
        + "\n"
    )
    if delimiter == ",":
        text = 'id,title,countries\nP1,"Reefs, mangroves",Fiji\n'
    table = read_table(text.encode())
    assert table.delimiter == delimiter
    assert table.frame.to_dict(orient="records") == [
        {"id": "P1", "title": "Reefs, mangroves", "countries": "Fiji"}
    ]


def test_utf8_with_and_without_bom_read_the_same() -> None:
    text = "id;title\nP1;Forêt de Taï\n"
    with_bom = read_table(text.encode("utf-8-sig"))
    without = read_table(text.encode("utf-8"))
    assert list(with_bom.frame.columns) == ["id", "title"]
    assert with_bom.frame.equals(without.frame)
    assert with_bom.frame.loc[0, "title"] == "Forêt de Taï"


def test_utf16_with_bom_is_read_without_being_named() -> None:
    table = read_table("id\ttitle\nP1\tRéserve\n".encode("utf-16"))
    assert table.frame.loc[0, "title"] == "Réserve"


def test_non_utf8_file_error_suggests_naming_the_encoding() -> None:
    data = "id,title\nP1,Forêt\n".encode("cp1252")
    with pytest.raises(UnreadableFileError, match="--encoding cp1252"):
        read_table(data)
    assert read_table(data, encoding="cp1252").frame.loc[0, "title"] == "Forêt"


def test_wrong_or_unknown_encoding_names_are_clear_errors() -> None:
    with pytest.raises(UnreadableFileError, match='Unknown encoding "klingon"'):
        read_table(b"id,title\n", encoding="klingon")
    with pytest.raises(UnreadableFileError, match="not valid ascii"):
        read_table("id,title\nP1,Forêt\n".encode(), encoding="ascii")


def test_row_numbers_are_those_a_person_sees_with_multiline_cells_and_blank_lines() -> None:
    data = b'id,title\nP1,"two\nlines"\n\nP2,after a blank line\n'
    table = read_table(data)
    assert table.frame["id"].tolist() == ["P1", "P2"]
    assert table.source_rows == (2, 4)
    assert table.frame.loc[0, "title"] == "two\nlines"


def test_short_rows_are_padded_and_long_rows_reported() -> None:
    table = read_table(b"id,title,country\nP1,Reefs\nP2,Reefs,Fiji,extra\n")
    assert table.frame.loc[0, "country"] == ""
    assert table.row_problems == {
        1: (
            "row has 4 cells but the header has 3; a value probably contains the delimiter comma without quotes",
            "P2,Reefs,Fiji,extra",
        )
    }


def test_title_row_above_the_header_is_skipped() -> None:
    data = b"LifeWeb proposals received in 2013,,\n,,\nid,title,country\nP1,Reefs,Fiji\n"
    table = read_table(data)
    assert table.header_row == 3
    assert table.headers == ("id", "title", "country")
    assert table.source_rows == (4,)


def test_duplicate_and_empty_headers_are_made_unique() -> None:
    table = read_table(b"id,title,,title\nP1,A,x,B\n")
    assert list(table.frame.columns) == ["id", "title", "column_3", "title_2"]


def _xlsx_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "Proposals 2013"
    sheet.merge_cells("A1:C1")
    sheet.append(["id", "country", "amount"])
    sheet.append(["P1", "Peru", 1200000])
    sheet.append(["P2", None, 2500000.5])
    sheet.merge_cells("B3:B4")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_title_row_skipped_and_merged_cells_filled() -> None:
    table = read_table(_xlsx_bytes())
    assert table.file_format == "xlsx"
    assert table.header_row == 2
    assert table.frame.to_dict(orient="records") == [
        {"id": "P1", "country": "Peru", "amount": "1200000"},
        {"id": "P2", "country": "Peru", "amount": "2500000.5"},
    ]
    assert table.source_rows == (3, 4)


def test_xlsx_is_recognised_from_a_binary_file_object() -> None:
    assert read_table(io.BytesIO(_xlsx_bytes())).file_format == "xlsx"


def test_size_and_row_limits_give_clear_messages(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match=r"the limit is 0 MB\. Split it"):
        read_table(b"id,title\nP1,A\n", max_bytes=10)
    rows = "id,title\n" + "".join(f"P{i},T\n" for i in range(11))
    with pytest.raises(UnreadableFileError, match="The file has 11 rows; the limit is 10"):
        read_table(rows.encode(), max_rows=10)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"  \n\n", "The file is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel .xls"),
        (b"id,title\x00\x00\x00\x01\x02\n" * 20, "binary data"),
        (b"PK\x03\x04 not really a zip", "Cannot open the Excel file"),
    ],
)
def test_unreadable_inputs_raise_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(UnreadableFileError, match=message):
        read_table(data)


def test_missing_file_and_folder_are_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="No such file"):
        read_table(tmp_path / "nowhere.csv")
    with pytest.raises(UnreadableFileError, match="is a folder"):
        read_table(tmp_path)


def test_random_bytes_are_unreadable(messy_dir: Path) -> None:
    with pytest.raises(UnreadableFileError):
        read_table(messy_dir / "garbage.bin")


def test_xlsx_currency_number_format_travels_with_the_amount() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "amount"])
    sheet.append(["P1", 1200000])
    sheet.append(["P2", 850000])
    sheet.append(["P3", 5000])
    sheet["B2"].number_format = '#,##0 "€"'
    sheet["B3"].number_format = '"$"#,##0.00'
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue())
    assert table.frame["amount"].tolist() == ["1200000 EUR", "850000 USD", "5000"]
