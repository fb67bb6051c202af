"""Errors the persistence layer raises on purpose, with messages meant for a person."""

from __future__ import annotations

from matcher.errors import LifeWebMatchError

__all__ = [
    "DatabaseBusyError",
    "DuplicateShortlistError",
    "MissingDriverError",
    "NewerSchemaError",
    "RecordNotFoundError",
    "StaleWriteError",
    "StoreError",
    "UnsupportedDatabaseError",
    "describe_database_error",
]


class StoreError(LifeWebMatchError):
    """Base class for persistence errors."""


class DatabaseBusyError(StoreError):
    """Another writer held the database for longer than the bounded wait; nothing was saved."""

    def __init__(self, waited_seconds: float | None = None) -> None:
        self.waited_seconds = waited_seconds
        detail = (
            f" (another import or edit held it for more than {waited_seconds:.0f} s)"
            if waited_seconds is not None
            else ""
        )
        super().__init__(f"the database is busy{detail}; nothing was saved; try again")


class MissingDriverError(StoreError, ImportError):
    """The URL needs a database driver that is not installed; the message names the extra."""


class UnsupportedDatabaseError(StoreError):
    """A database kind LifeWeb Match does not run on (only SQLite and PostgreSQL)."""


class NewerSchemaError(StoreError):
    """The database was written by a newer release: its schema revision is unknown here."""

    def __init__(self, url: str, revision: str, head: str) -> None:
        self.revision = revision
        self.head = head
        super().__init__(
            f"the database {url} was written by a newer LifeWeb Match (schema revision "
            f"{revision}; this one knows up to {head}); upgrade LifeWeb Match to use it "
            "(nothing was changed)"
        )


def describe_database_error(error: BaseException) -> str:
    """One line saying what the database said, without the SQL statement or parameters.

    SQLAlchemy's messages append ``[SQL: ...]``, ``[parameters: ...]`` and a background link
    over several lines; the driver's own first line is what a person can act on.
    """
    original = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    text = lines[0] if lines else type(original).__name__
    if text.startswith("(") and ") " in text:  # "(sqlite3.OperationalError) no such table"
        text = text.split(") ", 1)[1]
    return text[:300]


class StaleWriteError(StoreError):
    """Someone else saved the record after it was read: saving now would lose their change.

    Attributes
    ----------
    kind, record_id
        What was being saved.
    expected_version, current_version
        The version the writer started from and the one in the database now.
    """

    def __init__(
        self, kind: str, record_id: str, expected_version: int, current_version: int
    ) -> None:
        self.kind = kind
        self.record_id = record_id
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            f"{kind} {record_id!r} was changed by someone else while you were editing it "
            f"(you started from version {expected_version}, it is now at version "
            f"{current_version}). Nothing was saved: reload it to see their change, then "
            "make yours again."
        )


class RecordNotFoundError(StoreError, KeyError):
    """The record named does not exist in the database."""

    def __init__(self, kind: str, record_id: object) -> None:
        self.kind = kind
        self.record_id = record_id
        super().__init__(f"no {kind} with id {record_id!r} in the database")

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


class DuplicateShortlistError(StoreError, ValueError):
    """A shortlist for the same event and donor exists already: a second one would split it.

    Attributes
    ----------
    shortlist_id
        The existing list, so a page can open it instead.
    """

    def __init__(self, event_name: str, donor: str, shortlist_id: int) -> None:
        self.shortlist_id = shortlist_id
        super().__init__(
            f"There is already a shortlist for the event {event_name!r} with {donor}; "
            "nothing new was created."
        )
