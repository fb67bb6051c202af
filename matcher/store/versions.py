"""Record versions: edits of one proposal or donor, and the versions each change replaced.

Every change keeps the version it replaces in ``record_versions``, with who, when and why,
so a record's history can be read back; an edit made from a stale version is refused with
:class:`StaleWriteError`. :class:`VersionsMixin` is mixed into :class:`matcher.store.Store`;
it relies on the store's ``_write``, ``_read`` and ``record``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import sqlalchemy as sa

from matcher.store.errors import RecordNotFoundError, StaleWriteError
from matcher.store.models import RecordVersion
from matcher.store.records import SPECS, decode_rows, encode_value
from matcher.store.stamps import iso as _iso
from matcher.store.stamps import now as _now
from matcher.store.stamps import utc as _utc
from matcher.store.stamps import who as _who

__all__ = ["VersionsMixin"]

_versions = RecordVersion.__table__


class VersionsMixin:
    """Keep replaced versions, read a record's versions, and save edits of one record."""

    _write: Callable[..., Any]
    _read: Callable[..., Any]
    record: Callable[..., dict[str, Any]]

    def _supersede(
        self,
        connection: sa.Connection,
        record_kind: str,
        record_id: str,
        stored: Mapping[str, Any],
        who: str,
        reason: str,
        upload_id: int | None = None,
    ) -> None:
        """Keep the version about to be replaced in ``record_versions``."""
        connection.execute(
            sa.insert(_versions).values(
                record_kind=record_kind,
                record_id=record_id,
                version=stored["version"],
                data={name: _iso(value) for name, value in stored.items()},
                superseded_at=_now(),
                superseded_by=who,
                reason=reason,
                upload_id=upload_id,
            )
        )

    def versions(self, kind: str, record_id: str) -> pd.DataFrame:
        """Every version of one record, oldest first, the current one last.

        Columns: ``version``, ``superseded_at`` (NaT for the current one), ``superseded_by``,
        ``reason``, then the record's contract columns as they were.
        """
        spec = SPECS[kind]
        current = self.record(kind, record_id)
        rows = self._read(
            lambda connection: list(
                connection.execute(
                    sa.select(_versions)
                    .where(
                        _versions.c.record_kind == spec.record_kind,
                        _versions.c.record_id == record_id,
                    )
                    .order_by(_versions.c.version)
                ).mappings()
            )
        )
        lines = []
        for row in rows:
            data = row["data"]
            old = decode_rows(spec, [data], meta=False).iloc[0].to_dict()
            lines.append(
                {
                    "version": row["version"],
                    "superseded_at": _utc(row["superseded_at"]),
                    "superseded_by": row["superseded_by"],
                    "reason": row["reason"],
                    **{column: old[column] for column in spec.columns},
                }
            )
        lines.append(
            {
                "version": current["version"],
                "superseded_at": pd.NaT,
                "superseded_by": "",
                "reason": "current",
                **{column: current[column] for column in spec.columns},
            }
        )
        return pd.DataFrame(lines)

    # -- edits ----------------------------------------------------------------------------

    def update_proposal(
        self,
        proposal_id: str,
        changes: Mapping[str, Any],
        *,
        expected_version: int,
        by: str | None = None,
    ) -> int:
        """Save an edit of one proposal, made starting from ``expected_version``.

        Returns
        -------
        int
            The proposal's version after the edit (unchanged when nothing differed).

        Raises
        ------
        StaleWriteError
            Someone saved the proposal since ``expected_version``; nothing was written.
        RecordNotFoundError
            No such proposal.
        ValueError
            A column that is not an editable contract column.
        """
        return self._update_record("proposals", proposal_id, changes, expected_version, by)

    def update_donor(
        self,
        donor_id: str,
        changes: Mapping[str, Any],
        *,
        expected_version: int,
        by: str | None = None,
    ) -> int:
        """Save an edit of one donor profile; see :meth:`update_proposal`."""
        return self._update_record("donors", donor_id, changes, expected_version, by)

    def _update_record(
        self,
        kind: str,
        record_id: str,
        changes: Mapping[str, Any],
        expected_version: int,
        by: str | None,
    ) -> int:
        spec = SPECS[kind]
        editable = set(spec.columns) - {spec.key_column}
        unknown = sorted(set(changes) - editable)
        if unknown:
            raise ValueError(
                f"cannot edit {', '.join(unknown)} of a {spec.record_kind}; editable columns: "
                f"{', '.join(c for c in spec.columns if c in editable)}"
            )
        encoded = {column: encode_value(column, value) for column, value in changes.items()}
        for required in ("title", "name"):
            if required in encoded and not encoded[required].strip():
                raise ValueError(f"a {spec.record_kind} needs a non-empty title or name")
        who = _who(by)
        table = spec.table
        key_column = table.c[spec.key_column]

        def run(connection: sa.Connection) -> int:
            stored = (
                connection.execute(sa.select(table).where(key_column == record_id))
                .mappings()
                .first()
            )
            if stored is None:
                raise RecordNotFoundError(spec.record_kind, record_id)
            if stored["version"] != expected_version:
                raise StaleWriteError(
                    spec.record_kind, record_id, expected_version, stored["version"]
                )
            if all(stored[column] == value for column, value in encoded.items()):
                return int(stored["version"])
            outcome = connection.execute(
                sa.update(table)
                .where(key_column == record_id, table.c.version == expected_version)
                .values(
                    **encoded,
                    version=expected_version + 1,
                    updated_at=_now(),
                    updated_by=who,
                )
            )
            if outcome.rowcount != 1:
                current = connection.execute(
                    sa.select(table.c.version).where(key_column == record_id)
                ).scalar()
                raise StaleWriteError(spec.record_kind, record_id, expected_version, current)
            # The update above holds the row lock and proved ``stored`` is still current.
            self._supersede(connection, spec.record_kind, record_id, stored, who, "edit")
            return expected_version + 1

        return self._write(run)
