"""Who and when: the stamps every stored change carries, shared by the store's modules."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from typing import Any

import pandas as pd
import sqlalchemy as sa

from matcher.store.errors import RecordNotFoundError, StaleWriteError
from matcher.store.records import is_missing

__all__ = ["bump_version", "iso", "now", "parse_date", "utc", "who"]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def who(by: str | None) -> str:
    """Who is recording: the name given, else ``$LIFEWEB_USER``, else the login name."""
    if by and by.strip():
        return by.strip()
    try:
        return os.environ.get("LIFEWEB_USER") or getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no login name in some containers
        return "unknown"


def iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


def utc(value: Any) -> pd.Timestamp | Any:
    if value is None:
        return pd.NaT
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def parse_date(value: Any) -> dt.date | None:
    """An event date from a date, a datetime or an ISO ``YYYY-MM-DD`` string."""
    if value is None or value == "" or is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as error:
        raise ValueError(f"event date {value!r} is not a date like 2026-03-15") from error


def bump_version(
    connection: sa.Connection,
    table: sa.Table,
    record_id: int,
    expected_version: int | None,
    by: str,
    *,
    kind: str,
) -> None:
    """Count a new version of one row (``id``, ``version``, ``updated_at``, ``updated_by``),
    which also locks it, so two people editing the same record are serialised; a stale
    ``expected_version`` raises ``StaleWriteError`` and a missing row ``RecordNotFoundError``."""
    condition = table.c.id == record_id
    if expected_version is not None:
        condition = condition & (table.c.version == expected_version)
    outcome = connection.execute(
        sa.update(table)
        .where(condition)
        .values(version=table.c.version + 1, updated_at=now(), updated_by=by)
    )
    if outcome.rowcount != 1:
        current = connection.execute(
            sa.select(table.c.version).where(table.c.id == record_id)
        ).scalar()
        if current is None:
            raise RecordNotFoundError(kind, record_id)
        raise StaleWriteError(kind, str(record_id), expected_version or 0, current)
