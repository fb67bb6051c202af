"""What a QA walk-through found the pages saying in the engine's words, through AppTest (issue 10).

Country names where ISO codes were shown (the upload's loaded rows, the Shortlists table, the
donor form), the mapping step in the person's words ("Amount requested", not
"requested_amount"), a status that says the file was read when only a column needs naming,
counts in the singular, the saved upload named by its file (never "upload 5"), the
eligible-first order said in words, and "closest funded" evidence without similarity 0.
"""

from __future__ import annotations

import pandas as pd

from tests.app.french_workbook import AS_SENT, FILENAME, TITLE_HEADER
from tests.app.test_pages import assert_clean, open_page, texts
from tests.app.test_upload_journey import button, upload

CONTRACT_WORDS = ("requested_amount", "proposal_id", "aichi_targets")


def frame_with(at, *columns: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def test_the_mapping_step_speaks_the_persons_words_and_the_file_counts_as_read(app):
    at = open_page(app, "app_pages/proposals.py")
    upload(at, "proposals_upload", FILENAME, AS_SENT)
    assert_clean(at)
    status = [s.label.replace("\\", "") for s in at.status]  # labels are Markdown-escaped
    assert status == [f"Read {FILENAME}: say below which column is which"], status
    labels = [s.label for s in at.selectbox]
    assert "Title (needed)" in labels and "Amount requested" in labels
    assert not [label for label in labels if any(w in label for w in CONTRACT_WORDS)]
    warning = " ".join(str(w.value) for w in at.warning)
    assert "'Title'" in warning and "'title'" not in warning

    next(s for s in at.selectbox if s.label == "Title (needed)").set_value(TITLE_HEADER)
    button(at, "Use this mapping").click()
    at.run()
    assert_clean(at)
    loaded = frame_with(at, "countries", "title", "requested_amount")
    assert "Guinea-Bissau" in loaded["countries"].tolist()  # not GNB
    assert not loaded["countries"].str.fullmatch(r"[A-Z]{3}").any()
    mapping = frame_with(at, "source_header", "column")
    assert "Amount requested" in mapping["column"].tolist()
    assert not mapping["column"].isin(CONTRACT_WORDS).any()
    assert "Save 1 row as this round" in [b.label for b in at.button]  # one good row, singular


def test_the_saved_upload_view_names_the_file_not_an_internal_number(app, store):
    at = open_page(app, "app_pages/proposals.py")
    upload(at, "proposals_upload", FILENAME, AS_SENT)
    next(s for s in at.selectbox if s.label == "Title (needed)").set_value(TITLE_HEADER)
    button(at, "Use this mapping").click()
    at.run()
    button(at, "Save 1 row").click()
    at.run()
    assert_clean(at)
    upload_id = int(store.uploads().iloc[-1]["upload_id"])
    at.query_params.update({"round_id": str(upload_id), "include_funded": "1"})
    at.switch_page("app_pages/matches.py").run()
    assert_clean(at)
    said = " ".join(texts(at.info) + texts(at.caption)).replace("\\", "")  # Markdown-escaped
    assert "Showing only the proposals saved from '" in said
    assert FILENAME in said
    assert f"upload {upload_id}" not in said
    summary = next(c for c in texts(at.caption) if "; showing" in c)
    assert summary.startswith("1 proposal matches; showing it.")


def test_the_matches_order_is_said_in_words_where_the_table_is(app):
    app.query_params.update({"donor_id": "ES"})
    at = app.run()
    assert_clean(at)
    assert any(c.startswith("Sorted eligible first, then by score") for c in texts(at.caption))


def test_the_shortlists_table_names_countries(app, store):
    shortlist = store.create_shortlist("Vientiane meeting", donor_id="ES")
    store.add_to_shortlist(shortlist, "23300")  # stored as LAO
    at = open_page(app, "app_pages/shortlists.py")
    shown = frame_with(at, "countries", "decision")
    assert shown["countries"].tolist() == ["Lao People's Democratic Republic"]


def test_the_donor_form_names_excluded_countries_and_saves_them_back(app, store):
    at = open_page(app, "app_pages/donors.py")
    at.selectbox(key="donor_pick").set_value("DE-IKI").run()
    assert_clean(at)
    excluded = next(t for t in at.text_input if t.label == "Excluded countries")
    assert excluded.value == "Germany"  # not DEU
    assert store.donors().set_index("donor_id").at["DE-IKI", "excluded_countries"] == ("DEU",)


def test_closest_funded_evidence_never_lists_a_proposal_sharing_no_word(app):
    app.query_params.update({"donor_id": "DE-IKI", "include_funded": "1"})
    at = app.run()
    assert_clean(at)
    closest = [d.value for d in at.dataframe if "similarity" in d.value.columns]
    said = texts(at.caption)
    assert closest or any("this donor funded before" in c for c in said)
    for frame in closest:
        assert (pd.to_numeric(frame["similarity"]) > 0).all()
