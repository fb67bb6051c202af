"""Aichi and GBF targets: the crosswalk between them, labels and official texts.

Moved out of ``matcher/tagger.py`` unchanged; ``matcher.tagger`` re-exports the public names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Final

import numpy as np
import pandas as pd

from matcher import reference

N_AICHI: Final = 20
N_GBF: Final = 23

# --------------------------------------------------------------------------- crosswalk


@cache
def _crosswalk_maps() -> tuple[dict[int, tuple[int, ...]], dict[int, tuple[int, ...]]]:
    links = reference.crosswalk()
    primary = links[links["relation"] == "primary"]
    successors = {
        int(aichi): tuple(sorted(group["gbf_target"].astype(int)))
        for aichi, group in primary.groupby("aichi_target")
    }
    predecessors: dict[int, tuple[int, ...]] = {}
    for gbf, group in links.groupby("gbf_target"):
        chosen = group[group["relation"] == "primary"]
        if chosen.empty:  # no closest predecessor: the related ones are still the best guess
            chosen = group
        predecessors[int(gbf)] = tuple(sorted(set(chosen["aichi_target"].astype(int))))
    return successors, predecessors


def _as_targets(targets: object) -> tuple[int, ...]:
    if targets is None or targets is pd.NA:
        return ()
    if isinstance(targets, (int, np.integer)):
        return (int(targets),)
    if isinstance(targets, float):
        return () if np.isnan(targets) else (int(targets),)
    if isinstance(targets, str):
        return tuple(int(n) for n in re.findall(r"\d+", targets))
    return tuple(int(t) for t in targets)  # type: ignore[union-attr]


def gbf_for_aichi(targets: Iterable[int] | int) -> tuple[int, ...]:
    """The GBF targets that succeed these Aichi targets (crosswalk, ``primary`` links).

    Parameters
    ----------
    targets
        Aichi target numbers (1-20); numbers outside the range have no successor.

    Returns
    -------
    tuple of int
        Sorted, distinct GBF target numbers. Aichi 17 (NBSAPs) has none.
    """
    successors, _ = _crosswalk_maps()
    found = {gbf for aichi in _as_targets(targets) for gbf in successors.get(aichi, ())}
    return tuple(sorted(found))


def aichi_for_gbf(targets: Iterable[int] | int) -> tuple[int, ...]:
    """The Aichi targets a set of GBF targets implies (``primary`` links, else ``related``).

    Parameters
    ----------
    targets
        GBF target numbers (1-23).

    Returns
    -------
    tuple of int
        Sorted, distinct Aichi target numbers; GBF 17 and 23 have no Aichi predecessor.
    """
    _, predecessors = _crosswalk_maps()
    found = {aichi for gbf in _as_targets(targets) for aichi in predecessors.get(gbf, ())}
    return tuple(sorted(found))


# --------------------------------------------------------------------------- labels


def _framework(framework: str) -> str:
    name = framework.strip().lower().replace("-", "").replace(" ", "")
    if name in {"aichi", "aichitargets", "aichibiodiversitytargets"}:
        return "aichi"
    if name in {"gbf", "kmgbf", "kunmingmontreal", "kunmingmontrealgbf"}:
        return "gbf"
    raise ValueError(f"Unknown target framework {framework!r}: use 'aichi' or 'gbf'.")


@cache
def _target_rows(framework: str) -> dict[int, dict[str, str]]:
    frame = reference.aichi_targets() if framework == "aichi" else reference.gbf_targets()
    return {int(row["target"]): row for row in frame.astype(str).to_dict("records")}


def _target_row(framework: str, number: int) -> tuple[str, dict[str, str]]:
    kind = _framework(framework)
    rows = _target_rows(kind)
    if int(number) not in rows:
        last = N_AICHI if kind == "aichi" else N_GBF
        raise ValueError(
            f"{kind.upper() if kind == 'gbf' else 'Aichi'} targets run 1-{last}, not {number}."
        )
    return kind, rows[int(number)]


def target_label(framework: str, number: int, *, official_text: bool = False) -> str:
    """Short label for a target, e.g. ``"Aichi 11 — Protected areas"``.

    Parameters
    ----------
    framework
        ``"aichi"`` or ``"gbf"`` (case-insensitive; ``"KMGBF"`` also accepted).
    number
        The target number.
    official_text
        Append the target's text on a new line: the official English text for Aichi
        targets, the CBD short title and key elements for GBF targets.

    Returns
    -------
    str
    """
    kind, row = _target_row(framework, number)
    label = f"{'Aichi' if kind == 'aichi' else 'GBF'} {int(number)} — {row['short_title']}"
    return f"{label}\n{target_text(kind, number)}" if official_text else label


def target_text(framework: str, number: int) -> str:
    """The target's text: official for Aichi; for GBF the short title and key elements.

    The shipped GBF file holds the CBD's short titles and a summary of key elements, not
    the decision's full wording, and the text says so.
    """
    kind, row = _target_row(framework, number)
    if kind == "aichi":
        return row["official_text_en"]
    elements = row.get("key_elements", "").strip()
    text = f"{row['short_title']} (KMGBF decision 15/4)."
    return f"{text} Key elements (summary): {elements}." if elements else text
