"""Load proposals, donors and funding history as people send them, into the data contract.

Every data row ends up either in ``LoadReport.frame`` (normalised, with notes on what
was changed) or in ``LoadReport.rejected`` (row number, column, value, reason), never
silently dropped: ``rows_in == n_loaded + n_rejected``. Blank lines are not rows.

Public API: :func:`load`, :func:`load_proposals`, :func:`load_donors`,
:func:`load_history`, :class:`LoadReport`, :func:`flatten`.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from matcher import normalise
from matcher.contract import KINDS, LIST_COLUMNS
from matcher.headers import contract_columns, guess_kind, known_header_count, map_headers
from matcher.intake.columns import GENERATED_WHEN_MISSING, MissingColumnsError, header_fingerprint
from matcher.intake.duplicates import (
    NEAR_DUPLICATE_COLUMNS,
    NEAR_DUPLICATE_CUTOFF,
    near_duplicates,
    with_duplicate_notes,
)
from matcher.intake.ids import generated_ids
from matcher.interchange.sniff import is_iati_source
from matcher.read import Source, read_table

__all__ = [
    "NEAR_DUPLICATE_CUTOFF",
    "LoadReport",
    "MissingColumnsError",
    "flatten",
    "header_fingerprint",
    "load",
    "load_donors",
    "load_history",
    "load_proposals",
]

_REJECTED_COLUMNS = ["row", "id", "title", "column", "value", "reason", "suggestion"]
_TITLE_COLUMN = {"proposals": "title", "donors": "name", "history": "donor"}
_ID_COLUMN = {"proposals": "proposal_id", "donors": "donor_id", "history": "proposal_id"}
_RESERVED = ("source_row", "notes")
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_TEXT_NEEDS_WORK = r"[<&\r\n\t\x{a0}\x{2009}\x{202f}]|  |^$|^[^\pL\pN\pP\pS]|[^\pL\pN\pP\pS]$"
"""RE2 (Arrow) pattern of the text cells :func:`normalise.html_to_text` or trimming could change.

Python's ``str.strip`` removes only characters of the Unicode separator (Z*) and control
(Cc) categories, so a cell that starts and ends with a letter, number, punctuation or
symbol has nothing to trim.
"""


@dataclass(frozen=True)
class LoadReport:
    """What loading one file gave: the normalised rows, the rejected ones, and how headers mapped."""

    kind: str
    frame: pd.DataFrame
    """Contract columns in contract order, then ``source_row``, ``notes``, then extra columns."""
    rejected: pd.DataFrame
    """One line per problem: ``row`` (as a person sees it), the row's ``id`` and ``title`` (name
    for donors, donor for history), ``column`` (header as written), ``value``, ``reason``, and
    ``suggestion``: the whole cell as it would read with a close spelling accepted ("" when
    there is none); pass :meth:`suggested_corrections` to ``load(..., corrections=)``."""
    header_mapping: pd.DataFrame
    """``source_header``, ``column``, ``method`` (user|exact|alias|fuzzy|unmapped), ``score``."""
    near_duplicates: pd.DataFrame
    """Proposal pairs with a shared country and very similar titles (flagged, both kept)."""
    rows_in: int
    """Data rows in the file (blank lines not counted)."""
    rejected_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    """The rejected rows' cells as they came, with ``source_row``, so nothing is lost."""
    file_notes: tuple[str, ...] = ()
    """How the file was read: format, encoding, delimiter, header row, currency from a header."""
    headers: tuple[str, ...] = ()
    """The file's headers (made unique), the names ``column_map`` and ``corrections`` use."""
    fingerprint: str = ""
    """:func:`header_fingerprint` of :attr:`headers`: the key to remember a column mapping by."""

    @property
    def n_loaded(self) -> int:
        """Rows loaded into :attr:`frame`."""
        return len(self.frame)

    @property
    def n_rejected(self) -> int:
        """Distinct rows rejected (a row with three problems counts once)."""
        return int(self.rejected["row"].nunique()) if len(self.rejected) else 0

    def suggested_corrections(
        self, rows: Sequence[int] | None = None
    ) -> dict[tuple[int, str], str]:
        """``(row, column) -> corrected cell`` for the rejected cells that have a suggestion.

        ``rows`` limits them to the rows a person accepted; loading the same file again with
        ``corrections=`` these loads those rows.
        """
        table = self.rejected
        if table.empty:
            return {}
        table = table[table["suggestion"] != ""]
        if rows is not None:
            table = table[table["row"].isin(list(rows))]
        return {
            (int(row), str(column)): str(value)
            for row, column, value in zip(
                table["row"], table["column"], table["suggestion"], strict=True
            )
        }


# --------------------------------------------------------------------------- row problems


class _Collector:
    """Problems and notes per row position while the columns are normalised one by one."""

    def __init__(self, n_rows: int, source_rows: Sequence[int]) -> None:
        self.source_rows = source_rows
        self.problems: list[tuple[int, str, str, str, str]] = []
        self.bad: set[int] = set()
        self.notes: list[list[str]] = [[] for _ in range(n_rows)]

    def reject(
        self, position: int, column: str, value: str, reason: str, suggestion: str = ""
    ) -> None:
        self.problems.append((position, column, value, reason, suggestion))
        self.bad.add(position)

    def note(self, position: int, text: str) -> None:
        self.notes[position].append(text)

    def rejected_frame(self, ids: Sequence[str], titles: Sequence[str]) -> pd.DataFrame:
        rows = [
            (self.source_rows[position], ids[position], titles[position], *problem)
            for position, *problem in sorted(self.problems, key=lambda p: p[0])
        ]
        frame = pd.DataFrame(rows, columns=_REJECTED_COLUMNS)
        frame["row"] = frame["row"].astype("int64")
        return frame


def _short(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _amount_text(value: float) -> str:
    """1250000.0 -> "1,250,000"; 2500000.5 -> "2,500,000.50"."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _parse_column(values: Sequence[str], parser: Callable[[str], Any]) -> list[Any]:
    """Parse each distinct cell once; a 100k-row column usually has few distinct values."""
    parsed = {value: parser(value) for value in set(values)}
    return [parsed[value] for value in values]


# --------------------------------------------------------------------------- column handlers


_Verdict = tuple[Any, tuple[str | tuple[str, str], ...], str | None]
"""What one distinct cell gives: the normalised value, problems (reject reasons, or a reason
and the corrected cell a person could accept), a note."""


class _Normaliser:
    def __init__(
        self,
        raw: pd.DataFrame,
        source_rows: Sequence[int],
        kind: str,
        header_of: dict[str, str],
        currencies: dict[str, str],
    ) -> None:
        self.raw = raw
        self.kind = kind
        self.header_of = header_of  # contract column -> source header
        self.header_currency = currencies  # source header -> currency
        self.n = len(raw)
        self.out = _Collector(self.n, source_rows)
        self.columns: dict[str, Any] = {}
        self.generated: dict[str, list[str]] = {}
        """Id column -> ids made for a file without one."""

    def cells(self, column: str) -> list[str] | None:
        header = self.header_of.get(column)
        if header is None:
            return None
        return [
            value.strip() if isinstance(value, str) else "" for value in self.raw[header].tolist()
        ]

    def header(self, column: str) -> str:
        return self.header_of.get(column, column)

    def judge(self, column: str, judge: Callable[[str], _Verdict], empty: Any) -> None:
        """Judge each distinct cell once, then give every row its value, problems and note."""
        cells = self.cells(column)
        if cells is None:
            self.columns[column] = [empty] * self.n
            return
        verdicts = {cell: judge(cell) for cell in set(cells)}
        header = self.header(column)
        values = []
        for position, cell in enumerate(cells):
            value, problems, note = verdicts[cell]
            values.append(value)
            for problem in problems:
                if isinstance(problem, tuple):
                    self.out.reject(position, header, cell, *problem)
                else:
                    self.out.reject(position, header, cell, problem)
            if note:
                self.out.note(position, note)
        self.columns[column] = values

    # text ------------------------------------------------------------------

    def text(self, column: str, *, required: bool = False) -> None:
        """Trimmed plain text; only the cells that need it go through :func:`normalise.html_to_text`.

        A cell without markup, entities, line breaks, runs of spaces, tabs or non-breaking
        spaces, and with no white space at either end, comes out as it went in: those
        cells are found in one pass over the Arrow column and kept without a copy.
        """
        header = self.header_of.get(column)
        if header is None:
            self.columns[column] = [""] * self.n
            return
        arrow = pa.array(self.raw[header].array)
        if not pa.types.is_large_string(arrow.type) and not pa.types.is_string(arrow.type):
            arrow = arrow.cast(pa.large_string())
        matches = pc.fill_null(pc.match_substring_regex(arrow, _TEXT_NEEDS_WORK), True)
        needs_work = matches.to_numpy(zero_copy_only=False)
        positions = np.flatnonzero(needs_work)
        if not len(positions):
            self.columns[column] = pd.Series(arrow, dtype="str")
            return
        cells = [
            value.strip() if isinstance(value, str) else ""
            for value in arrow.take(pa.array(positions)).to_pylist()
        ]

        def judge(cell: str) -> _Verdict:
            text = normalise.html_to_text(cell)
            problems = (f"missing {column.replace('_', ' ')}",) if required and not text else ()
            changed = (
                text != cell and ("<" in cell or "&" in cell) and text != " ".join(cell.split())
            )
            return text, problems, f"{column}: HTML removed" if changed else None

        verdicts = {cell: judge(cell) for cell in set(cells)}
        header_written = self.header(column)
        texts = []
        for position, cell in zip(positions.tolist(), cells, strict=True):
            text, problems, note = verdicts[cell]
            texts.append(text)
            for problem in problems:
                self.out.reject(position, header_written, cell, problem)
            if note:
                self.out.note(position, note)
        replaced = pc.replace_with_mask(
            arrow, pa.array(needs_work), pa.array(texts, type=arrow.type)
        )
        self.columns[column] = pd.Series(replaced, dtype="str")

    def identifier(self, column: str, *, unique: bool) -> None:
        cells = self.cells(column) or self.generated.get(column) or [""] * self.n
        first_seen: dict[str, int] = {}
        for position, cell in enumerate(cells):
            if not cell:
                self.out.reject(
                    position, self.header(column), cell, f"missing {column.replace('_', ' ')}"
                )
            elif unique and cell in first_seen:
                first_row = self.out.source_rows[first_seen[cell]]
                self.out.reject(
                    position,
                    self.header(column),
                    cell,
                    f'duplicate {column} "{cell}" (first on row {first_row})',
                )
            else:
                first_seen.setdefault(cell, position)
        self.columns[column] = cells

    # countries and regions --------------------------------------------------

    def countries(self, column: str, *, required: bool) -> None:
        def judge(cell: str) -> _Verdict:
            result = normalise.parse_countries(cell)
            problems: list[str | tuple[str, str]] = []
            corrected = cell
            for piece in result.unknown:
                hints = normalise.suggest_countries(piece)
                hint = f" (did you mean {', '.join(hints)}?)" if hints else ""
                problems.append(f'unknown country "{piece}"{hint}')
                if corrected is not None and hints:
                    corrected = corrected.replace(piece, normalise.suggested_name(hints[0]), 1)
                else:
                    corrected = None
            if corrected is not None and corrected != cell:
                problems = [(problem, corrected) for problem in problems]
            if required and not result.codes and not result.unknown:
                problems.append("missing country")
            joined = ";".join(result.codes)
            note = (
                f'{column}: "{_short(cell)}" -> {joined}'
                if result.codes and cell != joined
                else None
            )
            return result.codes, tuple(problems), note

        self.judge(column, judge, ())

    def regions(self, column: str) -> None:
        def judge(cell: str) -> _Verdict:
            result = normalise.parse_regions(cell)
            problems = []
            for piece in result.unknown:
                as_country = normalise.parse_countries(piece)
                if as_country.codes and not as_country.unknown:
                    hint = " (a country: put it in eligible_countries)"
                else:
                    near = process.extract(
                        piece,
                        normalise.region_names(),
                        scorer=fuzz.WRatio,
                        limit=3,
                        score_cutoff=60,
                    )
                    hint = f" (did you mean {', '.join(m[0] for m in near)}?)" if near else ""
                problems.append(f'unknown region "{piece}"{hint}')
            joined = ";".join(result.values)
            note = (
                f'{column}: "{_short(cell)}" -> {joined}'
                if result.values and cell != joined
                else None
            )
            return result.values, tuple(problems), note

        self.judge(column, judge, ())

    # lists -------------------------------------------------------------------

    def targets(self, column: str, highest: int) -> None:
        def judge(cell: str) -> _Verdict:
            result = normalise.parse_targets(cell, highest=highest)
            if result.problem:
                return result.targets, (result.problem,), None
            joined = ";".join(map(str, result.targets))
            note = (
                f'{column}: "{_short(cell)}" -> {joined}'
                if result.targets and cell != joined
                else None
            )
            return result.targets, (), note

        self.judge(column, judge, ())

    def ecosystems(self, column: str) -> None:
        def judge(cell: str) -> _Verdict:
            result = normalise.parse_ecosystems(cell)
            notes = []
            if result.unknown:
                left_out = ", ".join(f'"{u}"' for u in result.unknown)
                vocabulary = ", ".join(normalise.ECOSYSTEMS)
                notes.append(f"{column}: {left_out} not in the vocabulary ({vocabulary}), left out")
            joined = ";".join(result.values)
            if result.values and cell != joined:
                notes.append(f'{column}: "{_short(cell)}" -> {joined}')
            return result.values, (), "; ".join(notes) or None

        self.judge(column, judge, ())

    def aliases(self, column: str) -> None:
        cells = self.cells(column)
        if cells is None:
            self.columns[column] = [()] * self.n
            return
        names = self.columns.get("name", [""] * self.n)
        parsed = _parse_column(
            cells, lambda cell: tuple(dict.fromkeys(p.strip() for p in normalise.split_list(cell)))
        )
        # An alias equal to the name adds nothing ("Belgium" is its own acronym in LifeWeb).
        self.columns[column] = [
            tuple(a for a in aliases if a.casefold() != name.casefold())
            for aliases, name in zip(parsed, names, strict=True)
        ]

    # amounts and currency ------------------------------------------------------

    def amounts(self, amount_columns: Sequence[str]) -> None:
        """Amount columns and the row's currency: cell, then currency column, then header."""
        currency_cells = self.cells("currency")
        header_currencies = {
            column: self.header_currency.get(self.header_of[column], "")
            for column in amount_columns
            if column in self.header_of
        }
        row_currency = [""] * self.n
        if currency_cells is not None:
            parsed_currency = _parse_column(currency_cells, normalise.parse_currency)
            for position, (cell, code) in enumerate(
                zip(currency_cells, parsed_currency, strict=True)
            ):
                if code is None:
                    self.out.reject(
                        position,
                        self.header("currency"),
                        cell,
                        f'unknown currency "{cell}" (use an ISO 4217 code such as USD or EUR)',
                    )
                else:
                    row_currency[position] = code
                    if code and cell != code:
                        self.out.note(position, f'currency: "{cell}" -> {code}')
        column_currency = list(row_currency)
        cell_currency: list[dict[str, str]] = [{} for _ in range(self.n)]
        for column in amount_columns:
            cells = self.cells(column)
            if cells is None:
                self.columns[column] = np.full(self.n, np.nan)
                continue
            verdicts = {}
            for cell in set(cells):
                result = normalise.parse_amount(cell)
                changed = not math.isnan(result.value) and not _PLAIN_NUMBER.fullmatch(cell)
                note = (
                    f'{column}: "{_short(cell)}" -> {_amount_text(result.value)}'
                    if changed
                    else None
                )
                verdicts[cell] = (result, note)
            values = np.full(self.n, np.nan)
            header = self.header(column)
            for position, cell in enumerate(cells):
                result, note = verdicts[cell]
                if result.problem:
                    self.out.reject(position, header, cell, result.problem)
                    continue
                values[position] = result.value
                if result.currency:
                    cell_currency[position][column] = result.currency
                if note:
                    self.out.note(position, note)
            self.columns[column] = values
        for position in range(self.n):
            found = cell_currency[position]
            distinct = set(found.values())
            if len(distinct) > 1:
                listed = ", ".join(f"{column} in {code}" for column, code in found.items())
                self.out.reject(position, "", "", f"amounts in different currencies ({listed})")
                continue
            if distinct:
                code = distinct.pop()
                if column_currency[position] and column_currency[position] != code:
                    column = next(iter(found))
                    self.out.reject(
                        position,
                        self.header(column),
                        self.raw[self.header_of[column]].iloc[position],
                        f"amount is in {code} but the currency column says {column_currency[position]}",
                    )
                elif not column_currency[position]:
                    row_currency[position] = code
                    self.out.note(position, f"currency {code} taken from the amount")
                continue
            if not row_currency[position]:
                has_amount = [
                    c for c in header_currencies if not math.isnan(self.columns[c][position])
                ]
                codes = {header_currencies[c] for c in has_amount if header_currencies[c]}
                if len(codes) == 1:
                    row_currency[position] = codes.pop()
        self.columns["currency"] = row_currency

    # dates, years, flags -----------------------------------------------------------

    def date(self, column: str) -> None:
        def judge(cell: str) -> _Verdict:
            date = normalise.parse_date(cell)
            if date is None:
                return "", (f'unreadable date "{cell}" (write YYYY-MM-DD or YYYY)',), None
            return date, (), f'{column}: "{cell}" -> {date}' if date != cell else None

        self.judge(column, judge, "")

    def year(self, column: str) -> None:
        def judge(cell: str) -> _Verdict:
            year, readable = normalise.parse_year(cell)
            return year, () if readable else (f'unreadable year "{cell}"',), None

        self.judge(column, judge, None)
        self.columns[column] = pd.array(self.columns[column], dtype="Int64")

    def active(self, column: str) -> None:
        def judge(cell: str) -> _Verdict:
            flag = normalise.parse_active(cell)
            problems = (
                () if flag is not None else (f'unreadable active flag "{cell}" (write yes or no)',)
            )
            return flag is not False, problems, None

        self.judge(column, judge, True)


# --------------------------------------------------------------------------- per kind


def _normalise_proposals(norm: _Normaliser) -> None:
    norm.identifier("proposal_id", unique=True)
    norm.text("title", required=True)
    norm.countries("countries", required=True)
    for column in ("summary", "description", "objectives", "nbsap_alignment", "status"):
        norm.text(column)
    norm.amounts(("requested_amount", "secured_amount"))
    norm.targets("aichi_targets", 20)
    norm.targets("gbf_targets", 23)
    norm.ecosystems("ecosystems")
    norm.date("submitted_on")


def _normalise_donors(norm: _Normaliser) -> None:
    norm.identifier("donor_id", unique=True)
    norm.text("name", required=True)
    norm.aliases("aliases")
    norm.text("donor_type")
    norm.text("priorities")
    norm.targets("aichi_targets", 20)
    norm.targets("gbf_targets", 23)
    norm.regions("eligible_regions")
    norm.countries("eligible_countries", required=False)
    norm.countries("excluded_countries", required=False)
    norm.amounts(("min_grant", "max_grant", "annual_budget"))
    norm.ecosystems("ecosystems")
    norm.active("active")
    low, high = norm.columns["min_grant"], norm.columns["max_grant"]
    for position in np.flatnonzero(low > high):
        norm.out.reject(
            int(position),
            norm.header("min_grant"),
            _amount_text(low[position]),
            f"min_grant {_amount_text(low[position])} is larger than max_grant "
            f"{_amount_text(high[position])}",
        )


def _normalise_history(norm: _Normaliser) -> None:
    norm.identifier("proposal_id", unique=False)
    norm.text("donor", required=True)
    norm.amounts(("amount",))
    norm.year("year")


_KIND_NORMALISERS = {
    "proposals": _normalise_proposals,
    "donors": _normalise_donors,
    "history": _normalise_history,
}


# --------------------------------------------------------------------------- assembling


def _header_score_for(kind: str | None) -> Callable[[Sequence[str]], float]:
    return lambda cells: known_header_count(cells, kind)


def _column_series(column: str, values: Any) -> pd.Series:
    if column in LIST_COLUMNS:
        series = pd.Series(values, dtype=object)
        return series
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return pd.Series(values, dtype="float64")
    if isinstance(values, pd.api.extensions.ExtensionArray):
        return pd.Series(values)
    if column == "active":
        return pd.Series(values, dtype=bool)
    return pd.Series(values, dtype="str")


def _source_name(source: Source) -> str | None:
    name = source if isinstance(source, str | os.PathLike) else getattr(source, "name", None)
    return Path(name).name if isinstance(name, str | os.PathLike) else None


def _guess_kind(
    headers: Sequence[str], filename: str | None, column_map: Mapping[str, str | None]
) -> str | None:
    """The kind these headers (with a person's mapping) describe; an id column may be missing."""
    if not column_map:
        kind = guess_kind(headers, filename=filename)
        if kind is not None:
            return kind
    scores: dict[str, float] = {}
    for kind in KINDS:
        try:
            mapping = map_headers(headers, kind, column_map=column_map)
        except ValueError:  # the mapping names a column this kind has not
            continue
        if set(mapping.missing_required) - {GENERATED_WHEN_MISSING.get(kind)}:
            continue
        scores[kind] = len(mapping.columns) / len(contract_columns(kind))
    return max(scores, key=lambda k: scores[k]) if scores else None


def _apply_corrections(
    raw: pd.DataFrame, source_rows: Sequence[int], corrections: Mapping[tuple[int, str], str]
) -> list[tuple[int, str]]:
    """Put a person's accepted cell values into the raw table; (position, note) for each."""
    position_of = {row: position for position, row in enumerate(source_rows)}
    notes = []
    for (row, header), value in corrections.items():
        position = position_of.get(int(row))
        if position is None or header not in raw.columns:
            continue
        old = raw.at[position, header]
        if old != value:
            raw.at[position, header] = str(value)
            notes.append(
                (position, f'{header}: "{_short(str(old))}" corrected to "{_short(str(value))}"')
            )
    return notes


def load(
    source: Source,
    kind: str | None = None,
    *,
    filename: str | None = None,
    encoding: str | None = None,
    column_map: Mapping[str, str | None] | None = None,
    corrections: Mapping[tuple[int, str], str] | None = None,
) -> LoadReport:
    """Read a proposals, donors or funding-history file and normalise it to the data contract.

    Parameters
    ----------
    source : path, bytes or binary file object
        CSV (any common delimiter; UTF-8 by default) or ``.xlsx``.
    kind : {"proposals", "donors", "history"}, optional
        What the file holds; guessed from the headers when not given.
    filename : str, optional
        The file's name when ``source`` is bytes (for the format and the kind guess).
    encoding : str, optional
        Text encoding of a CSV that is not UTF-8 (cp1252, latin-1, gbk, ...).
    column_map : mapping, optional
        A person's own mapping, header as written -> contract column
        (``{"Intitulé du projet": "title"}``); it wins over the reader's guesses. Remember it
        under :attr:`LoadReport.fingerprint` (or :attr:`MissingColumnsError.fingerprint`).
    corrections : mapping, optional
        ``(row, header) -> cell text`` replacing cells before reading them, e.g. the
        suggestions a person accepted (:meth:`LoadReport.suggested_corrections`); each
        replaced cell is noted on its row.

    Returns
    -------
    LoadReport
        Loaded rows, rejected rows with reasons, the header mapping, near-duplicates.
        A proposals or donors file without an id column gets ids generated from the
        file name and each title (see :mod:`matcher.intake.ids`), noted in ``file_notes``.

    Raises
    ------
    MissingColumnsError
        Its kind cannot be told, or no header can be taken for a required column (the
        title/name; the ids of a history file); the message lists what is needed and what
        was found, and the exception carries ``kind``, ``missing``, ``headers``, ``fingerprint``.
    UnreadableFileError
        The file as a whole cannot be read; the message says what to do.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if is_iati_source(source, filename):  # IATI activity XML: same table, same report
        from matcher.interchange.iati_read import read_iati  # lxml only for XML files

        raw, kind = read_iati(source, kind, filename=filename)
    else:
        raw = read_table(
            source, filename=filename, encoding=encoding, header_score=_header_score_for(kind)
        )
    headers = list(raw.frame.columns)
    column_map = dict(column_map or {})
    filename = filename or _source_name(source)
    if kind is None:
        kind = _guess_kind(headers, filename, column_map)
        if kind is None:
            raise MissingColumnsError(None, (), headers)
    mapping = map_headers(headers, kind, column_map=column_map)
    id_column = GENERATED_WHEN_MISSING.get(kind)
    missing = [c for c in mapping.missing_required if c != id_column]
    if missing:
        raise MissingColumnsError(kind, missing, headers)
    header_of = {column: header for header, column in mapping.columns.items()}
    norm = _Normaliser(raw.frame, raw.source_rows, kind, header_of, mapping.currencies)
    for position, texts in raw.row_notes.items():
        for text in texts:
            norm.out.note(position, text)
    for position, text in _apply_corrections(raw.frame, raw.source_rows, corrections or {}):
        norm.out.note(position, text)
    file_notes = list(raw.notes)
    if id_column and id_column not in header_of:
        titles = norm.cells(_TITLE_COLUMN[kind]) or [""] * norm.n
        norm.generated[id_column] = generated_ids(titles, raw.source_rows, filename)
        file_notes.append(
            f"no {id_column} column: ids generated from the file name and each "
            f"{_TITLE_COLUMN[kind]} (a corrected file under the same name gets the same ids)"
        )
    _KIND_NORMALISERS[kind](norm)
    if raw.row_problems:
        # In a row whose cells slid sideways, every later cell is wrong; report the cause only.
        norm.out.problems = [p for p in norm.out.problems if p[0] not in raw.row_problems]
        for position, (problem, line) in raw.row_problems.items():
            norm.out.reject(position, "", line, problem)

    for header, code in mapping.currencies.items():
        if header in mapping.columns:
            file_notes.append(f'currency {code} from the header "{header}" where a row names none')

    columns: dict[str, pd.Series] = {}
    for column in contract_columns(kind):
        columns[column] = _column_series(column, norm.columns[column])
    columns["source_row"] = pd.Series(raw.source_rows, dtype="int64")
    columns["notes"] = pd.Series(["; ".join(n) for n in norm.out.notes], dtype="str")
    for header in headers:
        if header in mapping.columns:
            continue
        name = f"file_{header}" if header in _RESERVED or header in columns else header
        columns[name] = raw.frame[header].astype("str").reset_index(drop=True)
    full = pd.DataFrame(columns)

    bad = np.zeros(len(full), dtype=bool)
    bad[list(norm.out.bad)] = True
    # Taking every row would copy every string of a clean file.
    frame = full.loc[~bad].reset_index(drop=True) if bad.any() else full
    rejected_rows = raw.frame.loc[bad].copy()
    rejected_rows.columns = [f"file_{c}" if c in _RESERVED else c for c in rejected_rows.columns]
    rejected_rows.insert(0, "source_row", np.asarray(raw.source_rows, dtype="int64")[bad])
    rejected_rows = rejected_rows.reset_index(drop=True)

    near = pd.DataFrame(columns=NEAR_DUPLICATE_COLUMNS)
    if kind == "proposals":
        near, total = near_duplicates(frame)
        if len(near):
            frame["notes"] = with_duplicate_notes(frame, near)
        if total > len(near):
            file_notes.append(
                f"{total:,} pairs of possible duplicates (same country, similar title); "
                f"the first {len(near):,} are listed"
            )

    return LoadReport(
        kind=kind,
        frame=frame,
        rejected=norm.out.rejected_frame(
            [str(v) for v in norm.columns[_ID_COLUMN[kind]]],
            [str(v) for v in norm.columns[_TITLE_COLUMN[kind]]],
        ),
        header_mapping=mapping.table,
        near_duplicates=near,
        rows_in=len(full),
        rejected_rows=rejected_rows,
        file_notes=tuple(file_notes),
        headers=tuple(headers),
        fingerprint=header_fingerprint(headers),
    )


def load_proposals(
    source: Source,
    *,
    filename: str | None = None,
    encoding: str | None = None,
    column_map: Mapping[str, str | None] | None = None,
    corrections: Mapping[tuple[int, str], str] | None = None,
) -> LoadReport:
    """Load a proposals (EOI) file; see :func:`load`."""
    return load(
        source,
        "proposals",
        filename=filename,
        encoding=encoding,
        column_map=column_map,
        corrections=corrections,
    )


def load_donors(
    source: Source,
    *,
    filename: str | None = None,
    encoding: str | None = None,
    column_map: Mapping[str, str | None] | None = None,
    corrections: Mapping[tuple[int, str], str] | None = None,
) -> LoadReport:
    """Load a donors file; see :func:`load`."""
    return load(
        source,
        "donors",
        filename=filename,
        encoding=encoding,
        column_map=column_map,
        corrections=corrections,
    )


def load_history(
    source: Source,
    *,
    filename: str | None = None,
    encoding: str | None = None,
    column_map: Mapping[str, str | None] | None = None,
    corrections: Mapping[tuple[int, str], str] | None = None,
) -> LoadReport:
    """Load a funding-history file (LifeWeb ``funding_matches.csv`` reads as it is); see :func:`load`."""
    return load(
        source,
        "history",
        filename=filename,
        encoding=encoding,
        column_map=column_map,
        corrections=corrections,
    )


def flatten(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with tuple cells ``;``-joined, ready for CSV (``matcher.export.write_table``).

    Loading the written file gives back the same values.
    """
    flat = frame.copy()
    for column in flat.columns:
        if column in LIST_COLUMNS or (
            flat[column].dtype == object and flat[column].map(lambda v: isinstance(v, tuple)).any()
        ):
            flat[column] = (
                flat[column]
                .map(
                    lambda v: (
                        ";".join(str(x) for x in v)
                        if isinstance(v, tuple | list)
                        else ("" if v is None else str(v))
                    )
                )
                .astype("str")
            )
    return flat
