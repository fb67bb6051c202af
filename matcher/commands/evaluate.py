"""``lifeweb-match evaluate``: replay the real LifeWeb funding history against the engine."""

from __future__ import annotations

import argparse
import json
import sys

from matcher.errors import LifeWebMatchError

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser, name: str = "evaluate") -> None:
    from matcher.evaluate import DEFAULT_DONORS, DEFAULT_HISTORY, DEFAULT_PROPOSALS

    parser.description = (
        "For every LifeWeb EOI funded by an external named donor, rank the donors with that "
        "EOI's own matches removed from the history, and report hit@1, hit@3, hit@5 and MRR "
        "against a popularity baseline, over all such EOIs and over those not funded by "
        "Germany alone."
    )
    parser.add_argument(
        "--proposals",
        metavar="FILE",
        default=str(DEFAULT_PROPOSALS),
        help="the EOIs (default: the shipped LifeWeb export, data/lifeweb/eoi_projects.csv)",
    )
    parser.add_argument(
        "--donors",
        metavar="FILE",
        default=str(DEFAULT_DONORS),
        help="donor profiles; only these donors are ranked (default: data/donors.csv)",
    )
    parser.add_argument(
        "--history",
        metavar="FILE",
        default=str(DEFAULT_HISTORY),
        help="funding matches with is_external_named_donor "
        "(default: data/lifeweb/funding_matches.csv)",
    )
    parser.add_argument(
        "--weights",
        default="balanced",
        help="weight preset or name=value,... (e.g. 'balanced,history=0.5')",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="score every weight preset (and --weights) from one set of fits, side by side",
    )
    parser.add_argument(
        "--declared-targets-only",
        action="store_true",
        help="score EOIs on their declared targets only (by default an EOI that declares none "
        "gets the targets suggested from its text, weighted by confidence, as in 'rank')",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--out", metavar="FILE.csv", help="write one row per EOI and method (ranks, hits) here"
    )


def run(args: argparse.Namespace) -> int:
    from matcher.evaluate import evaluate_files, format_table
    from matcher.export import write_table

    if args.compare:
        return _run_comparison(args)
    try:
        result = evaluate_files(
            proposals=args.proposals,
            donors=args.donors,
            history=args.history,
            weights=args.weights,
            suggested_targets=not args.declared_targets_only,
        )
    except (LifeWebMatchError, ValueError, OSError) as error:
        print(f"lifeweb-match evaluate: {error}", file=sys.stderr)
        return 2
    if args.out:
        write_table(result.per_case, args.out)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(format_table(result))
        if args.out:
            print(f"\nper-EOI results written to {args.out}")
    return 0


def _run_comparison(args: argparse.Namespace) -> int:
    from matcher.combine import WEIGHT_PRESETS, parse_weights
    from matcher.evaluate import compare_weights, format_comparison
    from matcher.export import write_table

    weight_sets: dict[str, object] = dict(WEIGHT_PRESETS)
    try:
        if args.weights not in weight_sets:
            weight_sets[args.weights] = parse_weights(args.weights)
        comparison = compare_weights(
            weight_sets,
            proposals=args.proposals,
            donors=args.donors,
            history=args.history,
            suggested_targets=not args.declared_targets_only,
        )
    except (LifeWebMatchError, ValueError, OSError) as error:
        print(f"lifeweb-match evaluate: {error}", file=sys.stderr)
        return 2
    if args.out:
        write_table(comparison, args.out)
    if args.json:
        print(json.dumps(comparison.to_dict(orient="records"), indent=2))
    else:
        print(format_comparison(comparison))
    return 0
