"""The Proposals upload as a programme officer walks it (issue 10 items 5, 6 and 8).

A French workbook with an unknown title header gets a column-mapping step, remembered for
the next file with the same headers; the rejected rows show id and title; an accepted
suggestion loads its row; saving ends in a done state with a link to those proposals
ranked; the corrected file shows the cell it changes and adds nothing twice.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.french_workbook import (
    AS_SENT,
    CORRECTED,
    CORRECTED_FILENAME,
    FILENAME,
    TITLE_HEADER,
    workbook,
)
from tests.app.test_pages import assert_clean, metric_values, open_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(at: AppTest, key: str, name: str, rows: list[list[str]]) -> AppTest:
    at.file_uploader(key=key).set_value((name, workbook(rows), XLSX))
    return at.run()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label.startswith(label))


def frame_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_french_workbook_mapped_corrected_saved_and_reuploaded(app, store):
    at = open_page(app, "app_pages/proposals.py")
    n_stored = len(store.proposals())
    upload(at, "proposals_upload", FILENAME, AS_SENT)
    assert_clean(at)
    warning = " ".join(str(w.value) for w in at.warning)
    assert "could not find a column for 'Title'" in warning
    title_box = next(s for s in at.selectbox if s.label == "Title (needed)")
    assert TITLE_HEADER in title_box.options
    title_box.set_value(TITLE_HEADER)
    button(at, "Use this mapping").click()
    at.run()
    assert_clean(at)
    assert metric_values(at)["Rows in the file"] == "3"
    assert metric_values(at)["Rows rejected"] == "2"
    rejected = frame_with(at, "suggestion")
    assert rejected[["row", "title", "suggestion"]].values.tolist()[0] == [
        4,
        "Restauration des mangroves du Saloum",
        "Senegal",
    ]
    assert rejected["id"].str.startswith("auto-").all()
    assert "missing title" in rejected["reason"].iloc[1]

    button(at, "Accept and load these rows").click()
    at.run()
    assert_clean(at)
    assert metric_values(at)["Rows loaded"] == "2"
    assert metric_values(at)["Rows rejected"] == "1"
    button(at, "Save 2 rows").click()
    at.run()
    assert_clean(at)
    assert any("2 added" in str(s.value) for s in at.success)
    assert not [b for b in at.button if b.label.startswith("Save ") and " rows" in b.label]
    links = [p for p in at.get("page_link")]
    assert links and "See the 2 saved proposals ranked" in links[0].proto.label
    saved = store.proposals()
    assert len(saved) == n_stored + 2
    upload_id = int(store.uploads().iloc[-1]["upload_id"])
    assert links[0].proto.query_string.endswith(f"round_id={upload_id}&include_funded=1") or (
        f"round_id={upload_id}" in links[0].proto.query_string
    )

    # The corrected file: same headers, so the mapping is remembered and not asked again.
    upload(at, "proposals_upload_1", CORRECTED_FILENAME, CORRECTED)
    assert_clean(at)
    assert not any("could not find a column" in str(w.value) for w in at.warning)
    assert metric_values(at)["Rows loaded"] == "3"
    changes = frame_with(at, "in the file")
    assert changes[["title", "column", "stored", "in the file"]].values.tolist() == [
        ["Restauration des mangroves du Saloum", "Amount requested", "850000.0", "900000.0"]
    ]
    button(at, "Save 3 rows").click()
    at.run()
    assert_clean(at)
    assert len(store.proposals()) == n_stored + 3
