"""``lifeweb-match import`` and ``lifeweb-match export``: files in and out of the database.

``import FILE --kind proposals|donors|history [--db URL]`` reads the file with the same
readers as ``validate`` and stores the loaded rows in one transaction; it prints what was
added, updated (with the changed columns) and left unchanged, and the rejected rows.
``export --kind proposals|donors|history|shortlists|decisions --out FILE.csv [--db URL]``
writes a stored table, formula-safe, through :mod:`matcher.export`; exporting what was
imported gives back the same rows.

Exit status: 0 when done (import: every row loaded), 1 when an import rejected some rows
(the others are stored), 2 when nothing could be done (unreadable file, database error).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from matcher.contract import KINDS

__all__ = ["add_arguments", "run"]

EXIT_OK = 0
EXIT_SOME_REJECTED = 1
EXIT_FAILED = 2
EXPORT_CHOICES = (*KINDS, "shortlists", "decisions", "pledges")


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Options of ``import`` or ``export`` (one module serves both commands)."""
    if name == "import":
        parser.add_argument("file", metavar="FILE", help="CSV or .xlsx file to import")
        parser.add_argument(
            "--kind",
            required=True,
            choices=(*KINDS, "national-targets"),
            help="what the file holds (national-targets: an Online Reporting Tool export)",
        )
        parser.add_argument(
            "--encoding", metavar="ENC", help="text encoding of a CSV that is not UTF-8"
        )
        parser.add_argument(
            "--round",
            dest="round_name",
            metavar="NAME",
            help='name of the upload round, e.g. "EOI call 2026"',
        )
        parser.add_argument("--by", metavar="WHO", help="who is importing (default: login name)")
        parser.add_argument(
            "--json", action="store_true", help="print one JSON object instead of a text summary"
        )
    else:
        parser.add_argument("--kind", required=True, choices=EXPORT_CHOICES, help="what to export")
        parser.add_argument(
            "--out", required=True, metavar="FILE.csv", help="where to write it (CSV, or .xlsx)"
        )
        parser.add_argument(
            "--bom", action="store_true", help="start the CSV with a UTF-8 BOM (for Excel)"
        )
        parser.add_argument(
            "--format",
            choices=("table", "iati"),
            default="table",
            help="table: CSV/.xlsx (default); iati: IATI 2.03 activity XML (history, pledges)",
        )
        parser.add_argument(
            "--event", type=int, metavar="ID", help="the event whose pledges to export"
        )
        parser.add_argument(
            "--reporting-org-ref",
            metavar="REF",
            help="IATI organisation identifier of the publisher (default: LIFEWEB)",
        )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL or SQLite file (default: $LIFEWEB_DB_URL, else var/lifeweb.db)",
    )


def run(args: argparse.Namespace) -> int:
    """Run ``import`` or ``export`` as ``args.command`` says; returns the exit status."""
    if args.command == "import" and args.kind == "national-targets":
        from matcher.commands.import_national_targets import run as run_targets

        return run_targets(args)
    if args.command == "import":
        return _run_import(args)
    return _run_export(args)


def _fail(command: str, message: object) -> int:
    print(f"lifeweb-match {command}: {message}", file=sys.stderr)
    return EXIT_FAILED


def _run_import(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from matcher.commands._files import input_problem
    from matcher.errors import LifeWebMatchError
    from matcher.load import load
    from matcher.store import open_store
    from matcher.store.errors import describe_database_error

    path = Path(args.file)
    problem = input_problem(path)
    if problem:
        return _fail("import", problem)
    try:
        content = path.read_bytes()
    except OSError as error:
        return _fail("import", f"{path} cannot be read ({error.strerror or error})")
    try:
        report = load(content, args.kind, filename=path.name, encoding=args.encoding)
    except LifeWebMatchError as error:
        return _fail("import", f"{path}: {error}")
    try:
        with open_store(args.db) as store:
            database = store.url
            result = store.import_report(
                report,
                filename=path.name,
                content_hash=hashlib.sha256(content).hexdigest(),
                round_name=args.round_name,
                by=args.by,
            )
    except LifeWebMatchError as error:
        return _fail("import", f"{error}; nothing was imported")
    except SQLAlchemyError as error:
        return _fail(
            "import", f"database error, nothing was imported: {describe_database_error(error)}"
        )
    except OSError as error:
        return _fail("import", f"cannot open the database: {error.strerror or error}")

    if args.json:
        payload = {
            "file": str(path),
            "kind": result.kind,
            "database": database,
            "upload_id": result.upload_id,
            "rows": result.rows_in,
            "added": list(result.added),
            "updated": list(result.updated),
            "unchanged": len(result.unchanged),
            "changes": result.changes.to_dict(orient="records"),
            "rejected": result.n_rejected,
            "errors": [
                {"row": int(p.row), "column": p.column, "value": p.value, "reason": p.reason}
                for p in result.rejected.itertuples(index=False)
            ],
        }
        print(json.dumps(payload, ensure_ascii=False, default=str))
    else:
        print(result.summary())
        for line in result.changes.itertuples(index=False):
            print(f'  {line.record_id}: {line.column}: "{line.old}" -> "{line.new}"')
        for problem in result.rejected.itertuples(index=False):
            where = f', column "{problem.column}"' if problem.column else ""
            print(f"  rejected row {problem.row}{where}: {problem.reason}")
        print(f"database: {database}")
    return EXIT_SOME_REJECTED if result.n_rejected else EXIT_OK


def _run_export(args: argparse.Namespace) -> int:
    if args.format == "iati" or args.kind == "pledges":
        from matcher.commands.export_iati import run as run_iati  # IATI XML: its own module

        return run_iati(args)
    from sqlalchemy.exc import SQLAlchemyError

    from matcher.commands._files import output_problem, same_file
    from matcher.errors import LifeWebMatchError
    from matcher.export import write_table
    from matcher.store import open_store, resolve_url
    from matcher.store.errors import describe_database_error

    problem = output_problem(args.out)
    if problem:
        return _fail("export", f"cannot write {args.out}: {problem}")
    try:
        url = resolve_url(args.db)
    except (LifeWebMatchError, ValueError) as error:  # sqlalchemy.exc.ArgumentError is both
        return _fail("export", f"cannot use the database address: {error}")
    if url.get_backend_name() == "sqlite" and url.database and same_file(args.out, url.database):
        return _fail(
            "export", f"--out {args.out} is the database file itself; write to another file"
        )
    try:
        with open_store(url, read_only=True) as store:
            frame = store.export_frame(args.kind)
            database = store.url
    except LifeWebMatchError as error:
        return _fail("export", error)
    except SQLAlchemyError as error:
        return _fail("export", f"database error: {describe_database_error(error)}")
    except OSError as error:
        return _fail("export", f"cannot open the database: {error.strerror or error}")
    try:
        written = write_table(frame, args.out, bom=args.bom)
    except OSError as error:
        return _fail("export", f"cannot write {args.out}: {error.strerror or error}")
    print(f"{len(frame)} {args.kind} rows from {database} written to {written}")
    return EXIT_OK
