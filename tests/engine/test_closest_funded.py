"""The "closest funded" evidence lists only funded proposals that share wording (QA, issue 10).

A funded proposal at similarity 0 shares no word with the one explained: listing it as the
"closest" misleads. Such rows are dropped; when none is left the count still tells the page that
the donor did fund others, so it can say none is close.
"""

from __future__ import annotations

from matcher.rank import Matcher

from .conftest import donors_frame, history_frame, proposals_frame


def _scores():
    proposals = proposals_frame(
        [
            {
                "proposal_id": "KELP",
                "title": "Kelp forest restoration off Tasmania",
                "countries": ("AUS",),
                "description": "Restore giant kelp forests with seaweed growers.",
                "requested_amount": 800_000.0,
            },
            {
                "proposal_id": "DESERT",
                "title": "Saxaul woodland grazing plan",
                "countries": ("MNG",),
                "description": "Herders rotate camels around saxaul groves.",
                "requested_amount": 500_000.0,
            },
            {
                "proposal_id": "KELP2",
                "title": "Kelp forest nursery in Tasmania",
                "countries": ("AUS",),
                "description": "Seaweed growers raise giant kelp for the reef.",
                "requested_amount": 700_000.0,
            },
        ]
    )
    donors = donors_frame([{"donor_id": "D", "name": "Ocean Donor"}])
    history = history_frame(
        [
            {"proposal_id": "KELP", "donor": "Ocean Donor", "amount": 800_000.0},
            {"proposal_id": "DESERT", "donor": "Ocean Donor", "amount": 500_000.0},
        ]
    )
    return Matcher().fit(donors, history, proposals=proposals).score(proposals)


def test_a_funded_proposal_sharing_no_word_is_not_listed_as_closest() -> None:
    detail = _scores().explain_pair("KELP2", "D")
    assert detail.closest_funded["proposal_id"].tolist() == ["KELP"]
    assert (detail.closest_funded["similarity"] > 0).all()
    assert detail.n_funded == 2


def test_when_no_funded_proposal_shares_wording_the_list_is_empty_and_the_count_stays() -> None:
    detail = _scores().explain_pair("DESERT", "D")  # its own grant left out: only KELP remains
    assert detail.closest_funded.empty
    assert detail.n_funded == 1
