"""What a programme officer reads says names and words, never codes or keys (issue 10).

Walked in Chromium: the Matches table said "TLS" for Timor-Leste, the evidence said
"agricultural" and the donor form "marine_coastal". Stored data keeps the codes and keys
(the data contract); the filters keep working on them.
"""

from __future__ import annotations

import json

from tests.app.conftest import open_sidebar
from tests.app.test_pages import assert_clean, open_page


def table_of(at):
    return next(d.value for d in at.dataframe if "score" in d.value.columns)


def test_the_matches_table_names_countries_and_the_country_filter_still_works(app):
    app.query_params.update({"donor_id": "ES", "countries": "TLS", "include_funded": "1"})
    at = open_sidebar(app).run()
    assert_clean(at)
    table = table_of(at)
    assert table["countries"].tolist() == ["Timor-Leste"]  # not TLS
    at.multiselect(key="mv_countries").set_value(["BOL"]).run()
    assert_clean(at)
    shown = table_of(at)["countries"].tolist()
    assert len(shown) == 2 and all("Bolivia" in c for c in shown)
    assert "Brazil, Colombia, Ecuador" in " ".join(shown)  # the Amazon EOI, by name


def test_the_donor_form_offers_ecosystems_in_words_and_saves_the_keys(app, store):
    at = open_page(app, "app_pages/donors.py")
    at.selectbox(key="donor_pick").set_value("DE-IKI").run()
    assert_clean(at)
    picker = next(m for m in at.multiselect if m.label == "Ecosystems")
    assert "marine and coastal areas" in picker.options
    assert "farmland" in picker.options
    assert not [o for o in picker.options if "_" in o]
    assert "marine_coastal" in picker.value  # the stored key, shown in words
    picker.set_value([*picker.value, "agricultural"])
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert_clean(at)
    saved = store.donors().set_index("donor_id").at["DE-IKI", "ecosystems"]
    assert "marine_coastal" in saved and "agricultural" in saved


def test_the_record_tables_name_countries_ecosystems_and_donor_types(app):
    at = open_page(app, "app_pages/donors.py")
    donors = at.dataframe[0].value
    assert "bilateral government" in donors["donor_type"].tolist()
    assert not donors["donor_type"].str.contains("_").any()
    at.switch_page("app_pages/proposals.py").run()
    assert_clean(at)
    proposals = next(d.value for d in at.dataframe if "countries" in d.value.columns)
    assert "Timor-Leste" in proposals["countries"].tolist()
    assert not proposals["countries"].str.fullmatch(r"[A-Z]{3}(; ?[A-Z]{3})*").any()
    at.text_input(key="proposal_search").input("Timor").run()
    found = next(d.value for d in at.dataframe if "countries" in d.value.columns)
    assert found["countries"].tolist() == ["Timor-Leste"]  # a name finds it, not only TLS


def test_the_evidence_says_ecosystems_in_words(app):
    app.query_params.update({"donor_id": "DE-IKI", "ecosystems": "marine_coastal"})
    at = app.run()
    assert_clean(at)
    evidence = next(d.value for d in at.dataframe if "evidence" in d.value.columns)
    shared = evidence.set_index("evidence").at["shared ecosystems", "details"]
    assert "marine and coastal areas" in shared
    assert "_" not in " ".join(evidence["details"].astype(str))


def test_the_schedule_counts_one_meeting_in_the_singular(app, store):
    donor = store.donors()["donor_id"].astype(str).iloc[0]
    proposal = store.proposals()["proposal_id"].astype(str).iloc[0]
    event_id = store.create_event("Belize roundtable", currency="USD", donor_ids=[donor])
    store.add_to_event(event_id, proposal, donor_id=donor)
    at = open_page(app, "app_pages/events.py")
    at.session_state["event_tab"] = "Schedule"
    at.run()
    at.button(key=f"event_solve_{event_id}").click().run()
    assert_clean(at)
    said = [str(c.value).replace("\\", "") for c in at.caption]
    assert "1 meeting; 1 of 1 invited delegation has at least one." in said, said
    assert not [s for s in said if "(s)" in s]
    at.session_state["event_tab"] = "History"
    at.run()
    assert_clean(at)
    history = " ".join(d.value.to_csv() for d in at.dataframe)
    assert "schedule of 1 meeting" in history and "1 meetings" not in history


def test_the_plan_tables_are_headed_in_words(app):
    at = open_page(app, "app_pages/plan.py")
    next(b for b in at.button if b.label == "Plan").click().run()
    assert_clean(at)
    grants = next(d for d in at.dataframe if "share_of_gap" in d.value.columns)
    config = json.loads(grants.proto.columns)
    labels = {column: spec.get("label") for column, spec in config.items()}
    assert labels["share_of_gap"] == "share of the gap"
    assert labels["proposal_title"] == "proposal"
    assert labels["donor_budget_left"] == "donor budget left"
    assert not [label for label in labels.values() if label and "_" in label]
