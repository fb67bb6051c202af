"""``lifeweb-match schedule``: donor x delegation meetings in time slots and tables.

Reads the candidate pairs (``donor, delegation, score``), optional unavailability
(``party, slot``) and locked meetings (``donor, delegation, slot[, table]``) through the
project's guarded reader (size limits, any common CSV dialect or ``.xlsx``), solves with
:func:`matcher.events.schedule.schedule_meetings` and writes ``--out`` (``donor,
delegation, slot, table, score``; formula-safe CSV, or Excel for ``.xlsx``). The two
objectives, the solver's status and every delegation that could not be met, with the
reason, go to stdout.

Exit status: 0 on success, 2 when an input cannot be read or used (one line on stderr
naming the file, row and column; never a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

from matcher.words import counted

__all__ = ["add_arguments", "run"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2
DEFAULT_TIME_LIMIT = 60.0
OUT_COLUMNS = ["donor", "delegation", "slot", "table", "score"]


def add_arguments(parser: argparse.ArgumentParser, name: str = "schedule") -> None:
    """Options of ``schedule`` (issue 11)."""
    parser.add_argument(
        "--pairs",
        metavar="PAIRS.csv",
        required=True,
        help="candidate meetings: donor, delegation, score",
    )
    parser.add_argument(
        "--slots", metavar="N", type=int, required=True, help="number of time slots"
    )
    parser.add_argument(
        "--tables", metavar="T", type=int, required=True, help="tables (meetings per slot)"
    )
    parser.add_argument(
        "--unavailable",
        metavar="U.csv",
        help="party, slot: a donor or delegation that cannot meet in that slot (slots from 1)",
    )
    parser.add_argument("--max-per-donor", metavar="K", type=int, help="most meetings per donor")
    parser.add_argument(
        "--locked",
        metavar="L.csv",
        help="donor, delegation, slot[, table]: meetings that must stay where they are",
    )
    parser.add_argument(
        "--time-limit",
        metavar="SECONDS",
        type=float,
        default=DEFAULT_TIME_LIMIT,
        help=f"solver time per stage ({DEFAULT_TIME_LIMIT:.0f}); 0 means no limit",
    )
    parser.add_argument(
        "--encoding", metavar="ENC", help="encoding of CSV inputs that are not UTF-8"
    )
    parser.add_argument(
        "--out",
        metavar="SCHEDULE.csv",
        required=True,
        help="where to write the schedule (CSV or .xlsx)",
    )


class _BadInput(Exception):
    """One line for the person at the prompt."""


def _read(path: str, kind: str, encoding: str | None) -> pd.DataFrame:
    """A table of text cells indexed by the row number a spreadsheet shows."""
    from matcher.errors import LifeWebMatchError
    from matcher.read import read_table

    file = Path(path)
    if not file.is_file():
        raise _BadInput(f"{kind} file {path} does not exist")
    try:
        raw = read_table(file, filename=file.name, encoding=encoding)
    except (LifeWebMatchError, OSError) as error:
        raise _BadInput(f"{kind} file {path}: {error}") from error
    if raw.row_problems:
        position, (reason, _) = min(raw.row_problems.items())
        more = len(raw.row_problems) - 1
        tail = f" ({counted(more, 'more row')} like it)" if more else ""
        raise _BadInput(f"{path} row {raw.source_rows[position]}: {reason}{tail}")
    frame = raw.frame.copy()
    frame.index = pd.Index(raw.source_rows, name="row")
    return frame


def _fail(message: str) -> int:
    print(f"lifeweb-match schedule: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def run(args: argparse.Namespace) -> int:
    """Read, solve, write ``--out`` and print the report; returns the exit status."""
    from matcher.events.schedule import ScheduleInputError, schedule_meetings
    from matcher.export import write_table

    if args.time_limit < 0:
        return _fail("--time-limit cannot be negative")
    if args.max_per_donor is not None and args.max_per_donor < 0:
        return _fail("--max-per-donor cannot be negative")
    files = {
        "pairs": args.pairs,
        "unavailability": args.unavailable,
        "locked meetings": args.locked,
    }
    try:
        frames = {kind: _read(path, kind, args.encoding) for kind, path in files.items() if path}
    except _BadInput as error:
        return _fail(str(error))
    try:
        result = schedule_meetings(
            frames["pairs"],
            slots=args.slots,
            tables=args.tables,
            unavailable=frames.get("unavailability"),
            locked=frames.get("locked meetings"),
            max_per_donor=args.max_per_donor,
            time_limit=args.time_limit or None,
        )
    except ScheduleInputError as error:
        message = str(error)
        for kind, path in files.items():
            if path and message.startswith(f"{kind} row "):
                message = f"{path} row " + message[len(kind) + 5 :]
        return _fail(message)
    try:
        written = write_table(result.schedule[OUT_COLUMNS], args.out)
    except OSError as error:
        return _fail(f"cannot write {args.out}: {error}")
    try:
        for line in result.report.lines():
            print(line)
        print(f"{counted(len(result.schedule), 'meeting')} written to {written}")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader of stdout went away (e.g. `| head`); the schedule is written.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    return EXIT_OK
