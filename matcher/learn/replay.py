"""The LifeWeb replay as ranking cases, and every variant's honest figure side by side.

Each EOI funded by an external named donor becomes one :class:`RankingCase`: the engine is
refitted without that EOI's funding records and scores it against every donor. Fixed variants
(a weight preset and a missing-part policy) are then scored leave-one-out; learned weights
are scored nested (fitted on the other EOIs only). Every figure is a mean over EOIs with a
bootstrap 95% interval, beside the popularity baseline on the same EOIs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from matcher.learn.cases import MISSING_POLICIES, RankingCase, case_scores
from matcher.learn.nested import bootstrap_interval, case_metrics, nested_learned_metrics
from matcher.learn.weights import case_losses, fit_weights, simplex_grid
from matcher.scoring.calibration import fit_calibration

__all__ = ["ReplayCases", "compare_variants", "replay_cases", "variant_table"]

METRICS = ("hit@1", "hit@3", "hit@5", "reciprocal_rank")
HAND_SET_PRIOR: dict[str, float] = {
    "thematic": 0.5,
    "targets": 0.2,
    "geography": 0.05,
    "funding_fit": 0.15,
    "ecosystems": 0.05,
    "history": 0.05,
}
"""The hand-set weights learned weights are pulled toward (the ``balanced`` preset before it
was learned): a fixed prior, so a nested fit never sees the held-out EOI through it."""


@dataclass
class ReplayCases:
    """The replay's cases under one engine construction, and the baseline's per-case metrics."""

    cases: list[RankingCase]
    popularity: pd.DataFrame  # proposal_id, group, hit@k..., reciprocal_rank
    construction: str = "stated_apart"
    extra: dict[str, object] = field(default_factory=dict)


def replay_cases(
    proposals: pd.DataFrame,
    donors: pd.DataFrame,
    history: pd.DataFrame,
    *,
    params=None,
    construction: str = "stated_apart",
    suggested_targets: bool = True,
    matcher_options: Mapping[str, object] | None = None,
) -> ReplayCases:
    """Refit without each EOI's own records and keep its component values against every donor."""
    from dataclasses import replace

    from matcher.evaluate import (
        donor_name_index,
        held_out_cases,
        popularity_scores,
    )
    from matcher.rank import Matcher
    from matcher.score import ScoringParams

    # Missing stated parts stay missing here: the policies are applied per variant.
    params = replace(params or ScoringParams(), missing_stated="dropped")
    name_index = donor_name_index(donors)
    donor_ids = [str(d) for d in donors["donor_id"]]
    by_id = proposals.assign(_key=proposals["proposal_id"].astype(str)).set_index("_key")
    keys = history["proposal_id"].astype(str)
    cases, baseline = [], []
    for held in held_out_cases(history, name_index):
        if not held.donor_ids or held.proposal_id not in by_id.index:
            continue
        proposal = by_id.loc[[held.proposal_id]].reset_index(drop=True)
        reduced = history[keys != held.proposal_id]
        target_weights = None
        if suggested_targets:
            from matcher.tagger import proposal_target_weights

            target_weights = proposal_target_weights(proposal)
        fitted = Matcher(params=params, **dict(matcher_options or {})).fit(
            donors, reduced, proposals=proposals
        )
        scored = fitted.score(proposal, target_weights=target_weights)
        position = {str(d): i for i, d in enumerate(scored.donor_ids)}
        order = [position[d] for d in donor_ids]
        truth = np.isin(donor_ids, held.donor_ids)
        group = "germany_alone" if held.germany_alone else "other"
        cases.append(
            RankingCase(
                proposal_id=held.proposal_id,
                values=scored.values[:, 0, order].astype(np.float32),
                available=scored.available[:, 0, order].astype(np.float32),
                truth=truth,
                against=~truth,
                group=group,
            )
        )
        popular = popularity_scores(reduced, donor_ids, name_index)
        baseline.append(
            {"proposal_id": held.proposal_id, "group": group, **case_metrics(popular, truth)}
        )
    return ReplayCases(cases, pd.DataFrame(baseline), construction)


def _fixed_metrics(
    cases: Sequence[RankingCase], weights: np.ndarray, policy: str, *, calibrated: bool = False
) -> pd.DataFrame:
    rows = []
    for i, case in enumerate(cases):
        if calibrated:  # the mapping fitted without the held-out EOI
            case = calibrate_case(case, fold_calibration(cases, i))
        metrics = case_metrics(case_scores(case, weights, policy), case.truth)
        rows.append({"proposal_id": case.proposal_id, "group": case.group, **metrics})
    return pd.DataFrame(rows)


def variant_table(name: str, per_case: pd.DataFrame, **about: object) -> list[dict[str, object]]:
    """Summary rows (all EOIs, and those not funded by Germany alone) with 95% intervals."""
    rows = []
    for group, selected in (
        ("all", per_case),
        ("not_germany_alone", per_case[per_case["group"] != "germany_alone"]),
    ):
        row: dict[str, object] = {"variant": name, "group": group, "n_eoi": len(selected)}
        row.update(about)
        for metric in METRICS:
            interval = bootstrap_interval(selected[metric].to_numpy())
            label = "MRR" if metric == "reciprocal_rank" else metric
            row[label] = interval.mean
            row[f"{label}_low"] = interval.low
            row[f"{label}_high"] = interval.high
        rows.append(row)
    return rows


def compare_variants(
    replays: Mapping[str, ReplayCases],
    presets: Mapping[str, Mapping[str, float]],
    *,
    policies: Sequence[str] = MISSING_POLICIES,
    learned: bool = True,
    calibrated_too: bool = False,
) -> tuple[pd.DataFrame, dict[str, object]]:
    """Every variant's figures: constructions x (presets LOO, learned nested) x missing policies.

    A raw stated-apart construction also gives its ``+calibrated`` rows (when
    ``calibrated_too``): the same cases with the similarity parts on the percentile scale, the
    mapping fitted for each held-out EOI on the other EOIs' pairs.

    Returns the table and the learned weights (fitted on all cases) of each construction and
    policy, for shipping the winner.
    """
    from matcher.score import COMPONENTS

    rows: list[dict[str, object]] = []
    fitted: dict[str, object] = {}
    first = next(iter(replays.values()))
    rows += variant_table("popularity", first.popularity, construction="-", policy="-", nested="-")
    for construction, calibrated, replay in _scales(replays, calibrated_too):
        for policy in policies:
            for name, preset in presets.items():
                w = np.array([preset[c] for c in COMPONENTS], dtype=np.float64)
                per_case = _fixed_metrics(replay.cases, w, policy, calibrated=calibrated)
                rows += variant_table(
                    f"{name}", per_case, construction=construction, policy=policy, nested="no"
                )
            if learned:
                prior = np.array([HAND_SET_PRIOR[c] for c in COMPONENTS], dtype=np.float64)
                cases = replay.cases
                # One loss matrix (grid x cases) serves the nested folds and the fit on every
                # case; calibrated cases differ per fold, so each fold computes its own.
                grid = simplex_grid(len(prior))
                losses = None if calibrated else case_losses(grid, cases, policy)
                per_case = nested_learned_metrics(
                    cases,
                    prior,
                    policy=policy,
                    calibrate=fold_calibration if calibrated else None,
                    losses=losses,
                )
                rows += variant_table(
                    "learned", per_case, construction=construction, policy=policy, nested="yes"
                )
                if calibrated:
                    everything = fit_calibration(reference_values(cases))
                    cases = [calibrate_case(case, everything) for case in cases]
                fitted[f"{construction}/{policy}"] = fit_weights(
                    cases, prior, policy=policy, losses=losses
                )
    return pd.DataFrame(rows), fitted


CALIBRATED_SUFFIX = "+calibrated"
"""Marks a construction whose similarity parts are on the percentile scale
(:mod:`matcher.scoring.calibration`), the mapping fitted without the held-out EOI."""


def _scales(
    replays: Mapping[str, ReplayCases], calibrated_too: bool
) -> list[tuple[str, bool, ReplayCases]]:
    """``(construction, calibrated, replay)`` rows: a raw stated-apart replay also gives its
    calibrated rows (the same cases, re-expressed), when ``calibrated_too``."""
    rows = []
    for construction, replay in replays.items():
        calibrated = construction.endswith(CALIBRATED_SUFFIX)
        rows.append((construction, calibrated, replay))
        if calibrated_too and not calibrated and construction.startswith("stated_apart"):
            rows.append((construction + CALIBRATED_SUFFIX, True, replay))
    return rows


def reference_values(cases: Sequence[RankingCase]) -> dict[str, np.ndarray]:
    """The raw values of the calibrated parts over every pair of ``cases`` (missing left out)."""
    from matcher.score import COMPONENTS
    from matcher.scoring.calibration import CALIBRATED

    found: dict[str, np.ndarray] = {}
    for name in CALIBRATED:
        c = COMPONENTS.index(name)
        parts = [case.values[c][case.available[c] > 0] for case in cases]
        found[name] = np.concatenate(parts) if parts else np.zeros(0)
    return found


def fold_calibration(cases: Sequence[RankingCase], held_out: int):
    """The percentile mapping fitted on every case but ``held_out`` (its pairs never seen)."""
    others = [case for j, case in enumerate(cases) if j != held_out]
    return fit_calibration(reference_values(others))


def calibrate_case(case: RankingCase, calibration) -> RankingCase:
    """``case`` with its calibrated parts re-expressed by ``calibration`` (missing stays 0)."""
    from dataclasses import replace

    from matcher.score import COMPONENTS

    values = case.values.copy()
    for name in calibration.knots:
        c = COMPONENTS.index(name)
        raw = np.where(case.available[c] > 0, case.values[c], np.nan)
        values[c] = np.nan_to_num(calibration.transform(name, raw), nan=0.0)
    return replace(case, values=values.astype(np.float32))


def replays_for(
    proposals: pd.DataFrame,
    donors: pd.DataFrame,
    history: pd.DataFrame,
    *,
    constructions: Sequence[str] = ("stated_apart", "mixed"),
    suggested_targets: bool = True,
    encoder: object | None = None,
) -> dict[str, ReplayCases]:
    """The replay under each engine construction (``+encoder`` adds sentence embeddings)."""
    from matcher.score import ScoringParams

    # The similarity parts stay raw: a ``+calibrated`` variant fits its scale per held-out EOI
    # (compare_variants), so the mapping fitted on every EOI never scores the replay.
    built = {
        "stated_apart": ScoringParams(calibration="none"),
        "mixed": ScoringParams(stated_apart=False, history_when_none=None, calibration="none"),
    }
    replays = {}
    for name in constructions:
        base, *flags = name.split("+")
        options = {"encoder": encoder} if "encoder" in flags else {}
        replays[name] = replay_cases(
            proposals,
            donors,
            history,
            params=built[base],
            construction=name,
            suggested_targets=suggested_targets,
            matcher_options=options,
        )
    return replays


def shipped_report(
    replay: ReplayCases, presets: Mapping[str, Mapping[str, float]], variant: object
) -> pd.DataFrame:
    """Popularity, the variant's weights leave-one-out, and its honest nested figure.

    ``variant`` is a :class:`matcher.shipped.Variant` whose construction ``replay`` was built
    with.
    """
    name = variant.weights  # type: ignore[attr-defined]
    table, _ = compare_variants(
        {replay.construction: replay},
        {name: presets[name]},
        policies=(variant.missing,),  # type: ignore[attr-defined]
    )
    return table


def _cell(row: Mapping[str, object], metric: str) -> str:
    return f"{row[metric]:.3f} [{row[f'{metric}_low']:.2f}, {row[f'{metric}_high']:.2f}]"


def format_variants(table: pd.DataFrame) -> str:
    """Markdown: one row per variant and group, each figure with its 95% interval.

    Marked: the shipped default (:data:`matcher.shipped.SHIPPED`), the variant that runs
    without the encoder, and the best nested row by :func:`matcher.shipped.best_nested`'s
    rule; a last line says whether the shipped default is the best.
    """
    from matcher.shipped import PRIMARY, SHIPPED, TIE_BREAKS, WITHOUT_ENCODER, best_nested

    best = best_nested(table) if (table["nested"] == "yes").any() else None
    marked = (("shipped default", SHIPPED.key), ("without encoder", WITHOUT_ENCODER.key),
              ("best nested", best))  # fmt: skip
    header = ["variant", "text and parts", "missing part", "nested", "group", "EOIs", "hit@1",
              "hit@3", "MRR"]  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * 5 + " ---: |" * 4]
    keys = set()
    for group in ("all", "not_germany_alone"):
        for row in table[table["group"] == group].to_dict(orient="records"):
            key = (row["variant"], row["construction"], row["policy"], row["nested"])
            keys.add(key)
            marks = [
                label
                for label, k in marked
                if key == k and (label != "best nested" or group == "all")  # all EOIs decide
            ]
            name = f"**{row['variant']}** ({', '.join(marks)})" if marks else str(row["variant"])
            cells = [name, str(row["construction"]), str(row["policy"]), str(row["nested"]),
                     group, str(int(row["n_eoi"]))]  # fmt: skip
            cells += [_cell(row, m) for m in ("hit@1", "hit@3", "MRR")]
            lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "Intervals: bootstrap 95% over EOIs (2,000 resamples). nested = yes: weights learned "
        "on the other EOIs only; no: a fixed preset scored leave-one-out (the presets were set "
        "by hand on these same records, so those figures are optimistic)."
    )
    if best is not None:
        rule = (
            "Best nested: among the constructions without a head start (stated_apart...), the "
            f"highest {PRIMARY} over all EOIs; level to the thousandth, then "
            f"{', then '.join(TIE_BREAKS)}, then the cheaper variant (TF-IDF before the encoder)."
        )
        if SHIPPED.key not in keys:
            verdict = "the shipped default is not among these rows (it needs the encoder)"
        elif best == SHIPPED.key:
            verdict = "the shipped default is the best nested row"
        else:
            verdict = f"the shipped default is NOT the best nested row ({' / '.join(best)} is)"
        lines.append(f"{rule} Here {verdict}.")
    return "\n".join(lines)
