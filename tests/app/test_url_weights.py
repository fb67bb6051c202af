"""A hand-edited link with weights outside the sliders' range opens the Matches page anyway."""

from __future__ import annotations

import pytest

from tests.app.conftest import open_sidebar
from ui.filters import WEIGHT_MAX, MatchView, url_notes
from ui.pages import UNEXPECTED_ERROR_MESSAGE


def test_weights_above_the_range_are_clamped_and_the_rest_ignored() -> None:
    params = {"w_thematic": "5", "w_history": "-1", "w_targets": "lots", "w_luck": "1"}
    view = MatchView.from_query_params(params)
    assert view.weights == {"thematic": WEIGHT_MAX}
    notes = url_notes(params)
    assert notes == (
        "The link's thematic weight 5 is above the largest weight, 1; it was set to 1.",
        "The link's history weight '-1' is not a number from 0 to 1; ignored.",
        "The link's targets weight 'lots' is not a number from 0 to 1; ignored.",
        "The link names a weight 'luck' that does not exist; it was ignored.",
    )
    assert url_notes({"w_thematic": "0.5", "countries": "KEN"}) == ()


@pytest.mark.parametrize("value", ["5", "1e308", "inf"])
def test_matches_page_opens_with_an_out_of_range_weight_in_the_link(app, value) -> None:
    app.query_params.update({"w_thematic": value, "preset": "balanced"})
    at = open_sidebar(app).run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    assert UNEXPECTED_ERROR_MESSAGE not in [e.value for e in at.error]
    assert 0.0 <= at.slider(key="mv_w_thematic").value <= WEIGHT_MAX
    shown = " ".join(str(i.value).replace("\\", "").replace("\u2060", "") for i in at.info)
    if value == "inf":
        assert "thematic weight 'inf' is not a number from 0 to 1; ignored" in shown
    else:
        assert f"thematic weight {value} is above the largest weight" in shown
        assert at.slider(key="mv_w_thematic").value == WEIGHT_MAX
