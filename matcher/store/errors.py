"""Errors the persistence layer raises on purpose, with messages meant for a person."""

from __future__ import annotations

from matcher.errors import LifeWebMatchError

__all__ = ["DuplicateShortlistError", "RecordNotFoundError", "StaleWriteError", "StoreError"]


class StoreError(LifeWebMatchError):
    """Base class for persistence errors."""


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
