"""``lifeweb-match rank``: the best donors for each proposal, or the best proposals for each donor.

Reads the files with the project's readers (LifeWeb export files are accepted as they are),
ranks with :func:`matcher.rank.rank_matches` and writes a formula-safe CSV (or ``.xlsx``).

Exit status: 0 on success, 2 when an input cannot be read or the options make no sense
(the reason goes to stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

__all__ = ["add_arguments", "run"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def add_arguments(parser: argparse.ArgumentParser, name: str = "rank") -> None:
    """Options of ``rank`` (see issue 3)."""
    parser.add_argument("--proposals", metavar="FILE", help="proposals (CSV/xlsx)")
    parser.add_argument("--donors", metavar="FILE", help="donor profiles (CSV/xlsx)")
    parser.add_argument(
        "--history", metavar="FILE", help="funding history: which donor funded which proposal"
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="read the inputs not given as files from this database (SQLAlchemy URL or SQLite "
        "path; the default database when given without files and LIFEWEB_DB_URL is set)",
    )
    parser.add_argument(
        "--top", metavar="K", type=int, default=20, help="rows kept per proposal or donor (20)"
    )
    parser.add_argument(
        "--by",
        choices=("proposal", "donor", "both"),
        default="proposal",
        help="rank donors for each proposal (default), proposals for each donor, or both",
    )
    parser.add_argument(
        "--weights",
        default="balanced",
        metavar="PRESET|name=value,...",
        help="weight preset (balanced, stated_priorities, track_record, targets_first, "
        "thematic_only) or component weights such as 'thematic=0.5,history=0.3'",
    )
    parser.add_argument(
        "--eligible-only", action="store_true", help="leave out pairs that are not eligible"
    )
    parser.add_argument(
        "--declared-targets-only",
        action="store_true",
        help="use only declared targets (by default proposals that declare none get the "
        "targets suggested from their text, weighted by confidence)",
    )
    parser.add_argument(
        "--encoding", metavar="ENC", help="encoding of CSV inputs that are not UTF-8"
    )
    parser.add_argument(
        "--out", metavar="FILE.csv", required=True, help="where to write the ranking (CSV or .xlsx)"
    )


def _fail(message: str) -> int:
    print(f"lifeweb-match rank: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def run(args: argparse.Namespace) -> int:
    """Load the inputs, rank, write ``--out``; returns the exit status."""
    from matcher.combine import parse_weights
    from matcher.errors import LifeWebMatchError
    from matcher.export import write_table
    from matcher.load import load_donors, load_history, load_proposals
    from matcher.rank import rank_matches

    if args.top < 1:
        return _fail("--top must be at least 1")
    try:
        weights = parse_weights(args.weights)
    except LifeWebMatchError as error:
        return _fail(str(error))

    frames: dict[str, pd.DataFrame] = {}
    if args.db is not None:
        from sqlalchemy.exc import SQLAlchemyError

        from matcher.store import read_inputs

        try:
            stored = dict(
                zip(("proposals", "donors", "history"), read_inputs(args.db), strict=True)
            )
        except (LifeWebMatchError, OSError, SQLAlchemyError) as error:
            return _fail(f"cannot read the database: {error}")
        frames.update(stored)
        if stored["history"].empty:
            frames.pop("history")
    elif args.proposals is None or args.donors is None:
        return _fail("give --proposals FILE and --donors FILE, or --db URL")

    for kind, path, loader in (
        ("proposals", args.proposals, load_proposals),
        ("donors", args.donors, load_donors),
        ("history", args.history, load_history),
    ):
        if path is None:
            continue
        file = Path(path)
        if not file.is_file():
            return _fail(f"{kind} file {path} does not exist")
        try:
            report = loader(file, filename=file.name, encoding=args.encoding)
        except (LifeWebMatchError, OSError) as error:
            return _fail(f"{kind} file {path}: {error}")
        if report.n_rejected:
            print(
                f"lifeweb-match rank: {file.name}: {report.n_rejected} of {report.rows_in} rows "
                f"rejected (run 'lifeweb-match validate {path}' to see why)",
                file=sys.stderr,
            )
        frames[kind] = report.frame
    if frames["proposals"].empty:
        return _fail(f"no proposal could be loaded from {args.proposals}")
    if frames["donors"].empty:
        return _fail(f"no donor could be loaded from {args.donors}")

    target_weights = None
    if not args.declared_targets_only:
        from matcher.tagger import proposal_target_weights

        target_weights = proposal_target_weights(frames["proposals"])
    ranking = rank_matches(
        frames["proposals"],
        frames["donors"],
        frames.get("history"),
        top_k=args.top,
        by=args.by,
        weights=weights,
        target_weights=target_weights,
        eligible_only=args.eligible_only,
    )
    try:
        write_table(ranking, args.out)
    except OSError as error:
        return _fail(f"cannot write {args.out}: {error}")
    n_subjects = ranking["proposal_id" if args.by == "proposal" else "donor_id"].nunique()
    print(f"{len(ranking)} rows ({n_subjects} {args.by}s ranked) written to {args.out}")
    return EXIT_OK
