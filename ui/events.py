"""The Event page's tables and files: what people read on screen and carry into the room.

Tables here are for people: country names rather than ISO codes, human column headers,
amounts written with thousands separators in their own currency and in the event's, a
total in one currency, no ``<NA>`` anywhere, and an event heading on every CSV. The bytes
always come from :mod:`matcher.export` (formula-safe; CSV in UTF-8 with a BOM).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from matcher.events.pipeline import EventSummary, to_currency
from matcher.export import to_csv_bytes
from ui.overview import country_names
from ui.safe import join_values, one_line

__all__ = [
    "EventHeading",
    "by_country_table",
    "by_donor_table",
    "csv_download",
    "event_list_table",
    "file_stem",
    "money",
    "pipeline_table",
    "schedule_grid",
    "schedule_table",
    "slot_label",
]


@dataclass(frozen=True)
class EventHeading:
    """What every export starts with: which event, when, where, in what currency."""

    name: str
    date: str
    place: str
    currency: str
    rate_date: str = ""

    @classmethod
    def of(cls, event: Mapping[str, object], rate_date: str = "") -> EventHeading:
        return cls(
            name=one_line(event["name"]),
            date=str(event.get("event_date") or ""),
            place=one_line(event.get("place", "")),
            currency=str(event["currency"]),
            rate_date=rate_date,
        )

    def lines(self) -> list[str]:
        when = _long_date(self.date)
        where = " · ".join(part for part in (when, self.place) if part)
        rates = f" at the exchange rates of {_long_date(self.rate_date)}" if self.rate_date else ""
        return [
            self.name,
            *([where] if where else []),
            f"Totals in {self.currency}{rates}",
        ]


def _long_date(text: str) -> str:
    try:
        day = dt.date.fromisoformat(str(text))
    except ValueError:
        return str(text or "")
    return f"{day.day} {day:%B %Y}"


def money(value: object, currency: str = "") -> str:
    """``1,551,739 USD``; empty for a missing amount (never ``nan`` or ``<NA>``)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = f"{float(value):,.0f}"
    return f"{text} {currency}".strip()


def _countries(codes: object, names: Mapping[str, str]) -> str:
    values = codes if isinstance(codes, tuple | list) else ([codes] if codes else [])
    return join_values([names.get(str(c), str(c)) for c in values], ", ")


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _when(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M UTC")


def event_list_table(
    table: pd.DataFrame,
    *,
    currency: str,
    rate_date: str | None,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The event list as people read it (one row per donor and proposal).

    ``table`` is :func:`matcher.events.pipeline.event_list`; amounts are shown in their own
    currency and in the event's.
    """
    names = names if names is not None else country_names()
    cur = currency.upper()
    requested_here = to_currency(table["requested_amount"], table["currency"], cur, on=rate_date)
    pledged_here = to_currency(
        table["pledged_amount"], table["pledged_currency"], cur, on=rate_date
    )
    columns = {
        "Donor": table["donor_name"].map(_text).replace("", "All donors"),
        "Proposal": table["proposal_id"].astype(str),
        "Title": table["title"].map(_text),
        "Countries": table["countries"].map(lambda c: _countries(c, names)),
        "Score": pd.to_numeric(table["score"], errors="coerce").round(2),
        "Stage": table["stage"].map(_text),
        "Pledged": [
            money(a, c)
            for a, c in zip(table["pledged_amount"], table["pledged_currency"], strict=True)
        ],
        f"Pledged ({cur})": pledged_here.map(money),
        "Requested": [
            money(a, c) for a, c in zip(table["requested_amount"], table["currency"], strict=True)
        ],
        f"Requested ({cur})": requested_here.map(money),
        "Decision": table["decision"].map(_text),
        "Note": table["note"].map(_text),
        "Why it fits": table["explanation"].map(_text),
        "Stage recorded by": table["stage_by"].map(_text),
        "Stage recorded on": table["stage_at"].map(_when),
    }
    return pd.DataFrame(columns)


def by_donor_table(summary: EventSummary) -> pd.DataFrame:
    """Pledged against requested per donor, with a total row, in the event's currency."""
    cur = summary.currency
    rows = summary.by_donor
    frame = pd.DataFrame(
        {
            "Donor": rows["donor_name"].map(_text),
            "Proposals on its list": rows["proposals"].astype(int).astype(str),
            f"Requested ({cur})": rows["requested"].map(money),
            "Pledges": rows["pledges"].astype(int).astype(str),
            f"Pledged ({cur})": rows["pledged"].map(money),
        }
    )
    total = {
        "Donor": "Total (each proposal once)",
        "Proposals on its list": str(summary.n_proposals),
        f"Requested ({cur})": money(summary.requested),
        "Pledges": str(summary.n_pledges),
        f"Pledged ({cur})": money(summary.pledged),
    }
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


def by_country_table(summary: EventSummary, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Pledged against requested per country (a multi-country proposal shared equally)."""
    names = names if names is not None else country_names()
    cur = summary.currency
    rows = summary.by_country
    frame = pd.DataFrame(
        {
            "Country": rows["country"].map(lambda c: names.get(str(c), str(c)) or "No country"),
            "Proposals": rows["proposals"].astype(int).astype(str),
            f"Requested ({cur})": rows["requested"].map(money),
            f"Pledged ({cur})": rows["pledged"].map(money),
            "Share pledged": [
                f"{p / r:.0%}" if r else ""
                for p, r in zip(rows["pledged"], rows["requested"], strict=True)
            ],
        }
    )
    total = {
        "Country": "Total",
        "Proposals": str(summary.n_proposals),
        f"Requested ({cur})": money(summary.requested),
        f"Pledged ({cur})": money(summary.pledged),
        "Share pledged": f"{summary.pledged / summary.requested:.0%}" if summary.requested else "",
    }
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


def pipeline_table(
    log: pd.DataFrame, donor_names: Mapping[str, str], titles: Mapping[str, str]
) -> pd.DataFrame:
    """The pipeline log, oldest first, as people read it."""
    return pd.DataFrame(
        {
            "When": log["happened_at"].map(_when),
            "Donor": log["donor_id"].map(lambda d: donor_names.get(str(d), str(d))),
            "Proposal": log["proposal_id"].astype(str),
            "Title": log["proposal_id"].map(lambda p: titles.get(str(p), "")),
            "Stage": log["stage"].astype(str),
            "Amount": [money(a, c) for a, c in zip(log["amount"], log["currency"], strict=True)],
            "Note": log["note"].map(_text),
            "Recorded by": log["recorded_by"].map(_text),
        }
    )


def slot_label(slot: int, first_slot: str, minutes: int) -> str:
    """``"09:30–10:00"`` for slot 2 of 30-minute slots starting at 09:00."""
    start = dt.datetime.combine(dt.date(2000, 1, 1), dt.time.fromisoformat(first_slot))
    begin = start + dt.timedelta(minutes=minutes * (int(slot) - 1))
    end = begin + dt.timedelta(minutes=minutes)
    return f"{begin:%H:%M}–{end:%H:%M}"


def schedule_table(
    meetings: pd.DataFrame,
    event: Mapping[str, object],
    donor_names: Mapping[str, str],
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The meetings in time order, one per line (what the CSV of the schedule holds)."""
    names = names if names is not None else country_names()
    ordered = meetings.sort_values(["slot", "table"], kind="stable")
    first, minutes = str(event["first_slot"]), int(event["slot_minutes"])  # type: ignore[call-overload]
    return pd.DataFrame(
        {
            "Slot": ordered["slot"].astype(int),
            "Time": ordered["slot"].map(lambda s: slot_label(s, first, minutes)),
            "Table": ordered["table"].astype(int),
            "Donor": ordered["donor_id"].map(lambda d: donor_names.get(str(d), str(d))),
            "Delegation": ordered["delegation"].map(lambda c: names.get(str(c), str(c))),
            "Score": pd.to_numeric(ordered["score"], errors="coerce").round(2),
            "Locked": np.where(ordered["locked"].astype(bool), "locked", ""),
        }
    ).reset_index(drop=True)


def schedule_grid(
    meetings: pd.DataFrame,
    event: Mapping[str, object],
    donor_names: Mapping[str, str],
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Slots down, tables across; each cell ``Donor · Delegation`` (``locked`` marked)."""
    names = names if names is not None else country_names()
    n_slots, n_tables = int(event["n_slots"]), int(event["n_tables"])  # type: ignore[call-overload]
    first, minutes = str(event["first_slot"]), int(event["slot_minutes"])  # type: ignore[call-overload]
    grid = pd.DataFrame(
        "",
        index=[slot_label(s, first, minutes) for s in range(1, n_slots + 1)],
        columns=[f"Table {t}" for t in range(1, n_tables + 1)],
    )
    for row in meetings.itertuples(index=False):
        cell = (
            f"{donor_names.get(str(row.donor_id), str(row.donor_id))} · "
            f"{names.get(str(row.delegation), str(row.delegation))}"
        )
        if bool(row.locked):
            cell += " (locked)"
        grid.iloc[int(row.slot) - 1, int(row.table) - 1] = cell
    grid.index.name = "Time"
    return grid.reset_index()


def file_stem(event_name: str, what: str) -> str:
    """A safe file name: ``<event>-<what>`` in lower-case ASCII words."""
    words = re.sub(r"[^A-Za-z0-9]+", "-", f"{one_line(event_name)} {what}").strip("-").lower()
    return words[:90].strip("-") or "event"


def csv_download(table: pd.DataFrame, heading: EventHeading, *, title: str) -> bytes:
    """A table as CSV under the event heading (its name, date and place, the currency).

    The heading lines come first, one per line, then an empty line, then the table with
    its header; all of it formula-safe.
    """
    lines = [*heading.lines(), title]
    top = pd.DataFrame({"LifeWeb Match": lines})
    return to_csv_bytes(top, bom=True) + b"\n" + to_csv_bytes(table, bom=False)


def donor_labels(donors: pd.DataFrame) -> dict[str, str]:
    """Donor id to its name (the id when it has none)."""
    return {
        str(d): (one_line(n) or str(d))
        for d, n in zip(donors["donor_id"], donors["name"], strict=True)
    }


def titles_of(proposals: pd.DataFrame) -> dict[str, str]:
    return dict(
        zip(proposals["proposal_id"].astype(str), proposals["title"].map(_text), strict=True)
    )


def invited_delegations(rows: pd.DataFrame, countries: Iterable[str]) -> list[str]:
    """Every delegation the event invites: countries named, and those of its proposals."""
    found = {str(c) for codes in rows["countries"] for c in (codes or ())}
    return sorted(found | {str(c) for c in countries})


HANDOUT_PROPOSAL_COLUMNS = (
    "secured_amount",
    "aichi_targets",
    "gbf_targets",
    "suggested_aichi_targets",
    "suggested_gbf_targets",
    "eoi_document_url",
    "contact_name",
    "contact_email",
    "contact_phone",
    "focal_point",
    "organisation",
)


def handout_rows(table: pd.DataFrame, proposals: pd.DataFrame) -> pd.DataFrame:
    """The event list with what the hand-outs also print: targets, the EOI link, contacts.

    ``proposals`` is the stored proposals (suggested targets added when the analysis has
    them); columns a proposal does not have stay out.
    """
    extra = [c for c in HANDOUT_PROPOSAL_COLUMNS if c in proposals.columns]
    info = proposals.assign(proposal_id=proposals["proposal_id"].astype(str))
    info = info.drop_duplicates("proposal_id").set_index("proposal_id")[extra]
    rows = table.drop(columns=[c for c in extra if c in table.columns])
    return rows.join(info, on="proposal_id")
