"""The event workbook opens as a meeting-ready list: sheets, headers, formats, totals, safety."""

from __future__ import annotations

import io

import openpyxl
import pytest

from matcher.currency import load_rate_table
from matcher.events.handouts import event_workbook, proposal_table, schedule_table
from matcher.export import to_csv_bytes


@pytest.fixture(scope="module")
def book(event, rows, schedule) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(event_workbook(event, rows, schedule)))


def values(sheet, row: int) -> list[object]:
    return [c.value for c in sheet[row]]


def test_workbook_has_a_cover_a_sheet_per_donor_and_the_schedule(book) -> None:
    assert book.sheetnames == [
        "Cover",
        "Germany – IKI",
        "Japan Biodiversity Fund",
        "Schedule",
        "All proposals",
    ]


def test_cover_gives_the_event_and_totals_in_its_currency(book) -> None:
    cover = {r[0]: r[1] for r in book["Cover"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert cover["Event"] == "LifeWeb roundtable, Lima"
    assert cover["Date"] == "2026-12-10"
    assert cover["Proposals"] == 2  # proposal 23213 is on two donors' lists, counted once
    assert cover["Meetings scheduled"] == 2
    usd_in_eur = load_rate_table().convert(614250, "USD", "EUR", on="2026-12-10")[0]
    assert cover["Total requested (EUR)"] == pytest.approx(usd_in_eur + 1551739.0)
    assert book["Cover"]["B12"].number_format == '#,##0 "EUR"'


def test_donor_sheet_has_human_headers_country_names_and_both_currencies(book) -> None:
    sheet = book["Germany – IKI"]
    assert sheet.freeze_panes == "A4"
    assert values(sheet, 3)[:8] == [
        "Proposal", "Title", "Countries", "Requested", "Currency", "Requested (EUR)", "Score", "Fit",
    ]  # fmt: skip
    first = values(sheet, 4)
    assert first[2] == "El Salvador, Panama"
    assert first[3] == 614250 and sheet["D4"].number_format == '#,##0 "USD"'
    assert sheet["F4"].number_format == '#,##0 "EUR"'
    assert sheet["G4"].number_format == "0.00"
    assert first[7] == "strong fit"
    assert sheet["D5"].number_format == '#,##0 "EUR"'
    assert sheet.column_dimensions["B"].width > 20


def test_targets_have_short_titles_and_suggested_ones_are_marked(book) -> None:
    sheet = book["Germany – IKI"]
    headers = values(sheet, 3)
    aichi = headers.index("Aichi targets")
    assert (
        values(sheet, 4)[aichi]
        == "Aichi 11 — Protected areas; Aichi 15 — Ecosystem restoration and resilience"
    )
    assert values(sheet, 5)[aichi].startswith(
        "Aichi 5 — Habitat loss halved or reduced (suggested)"
    )


def test_eoi_link_is_clickable_and_formula_text_is_neutralised(book) -> None:
    sheet = book["Germany – IKI"]
    headers = values(sheet, 3)
    link = sheet.cell(row=4, column=headers.index("EOI document") + 1)
    assert link.hyperlink.target == "https://www.cbd.int/doc/lifeweb/EOI-23213.pdf"
    note = sheet.cell(row=4, column=headers.index("Note") + 1)
    assert note.value == '\'=HYPERLINK("http://evil","click")'
    assert note.data_type == "s"
    for sheet in book:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row)


def test_schedule_sheet_lists_meetings_by_time_with_names(book) -> None:
    sheet = book["Schedule"]
    assert values(sheet, 1)[:6] == ["Slot", "Time", "Table", "Donor", "Delegation", "Proposals"]
    assert values(sheet, 2)[:5] == [1, "09:00", 2, "Japan Biodiversity Fund", "El Salvador"]
    assert values(sheet, 3)[:5] == [2, "09:30", 1, "Germany – IKI", "Panama"]
    assert sheet.freeze_panes == "A2"


def test_every_table_is_also_a_formula_safe_csv(event, rows, schedule) -> None:
    text = to_csv_bytes(proposal_table(event, rows)).decode("utf-8-sig")
    assert text.splitlines()[0].startswith(
        "Donor,Proposal,Title,Countries,Requested,Currency,Requested (EUR)"
    )
    assert "'=HYPERLINK" in text
    meetings = to_csv_bytes(schedule_table(event, schedule, rows)).decode("utf-8-sig")
    assert meetings.splitlines()[1].startswith("1,09:00,2,Japan Biodiversity Fund,El Salvador")


def test_unknown_currency_is_left_out_of_totals_with_a_note(event, rows) -> None:
    odd = rows.copy()
    odd.loc[1, "currency"] = "XYZ"
    book = openpyxl.load_workbook(io.BytesIO(event_workbook(event, odd)))
    cover = [r for r in book["Cover"].iter_rows(values_only=True)]
    assert ("Note", "Amounts in XYZ are left out of the totals (no exchange rate).") in cover
    assert "Schedule" not in book.sheetnames
