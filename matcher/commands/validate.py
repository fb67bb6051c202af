"""``lifeweb-match validate FILE``: check and normalise a proposals, donors or history file.

Exit status: 0 when every row loaded, 1 when some rows were rejected, 2 when the file
could not be read at all (the reason goes to stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from matcher.contract import KINDS

if TYPE_CHECKING:  # the loader (pandas, rapidfuzz) is imported only when the command runs
    from matcher.load import LoadReport

__all__ = ["add_arguments", "run"]

EXIT_ALL_LOADED = 0
EXIT_SOME_REJECTED = 1
EXIT_UNREADABLE = 2
SHOWN_PROBLEMS = 50
"""Problems (and possible duplicates) listed in the text summary; ``--errors`` and ``--json``
carry all problems."""


def add_arguments(parser: argparse.ArgumentParser, name: str = "validate") -> None:
    """Options of ``validate`` (see issue 2)."""
    parser.add_argument("file", metavar="FILE", help="CSV or .xlsx file to check")
    parser.add_argument(
        "--kind", choices=KINDS, help="what the file holds (default: guessed from its headers)"
    )
    parser.add_argument(
        "--encoding",
        metavar="ENC",
        help="text encoding of a CSV that is not UTF-8 (cp1252, gbk, ...)",
    )
    parser.add_argument(
        "--out",
        metavar="NORMALISED.csv",
        help="write the loaded rows here, normalised (CSV or .xlsx)",
    )
    parser.add_argument(
        "--errors", metavar="REJECTED.csv", help="write the rejected rows and their reasons here"
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object instead of a text summary"
    )
    parser.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="HEADER=COLUMN",
        help='which contract column a header holds, e.g. --column "Intitulé du projet=title" '
        '(repeatable; "HEADER=" keeps that header as an extra column)',
    )


def _column_map(pairs: list[str]) -> dict[str, str]:
    """``["Intitulé=title"]`` -> ``{"Intitulé": "title"}``; the last ``=`` splits (headers may hold one)."""
    mapping = {}
    for pair in pairs:
        header, equals, column = pair.rpartition("=")
        if not equals or not header.strip():
            raise ValueError(f'--column wants HEADER=COLUMN, not "{pair}"')
        mapping[header.strip()] = column.strip()
    return mapping


def _errors_table(report: LoadReport) -> pd.DataFrame:
    """One line per problem, followed by the rejected row's cells as they came."""
    cells = report.rejected_rows.rename(columns={"source_row": "row"})
    cells = cells.rename(columns={c: f"cell: {c}" for c in cells.columns if c != "row"})
    return report.rejected.merge(cells, on="row", how="left")


def _summary_text(report: LoadReport, path: Path) -> str:
    lines = [
        f"{path.name}: {report.kind}, {report.rows_in} rows, {report.n_loaded} loaded, "
        f"{report.n_rejected} rejected",
        *(f"  {note}" for note in report.file_notes),
    ]
    mapping = report.header_mapping
    mapped = mapping[mapping["method"] != "unmapped"]
    for row in mapped.itertuples(index=False):
        if row.source_header != row.column:
            lines.append(f'  column "{row.source_header}" -> {row.column} ({row.method})')
    unmapped = mapping.loc[mapping["method"] == "unmapped", "source_header"].tolist()
    if unmapped:
        lines.append(f"  kept as extra columns: {', '.join(map(str, unmapped))}")
    for problem in report.rejected.head(SHOWN_PROBLEMS).itertuples(index=False):
        where = f', column "{problem.column}"' if problem.column else ""
        lines.append(f"  row {problem.row}{where}: {problem.reason}")
    if len(report.rejected) > SHOWN_PROBLEMS:
        more = len(report.rejected) - SHOWN_PROBLEMS
        lines.append(f"  ... and {more} more problems (write them all with --errors FILE)")
    for pair in report.near_duplicates.head(SHOWN_PROBLEMS).itertuples(index=False):
        lines.append(
            f'  possible duplicates: "{pair.proposal_id}" (row {pair.row}) and '
            f'"{pair.other_proposal_id}" (row {pair.other_row}), {pair.countries}'
        )
    if len(report.near_duplicates) > SHOWN_PROBLEMS:
        more = len(report.near_duplicates) - SHOWN_PROBLEMS
        lines.append(f"  ... and {more} more possible duplicates (all of them with --json)")
    return "\n".join(lines)


# --- target tagger (issue 6): proposals gain suggested Aichi and crosswalked GBF targets ---
def _normalised_output(report: LoadReport) -> pd.DataFrame:
    """The frame ``--out`` writes: proposals with the tagger's target columns added."""
    if report.kind != "proposals" or report.frame.empty:
        return report.frame
    from matcher.tagger import with_target_columns  # scikit-learn only when proposals are written

    return with_target_columns(report.frame)


# --- end of target tagger part ---


def run(args: argparse.Namespace) -> int:
    """Load ``args.file``, write the outputs asked for, report; returns the exit status."""
    from matcher.commands._files import input_problem, writing_problem
    from matcher.errors import UnreadableFileError
    from matcher.export import write_table
    from matcher.load import flatten, load

    path = Path(args.file)
    unreadable = input_problem(path) if path.exists() else None  # missing: the reader says so
    if unreadable:
        if args.json:
            print(json.dumps({"file": str(path), "readable": False, "error": unreadable}))
        print(f"lifeweb-match validate: {unreadable}", file=sys.stderr)
        return EXIT_UNREADABLE
    problem = writing_problem([("--out", args.out), ("--errors", args.errors)], [("FILE", path)])
    if problem:
        print(f"lifeweb-match validate: {problem}; nothing was written", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        column_map = _column_map(getattr(args, "column", []) or [])
        report = load(
            path, args.kind, filename=path.name, encoding=args.encoding, column_map=column_map
        )
    except (UnreadableFileError, ValueError) as error:
        if args.json:
            print(json.dumps({"file": str(path), "readable": False, "error": str(error)}))
        print(f"lifeweb-match validate: {path}: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        if args.out:
            write_table(flatten(_normalised_output(report)), args.out)
        if args.errors:
            write_table(_errors_table(report), args.errors)
    except OSError as error:
        print(f"lifeweb-match validate: cannot write output: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.json:
        payload = {
            "file": str(path),
            "readable": True,
            "kind": report.kind,
            "rows": report.rows_in,
            "loaded": report.n_loaded,
            "rejected": report.n_rejected,
            "errors": [
                {
                    "row": int(p.row),
                    "id": p.id,
                    "title": p.title,
                    "column": p.column,
                    "value": p.value,
                    "reason": p.reason,
                    "suggestion": p.suggestion,
                }
                for p in report.rejected.itertuples(index=False)
            ],
            "header_mapping": report.header_mapping.to_dict(orient="records"),
            "near_duplicates": report.near_duplicates.to_dict(orient="records"),
            "notes": list(report.file_notes),
            "header_fingerprint": report.fingerprint,
        }
        print(json.dumps(payload, ensure_ascii=False, default=str))
    else:
        print(_summary_text(report, path))
    return EXIT_SOME_REJECTED if report.n_rejected else EXIT_ALL_LOADED
