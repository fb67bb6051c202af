"""Who and when: the stamps every stored change carries, shared by the store's modules."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from typing import Any

import pandas as pd

from matcher.store.records import is_missing

__all__ = ["iso", "now", "parse_date", "utc", "who"]


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
