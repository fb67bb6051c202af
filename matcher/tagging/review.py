"""Reviewer flags: declared targets the text does not support, and supported ones not declared.

Moved out of ``matcher/tagger.py`` unchanged (the tagger is imported where it is used, since it
re-exports ``review_targets``).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from matcher.tagging.targets import _as_targets, aichi_for_gbf, target_label
from matcher.tagging.text import _proposal_ids

REVIEW_COLUMNS: Final = (
    "proposal_id",
    "aichi_target",
    "flag",
    "confidence",
    "evidence",
    "message",
)


def _add_weak_support(records: list[dict[str, object]], weak: pd.DataFrame) -> None:
    """Say so when a declared target has some support, just below the suggestion threshold."""
    support = {
        (pid, int(target)): (confidence, evidence, terms)
        for pid, target, confidence, evidence, terms in zip(
            weak["proposal_id"],
            weak["aichi_target"],
            weak["confidence"],
            weak["evidence"],
            weak["matched_terms"],
            strict=True,
        )
    }
    for record in records:
        found = support.get((record["proposal_id"], int(record["aichi_target"])))  # type: ignore[call-overload]
        if record["flag"] != "declared_unsupported" or found is None:
            continue
        confidence, evidence, terms = found
        record["confidence"] = float(confidence)
        record["evidence"] = evidence
        record["message"] = str(record["message"]).replace(
            "but nothing in the title, summary, description or objectives supports it.",
            f"but the text supports it only weakly (confidence {confidence:.2f}; terms: {terms}).",
        )


def review_targets(
    proposals: pd.DataFrame,
    suggestions: pd.DataFrame | None = None,
    *,
    undeclared_min_confidence: float = 0.5,
) -> pd.DataFrame:
    """Flags for the reviewer: declared targets the text does not support, and the reverse.

    Parameters
    ----------
    proposals
        A proposals frame (:mod:`matcher.contract`).
    suggestions
        Output of :func:`suggest_targets` (computed with its default threshold when not
        given). A declared target without a suggestion is "declared but unsupported".
    undeclared_min_confidence
        A suggestion at least this confident that the proposal did not declare is
        flagged "supported but undeclared"; weaker ones are not worth a reviewer's time.

    Returns
    -------
    pandas.DataFrame
        ``proposal_id``, ``aichi_target``, ``flag`` (``declared_unsupported`` or
        ``supported_undeclared``), ``confidence`` (the tagger's, 0 when no suggestion),
        ``evidence`` (supporting sentences, empty for unsupported ones) and ``message``
        (one sentence a reviewer reads).
    """
    from matcher.tagger import _declared_aichi, suggest_targets

    if suggestions is None:
        suggestions = suggest_targets(proposals)
    ids = _proposal_ids(proposals)
    declared_gbf = (
        proposals["gbf_targets"].map(_as_targets).tolist()
        if "gbf_targets" in proposals
        else [()] * len(proposals)
    )
    declared_aichi = (
        proposals["aichi_targets"].map(_as_targets).tolist()
        if "aichi_targets" in proposals
        else [()] * len(proposals)
    )
    by_proposal = {
        pid: group.set_index("aichi_target")
        for pid, group in suggestions.groupby("proposal_id", sort=False)
    }
    records: list[dict[str, object]] = []
    unsupported_rows: list[int] = []
    for position, (pid, targets, aichi_cell, gbf_cell) in enumerate(
        zip(ids, _declared_aichi(proposals), declared_aichi, declared_gbf, strict=True)
    ):
        suggested = by_proposal.get(pid)
        suggested_targets = set() if suggested is None else set(suggested.index.astype(int))
        for target in targets:
            if target in suggested_targets:
                continue
            via = (
                ""
                if target in aichi_cell
                else (
                    " (implied by declared "
                    + ", ".join(f"GBF {g}" for g in gbf_cell if target in aichi_for_gbf(g))
                    + ")"
                )
            )
            if not unsupported_rows or unsupported_rows[-1] != position:
                unsupported_rows.append(position)
            records.append(
                {
                    "proposal_id": pid,
                    "aichi_target": target,
                    "flag": "declared_unsupported",
                    "confidence": 0.0,
                    "evidence": "",
                    "message": f"{target_label('aichi', target)} is declared{via}, but nothing "
                    "in the title, summary, description or objectives supports it.",
                }
            )
    for pid, targets in zip(ids, _declared_aichi(proposals), strict=True):
        suggested = by_proposal.get(pid)
        if suggested is None:
            continue
        for target, row in suggested.iterrows():
            if int(target) in targets or row["confidence"] < undeclared_min_confidence:
                continue
            records.append(
                {
                    "proposal_id": pid,
                    "aichi_target": int(target),
                    "flag": "supported_undeclared",
                    "confidence": float(row["confidence"]),
                    "evidence": row["evidence"],
                    "message": f"The text supports {target_label('aichi', int(target))} "
                    f"(confidence {row['confidence']:.2f}; terms: {row['matched_terms']}), "
                    "but the proposal does not declare it.",
                }
            )
    if unsupported_rows:
        _add_weak_support(
            records, suggest_targets(proposals.iloc[unsupported_rows], min_confidence=0)
        )
    if not records:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in REVIEW_COLUMNS}).astype(
            {"aichi_target": np.int64, "confidence": np.float64}
        )
    return pd.DataFrame.from_records(records, columns=list(REVIEW_COLUMNS))
