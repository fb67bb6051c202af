"""The meeting-ready workbook of an event: a cover, a sheet per donor and the schedule.

Built with openpyxl so that each cell gets what a person expects when the file is opened:
frozen header rows, widths that fit, amounts as numbers shown in their own currency
(``#,##0 "EUR"``) beside their value in the event's currency, the EOI link clickable. Every
text cell has passed through :func:`matcher.export.neutralise_formulas` first, so nothing a
proposal says can run as a formula.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from matcher.currency import RateTable, load_rate_table
from matcher.events.handouts.tables import (
    _donor_key,
    _event_date,
    _text,
    event_currency,
    event_totals,
    money,
    proposal_table,
    schedule_table,
)
from matcher.export import neutralise_formulas
from matcher.words import counted

__all__ = ["event_workbook"]

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True)
WIDTHS = {
    "Title": 48,
    "Why it fits": 60,
    "Aichi targets": 40,
    "GBF targets": 40,
    "Note": 30,
    "EOI document": 40,
    "Proposals": 60,
    "Countries": 24,
    "Donor": 30,
    "Delegation": 24,
}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _clean(value: object) -> object:
    """Text without the control characters an ``.xlsx`` cannot hold (openpyxl refuses them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Control characters removed first, then formulas neutralised (so none can re-appear)."""
    cleaned = frame.copy()
    for name in cleaned.columns:
        if not pd.api.types.is_numeric_dtype(cleaned[name]):
            cleaned[name] = cleaned[name].map(_clean)
    cleaned.columns = [str(_clean(str(c))) for c in cleaned.columns]
    return neutralise_formulas(cleaned)


def _amount_format(currency: str) -> str:
    code = re.sub(r"[^A-Z]", "", currency.upper()) or "USD"
    return f'#,##0 "{code}"'


def _write_frame(
    sheet: Worksheet, frame: pd.DataFrame, *, first_row: int = 1, event_cur: str = "USD"
) -> None:
    """Headers in bold on ``first_row``, frozen; then the rows, with formats per column."""
    safe = _safe(frame)
    columns = list(frame.columns)
    for j, name in enumerate(safe.columns, start=1):
        cell = sheet.cell(row=first_row, column=j, value=_clean(name))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for i, record in enumerate(safe.itertuples(index=False), start=first_row + 1):
        for j, value in enumerate(record, start=1):
            if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
                value = None
            cell = sheet.cell(row=i, column=j, value=_clean(value))
            name = columns[j - 1]
            if name == "Requested":
                currency = _text(frame.iloc[i - first_row - 1].get("Currency")) or event_cur
                cell.number_format = _amount_format(currency)
            elif name.startswith("Requested (") or name.startswith("Pledged ("):
                cell.number_format = _amount_format(event_cur)
            elif name == "Score":
                cell.number_format = "0.00"
            elif (
                name == "EOI document"
                and isinstance(value, str)
                and value.startswith(("https://", "http://"))
            ):
                cell.hyperlink = value
                cell.font = Font(color="0563C1", underline="single")
            if name in WIDTHS:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    for j, name in enumerate(columns, start=1):
        longest = max([len(str(name))] + [len(str(v)) for v in frame.iloc[:, j - 1].tolist()[:200]])
        sheet.column_dimensions[get_column_letter(j)].width = min(
            WIDTHS.get(name, 60), max(8, longest + 2)
        )
    sheet.freeze_panes = sheet.cell(row=first_row + 1, column=1)
    if len(frame):
        sheet.auto_filter.ref = (
            f"A{first_row}:{get_column_letter(len(columns))}{first_row + len(frame)}"
        )


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", str(_clean(name))).strip().strip("'")[:28] or "Donor"
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate = f"{base[:25]} ({n})"
        n += 1
    taken.add(candidate.lower())
    return candidate


def _cover(sheet: Worksheet, event: Mapping[str, object], totals: Mapping[str, object]) -> None:
    cur = str(totals["currency"])
    lines: list[tuple[str, object]] = [
        ("Event", _text(event.get("name"))),
        ("Date", _event_date(event)),
        ("Place", _text(event.get("place"))),
        ("Currency of the totals", cur),
        ("Donors", totals["donors"]),
        ("Proposals", totals["proposals"]),
        ("Countries", totals["countries"]),
        ("Meetings scheduled", totals["meetings"]),
        (f"Total requested ({cur})", totals["requested"]),
        (f"Already secured ({cur})", totals["secured"]),
        (f"Pledged ({cur})", totals["pledged"]),
    ]
    lines += [("Note", note) for note in totals["notes"]]  # type: ignore[union-attr]
    frame = _safe(pd.DataFrame(lines, columns=["label", "value"]).astype({"value": object}))
    title = sheet.cell(row=1, column=1, value=_clean(frame.iloc[0, 1]) or "LifeWeb event")
    title.font = Font(bold=True, size=16)
    sheet.cell(row=2, column=1, value="LifeWeb Match: meeting-ready list").font = Font(italic=True)
    for i, (label, value) in enumerate(frame.itertuples(index=False), start=4):
        sheet.cell(row=i, column=1, value=_clean(label)).font = HEADER_FONT
        cell = sheet.cell(row=i, column=2, value=_clean(value))
        if str(label).endswith(f"({cur})"):
            cell.number_format = _amount_format(cur)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60


def event_workbook(
    event: Mapping[str, object],
    rows: pd.DataFrame,
    schedule: pd.DataFrame | None = None,
    *,
    rates: RateTable | None = None,
) -> bytes:
    """The event's ``.xlsx``: "Cover", one sheet per donor, "Schedule" and "All proposals".

    ``event``, ``rows`` and ``schedule`` are described in :mod:`matcher.events.handouts.tables`.
    """
    rates = rates or load_rate_table()
    cur = event_currency(event)
    book = Workbook()
    cover = book.active
    cover.title = "Cover"
    totals = event_totals(event, rows, schedule, rates=rates)
    _cover(cover, event, totals)
    table = proposal_table(event, rows, rates=rates)
    taken = {"cover", "schedule", "all proposals"}
    keys = _donor_key(rows.reset_index(drop=True)) if len(rows) else pd.Series(dtype=str)
    for key in dict.fromkeys(keys):
        part = table[(keys == key).to_numpy()].drop(columns=["Donor"])
        name = _text(table.loc[(keys == key).to_numpy(), "Donor"].iloc[0]) or key
        sheet = book.create_sheet(_sheet_name(name, taken))
        heading = _safe(pd.DataFrame({"h": [name]}))["h"].iloc[0]
        sheet.cell(row=1, column=1, value=_clean(heading)).font = Font(bold=True, size=13)
        requested = pd.to_numeric(part[f"Requested ({cur})"], errors="coerce").sum()
        sheet.cell(
            row=2,
            column=1,
            value=f"{counted(len(part), 'proposal')}, {money(float(requested), cur)} requested",
        )
        _write_frame(sheet, part.reset_index(drop=True), first_row=3, event_cur=cur)
    if schedule is not None:
        _write_frame(
            book.create_sheet("Schedule"), schedule_table(event, schedule, rows), event_cur=cur
        )
    _write_frame(book.create_sheet("All proposals"), table, event_cur=cur)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
