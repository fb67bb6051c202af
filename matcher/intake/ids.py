"""Ids for a file that has no id column, the same again when the corrected file comes back.

An id is made from three things that a correction leaves alone: the file's name (without
revision marks such as "v2", "(1)", "final", "corrigé"), the row's title (ignoring case,
accents, punctuation and spacing), and which occurrence of that title in the file the row
is. Nothing else goes in: fixing a country, an amount or a target keeps the id, and so do
rows added, removed or sorted above it, so a re-upload updates the saved proposals instead
of adding them twice. A row without a title is rejected; it is named by its row number.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import PurePath

from matcher.normalise import name_key

__all__ = ["GENERATED_PREFIX", "file_key", "generated_ids"]

GENERATED_PREFIX = "auto-"
"""Generated ids start with this, so they are never mistaken for a sender's own."""

_REVISION = re.compile(
    r"(?:\s+(?:v\d+|version\s*\d+|rev\s*\d+|r\d+|\d{1,2}|final|finale|draft|corrected|revised|"
    r"updated|fixed|new|copy|corrige|corrigee|revise|revisee|corregido|corregida|revisado|"
    r"actualizado|nouveau|nouvelle|copie|copia))+$"
)
_COPY_OF = re.compile(r"^(?:copy of|copie de|copia de)\s+")


def file_key(filename: str | None) -> str:
    """The part of a file name that stays when a corrected version is saved.

    >>> file_key("EOI Sénégal v2 (1).xlsx") == file_key("eoi senegal.xlsx")
    True
    """
    if not filename:
        return ""
    stem = PurePath(str(filename)).name
    if "." in stem:
        stem = stem.rsplit(".", 1)[0]
    key = _COPY_OF.sub("", name_key(stem.replace("_", " ")))
    previous = None
    while previous != key:
        previous, key = key, _REVISION.sub("", key)
    return key


def generated_ids(
    titles: Sequence[str], source_rows: Sequence[int], filename: str | None
) -> list[str]:
    """One id per row: ``auto-`` and 10 hex digits from the file key, title and occurrence.

    Parameters
    ----------
    titles : sequence of str
        Each row's title (proposals) or name (donors), as written.
    source_rows : sequence of int
        Row numbers as a person sees them; used only for rows without a title.
    filename : str, optional
        The file's name as uploaded.
    """
    base = file_key(filename)
    seen: dict[str, int] = {}
    ids = []
    for title, row in zip(titles, source_rows, strict=True):
        key = name_key(str(title or ""))
        if not key:
            ids.append(f"{GENERATED_PREFIX}row-{row}")
            continue
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        digest = hashlib.sha256(f"{base}\x1f{key}\x1f{occurrence}".encode()).hexdigest()
        ids.append(f"{GENERATED_PREFIX}{digest[:10]}")
    return ids
