"""An ``.xlsx`` sheet read as a stream, with the archive checked before anything is unpacked.

Why not ``openpyxl.load_workbook``: it builds every cell of the workbook in memory before
the first row can be looked at, so a 1.8 MB archive holding 1 GB of sheet XML (a zip
bomb) or a million-row sheet costs gigabytes and minutes before a limit can refuse it.
Here the sizes the archive declares are checked first (Python's zip reader never unpacks
more than a member declares), then the sheet XML is parsed element by element with
entities off and each row is dropped once read, so the row and column limits stop the
read early. A formula cell without a cached value (a file written by a script, never
opened in Excel) keeps its formula as text, noted, instead of reading as empty.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import iterparse as _c_iterparse

from defusedxml import DefusedXmlException

from matcher.errors import UnreadableFileError

__all__ = ["MAX_UNCOMPRESSED", "SheetRows", "read_xlsx"]

MAX_UNCOMPRESSED = 400 * 1000 * 1000
"""Most bytes an ``.xlsx`` may unpack to (400 MB): a 250,000-row sheet of proposals is well under it."""
_MAX_RATIO = 200
"""A member that unpacks to this many times its packed size, and to more than 20 MB, is a bomb."""
_SMALL_PARTS = 50 * 1000 * 1000
"""Workbook, relations and styles parts are read whole; none is near this in a real file."""

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_DATE_CODES = re.compile(r"[dmyhs]", re.I)
_QUOTED_OR_BRACKETED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_BUILTIN_DATE_FORMATS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57}
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


@dataclass
class SheetRows:
    """The rows of one sheet as strings, with each row's number and what was noted about cells."""

    rows: list[list[str]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    sheet: str = ""
    formulas: dict[int, list[int]] = field(default_factory=dict)
    """Row number -> columns (1-based) whose formula was kept as text (no cached value)."""
    has_control: bool = False
    """Some cell holds a control character or NUL (written escaped, ``_x000B_``, ``_x0000_``)."""


class _Prefixed(io.RawIOBase):
    """A stream with bytes already read put back in front."""

    def __init__(self, head: bytes, rest: object) -> None:
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._head:
            chunk = self._head if size < 0 else self._head[:size]
            self._head = self._head[len(chunk) :]
            return chunk
        return self._rest.read(size)  # type: ignore[attr-defined]


_PROLOG_END = re.compile(rb"<[^?!]")


def iterparse(
    stream: object, events: tuple[str, ...] = ("end",), forbid_dtd: bool = True
) -> Iterator:
    """ElementTree's C ``iterparse``, refusing any document type declaration.

    Without a DTD no entity can be declared, so only the five predefined entities and
    character references exist: nothing expands, nothing is fetched. The declaration can
    only stand in the prolog, before the first element, which is all that is looked at.
    (defusedxml does the same check from Python callbacks, 2.5 times slower on a sheet.)
    """
    head = stream.read(65536)  # type: ignore[attr-defined]
    probe = head.replace(b"\x00", b"")  # UTF-16 markup reads as ASCII without its NUL bytes
    first = _PROLOG_END.search(probe)
    if first is None and len(head) == 65536:
        raise DefusedXmlException("no element in the first 64 KB")
    prolog = probe[: first.start()] if first else probe
    if forbid_dtd and b"<!DOCTYPE" in prolog.upper():
        raise DefusedXmlException("a document type declaration (DTD) is not allowed")
    return _c_iterparse(_Prefixed(head, stream), events=events)


def _too_big_archive(total: int, packed: int) -> str:
    return (
        f"This .xlsx file unpacks to {total / 1e6:,.0f} MB (from {packed / 1e6:,.1f} MB); the limit "
        f"is {MAX_UNCOMPRESSED / 1e6:,.0f} MB, so it is not read. Save the sheet as CSV, or split it."
    )


def _check_archive(archive: zipfile.ZipFile, packed: int) -> None:
    infos = archive.infolist()
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise UnreadableFileError(_too_big_archive(total, packed))
    for info in infos:
        if info.file_size > 20_000_000 and info.file_size > _MAX_RATIO * max(info.compress_size, 1):
            raise UnreadableFileError(
                f"This .xlsx file holds a part ({info.filename}) that unpacks {info.file_size // max(info.compress_size, 1):,} "
                "times over, as no spreadsheet program writes: it is not read. Save the sheet "
                "as CSV from the program that made it."
            )


def _parse_whole(archive: zipfile.ZipFile, name: str) -> Iterator[object]:
    if archive.getinfo(name).file_size > _SMALL_PARTS:
        raise UnreadableFileError(f"The .xlsx part {name} is too large to be real")
    with archive.open(name) as stream:
        for _event, element in iterparse(stream, forbid_dtd=True):
            yield element


def _sheet_paths(archive: zipfile.ZipFile) -> tuple[list[tuple[str, str]], int, bool]:
    """(sheet name, part path) in workbook order, the active tab, and whether dates count from 1904."""
    targets: dict[str, str] = {}
    rels = "xl/_rels/workbook.xml.rels"
    if rels in archive.namelist():
        for element in _parse_whole(archive, rels):
            if element.tag == f"{_PKG_REL}Relationship":  # type: ignore[attr-defined]
                target = element.get("Target", "")  # type: ignore[attr-defined]
                path = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join("xl", target))
                )
                targets[element.get("Id", "")] = path  # type: ignore[attr-defined]
    sheets: list[tuple[str, str]] = []
    active, date1904 = 0, False
    for element in _parse_whole(archive, "xl/workbook.xml"):
        tag = element.tag  # type: ignore[attr-defined]
        if tag == f"{_MAIN}sheet":
            path = targets.get(element.get(f"{_REL}id", ""), "")  # type: ignore[attr-defined]
            if path in archive.namelist():
                sheets.append((element.get("name", ""), path))  # type: ignore[attr-defined]
        elif tag == f"{_MAIN}workbookView":
            active = int(element.get("activeTab", "0") or 0)  # type: ignore[attr-defined]
        elif tag == f"{_MAIN}workbookPr":
            date1904 = element.get("date1904", "") in ("1", "true")  # type: ignore[attr-defined]
    if not sheets:
        raise UnreadableFileError("The Excel file holds no worksheet")
    return sheets, min(active, len(sheets) - 1), date1904


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    name = "xl/sharedStrings.xml"
    if name not in archive.namelist():
        return []
    strings: list[str] = []
    with archive.open(name) as stream:
        for _event, element in iterparse(stream, forbid_dtd=True):
            if element.tag == f"{_MAIN}si":
                strings.append(_text_of(element))
                element.clear()
    return strings


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
"""How OOXML writes a character XML cannot hold (``_x000B_``, a vertical tab) or a literal
``_x`` sequence (``_x005F_x0041_``)."""


def _unescaped(text: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _text_of(element: object) -> str:
    """The text runs of a string item, without phonetic guides (``rPh``), escapes decoded."""
    parts = []
    for child in element:  # type: ignore[attr-defined]
        if child.tag == f"{_MAIN}t":
            parts.append(child.text or "")
        elif child.tag == f"{_MAIN}r":
            parts.extend(t.text or "" for t in child if t.tag == f"{_MAIN}t")
    return _unescaped("".join(parts))


def _styles(archive: zipfile.ZipFile) -> list[str]:
    """Number-format code of each cell style index ("" for General)."""
    name = "xl/styles.xml"
    if name not in archive.namelist():
        return []
    custom: dict[int, str] = {}
    formats: list[int] = []
    in_cell_xfs = False
    with archive.open(name) as stream:
        for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            tag = element.tag
            if tag == f"{_MAIN}cellXfs":
                in_cell_xfs = event == "start"
            elif event == "end" and tag == f"{_MAIN}numFmt":
                custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            elif event == "end" and tag == f"{_MAIN}xf" and in_cell_xfs:
                formats.append(int(element.get("numFmtId", "0") or 0))
    return [custom.get(i, f"builtin:{i}") for i in formats]


def _is_date_format(code: str) -> bool:
    if code.startswith("builtin:"):
        return int(code[8:]) in _BUILTIN_DATE_FORMATS
    return bool(_DATE_CODES.search(_QUOTED_OR_BRACKETED.sub("", code)))


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def _number_text(value: str) -> str:
    number = float(value)
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def _date_text(value: str, date1904: bool) -> str:
    moment = (_EPOCH_1904 if date1904 else _EPOCH_1900) + dt.timedelta(days=float(value))
    moment = moment.replace(microsecond=0)
    return moment.date().isoformat() if moment.time() == dt.time() else moment.isoformat(sep=" ")


def _rows_of(
    archive: zipfile.ZipFile,
    path: str,
    strings: list[str],
    styles: list[str],
    date1904: bool,
    limits: tuple[int, int, int],
    currency_of: object,
) -> SheetRows:
    max_rows, max_columns, slack = limits
    out = SheetRows()
    merges: list[tuple[int, int, int, int]] = []
    sheet_data = None
    with archive.open(path) as stream:
        for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            tag = element.tag
            if event == "start":
                if tag == f"{_MAIN}sheetData":
                    sheet_data = element
                continue
            if tag == f"{_MAIN}row":
                number = int(element.get("r", "0") or 0) or (
                    out.numbers[-1] + 1 if out.numbers else 1
                )
                cells: list[str] = []
                for cell in element:
                    if cell.tag != f"{_MAIN}c":
                        continue
                    ref = _CELL_REF.match(cell.get("r", ""))
                    column = _column_index(ref.group(1)) if ref else len(cells) + 1
                    if column > max_columns:
                        raise UnreadableFileError(
                            f"The sheet has cells in column {column:,}; the limit is "
                            f"{max_columns:,} columns. Delete the unused columns and save again."
                        )
                    text = _cell_value(
                        cell, strings, styles, date1904, out, number, column, currency_of
                    )
                    if column > len(cells) + 1:
                        cells.extend([""] * (column - len(cells) - 1))
                    cells.append(text)
                if any(c.strip() for c in cells):
                    out.rows.append(cells)
                    out.numbers.append(number)
                    if len(out.rows) > max_rows + slack:
                        raise UnreadableFileError(
                            f"The sheet has more than {max_rows:,} rows (reading stopped at row "
                            f"{number:,}); the limit is {max_rows:,}. Split it into smaller files."
                        )
                element.clear()
                if sheet_data is not None:
                    sheet_data.remove(element)
            elif tag == f"{_MAIN}mergeCell":
                found = re.fullmatch(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", element.get("ref", ""))
                if found:
                    merges.append(
                        (
                            int(found.group(2)),
                            _column_index(found.group(1)),
                            int(found.group(4)),
                            _column_index(found.group(3)),
                        )
                    )
    _fill_merges(out, merges)
    return out


def _cell_value(
    cell: object,
    strings: list[str],
    styles: list[str],
    date1904: bool,
    out: SheetRows,
    row: int,
    column: int,
    currency_of: object,
) -> str:
    kind = cell.get("t", "n")  # type: ignore[attr-defined]
    value = formula = None
    inline = None
    for child in cell:  # type: ignore[attr-defined]
        if child.tag == f"{_MAIN}v":
            value = child.text
        elif child.tag == f"{_MAIN}f":
            formula = child.text
        elif child.tag == f"{_MAIN}is":
            inline = child
    if inline is not None:
        text = _text_of(inline)
        if _CONTROL.search(text):
            out.has_control = True
        return text
    if value is None or (value == "" and formula):
        if formula:
            out.formulas.setdefault(row, []).append(column)
            return f"={formula}"
        return ""
    if kind == "s":
        index = int(value)
        return strings[index] if 0 <= index < len(strings) else ""
    if kind == "b":
        return "TRUE" if value.strip() in ("1", "true") else "FALSE"
    if kind in ("str", "e"):
        return value
    if kind == "d":
        return (
            value[:10]
            if value.endswith("T00:00:00") or len(value) == 10
            else value.replace("T", " ")
        )
    style = int(cell.get("s", "0") or 0)  # type: ignore[attr-defined]
    code = styles[style] if 0 <= style < len(styles) else ""
    try:
        if code and _is_date_format(code):
            return _date_text(value, date1904)
        text = _number_text(value)
    except (ValueError, OverflowError):
        return value
    currency = currency_of(code) if code and not code.startswith("builtin:") else ""  # type: ignore[operator]
    return f"{text} {currency}" if currency else text


def _fill_merges(out: SheetRows, merges: list[tuple[int, int, int, int]]) -> None:
    """Every cell of a merged range gets the top-left cell's value (the only one Excel keeps)."""
    if not merges:
        return
    position = {number: i for i, number in enumerate(out.numbers)}
    for top, left, bottom, right in merges:
        first = position.get(top)
        if first is None or len(out.rows[first]) < left:
            continue
        value = out.rows[first][left - 1]
        for number in range(top, bottom + 1):
            i = position.get(number)
            if i is None:
                continue
            cells = out.rows[i]
            if len(cells) < right:
                cells.extend([""] * (right - len(cells)))
            for column in range(left, right + 1):
                cells[column - 1] = value


def read_xlsx(
    data: bytes, *, max_rows: int, max_columns: int, currency_of: object, slack: int = 0
) -> SheetRows:
    """The rows of the active sheet (or the first sheet with more than one row) as strings.

    ``max_rows`` counts data rows; the read stops as soon as the sheet holds more non-empty
    rows than that plus ``slack`` (room for a title and header row above the data).
    ``currency_of`` maps an Excel number format to an ISO currency code ("" for none).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise UnreadableFileError(f"Cannot open the Excel file: it is damaged ({error})") from None
    with archive:
        _check_archive(archive, len(data))
        try:
            sheets, active, date1904 = _sheet_paths(archive)
            strings = _shared_strings(archive)
            styles = _styles(archive)
            order = [sheets[active], *(s for i, s in enumerate(sheets) if i != active)]
            control = any(_CONTROL.search(text) for text in strings)
            first: SheetRows | None = None
            for name, path in order:
                rows = _rows_of(
                    archive,
                    path,
                    strings,
                    styles,
                    date1904,
                    (max_rows, max_columns, slack),
                    currency_of,
                )
                rows.sheet = name
                rows.has_control = rows.has_control or control
                first = first or rows
                if len(rows.rows) > 1:
                    return rows
            return first  # type: ignore[return-value]
        except (DefusedXmlException, SyntaxError, KeyError, zipfile.BadZipFile, EOFError) as error:
            raise UnreadableFileError(
                f"Cannot read the Excel file: it is damaged or not a workbook ({error})"
            ) from None
