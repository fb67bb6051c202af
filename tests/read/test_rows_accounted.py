"""Property: every data row is either loaded or rejected, whatever the cells hold."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.errors import UnreadableFileError
from matcher.load import load

COUNTRIES = [
    "Kenya",
    "Viet Nam",
    "NA",
    "Kenya, Uganda and Tanzania",
    "Atlantis",
    "",
    "DR Congo|Keyna",
    "越南",
    "n/a",
]
AMOUNTS = ["100000", "$850,000", "-5", "lots", "", "2.5M", "€300k", "1.250.000,00", "120万", "(12)"]
TARGETS = ["11", "T11;T15", "21", "", "meta 15", "protected areas", "0", "5-7"]
CURRENCIES = ["USD", "EUR", "", "doubloons", "美元"]

cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\x00"),
    max_size=30,
)
row = st.fixed_dictionaries(
    {
        "proposal_id": st.one_of(
            st.sampled_from(["P1", "P2", "P3", "", " "]), st.text(alphabet="ABC123-", max_size=4)
        ),
        "title": st.one_of(
            cell_text, st.sampled_from(["Reef restoration", "Reef restoration!", ""])
        ),
        "countries": st.sampled_from(COUNTRIES),
        "requested_amount": st.one_of(st.sampled_from(AMOUNTS), st.integers(-10, 10**9).map(str)),
        "currency": st.sampled_from(CURRENCIES),
        "aichi_targets": st.sampled_from(TARGETS),
    }
)


def _csv_bytes(rows: list[dict[str, str]], delimiter: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(row_fields()), delimiter=delimiter, lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def row_fields() -> tuple[str, ...]:
    return ("proposal_id", "title", "countries", "requested_amount", "currency", "aichi_targets")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row, max_size=25), delimiter=st.sampled_from([",", ";", "\t", "|"]))
def test_rows_in_equals_loaded_plus_rejected(rows: list[dict[str, str]], delimiter: str) -> None:
    report = load(_csv_bytes(rows, delimiter), "proposals")
    non_blank = sum(1 for r in rows if any(value.strip() for value in r.values()))
    assert report.rows_in == non_blank
    assert report.rows_in == report.n_loaded + report.n_rejected
    assert set(report.frame["source_row"]).isdisjoint(set(report.rejected["row"]))
    assert set(report.rejected_rows["source_row"]) == set(report.rejected["row"])
    assert report.frame["proposal_id"].is_unique
    assert all(report.frame["countries"].map(len) > 0)
    assert all(1 <= t <= 20 for targets in report.frame["aichi_targets"] for t in targets)
    assert not (report.frame["requested_amount"] < 0).any()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.text(alphabet=",;|\t\r\n\"'=abcPT1 -", max_size=200).map(
            lambda text: ("proposal_id,title,countries\n" + text).encode()
        ),
    ),
    kind=st.sampled_from([None, "proposals", "donors", "history"]),
)
def test_any_bytes_load_or_raise_unreadable(data: bytes, kind: str | None) -> None:
    """No input makes the reader fail with anything but a message for the person."""
    try:
        report = load(data, kind)
    except UnreadableFileError:
        return
    assert report.rows_in == report.n_loaded + report.n_rejected


def test_a_very_long_description_cell_is_read() -> None:
    long_text = "mangroves " * 30_000  # 300 KB, over the csv module's default field limit
    data = f'proposal_id,title,countries,description\nP1,Reefs,Fiji,"{long_text}"\n'.encode()
    report = load(data, "proposals")
    assert report.frame.loc[0, "description"] == long_text.strip()
