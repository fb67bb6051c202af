"""Combine component matrices into one score with weights; eligibility stays a separate mask.

The score of a pair is the weighted mean of the components *available for that pair*: a
component that is missing (NaN) is left out of both the numerator and the normalisation, so
a donor that states no targets is neither helped nor hurt on targets. The components are
kept as cached matrices, so changing weights is a weighted sum over them, divided by the
weights of the components present (one of 64 patterns per pair); it is taken in float64 and
rounded once to float32, the same number on every path (:func:`exact_means`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np

from matcher.errors import LifeWebMatchError
from matcher.profile import DonorProfiles
from matcher.score import COMPONENTS, DonorVectors, ProposalFeatures, ScoringParams, _dense
from matcher.scoring.sparse_rows import few_rows_times_each

__all__ = [
    "REASON_TEXT",
    "WEIGHT_PRESETS",
    "combine_components",
    "eligibility",
    "exact_means",
    "mean_scores",
    "missing_patterns",
    "parse_weights",
    "reason_text",
    "resolve_weights",
    "weight_sums",
]

WEIGHT_PRESETS: dict[str, dict[str, float]] = {
    # Default, the shipped variant's (matcher.shipped.SHIPPED). Learned from the 40 LifeWeb
    # EOIs funded by an external named donor (matcher.learn: pairwise loss over the simplex in
    # steps of 0.05, pulled toward the earlier hand-set 0.5/0.2/0.05/0.15/0.05/0.05), with
    # stated and revealed parts apart, the sentence encoder beside TF-IDF and a stated part a
    # donor says nothing about left out. Its honest figure is the nested one (weights learned
    # without the EOI scored): ``lifeweb-match evaluate``. Learned 2026-12-02.
    "balanced": {
        "thematic": 0.4,
        "targets": 0.2,
        "geography": 0.05,
        "funding_fit": 0.15,
        "ecosystems": 0.05,
        "history": 0.15,
    },
    # What the donor says it wants: priorities text, targets, ecosystems and regions.
    "stated_priorities": {
        "thematic": 0.35,
        "targets": 0.25,
        "geography": 0.2,
        "funding_fit": 0.1,
        "ecosystems": 0.1,
        "history": 0.0,
    },
    # What the donor funded before: its track record and where it works.
    "track_record": {
        "thematic": 0.2,
        "targets": 0.05,
        "geography": 0.25,
        "funding_fit": 0.15,
        "ecosystems": 0.0,
        "history": 0.35,
    },
    # Global-target alignment first (Aichi / GBF), for target-driven calls.
    "targets_first": {
        "thematic": 0.2,
        "targets": 0.45,
        "geography": 0.1,
        "funding_fit": 0.1,
        "ecosystems": 0.05,
        "history": 0.1,
    },
    # Text only: how close the proposal reads to the donor's priorities and funded work.
    "thematic_only": {
        "thematic": 1.0,
        "targets": 0.0,
        "geography": 0.0,
        "funding_fit": 0.0,
        "ecosystems": 0.0,
        "history": 0.0,
    },
}
"""Named weight sets; every preset names every component (weights need not sum to 1)."""

DEFAULT_PRESET = "balanced"


REASON_EXCLUDED = 1
REASON_OUTSIDE_REGIONS = 2
REASON_INACTIVE = 4
REASON_OVER_BUDGET = 8
REASON_TEXT: dict[int, str] = {
    REASON_EXCLUDED: "excluded country",
    REASON_OUTSIDE_REGIONS: "outside eligible regions",
    REASON_INACTIVE: "inactive donor",
    REASON_OVER_BUDGET: "request far beyond budget",
}


def eligibility(
    features: ProposalFeatures,
    profiles: DonorProfiles,
    donors: DonorVectors,
    params: ScoringParams,
) -> np.ndarray:
    """Reason codes per pair (0 = eligible); bits are the ``REASON_*`` constants."""
    n_p, n_m = len(features), profiles.n_donors
    codes = np.zeros((n_p, n_m), dtype=np.uint8)
    excluded_part, area_part = few_rows_times_each(
        features.countries,
        (donors.excluded_t, donors.stated_area_t),
        donors.__dict__.setdefault("_side_by_side", {}),
        "eligibility",
    )
    excluded = _dense(excluded_part) > 0
    codes[excluded] |= REASON_EXCLUDED
    in_area = _dense(area_part) > 0
    outside = ~in_area & profiles.has_stated_area[None, :] & (features.n_countries > 0)[:, None]
    codes[outside] |= REASON_OUTSIDE_REGIONS
    codes[:, ~profiles.active] |= REASON_INACTIVE
    with np.errstate(invalid="ignore"):
        over = features.requested_usd[:, None] > params.budget_factor * profiles.budget_usd[None, :]
    codes[over] |= REASON_OVER_BUDGET
    return codes


def reason_text(code: int) -> str:
    """``"excluded country; inactive donor"`` for a reason code, ``""`` when eligible."""
    return "; ".join(text for bit, text in REASON_TEXT.items() if code & bit)


class WeightsError(LifeWebMatchError, ValueError):
    """Weights given by a person could not be understood."""


def parse_weights(
    spec: str | Mapping[str, float] | Sequence[float] | np.ndarray | None,
) -> dict[str, float]:
    """Turn ``"balanced"``, ``"history=0.5,thematic=0.3"``, a mapping or a vector in
    :data:`COMPONENTS` order into full weights.

    A ``name=value`` list starts from zero for components it does not name, unless it
    starts with a preset name (``"balanced,history=0.6"`` changes one weight of a preset).

    Raises
    ------
    WeightsError
        Unknown preset or component, a value that is not a non-negative number, or all zero.
    """
    if spec is None:
        return dict(WEIGHT_PRESETS[DEFAULT_PRESET])
    if isinstance(spec, np.ndarray | list | tuple):
        if len(spec) != len(COMPONENTS):
            raise WeightsError(
                f"a weight vector needs {len(COMPONENTS)} numbers ({', '.join(COMPONENTS)})"
            )
        return _checked({n: _number(n, v) for n, v in zip(COMPONENTS, spec, strict=True)})
    if isinstance(spec, Mapping):
        weights = dict.fromkeys(COMPONENTS, 0.0)
        for name, value in spec.items():
            weights[_component(name)] = _number(name, value)
        return _checked(weights)
    text = str(spec).strip()
    if not text:
        return dict(WEIGHT_PRESETS[DEFAULT_PRESET])
    weights = dict.fromkeys(COMPONENTS, 0.0)
    for position, item in enumerate(part.strip() for part in text.split(",")):
        if not item:
            continue
        if "=" not in item:
            if position == 0 and item in WEIGHT_PRESETS:
                weights = dict(WEIGHT_PRESETS[item])
                continue
            known = ", ".join(WEIGHT_PRESETS)
            raise WeightsError(
                f"unknown weight preset {item!r}; use one of {known} or name=value pairs"
            )
        name, _, value = item.partition("=")
        weights[_component(name.strip())] = _number(name.strip(), value.strip())
    return _checked(weights)


def resolve_weights(
    weights: str | Mapping[str, float] | Sequence[float] | np.ndarray | None,
) -> np.ndarray:
    """Weights as a float32 vector in :data:`COMPONENTS` order."""
    parsed = parse_weights(weights)
    return np.array([parsed[name] for name in COMPONENTS], dtype=np.float32)


def _component(name: str) -> str:
    key = name.strip().lower().replace("-", "_").replace(" ", "_").removeprefix("score_")
    if key in ("funding", "amount"):
        key = "funding_fit"
    if key not in COMPONENTS:
        raise WeightsError(f"unknown score component {name!r}; components: {', '.join(COMPONENTS)}")
    return key


def _number(name: str, value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise WeightsError(f"weight for {name!r} is not a number: {value!r}") from None
    if not np.isfinite(number) or number < 0:
        raise WeightsError(f"weight for {name!r} must be a number >= 0, got {value!r}")
    return number


def _checked(weights: dict[str, float]) -> dict[str, float]:
    if sum(weights.values()) <= 0:
        raise WeightsError("at least one weight must be above zero")
    return weights


def missing_patterns(available: np.ndarray) -> np.ndarray:
    """One byte per pair (``available.shape[1:]``), bit c set when component c is missing."""
    patterns = np.zeros(available.shape[1:], dtype=np.uint8)
    for c in range(available.shape[0]):
        patterns |= (available[c] == 0).view(np.uint8) << np.uint8(c)
    return patterns


def weight_sums(weights: np.ndarray, dtype: type = np.float32) -> np.ndarray:
    """The normalising denominator for each missing pattern: the weights of the present components.

    Summed in component order, once per pattern (64 of them), so every path that combines (a
    whole score set, one chunk, one pair) divides by exactly the same number.
    """
    w = np.asarray(weights, dtype=dtype)
    return _weight_sums(w.tobytes(), np.dtype(dtype).str, len(w)).copy()


@lru_cache(maxsize=64)
def _weight_sums(weights: bytes, dtype: str, n: int) -> np.ndarray:
    """:func:`weight_sums` kept per weighting: every ranking asks for it several times, and
    it costs more than ranking one new proposal's donors."""
    w = np.frombuffer(weights, dtype=dtype, count=n)
    kind = w.dtype.type
    patterns = np.arange(2**n, dtype=np.int64)
    sums = np.zeros(patterns.size, dtype=kind)
    for c, weight in enumerate(w):
        sums += np.where((patterns >> c) & 1 == 0, weight, kind(0.0)).astype(kind)
    return sums


SCORE_TILE = 1 << 16
"""Pairs combined at a time, so a tile's float64 partial sums stay in the core's cache."""


def exact_means(
    values: np.ndarray,
    patterns: np.ndarray,
    weights: np.ndarray,
    sums: np.ndarray | None = None,
) -> np.ndarray:
    """The weighted mean of ``C x n`` float32 values in float64: 0 where no weighted
    component exists (the caller makes those NaN or sorts them as -1).

    Element by element in component order, so a pair gets the same number whether a whole
    matrix, a tile or a few gathered pairs are combined (a BLAS product's rounding depends on
    the length and on its threads), and in float64, so that rounded once to float32 it is
    the nearest float32 to the real weighted mean. A weight of 0 adds an exact 0. ``sums``:
    ``weight_sums(weights, np.float64)``, when the caller keeps it.
    """
    w = np.asarray(weights, dtype=np.float64)
    if sums is None:
        sums = weight_sums(w, np.float64)
    used = [c for c in range(len(w)) if w[c] != 0] or [0]
    numerator = np.multiply(values[used[0]], w[used[0]], dtype=np.float64)
    spare = np.empty_like(numerator)
    for c in used[1:]:
        np.multiply(values[c], w[c], out=spare, dtype=np.float64)
        numerator += spare
    divisor = sums[patterns]
    divisor[divisor <= 0] = 1.0  # nothing weighted is present: the numerator is 0
    numerator /= divisor
    return numerator


def mean_scores(values: np.ndarray, patterns: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Scores of ``C x n`` values with missing patterns ``n``: :func:`exact_means` rounded
    once to float32, NaN where no weighted component exists; in tiles of :data:`SCORE_TILE`."""
    n = values.shape[1]
    sums = weight_sums(np.asarray(weights, dtype=np.float64), np.float64)
    unscored = sums <= 0
    scores = np.empty(n, dtype=np.float32)
    for start in range(0, n, SCORE_TILE):
        stop = min(start + SCORE_TILE, n)
        part = patterns[start:stop]
        scores[start:stop] = exact_means(values[:, start:stop], part, weights, sums)
        scores[start:stop][unscored[part]] = np.nan
    return scores


def combine_components(
    values: np.ndarray,
    available: np.ndarray,
    weights: np.ndarray,
    *,
    patterns: np.ndarray | None = None,
) -> np.ndarray:
    """Weighted mean over available components.

    Parameters
    ----------
    values
        ``C x ...`` component values with missing entries set to 0 (float32).
    available
        ``C x ...`` 1.0 where the component exists for the pair, else 0.0 (float32).
    weights
        ``C`` weights in :data:`COMPONENTS` order.
    patterns
        :func:`missing_patterns` of ``available``, when the caller keeps it (it is the same
        for every weighting).

    Returns
    -------
    ndarray
        Scores in [0, 1]; NaN where no weighted component is available.
    """
    shape = values.shape[1:]
    if patterns is None:
        patterns = missing_patterns(available)
    flat = values.reshape(values.shape[0], -1)
    return mean_scores(flat, patterns.reshape(-1), weights).reshape(shape)


SMALL_STACK = 1 << 16
"""Up to this many values (a few proposals' stack), :func:`stack_components` takes the whole
stack per step; beyond, layer by layer (a whole-stack mask would be as large as the stack)."""


def stack_components(
    components: Mapping[str, np.ndarray],
    out: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Stack component matrices into ``(values, available)`` arrays for :func:`combine_components`.

    Each component is written straight into one preallocated float32 array, its NaNs (missing)
    set to 0 where ``available`` is 0: one pass per component instead of a stack, a cast and a
    full ``nan_to_num`` (which also scans for infinities; components never hold any, but if
    one did it would get the same finite clamp). ``out`` (two float32 ``C x ...`` arrays of the
    right shape) is filled instead of new arrays: reusing memory from block to block spares the
    page faults of fresh allocations, which cost more than the copying itself.
    """
    first = np.asarray(components[COMPONENTS[0]])
    shape = (len(COMPONENTS), *first.shape)
    if out is not None and out[0].shape == shape and out[1].shape == shape:
        values, available = out
    else:
        values = np.empty(shape, dtype=np.float32)
        available = np.empty(shape, dtype=np.float32)
    if values.size <= SMALL_STACK:  # one new proposal: each step once for the whole stack
        for index, name in enumerate(COMPONENTS):
            np.copyto(values[index], components[name], casting="same_kind")
        missing = np.isnan(values)
        np.logical_not(missing, out=available)
        np.copyto(values, np.float32(0.0), where=missing)
        if np.isinf(values).any():
            for layer in values:
                np.nan_to_num(layer, copy=False)  # no NaN is left: only infinities change
        return values, available
    for index, name in enumerate(COMPONENTS):
        layer = values[index]
        np.copyto(layer, components[name], casting="same_kind")
        missing = np.isnan(layer)
        np.logical_not(missing, out=available[index])
        np.copyto(layer, np.float32(0.0), where=missing)
        if np.isinf(layer).any():
            np.nan_to_num(layer, copy=False)
    return values, available
