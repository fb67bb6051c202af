"""Shortlist tables and their export: what the CSV and Excel downloads contain.

The bytes always come from :mod:`matcher.export` (formula-safe, CSV with a UTF-8 BOM), so a
proposal titled ``=HYPERLINK(...)`` arrives in the spreadsheet as text. The built-in table
download is switched off in ``.streamlit/config.toml``; these are the only exports.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from matcher.export import to_csv_bytes, to_excel_bytes
from matcher.tagger import gbf_for_aichi, target_label
from ui.safe import join_values, one_line
from ui.words import country_list

__all__ = [
    "EARLIEST_EVENT_DATE",
    "EXPORT_LEADING_COLUMNS",
    "LATEST_EVENT_DATE",
    "OPEN_NEXT_KEY",
    "ShortlistExport",
    "export_filename",
    "moved",
    "moved_to",
    "shortlist_export",
    "shortlist_table",
]

# Session key naming the shortlist to open on the next run. The picker's own key cannot be
# set once the picker is drawn (the create form sits below it; the Matches page never draws
# it), so writers set this and the picker applies it before drawing.
OPEN_NEXT_KEY = "shortlist_open_next"
# Streamlit's date picker stops ten years back by default (2016 today); LifeWeb ran from 2008.
EARLIEST_EVENT_DATE = dt.date(1990, 1, 1)
LATEST_EVENT_DATE = dt.date(2100, 12, 31)

EXPORT_LEADING_COLUMNS = (
    "position",
    "proposal_id",
    "title",
    "countries",
    "country_codes",
    "requested_amount",
    "currency",
    "donor_id",
    "donor_name",
    "score",
    "eligible",
    "reasons",
    "explanation",
    "aichi_targets",
    "gbf_targets",
)
EXPORT_TRAILING_COLUMNS = ("note", "decision", "decision_amount", "decided_at", "recorded_by")


@dataclass(frozen=True)
class ShortlistExport:
    """The exported table and its two formula-safe encodings."""

    table: pd.DataFrame
    filename_stem: str

    @property
    def csv_bytes(self) -> bytes:
        """UTF-8 with BOM, so Excel shows accents and CJK text correctly."""
        return to_csv_bytes(self.table, bom=True)

    @property
    def excel_bytes(self) -> bytes:
        return to_excel_bytes(self.table, sheet_name="Shortlist")


def shortlist_table(
    items: pd.DataFrame,
    *,
    donor_id: str,
    donor_name: str,
    scores: pd.DataFrame,
    latest: pd.DataFrame,
    targets: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per shortlisted proposal, in shortlist order, with scores and the latest decision.

    Parameters
    ----------
    items
        The store's shortlist items: ``position``, ``proposal_id``, ``title``, ``countries``,
        ``requested_amount``, ``currency``, ``note``.
    donor_id, donor_name
        The donor the shortlist is for ("" for a list not tied to one donor).
    scores
        Pair scores with that donor: ``proposal_id``, ``score``, ``eligible``, ``reasons``,
        ``explanation`` and ``score_<component>`` columns; may be empty.
    latest
        The newest decision per (proposal, donor) pair (``proposal_id``, ``donor_id``,
        ``status``, ``amount``, ``decided_at``, ``recorded_by``).
    targets
        Per proposal, ``proposal_id`` and the Aichi and GBF targets it serves (``aichi_targets``,
        ``gbf_targets`` as tuples: declared, else suggested from the text). Exported by number
        and short title ("Aichi 11 — Protected areas"), GBF successors added through the
        crosswalk; empty cells when not given.
    """
    ordered = items.sort_values("position", kind="stable").reset_index(drop=True)
    ids = ordered["proposal_id"].astype(str)
    table = pd.DataFrame(
        {
            "position": range(1, len(ordered) + 1),
            "proposal_id": ids,
            "title": ordered["title"].astype(str),
            "countries": ordered["countries"].map(country_list),  # for people, names first
            "country_codes": ordered["countries"].map(join_values),  # ISO alpha-3, for machines
            "requested_amount": pd.to_numeric(ordered["requested_amount"], errors="coerce"),
            "currency": ordered["currency"].fillna("").astype(str),
            "donor_id": donor_id,
            "donor_name": donor_name,
        }
    )
    component_columns = [c for c in scores.columns if c.startswith("score_")]
    unique_scores = scores.drop_duplicates("proposal_id")
    by_proposal = unique_scores.set_index(unique_scores["proposal_id"].astype(str))
    for column in ("score", "eligible", "reasons", "explanation", *component_columns):
        table[column] = ids.map(by_proposal[column]) if column in by_proposal else pd.NA
    table["reasons"] = table["reasons"].map(join_values)
    table["explanation"] = table["explanation"].map(_text)
    aichi, gbf = _target_cells(ids, targets)
    table["aichi_targets"] = aichi
    table["gbf_targets"] = gbf
    table["note"] = ordered["note"].fillna("").astype(str).to_numpy()
    mine = latest[latest["donor_id"].astype(str) == str(donor_id)] if donor_id else latest.iloc[0:0]
    mine = mine.drop_duplicates("proposal_id", keep="last")
    mine = mine.set_index(mine["proposal_id"].astype(str))
    for export_name, source in (
        ("decision", "status"),
        ("decision_amount", "amount"),
        ("decided_at", "decided_at"),
        ("recorded_by", "recorded_by"),
    ):
        # A dict lookup, not ``Series.map(Series)``: under pandas 3 mapping through an empty
        # datetime column (no decision for this donor yet) casts it to float and raises.
        found = dict(zip(mine.index, mine[source], strict=True)) if source in mine else {}
        table[export_name] = pd.Series([found.get(p) for p in ids], index=table.index, dtype=object)
    table["decision_amount"] = pd.to_numeric(table["decision_amount"], errors="coerce")
    table["decision"] = table["decision"].map(_text)
    table["recorded_by"] = table["recorded_by"].map(_text)
    table["decided_at"] = table["decided_at"].map(
        lambda t: "" if pd.isna(t) else pd.Timestamp(t).strftime("%Y-%m-%d %H:%M UTC")
    )
    return table[list(EXPORT_LEADING_COLUMNS) + component_columns + list(EXPORT_TRAILING_COLUMNS)]


def _target_cells(ids: pd.Series, targets: pd.DataFrame | None) -> tuple[list[str], list[str]]:
    """Each proposal's targets as ``"Aichi 11 — Protected areas; Aichi 15 — …"`` text."""
    if targets is None or targets.empty:
        return [""] * len(ids), [""] * len(ids)
    keys = targets["proposal_id"].astype(str)
    aichi_of = dict(zip(keys, targets["aichi_targets"], strict=True))
    gbf_of = dict(zip(keys, targets["gbf_targets"], strict=True))
    aichi_cells, gbf_cells = [], []
    for proposal_id in ids:
        aichi = sorted({int(t) for t in aichi_of.get(proposal_id, ())})
        gbf = sorted({*(int(t) for t in gbf_of.get(proposal_id, ())), *gbf_for_aichi(aichi)})
        aichi_cells.append("; ".join(target_label("aichi", t) for t in aichi))
        gbf_cells.append("; ".join(target_label("gbf", t) for t in gbf))
    return aichi_cells, gbf_cells


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def moved_to(order: list[str], proposal_id: str, position: int) -> list[str]:
    """``order`` with ``proposal_id`` at 1-based ``position`` (clamped to the ends)."""
    if proposal_id not in order:
        return list(order)
    return moved(order, proposal_id, int(position) - 1 - order.index(proposal_id))


def moved(order: list[str], proposal_id: str, step: int) -> list[str]:
    """``order`` with ``proposal_id`` moved ``step`` places (clamped to the ends)."""
    if proposal_id not in order:
        return list(order)
    result = [p for p in order if p != proposal_id]
    position = min(max(order.index(proposal_id) + step, 0), len(result))
    result.insert(position, proposal_id)
    return result


def export_filename(event_name: str, donor_name: str) -> str:
    """A safe file name stem: ``shortlist-<event>-<donor>`` in lower-case ASCII words."""
    words = re.sub(r"[^A-Za-z0-9]+", "-", f"{one_line(event_name)} {one_line(donor_name)}")
    stem = words.strip("-").lower()[:80].strip("-")
    return f"shortlist-{stem}" if stem else "shortlist"


def shortlist_export(table: pd.DataFrame, *, event_name: str, donor_name: str) -> ShortlistExport:
    """Wrap a shortlist table for download (``.csv_bytes`` / ``.excel_bytes``)."""
    return ShortlistExport(table=table, filename_stem=export_filename(event_name, donor_name))
