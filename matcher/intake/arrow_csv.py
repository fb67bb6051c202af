"""The cells of a plain UTF-8 CSV parsed by Arrow: the same strings the csv module gives, faster.

:func:`matcher.read.read_table` parses CSV text with Python's csv module and builds one Arrow
column per header from the Python strings: about 2 s for a 90 MB file, most of a cold ranking's
reading. For a file every one of whose records has as many cells as its header, Arrow's own
parser gives the same cells straight into Arrow memory (about 0.5 s for the same file).

The two parsers follow the same rules for the csv module's default dialect with
``strict=False``: a quote opens a quoted cell only as a cell's first character, ``""`` inside
one is a quote, characters after the closing quote join the cell, a quote anywhere else is a
character, and ``\\r``, ``\\n`` and ``\\r\\n`` end a record outside quotes. Anything this parse
cannot vouch for (a record of another width, a blank line, Arrow refusing the file) gives
``None`` and the csv module reads the file instead, with its row-by-row checks and messages.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

__all__ = ["arrow_records"]

_PRINTABLE_ASCII = "[!-~]"
"""A printable ASCII character other than the space: a cell holding one is not blank to
``str.strip`` (a short pattern: Arrow compiles it again for every column)."""


def arrow_records(data: bytes | memoryview, delimiter: str, width: int) -> list[pa.Array] | None:
    """Each column's cells, header record first, or None when the csv module must read the file.

    ``data`` is the file's UTF-8 bytes after any byte-order mark; ``width`` is how many cells
    the csv module found in the first record. The columns are ``large_string`` arrays of one
    chunk, as :func:`matcher.read.read_table` builds them.
    """
    uneven = False

    def other_width(_row: object) -> str:
        nonlocal uneven
        uneven = True
        return "skip"

    try:
        table = pa_csv.read_csv(
            pa.py_buffer(data),
            # One block: its columns come out as single chunks (no copy to join them), and a
            # record never straddles two blocks whatever its size.
            read_options=pa_csv.ReadOptions(
                autogenerate_column_names=True, block_size=len(data) + 1
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=other_width,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.large_string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowCapacityError, OverflowError):
        return None
    if uneven or table.num_columns != width:
        return None
    columns = []
    for column in table.columns:
        if column.type != pa.large_string():
            return None
        columns.append(column.combine_chunks() if column.num_chunks != 1 else column.chunk(0))
    return columns


def blank_rows(columns: list[pa.Array]) -> list[int]:
    """Rows every one of whose cells is empty once stripped (``not any(c.strip() ...)``).

    Only rows without a printable ASCII character in any cell are looked at in Python.
    """
    if not columns or not len(columns[0]):
        return []
    maybe_blank = None
    for column in columns:
        blank = pc.invert(pc.match_substring_regex(column, _PRINTABLE_ASCII))
        maybe_blank = blank if maybe_blank is None else pc.and_(maybe_blank, blank)
        if not pc.any(maybe_blank).as_py():
            return []
    candidates = pc.indices_nonzero(maybe_blank).to_pylist()
    if not candidates:
        return []
    taken = pa.array(candidates, type=pa.int64())
    cells = [column.take(taken).to_pylist() for column in columns]
    return [
        row
        for row, row_cells in zip(candidates, zip(*cells, strict=True), strict=True)
        if not any(cell.strip() for cell in row_cells)
    ]
