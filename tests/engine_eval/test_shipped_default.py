"""The shipped default is the best variant by the honest measure (issue 12, "Done when").

The LifeWeb replay is run under every construction that may ship (stated and revealed apart,
with and without the sentence encoder) and every missing-part policy, with weights learned
the nested way; :func:`matcher.shipped.best_nested` must pick the shipped variant, the
comparison's output must say so, and the shipped weights must be the set learned on all EOIs
for that variant. ``mixed`` (the head-start construction) is left out: by the rule it cannot
ship, whatever its figure.
"""

from __future__ import annotations

import numpy as np
import pytest

from matcher.combine import WEIGHT_PRESETS
from matcher.evaluate import DEFAULT_DONORS, DEFAULT_HISTORY, DEFAULT_PROPOSALS, _read_files
from matcher.learn.replay import compare_variants, format_variants, reference_values, replays_for
from matcher.score import COMPONENTS
from matcher.scoring.calibration import LIFEWEB_CALIBRATIONS, fit_calibration
from matcher.shipped import SHIPPED, best_nested
from matcher.text import DiskCache, SentenceEncoder, encoder_available

ROUTES = {"stated_apart": "tfidf", "stated_apart+encoder": "encoder"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not encoder_available(), reason="encoder package not installed"),
]


@pytest.fixture(scope="module")
def replays(tmp_path_factory):
    proposals, donors, history = _read_files(DEFAULT_PROPOSALS, DEFAULT_DONORS, DEFAULT_HISTORY)
    encoder = SentenceEncoder(DiskCache(tmp_path_factory.mktemp("embeddings")))
    return replays_for(
        proposals, donors, history,
        constructions=("stated_apart", "stated_apart+encoder"), encoder=encoder,
    )  # fmt: skip


@pytest.fixture(scope="module")
def comparison(replays):
    """Raw and calibrated (the scale's mapping refitted per held-out EOI) rows of both routes."""
    presets = {SHIPPED.weights: WEIGHT_PRESETS[SHIPPED.weights]}
    return compare_variants(replays, presets)


@pytest.mark.parametrize(("construction", "route"), ROUTES.items())
def test_the_shipped_score_scale_is_the_one_fitted_on_every_replay_pair(
    replays, construction: str, route: str
) -> None:
    """The knots in matcher/scoring/calibration.py are the refit's (scripts/fit_score_calibration.py)."""
    refit = fit_calibration(reference_values(replays[construction].cases))
    shipped = LIFEWEB_CALIBRATIONS[route]
    assert dict(shipped.sizes) == dict(refit.sizes)
    for name, knots in refit.knots.items():
        np.testing.assert_allclose(shipped.knots[name], knots, atol=2e-5, err_msg=name)


def test_the_shipped_default_is_the_best_nested_row(comparison) -> None:
    table, _ = comparison
    assert best_nested(table) == SHIPPED.key, table[table["nested"] == "yes"][
        ["construction", "policy", "group", "hit@3", "MRR"]
    ].to_string()


def test_the_comparison_marks_the_shipped_default_as_the_best(comparison) -> None:
    text = format_variants(comparison[0])
    assert "Here the shipped default is the best nested row." in text
    marked = [line for line in text.splitlines() if "(shipped default, best nested)" in line]
    assert len(marked) == 1 and "| all |" in marked[0]
    assert SHIPPED.construction in marked[0] and SHIPPED.missing in marked[0]


def test_the_shipped_weights_are_those_learned_on_every_eoi(comparison) -> None:
    _, fitted = comparison
    learned = fitted[f"{SHIPPED.construction}/{SHIPPED.missing}"].weights
    shipped = [WEIGHT_PRESETS[SHIPPED.weights][c] for c in COMPONENTS]
    np.testing.assert_allclose(learned, shipped, atol=1e-6)
