"""Target labels, texts and the Aichi <-> GBF crosswalk helpers."""

from __future__ import annotations

import pytest

from matcher.tagger import aichi_for_gbf, gbf_for_aichi, target_label, target_text


def test_labels_give_number_and_short_title():
    assert target_label("aichi", 11) == "Aichi 11 — Protected areas"
    assert target_label("GBF", 3) == 'GBF 3 — Conserve 30% of land, waters and seas ("30x30")'
    assert target_label("KMGBF", 23).startswith("GBF 23 — Ensure gender equality")


def test_official_text_on_demand():
    label = target_label("Aichi", 9, official_text=True)
    first, text = label.split("\n")
    assert first == "Aichi 9 — Invasive alien species prevented and controlled"
    assert text.startswith("By 2020, invasive alien species and pathways are identified")
    assert target_text("aichi", 9) == text
    assert "Key elements (summary): 30% of land" in target_text("gbf", 3)


def test_unknown_framework_or_number_is_a_clear_error():
    with pytest.raises(ValueError, match="Aichi targets run 1-20, not 21"):
        target_label("aichi", 21)
    with pytest.raises(ValueError, match="use 'aichi' or 'gbf'"):
        target_label("sdg", 15)


def test_gbf_successors_follow_the_primary_crosswalk_links():
    assert gbf_for_aichi([11]) == (3,)
    assert gbf_for_aichi((4, 5)) == (1, 15, 16)
    assert gbf_for_aichi(17) == ()  # NBSAPs have no GBF successor target
    assert gbf_for_aichi([]) == ()
    assert gbf_for_aichi([99]) == ()


def test_aichi_predecessors_use_primary_links_else_related_ones():
    assert aichi_for_gbf([3]) == (11,)
    assert aichi_for_gbf([4]) == (12, 13)
    assert aichi_for_gbf([12]) == (14,)  # only a related link
    assert aichi_for_gbf([17, 23]) == ()
