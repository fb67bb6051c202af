"""``lifeweb-match import FILE --kind national-targets``: a government's GBF national targets.

Reads an Online Reporting Tool national-targets export (CSV or ``.xlsx``) and replaces the
stored targets of each government it names. Exit 0 when every row loaded, 1 when some were
rejected (the rest are stored), 2 when nothing could be done.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Import ``args.file``; returns the exit status."""
    from sqlalchemy.exc import SQLAlchemyError

    from matcher.errors import LifeWebMatchError
    from matcher.interchange.national_targets import load_national_targets
    from matcher.store import open_store

    path = Path(args.file)

    def fail(message: object) -> int:
        print(f"lifeweb-match import: {message}", file=sys.stderr)
        return 2

    if not path.is_file():
        return fail(f"{path}: no such file")
    try:
        report = load_national_targets(path, filename=path.name, encoding=args.encoding)
        with open_store(args.db) as store:
            stored = store.save_national_targets(report.frame, filename=path.name, by=args.by)
            database = store.url
    except LifeWebMatchError as error:
        return fail(f"{path}: {error}")
    except (SQLAlchemyError, OSError) as error:
        return fail(f"database error, nothing was imported: {error}")
    print(
        f"{path.name}: national targets, {report.rows_in} rows, {report.n_loaded} loaded, "
        f"{report.n_rejected} rejected"
    )
    for government, count in stored.items():
        print(f"  {government}: {count} national targets stored (replacing any before)")
    for problem in report.rejected.itertuples(index=False):
        where = f', column "{problem.column}"' if problem.column else ""
        print(f"  rejected row {problem.row}{where}: {problem.reason}")
    print(f"database: {database}")
    return 1 if report.n_rejected else 0
