"""The Plan page of the app (AppTest) and its helpers."""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.errors import LifeWebMatchError
from ui.plan import export_csv, parse_pair_lines, read_budgets


def texts(app, kind: str) -> list[str]:
    """Messages of one kind, with the Markdown escaping of user text taken off."""
    return [element.value.replace("\\", "") for element in getattr(app, kind)]


@pytest.fixture
def solves(monkeypatch):
    """Counts the plans the page solves; every test starts with no kept plan."""
    import ui.plan

    ui.plan._plan_cache.clear()
    calls: list[object] = []
    real = ui.plan.solve

    def counting(problem):
        calls.append(problem)
        return real(problem)

    monkeypatch.setattr(ui.plan, "solve", counting)
    return calls


def press_plan(app):
    app.button[0].click()  # the form's "Plan" button
    app.run()
    assert not app.exception


def test_page_solves_only_when_asked(plan_app, solves):
    plan_app.run()
    assert not plan_app.exception
    assert plan_app.title[0].value == "Co-funding plan"
    assert not plan_app.metric
    assert any("press Plan" in text for text in texts(plan_app, "info"))
    assert solves == []
    press_plan(plan_app)
    assert len(solves) == 1
    assert plan_app.metric[0].value == "62 of 62"
    infos = " ".join(texts(plan_app, "info"))
    assert "covers the total gap" in infos
    grants = plan_app.dataframe[0].value
    assert {"proposal_id", "donor_id", "amount", "score"} <= set(grants.columns)
    assert len(grants) >= 62
    plan_app.run()  # a rerun of the page keeps the plan
    assert len(solves) == 1
    assert plan_app.metric[0].value == "62 of 62"


def test_a_new_session_gets_the_kept_plan_without_solving(plan_app, solves):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    plan_app.run()
    press_plan(plan_app)
    first = plan_app.dataframe[0].value
    repo = Path(__file__).resolve().parents[2]
    other = AppTest.from_file(str(repo / "app.py"), default_timeout=120)
    other.run()
    other.switch_page(str(repo / "app_pages" / "plan.py")).run()
    assert not other.exception
    assert len(solves) == 1
    assert other.metric[0].value == "62 of 62"
    pd.testing.assert_frame_equal(other.dataframe[0].value, first)


def test_changed_weights_drop_the_kept_plan_until_asked_again(plan_app, solves):
    plan_app.run()
    press_plan(plan_app)
    plan_app.session_state["match_weights"] = {
        "thematic": 1.0,
        "targets": 0.0,
        "geography": 0.0,
        "funding_fit": 0.0,
        "ecosystems": 0.0,
        "history": 0.0,
    }
    plan_app.run()
    assert not plan_app.metric
    assert any("changed since the last plan" in text for text in texts(plan_app, "info"))
    assert len(solves) == 1
    press_plan(plan_app)
    assert len(solves) == 2
    assert plan_app.metric


def test_cap_and_objective_change_the_plan(plan_app):
    plan_app.run()
    press_plan(plan_app)
    plan_app.number_input(key="plan_cap").set_value(1)
    plan_app.radio(key="plan_objective").set_value("amount")
    plan_app.button[0].click()  # the form's "Plan" button
    plan_app.run()
    assert not plan_app.exception
    grants = plan_app.dataframe[0].value
    assert grants.groupby("proposal_id")["donor_id"].count().max() == 1


def test_bad_forced_pair_is_a_message_not_a_traceback(plan_app):
    plan_app.run()
    plan_app.text_area(key="plan_force").set_value("not a pair")
    plan_app.button[0].click()
    plan_app.run()
    assert not plan_app.exception
    # What a person reads: the word joiners that keep user text from turning into icons are invisible.
    assert [text.replace("\u2060", "") for text in texts(plan_app, "error")] == [
        "'not a pair' is not a pair; write it as PROPOSAL_ID:DONOR_ID (for example P12:D3)."
    ]


def test_what_if_budget_change_lists_what_moved(plan_app):
    plan_app.run()
    press_plan(plan_app)
    plan_app.selectbox(key="what_if_donor").set_value("GEF")
    plan_app.number_input(key="what_if_budget").set_value(0.0)
    plan_app.button[1].click()  # "Re-plan and compare"
    plan_app.run()
    assert not plan_app.exception
    summary = " ".join(texts(plan_app, "info"))
    assert "Gaps closed:" in summary
    diff = plan_app.dataframe[-1].value
    assert set(diff["what"]) >= {"grant dropped"}
    assert (diff.loc[diff["donor_id"] == "GEF", "amount_after"] == 0).all()


def test_export_is_formula_safe_with_bom():
    table = pd.DataFrame({"proposal_title": ['=HYPERLINK("x")', "Forêts"], "amount": [-5.0, 10.0]})
    data = export_csv(table)
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "Forêts" in text and "-5.0" in text


def test_pair_lines_and_budget_uploads_are_parsed_or_rejected_clearly():
    assert parse_pair_lines("P1:D1\n P2 : D2, P3:D3\n\n") == [
        ("P1", "D1"),
        ("P2", "D2"),
        ("P3", "D3"),
    ]
    with pytest.raises(LifeWebMatchError, match="PROPOSAL_ID:DONOR_ID"):
        parse_pair_lines("P1 D1")
    budgets = read_budgets(b"\xef\xbb\xbfDonor_ID,Budget,Currency\nGEF,1000000,USD\n", "b.csv")
    assert budgets.to_dict("records") == [
        {"donor_id": "GEF", "budget": "1000000", "currency": "USD"}
    ]
    with pytest.raises(LifeWebMatchError, match="lacks the column"):
        read_budgets(b"name,amount\nx,1\n", "b.csv")


def test_plan_download_keeps_a_carriage_return_inside_its_cell(assert_spreadsheet_safe):
    table = pd.DataFrame({"proposal_title": ["Reefs\r=1+1", "Forêts"], "amount": [5.0, 10.0]})
    rows = assert_spreadsheet_safe(export_csv(table), n_rows=2)
    assert rows[1][0] == "Reefs\r'=1+1"
