"""suggest_targets: which targets, how confident, and the sentences that say so."""

from __future__ import annotations

import pandas as pd

from matcher.tagger import SUGGESTION_COLUMNS, suggest_targets


def _targets(suggestions: pd.DataFrame, proposal_id: str) -> list[int]:
    return suggestions.loc[suggestions["proposal_id"] == proposal_id, "aichi_target"].tolist()


def test_protected_area_text_suggests_target_11_with_the_sentence_as_evidence(make_proposals):
    proposals = make_proposals(
        {
            "title": "Strengthening the national park system",
            "summary": "We will gazette two new marine protected areas. The budget is modest.",
        }
    )
    suggestions = suggest_targets(proposals)
    assert list(suggestions.columns) == list(SUGGESTION_COLUMNS)
    top = suggestions.iloc[0]
    assert top["proposal_id"] == "P1"
    assert top["aichi_target"] == 11
    assert 0.5 < top["confidence"] <= 1.0
    assert "We will gazette two new marine protected areas." in top["evidence"]
    assert "The budget is modest." not in top["evidence"]
    assert "marine protected areas" in top["matched_terms"]
    assert top["gbf_targets"] == (3,)


def test_french_spanish_and_chinese_texts_are_tagged(make_proposals):
    proposals = make_proposals(
        {"summary": "Lutte contre les especes exotiques envahissantes sur les iles."},  # no accents
        {"summary": "Frenar la DEFORESTACIÓN en la frontera agrícola."},
        {"summary": "清除湖泊中的外来入侵物种水葫芦。"},
    )
    suggestions = suggest_targets(proposals)
    assert _targets(suggestions, "P1")[0] == 9
    assert _targets(suggestions, "P2")[0] == 5
    assert _targets(suggestions, "P3")[0] == 9
    assert suggestions.loc[suggestions["proposal_id"] == "P3", "evidence"].iloc[0] == (
        "清除湖泊中的外来入侵物种水葫芦"
    )


def test_plural_and_hyphenated_forms_match_the_lexicon_terms(make_proposals):
    proposals = make_proposals(
        {"summary": "Sea-level rise threatens the coral reefs."},
        {"summary": "Aires marines protégées du littoral."},
    )
    suggestions = suggest_targets(proposals)
    assert 10 in _targets(suggestions, "P1")
    terms = suggestions.loc[suggestions["aichi_target"] == 10, "matched_terms"].iloc[0]
    assert "sea level rise" in terms and "coral reefs" in terms
    assert _targets(suggestions, "P2") == [11]


def test_explicit_aichi_target_numbers_are_evidence_in_every_language(make_proposals):
    proposals = make_proposals(
        {"objectives": "This objective contributes to Aichi Targets 13 and 16."},
        {"objectives": "Contribuye a las metas 2 y 19 de Aichi."},
        {"objectives": "Contribue à l'objectif 20 d'Aichi."},
        {"objectives": "本项目支持爱知目标18。"},
        {"objectives": "Aporta a las metas de Aichi 7 y 8, 2011-2020."},
        {"objectives": "对应爱知生物多样性目标第3项和第4项。"},
    )
    suggestions = suggest_targets(proposals)
    assert sorted(_targets(suggestions, "P1")) == [13, 16]
    assert sorted(_targets(suggestions, "P2")) == [2, 19]
    assert _targets(suggestions, "P3") == [20]
    assert _targets(suggestions, "P4") == [18]
    assert sorted(_targets(suggestions, "P5")) == [7, 8]
    assert sorted(_targets(suggestions, "P6")) == [3, 4]


def test_percentages_and_years_next_to_aichi_are_not_target_numbers(make_proposals):
    proposals = make_proposals(
        {"summary": "Under Aichi, the target 17% of land is due by 2020."},
    )
    assert 17 not in _targets(suggest_targets(proposals), "P1")


def test_gbf_target_numbers_are_read_through_the_crosswalk(make_proposals):
    proposals = make_proposals(
        {"summary": "The project contributes to Target 3 of the Kunming-Montreal GBF."},
    )
    suggestions = suggest_targets(proposals)
    assert _targets(suggestions, "P1") == [11]
    assert "gbf target 3" in suggestions["matched_terms"].iloc[0]


def test_html_is_stripped_from_the_evidence(make_proposals):
    proposals = make_proposals(
        {"description": "<h4>Threats</h4><p>Poaching of <b>endangered</b> elephants.</p>"},
    )
    suggestions = suggest_targets(proposals)
    assert _targets(suggestions, "P1") == [12]
    evidence = suggestions["evidence"].iloc[0]
    assert "<" not in evidence and "Poaching of endangered elephants." in evidence


def test_text_without_any_target_vocabulary_gets_no_suggestion(make_proposals):
    proposals = make_proposals(
        {"title": "Office furniture", "summary": "Chairs and desks for the ministry."},
        {"title": "", "summary": ""},
    )
    assert suggest_targets(proposals).empty


def test_empty_frame_gives_empty_suggestions_with_the_columns():
    suggestions = suggest_targets(pd.DataFrame(columns=["proposal_id", "title"]))
    assert suggestions.empty
    assert list(suggestions.columns) == list(SUGGESTION_COLUMNS)


def test_min_confidence_zero_keeps_weak_evidence(make_proposals):
    proposals = make_proposals({"summary": "A school visit."})
    assert suggest_targets(proposals).empty
    weak = suggest_targets(proposals, min_confidence=0)
    assert weak["aichi_target"].tolist() == [1]
    assert 0 < weak["confidence"].iloc[0] < 0.3


def test_suggestions_keep_input_order_and_rank_targets_by_confidence(make_proposals):
    proposals = make_proposals(
        {"summary": "Restoration of degraded mangroves; a small protected area."},
        {"summary": "Protected areas: new national parks and nature reserves."},
    )
    suggestions = suggest_targets(proposals)
    assert suggestions["proposal_id"].tolist()[0] == "P1"
    assert suggestions["proposal_id"].is_monotonic_increasing
    for _, group in suggestions.groupby("proposal_id"):
        assert group["confidence"].is_monotonic_decreasing
    assert suggestions["confidence"].between(0, 1).all()


def test_every_lifeweb_eoi_gets_evidence_sentences_without_html(lifeweb_eois):
    suggestions = suggest_targets(lifeweb_eois)
    assert set(suggestions["proposal_id"]) <= set(lifeweb_eois["proposal_id"])
    assert not suggestions["evidence"].str.contains(r"<\s*/?\s*(?:br|p|h4)\b", regex=True).any()
    assert (suggestions["evidence"].str.len() > 0).all()
    # the older EOIs predate the Aichi template and are mostly about protected areas
    with_11 = suggestions.loc[suggestions["aichi_target"] == 11, "proposal_id"].nunique()
    assert with_11 >= 0.9 * len(lifeweb_eois)
