"""Arrow's parse of a plain CSV gives the very table the csv module's parse gives.

:func:`matcher.read.read_table` takes Arrow's parse when it can vouch for it
(:mod:`matcher.intake.arrow_csv`) and the csv module's otherwise; both routes are read here on
the same bytes and must agree in every field of the table, whichever route each file takes.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import matcher.read as read
from benchmarks.generate import write_dataset
from matcher.intake.arrow_csv import arrow_records, blank_rows
from matcher.load import _header_score_for

FIELDS = (
    "frame",
    "source_rows",
    "headers",
    "row_problems",
    "row_notes",
    "file_format",
    "encoding",
    "delimiter",
    "header_row",
    "notes",
)


def _read_both(data: bytes, **options):
    """(table, error) of the usual route and of the csv module's, and whether Arrow parsed."""
    taken: list[bool] = []
    arrow_table = read._arrow_table

    def spy(*args, **kwargs):
        table = arrow_table(*args, **kwargs)
        taken.append(table is not None)
        return table

    outcomes = []
    for route in (spy, lambda *args, **kwargs: None):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(read, "_arrow_table", route)
            try:
                outcomes.append((read.read_table(data, filename="t.csv", **options), None))
            except read.UnreadableFileError as error:
                outcomes.append((None, str(error)))
    return outcomes[0], outcomes[1], any(taken)


def _assert_same(usual: read.RawTable, plain: read.RawTable) -> None:
    pd.testing.assert_frame_equal(usual.frame, plain.frame)
    for name in FIELDS[1:]:
        assert getattr(usual, name) == getattr(plain, name), name


PIECES = ["a", "é", "越", "1", ",", ";", '"', '""', " ", "\t", "\n", "\r\n", "\r", "\u00a0", "'"]
body = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.sampled_from(["id,title", "id,title,notes", "id;title", "only", "id,title,"]),
    text=body,
    bom=st.booleans(),
)
def test_arrow_route_reads_what_the_csv_module_reads(header: str, text: str, bom: bool) -> None:
    data = (codecs.BOM_UTF8 if bom else b"") + (header + "\n" + text).encode("utf-8")
    (usual, usual_error), (plain, plain_error), _ = _read_both(data)
    assert usual_error == plain_error
    if usual is not None:
        _assert_same(usual, plain)


bare_cell = st.lists(st.sampled_from(["a", "é", "越", "1", " ", '"', "'", "\u00a0"]), max_size=6)
quoted_cell = st.lists(st.sampled_from(["a", "越", ",", '"', "\n", "\r\n", " "]), max_size=6).map(
    lambda pieces: '"' + "".join(pieces).replace('"', '""') + '"'
)
cell = st.one_of(bare_cell.map("".join), quoted_cell)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(cell, min_size=3, max_size=3), max_size=12),
    line_end=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_well_formed_rows_read_alike_by_either_route(rows: list[list[str]], line_end: str) -> None:
    """Rows of the header's width, mostly taken by Arrow: the csv module must agree cell for cell."""
    text = line_end.join(",".join(row) for row in [["id", "title", "notes"], *rows]) + line_end
    (usual, usual_error), (plain, plain_error), _ = _read_both(text.encode("utf-8"))
    assert usual_error == plain_error
    if usual is not None:
        _assert_same(usual, plain)


def test_generated_proposals_take_the_arrow_route_and_read_as_before(tmp_path: Path) -> None:
    """The benchmark's files (quoted commas, French, Spanish, Chinese) are what Arrow is for."""
    paths = write_dataset(tmp_path, 300, 20, seed=3)
    for path in (*paths.proposals, paths.donors, paths.history):
        data = path.read_bytes()
        (usual, _), (plain, _), arrow = _read_both(data, header_score=_header_score_for(None))
        assert arrow, path.name
        _assert_same(usual, plain)
        assert len(usual.frame) == len(pd.read_csv(path, dtype=str, keep_default_na=False))


@pytest.mark.parametrize(
    ("text", "arrow"),
    [
        ("id,title\n1,a\n\n2,b\n", False),  # a blank line: record numbers need the csv module
        ("id,title\n1,a\n,\n2,b\n", True),  # a row of empty cells is dropped, its number kept
        ("id,title\n1,a\n2\n", False),  # a short row is padded by the csv module
        ('id,title\n1,"a\n\nb"\n2,c\n', True),  # a blank line inside a quoted cell
        ("Proposals 2026\nid,title\n1,a\n", False),  # a title row above the header
        ("id,title\n1,'=SUM(A1)\n", False),  # an apostrophe our export put before a formula
        ('id,title\n1,a"b"\n2,"c"d\n', True),  # stray quotes are characters, as in the csv module
    ],
)
def test_files_arrow_cannot_vouch_for_are_left_to_the_csv_module(text: str, arrow: bool) -> None:
    (usual, _), (plain, _), taken = _read_both(text.encode("utf-8"))
    assert taken is arrow
    _assert_same(usual, plain)


def test_a_row_of_blank_cells_is_found_without_a_printable_character() -> None:
    columns = arrow_records("a,b\n1,x\n , \u3000\n,\n2,y\n".encode(), ",", 2)
    assert columns is not None
    assert blank_rows(columns) == [2, 3]


closed_cell = st.one_of(
    st.lists(st.sampled_from(["a", "é", "越", "1", " ", "'"]), max_size=6).map("".join), quoted_cell
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(closed_cell, min_size=3, max_size=3), min_size=10, max_size=40))
def test_a_head_cut_anywhere_finds_what_the_whole_text_finds(rows: list[list[str]]) -> None:
    """Only the head is decoded for the Arrow route: a tiny head cuts records in every place."""
    text = "\n".join(",".join(row) for row in [["id", "title", "notes"], *rows]) + "\n"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(read, "_HEAD_BYTES", 120)
        patch.setattr(read, "_SNIFF_CHARACTERS", 30)
        patch.setattr(read, "_HEADER_SEARCH_ROWS", 3)
        (usual, usual_error), (plain, plain_error), arrow = _read_both(text.encode("utf-8"))
    event(f"arrow route: {arrow}")
    assert usual_error == plain_error
    if usual is not None:
        _assert_same(usual, plain)
