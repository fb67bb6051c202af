"""Thematic and history as percentiles among the LifeWeb pairs (matcher.scoring.calibration).

The scale was tried for issue 10's donor journey (a programme officer reads 0.5 as a decent
fit) and evaluated nested; it ranks worse than the raw parts, so the engine ships without it
and ``ScoringParams(calibration="lifeweb")`` asks for it. The mapping is monotone, keeps "no
evidence" at 0, and when asked for is applied to every part the engine scores.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from matcher.load import load_donors, load_history, load_proposals
from matcher.rank import Matcher
from matcher.reference import data_dir
from matcher.score import COMPONENTS, ScoringParams
from matcher.scoring.calibration import (
    CALIBRATED,
    LIFEWEB_CALIBRATIONS,
    Calibration,
    calibration_for,
    fit_calibration,
)

LIFEWEB = ScoringParams(calibration="lifeweb")


@cache
def _sample_pairs():
    folder = data_dir()
    proposals = load_proposals(folder / "proposals.csv").frame
    donors = load_donors(folder / "donors.csv").frame
    history = load_history(folder / "history.csv").frame
    raw = Matcher().fit(donors, history, proposals=proposals).score(proposals)
    scaled = Matcher(params=LIFEWEB).fit(donors, history, proposals=proposals).score(proposals)
    return raw, scaled


def test_a_value_maps_to_the_share_of_reference_values_below_it() -> None:
    reference = np.linspace(0.01, 0.6, 1001)
    calibration = fit_calibration({"thematic": reference})
    mapped = calibration.transform("thematic", np.array([0.01, 0.1575, 0.305, 0.4525, 0.6]))
    np.testing.assert_allclose(mapped, [0.001, 0.25, 0.5, 0.75, 0.999], atol=0.002)


@pytest.mark.parametrize("route", ["tfidf", "encoder"])
@pytest.mark.parametrize("name", CALIBRATED)
def test_the_shipped_mapping_rises_strictly_from_0_to_1(route: str, name: str) -> None:
    calibration = LIFEWEB_CALIBRATIONS[route]
    raw = np.linspace(0.0, 1.0, 2001)
    mapped = calibration.transform(name, raw)
    assert mapped[0] == 0.0 and mapped[-1] == pytest.approx(1.0)
    assert np.all(np.diff(mapped[1:]) > 0)
    assert np.isnan(calibration.transform(name, np.array([np.nan]))[0])


def test_history_keeps_zero_for_no_evidence() -> None:
    calibration = fit_calibration({"history": [0.0] * 500 + list(np.linspace(0.05, 0.9, 500))})
    mapped = calibration.transform("history", np.array([0.0, 0.05, 0.9]))
    assert mapped[0] == 0.0
    assert mapped[1] == pytest.approx(1 / 501, abs=1e-4)  # the least evidence of the 500 pairs
    assert mapped[2] == pytest.approx(500 / 501, abs=1e-4)


def test_the_route_picks_its_mapping_and_none_keeps_the_raw_parts() -> None:
    assert calibration_for("lifeweb", with_encoder=False) is LIFEWEB_CALIBRATIONS["tfidf"]
    assert calibration_for("lifeweb", with_encoder=True) is LIFEWEB_CALIBRATIONS["encoder"]
    assert calibration_for("none", with_encoder=True) is None
    with pytest.raises(ValueError, match="unknown calibration"):
        calibration_for("percentile", with_encoder=False)
    assert isinstance(LIFEWEB_CALIBRATIONS["tfidf"], Calibration)


def test_the_shipped_engine_keeps_the_raw_parts() -> None:
    assert ScoringParams().calibration == "none"


def test_asked_for_the_engine_scores_thematic_and_history_on_the_percentile_scale() -> None:
    raw, shipped = _sample_pairs()
    mapping = LIFEWEB_CALIBRATIONS["tfidf"]
    for c, name in enumerate(COMPONENTS):
        raw_part = np.where(raw.available[c] > 0, raw.values[c], np.nan)
        got = np.where(shipped.available[c] > 0, shipped.values[c], np.nan)
        expected = mapping.transform(name, raw_part) if name in CALIBRATED else raw_part
        np.testing.assert_allclose(got, expected, atol=1e-6, equal_nan=True)


def test_on_the_sample_each_similarity_part_spreads_over_the_scale() -> None:
    """On the app's 62 EOIs x 35 donors the raw thematic median was 0.39 and its top 1% 0.72;
    as percentiles of the LifeWeb pairs (40 of the same EOIs) they sit near 0.5 and above 0.95."""
    raw, shipped = _sample_pairs()
    c = COMPONENTS.index("thematic")
    before = raw.values[c][raw.available[c] > 0]
    after = shipped.values[c][shipped.available[c] > 0]
    assert np.median(before) == pytest.approx(0.39, abs=0.02)
    assert np.median(after) == pytest.approx(0.5, abs=0.08)
    assert np.quantile(after, 0.99) > 0.95


def test_on_the_percentile_scale_every_explanation_still_adds_up_to_its_score() -> None:
    _, shipped = _sample_pairs()
    combined = shipped.combine()
    for proposal, donor in [(0, 0), (10, 18), (30, 5), (61, 34)]:
        pid, did = str(shipped.proposal_ids[proposal]), str(shipped.donor_ids[donor])
        explained = shipped.explain_pair(pid, did)
        parts = explained.components["contribution"].sum(skipna=True)
        assert parts == pytest.approx(explained.score, abs=1e-6)
        assert explained.score == pytest.approx(float(combined[proposal, donor]), abs=1e-5)
