"""Weights: presets, parsing, and the missing-weight normalisation of the combined score."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.combine import (
    WEIGHT_PRESETS,
    WeightsError,
    combine_components,
    parse_weights,
    stack_components,
)
from matcher.score import COMPONENTS


def test_every_preset_names_every_component_with_a_positive_total() -> None:
    for name, weights in WEIGHT_PRESETS.items():
        assert set(weights) == set(COMPONENTS), name
        assert sum(weights.values()) > 0, name


def test_weights_parse_from_preset_pairs_and_preset_with_override() -> None:
    assert parse_weights("track_record") == WEIGHT_PRESETS["track_record"]
    assert parse_weights("history=2, thematic=1") == {
        **dict.fromkeys(COMPONENTS, 0.0),
        "history": 2.0,
        "thematic": 1.0,
    }
    assert parse_weights("balanced,history=0.6") == {**WEIGHT_PRESETS["balanced"], "history": 0.6}
    assert parse_weights({"funding": 1}) == {**dict.fromkeys(COMPONENTS, 0.0), "funding_fit": 1.0}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nonsense", "unknown weight preset"),
        ("colour=1", "unknown score component"),
        ("history=-1", "must be a number >= 0"),
        ("history=abc", "is not a number"),
        ("history=0", "at least one weight"),
    ],
)
def test_bad_weights_are_refused_with_a_reason(spec: str, message: str) -> None:
    with pytest.raises(WeightsError, match=message):
        parse_weights(spec)


def test_missing_component_is_left_out_of_the_normalisation_not_counted_as_zero() -> None:
    # One pair: thematic 0.8 (weight 1), targets missing (weight 3), history 0.2 (weight 1).
    components = {name: np.full((1, 1), np.nan, dtype=np.float32) for name in COMPONENTS}
    components["thematic"][0, 0] = 0.8
    components["history"][0, 0] = 0.2
    values, available = stack_components(components)
    weights = np.array(
        [{"thematic": 1, "targets": 3, "history": 1}.get(c, 0) for c in COMPONENTS], np.float32
    )
    score = combine_components(values, available, weights)
    assert score[0, 0] == pytest.approx((0.8 * 1 + 0.2 * 1) / 2)  # 0.5, not 1.0 / 5


def test_pair_with_no_weighted_component_has_no_score() -> None:
    components = {name: np.full((1, 2), np.nan, dtype=np.float32) for name in COMPONENTS}
    components["history"][0, 1] = 1.0
    values, available = stack_components(components)
    weights = np.array([1.0 if c == "thematic" else 0.0 for c in COMPONENTS], np.float32)
    assert np.isnan(combine_components(values, available, weights)).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_small_stack_is_the_layer_by_layer_stack_to_the_bit(seed: int, monkeypatch) -> None:
    """One new proposal's stack is built a step at a time for all six components; the
    layer-by-layer route (large blocks) must give the same bits, NaNs and infinities too."""
    from matcher import combine

    rng = np.random.default_rng(seed)
    components = {}
    for name in COMPONENTS:
        layer = rng.random((1, 50)).astype(np.float32)
        layer[rng.random(layer.shape) < 0.3] = np.nan
        components[name] = layer
    components[COMPONENTS[seed]][0, :2] = [np.inf, -np.inf]
    small = combine.stack_components(components)
    monkeypatch.setattr(combine, "SMALL_STACK", 0)
    layered = combine.stack_components(components)
    for mine, old in zip(small, layered, strict=True):
        assert mine.dtype == old.dtype == np.float32
        assert mine.tobytes() == old.tobytes()
