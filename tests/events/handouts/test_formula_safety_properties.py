"""Whatever a proposal says, no cell of the workbook or the CSV runs as a formula."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.events.handouts import event_workbook, proposal_table
from matcher.export import FORMULA_PREFIXES, to_csv_bytes

risky = st.one_of(
    st.sampled_from(["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", '=HYPERLINK("http://x")']),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
)


@settings(
    deadline=None, max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=risky, note=risky, donor=risky)
def test_no_text_becomes_a_formula(event, title: str, note: str, donor: str) -> None:
    rows = pd.DataFrame(
        [
            {
                "donor_id": donor or "D",
                "donor_name": donor,
                "proposal_id": "P1",
                "title": title,
                "note": note,
                "countries": "PER",
                "requested_amount": 1000,
                "currency": "USD",
                "score": 0.5,
            }
        ]
    )
    schedule = pd.DataFrame(
        [{"donor_id": donor or "D", "delegation": "PER", "slot": 1, "table": 1}]
    )
    book = openpyxl.load_workbook(io.BytesIO(event_workbook(event, rows, schedule)))
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_PREFIXES)
    text = to_csv_bytes(proposal_table(event, rows)).decode("utf-8-sig")
    for line in list(csv.reader(io.StringIO(text)))[1:]:  # a reader, as a spreadsheet splits
        for cell in line:
            assert not cell.startswith(("=", "+", "@"))
