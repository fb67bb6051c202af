"""Load proposals, donors and funding history as people send them, into the data contract.

Every data row ends up either in ``LoadReport.frame`` (normalised, with notes on what
was changed) or in ``LoadReport.rejected`` (row number, column, value, reason), never
silently dropped: ``rows_in == n_loaded + n_rejected``. Blank lines are not rows.

Public API: :func:`load`, :func:`load_proposals`, :func:`load_donors`,
:func:`load_history`, :class:`LoadReport`, :func:`flatten`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

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
from matcher.intake.normaliser import KIND_NORMALISERS, Normaliser, short
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

_TITLE_COLUMN = {"proposals": "title", "donors": "name", "history": "donor"}
_ID_COLUMN = {"proposals": "proposal_id", "donors": "donor_id", "history": "proposal_id"}
_RESERVED = ("source_row", "notes")


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
                (position, f'{header}: "{short(str(old))}" corrected to "{short(str(value))}"')
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
    norm = Normaliser(raw.frame, raw.source_rows, kind, header_of, mapping.currencies)
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
    KIND_NORMALISERS[kind](norm)
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
