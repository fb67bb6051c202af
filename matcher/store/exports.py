"""Exports: every stored table as a frame ready to write as CSV or Excel.

:class:`ExportStoreMixin` is mixed into :class:`matcher.store.Store`; it reads through the
store's ``frame``, ``decisions``, ``shortlists`` and ``shortlist_items``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import pandas as pd

from matcher.contract import KINDS
from matcher.store.records import READER_COLUMNS, SPECS
from matcher.store.shortlists import SHORTLIST_ITEM_COLUMNS

__all__ = ["EXPORT_KINDS", "ExportStoreMixin"]

EXPORT_KINDS: Final = (*KINDS, "shortlists", "decisions")


class ExportStoreMixin:
    """``export_frame(kind)`` for proposals, donors, history, shortlists and decisions."""

    frame: Callable[..., pd.DataFrame]
    decisions: Callable[..., pd.DataFrame]
    shortlists: Callable[[], pd.DataFrame]
    shortlist_items: Callable[[int], pd.DataFrame]
    shortlist: Callable[[int], dict[str, Any]]

    def export_frame(self, kind: str) -> pd.DataFrame:
        """A table ready to write as CSV/Excel (through :mod:`matcher.export`).

        ``proposals``, ``donors`` and ``history`` come in the contract's columns (tuples
        ``;``-joined) followed by any extra columns, so importing the export changes nothing;
        ``shortlists`` has one row per shortlisted proposal; ``decisions`` is the log.
        """
        from matcher.load import flatten  # the same on-disk form as ``validate --out``

        if kind in SPECS:
            return flatten(self.frame(kind).drop(columns=list(READER_COLUMNS)))
        if kind == "shortlists":
            return flatten(self._shortlists_export())
        if kind == "decisions":
            frame = self.decisions()
            frame["decided_at"] = frame["decided_at"].map(lambda t: t.isoformat())
            return frame
        raise ValueError(f"unknown export {kind!r}; expected one of {', '.join(EXPORT_KINDS)}")

    def _shortlists_export(self) -> pd.DataFrame:
        lists = self.shortlists()
        parts = []
        for details in lists.to_dict(orient="records"):
            items = self.shortlist_items(details["shortlist_id"])
            if items.empty:
                continue
            items.insert(0, "shortlist_id", details["shortlist_id"])
            items.insert(1, "event_name", details["event_name"])
            items.insert(2, "event_date", details["event_date"])
            items.insert(3, "donor_id", details["donor_id"])
            items.insert(4, "donor_name", details["donor_name"])
            items["shortlist_notes"] = details["notes"]
            parts.append(items)
        columns = [
            "shortlist_id",
            "event_name",
            "event_date",
            "donor_id",
            "donor_name",
            *SHORTLIST_ITEM_COLUMNS,
            "latest_status",
            "shortlist_notes",
        ]
        if not parts:
            return pd.DataFrame(columns=columns)
        frame = pd.concat(parts, ignore_index=True)[columns]
        frame["added_at"] = frame["added_at"].map(lambda t: t.isoformat())
        return frame
