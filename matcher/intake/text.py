"""Text keys, HTML to plain text, and list splitting: the pieces every cell parser shares."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

__all__ = ["CACHE_SIZE", "ListParse", "html_to_text", "name_key", "split_list"]

CACHE_SIZE = 65_536
"""Distinct cells remembered per parser: a 100k-row file usually holds a few hundred per column."""
_CACHE_SIZE = CACHE_SIZE

# --------------------------------------------------------------------------- text keys


_APOSTROPHES = re.compile("['\u2018\u2019`\u00b4]")
_SAINT = re.compile(r"\bst\.?\s")
_NON_WORD = re.compile(r"[^\w]+")


def name_key(text: str) -> str:
    """A comparison key: case, accents, apostrophes, punctuation and a leading "the" ignored.

    "Côte d’Ivoire", "Cote d'Ivoire" and "COTE D IVOIRE" share one key; CJK text is kept.
    """
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKC", text).casefold()
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if unicodedata.category(ch) != "Mn"
        )
    text = text.replace("&", " and ")
    text = _APOSTROPHES.sub("", text)
    text = _SAINT.sub("saint ", text)
    text = _NON_WORD.sub(" ", text).strip()
    return text[4:] if text.startswith("the ") else text


_WHITESPACE = re.compile(r"[ \t\u00a0\u2009\u202f]+")

# --------------------------------------------------------------------------- HTML

_BLOCK_TAGS = re.compile(r"<(br|/p|/h[1-6]|/div|/tr|/ul|/ol|p|h[1-6]|div|tr)\b[^>]*>", re.I)
_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.I)
_TABLE_CELL_END = re.compile(r"</t[dh]\s*>", re.I)
_ANY_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


_OTHER_COLLAPSED_SPACES = ("\t", "\u00a0", "\u2009", "\u202f")
_LONG_TEXT = 256
"""Cells longer than this are converted without the cache: long text is rarely repeated."""


def _squeeze_line(line: str) -> str:
    """``_WHITESPACE.sub(" ", line).strip()``, skipping the regex when there is nothing to collapse."""
    if "  " in line or any(space in line for space in _OTHER_COLLAPSED_SPACES):
        line = _WHITESPACE.sub(" ", line)
    return line.strip()


def html_to_text(text: str) -> str:
    """Plain text from a cell that may hold HTML (the LifeWeb export stores ``<br/>``, ``<p>``, ``<h4>``).

    Block tags become line breaks, list items become "- " lines, entities are decoded, and
    runs of blank lines collapse to one. Text without tags or entities is only trimmed
    (runs of spaces and tabs become one space).

    Parameters
    ----------
    text : str
        The cell as it came.

    Returns
    -------
    str
        Plain text, safe to show as text (no markup left).
    """
    if len(text) > _LONG_TEXT:
        return _html_to_text(text)
    return _html_to_text_cached(text)


@lru_cache(maxsize=_CACHE_SIZE)
def _html_to_text_cached(text: str) -> str:
    """Short cells (titles, statuses) repeat across rows: each distinct one is converted once."""
    return _html_to_text(text)


def _html_to_text(text: str) -> str:
    if not text:
        return ""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<" in text or "&" in text:
        text = _COMMENT.sub("", text)
        text = _LIST_ITEM.sub("\n- ", text)
        text = _TABLE_CELL_END.sub(" ", text)
        text = _BLOCK_TAGS.sub("\n", text)
        text = _ANY_TAG.sub("", text)
        text = html.unescape(text)
    if "\n" not in text:
        return _squeeze_line(text)
    text = "\n".join([_squeeze_line(line) for line in text.split("\n")])
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


_BLANK_LINES = re.compile(r"\n{3,}")


# --------------------------------------------------------------------------- lists


_STRONG_SEPARATORS = re.compile(r"\s*(?:[|;\n、，；]|\s/\s)\s*")


def split_list(text: str) -> list[str]:
    """Split a multi-valued cell on ``|``, ``;``, line breaks and CJK list marks (not commas)."""
    return [part for part in _STRONG_SEPARATORS.split(text.strip()) if part.strip()]


class ListParse(NamedTuple):
    """Values from a multi-valued cell, normalised, and the parts that could not be read."""

    values: tuple[str, ...]
    unknown: tuple[str, ...]
