"""The app: IATI XML uploads, national targets imported, the NBSAP filter and its evidence."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from matcher.interchange.national_targets import load_national_targets
from matcher.store import open_store
from tests.app.conftest import open_sidebar
from ui.filters import MatchView, proposal_mask

APP_FILE = Path(__file__).resolve().parents[2] / "app.py"
IATI_FILE = Path(__file__).resolve().parents[1] / "interchange" / "files" / "multi_language.xml"
TIMEOUT_S = 180


def _clean(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open(page: str, *, sidebar_open: bool = False) -> AppTest:
    at = AppTest.from_file(str(APP_FILE), default_timeout=TIMEOUT_S)
    _clean(at.run())
    if sidebar_open:
        open_sidebar(at)
    return _clean(at.switch_page(page).run())


def test_the_filter_keeps_only_proposals_serving_a_national_target() -> None:
    proposals = pd.DataFrame(
        {
            "proposal_id": ["A", "B"],
            "countries": [("PER",), ("FJI",)],
            "aichi_targets": [(), ()],
            "gbf_targets": [(), ()],
            "ecosystems": [(), ()],
            "requested_amount": [1.0, 1.0],
            "status": ["", ""],
            "serves_national_targets": ["PER-T1", ""],
        }
    )
    view = MatchView(nbsap_only=True)
    assert proposals.loc[proposal_mask(proposals, view), "proposal_id"].tolist() == ["A"]
    assert view.to_query_params() == {"nbsap_only": "1"}
    assert MatchView.from_query_params(view.to_query_params()) == view
    assert "serving a national target" in view.describe()


def test_an_iati_file_uploaded_on_the_proposals_page_is_reported_row_by_row(db_url) -> None:
    at = _open("app_pages/proposals.py")
    at.file_uploader(key="proposals_upload").set_value(
        ("activities.xml", IATI_FILE.read_bytes(), "application/xml")
    )
    _clean(at.run())
    metrics = {m.label: str(m.value) for m in at.metric}
    assert metrics["Rows in the file"] == "4"
    assert metrics["Rows loaded"] == "2"
    assert metrics["Rows rejected"] == "2"


def test_national_targets_import_then_filter_and_evidence_on_matches(db_url, data_dir) -> None:
    at = _open("app_pages/proposals.py")
    sample = data_dir / "national_targets_sample.csv"
    at.file_uploader(key="national_targets_upload").set_value(
        (sample.name, sample.read_bytes(), "text/csv")
    )
    _clean(at.run())
    assert "12 rows: 12 loaded, 0 rejected." in [t.value for t in at.text]
    next(b for b in at.button if b.label == "Save national targets").click()
    _clean(at.run())
    with open_store(db_url) as store:
        assert len(store.national_targets()) == 12

    at = _open("app_pages/matches.py", sidebar_open=True)
    at.toggle(key="mv_include_funded").set_value(True)  # funded proposals count here too
    _clean(at.run())
    before = len(at.dataframe[0].value)
    at.toggle(key="mv_nbsap_only").set_value(True)
    _clean(at.run())
    ranking = at.dataframe[0].value
    assert 0 < len(ranking) < before
    targets = load_national_targets(sample).frame
    countries = set(targets["government"])
    with open_store(db_url) as store:
        proposals = store.proposals().set_index("proposal_id")
    shown_countries = {c for pid in ranking["proposal_id"] for c in proposals.loc[pid, "countries"]}
    assert shown_countries & countries
    alignment = next(d.value for d in at.dataframe if "target_code" in d.value.columns)
    assert set(alignment["government"]) <= countries
    evidence = [t.value for t in at.text if "aligns with GBF Target" in t.value]
    assert len(evidence) == len(alignment)
    assert all(e.startswith(tuple(alignment["target_code"])) for e in evidence)
