"""The decision log: what was decided on each donor-proposal match, by whom and when.

One log for every outcome a person records: a decision on a shortlist, and a pledge or a
refusal at an event (:meth:`Store.record_step` writes it here too, in the same transaction),
so the shortlist, the event and the learned weights read the same truth. Rows are only ever
added; the database refuses an update or a delete.

:class:`DecisionStoreMixin` is mixed into :class:`matcher.store.Store`; it relies on the
store's ``_write``, ``_read_table`` and ``_require``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Final

import pandas as pd
import sqlalchemy as sa

from matcher.store.models import (
    DECISION_STATUSES,
    EVENT_OUTCOMES,
    Decision,
    Donor,
    Event,
    EventStep,
    Proposal,
    Shortlist,
    ShortlistItem,
)
from matcher.store.records import is_missing
from matcher.store.stamps import now, utc, who

__all__ = ["DECISION_LOG_COLUMNS", "DecisionStoreMixin", "insert_decision"]

_decisions = Decision.__table__
_proposals = Proposal.__table__
_donors = Donor.__table__
_shortlists = Shortlist.__table__
_items = ShortlistItem.__table__
_events = Event.__table__
_steps = EventStep.__table__

DECISION_LOG_COLUMNS: Final = (
    "decision_id",
    "proposal_id",
    "donor_id",
    "status",
    "amount",
    "currency",
    "note",
    "shortlist_id",
    "decided_at",
    "recorded_by",
)


def insert_decision(connection: sa.Connection, **values: Any) -> int:
    """Append one row to the log inside the caller's transaction; returns its id."""
    return int(connection.execute(sa.insert(_decisions).values(**values)).inserted_primary_key[0])


def _note_on_event(connection: sa.Connection, shortlist_id: int, values: dict[str, Any]) -> None:
    """A pledge or refusal recorded on an event's shortlist is that event's step too."""
    event_id = connection.execute(
        sa.select(_shortlists.c.event_id).where(_shortlists.c.id == shortlist_id)
    ).scalar()
    if event_id is None:
        return
    on_list = connection.execute(
        sa.select(sa.func.count())
        .select_from(_items)
        .where(
            _items.c.shortlist_id == shortlist_id,
            _items.c.proposal_id == values["proposal_id"],
        )
    ).scalar()
    if not on_list:
        return
    currency = (
        values["currency"]
        or connection.execute(
            sa.select(_events.c.currency).where(_events.c.id == event_id)
        ).scalar()
    )
    connection.execute(
        sa.insert(_steps).values(
            event_id=event_id,
            proposal_id=values["proposal_id"],
            donor_id=values["donor_id"],
            stage=values["status"],
            amount=values["amount"],
            currency=(currency or "") if values["status"] == "pledged" else "",
            note=values["note"],
            happened_at=values["decided_at"],
            recorded_by=values["recorded_by"],
        )
    )


class DecisionStoreMixin:
    """Record and read the decision log."""

    _write: Callable[..., Any]
    _read_table: Callable[..., pd.DataFrame]
    _require: Callable[..., None]

    def record_decision(
        self,
        proposal_id: str,
        donor_id: str,
        status: str,
        *,
        amount: float | None = None,
        currency: str = "",
        note: str = "",
        shortlist_id: int | None = None,
        decided_at: dt.datetime | None = None,
        by: str | None = None,
    ) -> int:
        """Append a decision on a match to the log (nothing in the log is ever changed).

        Parameters
        ----------
        status
            One of ``proposed``, ``contacted``, ``accepted``, ``pledged``, ``declined``,
            ``funded``. A pledge needs an amount above zero.
        amount, currency
            The amount pledged or funded, when there is one.
        shortlist_id
            The list it was recorded from. When that list is a donor's part of an event, a
            pledge or refusal is also the event's pipeline step (same who and when).
        decided_at
            When it happened (default: now).

        Returns
        -------
        int
            The decision's id.
        """
        status = status.strip().casefold()
        if status not in DECISION_STATUSES:
            raise ValueError(
                f"unknown decision {status!r}; expected one of {', '.join(DECISION_STATUSES)}"
            )
        amount_value = None if amount is None or is_missing(amount) else float(amount)
        if amount_value is not None and amount_value < 0:
            raise ValueError("a decision's amount cannot be negative")
        if status == "pledged" and not amount_value:
            raise ValueError("a pledge needs an amount above zero")
        when = decided_at or now()
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        values = {
            "proposal_id": proposal_id,
            "donor_id": donor_id,
            "status": status,
            "amount": amount_value,
            "currency": (currency or "").strip().upper(),
            "note": note,
            "shortlist_id": shortlist_id,
            "decided_at": when,
            "recorded_by": who(by),
        }

        def run(connection: sa.Connection) -> int:
            self._require(connection, _proposals, "proposal_id", proposal_id, "proposal")
            self._require(connection, _donors, "donor_id", donor_id, "donor")
            if shortlist_id is not None:
                self._require(connection, _shortlists, "id", shortlist_id, "shortlist")
                if status in EVENT_OUTCOMES:
                    _note_on_event(connection, shortlist_id, values)
            return insert_decision(connection, **values)

        return self._write(run)

    def decisions(
        self,
        *,
        proposal_id: str | None = None,
        donor_id: str | None = None,
        shortlist_id: int | None = None,
    ) -> pd.DataFrame:
        """The decision log in the order it was recorded, optionally for one proposal/donor/list.

        :data:`DECISION_LOG_COLUMNS`: who decided what (``status``) on which pair, when
        (``decided_at``, UTC) and who recorded it, pledges from events included.
        """
        query = sa.select(_decisions).order_by(_decisions.c.id)
        if proposal_id is not None:
            query = query.where(_decisions.c.proposal_id == proposal_id)
        if donor_id is not None:
            query = query.where(_decisions.c.donor_id == donor_id)
        if shortlist_id is not None:
            query = query.where(_decisions.c.shortlist_id == shortlist_id)
        frame = self._read_table(query, _decisions, rename={"id": "decision_id"})
        frame["amount"] = frame["amount"].astype("float64")
        frame["shortlist_id"] = frame["shortlist_id"].astype("Int64")
        frame["decided_at"] = frame["decided_at"].map(utc)
        return frame[list(DECISION_LOG_COLUMNS)]

    def latest_decisions(self) -> pd.DataFrame:
        """The newest decision for each (proposal, donor) pair: where each match stands now."""
        log = self.decisions()
        if log.empty:
            return log
        return log.drop_duplicates(["proposal_id", "donor_id"], keep="last").reset_index(drop=True)
