"""No head start by construction (issue 12, part 1).

What a donor states and what its funding record reveals are separate components: two donors
with identical priorities, one with a funding history, score the same on a proposal unlike
anything that donor funded; the record only helps where the proposal resembles it.
"""

from __future__ import annotations

import numpy as np
import pytest

from matcher.combine import WEIGHT_PRESETS
from matcher.rank import Matcher

from .conftest import donors_frame, history_frame, proposals_frame

SAME = {
    "priorities": "Marine protected areas, coral reefs and mangroves in small island states.",
    "aichi_targets": (6, 11),
    "eligible_regions": ("SIDS",),
    "min_grant": 100_000.0,
    "max_grant": 2_000_000.0,
    "ecosystems": ("marine_coastal",),
}


def _two_donors_one_with_history() -> tuple[Matcher, object]:
    funded = proposals_frame(
        [
            {
                "proposal_id": "OLD",
                "title": "Savanna grazing cooperatives",
                "countries": ("KEN",),
                "description": "Pastoralist rangeland herding cooperatives and livestock water.",
                "requested_amount": 1_500_000.0,
            }
        ]
    )
    new = proposals_frame(
        [
            {
                "proposal_id": "NEW",
                "title": "Coral reef marine protected areas",
                "countries": ("FJI",),
                "description": "Mangroves and coral reefs protected with island communities.",
                "requested_amount": 400_000.0,
                "aichi_targets": (11,),
            },
            {
                "proposal_id": "LIKE-OLD",
                "title": "Savanna grazing cooperatives",
                "countries": ("KEN",),
                "description": "Pastoralist rangeland herding cooperatives and livestock water.",
                "requested_amount": 1_500_000.0,
            },
        ]
    )
    donors = donors_frame(
        [
            {"donor_id": "NEWCOMER", "name": "Newcomer Fund", **SAME},
            {"donor_id": "VETERAN", "name": "Veteran Fund", **SAME},
        ]
    )
    history = history_frame([{"proposal_id": "OLD", "donor": "Veteran Fund", "amount": 1.5e6}])
    matcher = Matcher().fit(donors, history, proposals=funded)
    return matcher, matcher.score(new)


@pytest.mark.parametrize("preset", sorted(WEIGHT_PRESETS))
def test_identical_priorities_score_the_same_on_a_proposal_unlike_anything_funded(
    preset: str,
) -> None:
    _, scores = _two_donors_one_with_history()
    newcomer, veteran = (
        list(scores.donor_ids).index("NEWCOMER"),
        list(scores.donor_ids).index("VETERAN"),
    )
    combined = scores.combine(WEIGHT_PRESETS[preset])
    assert combined[0, veteran] == pytest.approx(combined[0, newcomer], abs=1e-6)
    for name in ("thematic", "targets", "geography", "funding_fit", "ecosystems"):
        np.testing.assert_allclose(
            scores.component(name)[0, veteran], scores.component(name)[0, newcomer]
        )


def test_the_record_helps_only_where_the_proposal_resembles_it() -> None:
    _, scores = _two_donors_one_with_history()
    newcomer, veteran = (
        list(scores.donor_ids).index("NEWCOMER"),
        list(scores.donor_ids).index("VETERAN"),
    )
    history = scores.component("history")
    assert history[0, veteran] == pytest.approx(0.0)  # nothing like the coral reef proposal
    assert history[0, newcomer] == pytest.approx(0.0)  # no record: no evidence, same value
    assert history[1, veteran] > 0.5  # the one like what it funded
    assert scores.combine()[1, veteran] > scores.combine()[1, newcomer]
