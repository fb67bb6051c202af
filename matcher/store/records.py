"""Turning contract frames into table rows and back, exactly.

A contract frame (see :mod:`matcher.contract`) holds tuples, floats with NaN, ``<NA>`` years
and plain text. In the database tuples are JSON arrays (ints stay ints), missing numbers are
NULL, and extra columns the file brought along are kept in order as ``[name, value]`` pairs in
a JSON ``extra`` column. Reading back gives the same frame.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
import sqlalchemy as sa

from matcher.contract import DONOR_COLUMNS, HISTORY_COLUMNS, LIST_COLUMNS, PROPOSAL_COLUMNS
from matcher.store.models import Donor, FundingRecord, Proposal

__all__ = [
    "META_COLUMNS",
    "SPECS",
    "KindSpec",
    "changed_columns",
    "decode_rows",
    "encode_frame",
    "filled_extras",
    "history_key",
    "is_missing",
]

FLOAT_COLUMNS: Final = frozenset(
    {"requested_amount", "secured_amount", "min_grant", "max_grant", "annual_budget", "amount"}
)
INT_COLUMNS: Final = frozenset({"year"})
BOOL_COLUMNS: Final = frozenset({"active"})
INT_LIST_COLUMNS: Final = frozenset({"aichi_targets", "gbf_targets"})
READER_COLUMNS: Final = ("source_row", "notes")
"""Columns the readers add after the contract columns; kept as provenance, not content."""
META_COLUMNS: Final = ("version", "upload_id", "updated_at", "updated_by")
"""Columns added by ``Store.proposals(meta=True)`` and friends."""


@dataclass(frozen=True)
class KindSpec:
    """How one kind of contract frame maps to its table."""

    kind: str
    record_kind: str
    table: sa.Table
    key_column: str
    columns: tuple[str, ...]

    @property
    def content_columns(self) -> tuple[str, ...]:
        """Columns whose change makes an import count a row as updated."""
        return (*self.columns, "extra")

    def keys_for(self, frame: pd.DataFrame) -> list[str]:
        """The primary key of each row of ``frame``, in order.

        Proposals and donors have their id. A funding record has none, so its key is
        ``proposal_id|donor|year|n`` where ``n`` counts equal (proposal, donor, year) rows in
        the file: the same file always gives the same keys, and a corrected amount updates the
        row instead of adding one. Each part has ``\\`` and ``|`` escaped (:func:`history_key`),
        so ``("A|b", "c")`` and ``("A", "b|c")`` never share a key.
        """
        if self.key_column != "history_key":
            return [_text(value) for value in frame[self.key_column]]
        seen: dict[tuple[str, str, str], int] = {}
        keys = []
        for proposal_id, donor, year in zip(
            frame["proposal_id"], frame["donor"], frame["year"], strict=True
        ):
            base = (
                _text(proposal_id),
                " ".join(_text(donor).casefold().split()),
                "" if is_missing(year) else str(int(year)),
            )
            seen[base] = seen.get(base, 0) + 1
            keys.append(history_key(*base, seen[base]))
        return keys


def history_key(proposal_id: str, donor: str, year: str, n: int) -> str:
    """The collision-free key of a funding record: the parts joined by ``|``, each with
    ``\\`` and ``|`` backslash-escaped (parts without them read as before)."""
    parts = (proposal_id, donor, year, str(n))
    return "|".join(part.replace("\\", "\\\\").replace("|", "\\|") for part in parts)


SPECS: Final[dict[str, KindSpec]] = {
    "proposals": KindSpec(
        "proposals", "proposal", Proposal.__table__, "proposal_id", PROPOSAL_COLUMNS
    ),
    "donors": KindSpec("donors", "donor", Donor.__table__, "donor_id", DONOR_COLUMNS),
    "history": KindSpec(
        "history", "funding", FundingRecord.__table__, "history_key", HISTORY_COLUMNS
    ),
}


def is_missing(value: object) -> bool:
    """True for None, NaN, ``pd.NA`` and ``NaT``; False for every real value, tuples included."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return False


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value)


def _plain(value: object) -> Any:
    """A JSON-safe Python value: numpy scalars unwrapped, tuples as lists, NaN as None."""
    if is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _list_value(column: str, value: object) -> list[Any]:
    if is_missing(value):
        return []
    if isinstance(value, str):
        # Lenient for hand-made frames and edit forms: "KEN; UGA" means ("KEN", "UGA").
        value = [part.strip() for part in value.split(";") if part.strip()]
    items = []
    for item in value:  # type: ignore[union-attr]
        is_integer = isinstance(item, numbers.Integral) and not isinstance(item, bool)
        if column in INT_LIST_COLUMNS or is_integer:
            items.append(int(item))
        else:
            items.append(str(item))
    return items


def encode_value(column: str, value: object) -> Any:
    """One contract cell as the database stores it."""
    if column in LIST_COLUMNS:
        return _list_value(column, value)
    if column in FLOAT_COLUMNS:
        if is_missing(value) or (isinstance(value, str) and not value.strip()):
            return None
        return float(value)  # type: ignore[arg-type]
    if column in INT_COLUMNS:
        if is_missing(value) or (isinstance(value, str) and not value.strip()):
            return None
        return int(value)  # type: ignore[call-overload]
    if column in BOOL_COLUMNS:
        if isinstance(value, str):
            return value.strip().casefold() in {"true", "1", "yes", "y"}
        return bool(value) if not is_missing(value) else True
    return _text(value)


def encode_frame(spec: KindSpec, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a contract frame as column -> stored value, plus ``extra``, ``source_row``, ``notes``.

    Raises
    ------
    ValueError
        When a contract column is missing from ``frame``.
    """
    missing = [column for column in spec.columns if column not in frame.columns]
    if missing:
        raise ValueError(
            f"a {spec.kind} frame needs the contract columns {', '.join(missing)} "
            "(read the file with matcher.load first)"
        )
    extra_columns = [
        column
        for column in frame.columns
        if column not in spec.columns and column not in READER_COLUMNS
    ]
    has_source_row = "source_row" in frame.columns
    has_notes = "notes" in frame.columns
    rows = []
    for record in frame.to_dict(orient="records"):
        row = {column: encode_value(column, record[column]) for column in spec.columns}
        row["extra"] = [[str(column), _plain(record[column])] for column in extra_columns]
        source_row = record["source_row"] if has_source_row else None
        row["source_row"] = None if is_missing(source_row) else int(source_row)
        row["notes"] = _text(record["notes"]) if has_notes else ""
        rows.append(row)
    return rows


def changed_columns(spec: KindSpec, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Content columns whose stored value differs between two encoded rows.

    Extra columns compare by their non-empty cells: a blank cell and a column the other
    file did not have are the same (an export fills absent extra columns with blanks).
    """
    changed = [column for column in spec.columns if old[column] != new[column]]
    if filled_extras(old["extra"]) != filled_extras(new["extra"]):
        changed.append("extra")
    return changed


def filled_extras(pairs: Iterable[Sequence[Any]] | None) -> dict[str, Any]:
    """Extra columns with a value, as name -> value."""
    return {name: value for name, value in pairs or () if value is not None and value != ""}


def _decode_value(column: str, value: Any) -> Any:
    if column in LIST_COLUMNS:
        return tuple(value or ())
    if column in FLOAT_COLUMNS:
        return math.nan if value is None else float(value)
    if column in INT_COLUMNS:
        return pd.NA if value is None else int(value)
    if column in BOOL_COLUMNS:
        return bool(value)
    return "" if value is None else value


def _utc(value: Any) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def decode_rows(spec: KindSpec, rows: Sequence[Mapping[str, Any]], *, meta: bool) -> pd.DataFrame:
    """Stored rows back into a contract frame (the readers' columns and types).

    Columns: the contract's, then ``source_row`` and ``notes``, then (``meta``) the row
    version and provenance, then extra columns in the order they first appear.
    """
    extra_order: dict[str, None] = {}
    for row in rows:
        for name, _value in row["extra"] or ():
            extra_order.setdefault(name, None)
    records = []
    for row in rows:
        record = {column: _decode_value(column, row[column]) for column in spec.columns}
        record["source_row"] = row["source_row"]
        record["notes"] = row["notes"]
        if meta:
            record["version"] = row["version"]
            record["upload_id"] = row["upload_id"]
            record["updated_at"] = _utc(row["updated_at"])
            record["updated_by"] = row["updated_by"]
        extras = dict(row["extra"] or ())
        for name in extra_order:
            value = extras.get(name)
            record[name] = "" if value is None else value
        records.append(record)
    columns = [*spec.columns, *READER_COLUMNS, *(META_COLUMNS if meta else ()), *extra_order]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for column in spec.columns:
        if column in FLOAT_COLUMNS:
            frame[column] = frame[column].astype("float64")
        elif column in INT_COLUMNS:
            frame[column] = frame[column].astype("Int64")
        elif column in BOOL_COLUMNS:
            frame[column] = frame[column].astype("bool")
        elif column not in LIST_COLUMNS:
            frame[column] = frame[column].astype("str")
    has_gaps = frame["source_row"].isna().any()
    frame["source_row"] = frame["source_row"].astype("Int64" if has_gaps else "int64")
    frame["notes"] = frame["notes"].astype("str")
    if meta:
        frame["version"] = frame["version"].astype("int64")
        frame["upload_id"] = frame["upload_id"].astype("Int64")
    return frame
