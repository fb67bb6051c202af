"""Each column of a raw table normalised to the data contract, every problem and note kept per row.

The loader (:func:`matcher.load.load`) reads the file and maps the headers; this module
turns each mapped column's cells into contract values, cell by distinct cell, and
collects what made a row unloadable (row, column, value, reason, and a suggestion a
person can accept) and what was changed on a row that loads.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from matcher import normalise

__all__ = ["KIND_NORMALISERS", "Normaliser", "short"]

_REJECTED_COLUMNS = ["row", "id", "title", "column", "value", "reason", "suggestion"]
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_TEXT_NEEDS_WORK = r"[<&\r\n\t\x{a0}\x{2009}\x{202f}]|  |^$|^[^\pL\pN\pP\pS]|[^\pL\pN\pP\pS]$"
"""RE2 (Arrow) pattern of the text cells :func:`normalise.html_to_text` or trimming could change.

Python's ``str.strip`` removes only characters of the Unicode separator (Z*) and control
(Cc) categories, so a cell that starts and ends with a letter, number, punctuation or
symbol has nothing to trim.
"""


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


def short(value: str, limit: int = 60) -> str:
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


class Normaliser:
    """Each contract column of one file normalised in turn; problems and notes collected per row."""

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
                f'{column}: "{short(cell)}" -> {joined}'
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
                f'{column}: "{short(cell)}" -> {joined}'
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
                f'{column}: "{short(cell)}" -> {joined}'
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
                notes.append(f'{column}: "{short(cell)}" -> {joined}')
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
                    f'{column}: "{short(cell)}" -> {_amount_text(result.value)}'
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


def _normalise_proposals(norm: Normaliser) -> None:
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


def _normalise_donors(norm: Normaliser) -> None:
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


def _normalise_history(norm: Normaliser) -> None:
    norm.identifier("proposal_id", unique=False)
    norm.text("donor", required=True)
    norm.amounts(("amount",))
    norm.year("year")


KIND_NORMALISERS = {
    "proposals": _normalise_proposals,
    "donors": _normalise_donors,
    "history": _normalise_history,
}
