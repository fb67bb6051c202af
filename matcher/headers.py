"""Header names as people write them, mapped to the data contract's columns.

An alias table (several UN languages, the LifeWeb export's own names) is tried first;
rapidfuzz only catches typos above a strict cutoff, so "Project titel" maps but
"lw_match_id" never becomes ``proposal_id``. Every decision is reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import pandas as pd
from rapidfuzz import fuzz, process

from matcher.contract import DONOR_COLUMNS, HISTORY_COLUMNS, KINDS, PROPOSAL_COLUMNS
from matcher.intake.header_words import COMMON, DONORS, HISTORY, PROPOSALS
from matcher.normalise import name_key, parse_currency

__all__ = [
    "FUZZY_CUTOFF",
    "HeaderMapping",
    "contract_columns",
    "guess_kind",
    "header_currency",
    "known_header_count",
    "map_headers",
]

FUZZY_CUTOFF = 88.0
"""Lowest rapidfuzz ``ratio`` (0-100) at which a header counts as a typo of an alias."""

REQUIRED: dict[str, tuple[str, ...]] = {
    "proposals": ("proposal_id", "title"),
    "donors": ("donor_id", "name"),
    "history": ("proposal_id", "donor"),
}

_KIND_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "proposals": PROPOSALS,
    "donors": DONORS,
    "history": HISTORY,
}


def contract_columns(kind: str) -> tuple[str, ...]:
    """The contract's columns for ``kind`` ("proposals", "donors" or "history")."""
    return {"proposals": PROPOSAL_COLUMNS, "donors": DONOR_COLUMNS, "history": HISTORY_COLUMNS}[
        kind
    ]


_BRACKETS = re.compile(r"[(\[（【]([^)\]）】]*)[)\]）】]")


def header_currency(header: str) -> str:
    """Currency named in a header such as "Funding needed (EUR)" or "Monto (US$)", as ISO 4217 ("" if none)."""
    for inside in _BRACKETS.findall(header):
        code = parse_currency(inside.strip())
        if code:
            return code
    for word in re.findall(r"[A-Za-z]{3}|[$€£]|美元|欧元", header):
        code = parse_currency(word)
        if code and word.upper() not in {"AND", "THE"}:
            # A bare three-letter word counts only when it is an ISO code written in capitals.
            if word.isalpha() and word.isascii() and not word.isupper():
                continue
            return code
    return ""


def _header_key(header: str) -> str:
    without_currency = _BRACKETS.sub(
        lambda m: "" if parse_currency(m.group(1).strip()) else " " + m.group(1), header
    )
    return name_key(without_currency.replace("_", " ").replace("/", " "))


_ELIDED = re.compile(r"\b([dlDL]) (?=\w)")


@cache
def _alias_index(kind: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for column in contract_columns(kind):
        index[name_key(column.replace("_", " "))] = column
    for table in (_KIND_ALIASES[kind], COMMON):
        for column, aliases in table.items():
            if column not in contract_columns(kind):
                continue
            for alias in aliases:
                key = name_key(alias)
                index.setdefault(key, column)
                # "objectifs d aichi" is also written "Objectifs d'Aichi" (key "objectifs daichi").
                index.setdefault(_ELIDED.sub(r"\1", key), column)
    return index


@dataclass(frozen=True)
class HeaderMapping:
    """How each header of one file maps to the contract for one kind."""

    kind: str
    columns: dict[str, str]
    """source header -> contract column, for mapped headers only."""
    table: pd.DataFrame
    """``source_header``, ``column``, ``method`` (user|exact|alias|fuzzy|unmapped), ``score``."""
    currencies: dict[str, str]
    """source header -> currency named in it ("Funding needed (EUR)" -> "EUR")."""

    @property
    def missing_required(self) -> tuple[str, ...]:
        mapped = set(self.columns.values())
        return tuple(c for c in REQUIRED[self.kind] if c not in mapped)


def map_headers(
    headers: Sequence[str],
    kind: str,
    *,
    fuzzy_cutoff: float = FUZZY_CUTOFF,
    column_map: Mapping[str, str | None] | None = None,
) -> HeaderMapping:
    """Map a file's headers to the contract's columns for ``kind``.

    A person's own choices (``column_map``) win over exact names, exact names over aliases,
    aliases over fuzzy matches, and earlier headers over later ones; each contract column
    is taken once, the rest stay as extra columns.

    Parameters
    ----------
    headers : sequence of str
        The header row as it came.
    kind : {"proposals", "donors", "history"}
        Which contract to map to.
    fuzzy_cutoff : float
        Lowest rapidfuzz ``ratio`` for a typo to count.
    column_map : mapping, optional
        Header as written -> contract column, as a person picked it ("Intitulé" -> "title");
        ``None`` or ``""`` keeps that header as an extra column. Headers are matched as
        written, else ignoring case, accents and spacing; entries naming a header the file
        lacks are ignored, so a mapping remembered for one file can be offered for the next.

    Returns
    -------
    HeaderMapping
        The mapping and a table reporting every header's fate.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    index = _alias_index(kind)
    exact_names = {name_key(c.replace("_", " ")): c for c in contract_columns(kind)}
    chosen = _chosen_columns(headers, kind, column_map or {})
    candidates: list[
        tuple[int, int, str, str, float]
    ] = []  # (priority, position, header, column, score)
    alias_keys = list(index)
    for position, header in enumerate(headers):
        raw = str(header).strip()
        key = _header_key(raw)
        if header in chosen:
            if chosen[header]:
                candidates.append((-1, position, header, chosen[header], 100.0))
            continue
        if not key:
            continue
        if raw in contract_columns(kind) or key in exact_names:
            column = raw if raw in contract_columns(kind) else exact_names[key]
            candidates.append((0, position, header, column, 100.0))
        elif key in index:
            candidates.append((1, position, header, index[key], 100.0))
        else:
            match = process.extractOne(
                key, alias_keys, scorer=fuzz.ratio, score_cutoff=fuzzy_cutoff
            )
            if match:
                candidates.append((2, position, header, index[match[0]], round(float(match[1]), 1)))
    taken: dict[str, str] = {}
    method_of: dict[str, tuple[str, float]] = {}
    used_columns: set[str] = set()
    for priority, _position, header, column, score in sorted(
        candidates, key=lambda c: (c[0], c[1])
    ):
        if column in used_columns or header in taken:
            continue
        taken[header] = column
        used_columns.add(column)
        method_of[header] = (("user", "exact", "alias", "fuzzy")[priority + 1], score)
    rows = []
    for header in headers:
        if header in taken:
            method, score = method_of[header]
            rows.append((header, taken[header], method, score))
        else:
            rows.append((header, "", "unmapped", 0.0))
    table = pd.DataFrame(rows, columns=["source_header", "column", "method", "score"])
    currencies = {h: c for h in headers if (c := header_currency(str(h)))}
    return HeaderMapping(kind=kind, columns=taken, table=table, currencies=currencies)


def _chosen_columns(
    headers: Sequence[str], kind: str, column_map: Mapping[str, str | None]
) -> dict[str, str]:
    """Header of this file -> the contract column a person chose for it ("" = keep as extra)."""
    allowed = contract_columns(kind)
    by_key = {_header_key(str(h)): h for h in reversed(list(headers))}
    chosen: dict[str, str] = {}
    for written, column in column_map.items():
        column = (column or "").strip()
        if column and column not in allowed:
            raise ValueError(
                f'"{column}" is not a {kind} column; choose one of {", ".join(allowed)}'
            )
        header = written if written in headers else by_key.get(_header_key(str(written)))
        if header is not None:
            chosen[header] = column
    return chosen


def guess_kind(headers: Sequence[str], *, filename: str | None = None) -> str | None:
    """Which kind of file these headers describe, or None when no kind has its required columns.

    Among kinds whose required columns are all present, the one with the largest share of
    its contract mapped wins; a file name mentioning "donor", "history", "funding" or
    "match" breaks ties.
    """
    scores: dict[str, float] = {}
    for kind in KINDS:
        mapping = map_headers(headers, kind)
        if mapping.missing_required:
            continue
        scores[kind] = len(mapping.columns) / len(contract_columns(kind))
    if not scores:
        return None
    name = (filename or "").casefold()
    hint = {
        "donors": "donor" in name,
        "history": any(word in name for word in ("history", "funding", "match")),
        "proposals": any(word in name for word in ("proposal", "eoi", "project")),
    }
    return max(scores, key=lambda kind: (round(scores[kind], 2), hint[kind]))


def known_header_count(cells: Sequence[str], kind: str | None = None) -> float:
    """How many cells of a candidate header row are known column names (exact or alias) of any kind.

    Used to find the header row below a title row; fuzzy matches are not counted.
    """
    keys = {_header_key(str(cell)) for cell in cells if str(cell).strip()}
    known = set().union(*(_alias_index(k) for k in ((kind,) if kind else KINDS)))
    return float(len(keys & known))
