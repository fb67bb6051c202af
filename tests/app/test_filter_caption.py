"""The caption above the ranked table says the active filters in the sidebar's own words.

Walked in Chromium as the Japan Biodiversity Fund: the sidebar offered "marine and coastal"
and "Dominican Republic (DOM)", but the caption under it read "ecosystem marine_coastal;
country DOM", the engine's key and a bare ISO code.
"""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from ui.filters import MatchView
from ui.pages import UNEXPECTED_ERROR_MESSAGE


def filters_caption(at: AppTest) -> str:
    """The caption as a person reads it (the Markdown escapes of user text removed)."""
    raw = next(str(c.value) for c in at.caption if "Filters:" in str(c.value))
    return re.sub(r"\\(.)", r"\1", raw)


def test_the_filters_caption_names_ecosystems_and_countries_as_the_sidebar_does(app):
    app.query_params.update({"donor_id": "JBF", "countries": "DOM", "ecosystems": "marine_coastal"})
    at = app.run()
    assert not at.exception, [e.value for e in at.exception]
    assert UNEXPECTED_ERROR_MESSAGE not in [e.value for e in at.error]
    caption = filters_caption(at)
    assert "ecosystem marine and coastal" in caption
    assert "country Dominican Republic (DOM)" in caption
    assert "marine_coastal" not in caption


def test_describe_joins_several_ecosystems_and_countries_in_words():
    text = MatchView(
        countries=("FJI", "XXX"), ecosystems=("forests", "marine_coastal"), include_funded=True
    ).describe()
    assert text == "country Fiji (FJI) or XXX; ecosystem forests or marine and coastal areas"
