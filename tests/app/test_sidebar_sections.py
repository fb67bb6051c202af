"""The Matches sidebar's Filters and Score and weights sections open on demand.

Shut (as a new session finds them) their widgets are not drawn, so the page sends its table
without them; the view they set stays in force while shut: in the table, its caption and the
link.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from matcher.score import COMPONENTS
from tests.app.conftest import open_sidebar
from tests.app.test_pages import APPLY_SLIDERS, assert_clean, match_summary, texts
from ui.match_view import FILTERS_OPEN_KEY, WEIGHTS_OPEN_KEY


def summary(at: AppTest) -> str:
    """The caption above the table, as read on screen (without Markdown's escapes)."""
    return match_summary(at).replace("\\", "")


def _filter_keys(at: AppTest) -> list[str]:
    return [w.key for w in (*at.multiselect, *at.number_input, *at.slider) if w.key]


def test_a_new_session_finds_both_sections_shut_and_the_table_drawn(app) -> None:
    at = app.run()
    assert_clean(at)
    labels = [e.label for e in at.sidebar.expander]
    assert "Filters" in labels and "Score and weights" in labels
    assert _filter_keys(at) == []  # no region box, amount box or slider is drawn shut
    assert summary(at).split()[0].isdigit()
    assert "Filters: " in summary(at)


def test_a_filter_set_in_the_open_section_holds_after_it_is_shut(app) -> None:
    at = open_sidebar(app).run()
    everything = int(summary(at).split()[0])
    at.multiselect(key="mv_regions").set_value(["South-eastern Asia"]).run()
    narrowed = int(summary(at).split()[0])
    assert 0 < narrowed < everything
    at.session_state[FILTERS_OPEN_KEY] = False
    at.session_state[WEIGHTS_OPEN_KEY] = False
    at.run()
    assert_clean(at)
    assert _filter_keys(at) == []
    assert int(summary(at).split()[0]) == narrowed
    assert at.query_params["regions"] == "South-eastern Asia"
    assert "region South-eastern Asia" in summary(at)
    # A change outside the section, while it is shut, keeps the filter.
    at.toggle(key="mv_include_funded").set_value(True).run()
    assert at.query_params["regions"] == "South-eastern Asia"
    assert "region South-eastern Asia" in summary(at)
    # Opened again, the box shows the filter in force.
    at.session_state[FILTERS_OPEN_KEY] = True
    at.run()
    assert at.multiselect(key="mv_regions").value == ["South-eastern Asia"]


def test_weights_from_a_link_rank_while_their_section_is_shut(app) -> None:
    app.query_params.update({"preset": "balanced", "w_geography": "0.6", "min_score": "0.3"})
    at = app.run()
    assert_clean(at)
    assert at.query_params["w_geography"] == "0.6"
    assert at.query_params["min_score"] == "0.3"
    assert "score at least 0.30" in summary(at)
    at.run()  # a second run (state cleaned of the undrawn sliders) keeps them
    assert at.query_params["w_geography"] == "0.6"
    open_sidebar(at).run()
    assert at.slider(key="mv_w_geography").value == 0.6
    assert at.slider(key="mv_min_score").value == 0.3


def test_weights_all_at_zero_fall_back_to_the_preset_when_the_section_is_shut(app) -> None:
    at = open_sidebar(app).run()
    before = at.dataframe[0].value["score"].tolist()
    for component in COMPONENTS:
        at.slider(key=f"mv_w_{component}").set_value(0.0)
    at.button(key=APPLY_SLIDERS).click().run()
    assert any("Every weight is zero" in w for w in texts(at.sidebar.warning))
    at.session_state[WEIGHTS_OPEN_KEY] = False
    at.run()
    assert_clean(at)
    assert at.dataframe[0].value["score"].tolist() == before
    at.session_state[WEIGHTS_OPEN_KEY] = True
    at.run()  # the sliders show the weights in use: the preset's
    assert at.slider(key="mv_w_thematic").value > 0
    assert not any("Every weight is zero" in w for w in texts(at.sidebar.warning))
