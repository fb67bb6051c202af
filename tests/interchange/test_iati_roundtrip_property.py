"""Any funding history, written as IATI and read back, is the same history (Hypothesis)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.interchange.iati_write import activities_xml, funding_from_history
from matcher.load import load

HISTORY = ["proposal_id", "donor", "amount", "currency", "year"]
PROPOSALS = pd.DataFrame(
    {
        "proposal_id": ["P-1", "P-2", "P-3"],
        "title": ["Reefs", "Forests", "Wetlands"],
        "countries": [("FJI",), ("PER", "BOL"), ("KEN",)],
        "currency": ["USD", "EUR", ""],
        "requested_amount": [1e6, np.nan, 250_000.0],
        "aichi_targets": [(11,), (), (5, 15)],
        "gbf_targets": [(), (3,), ()],
    }
)
# Names as people write them: words in any script, digits, punctuation and symbols, a
# leading = + - @ included (written with the formula apostrophe, read back without it).
# Markup characters and a leading apostrophe are left out: the reader treats < and & as
# HTML and an apostrophe before = + - @ as the neutraliser's, for XML as for CSV.
# Years 1900-2099 are what the reader takes as years.
word = st.text(
    alphabet=st.characters(categories=["L", "N", "P", "S"], exclude_characters="<>&'"),
    min_size=1,
    max_size=12,
)
donor = st.lists(word, min_size=1, max_size=4).map(" ".join)
amount = st.one_of(st.none(), st.decimals(min_value=0, max_value=10**10, places=2).map(float))
record = st.fixed_dictionaries(
    {
        "proposal_id": st.sampled_from(["P-1", "P-2", "P-3"]),
        "donor": donor,
        "amount": amount,
        "currency": st.sampled_from(["USD", "EUR", "JPY", ""]),
        "year": st.one_of(st.none(), st.integers(min_value=1950, max_value=2099)),
    }
)


def _canonical(frame: pd.DataFrame) -> list[tuple]:
    rows = []
    for row in frame[HISTORY].itertuples(index=False):
        amount = None if row.amount is None or pd.isna(row.amount) else round(float(row.amount), 2)
        year = None if row.year is None or pd.isna(row.year) else int(row.year)
        rows.append((row.proposal_id, row.donor, amount, row.currency, year))
    return sorted(rows, key=repr)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(record, min_size=1, max_size=8))
def test_any_history_round_trips_through_iati(records: list[dict]) -> None:
    history = pd.DataFrame(records, columns=HISTORY)
    history["year"] = pd.array(history["year"], dtype="Int64")
    export = activities_xml(
        PROPOSALS, funding_from_history(history), now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    )  # validated against the IATI 2.03 schema, or it raises
    back = load(export.xml, "history", filename="history.xml")
    assert back.n_rejected == 0
    assert _canonical(back.frame) == _canonical(history)
