"""Properties that hold for any component values and weights (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from matcher.combine import combine_components, stack_components
from matcher.rank import Matcher
from matcher.score import COMPONENTS

N_COMPONENTS = len(COMPONENTS)

unit_or_missing = st.one_of(
    st.just(np.nan), st.floats(min_value=0.0, max_value=1.0, allow_nan=False, width=32)
)
component_values = arrays(np.float32, (N_COMPONENTS, 3, 4), elements=unit_or_missing)
weight_vectors = arrays(
    np.float32,
    (N_COMPONENTS,),
    # No subnormal weights (below 1.2e-38): no slider makes one, and the float32 sum of six of
    # them is not the float64 mean's denominator (Hypothesis found 2e-44 in a full run).
    elements=st.floats(
        min_value=0.0, max_value=10.0, allow_nan=False, allow_subnormal=False, width=32
    ),
)


@settings(deadline=None)  # no timed assertions: a busy machine is not a failure
@given(component_values, weight_vectors)
def test_combined_score_is_in_unit_interval_or_missing(values, weights) -> None:
    stacked, available = stack_components(dict(zip(COMPONENTS, values, strict=True)))
    score = combine_components(stacked, available, weights)
    finite = score[np.isfinite(score)]
    assert ((finite >= -1e-6) & (finite <= 1 + 1e-6)).all()


@settings(deadline=None)
@given(component_values, weight_vectors)
def test_combined_score_is_the_mean_over_available_weighted_components(values, weights) -> None:
    stacked, available = stack_components(dict(zip(COMPONENTS, values, strict=True)))
    score = combine_components(stacked, available, weights)
    for p in range(values.shape[1]):
        for m in range(values.shape[2]):
            present = ~np.isnan(values[:, p, m])
            total = float(weights[present].sum())
            if total <= 0:
                assert np.isnan(score[p, m])
            else:
                expected = float((values[present, p, m] * weights[present]).sum()) / total
                assert abs(score[p, m] - expected) < 1e-4


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(weights=st.dictionaries(st.sampled_from(COMPONENTS), st.floats(0.05, 5.0), min_size=1))
def test_reweighting_cached_matrices_equals_recomputing(portfolio, weights) -> None:
    proposals, donors, history = portfolio
    cached = Matcher().fit(donors, history, proposals=proposals).score(proposals)
    fresh = Matcher(weights=weights).fit(donors, history, proposals=proposals).score(proposals)
    np.testing.assert_allclose(
        cached.combine(weights), fresh.combine(), rtol=1e-5, atol=1e-6, equal_nan=True
    )


@settings(deadline=None)
@given(
    arrays(np.float32, (4, 7), elements=st.sampled_from([0.0, 0.25, 0.5, 1.0, -1.0])),
    st.integers(min_value=1, max_value=8),
    st.permutations(list(range(7))),
)
def test_top_k_matches_a_full_sort_by_score_then_tie_order(key, k, tie_order) -> None:
    from matcher.rank import _top_k_per_row

    tie = np.asarray(tie_order)
    rows, cols, ranks = _top_k_per_row(key, k, tie)
    for row in range(key.shape[0]):
        expected = sorted(range(7), key=lambda c: (-key[row, c], tie[c]))[: min(k, 7)]
        assert cols[rows == row].tolist() == expected
        assert ranks[rows == row].tolist() == list(range(1, len(expected) + 1))
