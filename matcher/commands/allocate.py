"""``lifeweb-match allocate``: a co-funding plan, who pays for what across proposals.

Reads proposals and donors with the project's readers (LifeWeb export files are accepted as
they are), scores every pair with the matching engine (or takes scored pairs from a file
written by ``lifeweb-match rank``), then plans with :func:`matcher.allocate.plan_allocation`.

Writes three formula-safe tables: ``--out`` (one row per grant), and beside it
``<name>_proposals`` (gap left, status, reserve donors) and ``<name>_donors`` (budget left).
The feasibility checks and a summary go to stdout.

Exit status: 0 on success, 2 when an input cannot be read or the options make no sense
(the reason goes to stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from matcher.words import counted

__all__ = ["add_arguments", "resolve_pair", "run", "sibling_paths"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2
DEFAULT_TIME_LIMIT = 60.0


def add_arguments(parser: argparse.ArgumentParser, name: str = "allocate") -> None:
    """Options of ``allocate`` (see issue 7)."""
    parser.add_argument("--proposals", metavar="FILE", required=True, help="proposals (CSV/xlsx)")
    parser.add_argument("--donors", metavar="FILE", required=True, help="donor profiles (CSV/xlsx)")
    parser.add_argument("--history", metavar="FILE", help="funding history, for the scores")
    parser.add_argument(
        "--budgets",
        metavar="FILE",
        help="budgets for this round: donor_id, budget, currency (replaces annual_budget)",
    )
    parser.add_argument(
        "--pairs",
        metavar="FILE",
        help="scored pairs (proposal_id, donor_id, score, eligible), e.g. the output of "
        "'lifeweb-match rank'; when given, the engine is not run",
    )
    parser.add_argument(
        "--objective",
        choices=("count", "amount"),
        default="count",
        help="close as many gaps fully as possible (count, default) or place as much money "
        "as possible (amount); ties go to the better-matching plan",
    )
    parser.add_argument(
        "--max-donors-per-proposal", metavar="N", type=int, help="cap on donors per proposal"
    )
    parser.add_argument(
        "--force",
        metavar="P:D",
        nargs="+",
        action="extend",
        default=[],
        help="pairs that must be funded, as PROPOSAL_ID:DONOR_ID (ids may contain ':'; the "
        "split naming a known proposal and donor is used)",
    )
    parser.add_argument(
        "--forbid",
        metavar="P:D",
        nargs="+",
        action="extend",
        default=[],
        help="pairs that must not be funded, as PROPOSAL_ID:DONOR_ID (ids may contain ':')",
    )
    parser.add_argument("--currency", default="USD", help="currency of the plan (USD)")
    parser.add_argument(
        "--rate-date",
        metavar="YYYY-MM-DD",
        help="date of the exchange rates (newest rate on or before it; default: newest)",
    )
    parser.add_argument(
        "--candidates",
        metavar="K",
        type=int,
        default=20,
        help="best-scoring eligible donors per proposal the plan may use (20)",
    )
    parser.add_argument(
        "--reserve", metavar="N", type=int, default=3, help="next-best donors listed (3)"
    )
    parser.add_argument(
        "--weights",
        default="balanced",
        metavar="PRESET|name=value,...",
        help="score weights, as for 'lifeweb-match rank' (balanced)",
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
        "--out", metavar="PLAN.csv", required=True, help="where to write the plan (CSV or .xlsx)"
    )


def sibling_paths(out: str | Path) -> tuple[Path, Path, Path]:
    """The grants file and, beside it, the per-proposal and per-donor files."""
    path = Path(out)
    suffix = path.suffix or ".csv"
    return (
        path,
        path.with_name(f"{path.stem}_proposals{suffix}"),
        path.with_name(f"{path.stem}_donors{suffix}"),
    )


def resolve_pair(text: str, proposal_ids: set[str], donor_ids: set[str]) -> tuple[str, str]:
    """Read ``PROPOSAL_ID:DONOR_ID``; ids may themselves contain ``:``.

    With one ``:`` the pair is plain. With more, the split whose two sides are a known
    proposal id and a known donor id is the one meant; none or several is an error that
    lists what was tried.
    """
    from matcher.errors import LifeWebMatchError

    text = str(text).strip()
    splits = [
        (text[:at].strip(), text[at + 1 :].strip()) for at, char in enumerate(text) if char == ":"
    ]
    splits = [(proposal, donor) for proposal, donor in splits if proposal and donor]
    if not splits:
        raise LifeWebMatchError(
            f"{text!r} is not a pair; write it as PROPOSAL_ID:DONOR_ID (for example P12:D3)."
        )
    if len(splits) == 1:
        return splits[0]
    known = [(p, d) for p, d in splits if p in proposal_ids and d in donor_ids]
    if len(known) == 1:
        return known[0]
    tried = ", ".join(f"{p!r} + {d!r}" for p, d in splits)
    if not known:
        raise LifeWebMatchError(
            f"{text!r}: no split at a ':' gives a known proposal id and donor id (tried {tried})."
        )
    raise LifeWebMatchError(
        f"{text!r} can be read as more than one pair of known ids ({tried}); rename one of "
        "the ids or plan it on the Plan page."
    )


def _fail(message: str) -> int:
    print(f"lifeweb-match allocate: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _read_plain_table(path: Path, encoding: str | None) -> pd.DataFrame:
    """A small CSV/xlsx (budgets, scored pairs) as text cells; numbers are parsed later.

    Through the same guarded reader as every upload: size, row, column and archive limits,
    content sniffing, unclosed quotes.
    """
    from matcher.read import read_table

    table = read_table(path, filename=path.name, encoding=encoding)
    if table.row_problems:
        position, (reason, _line) = next(iter(table.row_problems.items()))
        raise ValueError(f"row {table.source_rows[position]}: {reason}")
    return table.frame


def run(args: argparse.Namespace) -> int:
    """Load the inputs, score, plan, write ``--out`` and its siblings; returns the exit status."""
    from matcher.allocate import PlanOptions, build_problem, solve
    from matcher.commands._files import input_problem, writing_problem
    from matcher.commands._inputs import InputError, load_inputs
    from matcher.errors import LifeWebMatchError
    from matcher.export import write_table

    if args.candidates < 1:
        return _fail("--candidates must be at least 1")
    if args.reserve < 0:
        return _fail("--reserve cannot be negative")
    if args.time_limit < 0:
        return _fail("--time-limit cannot be negative")
    grants_path, proposals_path, donors_path = sibling_paths(args.out)
    problem = writing_problem(
        [("--out", grants_path), ("its per-proposal file", proposals_path),
         ("its per-donor file", donors_path)],
        [("--proposals", args.proposals), ("--donors", args.donors), ("--history", args.history),
         ("--budgets", args.budgets), ("--pairs", args.pairs)],
    )  # fmt: skip
    if problem:
        return _fail(f"{problem}; nothing was written")
    for kind, path in (("budgets", args.budgets), ("pairs", args.pairs)):
        reason = None if path is None else input_problem(path)
        if reason:
            return _fail(f"{kind} file {reason}")
    try:
        options = PlanOptions(
            objective=args.objective,
            max_donors_per_proposal=args.max_donors_per_proposal,
            currency=args.currency.strip().upper(),
            rate_date=args.rate_date,
            candidates_per_proposal=args.candidates,
            reserve_size=args.reserve,
            time_limit=args.time_limit or None,
        )
    except LifeWebMatchError as error:
        return _fail(str(error))

    try:
        frames = load_inputs(
            {"proposals": args.proposals, "donors": args.donors, "history": args.history},
            command="allocate",
            encoding=args.encoding,
        )
    except InputError as error:
        return _fail(str(error))
    proposal_ids = set(frames["proposals"]["proposal_id"].astype(str))
    donor_ids = set(frames["donors"]["donor_id"].astype(str))
    try:
        force = [resolve_pair(p, proposal_ids, donor_ids) for p in args.force]
        forbid = [resolve_pair(p, proposal_ids, donor_ids) for p in args.forbid]
    except LifeWebMatchError as error:
        return _fail(str(error))

    extra: dict[str, pd.DataFrame] = {}
    for kind, path in (("budgets", args.budgets), ("pairs", args.pairs)):
        if path is None:
            continue
        file = Path(path)
        try:
            extra[kind] = _read_plain_table(file, args.encoding)
        except (OSError, ValueError) as error:
            return _fail(f"{kind} file {path} cannot be read: {error}")

    if "pairs" in extra:
        pairs = extra["pairs"]
    else:
        try:
            pairs = _score_pairs(frames, args, n_forced=len(force))
        except LifeWebMatchError as error:
            return _fail(str(error))

    try:
        problem = build_problem(
            pairs,
            frames["proposals"],
            frames["donors"],
            budgets=extra.get("budgets"),
            force=force,
            forbid=forbid,
            options=options,
        )
    except LifeWebMatchError as error:
        return _fail(str(error))
    print("Before solving:")
    for line in problem.checks:
        print(f"  - {line}")
    plan = solve(problem)

    try:
        write_table(plan.allocations, grants_path)
        write_table(plan.proposals, proposals_path)
        write_table(plan.donors, donors_path)
    except OSError as error:
        return _fail(f"cannot write {args.out}: {error}")
    print("Plan:")
    for line in plan.summary():
        print(f"  {line}")
    for line in plan.checks[len(problem.checks) :]:
        print(f"  - {line}")
    print(f"{counted(len(plan.allocations), 'grant')} written to {grants_path}")
    print(f"per proposal: {proposals_path}; per donor: {donors_path}")
    return EXIT_OK


def _score_pairs(
    frames: dict[str, pd.DataFrame], args: argparse.Namespace, *, n_forced: int
) -> pd.DataFrame:
    """Every proposal's best donors from the engine, eligible ones first."""
    from matcher.combine import parse_weights
    from matcher.rank import rank_matches
    from matcher.tagger import proposal_target_weights

    weights = parse_weights(args.weights)
    target_weights = proposal_target_weights(frames["proposals"])
    # Forced pairs may rank low; scoring every donor lets the checks judge them fairly.
    top_k = len(frames["donors"]) if n_forced else args.candidates
    return rank_matches(
        frames["proposals"],
        frames["donors"],
        frames.get("history"),
        top_k=top_k,
        by="proposal",
        weights=weights,
        target_weights=target_weights,
        explain=False,
    )
