"""Formula-safe CSV and Excel output: every file the project writes goes through here.

A cell that starts with ``= + - @``, a tab or a carriage return is run as a formula by
spreadsheet programs (CSV injection). Such text cells get a leading apostrophe, the
OWASP-recommended neutraliser, which Excel and LibreOffice show as plain text. A cell with
line breaks has every line neutralised the same way, and in CSV every field holding a
carriage return or a line feed is quoted: a bare ``\r`` would otherwise start a new row in
a spreadsheet, whose first cell could be a formula. Numbers stay numbers: ``-3.5`` in a
numeric column is data, not a formula.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

__all__ = ["neutralise_formulas", "to_csv_bytes", "to_excel_bytes", "write_table"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_AFTER_LINE_BREAK = re.compile(r"(\r\n|\r|\n)(?=[=+\-@\t])")


def _neutralise_cell(value: object) -> object:
    if not isinstance(value, str):
        return value
    if "\r" in value or "\n" in value:
        value = _FORMULA_AFTER_LINE_BREAK.sub(r"\1'", value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _lf_records(crlf_csv: str) -> str:
    """CSV written with CRLF record ends, with LF record ends; line breaks inside fields stay.

    Writing with ``\r\n`` as the terminator makes the csv module quote every field holding
    a CR or an LF. With minimal quoting every ``"`` is a field boundary or a doubled quote,
    so the text between an even number of quotes is outside every field.
    """
    parts = crlf_csv.split('"')
    parts[::2] = [part.replace("\r\n", "\n") for part in parts[::2]]
    return '"'.join(parts)


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells (and column names) cannot run as spreadsheet formulas."""
    safe = frame.copy()
    for column in safe.columns:
        if not (
            pd.api.types.is_numeric_dtype(safe[column]) or pd.api.types.is_bool_dtype(safe[column])
        ):
            safe[column] = safe[column].map(_neutralise_cell)
    safe.columns = [_neutralise_cell(str(c)) for c in safe.columns]
    return safe


def to_csv_bytes(frame: pd.DataFrame, *, bom: bool = True) -> bytes:
    """Formula-safe UTF-8 CSV; with ``bom`` Excel shows accents and CJK text correctly."""
    text = _lf_records(neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n"))
    return text.encode("utf-8-sig" if bom else "utf-8")


def to_excel_bytes(frame: pd.DataFrame, *, sheet_name: str = "LifeWeb Match") -> bytes:
    """Formula-safe ``.xlsx``; text cells are written as strings, never as formulas."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_formulas(frame).to_excel(writer, index=False, sheet_name=sheet_name[:31])
    return buffer.getvalue()


def write_table(frame: pd.DataFrame, path: str | Path, *, bom: bool = False) -> Path:
    """Write ``frame`` to ``path`` as CSV, or Excel when the name ends in ``.xlsx``."""
    path = Path(path)
    if path.parent != Path():
        path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(to_excel_bytes(frame))
    else:
        path.write_bytes(to_csv_bytes(frame, bom=bom))
    return path
