"""The hand-out tables: an event's list and schedule in the words people read in the room.

Every hand-out (workbook sheet, PDF brief, CSV download) is built from these frames, so a
country is a name, an amount carries its currency and its value in the event's currency,
a target is "Aichi 11 — Protected areas", a score is "strong fit (0.62)".

Inputs, shared by every function here and in the writers:

``event`` (mapping)
    ``name``; optional ``event_date`` (or ``date``), ``place``, ``currency`` (ISO 4217,
    default USD), ``first_slot`` ("09:00") and ``slot_minutes`` (30), which give each slot
    its time.
``rows`` (one per donor and proposal on the event list)
    ``donor_id`` (or ``donor``) and optional ``donor_name``; ``proposal_id``, ``title``,
    ``countries`` (ISO codes, ``"PER;BOL"`` or a list), ``requested_amount``,
    ``currency``; optional ``secured_amount``, ``score`` (0-1), ``reasons`` (strongest
    first; a list or ``"; "``-separated text) or ``explanation`` (one line of ``"; "``
    clauses, strongest first), ``decision`` (or ``status``), ``note``, ``aichi_targets``
    and ``gbf_targets`` (declared), ``suggested_aichi_targets`` and
    ``suggested_gbf_targets``, ``eoi_document_url``, ``pledged_amount`` and
    ``pledged_currency``, and contact fields (``contact_name``, ``contact_email``,
    ``contact_phone``, ``focal_point``, ``organisation``).
``schedule``
    ``donor_id`` (or ``donor``), ``delegation`` (a country code or name), ``slot``
    (from 1), ``table``; optional ``time``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from functools import cache

import numpy as np
import pandas as pd

from matcher.currency import RateTable, UnknownCurrencyError, load_rate_table
from matcher.reference import aichi_targets, gbf_targets
from matcher.words import country_name

__all__ = [
    "CONTACT_COLUMNS",
    "column",
    "contact_lines",
    "country_name",
    "event_currency",
    "event_totals",
    "money",
    "proposal_table",
    "rows_for_meeting",
    "schedule_table",
    "score_words",
    "slot_time",
    "strongest_reasons",
    "targets_text",
]

CONTACT_COLUMNS = ("contact_name", "organisation", "focal_point", "contact_email", "contact_phone")
SCORE_BANDS = (
    (0.75, "very strong fit"),
    (0.55, "strong fit"),
    (0.35, "fair fit"),
    (0.0, "weak fit"),
)


def _text(value: object) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    text = str(value).strip()
    return "" if text in ("nan", "<NA>", "None", "NaT") else text


def _items(value: object) -> list[str]:
    """A list cell or ``"a; b"`` / ``"a|b"`` text as a list of non-empty strings."""
    if isinstance(value, list | tuple | set | np.ndarray):
        return [t for t in (_text(v) for v in value) if t]
    return [t.strip() for t in re.split(r"[;|]", _text(value)) if t.strip()]


def column(frame: pd.DataFrame, name: str, fill: object = "") -> pd.Series:
    """``frame[name]``, or ``fill`` in every row when the column is not there (index kept)."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([fill] * len(frame), index=frame.index, dtype=object)


def event_currency(event: Mapping[str, object]) -> str:
    return (_text(event.get("currency")) or "USD").upper()


def _event_date(event: Mapping[str, object]) -> str:
    return _text(event.get("event_date")) or _text(event.get("date"))


def slot_time(event: Mapping[str, object], slot: int) -> str:
    """``"09:30"``: the start of ``slot`` (from 1) from the event's first slot and slot length."""
    first = _text(event.get("first_slot")) or "09:00"
    try:
        minutes = int(float(_text(event.get("slot_minutes")) or 30))
        hours, mins = (int(part) for part in first.split(":")[:2])
    except ValueError:
        return f"slot {slot}"
    start = hours * 60 + mins + (int(slot) - 1) * minutes
    return f"{start // 60 % 24:02d}:{start % 60:02d}"


def _donor_key(frame: pd.DataFrame) -> pd.Series:
    column = "donor_id" if "donor_id" in frame.columns else "donor"
    return frame[column].map(_text)


def score_words(score: object) -> str:
    """``"strong fit (0.62)"``; empty when there is no score."""
    try:
        value = float(score)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if math.isnan(value):
        return ""
    band = next(words for floor, words in SCORE_BANDS if value >= floor)
    return f"{band} ({value:.2f})"


def strongest_reasons(row: Mapping[str, object], n: int = 3) -> list[str]:
    """The ``n`` strongest reasons: ``reasons`` if given, else the explanation's clauses."""
    reasons = _items(row.get("reasons"))
    if not reasons:
        reasons = [c.strip() for c in _text(row.get("explanation")).split(";") if c.strip()]
    return reasons[:n]


@cache
def _target_titles() -> dict[tuple[str, int], str]:
    titles = {
        ("Aichi", int(t)): s
        for t, s in zip(aichi_targets()["target"], aichi_targets()["short_title"], strict=True)
    }
    titles.update(
        {
            ("GBF", int(t)): s
            for t, s in zip(gbf_targets()["target"], gbf_targets()["short_title"], strict=True)
        }
    )
    return titles


def _numbers(value: object) -> list[int]:
    out = []
    for item in _items(value) if not isinstance(value, int | float) else [str(value)]:
        match = re.search(r"\d+", str(item))
        if match and int(match.group()) not in out:
            out.append(int(match.group()))
    return out


def targets_text(row: Mapping[str, object], family: str) -> str:
    """Declared targets by number and short title; if none, suggested ones marked so."""
    key = family.lower()
    declared = _numbers(row.get(f"{key}_targets"))
    suggested = [] if declared else _numbers(row.get(f"suggested_{key}_targets"))
    name = "Aichi" if key == "aichi" else "GBF"
    parts = [f"{name} {t} — {_target_titles().get((name, t), '')}".rstrip(" —") for t in declared]
    parts += [f"{name} {t} — {_target_titles().get((name, t), '')} (suggested)" for t in suggested]
    return "; ".join(parts)


def _converted(
    amounts: pd.Series, currencies: pd.Series, to: str, on: str, rates: RateTable
) -> tuple[np.ndarray, list[str]]:
    """Amounts in ``to``; NaN (and the code, once) where the table has no rate."""
    out = np.full(len(amounts), np.nan)
    missing: list[str] = []
    values = pd.to_numeric(amounts, errors="coerce").to_numpy(dtype=float)
    codes = [(_text(c) or to).upper() for c in currencies]
    for i, (value, code) in enumerate(zip(values, codes, strict=True)):
        if math.isnan(value):
            continue
        try:
            out[i] = float(rates.convert(value, code, to, on=on or None)[0])
        except UnknownCurrencyError:
            if code not in missing:
                missing.append(code)
    return out, missing


def proposal_table(
    event: Mapping[str, object], rows: pd.DataFrame, *, rates: RateTable | None = None
) -> pd.DataFrame:
    """The event list with human headers, one row per donor and proposal.

    Amounts stay numbers (``Requested`` in the row's ``Currency``; ``Requested (EUR)`` in
    the event's), so a spreadsheet can add them up; the writers format them.
    """
    rates = rates or load_rate_table()
    cur = event_currency(event)
    frame = rows.reset_index(drop=True)

    def get(name: str) -> pd.Series:
        return column(frame, name)

    records = frame.to_dict("records")
    donor = get("donor_name").map(_text)
    donor = donor.where(donor != "", _donor_key(frame) if len(frame) else donor)
    requested_in_event, _ = _converted(
        get("requested_amount"), get("currency"), cur, _event_date(event), rates
    )
    table = pd.DataFrame(
        {
            "Donor": donor,
            "Proposal": get("proposal_id").map(_text),
            "Title": get("title").map(_text),
            "Countries": get("countries").map(
                lambda v: ", ".join(country_name(c) for c in _items(v))
            ),
            "Requested": pd.to_numeric(get("requested_amount"), errors="coerce"),
            "Currency": get("currency").map(lambda c: (_text(c) or cur).upper()),
            f"Requested ({cur})": np.round(requested_in_event, 0),
            "Score": pd.to_numeric(get("score"), errors="coerce"),
            "Fit": get("score").map(lambda s: score_words(s).split(" (")[0]),
            "Why it fits": ["; ".join(strongest_reasons(r)) for r in records],
            "Aichi targets": [targets_text(r, "aichi") for r in records],
            "GBF targets": [targets_text(r, "gbf") for r in records],
            "Decision": (get("decision") if "decision" in frame.columns else get("status")).map(
                _text
            ),
            "Note": get("note").map(_text),
            "EOI document": get("eoi_document_url").map(_text),
        }
    )
    return table


def schedule_table(
    event: Mapping[str, object], schedule: pd.DataFrame, rows: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The meetings by slot and table: time, donor, delegation (country name), proposals."""
    frame = schedule.reset_index(drop=True)
    names = {}
    if rows is not None and len(rows):
        keys = _donor_key(rows)
        shown = rows["donor_name"].map(_text) if "donor_name" in rows.columns else keys
        names = {k: (s or k) for k, s in zip(keys, shown, strict=True)}
    titles = _titles_by_meeting(rows) if rows is not None else {}
    donors = _donor_key(frame)
    slots = pd.to_numeric(frame["slot"], errors="coerce").astype("Int64")
    table = pd.DataFrame(
        {
            "Slot": slots,
            "Time": [
                _text(t) or slot_time(event, int(s)) if pd.notna(s) else ""
                for s, t in zip(
                    slots, frame["time"] if "time" in frame else [""] * len(frame), strict=True
                )
            ],
            "Table": pd.to_numeric(frame["table"], errors="coerce").astype("Int64"),
            "Donor": [names.get(d, d) for d in donors],
            "Delegation": frame["delegation"].map(lambda g: country_name(_text(g))),
            "Proposals": [
                "; ".join(titles.get((d, _text(g).upper()), []))
                for d, g in zip(donors, frame["delegation"], strict=True)
            ],
        }
    )
    if "score" in frame.columns:
        table["Score"] = pd.to_numeric(frame["score"], errors="coerce")
    return table.sort_values(["Slot", "Table"], kind="stable").reset_index(drop=True)


def _titles_by_meeting(rows: pd.DataFrame | None) -> dict[tuple[str, str], list[str]]:
    """(donor, delegation code or name in upper case) -> titles of that donor's proposals."""
    out: dict[tuple[str, str], list[str]] = {}
    if rows is None or not len(rows):
        return out
    for key, row in zip(_donor_key(rows), rows.to_dict("records"), strict=True):
        for code in _items(row.get("countries")):
            for label in {code.upper(), country_name(code).upper()}:
                out.setdefault((key, label), []).append(_text(row.get("title")))
    return out


def rows_for_meeting(rows: pd.DataFrame, donor: str, delegation: str) -> pd.DataFrame:
    """The donor's rows whose countries include the delegation (by code or by name)."""
    wanted = _text(delegation).upper()
    mask = (_donor_key(rows) == donor) & column(rows, "countries").map(
        lambda v: any(wanted in (c.upper(), country_name(c).upper()) for c in _items(v))
    )
    return rows[mask]


def event_totals(
    event: Mapping[str, object],
    rows: pd.DataFrame,
    schedule: pd.DataFrame | None = None,
    *,
    rates: RateTable | None = None,
) -> dict[str, object]:
    """Counts and sums for the cover sheet, every amount in the event's currency."""
    rates = rates or load_rate_table()
    cur = event_currency(event)
    on = _event_date(event)
    unique = rows.drop_duplicates("proposal_id") if "proposal_id" in rows.columns else rows
    requested, missing = _converted(
        column(unique, "requested_amount", np.nan),
        column(unique, "currency"),
        cur,
        on,
        rates,
    )
    secured, missing2 = _converted(
        column(unique, "secured_amount", np.nan),
        column(unique, "currency"),
        cur,
        on,
        rates,
    )
    pledged = np.array([])
    missing3: list[str] = []
    if "pledged_amount" in rows.columns:
        pledge_cur = (
            rows["pledged_currency"]
            if "pledged_currency" in rows.columns
            else column(rows, "currency")
        )
        pledged, missing3 = _converted(rows["pledged_amount"], pledge_cur, cur, on, rates)
    notes = []
    unconverted = sorted(set(missing + missing2 + missing3))
    if unconverted:
        notes.append(
            f"Amounts in {', '.join(unconverted)} are left out of the totals (no exchange rate)."
        )
    countries_seen = {c.upper() for v in column(rows, "countries") for c in _items(v)}
    return {
        "currency": cur,
        "donors": int(_donor_key(rows).nunique()) if len(rows) else 0,
        "proposals": len(unique),
        "countries": len(countries_seen),
        "meetings": 0 if schedule is None else len(schedule),
        "requested": float(np.nansum(requested)),
        "secured": float(np.nansum(secured)),
        "pledged": float(np.nansum(pledged)) if len(pledged) else 0.0,
        "notes": notes,
    }


def money(amount: float, currency: str) -> str:
    """``"USD 1,551,739"``; empty for a missing amount."""
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return ""
    return f"{currency} {amount:,.0f}"


def contact_lines(row: Mapping[str, object], columns: Sequence[str] = CONTACT_COLUMNS) -> list[str]:
    return [_text(row.get(c)) for c in columns if _text(row.get(c))]
