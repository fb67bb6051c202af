"""A cheap answer to "did the stored content change since I read it?", for caches.

Mixed into :class:`matcher.store.Store`. Every write to proposals, donors or funding history
either adds a row or counts a new ``version`` of one (``updated_at`` moves too), and an import
of national targets re-inserts them with a new ``imported_at``; weight sets are only added. So a few aggregates per table
(row count, sum of versions, newest stamp) change with every write, whichever process or
person made it, and cost one small query instead of reading and hashing every row. The app
keys its shared caches on this text rather than on a time to live.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

import sqlalchemy as sa

from matcher.store.models import NationalTarget, WeightSet
from matcher.store.records import SPECS

__all__ = ["CONTENT_KINDS", "ContentVersionMixin"]

CONTENT_KINDS: Final = ("proposals", "donors", "history", "national_targets", "weight_sets")
"""What :meth:`ContentVersionMixin.content_version` can be asked about."""


def _aggregates(kind: str) -> list[sa.ScalarSelect[Any]]:
    """The per-table aggregates that change with every write to ``kind``."""
    if kind == "national_targets":
        table = NationalTarget.__table__
        stamps = [sa.func.max(table.c.id), sa.func.max(table.c.imported_at)]
    elif kind == "weight_sets":
        table = WeightSet.__table__
        stamps = [sa.func.max(table.c.id), sa.func.max(table.c.adopted_at)]
    elif kind in SPECS:
        table = SPECS[kind].table
        stamps = [
            sa.func.coalesce(sa.func.sum(table.c.version), 0),
            sa.func.max(table.c.updated_at),
        ]
    else:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(CONTENT_KINDS)}")
    return [
        sa.select(aggregate).select_from(table).scalar_subquery()
        for aggregate in (sa.func.count(), *stamps)
    ]


class ContentVersionMixin:
    """``content_version``: one query whose answer changes with every write to the tables."""

    _read: Callable[..., Any]

    def content_version(self, kinds: Sequence[str] = ("proposals", "donors", "history")) -> str:
        """A short text that differs after any row of ``kinds`` is added, edited or removed.

        Two calls return the same text exactly when nothing of those kinds was written in
        between (by this process or any other), so it can key a cache shared by sessions.
        """
        columns = [aggregate for kind in kinds for aggregate in _aggregates(kind)]
        row = self._read(lambda connection: connection.execute(sa.select(*columns)).one())
        per_kind = len(columns) // max(len(kinds), 1)
        return ";".join(
            f"{kind}:" + "/".join(str(value) for value in row[i * per_kind : (i + 1) * per_kind])
            for i, kind in enumerate(kinds)
        )
