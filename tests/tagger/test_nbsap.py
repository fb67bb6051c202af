"""nbsap_alignment: does the proposal cite its national biodiversity strategy, and where."""

from __future__ import annotations

from matcher.tagger import nbsap_alignment


def test_alignment_field_and_multilingual_mentions_in_the_body_are_found(make_proposals):
    proposals = make_proposals(
        {"nbsap_alignment": "Priority 3 of our strategy. Second sentence."},
        {"description": "This supports the NBSAP adopted in 2015. Other text."},
        {"summary": "Le projet met en œuvre la SPANB du Bénin."},
        {"summary": "Conforme a la Estrategia Nacional de Biodiversidad (ENB) de Chile."},
        {"objectives": "落实国家生物多样性战略与行动计划。"},
        {"summary": "Nothing about strategies here."},
    )
    alignment = nbsap_alignment(proposals)
    assert alignment["proposal_id"].tolist() == ["P1", "P2", "P3", "P4", "P5", "P6"]
    assert alignment["cites_nbsap"].tolist() == [True, True, True, True, True, False]
    assert alignment["in_alignment_field"].tolist() == [True, False, False, False, False, False]
    assert alignment["mentioned_in_text"].tolist() == [False, True, True, True, True, False]
    evidence = alignment["evidence"].tolist()
    assert evidence[0] == "Priority 3 of our strategy."
    assert evidence[1] == "This supports the NBSAP adopted in 2015."
    assert evidence[2] == "Le projet met en œuvre la SPANB du Bénin."
    assert evidence[4] == "落实国家生物多样性战略与行动计划"
    assert evidence[5] == ""


def test_alignment_text_that_names_the_strategy_is_preferred_as_evidence(make_proposals):
    proposals = make_proposals(
        {
            "nbsap_alignment": "<p>Poverty is a national challenge.</p><p>The project serves "
            "the National Biodiversity Strategy and Action Plan.</p>"
        }
    )
    row = nbsap_alignment(proposals).iloc[0]
    assert (
        row["evidence"] == "The project serves the National Biodiversity Strategy and Action Plan."
    )


def test_lifeweb_eois_with_alignment_text_cite_their_strategy(lifeweb_eois):
    alignment = nbsap_alignment(lifeweb_eois)
    has_text = lifeweb_eois["nbsap_alignment"].str.strip().ne("").to_numpy()
    assert (alignment["in_alignment_field"].to_numpy() == has_text).all()
    assert alignment.loc[has_text, "cites_nbsap"].all()
    assert (alignment.loc[has_text, "evidence"].str.len() > 0).all()
