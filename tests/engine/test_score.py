"""Score components on a hand-checked portfolio: each value in [0, 1] or missing (NaN)."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.rank import Matcher
from matcher.score import ScoringParams

from .conftest import donors_frame, proposals_frame

# Donors are sorted by id: FOREST, OCEAN, QUIET. Proposals keep their order: P1..P4.
FOREST, OCEAN, QUIET = 0, 1, 2


# Components as computed, a part a donor says nothing about left missing (NaN); the shipped
# default then counts it at the other donors' mean (test_missing_stated_part_counts_...).
RAW = ScoringParams(missing_stated="dropped")


@pytest.fixture
def stated_only(portfolio):
    proposals, donors, _ = portfolio
    return Matcher(params=RAW).fit(donors, None, proposals=proposals).score(proposals)


@pytest.fixture
def with_history(portfolio):
    proposals, donors, history = portfolio
    return Matcher(params=RAW).fit(donors, history, proposals=proposals).score(proposals)


def test_missing_stated_part_is_left_out_by_default_or_counts_at_the_other_donors_mean(
    portfolio,
) -> None:
    proposals, donors, _ = portfolio
    targets = Matcher().fit(donors, None, proposals=proposals).score(proposals).component("targets")
    assert np.isnan(targets[0, QUIET])  # QUIET states no targets: left out (the shipped policy)
    averaged = Matcher(params=ScoringParams(missing_stated="mean")).fit(donors, None)
    targets = averaged.score(proposals).component("targets")
    assert targets[0, QUIET] == pytest.approx((1.0 + 0.5) / 2)
    assert np.isnan(targets[2]).all()  # P3 declares none: nothing to compare for anyone


def test_targets_are_the_share_of_the_proposals_targets_the_donor_states(stated_only) -> None:
    targets = stated_only.component("targets")
    assert targets[0, OCEAN] == pytest.approx(1.0)  # P1 declares 6 and 11; OCEAN states both
    assert targets[0, FOREST] == pytest.approx(0.5)  # FOREST states 11 of them
    assert targets[1, FOREST] == pytest.approx(1.0)  # P2: 11 and 15
    assert targets[1, OCEAN] == pytest.approx(0.5)
    assert np.isnan(targets[2]).all()  # P3 declares none
    assert np.isnan(targets[:, QUIET]).all()  # a donor without targets is neutral, not zero


def test_gbf_targets_meet_aichi_targets_through_the_crosswalk() -> None:
    proposals = proposals_frame([{"proposal_id": "G", "title": "x", "aichi_targets": (11,)}])
    donors = donors_frame([{"donor_id": "D", "name": "D", "gbf_targets": (3,)}])
    targets = Matcher().fit(donors).score(proposals).component("targets")
    assert targets[0, 0] == pytest.approx(1.0)  # GBF 3 is Aichi 11's primary successor


def test_funding_fit_is_one_inside_the_range_and_falls_on_a_log_scale(stated_only) -> None:
    fit = stated_only.component("funding_fit")
    assert fit[0, OCEAN] == pytest.approx(1.0)  # 500k inside 100k-2M
    # 50M against a 3M ceiling: 1.22 decades above, Gaussian with sigma 0.5 decade.
    decades = np.log10(50e6 / 3e6)
    assert fit[2, FOREST] == pytest.approx(np.exp(-(decades**2) / (2 * 0.5**2)), rel=1e-5)
    assert np.isnan(fit[3]).all()  # P4 asks for no amount
    assert np.isnan(fit[:, QUIET]).all()  # no grant range, no history


def _new_copy_of_p1(portfolio, **changes):
    """P1's content under a new id: a proposal OCEAN has not funded, like P1 before it was."""
    proposals, donors, history = portfolio
    fitted = Matcher(params=RAW).fit(donors, history, proposals=proposals)
    return fitted.score(proposals.head(1).assign(proposal_id="P1-NEW", **changes))


def test_typical_grant_is_history_evidence_and_funding_fit_reads_the_stated_range(
    portfolio, with_history
) -> None:
    near = _new_copy_of_p1(portfolio)  # asks 500k; OCEAN's one grant was 400k
    far = _new_copy_of_p1(portfolio, requested_amount=1_900_000.0)  # inside the range, far off
    assert near.component("funding_fit")[0, OCEAN] == pytest.approx(1.0)
    assert far.component("funding_fit")[0, OCEAN] == pytest.approx(1.0)
    assert near.component("history")[0, OCEAN] > far.component("history")[0, OCEAN]
    # That 400k grant was for P1 itself: P1's fit reads the grant range alone.
    assert with_history.component("funding_fit")[0, OCEAN] == pytest.approx(1.0)


def test_geography_from_eligible_regions_and_places_in_priorities(stated_only) -> None:
    geography = stated_only.component("geography")
    assert geography[0, OCEAN] == pytest.approx(1.0)  # Fiji is a SIDS
    assert geography[1, OCEAN] == pytest.approx(0.0)  # Peru is not
    assert geography[1, FOREST] == pytest.approx(1.0)  # Peru is in the Andes
    assert geography[0, FOREST] == pytest.approx(0.0)
    assert np.isnan(geography[:, QUIET]).all()


def test_revealed_geography_is_history_evidence_not_stated_geography(with_history) -> None:
    geography = with_history.component("geography")
    history = with_history.component("history")
    # FOREST funded in Peru: P2 (Peru) full credit from the Andes focus it states.
    assert geography[1, FOREST] == pytest.approx(1.0)
    # P3 (Bolivia): the Amazon focus leaves Bolivia out (FOREST excludes it): 0 stated; that
    # FOREST funded next door in South America is history's evidence.
    assert geography[2, FOREST] == pytest.approx(0.0)
    assert history[2, FOREST] > history[2, OCEAN]


def test_ecosystems_declared_or_detected_in_text(stated_only) -> None:
    ecosystems = stated_only.component("ecosystems")
    # P1 declares marine_coastal and islands; OCEAN declares marine_coastal only.
    assert ecosystems[0, OCEAN] == pytest.approx(0.5)
    # P4 declares none; "wetland" in its text is detected; OCEAN does not work on wetlands.
    assert ecosystems[3, OCEAN] == pytest.approx(0.0)


def test_history_is_missing_without_history_and_higher_for_the_funder(
    portfolio, with_history
) -> None:
    history = with_history.component("history")
    assert (history[:, QUIET] == 0).all()  # no record: no evidence, the same 0 as no likeness
    new = _new_copy_of_p1(portfolio).component("history")
    assert new[0, OCEAN] > new[0, FOREST]  # OCEAN funded P1, which reads like P1-NEW
    # OCEAN funded P1 and nothing else: for P1 itself it has no record at all.
    assert history[0, OCEAN] == 0


def test_thematic_prefers_the_donor_whose_priorities_read_alike(stated_only) -> None:
    thematic = stated_only.component("thematic")
    assert thematic[0, OCEAN] > thematic[0, FOREST]
    assert thematic[1, FOREST] > thematic[1, OCEAN]
    assert np.isnan(thematic[:, QUIET]).all()  # no priorities text, no history


def test_every_component_is_in_unit_interval_or_missing(with_history) -> None:
    for name, matrix in with_history.components().items():
        finite = matrix[np.isfinite(matrix)]
        assert ((finite >= 0) & (finite <= 1)).all(), name


def test_eligibility_reasons_are_kept_apart_from_the_score(stated_only) -> None:
    assert stated_only.reasons(1, OCEAN) == "outside eligible regions"
    assert stated_only.reasons(2, FOREST) == "excluded country; request far beyond budget"
    assert stated_only.reasons(0, QUIET) == "inactive donor"
    assert stated_only.reasons(0, OCEAN) == ""
    assert stated_only.eligible[0, OCEAN]
    # Ineligibility does not change the score itself.
    assert np.isfinite(stated_only.combine()[2, FOREST])


def test_chinese_text_meets_english_priorities_through_glosses() -> None:
    proposals = proposals_frame(
        [{"proposal_id": "C", "title": "湿地自然保护区建设", "description": "保护湿地和候鸟"}]
    )
    donors = donors_frame(
        [
            {"donor_id": "W", "name": "Wetlands", "priorities": "wetland protected area"},
            {"donor_id": "M", "name": "Mountains", "priorities": "alpine mountain farming"},
        ]
    )
    thematic = Matcher().fit(donors).score(proposals).component("thematic")
    assert thematic[0, 1] > 0.5  # donors sorted: M, W
    assert thematic[0, 0] < 0.2


@pytest.mark.parametrize("stated_apart", [True, False], ids=["stated apart", "mixed"])
def test_funding_fit_from_the_kept_donor_terms_is_each_pairs_own_to_the_bit(
    portfolio, stated_apart: bool
) -> None:
    """The block's fit reads donor terms built once per fit; the own-funding path computes
    them per pair (funding_fit_values): both must give the same bits, also on a second call."""
    from matcher.scoring.components import funding_fit_scores, funding_fit_values

    proposals, donors, history = portfolio
    params = ScoringParams(missing_stated="dropped", stated_apart=stated_apart)
    fitted = Matcher(params=params).fit(donors, history, proposals=proposals)
    features, profiles = fitted.features(proposals), fitted.profiles_
    block = funding_fit_scores(features, profiles, fitted.params_)
    np.testing.assert_array_equal(
        funding_fit_scores(features, profiles, fitted.params_).view(np.uint32),
        block.view(np.uint32),
    )
    p, m = np.divmod(np.arange(block.size), block.shape[1])
    request = features.requested_usd[p]
    with np.errstate(invalid="ignore", divide="ignore"):
        log_request = np.log10(np.where(request > 0, request, np.nan)).astype(np.float32)
    typical = profiles.typical_log_grant[m]
    pairs = funding_fit_values(
        log_request,
        profiles.min_grant_usd[m],
        profiles.max_grant_usd[m],
        np.full_like(typical, np.nan) if stated_apart else typical,
        profiles.log_grant_spread[m],
        fitted.params_,
    )
    assert np.isfinite(block).any()
    np.testing.assert_array_equal(pairs.view(np.uint32), block.ravel().view(np.uint32))
