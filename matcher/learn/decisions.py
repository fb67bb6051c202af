"""Ranking cases from what staff record in the app: decisions on matches and event steps.

Staff record decisions on a match (``contacted``, ``accepted``, ``declined``, ``funded``, and
``pledged`` once pledges are decisions) and steps at an event (``interested``, ``pledged``,
``declined``). Only where each pair stands now counts: the latest entry per proposal and donor,
whichever log it is in. Each outcome has a grade:

    pledged, accepted, funded       2   (staff put the money or the yes on this donor)
    contacted, interested           1   (staff judged the donor worth approaching)
    declined                        0

A proposal gives one case per grade present above the lowest: the donors at that grade should
rank above the donors decided lower, or, when none was decided lower, above every donor nothing
was recorded for. ``proposed`` (the app's own suggestion) and the other event steps say nothing
about staff judgement and are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matcher.learn.cases import RankingCase

__all__ = ["GRADES", "cases_from_decisions", "latest_outcomes"]

GRADES: dict[str, int] = {
    "pledged": 2,
    "accepted": 2,
    "funded": 2,
    "contacted": 1,
    "interested": 1,
    "declined": 0,
}
"""Grade of each decision status and event step that says something about a pair's fit."""

OUTCOME_COLUMNS = ("proposal_id", "donor_id", "status", "at", "source")


def _entries(log: pd.DataFrame, status_column: str, at_column: str, source: str) -> pd.DataFrame:
    """The decision log and the event pipelines in one shape: pair, status, when, where from."""
    return pd.DataFrame(
        {
            "proposal_id": log["proposal_id"].astype(str),
            "donor_id": log["donor_id"].astype(str),
            "status": log[status_column].astype(str),
            "at": pd.to_datetime(log[at_column], utc=True),
            "source": source,
        }
    )


def latest_outcomes(decisions: pd.DataFrame | None, steps: pd.DataFrame | None) -> pd.DataFrame:
    """The latest graded outcome per (proposal, donor), from the decision log and event steps.

    ``decisions`` has ``proposal_id, donor_id, status, decided_at`` (the store's decision
    listing); ``steps`` has ``proposal_id, donor_id, stage, happened_at`` (event pipelines).
    A pair recorded in both (a pledge that also wrote a decision) counts once: the latest entry
    wins, whatever it says; a latest entry that is not graded (``proposed``, ``met``) leaves the
    pair out.
    """
    parts = []
    if decisions is not None and not decisions.empty:
        parts.append(_entries(decisions, "status", "decided_at", "decision"))
    if steps is not None and not steps.empty:
        parts.append(_entries(steps, "stage", "happened_at", "event"))
    if not parts:
        return pd.DataFrame(columns=list(OUTCOME_COLUMNS))
    log = pd.concat(parts, ignore_index=True)
    log["_order"] = np.arange(len(log))
    log = log.sort_values(["at", "_order"], kind="stable")
    latest = log.drop_duplicates(["proposal_id", "donor_id"], keep="last")
    latest = latest[latest["status"].str.casefold().isin(list(GRADES))]
    return (
        latest.drop(columns="_order")
        .sort_values(["proposal_id", "donor_id"])
        .reset_index(drop=True)
    )


def cases_from_decisions(outcomes: pd.DataFrame, scores) -> list[RankingCase]:
    """Ranking cases from graded outcomes (``proposal_id, donor_id, status``), one pair each.

    ``scores`` is a :class:`matcher.rank.ScoreSet` holding the decided proposals; outcomes on
    proposals or donors it does not hold are skipped. ``n_decided`` counts the proposal's
    outcomes on its first case (0 on the others), so summing it counts each outcome once.
    """
    if outcomes is None or outcomes.empty:
        return []
    proposal_pos = {str(p): i for i, p in enumerate(scores.proposal_ids)}
    donor_pos = {str(d): i for i, d in enumerate(scores.donor_ids)}
    n_donors = len(scores.donor_ids)
    cases = []
    for proposal_id, rows in outcomes.groupby(outcomes["proposal_id"].astype(str), sort=True):
        p = proposal_pos.get(proposal_id)
        if p is None:
            continue
        grade = np.full(n_donors, -1)
        for donor, status in zip(rows["donor_id"].astype(str), rows["status"], strict=True):
            if donor in donor_pos and str(status).casefold() in GRADES:
                grade[donor_pos[donor]] = GRADES[str(status).casefold()]
        decided = grade >= 0
        levels = sorted({int(g) for g in grade[decided]}, reverse=True)
        first = True
        for level in levels:
            truth = grade == level
            lower = decided & (grade < level)
            against = lower if lower.any() else ~decided
            if level == 0 or not against.any():
                continue
            cases.append(
                RankingCase(
                    proposal_id=proposal_id,
                    values=scores.values[:, p, :].astype(np.float32),
                    available=scores.available[:, p, :].astype(np.float32),
                    truth=truth,
                    against=against,
                    group=f"staff decisions, grade {level}",
                    source="staff decision",
                    n_decided=int(decided.sum()) if first else 0,
                )
            )
            first = False
    return cases
