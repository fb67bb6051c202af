"""Remembered settings: small JSON values under a key (``column_map:proposals:h1a2b…``).

The upload page keeps a person's column mapping here under the header row's fingerprint,
so the next file with the same headers is read the same way without asking again.
:class:`SettingsStoreMixin` is mixed into :class:`matcher.store.Store` and uses its
``_read``/``_write`` transactions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa

from matcher.store.models import AppSetting
from matcher.store.stamps import now, who

__all__ = ["SettingsStoreMixin"]

T = TypeVar("T")
_settings = AppSetting.__table__


class SettingsStoreMixin:
    """``setting(key)`` and ``save_setting(key, value)`` on the store's database."""

    _read: Callable[..., Any]
    _write: Callable[..., Any]

    def setting(self, key: str) -> dict[str, Any] | None:
        """The value saved under ``key``, or ``None``."""

        def run(connection: sa.Connection) -> dict[str, Any] | None:
            row = connection.execute(
                sa.select(_settings.c.value).where(_settings.c.key == key)
            ).first()
            return None if row is None else dict(row[0])

        return self._read(run)

    def save_setting(self, key: str, value: dict[str, Any], *, by: str | None = None) -> None:
        """Save ``value`` (a JSON object) under ``key``, replacing what was there."""
        if not key or len(key) > 200:
            raise ValueError("a setting needs a key of 1 to 200 characters")
        person = who(by)

        def run(connection: sa.Connection) -> None:
            stamp = {"value": dict(value), "updated_at": now(), "updated_by": person}
            updated = connection.execute(
                sa.update(_settings).where(_settings.c.key == key).values(**stamp)
            )
            if updated.rowcount == 0:
                connection.execute(sa.insert(_settings).values(key=key, **stamp))

        self._write(run)
