"""Reading contract frames: stored proposals, donors and history as the readers give them.

The frames have the same columns and types as ``matcher.load`` gives for the files, so the
ranking engine cannot tell the database from the files. :class:`ContractFramesMixin` is mixed
into :class:`matcher.store.Store`; it relies on the store's ``_read``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import sqlalchemy as sa

from matcher.store.errors import RecordNotFoundError
from matcher.store.records import SPECS, KindSpec, decode_rows

__all__ = ["ContractFramesMixin"]


class ContractFramesMixin:
    """``frame(kind)``, ``proposals()``, ``donors()``, ``history()`` and one ``record``."""

    _read: Callable[..., Any]

    def _table_rows(self, connection: sa.Connection, spec: KindSpec) -> list[Mapping[str, Any]]:
        table = spec.table
        # Rows in the order they were first imported, each batch in file order.
        order = (
            table.c.created_at,
            sa.func.coalesce(table.c.source_row, 0),
            table.c[spec.key_column],
        )
        return list(connection.execute(sa.select(table).order_by(*order)).mappings())

    def frame(self, kind: str, *, meta: bool = False) -> pd.DataFrame:
        """The stored rows of ``kind`` as a contract frame (same columns and types as the readers).

        With ``meta`` the row ``version`` (needed to save an edit), ``upload_id``,
        ``updated_at`` and ``updated_by`` come after ``notes``.
        """
        spec = SPECS[kind]
        rows = self._read(lambda connection: self._table_rows(connection, spec))
        return decode_rows(spec, rows, meta=meta)

    def proposals(self, *, meta: bool = False) -> pd.DataFrame:
        """Stored proposals as a contract frame, ready for the ranking engine."""
        return self.frame("proposals", meta=meta)

    def donors(self, *, meta: bool = False) -> pd.DataFrame:
        """Stored donors as a contract frame, ready for the ranking engine."""
        return self.frame("donors", meta=meta)

    def history(self, *, meta: bool = False) -> pd.DataFrame:
        """Stored funding history as a contract frame, ready for the ranking engine."""
        return self.frame("history", meta=meta)

    def record(self, kind: str, record_id: str) -> dict[str, Any]:
        """One stored record as a dict of contract values plus ``version`` and provenance."""
        spec = SPECS[kind]
        table = spec.table
        rows = self._read(
            lambda connection: list(
                connection.execute(
                    sa.select(table).where(table.c[spec.key_column] == record_id)
                ).mappings()
            )
        )
        if not rows:
            raise RecordNotFoundError(spec.record_kind, record_id)
        return decode_rows(spec, rows, meta=True).to_dict(orient="records")[0]
