"""User text shown as text: Markdown escaping and flattening of tuple cells (``ui.safe``)."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from ui.safe import escape_markdown, flatten_for_display, join_values, one_line


def test_markdown_links_emphasis_html_and_icons_are_escaped():
    text = "**Bold** <b>x</b> [click](javascript:alert(1)) :red[alarm] :material/home: $x$"
    escaped = escape_markdown(text)
    for fragment in ("**", "<b>", "](", ":red[", "$x$"):
        assert fragment not in escaped
    assert escaped.replace("\\", "").replace("\u2060", "") == text


def test_escaping_keeps_lines_only_when_asked():
    assert escape_markdown("one\ntwo") == "one two"
    assert escape_markdown("a_b\nc", keep_lines=True) == "a\\_b  \nc"


# What GitHub-flavoured Markdown and Streamlit still turn into links and icons once the
# backslash escapes are undone (mdast-util-gfm-autolink-literal, Streamlit's icon shortcodes).
AUTOLINK_OR_ICON = re.compile(
    r"https?://|www\.|[-.\w+]+@[-\w]+(\.[-\w]+)+|:material/\w+:|:[a-z_]+:", re.IGNORECASE
)


@pytest.mark.parametrize("keep_lines", [False, True])
def test_links_emails_and_icon_codes_stay_plain_text(keep_lines):
    text = "see https://evil.example/x, WWW.evil.example, bob@evil.example :material/home: :smile:"
    escaped = escape_markdown(text + "\nline two http://x.y", keep_lines=keep_lines)
    unescaped = re.sub(r"\\(.)", r"\1", escaped)
    assert AUTOLINK_OR_ICON.search(unescaped) is None, unescaped
    assert unescaped.replace("\u2060", "").replace("  \n", " ") == text + " line two http://x.y"


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
