"""Showing user text as text: uploads and stored records never become HTML or Markdown.

Streamlit renders widget labels, expander titles and ``st.markdown`` as Markdown, so a
proposal titled ``**x**`` or ``[click](javascript:...)`` would be formatted or linked.
Wherever user text must sit in such a place it goes through :func:`escape_markdown`;
elsewhere it is shown with ``st.text``, ``st.code`` or inside ``st.dataframe``.

Backslashes are not enough everywhere: GitHub-style autolinks (``https://``, ``www.``, e-mail
addresses) and Streamlit's ``:material/...:`` icons are found in the text *after* escapes are
undone. An invisible word joiner (U+2060) after every ``:``, before every ``@`` and inside
``www.`` breaks those patterns; the text looks the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

__all__ = ["escape_markdown", "flatten_for_display", "join_values", "one_line"]

# Every character Streamlit's Markdown (CommonMark + GFM + LaTeX + emoji/icon shortcodes
# + colour directives) gives a meaning to.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:=^&\"'])")
WORD_JOINER = "\u2060"
_LIVE_PATTERNS = re.compile(r"(?<=:)|(?=@)|(?i:(?<=www)(?=\\\.))")


def _escaped(line: str) -> str:
    return _LIVE_PATTERNS.sub(WORD_JOINER, _MARKDOWN_SPECIALS.sub(r"\\\1", line))


def escape_markdown(text: object, *, keep_lines: bool = False) -> str:
    """Backslash-escape ``text`` so Markdown shows it literally (no HTML, no links).

    By default line breaks become spaces (labels and titles are single lines); with
    ``keep_lines`` each line is kept as a hard line break, for messages.
    """
    if not keep_lines:
        return _escaped(one_line(text))
    lines = [one_line(line) for line in ("" if text is None else str(text)).splitlines()]
    return "  \n".join(_escaped(line) for line in lines)


def one_line(text: object, *, limit: int | None = None) -> str:
    """``text`` as a single trimmed line (``""`` for missing values), cut at ``limit``."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    flat = " ".join(str(text).split())
    if limit is not None and len(flat) > limit:
        flat = flat[: max(limit - 1, 0)].rstrip() + "…"
    return flat


def join_values(values: object, separator: str = "; ") -> str:
    """A multi-valued cell (tuple/list) as text; scalars pass through as ``str``."""
    if values is None or (isinstance(values, float) and pd.isna(values)):
        return ""
    if isinstance(values, str):
        return values
    if isinstance(values, Iterable):
        return separator.join(str(v) for v in values)
    return str(values)


def flatten_for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where tuple cells are ``;``-joined text, so ``st.dataframe`` shows them plainly."""
    shown = frame.copy()
    for column in shown.columns:
        if (
            shown[column].dtype == object
            and shown[column].map(lambda v: isinstance(v, tuple | list | set | frozenset)).any()
        ):
            shown[column] = shown[column].map(join_values)
    return shown
