"""The weights the app ranks with: the preset, or a learned set adopted into the database.

What is in force is the newest row of the ``weight_sets`` log (:mod:`matcher.store.learning`),
shared by every session and every page; with no row, or after the preset was put back, the
shipped preset applies. A learned set is proposed from the LifeWeb funding records (each funded
EOI replayed without its own records, once per change of data) and the outcomes staff record
(decisions on matches, steps at events), and may be adopted only when the rule of
:mod:`matcher.learn.adoption` allows. Adopting and going back each add a row: the log keeps
every set, who put it in force, when, and its figures.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import streamlit as st

from matcher.combine import DEFAULT_PRESET, WEIGHT_PRESETS
from matcher.learn.adoption import Assessment, assess_learned, filled_cases
from matcher.learn.cases import RankingCase
from matcher.learn.decisions import cases_from_decisions, latest_outcomes
from matcher.learn.weights import case_losses, simplex_grid
from matcher.score import COMPONENTS
from matcher.store.learning import (
    PRESET_SOURCE,
    event_outcomes,
    previous_weight_set,
    record_weight_set,
    weight_history,
)
from ui import services, text_features

__all__ = [
    "IN_FORCE",
    "InForce",
    "adopt",
    "assessment",
    "back_to_previous",
    "history_table",
    "in_force",
    "preset_label",
]

IN_FORCE = "in_force"
"""The Matches page's preset name for "the weights in force" (its default)."""
WEIGHT_KINDS = ("weight_sets",)
_KEEP = 2


@dataclass(frozen=True)
class InForce:
    """The weights in force and where they came from."""

    weights: dict[str, float]
    source: str  # "preset" (nothing adopted, or the preset put back), "learned", "restored"
    row_id: int = 0  # the weight-set row in force; 0 when nothing was ever adopted
    adopted_at: pd.Timestamp | None = None
    adopted_by: str = ""

    @property
    def is_preset(self) -> bool:
        return self.source == PRESET_SOURCE

    @property
    def label(self) -> str:
        """ "balanced preset", "learned set, adopted 2 Dec 2026 by Ana" or "earlier set, put
        back 2 Dec 2026 by Ben"."""
        if self.is_preset:
            return f"{preset_label(DEFAULT_PRESET)} preset"
        what = "learned set, adopted" if self.source == "learned" else "earlier set, put back"
        day = self.adopted_at.strftime("%-d %b %Y") if self.adopted_at is not None else ""
        return f"{what} {day} by {self.adopted_by}"


def preset_label(name: str) -> str:
    return name.replace("_", " ")


def shipped_preset() -> dict[str, float]:
    """The shipped default preset, as the engine defines it."""
    return dict(WEIGHT_PRESETS[DEFAULT_PRESET])


@st.cache_data(max_entries=8, show_spinner=False)
def _log(url: str, version: str) -> pd.DataFrame:
    """The weight log, read again only when a set was added (by any session or process)."""
    return weight_history(services.get_store())


def _history() -> pd.DataFrame:
    return _log(services.database_url(), services.content_version(WEIGHT_KINDS))


def in_force() -> InForce:
    """What the rankings use now (read from the database; every session sees the same)."""
    log = _history()
    if log.empty or log.iloc[0]["source"] == PRESET_SOURCE:
        row_id = 0 if log.empty else int(log.iloc[0]["id"])
        return InForce(shipped_preset(), PRESET_SOURCE, row_id)
    row = log.iloc[0]
    weights = {c: float(dict(row["weights"]).get(c, 0.0)) for c in COMPONENTS}
    return InForce(
        weights, str(row["source"]), int(row["id"]), row["adopted_at"], str(row["adopted_by"])
    )


def _weights_text(weights: Mapping[str, float]) -> str:
    from ui.matching import COMPONENT_LABELS

    return " · ".join(
        f"{COMPONENT_LABELS.get(c, c)} {float(weights.get(c, 0)):.2f}" for c in COMPONENTS
    )


_SOURCE_WORDS = {
    "learned": "learned set adopted",
    "restored": "earlier set put back",
    PRESET_SOURCE: "preset put back",
}


def history_table() -> pd.DataFrame:
    """Every set ever put in force, newest first: when, who, what, the weights, the figures."""
    log = _history()
    return pd.DataFrame(
        {
            "when": [t.strftime("%Y-%m-%d %H:%M UTC") for t in log["adopted_at"]],
            "who": log["adopted_by"].astype(str),
            "what": [_SOURCE_WORDS.get(str(s), str(s)) for s in log["source"]],
            "weights": [_weights_text(dict(w)) for w in log["weights"]],
            "figures": log["note"].astype(str),
        }
    )


# --- the proposed learned set -----------------------------------------------------------
@dataclass
class _Learned:
    """Per portfolio: the funding-record cases and their losses (slow), then assessments."""

    cases: list[RankingCase]
    losses: np.ndarray
    seconds: float
    assessments: OrderedDict[str, Assessment] = field(default_factory=OrderedDict)


class _Cache:
    def __init__(self) -> None:
        self.items: OrderedDict[str, _Learned] = OrderedDict()
        self.lock = threading.Lock()
        self.seconds_per_record = 1.0  # replaced by what this process measures


@st.cache_resource
def _cache() -> _Cache:
    return _Cache()


def _replay(data: services.Portfolio) -> tuple[list[RankingCase], np.ndarray]:
    """Each funded EOI scored by an engine fitted without its own funding records: the engine
    the app ranks with (the shipped variant, its encoder reading the stored vectors)."""
    from matcher.learn.replay import replay_cases

    choice = text_features.text_choice()
    encoder = text_features.store_encoder(choice)
    replay = replay_cases(
        data.proposals,
        data.donors,
        data.history,
        params=choice.variant.params(),
        matcher_options={"encoder": encoder} if encoder is not None else None,
    )
    # The replay keeps missing parts missing; the app's score set has them as the variant says.
    cases = filled_cases(replay.cases, choice.variant.missing)
    return cases, case_losses(simplex_grid(len(COMPONENTS)), cases)


def _funding_cases(data: services.Portfolio) -> _Learned:
    cache = _cache()
    key = f"{data.fingerprint}:{text_features.variant_key()}"
    with cache.lock:
        found = cache.items.get(key)
        if found is None:
            n_funded = data.history["proposal_id"].nunique() if not data.history.empty else 0
            estimate = cache.seconds_per_record * n_funded
            started = time.perf_counter()
            with st.status(
                f"Replaying the {n_funded} funded proposals, each scored without its own "
                f"funding records (about {estimate:,.0f} s, once per change of data)…",
                expanded=False,
            ) as status:
                cases, losses = _replay(data)
                seconds = time.perf_counter() - started
                status.update(
                    label=f"Replayed {len(cases)} funded proposals in {seconds:,.0f} s.",
                    state="complete",
                )
            cache.seconds_per_record = seconds / max(n_funded, 1)
            found = _Learned(cases, losses, seconds)
            cache.items[key] = found
            while len(cache.items) > _KEEP:
                cache.items.popitem(last=False)
        cache.items.move_to_end(key)
    return found


def _outcomes() -> pd.DataFrame:
    store = services.get_store()
    return latest_outcomes(store.decisions(), event_outcomes(store))


def _outcomes_key(outcomes: pd.DataFrame) -> str:
    text = outcomes[["proposal_id", "donor_id", "status"]].to_csv(index=False)
    return hashlib.sha256(text.encode()).hexdigest()


def assessment() -> Assessment | None:
    """The learned set proposed now, its nested figures and the verdict (None: no data).

    Funding records are replayed once per change of data; decisions are read fresh each time,
    so a decision recorded a moment ago counts.
    """
    from ui import matching

    found = matching.analysis()
    if found is None:
        return None
    data = services.portfolio()
    learned = _funding_cases(data)
    outcomes = _outcomes()
    key = f"{_outcomes_key(outcomes)}:{sorted(shipped_preset().items())}"
    cached = learned.assessments.get(key)
    if cached is not None:
        return cached
    decided = cases_from_decisions(outcomes, found.scores)
    grid = simplex_grid(len(COMPONENTS))
    losses = np.hstack([learned.losses, case_losses(grid, decided)])
    result = assess_learned([*learned.cases, *decided], shipped_preset(), COMPONENTS, losses=losses)
    learned.assessments[key] = result
    while len(learned.assessments) > 4:
        learned.assessments.popitem(last=False)
    return result


def figures_note(found: Assessment) -> str:
    """The figures kept with an adopted set in the log, in words."""
    note = f"{found.summary()}; agreement {found.agreement_learned} vs {found.agreement_preset}"
    if found.hit3_learned is not None and found.hit3_preset is not None:
        note += f"; hit@3 on funding records {found.hit3_learned} vs {found.hit3_preset}"
    return note + f"; {found.n_proposals} proposals, nested leave-one-proposal-out"


def _changed() -> None:
    services.mark_changed()  # this run reads the log again; other sessions see its new version


def adopt(found: Assessment, *, by: str) -> int:
    """Put the learned set in force for everyone (only when the rule allows it)."""
    if not found.adopt:
        raise ValueError(found.reason)
    row = record_weight_set(
        services.get_store(),
        found.weights,
        source="learned",
        n_decisions=found.n_decisions,
        agreement_gain=found.gain.mean,
        note=figures_note(found),
        by=by,
    )
    _changed()
    return row


def previous_label() -> str | None:
    """What one click back puts in force ("balanced preset", "learned set of ..."), or None
    when nothing was ever adopted (the preset is in force and there is nowhere back to)."""
    log = _history()
    if log.empty:
        return None
    previous = previous_weight_set(log)
    if previous is None or previous["source"] == PRESET_SOURCE:
        return f"the {preset_label(DEFAULT_PRESET)} preset"
    day = previous["adopted_at"].strftime("%-d %b %Y %H:%M")
    return (
        f"the {_SOURCE_WORDS.get(str(previous['source']), 'set')} {day} by {previous['adopted_by']}"
    )


def back_to_previous(*, by: str) -> int | None:
    """One step back: the set in force before the current one becomes current (a new row)."""
    log = _history()
    if log.empty:
        return None
    previous = previous_weight_set(log)
    store = services.get_store()
    if previous is None or previous["source"] == PRESET_SOURCE:
        row = record_weight_set(
            store,
            shipped_preset(),
            source=PRESET_SOURCE,
            n_decisions=0,
            agreement_gain=None,
            note="back to the preset",
            by=by,
        )
    else:
        row = record_weight_set(
            store,
            dict(previous["weights"]),
            source="restored",
            n_decisions=int(previous["n_decisions"]),
            agreement_gain=previous["agreement_gain"],
            note=f"restored: {previous['note']}",
            by=by,
        )
    _changed()
    return row
