"""Negation (issue 12, part 6): a denied mention suggests nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.negation import is_negated
from matcher.tagger import suggest_targets


def _targets(title: str, summary: str = "") -> set[int]:
    proposals = pd.DataFrame({"proposal_id": ["p"], "title": [title], "summary": [summary]})
    suggestions = suggest_targets(proposals)
    return set(suggestions["aichi_target"]) if len(suggestions) else set()


@pytest.mark.parametrize(
    "title",
    [
        "This is not a protected area project",
        "Ce projet ne concerne pas les aires protégées",
        "Este proyecto no es un área protegida",
    ],
)
def test_a_denied_protected_area_does_not_suggest_target_11(title: str) -> None:
    assert 11 not in _targets(title, "It pays for a road maintenance depot.")


def test_the_same_words_affirmed_still_suggest_target_11() -> None:
    assert 11 in _targets("Expanding the protected area network", "New national parks.")


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("this is not a protected area", True),
        ("not only protected areas but also", False),
        ("no-take marine reserves", False),
        ("we do not build roads, but protected areas", False),
    ],
)
def test_cues_negate_only_what_they_deny(text: str, negated: bool) -> None:
    position = text.rindex("protected") if "protected" in text else text.index("marine")
    assert is_negated(text, position) is negated
