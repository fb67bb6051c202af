"""User text shown as text: Markdown escaping and flattening of tuple cells (``ui.safe``)."""

from __future__ import annotations

import math

import pandas as pd

from ui.safe import escape_markdown, flatten_for_display, join_values, one_line


def test_markdown_links_emphasis_html_and_icons_are_escaped():
    text = "**Bold** <b>x</b> [click](javascript:alert(1)) :red[alarm] :material/home: $x$"
    escaped = escape_markdown(text)
    for fragment in ("**", "<b>", "](", ":red[", "$x$"):
        assert fragment not in escaped
    assert "\\:material/home\\:" in escaped
    assert escaped.replace("\\", "") == text


def test_escaping_keeps_lines_only_when_asked():
    assert escape_markdown("one\ntwo") == "one two"
    assert escape_markdown("a_b\nc", keep_lines=True) == "a\\_b  \nc"


def test_one_line_handles_missing_values_and_cuts_long_text():
    assert one_line(None) == ""
    assert one_line(math.nan) == ""
    assert one_line("  many   spaces\n here ") == "many spaces here"
    assert one_line("abcdefghij", limit=5) == "abcd…"


def test_tuple_cells_are_joined_for_display():
    frame = pd.DataFrame({"countries": [("KEN", "UGA"), ()], "n": [1, 2]})
    shown = flatten_for_display(frame)
    assert shown["countries"].tolist() == ["KEN; UGA", ""]
    assert shown["n"].tolist() == [1, 2]
    assert join_values((11, 15)) == "11; 15"
    assert join_values(math.nan) == ""
