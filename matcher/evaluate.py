"""Replay the real LifeWeb funding history against the engine: does it rank the true donor high?

For every Expression of Interest (EOI) that an external named donor funded, the donors are
ranked for that EOI with the EOI's own matches removed from the history (leave one EOI out),
so what a donor funded reaches the engine only through the other EOIs. The engine's ranks are
compared with a popularity baseline (donors ordered by how many other EOIs they funded) on
hit@k (the true donor is among the first k) and the mean reciprocal rank (MRR), over all such
EOIs and over those not funded by Germany alone (Germany funded most LifeWeb matches, so
"always Germany first" is strong on them and says little about the rest).

Ties are scored as their expectation under a random order of the tied donors: a baseline that
gives three donors the same count is neither rewarded nor punished by an arbitrary tie-break.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from matcher.reference import data_dir

__all__ = [
    "CUTOFFS",
    "DEFAULT_DONORS",
    "DEFAULT_HISTORY",
    "DEFAULT_PROPOSALS",
    "EvaluationResult",
    "HeldOutCase",
    "MatcherScorer",
    "compare_weights",
    "donor_name_index",
    "evaluate_files",
    "evaluate_history",
    "format_comparison",
    "format_table",
    "held_out_cases",
    "popularity_scores",
    "ranking_metrics",
    "resolve_donor",
    "summarise",
]

CUTOFFS: tuple[int, ...] = (1, 3, 5)
"""The k of hit@k reported by the evaluation."""

DEFAULT_PROPOSALS: Path = data_dir() / "lifeweb" / "eoi_projects.csv"
DEFAULT_HISTORY: Path = data_dir() / "lifeweb" / "funding_matches.csv"
DEFAULT_DONORS: Path = data_dir() / "donors.csv"

GROUP_ALL = "all"
GROUP_NOT_GERMANY_ALONE = "not_germany_alone"
GROUPS = (GROUP_ALL, GROUP_NOT_GERMANY_ALONE)
METHOD_ENGINE = "engine"
METHOD_BASELINE = "popularity"

GERMANY_LIFEWEB_NAME = "Germany"
"""How the LifeWeb export spells Germany's funding (the federal environment ministry's ICI)."""

_TRUE_WORDS = frozenset({"true", "1", "yes", "y", "t"})


# --------------------------------------------------------------------------------------------
# metrics
# --------------------------------------------------------------------------------------------


def _probability_first_true_after(position: int, n_true: int, n_other: int) -> float:
    """P(the first `position` slots of a random order of the tie group hold no true donor)."""
    if position <= 0:
        return 1.0
    if position > n_other:
        return 0.0
    return math.comb(n_other, position) / math.comb(n_true + n_other, position)


def ranking_metrics(
    scores: Sequence[float] | np.ndarray,
    is_true: Sequence[bool] | np.ndarray,
    *,
    cutoffs: Iterable[int] = CUTOFFS,
) -> dict[str, float]:
    """Hit@k and reciprocal rank of the best-ranked true donor, with ties taken at expectation.

    Parameters
    ----------
    scores
        One score per rankable donor; higher ranks first. ``-inf`` ranks last.
    is_true
        Which donors actually funded the case (any number; none gives zeros).
    cutoffs
        The k values of hit@k.

    Returns
    -------
    dict
        ``hit@k`` for every k and ``reciprocal_rank``, each in [0, 1]. When several donors tie
        with the best true donor, each value is its expectation over a uniformly random order
        of the tied donors, so an arbitrary tie-break neither helps nor hurts.
    """
    score_array = np.asarray(scores, dtype=float)
    truth = np.asarray(is_true, dtype=bool)
    if score_array.shape != truth.shape:
        raise ValueError("scores and is_true must have the same length")
    metrics = {f"hit@{k}": 0.0 for k in cutoffs}
    metrics["reciprocal_rank"] = 0.0
    if not truth.any():
        return metrics
    best_true = score_array[truth].max()
    n_ahead = int((score_array > best_true).sum())
    tied = score_array == best_true
    n_true_tied = int((tied & truth).sum())
    n_other_tied = int((tied & ~truth).sum())
    # rank of the first true donor = n_ahead + J, J in 1..n_other_tied + 1
    for k in cutoffs:
        metrics[f"hit@{k}"] = 1.0 - _probability_first_true_after(
            k - n_ahead, n_true_tied, n_other_tied
        )
    expected_reciprocal = 0.0
    for position in range(1, n_other_tied + 2):
        p_position = _probability_first_true_after(
            position - 1, n_true_tied, n_other_tied
        ) - _probability_first_true_after(position, n_true_tied, n_other_tied)
        expected_reciprocal += p_position / (n_ahead + position)
    metrics["reciprocal_rank"] = expected_reciprocal
    return metrics


# --------------------------------------------------------------------------------------------
# donor names
# --------------------------------------------------------------------------------------------


def _name_key(name: object) -> str:
    """Compare donor names without case, accents, punctuation or a leading "The"."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[^\w]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def donor_name_index(donors: pd.DataFrame) -> dict[str, str]:
    """Map every donor name and alias (compared loosely) to its ``donor_id``.

    Case, accents, punctuation and a leading "The" are ignored; nothing is fuzzy-matched, so
    the ground truth is never a guess (the engine resolves history names its own way). A
    spelling shared by two donors is dropped rather than guessed.
    """
    index: dict[str, str] = {}
    ambiguous: set[str] = set()
    for donor_id, name, aliases in zip(
        donors["donor_id"], donors["name"], donors["aliases"], strict=True
    ):
        spellings = [name, *_alias_list(aliases)]
        for spelling in spellings:
            key = _name_key(spelling)
            if not key:
                continue
            if index.get(key, donor_id) != donor_id:
                ambiguous.add(key)
            index[key] = str(donor_id)
    for key in ambiguous:
        del index[key]
    return index


def _alias_list(aliases: object) -> list[str]:
    """Aliases are a tuple in the contract; a ``;``- or ``|``-joined string is read too."""
    if isinstance(aliases, tuple | list):
        return [str(a) for a in aliases]
    if isinstance(aliases, str):
        return [part for part in re.split(r"[;|]", aliases) if part.strip()]
    return []


def resolve_donor(name: object, index: Mapping[str, str]) -> str | None:
    """The ``donor_id`` a history spelling refers to, or None when no donor has that name."""
    return index.get(_name_key(name))


# --------------------------------------------------------------------------------------------
# cases and baseline
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeldOutCase:
    """One EOI to replay: who really funded it, as named in the history and as donor ids."""

    proposal_id: str
    donor_names: tuple[str, ...]
    donor_ids: tuple[str, ...]
    unresolved_names: tuple[str, ...]
    germany_alone: bool


def _is_true(value: object) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    return str(value).strip().casefold() in _TRUE_WORDS


def held_out_cases(history: pd.DataFrame, name_index: Mapping[str, str]) -> list[HeldOutCase]:
    """The EOIs funded by an external named donor, in history order, with their true donors.

    Uses the LifeWeb export's ``is_external_named_donor`` column (placeholders such as
    "Domestic sources" and the recipient country's own bodies are not donors to predict).
    """
    if "is_external_named_donor" not in history.columns:
        raise ValueError(
            "the history has no is_external_named_donor column; the evaluation replays the "
            "LifeWeb export (data/lifeweb/funding_matches.csv)"
        )
    external = history[history["is_external_named_donor"].map(_is_true)]
    germany_id = resolve_donor(GERMANY_LIFEWEB_NAME, name_index)
    cases: list[HeldOutCase] = []
    for proposal_id, rows in external.groupby("proposal_id", sort=False):
        names = tuple(dict.fromkeys(str(n) for n in rows["donor"]))
        resolved = {n: resolve_donor(n, name_index) for n in names}
        donor_ids = tuple(dict.fromkeys(i for i in resolved.values() if i is not None))
        if germany_id is not None:
            germany_alone = all(i == germany_id for i in resolved.values())
        else:
            germany_alone = set(names) == {GERMANY_LIFEWEB_NAME}
        cases.append(
            HeldOutCase(
                proposal_id=str(proposal_id),
                donor_names=names,
                donor_ids=donor_ids,
                unresolved_names=tuple(n for n, i in resolved.items() if i is None),
                germany_alone=germany_alone,
            )
        )
    return cases


def popularity_scores(
    history: pd.DataFrame,
    donor_ids: Sequence[str],
    name_index: Mapping[str, str],
    *,
    without_proposal: str | None = None,
) -> np.ndarray:
    """How many distinct EOIs each donor funded, leaving out one EOI's own matches.

    Parameters
    ----------
    history
        Funding history (``proposal_id``, ``donor``).
    donor_ids
        The rankable donors, in the order the scores are wanted.
    name_index
        From :func:`donor_name_index`.
    without_proposal
        The held-out EOI, whose matches do not count.

    Returns
    -------
    numpy.ndarray
        One count per donor (float, for use as a score).
    """
    rows = history
    if without_proposal is not None:
        rows = history[history["proposal_id"].astype(str) != str(without_proposal)]
    resolved = rows["donor"].map(lambda n: resolve_donor(n, name_index))
    funded = pd.DataFrame({"proposal_id": rows["proposal_id"].astype(str), "donor_id": resolved})
    counts = funded.dropna().drop_duplicates().groupby("donor_id").size()
    return counts.reindex(list(donor_ids), fill_value=0).to_numpy(dtype=float)


# --------------------------------------------------------------------------------------------
# the replay
# --------------------------------------------------------------------------------------------

EngineScorer = Callable[[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame], np.ndarray]
"""(held-out proposal, all proposals, donors, history without the held-out proposal's matches)
-> one ranking score per donor, in the donors' row order."""


@dataclass(frozen=True)
class EvaluationResult:
    """The replay's outcome: one row per EOI and method, and the summary table."""

    per_case: pd.DataFrame
    table: pd.DataFrame
    unresolved_donors: tuple[str, ...]
    n_cases: int
    n_cases_without_rankable_donor: int
    weights: Mapping[str, float] | str | None = None
    suggested_targets: bool | None = None
    """True when EOIs without declared targets were scored on the tagger's suggestions."""

    def to_dict(self) -> dict[str, object]:
        """Plain data for ``--json``."""
        return {
            "table": self.table.to_dict(orient="records"),
            "passes": self.passes(),
            "n_cases": self.n_cases,
            "n_cases_without_rankable_donor": self.n_cases_without_rankable_donor,
            "unresolved_donors": list(self.unresolved_donors),
            "weights": dict(self.weights) if isinstance(self.weights, Mapping) else self.weights,
            "suggested_targets": self.suggested_targets,
        }

    def passes(self) -> dict[str, bool]:
        """Does the engine beat the baseline on hit@3 and MRR in each group?"""
        outcome = {}
        for group in GROUPS:
            rows = self.table[self.table["group"] == group].set_index("method")
            for metric in ("hit@3", "MRR"):
                outcome[f"{group} {metric}"] = bool(
                    rows.loc[METHOD_ENGINE, metric] > rows.loc[METHOD_BASELINE, metric]
                )
        return outcome


def summarise(per_case: pd.DataFrame, *, cutoffs: Iterable[int] = CUTOFFS) -> pd.DataFrame:
    """Mean hit@k and MRR per method and group (``all`` and ``not_germany_alone``)."""
    metric_columns = [f"hit@{k}" for k in cutoffs]
    rows = []
    for method in (METHOD_ENGINE, METHOD_BASELINE):
        of_method = per_case[per_case["method"] == method]
        for group in GROUPS:
            selected = of_method if group == GROUP_ALL else of_method[~of_method["germany_alone"]]
            row: dict[str, object] = {"method": method, "group": group, "n_eoi": len(selected)}
            for column in metric_columns:
                row[column] = float(selected[column].mean()) if len(selected) else float("nan")
            row["MRR"] = (
                float(selected["reciprocal_rank"].mean()) if len(selected) else float("nan")
            )
            rows.append(row)
    return pd.DataFrame(rows)


def evaluate_history(
    proposals: pd.DataFrame,
    donors: pd.DataFrame,
    history: pd.DataFrame,
    engine_scorer: EngineScorer,
    *,
    cutoffs: Iterable[int] = CUTOFFS,
) -> EvaluationResult:
    """Replay the funding history leave-one-EOI-out with ``engine_scorer`` and the baseline.

    Parameters
    ----------
    proposals, donors, history
        Contract frames; ``history`` must keep the LifeWeb export's ``is_external_named_donor``.
    engine_scorer
        Called once per held-out EOI with that EOI alone, all proposals (the texts a funding
        record refers to), the donors, and the history WITHOUT that EOI's matches; returns one
        score per donor (row order of ``donors``), ``-inf`` for donors it would not show.
    cutoffs
        The k values of hit@k.

    Returns
    -------
    EvaluationResult
        EOIs whose true donors are all missing from ``donors`` are not scored (nobody could
        rank them); they are counted in ``n_cases_without_rankable_donor``.
    """
    cutoffs = tuple(cutoffs)
    name_index = donor_name_index(donors)
    donor_ids = [str(d) for d in donors["donor_id"]]
    proposals_by_id = proposals.assign(_key=proposals["proposal_id"].astype(str)).set_index("_key")
    history_keys = history["proposal_id"].astype(str)
    cases = held_out_cases(history, name_index)
    rows: list[dict[str, object]] = []
    unresolved: dict[str, None] = {}
    skipped = 0
    for case in cases:
        for name in case.unresolved_names:
            unresolved[name] = None
        if not case.donor_ids:
            skipped += 1
            continue
        if case.proposal_id not in proposals_by_id.index:
            raise ValueError(f"EOI {case.proposal_id} is in the history but not in the proposals")
        truth = np.isin(donor_ids, case.donor_ids)
        proposal = proposals_by_id.loc[[case.proposal_id]].reset_index(drop=True)
        history_without = history[history_keys != case.proposal_id]
        engine = np.asarray(
            engine_scorer(proposal, proposals, donors, history_without), dtype=float
        )
        baseline = popularity_scores(history_without, donor_ids, name_index)
        for method, scores in ((METHOD_ENGINE, engine), (METHOD_BASELINE, baseline)):
            metrics = ranking_metrics(scores, truth, cutoffs=cutoffs)
            rows.append(
                {
                    "proposal_id": case.proposal_id,
                    "method": method,
                    "germany_alone": case.germany_alone,
                    "true_donors": ";".join(case.donor_names),
                    "best_true_rank": _best_rank(scores, truth),
                    **metrics,
                }
            )
    per_case = pd.DataFrame(rows)
    return EvaluationResult(
        per_case=per_case,
        table=summarise(per_case, cutoffs=cutoffs),
        unresolved_donors=tuple(unresolved),
        n_cases=len(cases),
        n_cases_without_rankable_donor=skipped,
    )


def _best_rank(scores: np.ndarray, truth: np.ndarray) -> float:
    """Rank of the best true donor, ties at their mean position (for reading, not scoring)."""
    best_true = scores[truth].max()
    ahead = int((scores > best_true).sum())
    tied = int((scores == best_true).sum())
    return ahead + (tied + 1) / 2


# --------------------------------------------------------------------------------------------
# the engine, files and output
# --------------------------------------------------------------------------------------------


class MatcherScorer:
    """An :data:`EngineScorer` that refits the engine on each reduced history.

    The donor profiles (stated and revealed) and the text model are rebuilt from the history
    as given, so the held-out EOI's own matches never reach them. The component scores of each
    held-out EOI are kept, so further weight sets (:attr:`weights`) cost no refit.

    By default donors are ordered by score alone: eligibility describes donors as they are
    today (several LifeWeb-era programmes are now inactive), not when the EOI was funded.

    By default the engine is replayed as it ships: an EOI that declares no target is scored on
    the targets the tagger suggests from its own text, weighted by confidence
    (:func:`matcher.tagger.proposal_target_weights`). The tagger reads only the EOI's text,
    never who funded it, so this leaks nothing; ``suggested_targets=False`` replays the
    declared targets alone.
    """

    def __init__(
        self,
        weights: str | Mapping[str, float] | None = "balanced",
        *,
        eligible_first: bool = False,
        suggested_targets: bool = True,
        matcher_options: Mapping[str, object] | None = None,
    ) -> None:
        self.weights = weights
        self.eligible_first = eligible_first
        self.suggested_targets = suggested_targets
        # Matcher(**matcher_options): the variant replayed (see matcher.shipped).
        self.matcher_options = dict(matcher_options or {})
        self._cache: dict[tuple[str, int, int, bool], tuple[np.ndarray, ...]] = {}

    def _components(
        self,
        proposal: pd.DataFrame,
        proposals: pd.DataFrame,
        donors: pd.DataFrame,
        history: pd.DataFrame,
    ) -> tuple[np.ndarray, ...]:
        from matcher.rank import Matcher

        history_fingerprint = int(
            pd.util.hash_pandas_object(
                history[["proposal_id", "donor"]].astype(str), index=False
            ).sum()
        )
        key = (
            str(proposal["proposal_id"].iloc[0]),
            len(history),
            history_fingerprint,
            self.suggested_targets,
        )
        if key not in self._cache:
            target_weights = None
            if self.suggested_targets:
                from matcher.tagger import proposal_target_weights

                target_weights = proposal_target_weights(proposal)
            fitted = Matcher(**self.matcher_options).fit(donors, history, proposals=proposals)
            score_set = fitted.score(proposal, target_weights=target_weights)
            position = {str(d): i for i, d in enumerate(score_set.donor_ids)}
            order = [position[str(d)] for d in donors["donor_id"]]
            self._cache[key] = (
                score_set.values[:, 0, order],
                score_set.available[:, 0, order],
                score_set.eligible[0, order],
            )
        return self._cache[key]

    def __call__(
        self,
        proposal: pd.DataFrame,
        proposals: pd.DataFrame,
        donors: pd.DataFrame,
        history: pd.DataFrame,
    ) -> np.ndarray:
        from matcher.combine import combine_components, resolve_weights

        values, available, eligible = self._components(proposal, proposals, donors, history)
        combined = combine_components(values, available, resolve_weights(self.weights))
        scores = np.nan_to_num(combined.astype(float), nan=-1.0)
        if self.eligible_first:
            scores = np.where(eligible, scores, scores - 2.0)
        return scores


def _read_files(
    proposals: str | Path, donors: str | Path, history: str | Path
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from matcher.load import load_donors, load_history, load_proposals

    return (
        load_proposals(proposals).frame,
        load_donors(donors).frame,
        load_history(history).frame,
    )


def compare_weights(
    weight_sets: Mapping[str, str | Mapping[str, float]],
    proposals: str | Path = DEFAULT_PROPOSALS,
    donors: str | Path = DEFAULT_DONORS,
    history: str | Path = DEFAULT_HISTORY,
    *,
    suggested_targets: bool = True,
    matcher_options: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Replay the history once and score it under several weight sets.

    Each held-out EOI is fitted once; every weight set re-combines the same component scores.
    Returns the summary rows of every weight set (column ``weights`` names it), the baseline
    once under the name ``popularity``. ``suggested_targets`` and ``matcher_options`` as in
    :class:`MatcherScorer`.
    """
    proposal_frame, donor_frame, history_frame = _read_files(proposals, donors, history)
    scorer = MatcherScorer(suggested_targets=suggested_targets, matcher_options=matcher_options)
    tables = []
    for position, (name, weights) in enumerate(weight_sets.items()):
        scorer.weights = weights
        table = evaluate_history(proposal_frame, donor_frame, history_frame, scorer).table
        engine = table[table["method"] == METHOD_ENGINE].assign(weights=name)
        tables.append(engine)
        if position == 0:
            tables.append(table[table["method"] == METHOD_BASELINE].assign(weights="popularity"))
    combined = pd.concat(tables, ignore_index=True)
    return combined[["weights", *[c for c in combined.columns if c != "weights"]]]


def evaluate_files(
    proposals: str | Path = DEFAULT_PROPOSALS,
    donors: str | Path = DEFAULT_DONORS,
    history: str | Path = DEFAULT_HISTORY,
    *,
    weights: str | Mapping[str, float] | None = None,
    eligible_first: bool = False,
    suggested_targets: bool = True,
    text: str | None = None,
) -> EvaluationResult:
    """Read the three files with the project's readers and replay the history.

    Parameters
    ----------
    proposals, donors, history
        Paths; the defaults are the shipped LifeWeb export and donor profiles.
    weights
        Engine weights (preset or ``name=value,...``); None: the shipped variant's.
    eligible_first
        Rank donors the engine marks ineligible after all eligible ones.
    suggested_targets
        Score an EOI that declares no target on the tagger's suggested targets, as the
        engine ships (``rank`` and the app); False replays declared targets only.
    text
        Text route (``auto``, ``encoder``, ``tfidf``; None reads ``LIFEWEB_TEXT``): the engine
        is replayed as :func:`matcher.shipped.choose_variant` builds it.

    Returns
    -------
    EvaluationResult
    """
    from matcher.combine import parse_weights
    from matcher.shipped import choose_variant, matcher_options

    variant = choose_variant(text).variant
    parsed_weights = parse_weights(variant.weights if weights is None else weights)
    proposal_frame, donor_frame, history_frame = _read_files(proposals, donors, history)
    result = evaluate_history(
        proposal_frame,
        donor_frame,
        history_frame,
        MatcherScorer(
            parsed_weights,
            eligible_first=eligible_first,
            suggested_targets=suggested_targets,
            matcher_options=matcher_options(variant),
        ),
    )
    return EvaluationResult(
        per_case=result.per_case,
        table=result.table,
        unresolved_donors=result.unresolved_donors,
        n_cases=result.n_cases,
        n_cases_without_rankable_donor=result.n_cases_without_rankable_donor,
        weights=parsed_weights,
        suggested_targets=suggested_targets,
    )


def format_table(result: EvaluationResult) -> str:
    """The summary as a markdown table (engine vs baseline, per group), with the counts."""
    metric_columns = [c for c in result.table.columns if c.startswith("hit@")] + ["MRR"]
    header = ["group", "method", "EOIs", *metric_columns]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * 2 + " ---: |" * (len(header) - 2)]
    for group in GROUPS:
        for method in (METHOD_ENGINE, METHOD_BASELINE):
            row = result.table[
                (result.table["group"] == group) & (result.table["method"] == method)
            ].iloc[0]
            cells = [group, method, str(int(row["n_eoi"]))]
            cells += [f"{row[c]:.3f}" for c in metric_columns]
            lines.append("| " + " | ".join(cells) + " |")
    passes = result.passes()
    lines.append("")
    lines.append(
        f"{result.n_cases} EOIs funded by an external named donor; "
        f"{result.n_cases_without_rankable_donor} without any donor in the donor file "
        f"(not scored); true donors not in the donor file: "
        f"{', '.join(result.unresolved_donors) if result.unresolved_donors else 'none'}."
    )
    lines.append(
        "engine beats the popularity baseline: "
        + ", ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in passes.items())
    )
    if isinstance(result.weights, Mapping):
        lines.append("weights: " + ", ".join(f"{k}={v:g}" for k, v in result.weights.items()))
    if result.suggested_targets is not None:
        lines.append(
            "targets: declared, else suggested from the EOI's text"
            if result.suggested_targets
            else "targets: declared only"
        )
    return "\n".join(lines)


def format_comparison(comparison: pd.DataFrame) -> str:
    """:func:`compare_weights` output as a markdown table, one row per weight set and group."""
    metric_columns = [c for c in comparison.columns if c.startswith("hit@")] + ["MRR"]
    header = ["weights", "group", "EOIs", *metric_columns]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * 2 + " ---: |" * (len(header) - 2)]
    for group in GROUPS:
        for row in comparison[comparison["group"] == group].to_dict(orient="records"):
            cells = [str(row["weights"]), group, str(int(row["n_eoi"]))]
            cells += [f"{row[c]:.3f}" for c in metric_columns]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
