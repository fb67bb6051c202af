"""How tables and focus look: the columns a person decides on fit a 1280 px laptop.

Streamlit's grid wraps text only in rows taller than 4 rem (64 px), so tables whose titles
or reasons are long use rows of at least :data:`WRAPPED_ROW_PX` (four lines) and narrow
text columns; a cell's full text opens with Enter or a double click on it. Widths are in CSS
pixels: at 1280x800 with the sidebar open the main column is 820 px wide and the
row-selection boxes take 33 of them, so a table's deciding columns add up to 760 px or less.

A table with titles takes its row height from the longest title it shows
(:func:`title_row_height`), so every title is read whole, up to :data:`MAX_TITLE_LINES`
lines; a longer one is drawn cut with an ellipsis (:func:`titles_cut_to_fit`) while its
cell keeps the whole text for Enter, a double click, copying and screen readers.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd
from pandas.io.formats.style import Styler

__all__ = [
    "FOCUS_CSS",
    "MAX_TITLE_LINES",
    "WRAPPED_ROW_PX",
    "title_lines",
    "title_row_height",
    "titles_cut_to_fit",
]

WRAPPED_ROW_PX = 76
MAX_TITLE_LINES = 10

# How the grid (glide-data-grid in Streamlit 1.67) draws a wrapped cell: Streamlit's body
# font ("Source Sans", weight 400) at 14 px, 8 px padding each side, lines 1.4 times the
# glyphs' height apart, 3 px padding on top. That height is the canvas's measureText of
# "ABCi09jgqpy": 13 px as Debian's Chromium measures it (the font outlines' 12.85 px made
# rows of nine or ten lines 1 px short and the grid clipped the last line's descenders;
# tests/e2e/test_title_rows.py reads it in the page). Advance widths at 14 px are read
# from the font Streamlit ships (SourceSansVF, wght 400, fontTools); other letters take
# their base letter's width, East Asian wide ones 14 px.
_CELL_PADDING_PX = 8
_TOP_PADDING_PX = 3
_GLYPH_HEIGHT_PX = 13.0
_LINE_STEP_PX = 1.4 * _GLYPH_HEIGHT_PX
# Kerning and rounding make the browser's lines up to a few per cent longer than the sum
# of advances, so lines are filled to this share of the width only.
_FILL = 0.97
# fmt: off
_ADVANCE_CHARS = (
    ' !"#$%&\'()*+'
    ',-./01234567'
    '89:;<=>?@ABC'
    'DEFGHIJKLMNO'
    'PQRSTUVWXYZ['
    '\\]^_`abcdefg'
    'hijklmnopqrs'
    'tuvwxyz{|}~«'
    '°·»–—‘’“”…'
)
_ADVANCE_PX = dict(zip(_ADVANCE_CHARS, (
    2.8, 4.05, 5.96, 6.96, 6.96, 11.54, 8.53, 3.49, 4.24, 4.24, 5.85, 6.96,
    3.49, 4.35, 3.49, 4.9, 6.96, 6.96, 6.96, 6.96, 6.96, 6.96, 6.96, 6.96,
    6.96, 6.96, 3.49, 3.49, 6.96, 6.96, 6.96, 5.95, 11.86, 7.6, 8.23, 7.99,
    8.61, 7.38, 6.92, 8.64, 9.13, 3.68, 6.71, 8.11, 6.8, 10.18, 9.06, 9.3,
    7.92, 9.3, 7.97, 7.48, 7.5, 9.03, 7.21, 11.0, 7.18, 6.66, 7.55, 4.24,
    4.9, 4.24, 6.96, 7.0, 7.59, 7.06, 7.74, 6.38, 7.77, 6.94, 4.09, 7.06,
    7.62, 3.44, 3.46, 6.93, 3.57, 11.61, 7.66, 7.59, 7.77, 7.77, 4.86, 5.87,
    4.73, 7.62, 6.54, 10.07, 6.24, 6.54, 5.95, 4.24, 3.37, 4.24, 6.96, 6.01,
    4.63, 3.49, 6.01, 6.72, 11.2, 3.49, 3.49, 5.96, 5.96, 13.27,
), strict=True))
# fmt: on
_LOWERCASE_PX = sum(_ADVANCE_PX[c] for c in "abcdefghijklmnopqrstuvwxyz") / 26


def _advance(char: str) -> float:
    if char in _ADVANCE_PX:
        return _ADVANCE_PX[char]
    base = unicodedata.normalize("NFKD", char)[:1]
    if base in _ADVANCE_PX:
        return _ADVANCE_PX[base]
    return 14.0 if unicodedata.east_asian_width(char) in "WF" else 1.2 * _LOWERCASE_PX


def _text_px(text: str) -> float:
    return sum(_advance(c) for c in text)


@lru_cache(maxsize=4096)
def _wrapped(text: str, column_px: int) -> tuple[str, ...]:
    """The lines the grid draws ``text`` on in a column ``column_px`` wide (greedy, at spaces).

    Cached: every new session measures the same titles, char by char (~40 ms for 50 rows).
    """
    room = (column_px - 2 * _CELL_PADDING_PX) * _FILL
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and _text_px(candidate) > room:
                lines.append(line)
                line = word
            else:
                line = candidate
            while _text_px(line) > room and len(line) > 1:  # a word wider than the column
                cut = max(1, next(i for i in range(len(line), 0, -1) if _text_px(line[:i]) <= room))
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return tuple(lines)


def title_lines(text: str, column_px: int) -> int:
    """How many lines ``text`` takes in a grid column ``column_px`` wide."""
    return len(_wrapped(text, column_px))


def _row_px(lines: int) -> int:
    return math.ceil(_GLYPH_HEIGHT_PX + _LINE_STEP_PX * (lines - 1) + _TOP_PADDING_PX + 1)


def title_row_height(titles: Iterable[object], column_px: int) -> int:
    """Row height (px) that shows the longest of ``titles`` whole, within the line cap.

    Never below :data:`WRAPPED_ROW_PX`, so the other wrapped columns keep four lines.
    """
    most = max((title_lines(str(t), column_px) for t in titles if pd.notna(t)), default=1)
    return max(WRAPPED_ROW_PX, _row_px(min(most, MAX_TITLE_LINES)))


def _cut(text: object, column_px: int) -> object:
    if pd.isna(text):
        return ""
    lines = _wrapped(str(text), column_px)
    if len(lines) <= MAX_TITLE_LINES:
        return text
    kept = lines[:MAX_TITLE_LINES]
    last = kept[-1]
    while last and _text_px(f"{last} …") > (column_px - 2 * _CELL_PADDING_PX) * _FILL:
        last = last[: last.rfind(" ")] if " " in last else last[:-1]
    return " ".join([*kept[:-1], f"{last} …"])


def titles_cut_to_fit(
    table: pd.DataFrame, column: str, column_px: int
) -> tuple[pd.DataFrame | Styler, int]:
    """``table`` to draw, and its row height, for titles in ``column`` (``column_px`` wide).

    Titles longer than :data:`MAX_TITLE_LINES` lines are drawn cut with an ellipsis through
    a Styler's display values; the cell's value stays whole (Enter, copy, screen readers).
    A table whose titles all fit is returned as it is.
    """
    height = title_row_height(table[column], column_px)
    if not any(title_lines(str(t), column_px) > MAX_TITLE_LINES for t in table[column].dropna()):
        return table, height
    text = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]
    styled = table.style.format(na_rep="", subset=text)
    return styled.format(lambda t: _cut(t, column_px), subset=[column]), height


# Keyboard focus must be visible (WCAG 2.4.7). Streamlit's own rings cover links and buttons;
# its text fields, select boxes, date fields and sliders only change a 1 px border colour and
# its toggles, checkboxes and radio options show nothing, so those get the same ring.
# Selectors use Streamlit's test ids and ``:has(:focus-visible)`` (no user text is involved).
FOCUS_CSS = """
<style>
[data-testid="stSidebarNav"] a:focus-visible,
button:focus-visible,
summary:focus-visible,
[role="tab"]:focus-visible,
[data-testid="stTextInputRootElement"]:has(input:focus-visible),
[data-testid="stNumberInputContainer"]:has(input:focus-visible),
[data-testid="stTextAreaRootElement"]:has(textarea:focus-visible),
[data-testid="stDateInputField"]:has(:focus-visible),
.react-aria-ComboBox:has(input:focus-visible),
[data-testid="stCheckbox"] label:has(input:focus-visible),
[data-testid="stRadioOption"]:has(input:focus-visible),
[data-testid="stSlider"] div:has(> div > input[type="range"]:focus-visible),
[data-testid="stDataFrame"]:focus-within,
[data-testid="stFileUploaderDropzone"]:focus-within {
    outline: 3px solid #1565c0 !important;
    outline-offset: 2px;
}
</style>
"""
