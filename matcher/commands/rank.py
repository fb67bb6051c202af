"""``lifeweb-match rank``: the best donors for each proposal, or the best proposals for each donor.

Reads the files with the project's readers (LifeWeb export files are accepted as they are),
ranks with :func:`matcher.rank.rank_matches` and writes a formula-safe CSV (or ``.xlsx``).

Exit status: 0 on success, 2 when an input cannot be read or the options make no sense
(the reason goes to stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from matcher.rank import Matcher

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
        default=None,
        metavar="PRESET|name=value,...",
        help="weight preset (balanced, stated_priorities, track_record, targets_first, "
        "thematic_only), component weights such as 'thematic=0.5,history=0.3', or 'adopted': "
        "the weights in force in the --db database (a learned set adopted in the app, else "
        "the balanced preset); default: the shipped variant's weights (balanced)",
    )
    parser.add_argument(
        "--text",
        choices=("auto", "encoder", "tfidf"),
        default=None,
        help="text features: auto (the shipped default: the multilingual sentence encoder when "
        "installed, else TF-IDF with a one-line notice), encoder (exit 2 when it is not "
        "installed) or tfidf, the fast path (default: $LIFEWEB_TEXT, else auto). Embeddings "
        "are kept in $LIFEWEB_EMBEDDINGS_DIR (default ~/.cache/lifeweb-match/embeddings)",
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


def _ranked_counts(ranking: pd.DataFrame, by: str) -> str:
    """ "62 proposals ranked", "35 donors ranked" or, both ways, "62 proposals and 35 donors
    ranked": how many were given a ranked list, not how many rows there are."""

    def counted(direction: str) -> int:
        rows = ranking if by != "both" else ranking[ranking["ranked_by"] == direction]
        return int(rows["proposal_id" if direction == "proposal" else "donor_id"].nunique())

    if by == "both":
        return f"{counted('proposal')} proposals and {counted('donor')} donors ranked"
    return f"{counted(by)} {by}s ranked"


def _with_fit_labels(
    ranking: pd.DataFrame, matcher: Matcher, proposals: pd.DataFrame, target_weights
) -> pd.DataFrame:
    """The explanation column opened by the plain label ("strong fit: ..."), by where each pair
    stands among all the donor's candidates, as the app shows it.

    A second pass scores every proposal, in chunks, keeping only the combined scores
    (proposals x donors float32: 20 MB for 10,000 x 500), since a ranking keeps only the top.
    """
    import numpy as np

    from matcher.explain import pair_labels, with_label

    if ranking.empty:
        return ranking
    n, chunk = len(proposals), matcher.chunk_size
    combined = np.empty((n, matcher.profiles_.n_donors), dtype=np.float32)
    for start in range(0, n, chunk):
        part = None if target_weights is None else target_weights[start : start + chunk]
        scored = matcher.score(proposals.iloc[start : start + chunk], target_weights=part)
        combined[start : start + chunk] = scored.combine()
    rows = {p: i for i, p in enumerate(proposals["proposal_id"].astype(str))}
    cols = {d: i for i, d in enumerate(matcher.profiles_.donor_ids.astype(str))}
    labels = pair_labels(
        combined,
        ranking["proposal_id"].astype(str).map(rows).to_numpy(),
        ranking["donor_id"].astype(str).map(cols).to_numpy(),
    )
    explanations = [
        with_label(label, str(text))
        for label, text in zip(labels, ranking["explanation"], strict=True)
    ]
    return ranking.assign(explanation=explanations)


ADOPTED = "adopted"


def _adopted_weights(db: str | None) -> tuple[dict[str, float], str]:
    """The weights in force in the database and what they are, in words, for ``--weights
    adopted``; raises :class:`InputError` without a database or when it cannot be read."""
    from sqlalchemy.exc import SQLAlchemyError

    from matcher.combine import DEFAULT_PRESET, WEIGHT_PRESETS
    from matcher.commands._inputs import InputError
    from matcher.errors import LifeWebMatchError
    from matcher.store import open_store
    from matcher.store.learning import weight_history, weights_in_force

    if db is None:
        raise InputError("--weights adopted reads the weights in force from a database: give --db")
    try:
        with open_store(db, read_only=True) as store:
            weights, log = weights_in_force(store), weight_history(store)
    except (LifeWebMatchError, OSError, SQLAlchemyError) as error:
        raise InputError(f"cannot read the weights in force: {error}") from error
    if weights is None:
        return dict(WEIGHT_PRESETS[DEFAULT_PRESET]), f"the {DEFAULT_PRESET} preset (none adopted)"
    row = log.iloc[0]
    return weights, f"the set adopted {row['adopted_at']:%Y-%m-%d} by {row['adopted_by']}"


def run(args: argparse.Namespace) -> int:
    """Load the inputs, rank, write ``--out``; returns the exit status."""
    from matcher.combine import parse_weights
    from matcher.commands._files import writing_problem
    from matcher.commands._inputs import InputError, database_file, load_inputs
    from matcher.errors import LifeWebMatchError
    from matcher.export import write_table
    from matcher.rank import Matcher
    from matcher.words import counted

    if args.top < 1:
        return _fail("--top must be at least 1")
    problem = writing_problem(
        [("--out", args.out)],
        [
            ("--proposals", args.proposals),
            ("--donors", args.donors),
            ("--history", args.history),
            *database_file(args.db),
        ],
    )
    if problem:
        return _fail(problem)
    from matcher.shipped import choose_variant, matcher_options

    about = ""
    try:
        choice = choose_variant(args.text)
        spec = args.weights or choice.variant.weights
        if spec.strip() == ADOPTED:
            adopted, about = _adopted_weights(args.db)
            weights = parse_weights(adopted)
        else:
            weights = parse_weights(spec)
    except (LifeWebMatchError, InputError) as error:
        return _fail(str(error))
    if choice.notice:
        print(f"lifeweb-match rank: {choice.notice}", file=sys.stderr)

    try:
        frames = load_inputs(
            {"proposals": args.proposals, "donors": args.donors, "history": args.history},
            command="rank",
            encoding=args.encoding,
            db=args.db,
        )
    except InputError as error:
        return _fail(str(error))

    target_weights = None
    if not args.declared_targets_only:
        from matcher.tagger import proposal_target_weights

        target_weights = proposal_target_weights(frames["proposals"])
    options = matcher_options(choice.variant)
    matcher = Matcher(weights=weights, **options).fit(
        frames["donors"], frames.get("history"), proposals=frames["proposals"]
    )
    if options["encoder"] is not None:  # embed (or read) every text once, here
        from matcher.score import proposal_texts

        options["encoder"].embed(proposal_texts(frames["proposals"]))  # type: ignore[attr-defined]
    ranking = matcher.rank(
        frames["proposals"],
        top_k=args.top,
        by=args.by,
        target_weights=target_weights,
        eligible_only=args.eligible_only,
    )
    ranking = _with_fit_labels(ranking, matcher, frames["proposals"], target_weights)
    try:
        write_table(ranking, args.out)
    except OSError as error:
        return _fail(f"cannot write {args.out}: {error}")
    with_weights = f"; weights: {about}" if about else ""
    print(
        f"{counted(len(ranking), 'row')} ({_ranked_counts(ranking, args.by)}) written to {args.out}"
        f"{with_weights}"
    )
    return EXIT_OK
