"""Imports: proposals, donors and funding history read from a file land in the database.

An import is one transaction: it lands completely or not at all. New rows are added, changed
rows updated (the replaced version kept in ``record_versions``), unchanged rows left alone,
and the result reports each, cell by cell. :class:`ImportStoreMixin` is mixed into
:class:`matcher.store.Store`; it relies on the store's ``_write``, ``_read``,
``_read_table`` and ``_supersede``.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from matcher.contract import KINDS
from matcher.store.config import is_retryable
from matcher.store.models import Upload
from matcher.store.records import SPECS, KindSpec, changed_columns, encode_frame, filled_extras
from matcher.store.stamps import now as _now
from matcher.store.stamps import utc as _utc
from matcher.store.stamps import who as _who

__all__ = [
    "PAUSE_AFTER_ROWS_ENV",
    "PAUSE_SIGNAL_FILE_ENV",
    "ImportResult",
    "ImportStoreMixin",
    "frame_content_hash",
]

_CHUNK: Final = 200
PAUSE_AFTER_ROWS_ENV: Final = "LIFEWEB_STORE_TEST_PAUSE_AFTER_ROWS"
PAUSE_SIGNAL_FILE_ENV: Final = "LIFEWEB_STORE_TEST_PAUSE_SIGNAL_FILE"
"""Test-only hook: an import pauses inside its transaction after writing that many rows,
touching the signal file first, so a test can kill the process half way (tests/store)."""

_uploads = Upload.__table__


class _ConcurrentImport(Exception):
    """Another writer changed a row between this import's read and its write: start again."""


def _pause_for_crash_test(rows_written: int) -> None:
    """Let a test kill an import half way; does nothing unless the test variables are set."""
    pause_after = os.environ.get(PAUSE_AFTER_ROWS_ENV)
    if not pause_after or rows_written < int(pause_after):
        return
    signal_file = os.environ.get(PAUSE_SIGNAL_FILE_ENV)
    if signal_file:
        Path(signal_file).write_text(str(rows_written), encoding="utf-8")
    time.sleep(120)


@dataclass(frozen=True, eq=False)
class ImportResult:
    """What one import did, row by row.

    Attributes
    ----------
    kind, filename, content_hash
        What was imported.
    upload_id
        The upload recorded for it; ``None`` when nothing changed and the file was never
        imported before under that hash (re-importing the same file writes nothing).
    rows_in
        Rows in the file (loaded + rejected).
    added, updated, unchanged
        Record ids (for history: ``proposal|donor|year|n`` keys) in file order.
    changes
        One line per changed cell of an updated row: ``record_id``, ``column``, ``old``, ``new``.
    rejected
        The reader's rejected rows (``row``, ``column``, ``value``, ``reason``); never stored.
    """

    kind: str
    filename: str
    content_hash: str
    upload_id: int | None
    rows_in: int
    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    changes: pd.DataFrame = field(repr=False)
    rejected: pd.DataFrame = field(repr=False)
    n_rejected: int = 0

    @property
    def n_added(self) -> int:
        return len(self.added)

    @property
    def n_updated(self) -> int:
        return len(self.updated)

    @property
    def n_unchanged(self) -> int:
        return len(self.unchanged)

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.updated)

    def summary(self) -> str:
        """One paragraph a person can read: counts, then the ids that changed."""

        def listed(ids: Sequence[str], limit: int = 20) -> str:
            shown = ", ".join(ids[:limit])
            return shown + (f", ... ({len(ids) - limit} more)" if len(ids) > limit else "")

        lines = [
            f"{self.filename} ({self.kind}): {self.rows_in} rows: {self.n_added} added, "
            f"{self.n_updated} updated, {self.n_unchanged} unchanged, "
            f"{self.n_rejected} rejected."
        ]
        if self.added:
            lines.append(f"added: {listed(self.added)}")
        for record_id in self.updated[:20]:
            columns = self.changes.loc[self.changes["record_id"] == record_id, "column"]
            lines.append(f"updated {record_id}: {', '.join(columns)}")
        if self.n_updated > 20:
            lines.append(f"... and {self.n_updated - 20} more updated")
        if not self.changed_anything:
            lines.append("Nothing changed in the database.")
        return "\n".join(lines)


def _empty_changes() -> pd.DataFrame:
    return pd.DataFrame({"record_id": [], "column": [], "old": [], "new": []}, dtype="object")


def _empty_rejected() -> pd.DataFrame:
    return pd.DataFrame({"row": [], "column": [], "value": [], "reason": []}, dtype="object")


def _shown(value: Any) -> str:
    """A stored cell as a person reads it in a change report."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return str(value)


def _change_lines(
    record_id: str, columns: Sequence[str], old: Mapping[str, Any], new: Mapping[str, Any]
) -> list[dict[str, str]]:
    """One line per changed cell; a changed extra column is named as it is in the file."""
    lines = []
    for column in columns:
        if column != "extra":
            lines.append(
                {
                    "record_id": record_id,
                    "column": column,
                    "old": _shown(old[column]),
                    "new": _shown(new[column]),
                }
            )
            continue
        old_extras, new_extras = filled_extras(old["extra"]), filled_extras(new["extra"])
        for name in dict.fromkeys([*old_extras, *new_extras]):
            if old_extras.get(name) != new_extras.get(name):
                lines.append(
                    {
                        "record_id": record_id,
                        "column": name,
                        "old": _shown(old_extras.get(name)),
                        "new": _shown(new_extras.get(name)),
                    }
                )
    return lines


def frame_content_hash(spec: KindSpec, rows: Sequence[Mapping[str, Any]]) -> str:
    """A hash of the rows' content, for frames that did not come from a file."""
    payload = [[row[column] for column in spec.content_columns] for row in rows]
    text = json.dumps([spec.kind, payload], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ImportStoreMixin:
    """Import files and frames, seed the samples, and list the upload rounds."""

    _write: Callable[..., Any]
    _read: Callable[..., Any]
    _read_table: Callable[..., pd.DataFrame]
    _supersede: Callable[..., None]

    def import_file(
        self,
        path: str | os.PathLike[str],
        kind: str,
        *,
        round_name: str | None = None,
        by: str | None = None,
        encoding: str | None = None,
    ) -> ImportResult:
        """Read a proposals, donors or history file and import it (one transaction).

        Raises
        ------
        matcher.errors.UnreadableFileError
            The file cannot be read at all; nothing is written.
        """
        from matcher.load import load  # the readers; imported here to keep startup light

        path = Path(path)
        content = path.read_bytes()
        report = load(content, kind, filename=path.name, encoding=encoding)
        return self.import_report(
            report,
            filename=path.name,
            content_hash=hashlib.sha256(content).hexdigest(),
            round_name=round_name,
            by=by,
        )

    def import_report(
        self,
        report: Any,
        *,
        filename: str,
        content_hash: str,
        round_name: str | None = None,
        by: str | None = None,
    ) -> ImportResult:
        """Import the rows a reader loaded (a ``matcher.load.LoadReport``), as one upload round.

        Rejected rows are reported in the result, never stored.
        """
        return self.import_frame(
            report.frame,
            report.kind,
            filename=filename,
            content_hash=content_hash,
            round_name=round_name,
            by=by,
            rejected=report.rejected,
            n_rejected=report.n_rejected,
            rows_in=report.rows_in,
        )

    def import_frame(
        self,
        frame: pd.DataFrame,
        kind: str,
        *,
        filename: str,
        content_hash: str | None = None,
        round_name: str | None = None,
        by: str | None = None,
        rejected: pd.DataFrame | None = None,
        n_rejected: int = 0,
        rows_in: int | None = None,
    ) -> ImportResult:
        """Import a contract frame: add new rows, update changed ones, leave the rest alone.

        Parameters
        ----------
        frame
            Normalised rows in the contract's columns (``source_row``, ``notes`` and extra
            columns optional).
        kind
            ``"proposals"``, ``"donors"`` or ``"history"``.
        filename, content_hash
            Where the rows came from (recorded with the upload); the hash defaults to one of
            the rows' content.
        round_name
            A name for the upload round (e.g. ``"EOI call 2026"``).
        by
            Who imported it.

        Returns
        -------
        ImportResult

        Raises
        ------
        ValueError
            Unknown kind, a contract column missing, or the same id twice in ``frame``.
        """
        if kind not in SPECS:
            raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(SPECS)}")
        spec = SPECS[kind]
        rows = encode_frame(spec, frame)
        keys = spec.keys_for(frame)
        duplicates = sorted(key for key, count in Counter(keys).items() if count > 1)
        if duplicates:
            raise ValueError(f"the same {spec.key_column} appears twice: {', '.join(duplicates)}")
        if any(not key for key in keys):
            raise ValueError(f"every row needs a {spec.key_column}")
        content_hash = content_hash or frame_content_hash(spec, rows)
        who = _who(by)
        rejected_frame = rejected if rejected is not None else _empty_rejected()
        rows_in = rows_in if rows_in is not None else len(rows) + n_rejected

        def run(connection: sa.Connection) -> ImportResult:
            return self._import_rows(
                connection,
                spec,
                keys,
                rows,
                filename=filename,
                content_hash=content_hash,
                round_name=round_name,
                who=who,
                rejected=rejected_frame,
                n_rejected=n_rejected,
                rows_in=rows_in,
            )

        return self._write(
            run,
            retry_on=lambda error: (
                is_retryable(error) or isinstance(error, IntegrityError | _ConcurrentImport)
            ),
        )

    def _import_rows(
        self,
        connection: sa.Connection,
        spec: KindSpec,
        keys: list[str],
        rows: list[dict[str, Any]],
        *,
        filename: str,
        content_hash: str,
        round_name: str | None,
        who: str,
        rejected: pd.DataFrame,
        n_rejected: int,
        rows_in: int,
    ) -> ImportResult:
        table = spec.table
        key_column = table.c[spec.key_column]
        existing: dict[str, Mapping[str, Any]] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            for stored in connection.execute(
                sa.select(table).where(key_column.in_(chunk))
            ).mappings():
                existing[stored[spec.key_column]] = stored

        added: list[str] = []
        updated: list[tuple[str, dict[str, Any], Mapping[str, Any]]] = []
        unchanged: list[str] = []
        change_lines: list[dict[str, str]] = []
        for key, row in zip(keys, rows, strict=True):
            stored = existing.get(key)
            if stored is None:
                added.append(key)
                continue
            columns = changed_columns(spec, stored, row)
            if not columns:
                unchanged.append(key)
                continue
            updated.append((key, row, stored))
            change_lines.extend(_change_lines(key, columns, stored, row))
        changes = pd.DataFrame(change_lines) if change_lines else _empty_changes()

        def result(upload_id: int | None) -> ImportResult:
            return ImportResult(
                kind=spec.kind,
                filename=filename,
                content_hash=content_hash,
                upload_id=upload_id,
                rows_in=rows_in,
                added=tuple(added),
                updated=tuple(key for key, _row, _stored in updated),
                unchanged=tuple(unchanged),
                changes=changes,
                rejected=rejected,
                n_rejected=n_rejected,
            )

        if not added and not updated:
            previous = connection.execute(
                sa.select(sa.func.min(_uploads.c.id)).where(
                    _uploads.c.kind == spec.kind, _uploads.c.content_hash == content_hash
                )
            ).scalar()
            return result(previous)

        now = _now()
        upload_id = connection.execute(
            sa.insert(_uploads).values(
                kind=spec.kind,
                filename=filename,
                content_hash=content_hash,
                round_name=round_name,
                imported_at=now,
                imported_by=who,
                rows_in=rows_in,
                n_added=len(added),
                n_updated=len(updated),
                n_unchanged=len(unchanged),
                n_rejected=n_rejected,
            )
        ).inserted_primary_key[0]

        provenance = {"upload_id": upload_id, "updated_at": now, "updated_by": who}
        new_rows = [
            {spec.key_column: key, **row, **provenance, "version": 1, "created_at": now}
            for key, row in zip(keys, rows, strict=True)
            if key not in existing
        ]
        written = 0
        for start in range(0, len(new_rows), _CHUNK):
            chunk = new_rows[start : start + _CHUNK]
            connection.execute(sa.insert(table), chunk)
            written += len(chunk)
            _pause_for_crash_test(written)

        for key, row, stored in updated:
            outcome = connection.execute(
                sa.update(table)
                .where(key_column == key, table.c.version == stored["version"])
                .values(**row, **provenance, version=stored["version"] + 1)
            )
            if outcome.rowcount != 1:
                raise _ConcurrentImport(key)
            self._supersede(
                connection, spec.record_kind, key, stored, who, f"import of {filename}", upload_id
            )
            written += 1
            _pause_for_crash_test(written)
        return result(upload_id)

    def seed_if_empty(self, data_dir: str | os.PathLike[str]) -> dict[str, ImportResult]:
        """On first start, import ``proposals.csv``, ``donors.csv`` and ``history.csv``.

        Does nothing (returns ``{}``) when any of the three tables already holds a row, so
        a secretariat's own data is never mixed with the samples. Files that do not exist
        are skipped.
        """
        if not self.is_empty():
            return {}
        results = {}
        for kind in KINDS:
            path = Path(data_dir) / f"{kind}.csv"
            if path.is_file():
                results[kind] = self.import_file(path, kind, round_name="sample data")
        return results

    def is_empty(self) -> bool:
        """True when no proposal, donor or funding record is stored."""

        def run(connection: sa.Connection) -> bool:
            return all(
                connection.execute(sa.select(sa.func.count()).select_from(spec.table)).scalar() == 0
                for spec in SPECS.values()
            )

        return self._read(run)

    def uploads(self) -> pd.DataFrame:
        """Every upload round, newest last: file, hash, time, who, and what it changed."""
        query = sa.select(_uploads).order_by(_uploads.c.id)
        frame = self._read_table(query, _uploads, rename={"id": "upload_id"})
        frame["imported_at"] = frame["imported_at"].map(_utc)
        return frame
