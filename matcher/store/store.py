"""The store: everything LifeWeb Match keeps between sessions, behind one object.

Writes are whole transactions run with retries (a busy SQLite file or a PostgreSQL
serialization failure is tried again from the start); a lost update is never retried but
reported with :class:`StaleWriteError`. An import is one transaction: it lands completely or
not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeVar

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError

from matcher.contract import KINDS
from matcher.store.config import (
    WRITE_OPTION,
    create_store_engine,
    is_retryable,
    resolve_url,
    with_retries,
)
from matcher.store.decisions import DecisionStoreMixin
from matcher.store.errors import RecordNotFoundError, StaleWriteError
from matcher.store.events import EventStoreMixin, attach_event
from matcher.store.migrate import check_revision, current_revision, head_revision, upgrade
from matcher.store.models import (
    Decision,
    Donor,
    Proposal,
    RecordVersion,
    Shortlist,
    ShortlistItem,
    Upload,
)
from matcher.store.national_targets import NationalTargetsMixin
from matcher.store.records import (
    READER_COLUMNS,
    SPECS,
    KindSpec,
    changed_columns,
    decode_rows,
    encode_frame,
    encode_value,
    filled_extras,
)
from matcher.store.settings import SettingsStoreMixin
from matcher.store.shortlist_names import refuse_duplicate_shortlist
from matcher.store.stamps import bump_version
from matcher.store.stamps import iso as _iso
from matcher.store.stamps import now as _now
from matcher.store.stamps import parse_date as _parse_date
from matcher.store.stamps import utc as _utc
from matcher.store.stamps import who as _who

__all__ = ["EXPORT_KINDS", "ImportResult", "Store", "open_store", "read_inputs"]

T = TypeVar("T")

EXPORT_KINDS: Final = (*KINDS, "shortlists", "decisions")
_CHUNK: Final = 200
PAUSE_AFTER_ROWS_ENV: Final = "LIFEWEB_STORE_TEST_PAUSE_AFTER_ROWS"
PAUSE_SIGNAL_FILE_ENV: Final = "LIFEWEB_STORE_TEST_PAUSE_SIGNAL_FILE"
"""Test-only hook: an import pauses inside its transaction after writing that many rows,
touching the signal file first, so a test can kill the process half way (tests/store)."""

_UNSET: Final = object()

_uploads = Upload.__table__
_versions = RecordVersion.__table__
_shortlists = Shortlist.__table__
_items = ShortlistItem.__table__
_decisions = Decision.__table__
_proposals = Proposal.__table__
_donors = Donor.__table__


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


def open_store(
    url: str | os.PathLike[str] | URL | None = None,
    *,
    echo: bool = False,
    read_only: bool = False,
) -> Store:
    """Open (and create or upgrade in place) the LifeWeb Match database.

    Parameters
    ----------
    url
        SQLAlchemy URL or SQLite file path; default ``$LIFEWEB_DB_URL``, else
        ``var/lifeweb.db`` under the current directory.
    echo
        Log every SQL statement (debugging).
    read_only
        Open an existing database for reading only, never upgrading it (commands that only
        read; works in a read-only folder). Writes then fail.

    Returns
    -------
    Store
        Ready to use, its schema at the newest revision.

    Examples
    --------
    >>> store = open_store("sqlite:////tmp/lifeweb-example.db")  # doctest: +SKIP
    >>> store.import_file("data/proposals.csv", "proposals").summary()  # doctest: +SKIP
    """
    resolved = url if isinstance(url, URL) else resolve_url(url)
    engine = create_store_engine(resolved, echo=echo, read_only=read_only)
    try:
        if read_only:
            shown = resolved.render_as_string(hide_password=True)
            if check_revision(engine, shown=shown) != head_revision():
                _upgrade_if_writable(resolved)
                check_revision(engine, need_head=True, shown=shown)
        else:
            with_retries(lambda: upgrade(engine))
    except Exception:
        engine.dispose()
        raise
    return Store(engine, url=resolved)


def _upgrade_if_writable(url: URL) -> None:
    """Bring an older database to the newest schema before a read-only open, when it can be
    written at all (a database in a read-only folder is then refused with the reason)."""
    if url.get_backend_name() == "sqlite":
        folder = Path(url.database or ".").parent
        if not (os.access(folder, os.W_OK) and os.access(url.database or "", os.W_OK)):
            return
    engine = create_store_engine(url)
    try:
        with_retries(lambda: upgrade(engine))
    except Exception:  # the read-only check that follows says why it cannot be used
        return
    finally:
        engine.dispose()


def read_inputs(
    url: str | os.PathLike[str] | URL | None = None, *, read_only: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Proposals, donors and funding history from the database, as the ranking engine takes them.

    The frames have the same columns and types as ``matcher.load`` gives for the files, so
    ``rank_matches(*read_inputs(url))`` ranks exactly as it would from the files.
    """
    with open_store(url, read_only=read_only) as store:
        return store.proposals(), store.donors(), store.history()


class Store(NationalTargetsMixin, EventStoreMixin, DecisionStoreMixin, SettingsStoreMixin):
    """Proposals, donors, funding history, events, shortlists and decisions in one database.

    Use :func:`open_store` to get one; it is safe to share between threads.
    """

    def __init__(self, engine: sa.Engine, *, url: URL | None = None) -> None:
        self.engine = engine
        self._write_engine = engine.execution_options(**{WRITE_OPTION: True})
        self._url = url or engine.url

    # -- plumbing -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The database URL with any password hidden."""
        return self._url.render_as_string(hide_password=True)

    def schema_revision(self) -> str | None:
        """The schema revision the database is at (``"0002"``, ...)."""
        return current_revision(self.engine)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def _write(
        self,
        action: Callable[[sa.Connection], T],
        *,
        retry_on: Callable[[BaseException], bool] = is_retryable,
    ) -> T:
        def attempt() -> T:
            with self._write_engine.begin() as connection:
                return action(connection)

        return with_retries(attempt, retry_on=retry_on)

    def _read(self, action: Callable[[sa.Connection], T]) -> T:
        def attempt() -> T:
            with self.engine.begin() as connection:
                return action(connection)

        return with_retries(attempt)

    def _table_rows(self, connection: sa.Connection, spec: KindSpec) -> list[Mapping[str, Any]]:
        table = spec.table
        # Rows in the order they were first imported, each batch in file order.
        order = (
            table.c.created_at,
            sa.func.coalesce(table.c.source_row, 0),
            table.c[spec.key_column],
        )
        return list(connection.execute(sa.select(table).order_by(*order)).mappings())

    # -- imports --------------------------------------------------------------------------

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
        columns = [c.name for c in _uploads.columns]
        rows = self._read(
            lambda connection: list(
                connection.execute(sa.select(_uploads).order_by(_uploads.c.id)).mappings()
            )
        )
        frame = pd.DataFrame.from_records(rows, columns=columns).rename(columns={"id": "upload_id"})
        frame["imported_at"] = frame["imported_at"].map(_utc)
        return frame

    # -- reading contract frames ----------------------------------------------------------

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

    # -- shortlists -----------------------------------------------------------------------

    def create_shortlist(
        self,
        event_name: str,
        *,
        event_date: dt.date | str | None = None,
        donor_id: str | None = None,
        notes: str = "",
        by: str | None = None,
    ) -> int:
        """Start a shortlist for an event (e.g. a regional roundtable), optionally for one donor.

        Returns
        -------
        int
            The new shortlist's id.
        """
        if not event_name or not event_name.strip():
            raise ValueError("a shortlist needs an event name")
        event_day = _parse_date(event_date)
        who = _who(by)

        def run(connection: sa.Connection) -> int:
            if donor_id is not None:
                self._require(connection, _donors, "donor_id", donor_id, "donor")
            refuse_duplicate_shortlist(connection, event_name.strip(), donor_id)
            now = _now()
            # A shortlist is one donor's view of an event: same name and date, same event.
            event_id = attach_event(connection, event_name.strip(), event_day, donor_id, who)
            return int(
                connection.execute(
                    sa.insert(_shortlists).values(
                        event_name=event_name.strip(),
                        event_date=event_day,
                        donor_id=donor_id,
                        notes=notes,
                        version=1,
                        created_at=now,
                        created_by=who,
                        updated_at=now,
                        updated_by=who,
                        event_id=event_id,
                    )
                ).inserted_primary_key[0]
            )

        return self._write(run)

    def shortlists(self) -> pd.DataFrame:
        """Every shortlist: ``shortlist_id``, event, date, donor, notes, size, version, who/when."""

        def run(connection: sa.Connection) -> list[Mapping[str, Any]]:
            n_items = (
                sa.select(sa.func.count())
                .where(_items.c.shortlist_id == _shortlists.c.id)
                .scalar_subquery()
            )
            query = (
                sa.select(
                    _shortlists.c.id.label("shortlist_id"),
                    _shortlists.c.event_name,
                    _shortlists.c.event_date,
                    _shortlists.c.donor_id,
                    _donors.c.name.label("donor_name"),
                    _shortlists.c.notes,
                    n_items.label("n_proposals"),
                    _shortlists.c.version,
                    _shortlists.c.created_at,
                    _shortlists.c.created_by,
                    _shortlists.c.updated_at,
                    _shortlists.c.updated_by,
                )
                .select_from(_shortlists.outerjoin(_donors))
                .order_by(_shortlists.c.id)
            )
            return list(connection.execute(query).mappings())

        rows = self._read(run)
        columns = [
            "shortlist_id",
            "event_name",
            "event_date",
            "donor_id",
            "donor_name",
            "notes",
            "n_proposals",
            "version",
            "created_at",
            "created_by",
            "updated_at",
            "updated_by",
        ]
        frame = pd.DataFrame.from_records(rows, columns=columns)
        frame["event_date"] = frame["event_date"].map(lambda d: d.isoformat() if d else "")
        frame["donor_id"] = frame["donor_id"].fillna("")
        frame["donor_name"] = frame["donor_name"].fillna("")
        for column in ("created_at", "updated_at"):
            frame[column] = frame[column].map(_utc)
        return frame

    def shortlist(self, shortlist_id: int) -> dict[str, Any]:
        """One shortlist's details (as in :meth:`shortlists`)."""
        frame = self.shortlists()
        match = frame[frame["shortlist_id"] == shortlist_id]
        if match.empty:
            raise RecordNotFoundError("shortlist", shortlist_id)
        return match.iloc[0].to_dict()

    def shortlist_items(self, shortlist_id: int) -> pd.DataFrame:
        """The proposals on a shortlist in their order, with title, countries, amount, note.

        ``latest_status`` is the newest decision recorded for the proposal with the
        shortlist's donor ("" when none, or when the shortlist has no donor).
        """
        details = self.shortlist(shortlist_id)

        def run(connection: sa.Connection) -> list[Mapping[str, Any]]:
            query = (
                sa.select(
                    _items.c.position,
                    _items.c.proposal_id,
                    _proposals.c.title,
                    _proposals.c.countries,
                    _proposals.c.requested_amount,
                    _proposals.c.currency,
                    _items.c.note,
                    _items.c.added_at,
                    _items.c.added_by,
                )
                .select_from(_items.join(_proposals))
                .where(_items.c.shortlist_id == shortlist_id)
                .order_by(_items.c.position)
            )
            return list(connection.execute(query).mappings())

        rows = self._read(run)
        frame = pd.DataFrame.from_records(
            rows,
            columns=[
                "position",
                "proposal_id",
                "title",
                "countries",
                "requested_amount",
                "currency",
                "note",
                "added_at",
                "added_by",
            ],
        )
        frame["countries"] = frame["countries"].map(lambda value: tuple(value or ()))
        frame["requested_amount"] = frame["requested_amount"].astype("float64")
        frame["added_at"] = frame["added_at"].map(_utc)
        statuses: dict[str, str] = {}
        if details["donor_id"]:
            latest = self.latest_decisions()
            latest = latest[latest["donor_id"] == details["donor_id"]]
            statuses = dict(zip(latest["proposal_id"], latest["status"], strict=True))
        frame["latest_status"] = frame["proposal_id"].map(lambda pid: statuses.get(pid, ""))
        return frame

    def _require(
        self,
        connection: sa.Connection,
        table: sa.Table,
        column: str,
        value: Any,
        label: str,
    ) -> None:
        found = connection.execute(
            sa.select(sa.func.count()).select_from(table).where(table.c[column] == value)
        ).scalar()
        if not found:
            raise RecordNotFoundError(label, value)

    def _bump_shortlist(
        self,
        connection: sa.Connection,
        shortlist_id: int,
        expected_version: int | None,
        who: str,
        reason: str,
    ) -> int:
        """Lock the shortlist, check the version, keep its current state, and count a new version.

        Every change to a shortlist or its items goes through here first, so two people
        editing the same list are serialised and a stale one is told.
        """
        bump_version(connection, _shortlists, shortlist_id, expected_version, who, kind="shortlist")
        stored = (
            connection.execute(sa.select(_shortlists).where(_shortlists.c.id == shortlist_id))
            .mappings()
            .one()
        )
        items = connection.execute(
            sa.select(_items.c.proposal_id, _items.c.position, _items.c.note)
            .where(_items.c.shortlist_id == shortlist_id)
            .order_by(_items.c.position)
        ).mappings()
        previous = {
            **{name: _iso(value) for name, value in stored.items()},
            "version": stored["version"] - 1,
            "items": [dict(item) for item in items],
        }
        self._supersede(connection, "shortlist", str(shortlist_id), previous, who, reason)
        return int(stored["version"])

    def _item_ids(self, connection: sa.Connection, shortlist_id: int) -> list[str]:
        return list(
            connection.execute(
                sa.select(_items.c.proposal_id)
                .where(_items.c.shortlist_id == shortlist_id)
                .order_by(_items.c.position)
            ).scalars()
        )

    def add_to_shortlist(
        self,
        shortlist_id: int,
        proposal_id: str,
        *,
        note: str = "",
        expected_version: int | None = None,
        by: str | None = None,
    ) -> int:
        """Put a proposal at the end of a shortlist; returns the shortlist's new version.

        Raises
        ------
        ValueError
            The proposal is already on the shortlist.
        RecordNotFoundError
            No such shortlist or proposal.
        StaleWriteError
            ``expected_version`` given and the shortlist changed since.
        """
        who = _who(by)

        def run(connection: sa.Connection) -> int:
            self._require(connection, _proposals, "proposal_id", proposal_id, "proposal")
            version = self._bump_shortlist(
                connection, shortlist_id, expected_version, who, f"add {proposal_id}"
            )
            ids = self._item_ids(connection, shortlist_id)
            if proposal_id in ids:
                raise ValueError(f"proposal {proposal_id!r} is already on shortlist {shortlist_id}")
            connection.execute(
                sa.insert(_items).values(
                    shortlist_id=shortlist_id,
                    proposal_id=proposal_id,
                    position=len(ids) + 1,
                    note=note,
                    added_at=_now(),
                    added_by=who,
                )
            )
            return version

        return self._write(run)

    def remove_from_shortlist(
        self,
        shortlist_id: int,
        proposal_id: str,
        *,
        expected_version: int | None = None,
        by: str | None = None,
    ) -> int:
        """Take a proposal off a shortlist (the others close up); returns the new version."""
        who = _who(by)

        def run(connection: sa.Connection) -> int:
            version = self._bump_shortlist(
                connection, shortlist_id, expected_version, who, f"remove {proposal_id}"
            )
            ids = self._item_ids(connection, shortlist_id)
            if proposal_id not in ids:
                raise RecordNotFoundError(f"proposal on shortlist {shortlist_id}", proposal_id)
            connection.execute(
                sa.delete(_items).where(
                    _items.c.shortlist_id == shortlist_id, _items.c.proposal_id == proposal_id
                )
            )
            self._renumber(connection, shortlist_id, [pid for pid in ids if pid != proposal_id])
            return version

        return self._write(run)

    def reorder_shortlist(
        self,
        shortlist_id: int,
        proposal_ids: Sequence[str],
        *,
        expected_version: int | None = None,
        by: str | None = None,
    ) -> int:
        """Put a shortlist's proposals in the order given (all of them, each once)."""
        who = _who(by)
        wanted = [str(pid) for pid in proposal_ids]

        def run(connection: sa.Connection) -> int:
            version = self._bump_shortlist(
                connection, shortlist_id, expected_version, who, "reorder"
            )
            ids = self._item_ids(connection, shortlist_id)
            if sorted(ids) != sorted(wanted):
                raise ValueError(
                    "a new order must name every proposal on the shortlist exactly once; "
                    f"the shortlist holds {', '.join(ids) or 'nothing'}"
                )
            self._renumber(connection, shortlist_id, wanted)
            return version

        return self._write(run)

    def _renumber(self, connection: sa.Connection, shortlist_id: int, order: Sequence[str]) -> None:
        for position, proposal_id in enumerate(order, start=1):
            connection.execute(
                sa.update(_items)
                .where(_items.c.shortlist_id == shortlist_id, _items.c.proposal_id == proposal_id)
                .values(position=position)
            )

    def annotate_shortlist_item(
        self,
        shortlist_id: int,
        proposal_id: str,
        note: str,
        *,
        expected_version: int | None = None,
        by: str | None = None,
    ) -> int:
        """Set the note on one proposal of a shortlist; returns the shortlist's new version."""
        who = _who(by)

        def run(connection: sa.Connection) -> int:
            version = self._bump_shortlist(
                connection, shortlist_id, expected_version, who, f"note on {proposal_id}"
            )
            outcome = connection.execute(
                sa.update(_items)
                .where(_items.c.shortlist_id == shortlist_id, _items.c.proposal_id == proposal_id)
                .values(note=note)
            )
            if outcome.rowcount != 1:
                raise RecordNotFoundError(f"proposal on shortlist {shortlist_id}", proposal_id)
            return version

        return self._write(run)

    def update_shortlist(
        self,
        shortlist_id: int,
        *,
        expected_version: int | None = None,
        event_name: str | None = None,
        event_date: Any = _UNSET,
        donor_id: Any = _UNSET,
        notes: str | None = None,
        by: str | None = None,
    ) -> int:
        """Change a shortlist's event, date, donor or notes; returns its new version."""
        values: dict[str, Any] = {}
        if event_name is not None:
            if not event_name.strip():
                raise ValueError("a shortlist needs an event name")
            values["event_name"] = event_name.strip()
        if event_date is not _UNSET:
            values["event_date"] = _parse_date(event_date)
        if donor_id is not _UNSET:
            values["donor_id"] = donor_id or None
        if notes is not None:
            values["notes"] = notes
        who = _who(by)

        def run(connection: sa.Connection) -> int:
            if values.get("donor_id"):
                self._require(connection, _donors, "donor_id", values["donor_id"], "donor")
            version = self._bump_shortlist(connection, shortlist_id, expected_version, who, "edit")
            if values:
                connection.execute(
                    sa.update(_shortlists).where(_shortlists.c.id == shortlist_id).values(**values)
                )
                stored = (
                    connection.execute(
                        sa.select(_shortlists).where(_shortlists.c.id == shortlist_id)
                    )
                    .mappings()
                    .one()
                )
                event_id = attach_event(
                    connection, stored["event_name"], stored["event_date"], stored["donor_id"], who
                )
                connection.execute(
                    sa.update(_shortlists)
                    .where(_shortlists.c.id == shortlist_id)
                    .values(event_id=event_id)
                )
            return version

        return self._write(run)

    # -- exports --------------------------------------------------------------------------

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
            "position",
            "proposal_id",
            "title",
            "countries",
            "requested_amount",
            "currency",
            "note",
            "added_at",
            "added_by",
            "latest_status",
            "shortlist_notes",
        ]
        if not parts:
            return pd.DataFrame(columns=columns)
        frame = pd.concat(parts, ignore_index=True)[columns]
        frame["added_at"] = frame["added_at"].map(lambda t: t.isoformat())
        return frame
