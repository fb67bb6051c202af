"""The Matches page as a donor reads it (issue 10 items 3, 4, 7 and 9), through AppTest.

Funded and closed proposals are hidden unless asked for and badged when shown; the
ecosystem filter uses the ecosystems the score uses (declared, else detected); amounts
filter and sort in one display currency with the original amount beside it; the link
carries the explained pair and only the picked side's id.
"""

from __future__ import annotations

import pytest

from tests.app.test_pages import assert_clean, match_summary
from ui.display import to_display
from ui.filters import is_closed_status


def table_of(at):
    return next(d.value for d in at.dataframe if "score" in d.value.columns)


def test_funded_proposals_are_hidden_until_included_and_then_badged(app):
    app.query_params.update({"donor_id": "ES"})
    at = app.run()
    assert_clean(at)
    hidden = table_of(at)
    assert "status" in hidden.columns
    assert not hidden["status"].map(is_closed_status).any()
    assert at.toggle(key="mv_include_funded").value is False
    at.toggle(key="mv_include_funded").set_value(True).run()
    assert_clean(at)
    assert at.query_params["include_funded"] == "1"
    shown = table_of(at)
    assert len(shown) > len(hidden)
    closed = shown[shown["status"].map(is_closed_status)]
    assert len(closed) > 0
    assert closed["funding"].isin(["already funded by this donor", "funded by others"]).all()
    assert (shown["funding"] == "already funded by this donor").any()


def test_ecosystem_filter_finds_proposals_whose_text_names_the_ecosystem(app, store):
    stored = store.proposals()
    assert stored["ecosystems"].map(len).eq(0).all()  # the sample declares none
    app.query_params.update(
        {"donor_id": "ES", "ecosystems": "marine_coastal", "include_funded": "1"}
    )
    at = app.run()
    assert_clean(at)
    assert int(match_summary(at).split()[0]) >= 10
    table = table_of(at)
    assert table["ecosystems"].str.contains("marine and coastal").all()
    assert table["ecosystems"].str.endswith("(detected)").all()


def test_amounts_filter_and_show_in_the_display_currency_beside_the_original(app, store):
    app.query_params.update(
        {"donor_id": "ES", "amount_min": "500000", "currency": "EUR", "include_funded": "1"}
    )
    at = app.run()
    assert_clean(at)
    assert at.segmented_control(key="display_currency").value == "EUR"
    table = table_of(at)
    assert (table["requested_display"] >= 500_000).all()
    stored = store.proposals().set_index("proposal_id")
    for _, row in table.iterrows():
        original = stored.loc[row["proposal_id"]]
        assert row["as_sent"] == f"{original['currency']} {original['requested_amount']:,.0f}"
    in_usd = table[table["as_sent"].str.startswith("USD")]
    assert len(in_usd) > 0
    first = in_usd.iloc[0]
    expected = to_display(
        stored.loc[[first["proposal_id"]], "requested_amount"],
        stored.loc[[first["proposal_id"]], "currency"],
        "EUR",
    ).iloc[0]
    assert first["requested_display"] == pytest.approx(expected)
    assert first["requested_display"] != pytest.approx(
        stored.loc[first["proposal_id"], "requested_amount"]
    )
    # Sorting by amount sorts the converted figures: a USD request of USD 600k (EUR ~540k)
    # sits below a EUR 550k one, as it should.
    assert "request EUR 500,000 to any" in match_summary(at)


def test_a_link_keeps_the_explained_proposal_and_no_stale_id(app):
    app.query_params.update({"donor_id": "ES", "proposal_id": "23210"})
    at = app.run()
    third = str(table_of(at)["proposal_id"].iloc[2])
    at.selectbox(key="mv_explain_proposal").set_value(third).run()
    assert_clean(at)
    assert at.query_params["explain"] == third
    assert "proposal_id" not in at.query_params
    link = {k: at.query_params[k] for k in at.query_params}

    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP_FILE, APP_TIMEOUT_S

    colleague = AppTest.from_file(str(APP_FILE), default_timeout=APP_TIMEOUT_S)
    colleague.query_params.update(link)
    colleague.run()
    assert_clean(colleague)
    assert colleague.selectbox(key="mv_explain_proposal").value == third
    assert colleague.selectbox(key="mv_donor_id").value == "ES"


def test_the_co_funding_plan_opens_in_the_currency_chosen_for_the_whole_app(app):
    app.query_params.update({"currency": "EUR"})
    at = app.run()
    at.switch_page("app_pages/plan.py").run()
    assert_clean(at)
    assert at.segmented_control(key="display_currency").value == "EUR"
    assert at.selectbox(key="plan_currency").value == "EUR"


def test_the_explained_pair_draws_its_components_as_bars_in_its_table_without_a_chart(app):
    """The components' bars live in the components table: Matches loads no charting code."""
    app.query_params.update({"donor_id": "ES"})
    at = app.run()
    assert_clean(at)
    assert len(at.get("vega_lite_chart")) == 0
    parts = next(d.value for d in at.dataframe if "sentence" in d.value.columns)
    assert list(parts.columns[:3]) == ["component", "bar", "value"]
    stated = parts["value"] != "not stated"
    assert stated.any()
    assert parts.loc[stated, "bar"].between(0.0, 1.0).all()
    assert parts.loc[stated, "value"].astype(float).round(2).tolist() == (
        parts.loc[stated, "bar"].round(2).tolist()
    )
    assert parts.loc[~stated, "bar"].isna().all()
