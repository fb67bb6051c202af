"""Property-based checks: any text, in any script, gives well-formed suggestions."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.normalise import html_to_text
from matcher.tagger import nbsap_alignment, proposal_target_weights, suggest_targets

PHRASES = [
    "protected areas",
    "Aires protégées",
    "especies invasoras",
    "外来入侵物种",
    "Aichi Target 11",
    "NBSAP",
    "ﬁsh stocks",  # ligature: folding changes the length
    "İnvasive species",  # dotted capital I: casefold adds a character
    "\x00",
    "<br/>",
    "&amp;",
    " || ",
    ". ",
    "\n",
    "。",
]


def _plain(cell: str) -> str:
    return html_to_text(cell) if ("<" in cell or "&" in cell) else cell


fragments = st.one_of(st.sampled_from(PHRASES), st.text(max_size=12))
texts = st.lists(fragments, max_size=12).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(texts, texts), min_size=1, max_size=4))
def test_any_text_gives_well_formed_suggestions(cells: list[tuple[str, str]]) -> None:
    proposals = pd.DataFrame(
        {
            "proposal_id": [f"P{i}" for i in range(len(cells))],
            "title": [title for title, _ in cells],
            "description": [description for _, description in cells],
            "aichi_targets": [()] * len(cells),
            "gbf_targets": [()] * len(cells),
            "nbsap_alignment": [""] * len(cells),
        }
    )
    suggestions = suggest_targets(proposals, min_confidence=0)
    assert set(suggestions["proposal_id"]) <= set(proposals["proposal_id"])
    assert suggestions["aichi_target"].between(1, 20).all()
    assert suggestions["confidence"].between(0, 1).all()
    assert not suggestions.duplicated(["proposal_id", "aichi_target"]).any()
    for pid, evidence in zip(suggestions["proposal_id"], suggestions["evidence"], strict=True):
        lines = [
            " ".join(line.replace("\x00", " ").split())
            for cell in cells[int(pid[1:])]
            for line in _plain(cell).split("\n")
        ]
        for sentence in evidence.split("\n"):
            assert sentence, "every suggestion has evidence"
            assert any(sentence.removesuffix("…") in line for line in lines), sentence
    weights = proposal_target_weights(proposals, suggestions)
    assert weights.shape == (len(cells), 20)
    assert np.all((weights >= 0) & (weights <= 1))
    assert nbsap_alignment(proposals)["proposal_id"].tolist() == proposals["proposal_id"].tolist()
