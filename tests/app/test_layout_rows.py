"""Row heights that show titles whole (``ui.layout``), without a browser.

The browser test ``tests/e2e/test_layout.py`` checks the same in Chromium with the page's
own font; these pin the arithmetic on the shipped sample and on a title past the cap.
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from matcher.reference import data_dir
from ui.layout import (
    MAX_TITLE_LINES,
    WRAPPED_ROW_PX,
    title_lines,
    title_row_height,
    titles_cut_to_fit,
)

SAMPLE_TITLES = pd.read_csv(data_dir() / "proposals.csv", dtype=str)["title"]


def test_every_sample_title_fits_under_the_cap_in_the_match_tables_column():
    assert max(title_lines(t, 185) for t in SAMPLE_TITLES) <= MAX_TITLE_LINES


def test_short_titles_keep_four_line_rows_and_long_ones_get_taller_rows():
    assert title_row_height(["Coral reefs"], 185) == WRAPPED_ROW_PX
    assert title_row_height(SAMPLE_TITLES, 185) > WRAPPED_ROW_PX
    assert title_row_height(SAMPLE_TITLES, 185) > title_row_height(SAMPLE_TITLES, 400)


def test_a_sample_table_is_drawn_as_it_is():
    table = pd.DataFrame({"title": SAMPLE_TITLES, "score": 0.5})
    drawn, _ = titles_cut_to_fit(table, "title", 185)
    assert drawn is table


def test_a_title_past_the_cap_is_drawn_cut_with_an_ellipsis_and_kept_whole():
    long_title = " ".join(["mangrove restoration and community fisheries"] * 20)
    table = pd.DataFrame({"title": [long_title, "Short"], "score": [0.4, 0.6]})
    drawn, height = titles_cut_to_fit(table, "title", 185)
    assert isinstance(drawn, Styler)
    body = drawn._translate(False, False)["body"]  # what Streamlit sends as display values
    shown = body[0][1]["display_value"]
    assert shown.endswith("…")
    assert title_lines(shown, 185) <= MAX_TITLE_LINES
    assert body[1][1]["display_value"] == "Short"
    assert drawn.data["title"].iloc[0] == long_title
    assert height == title_row_height([shown], 185)
