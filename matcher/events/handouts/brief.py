"""The one-page brief per donor (PDF): its meetings in time order and what each proposal is.

Written with fpdf2 in DejaVu Sans, shipped beside this module with its licence, so French,
Spanish, Portuguese or Vietnamese names print as written on any machine. A brief always fits
one page: the type shrinks step by step, and only at the smallest size are the proposals
without a meeting cut to their titles, then counted ("and 3 more: see the workbook").
Text is drawn as text (fpdf2's markdown is off), never interpreted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from matcher.currency import RateTable, load_rate_table
from matcher.events.handouts.tables import (
    _converted,
    _donor_key,
    _event_date,
    _items,
    _text,
    column,
    contact_lines,
    country_name,
    event_currency,
    money,
    rows_for_meeting,
    score_words,
    slot_time,
    strongest_reasons,
)
from matcher.words import counted

__all__ = ["FONT_DIR", "donor_brief_pdf", "event_briefs_pdf"]

FONT_DIR = Path(__file__).with_name("fonts")
FONT = "DejaVu"
FALLBACK_FONT = "DroidSansFallback"
_CJK = (
    (0x2E80, 0x9FFF),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),
    (0xF900, 0xFAFF),
    (0xFF00, 0xFFEF),
    (0x20000, 0x2FA1F),
)
_SHAPED = ((0x0590, 0x08FF), (0x0900, 0x0DFF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))
SIZES = (10.0, 9.0, 8.0, 7.0)
MARGIN = 14.0


@dataclass(frozen=True)
class _Item:
    """One proposal as the brief prints it."""

    proposal_id: str
    title: str
    facts: str
    reasons: tuple[str, ...]
    contact: str
    decision: str


@dataclass(frozen=True)
class _Meeting:
    when: str
    table: str
    delegation: str
    items: tuple[_Item, ...]


def _scripts(texts: Iterable[str]) -> tuple[bool, bool]:
    """(needs the CJK fallback font, needs text shaping) for text in these scripts."""
    cjk = shaping = False
    for text in texts:
        for char in text:
            code = ord(char)
            if code < 0x0590:
                continue
            if any(lo <= code <= hi for lo, hi in _CJK):
                cjk = True
            elif any(lo <= code <= hi for lo, hi in _SHAPED):
                shaping = True
        if cjk and shaping:
            break
    return cjk, shaping


def _new_pdf(*, cjk: bool = False, shaping: bool = False) -> FPDF:
    """An A4 document in DejaVu Sans; Droid Sans Fallback for CJK and shaping for RTL scripts.

    The fallback font (4 MB) and the shaping engine load only when the text needs them.
    """
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=MARGIN)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    if cjk:
        pdf.add_font(FALLBACK_FONT, "", str(FONT_DIR / "DroidSansFallbackFull.ttf"))
        pdf.set_fallback_fonts([FALLBACK_FONT], exact_match=False)
    if shaping:
        # Arabic and Hebrew join and run right to left only through HarfBuzz (uharfbuzz).
        pdf.set_text_shaping(True)
    pdf.set_creator("LifeWeb Match")
    return pdf


def _texts(event: Mapping[str, object], rows: pd.DataFrame) -> list[str]:
    values = [str(v) for v in event.values()]
    for name in rows.columns:
        if not pd.api.types.is_numeric_dtype(rows[name]):
            values.extend(str(v) for v in rows[name].tolist())
    return values


def _item(row: Mapping[str, object], cur: str, in_event: float) -> _Item:
    own = (_text(row.get("currency")) or cur).upper()
    amount = pd.to_numeric(pd.Series([row.get("requested_amount")]), errors="coerce").iloc[0]
    amount_text = money(float(amount), own)
    if amount_text and own != cur and pd.notna(in_event):
        amount_text += f" ({money(in_event, cur)})"
    facts = [
        ", ".join(country_name(c) for c in _items(row.get("countries"))),
        f"requests {amount_text}" if amount_text else "",
        score_words(row.get("score")),
    ]
    decision = _text(row.get("decision")) or _text(row.get("status"))
    note = _text(row.get("note"))
    return _Item(
        proposal_id=_text(row.get("proposal_id")),
        title=_text(row.get("title")) or _text(row.get("proposal_id")),
        facts=" · ".join(f for f in facts if f),
        reasons=tuple(strongest_reasons(row)),
        contact=" · ".join(contact_lines(row)),
        decision="; ".join(
            p
            for p in (f"Decision: {decision}" if decision else "", f"Note: {note}" if note else "")
            if p
        ),
    )


def _content(
    event: Mapping[str, object],
    donor: str,
    rows: pd.DataFrame,
    schedule: pd.DataFrame | None,
    rates: RateTable,
) -> tuple[str, list[_Meeting], list[_Item]]:
    cur = event_currency(event)
    mine = rows[_donor_key(rows) == donor].reset_index(drop=True) if len(rows) else rows
    in_event, _ = _converted(
        column(mine, "requested_amount", float("nan")),
        column(mine, "currency"),
        cur,
        _event_date(event),
        rates,
    )
    value_of = dict(zip(column(mine, "proposal_id").map(_text), in_event, strict=False))
    name = _text(mine["donor_name"].iloc[0]) if len(mine) and "donor_name" in mine else donor
    meetings: list[_Meeting] = []
    met_ids: set[str] = set()
    if schedule is not None and len(schedule):
        own = schedule[_donor_key(schedule) == donor].copy()
        own["_slot"] = pd.to_numeric(own["slot"], errors="coerce")
        for row in own.sort_values(["_slot", "table"], kind="stable").to_dict("records"):
            slot = int(row["_slot"]) if pd.notna(row["_slot"]) else 0
            found = rows_for_meeting(mine, donor, _text(row["delegation"])) if len(mine) else mine
            met_ids |= set(column(found, "proposal_id").map(_text))
            meetings.append(
                _Meeting(
                    when=_text(row.get("time")) or (slot_time(event, slot) if slot else ""),
                    table=_text(row.get("table")),
                    delegation=country_name(_text(row["delegation"])),
                    items=tuple(
                        _item(r, cur, value_of.get(_text(r.get("proposal_id")), float("nan")))
                        for r in found.to_dict("records")
                    ),
                )
            )
    others = [
        _item(r, cur, value_of.get(_text(r.get("proposal_id")), float("nan")))
        for r in mine.to_dict("records")
        if _text(r.get("proposal_id")) not in met_ids
    ]
    return name, meetings, others


def _write_item(pdf: FPDF, item: _Item, size: float, *, brief: bool) -> None:
    width = pdf.epw - 4
    pdf.set_x(MARGIN + 4)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(width, size * 0.45, item.title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", size - 0.5)
    lines = [item.facts] if item.facts else []
    if not brief:
        lines += [f"• {reason}" for reason in item.reasons]
        lines += [f"Contact: {item.contact}"] if item.contact else []
        lines += [item.decision] if item.decision else []
    for line in lines:
        pdf.set_x(MARGIN + 4)
        pdf.multi_cell(width, size * 0.43, line, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(size * 0.12)


def _draw(
    pdf: FPDF,
    event: Mapping[str, object],
    name: str,
    meetings: list[_Meeting],
    others: list[_Item],
    size: float,
    shown_others: int,
    brief_others: bool,
    per_meeting: int | None = None,
) -> None:
    pdf.add_page()
    pdf.set_font(FONT, "B", size + 5)
    pdf.multi_cell(
        0, (size + 5) * 0.5, f"Donor brief: {name}", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_font(FONT, "", size)
    header = " · ".join(
        p for p in (_text(event.get("name")), _event_date(event), _text(event.get("place"))) if p
    )
    pdf.multi_cell(0, size * 0.5, header, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    n_items = len(
        {i.proposal_id for i in others} | {i.proposal_id for m in meetings for i in m.items}
    )
    pdf.multi_cell(
        0,
        size * 0.5,
        f"{counted(len(meetings), 'meeting')}; {counted(n_items, 'proposal')} on your list.",
        align="L",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(size * 0.3)
    pdf.set_font(FONT, "B", size + 1.5)
    pdf.cell(0, size * 0.6, "Your meetings", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if not meetings:
        pdf.set_font(FONT, "", size)
        pdf.cell(0, size * 0.5, "No meeting is scheduled yet.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for meeting in meetings:
        pdf.set_font(FONT, "B", size)
        head = " · ".join(
            p
            for p in (
                meeting.when,
                f"table {meeting.table}" if meeting.table else "",
                meeting.delegation,
            )
            if p
        )
        pdf.set_fill_color(221, 235, 247)
        pdf.multi_cell(
            0, size * 0.5, head, align="L", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        for item in meeting.items[:per_meeting]:
            _write_item(pdf, item, size, brief=False)
        if per_meeting is not None and len(meeting.items) > per_meeting:
            pdf.set_font(FONT, "", size - 0.5)
            pdf.set_x(MARGIN + 4)
            pdf.cell(
                0,
                size * 0.45,
                f"and {counted(len(meeting.items) - per_meeting, 'more proposal')} of {meeting.delegation}: "
                "see the event workbook.",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        if not meeting.items:
            pdf.set_font(FONT, "", size - 0.5)
            pdf.set_x(MARGIN + 4)
            pdf.cell(
                0,
                size * 0.45,
                "No proposal of this delegation is on your list.",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
    if others:
        pdf.ln(size * 0.3)
        pdf.set_font(FONT, "B", size + 1.5)
        pdf.cell(
            0, size * 0.6, "Also on your list (no meeting)", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        for item in others[:shown_others]:
            _write_item(pdf, item, size, brief=brief_others)
        if shown_others < len(others):
            pdf.set_font(FONT, "", size - 0.5)
            pdf.cell(
                0,
                size * 0.45,
                f"and {len(others) - shown_others} more: see the event workbook.",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )


def _most(fits: Callable[[int], bool], top: int) -> int:
    """The largest n in 0..top with ``fits(n)`` (0 if none), by bisection."""
    low, high = 0, top
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _fit(
    event: Mapping[str, object],
    name: str,
    meetings: list[_Meeting],
    others: list[_Item],
    scratch: FPDF,
) -> tuple[float, int, bool, int | None]:
    """Type size, proposals without a meeting shown, whether briefly, proposals per meeting.

    In order: the largest size that fits everything; at the smallest size, the others as
    titles, then fewer of them, then fewer proposals per meeting. Trials are drawn one after
    another into ``scratch``, a document set up as the real one (its fonts load once for every
    brief); a trial fits when it added exactly one page.
    """

    def fits(size: float, shown: int, brief: bool, per_meeting: int | None = None) -> bool:
        before = scratch.page_no()
        _draw(scratch, event, name, meetings, others, size, shown, brief, per_meeting)
        return scratch.page_no() - before == 1

    for size in SIZES:
        if fits(size, len(others), False):
            return size, len(others), False, None
    small = SIZES[-1]
    if fits(small, len(others), True):
        return small, len(others), True, None
    if others and fits(small, 0, True):
        return small, _most(lambda n: fits(small, n, True), len(others)), True, None
    widest = max((len(m.items) for m in meetings), default=0)
    return small, 0, True, _most(lambda k: fits(small, 0, True, k), widest)


def _render(
    pdf: FPDF,
    scratch: FPDF,
    event: Mapping[str, object],
    donor: str,
    rows: pd.DataFrame,
    schedule: pd.DataFrame | None,
    rates: RateTable,
) -> None:
    name, meetings, others = _content(event, donor, rows, schedule, rates)
    size, shown, brief, per_meeting = _fit(event, name, meetings, others, scratch)
    _draw(pdf, event, name, meetings, others, size, shown, brief, per_meeting)


def _documents(event: Mapping[str, object], rows: pd.DataFrame) -> tuple[FPDF, FPDF]:
    """The document and its scratch twin, with the fonts and shaping the text needs."""
    cjk, shaping = _scripts(_texts(event, rows))
    return _new_pdf(cjk=cjk, shaping=shaping), _new_pdf(cjk=cjk, shaping=shaping)


def donor_brief_pdf(
    event: Mapping[str, object],
    donor: str,
    rows: pd.DataFrame,
    schedule: pd.DataFrame | None = None,
    *,
    rates: RateTable | None = None,
) -> bytes:
    """One page for ``donor`` (its ``donor_id``, or ``donor`` value): meetings, then the rest.

    Inputs as in :mod:`matcher.events.handouts.tables`; a proposal belongs to a meeting when
    one of its countries is the meeting's delegation (by ISO code or name).
    """
    mine = rows[_donor_key(rows) == str(donor)] if len(rows) else rows
    pdf, scratch = _documents(event, mine)
    pdf.set_title(f"Donor brief: {donor}")
    _render(pdf, scratch, event, str(donor), mine, schedule, rates or load_rate_table())
    return bytes(pdf.output())


def event_briefs_pdf(
    event: Mapping[str, object],
    rows: pd.DataFrame,
    schedule: pd.DataFrame | None = None,
    *,
    rates: RateTable | None = None,
) -> bytes:
    """Every donor's brief in one file, a page each, in the order donors appear in ``rows``."""
    rates = rates or load_rate_table()
    pdf, scratch = _documents(event, rows)
    pdf.set_title(f"Donor briefs: {_text(event.get('name'))}")
    for donor in dict.fromkeys(_donor_key(rows)):
        _render(pdf, scratch, event, donor, rows, schedule, rates)
    if pdf.page_no() == 0:
        pdf.add_page()
        pdf.set_font(FONT, "", 10)
        pdf.cell(0, 5, "No donor is on this event's list yet.")
    return bytes(pdf.output())
