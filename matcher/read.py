"""Bytes to a raw table of strings: CSV in any common dialect and encoding, or ``.xlsx``.

Nothing is interpreted here except the layout: which delimiter, which encoding, which
row is the header (a title row above it is skipped), which cells were merged. Every
cell comes back as a string, exactly as written, with the row number a person sees in
a spreadsheet program, so later messages can point at it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from matcher.errors import UnreadableFileError
from matcher.intake.arrow_csv import arrow_records, blank_rows
from matcher.intake.sniff import content_kind, not_a_table_message
from matcher.intake.xlsx import read_xlsx

__all__ = [
    "EXCEL_CELL_LIMIT",
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "NotATableError",
    "RawTable",
    "Source",
    "read_table",
]

MAX_BYTES = 100_000_000
"""Largest file accepted (100 MB, decimal as every message says it): far above any real proposals file."""
MAX_ROWS = 250_000
"""Most data rows accepted in one file."""
MAX_COLUMNS = 500
"""Most columns accepted: a proposals file has about twenty; thousands make every step slow."""
EXCEL_CELL_LIMIT = 32_767
"""Characters Excel keeps in one cell; longer cells are noted (an Excel export would cut them)."""


class NotATableError(UnreadableFileError):
    """The file is something else than a table (a web page, XML, an .ods); ``kind`` says what.

    ``kind == "iati"`` is IATI activity XML, which the IATI reader can take instead.
    """

    def __init__(self, kind: str, filename: str = "") -> None:
        self.kind = kind
        super().__init__(not_a_table_message(kind, filename))


Source = str | os.PathLike[str] | bytes | bytearray | BinaryIO

_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_CHARACTERS = 65536
"""The delimiter is told from the first characters of the text."""
_HEADER_SEARCH_ROWS = 15


@dataclass(frozen=True)
class RawTable:
    """One sheet of cells as strings, header found, with where each row came from."""

    frame: pd.DataFrame
    """Data rows, one ``str`` column per header (duplicate or empty headers made unique)."""
    source_rows: tuple[int, ...]
    """For each data row, the row number a person sees (header row of a plain CSV is 1)."""
    headers: tuple[str, ...]
    """Headers as written (before being made unique)."""
    row_problems: dict[int, tuple[str, str]] = field(default_factory=dict)
    """Row position -> (why the row's layout is broken, the row's cells joined as they came)."""
    row_notes: dict[int, list[str]] = field(default_factory=dict)
    """Row position -> what was changed or is worth knowing in its cells (formula kept, control
    characters removed, a cell longer than Excel keeps)."""
    file_format: str = "csv"
    encoding: str = ""
    delimiter: str = ""
    header_row: int = 1
    notes: tuple[str, ...] = ()


def _read_bytes(source: Source, max_bytes: int) -> tuple[bytes, str | None]:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        name = None
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.exists():
            raise UnreadableFileError(f"No such file: {path}")
        if path.is_dir():
            raise UnreadableFileError(f"{path} is a folder, not a file")
        size = path.stat().st_size
        if size > max_bytes:
            raise UnreadableFileError(_too_big(size, max_bytes))
        try:
            data = path.read_bytes()
        except OSError as error:
            raise UnreadableFileError(f"Cannot open {path}: {error.strerror or error}") from None
        name = path.name
    elif hasattr(source, "read"):
        data = source.read(max_bytes + 1)
        if isinstance(data, str):
            raise UnreadableFileError(
                "Open the file in binary mode ('rb'): text was given, bytes expected"
            )
        name = getattr(source, "name", None)
        name = Path(name).name if isinstance(name, str) else None
    else:
        raise TypeError(
            f"source must be a path, bytes or a binary file object, not {type(source).__name__}"
        )
    if len(data) > max_bytes:
        raise UnreadableFileError(_too_big(len(data), max_bytes))
    return data, name


def _too_big(size: int, max_bytes: int) -> str:
    return (
        f"The file is {size / 1e6:,.1f} MB; the limit is {max_bytes / 1e6:,.0f} MB. "
        "Split it into smaller files and load them one by one."
    )


def _decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise UnreadableFileError(
                f'Unknown encoding "{encoding}". Common ones: utf-8, cp1252, latin-1, gbk, utf-16.'
            ) from None
        except UnicodeDecodeError as error:
            raise UnreadableFileError(
                f"The file is not valid {encoding} (byte 0x{data[error.start]:02x} at position "
                f"{error.start}). Try another encoding, e.g. utf-8, cp1252 or gbk."
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if _bytes_look_binary(data):
        raise UnreadableFileError(
            "This does not look like a CSV or Excel file (it holds binary data). "
            "Load a .csv or .xlsx file; for UTF-16 text without a byte-order mark, "
            "name the encoding (--encoding utf-16-le)."
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as error:
        raise UnreadableFileError(
            f"The file is not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start}). "
            "Save it as 'CSV UTF-8' or name its encoding, e.g. --encoding cp1252 "
            "(Excel on Western European Windows), --encoding latin-1 or --encoding gbk (Chinese)."
        ) from None


_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f")


def _bytes_look_binary(data: bytes) -> bool:
    """Many NUL or control bytes: no text encoding people use for tables produces those.

    A few stray ones are a damaged row, reported on that row, not a binary file.
    """
    sample = data[:8192]
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return control > max(8, len(sample) // 100)


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return control > max(8, len(sample) // 100)


def _sniff_delimiter(
    text: str, header_score: Callable[[Sequence[str]], float] | None = None
) -> str:
    """The delimiter whose header row holds the most known column names; among equals, the one
    that splits the first lines into the most columns, most consistently.

    Known names come first because sparse rows with ``BOL|BRA|PER`` lists split more
    consistently on ``|`` than on the comma that really separates the columns.
    """
    sample = text[:_SNIFF_CHARACTERS]
    best, best_score = ",", (-1.0, -1.0, 0)
    for delimiter in _DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))[:50]
        except csv.Error:
            continue
        if len(text) > len(sample):
            rows = rows[:-1]  # the last one may be cut off
        widths = [sum(1 for c in row if c.strip()) for row in rows if any(c.strip() for c in row)]
        if not widths:
            continue
        most = max(widths)
        if most < 2:
            continue
        consistent = sum(1 for width in widths if width >= max(2, most // 2)) / len(widths)
        known = (
            max(header_score(row) for row in rows[:_HEADER_SEARCH_ROWS])
            if header_score is not None
            else 0.0
        )
        score = (known, round(consistent, 2), most)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _lines(text: str) -> Iterator[str]:
    """The lines ``io.StringIO(text, newline="")`` gives, without its four-bytes-a-character copy.

    Split at ``\n`` (so a ``\r\n`` ending stays whole); text with a lone ``\r`` line end goes
    through ``StringIO`` itself.
    """
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        yield from io.StringIO(text, newline="")
        return
    start, size, find = 0, len(text), text.find
    while start < size:
        end = find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def _csv_rows(text: str, delimiter: str, max_rows: int) -> tuple[list[list[str]], dict[int, str]]:
    """The records of a CSV text, and record number -> why it is broken (an unclosed quote).

    A quote that is never closed makes the csv module read every line after it into one
    cell; that record is reported and the lines after its first are read again as records.
    """
    # A long description cell can pass the csv module's default 128 KB field limit.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
    limit = max_rows + _HEADER_SEARCH_ROWS
    rows: list[list[str]] = []
    broken: dict[int, str] = {}
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=False)
    last_start = 0
    try:
        while True:
            before = reader.line_num
            try:
                row = next(reader)
            except StopIteration:
                break
            last_start = before
            rows.append(row)
            if len(rows) > limit:
                raise UnreadableFileError(_too_many_streamed(limit, max_rows))
    except csv.Error as error:
        raise UnreadableFileError(f"The CSV layout is broken: {error}") from None
    if rows and text.count('"') % 2 and any("\n" in cell or "\r" in cell for cell in rows[-1]):
        lines = list(_lines(text))  # the same lines the csv reader counted
        number = len(rows)
        first_line = lines[last_start] if last_start < len(lines) else ""
        rows[-1] = next(csv.reader([first_line.replace('"', "")], delimiter=delimiter), [])
        broken[number] = (
            f"the quote opened on row {number} is never closed, so it would swallow the "
            f"{len(lines) - last_start - 1:,} lines after it; close the quote (or remove it)"
        )
        rest, more = _csv_rows("".join(lines[last_start + 1 :]), delimiter, max_rows)
        for offset, reason in more.items():
            broken[number + offset] = reason
        rows.extend(rest)
        if len(rows) > limit:
            raise UnreadableFileError(_too_many_streamed(limit, max_rows))
    return rows, broken


def _too_many_streamed(limit: int, max_rows: int) -> str:
    return (
        f"The file has more than {max_rows:,} rows (reading stopped at row {limit + 1:,}); "
        f"the limit is {max_rows:,}. Split it into smaller files."
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_FORMAT_CURRENCIES = (
    ("€", "EUR"),
    ("£", "GBP"),
    ("[$USD", "USD"),
    ("[$EUR", "EUR"),
    ('"$"', "USD"),
    ("[$$", "USD"),
    ("$#", "USD"),
    ("$ #", "USD"),
)


def _format_currency(number_format: str) -> str:
    """ISO code of the currency an Excel number format displays ("" for plain numbers)."""
    for marker, code in _FORMAT_CURRENCIES:
        if marker in number_format:
            return code
    return ""


def _too_many(rows: int, max_rows: int) -> str:
    return f"The file has {rows:,} rows; the limit is {max_rows:,}. Split it into smaller files."


def _distinct_cells(row: Sequence[str]) -> float:
    return float(len({c.strip() for c in row if c.strip()}))


def _find_header(
    rows: Sequence[Sequence[str]], score: Callable[[Sequence[str]], float] | None
) -> int:
    """Index of the header row among the first rows.

    With a scorer (known column names), the best-scoring row wins; otherwise, or when no
    row scores, the first row at least half as wide as the widest: a title row above the
    header, merged across or not, holds a single distinct value.
    """
    candidates = [
        i for i, row in enumerate(rows[:_HEADER_SEARCH_ROWS]) if any(c.strip() for c in row)
    ]
    if not candidates:
        raise UnreadableFileError("The file holds no rows")
    if score is not None:
        best = max(candidates, key=lambda i: (score(rows[i]), -i))
        if score(rows[best]) > 0:
            return best
    widest = max(_distinct_cells(rows[i]) for i in candidates)
    return next(
        i for i in candidates if _distinct_cells(rows[i]) >= min(widest, max(2.0, widest / 2))
    )


_NEUTRALISED = re.compile(r"(^|\r\n|\r|\n)'(?=[=+\-@\t\r])")
_NEUTRALISED_ANYWHERE = re.compile(r"'[=+\-@\t\r]")


def _restore_neutralised(rows: list[list[str]]) -> list[list[str]]:
    """Undo the apostrophe ``matcher.export`` puts before ``= + - @`` (at the start of a cell
    and of each line in it) so our own files read back as written."""
    return [
        [_NEUTRALISED.sub(r"\1", cell) if "'" in cell else cell for cell in row] for row in rows
    ]


def _unique_headers(headers: Sequence[str]) -> tuple[list[str], list[str]]:
    """Headers made unique (``x, x, x_2`` -> ``x, x_3, x_2``), and a note for each renamed one."""
    names = [header.strip() or f"column_{position}" for position, header in enumerate(headers, 1)]
    taken = set(names)
    seen: set[str] = set()
    unique, notes = [], []
    for position, name in enumerate(names, start=1):
        if name in seen:
            suffix = 2
            while f"{name}_{suffix}" in taken:
                suffix += 1
            renamed = f"{name}_{suffix}"
            taken.add(renamed)
            notes.append(
                f'header "{name}" appears more than once: column {position} is read as "{renamed}"'
            )
            name = renamed
        seen.add(name)
        unique.append(name)
    return unique, notes


def read_table(
    source: Source,
    *,
    filename: str | None = None,
    encoding: str | None = None,
    header_score: Callable[[Sequence[str]], float] | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> RawTable:
    """Read a CSV or ``.xlsx`` file into strings, finding the delimiter, encoding and header row.

    Parameters
    ----------
    source : path, bytes or binary file object
        The file.
    filename : str, optional
        Name to decide the format by when ``source`` is bytes (``.xlsx`` is also recognised
        by its content).
    encoding : str, optional
        Text encoding of a CSV; default UTF-8 (with or without BOM) or UTF-16 with BOM.
    header_score : callable, optional
        Scores a candidate header row (e.g. how many cells are known column names); the
        best of the first rows wins. Default: the first row at least half as wide as the widest.
    max_bytes, max_rows : int
        Limits; a larger file is refused with a message saying how to split it.

    Returns
    -------
    RawTable
        Cells as strings; blank rows are dropped; ragged short rows are padded.

    Raises
    ------
    UnreadableFileError
        Missing, empty, binary, too large, undecodable or structurally broken files.
    """
    data, name = _read_bytes(source, max_bytes)
    filename = filename or name or ""
    if not data or data.isspace():  # as `not data.strip()`, without copying a large file
        raise UnreadableFileError("The file is empty")
    notes: list[str] = []
    kind = content_kind(data)
    broken: dict[int, str] = {}
    formulas: dict[int, list[int]] = {}
    if kind == "xlsx" or (kind == "zip" and filename.lower().endswith((".xlsx", ".xlsm"))):
        sheet = read_xlsx(
            data,
            max_rows=max_rows,
            slack=_HEADER_SEARCH_ROWS,
            max_columns=MAX_COLUMNS,
            currency_of=_format_currency,
        )
        del data
        rows, numbers, formulas = sheet.rows, sheet.numbers, sheet.formulas
        file_format, used_encoding, delimiter = "xlsx", "", ""
        neutralised = False
        # Escaped control characters (_x000B_, _x0000_) decode to characters no output can hold.
        has_nul = has_control = sheet.has_control
        notes.append(f'read sheet "{sheet.sheet}"')
    elif kind != "text":
        raise NotATableError(kind, filename)
    else:
        if encoding is None:
            table = _arrow_table(data, header_score, max_rows, notes)
            if table is not None:
                return table
        text, used_encoding = _decode(data, encoding)
        has_control = _holds_control_characters(data, text, used_encoding)
        if _looks_binary(text):
            raise UnreadableFileError(
                "This does not look like a CSV or Excel file (it holds binary data). "
                "Load a .csv or .xlsx file."
            )
        delimiter = _sniff_delimiter(text, header_score)
        neutralised = _NEUTRALISED_ANYWHERE.search(text) is not None
        has_nul = "\x00" in text
        notes.append(f"CSV, {used_encoding}, delimiter {_delimiter_name(delimiter)}")
        del data  # the decoded text replaces the bytes; a large file is not held twice
        rows, broken = _csv_rows(text, delimiter, max_rows)
        del text  # the cells hold it now
        numbers = list(range(1, len(rows) + 1))
        file_format = "csv"
    if file_format == "xlsx" or neutralised:
        rows = _restore_neutralised(rows)
    header_index = _find_header(rows, header_score)
    headers = [c.strip() for c in rows[header_index]]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) < 1:
        raise UnreadableFileError("No header row found")
    if len(headers) > MAX_COLUMNS:
        raise UnreadableFileError(
            f"The header row has {len(headers):,} columns; the limit is {MAX_COLUMNS:,}. "
            "Keep the columns the proposals need (a proposals file has about twenty)."
        )
    if header_index:
        notes.append(f"header on row {numbers[header_index]}; rows above it skipped")
    columns, renamed = _unique_headers(headers)
    notes.extend(renamed)
    width = len(headers)
    body: list[list[str]] = []
    body_numbers: list[int] = []
    problems: dict[int, tuple[str, str]] = {}
    row_notes: dict[int, list[str]] = {}
    for cells, number in zip(rows[header_index + 1 :], numbers[header_index + 1 :], strict=True):
        if not any(c.strip() for c in cells):
            continue
        position = len(body)
        if number in broken:
            problems[position] = (broken[number], (delimiter or ",").join(cells))
        elif has_nul and any("\x00" in c for c in cells):
            problems[position] = (
                "the row holds a NUL byte (an invisible character \\x00 no text cell can hold); "
                "remove it and load the row again",
                (delimiter or ",").join(c.replace("\x00", "\\x00") for c in cells),
            )
        elif len(cells) > width and any(c.strip() for c in cells[width:]):
            where = f"the delimiter {_delimiter_name(delimiter)}" if delimiter else "extra cells"
            reason = (
                f"row has {sum(1 for c in cells if c != '')} cells but the header has {width}; "
                f"a value probably contains {where} without quotes"
            )
            problems[position] = (reason, (delimiter or ",").join(cells))
        if len(cells) != width:
            cells = (cells + [""] * width)[:width]
        if has_control and position not in problems:
            cells = _without_control_characters(cells, columns, row_notes.setdefault(position, []))
        for column in formulas.get(number, ()):
            if column <= width:
                row_notes.setdefault(position, []).append(
                    f"{columns[column - 1]}: formula kept as text (the file saved no value for it)"
                )
        body.append(cells)
        body_numbers.append(number)
    if len(body) > max_rows:
        raise UnreadableFileError(_too_many(len(body), max_rows))
    del rows
    frame = _frame_of_strings(body, columns)
    _note_long_cells(frame, row_notes)
    return RawTable(
        frame=frame,
        source_rows=tuple(body_numbers),
        headers=tuple(headers),
        row_problems=problems,
        row_notes={p: n for p, n in row_notes.items() if n},
        file_format=file_format,
        encoding=used_encoding,
        delimiter=delimiter,
        header_row=numbers[header_index],
        notes=tuple(notes),
    )


_CONTROL_CHARS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters no spreadsheet cell can hold (Excel refuses the file): removed, noted."""
_CONTROL_BYTES = bytes([*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_SCAN_BYTES = 16 * 2**20


def _holds_control_characters(data: bytes, text: str, encoding: str) -> bool:
    """Whether the text holds a character of :data:`_CONTROL_CHARS`.

    In UTF-8 a control character is its own byte and no byte of another character is below
    0x80, so the bytes tell, and ``bytes.translate`` scans them about four times faster than
    the regular expression scans the text (slices keep the copies small). Other encodings
    search the decoded text.
    """
    if encoding != "utf-8":
        return _CONTROL_CHARS.search(text) is not None
    for start in range(0, len(data), _SCAN_BYTES):
        piece = data[start : start + _SCAN_BYTES]
        if len(piece.translate(None, _CONTROL_BYTES)) != len(piece):
            return True
    return False


def _without_control_characters(
    cells: list[str], columns: Sequence[str], notes: list[str]
) -> list[str]:
    cleaned = []
    for cell, column in zip(cells, columns, strict=True):
        if _CONTROL_CHARS.search(cell):
            cell = _CONTROL_CHARS.sub("", cell)
            notes.append(f"{column}: control characters removed")
        cleaned.append(cell)
    return cleaned


def _note_long_cells(frame: pd.DataFrame, row_notes: dict[int, list[str]]) -> None:
    """Note cells longer than Excel keeps, found per column in one Arrow pass."""
    for column in frame.columns:
        cells = pa.array(frame[column].array)
        long = pc.fill_null(pc.greater(pc.utf8_length(cells), EXCEL_CELL_LIMIT), False)
        if not pc.any(long).as_py():
            continue
        lengths = pc.utf8_length(cells).to_numpy(zero_copy_only=False)
        for position in long.to_numpy(zero_copy_only=False).nonzero()[0].tolist():
            row_notes.setdefault(position, []).append(
                f"{column}: {int(lengths[position]):,} characters, more than the "
                f"{EXCEL_CELL_LIMIT:,} Excel keeps in a cell (an Excel export would cut it)"
            )


_HEAD_BYTES = 1 << 20
"""Bytes decoded to sniff the delimiter and find the header when Arrow parses the rest: more
than :data:`_SNIFF_CHARACTERS`, so the sniffer sees what it sees in the whole text."""
_NEUTRALISED_BYTES = re.compile(rb"'[=+\-@\t\r]")


def _arrow_table(
    data: bytes,
    header_score: Callable[[Sequence[str]], float] | None,
    max_rows: int,
    notes: list[str],
) -> RawTable | None:
    """The table :func:`read_table` builds, from Arrow's parse of a plain UTF-8 CSV, or None.

    Only UTF-8 (no encoding named, no UTF-16 mark) without control or NUL characters, without
    the apostrophe our export puts before a formula, with every quote closed, whose header is
    its first record, with no empty header at the end and every record as wide, is taken
    (see :mod:`matcher.intake.arrow_csv`). Those checks run on the bytes and a decoded head,
    so the whole file is never decoded into a Python string; Arrow checks the UTF-8 of every
    cell. The csv module parses the first records of the head too, and they must agree. Any
    other file is left to the csv module, which says what is wrong with it.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _bytes_look_binary(data):
        return None
    if data.count(b'"') % 2 or b"\x00" in data or _NEUTRALISED_BYTES.search(data):
        return None
    if _holds_control_characters(data, "", "utf-8"):
        return None
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    whole = len(data) <= _HEAD_BYTES
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(
            data[start : start + _HEAD_BYTES], final=whole
        )
    except UnicodeDecodeError:
        return None
    if not whole:
        text = text[: text.rfind("\n") + 1]  # whole lines only
        if len(text) <= _SNIFF_CHARACTERS:
            return None  # the sniffer would not see that the text goes on
    if _looks_binary(text):
        return None
    delimiter = _sniff_delimiter(text, header_score)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
    try:
        reader = csv.reader(_lines(text), delimiter=delimiter, strict=False)
        head = list(itertools.islice(reader, _HEADER_SEARCH_ROWS + 1))
    except csv.Error:
        return None
    if not whole and len(head) <= _HEADER_SEARCH_ROWS:
        return None  # the head may end inside a record: only records before a later one count
    head = head[:_HEADER_SEARCH_ROWS]
    if not any(any(c.strip() for c in row) for row in head):
        return None
    if _find_header(head, header_score) != 0:
        return None
    headers = [c.strip() for c in head[0]]
    if not headers[-1] or len(headers) > MAX_COLUMNS:
        return None
    arrays = arrow_records(memoryview(data)[start:], delimiter, len(headers))
    if arrays is None or len(arrays[0]) - 1 > max_rows:
        return None
    first = [array.slice(0, len(head)).to_pylist() for array in arrays]
    if [list(row) for row in zip(*first, strict=True)] != head:
        return None
    arrays = [array.slice(1) for array in arrays]
    numbers = np.arange(2, len(arrays[0]) + 2)
    blank = blank_rows(arrays)
    if blank:
        keep = np.ones(len(numbers), dtype=bool)
        keep[blank] = False
        mask = pa.array(keep)
        arrays = [array.filter(mask) for array in arrays]
        numbers = numbers[keep]
    if not len(numbers):
        return None
    columns, renamed = _unique_headers(headers)
    notes.extend([f"CSV, utf-8, delimiter {_delimiter_name(delimiter)}", *renamed])
    frame = _frame_of_arrays(arrays, columns)
    row_notes: dict[int, list[str]] = {}
    _note_long_cells(frame, row_notes)
    return RawTable(
        frame=frame,
        source_rows=tuple(numbers.tolist()),
        headers=tuple(headers),
        row_notes=row_notes,
        file_format="csv",
        encoding="utf-8",
        delimiter=delimiter,
        header_row=1,
        notes=tuple(notes),
    )


def _frame_of_arrays(arrays: list[pa.Array], columns: list[str]) -> pd.DataFrame:
    frame = pd.concat([pd.Series(cells, dtype=str) for cells in arrays], axis=1, ignore_index=True)
    frame.columns = columns
    return frame


def _frame_of_strings(body: list[list[str]], columns: list[str]) -> pd.DataFrame:
    """A ``str`` frame of the rows, built a column at a time so each column's Python strings are freed
    as soon as its Arrow copy exists (a large file's cells are never held twice over)."""
    if not body:
        return pd.DataFrame(columns=columns, dtype=str)
    cells_by_column = list(zip(*body, strict=True))
    body.clear()
    series: list[pd.Series] = []
    for position in range(len(columns)):
        # pyarrow builds the column from a list of str several times faster than pandas does.
        cells = pa.array(list(cells_by_column[position]), type=pa.large_string())
        cells_by_column[position] = ()
        series.append(pd.Series(cells, dtype=str))
    frame = pd.concat(series, axis=1, ignore_index=True)
    frame.columns = columns
    return frame


def _delimiter_name(delimiter: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(
        delimiter, repr(delimiter)
    )
