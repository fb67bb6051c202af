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
        default=None,
        help="weight preset or name=value,... (e.g. 'balanced,history=0.5'; default: the "
        "shipped variant's weights)",
    )
    parser.add_argument(
        "--text",
        choices=("auto", "encoder", "tfidf"),
        default=None,
        help="text features: auto (the shipped default: the sentence encoder when installed, "
        "else TF-IDF with a notice), encoder (exit 2 when it is not installed) or tfidf "
        "(default: $LIFEWEB_TEXT, else auto)",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="every variant tried, side by side with 95%% intervals: engine construction "
        "(stated and revealed apart, or mixed), missing-part policy (dropped, neutral, mean), "
        "each weight preset (leave-one-out) and learned weights (nested)",
    )
    parser.add_argument(
        "--encoder",
        action="store_true",
        help="same as --text encoder (with --compare the encoder rows are there whenever the "
        "encoder runs)",
    )
    parser.add_argument(
        "--calibrated",
        action="store_true",
        help="with --compare, also each stated-apart construction with thematic and history "
        "as percentiles among the LifeWeb pairs (+calibrated; the mapping refitted for every "
        "held-out EOI; slower: one weight fit per EOI)",
    )
    parser.add_argument(
        "--no-nested",
        action="store_true",
        help="skip the nested leave-one-out figures (faster; the fixed-weights table only)",
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


def _fail(message: object) -> int:
    print(f"lifeweb-match evaluate: {message}", file=sys.stderr)
    return 2


def _files_problem(args: argparse.Namespace) -> str | None:
    """An input that cannot be read, or an ``--out`` that cannot be written or is an input."""
    from matcher.commands._files import input_problem, writing_problem

    inputs = [
        ("--proposals", args.proposals),
        ("--donors", args.donors),
        ("--history", args.history),
    ]
    for what, path in inputs:
        problem = input_problem(path)
        if problem:
            return f"{what}: {problem}"
    return writing_problem([("--out", args.out)], inputs)


def _write(frame: object, out: str) -> str | None:
    """Write the per-EOI table; the reason when it cannot be written."""
    from matcher.export import write_table

    try:
        write_table(frame, out)  # type: ignore[arg-type]
    except OSError as error:
        return f"cannot write {out}: {error.strerror or error}"
    return None


def _choice(args: argparse.Namespace):
    """The variant replayed; prints the fallback notice (one line) when there is one."""
    from matcher.shipped import choose_variant

    choice = choose_variant("encoder" if args.encoder else args.text)
    if choice.notice:
        print(f"lifeweb-match evaluate: {choice.notice}", file=sys.stderr)
    return choice


def run(args: argparse.Namespace) -> int:
    from matcher.evaluate import evaluate_files, format_table

    problem = _files_problem(args)
    if problem:
        return _fail(problem)
    try:
        choice = _choice(args)
    except LifeWebMatchError as error:
        return _fail(error)
    if args.compare:
        return _run_comparison(args, choice)
    try:
        result = evaluate_files(
            proposals=args.proposals,
            donors=args.donors,
            history=args.history,
            weights=args.weights,
            suggested_targets=not args.declared_targets_only,
            text="encoder" if choice.variant.uses_encoder else "tfidf",
        )
    except (LifeWebMatchError, ValueError, OSError) as error:
        return _fail(error)
    nested = None
    if not args.no_nested:
        try:
            nested = _nested_table(args, choice.variant)
        except (LifeWebMatchError, ValueError, OSError) as error:
            return _fail(error)
    problem = _write(result.per_case, args.out) if args.out else None
    if problem:
        return _fail(problem)
    if args.json:
        printed = result.to_dict()
        if nested is not None:
            printed["nested"] = nested.to_dict(orient="records")
        print(json.dumps(printed, indent=2))
    else:
        print("Leave-one-out, weights fixed (set on these same records: optimistic)\n")
        print(format_table(result))
        if nested is not None:
            from matcher.learn.replay import format_variants

            print("\nHonest figures: nested leave-one-out, 95% bootstrap intervals\n")
            print(format_variants(nested))
        if args.out:
            print(f"\nper-EOI results written to {args.out}")
    return 0


def _read(args: argparse.Namespace):
    from matcher.evaluate import _read_files

    return _read_files(args.proposals, args.donors, args.history)


def _encoder(variant):
    from matcher.shipped import matcher_options

    return matcher_options(variant)["encoder"]


def _nested_table(args: argparse.Namespace, variant):
    from matcher.combine import WEIGHT_PRESETS
    from matcher.learn.replay import replays_for, shipped_report

    proposals, donors, history = _read(args)
    replay = replays_for(
        proposals, donors, history, constructions=(variant.construction,),
        suggested_targets=not args.declared_targets_only, encoder=_encoder(variant),
    )[variant.construction]  # fmt: skip
    return shipped_report(replay, WEIGHT_PRESETS, variant)


def _run_comparison(args: argparse.Namespace, choice) -> int:
    from matcher.combine import WEIGHT_PRESETS, parse_weights
    from matcher.learn.replay import compare_variants, format_variants, replays_for

    presets: dict[str, dict[str, float]] = {k: dict(v) for k, v in WEIGHT_PRESETS.items()}
    try:
        if args.weights and args.weights not in presets:
            presets[args.weights] = parse_weights(args.weights)
        proposals, donors, history = _read(args)
        constructions = ["stated_apart", "mixed"]
        encoder = _encoder(choice.variant)
        if encoder is not None:
            constructions.append("stated_apart+encoder")
        replays = replays_for(
            proposals, donors, history, constructions=constructions,
            suggested_targets=not args.declared_targets_only, encoder=encoder,
        )  # fmt: skip
        comparison, _ = compare_variants(
            replays, presets, learned=not args.no_nested, calibrated_too=args.calibrated
        )
    except (LifeWebMatchError, ValueError, OSError) as error:
        return _fail(error)
    problem = _write(comparison, args.out) if args.out else None
    if problem:
        return _fail(problem)
    if args.json:
        print(json.dumps(comparison.to_dict(orient="records"), indent=2))
    else:
        print(format_variants(comparison))
    return 0
