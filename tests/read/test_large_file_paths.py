"""The shortcuts that make large files fast give exactly what the cell-by-cell path gives.

Text columns skip :func:`html_to_text` for cells it would not change (found in one Arrow
pass), and CSV lines are cut from the text without an ``io.StringIO`` copy; these
properties pin both to the plain definitions.
"""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from matcher.load import load
from matcher.normalise import html_to_text
from matcher.read import read_table

# Every kind of character the text shortcut has to tell apart: white space that str.strip
# removes but the HTML whitespace rule does not collapse, markup, entities, line breaks.
# (No control bytes: a file full of them is refused as binary.)
TRICKY = [
    "a",
    "é",
    "越",
    "1",
    ".",
    "€",
    " ",
    "  ",
    "\t",
    "\u00a0",
    "\u2009",
    "\u202f",
    "\u3000",
    "\u2028",
    "\x85",
    "\n",
    "\r\n",
    "<p>",
    "</p>",
    "<br/>",
    "<li>",
    "&amp;",
    "&#13;",
    "&nbsp;",
    "<",
    "&",
]
tricky_text = st.lists(st.sampled_from(TRICKY), max_size=10).map("".join)


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(tricky_text, min_size=1, max_size=40))
def test_text_cells_load_as_html_to_text_of_the_trimmed_cell(descriptions: list[str]) -> None:
    rows = [[f"P{i}", "Reef", "Kenya", text] for i, text in enumerate(descriptions)]
    report = load(
        _csv_bytes(["proposal_id", "title", "countries", "description"], rows),
        "proposals",
        filename="p.csv",
    )
    assert report.n_loaded == len(descriptions)
    for (_, _, _, text), loaded, notes in zip(
        rows, report.frame["description"], report.frame["notes"], strict=True
    ):
        # The csv module reads "\r\n" inside a quoted cell back as written.
        assert loaded == html_to_text(text.strip())
        assert ("description: HTML removed" in notes) == (
            loaded != text.strip()
            and ("<" in text or "&" in text)
            and loaded != " ".join(text.strip().split())
        )


def test_long_and_short_cells_are_cleaned_alike() -> None:
    # Cells over 256 characters bypass the cache; the result must not depend on that.
    cell = "<p>Mangroves &amp;  reefs\u00a0of\tBelize</p>\r\n\r\n\r\n<li>one"
    padding = " word" * 80
    assert html_to_text(cell + padding) == html_to_text(cell) + padding
    assert html_to_text(cell) == "Mangroves & reefs of Belize\n\n- one"


def test_a_title_of_only_spaces_is_rejected_as_missing() -> None:
    report = load(
        _csv_bytes(["proposal_id", "title", "countries"], [["P1", "\u3000 \u00a0", "Kenya"]]),
        "proposals",
        filename="p.csv",
    )
    assert report.n_loaded == 0
    assert report.rejected["reason"].tolist() == ["missing title"]


line_text = st.lists(st.sampled_from(["a", "é", ",", '"', "\n", "\r", "\r\n", " "]), max_size=30)


@settings(max_examples=150, deadline=None)
@given(line_text.map("".join))
def test_csv_cells_are_what_the_csv_module_reads(body: str) -> None:
    """With every quote closed; an unclosed one is reported (tests/read/intake/test_csv_layout.py)."""
    assume(body.count('"') % 2 == 0)
    text = "id,title\n" + body
    expected = [
        row
        for row in csv.reader(io.StringIO(text, newline=""), strict=False)
        if any(cell.strip() for cell in row)
    ][1:]
    table = read_table(text.encode("utf-8"), filename="t.csv")
    assert len(table.frame) == len(expected)
    for cells, row in zip(expected, table.frame.itertuples(index=False), strict=True):
        assert list(row)[: min(2, len(cells))] == cells[:2]
