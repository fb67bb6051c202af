"""Stored national targets: a government's GBF national targets, replaced whole on import.

Mixed into :class:`matcher.store.Store`. An Online Reporting Tool export is a government's
current set of national targets, so importing one replaces the stored targets of every
government it names (others are kept), in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import sqlalchemy as sa

from matcher.store.models import NationalTarget
from matcher.store.stamps import now, utc, who

__all__ = ["NationalTargetsMixin"]

_targets = NationalTarget.__table__


class NationalTargetsMixin:
    """Import and read the national-targets reference table."""

    _write: Callable[..., Any]
    _read_table: Callable[..., pd.DataFrame]

    def save_national_targets(
        self, frame: pd.DataFrame, *, filename: str, by: str | None = None
    ) -> dict[str, int]:
        """Store loaded national targets (``matcher.interchange.national_targets``).

        Returns per government (ISO3) how many targets it now has stored.
        """
        who_, when = who(by), now()
        governments = sorted(set(frame["government"].astype(str)))
        rows = [
            {
                "government": str(row["government"]),
                "government_name": str(row["government_name"]),
                "target_code": str(row["target_code"]),
                "title": str(row["title"]),
                "description": str(row["description"] or ""),
                "gbf_targets": [int(t) for t in row["gbf_targets"]],
                "alignment": [[int(t), str(d)] for t, d in row["alignment"]],
                "source_file": filename,
                "source_row": int(row["source_row"]) if pd.notna(row.get("source_row")) else None,
                "imported_at": when,
                "imported_by": who_,
            }
            for row in frame.to_dict(orient="records")
        ]

        def run(connection: sa.Connection) -> dict[str, int]:
            if governments:
                connection.execute(
                    sa.delete(_targets).where(_targets.c.government.in_(governments))
                )
            if rows:
                connection.execute(sa.insert(_targets), rows)
            return {g: sum(1 for r in rows if r["government"] == g) for g in governments}

        return self._write(run)

    def national_targets(self) -> pd.DataFrame:
        """Every stored national target, by government then code, in the loader's columns."""
        query = sa.select(_targets).order_by(_targets.c.government, _targets.c.target_code)
        frame = self._read_table(query, _targets).drop(columns="id")
        frame["gbf_targets"] = frame["gbf_targets"].map(lambda v: tuple(int(t) for t in v or ()))
        frame["alignment"] = frame["alignment"].map(
            lambda v: tuple((int(t), str(d)) for t, d in v or ())
        )
        frame["imported_at"] = frame["imported_at"].map(utc)
        return frame
