"""What happens at an event: the pipeline log of each donor-proposal pair and the meetings.

Mixed into :class:`matcher.store.Store` through :class:`matcher.store.events.EventStoreMixin`;
relies on the store's ``_write``, ``_read_table`` and the event helpers ``_event_row`` and
``_bump_event``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import sqlalchemy as sa

from matcher.store.decisions import insert_decision
from matcher.store.errors import RecordNotFoundError
from matcher.store.models import (
    EVENT_OUTCOMES,
    EVENT_STAGES,
    EventMeeting,
    EventStep,
    Shortlist,
    ShortlistItem,
)
from matcher.store.records import is_missing
from matcher.store.stamps import now, utc, who
from matcher.words import counted, noun

__all__ = ["EventActivityMixin", "amount_or_none", "currency_code"]

_steps = EventStep.__table__
_meetings = EventMeeting.__table__
_shortlists = Shortlist.__table__
_items = ShortlistItem.__table__


def currency_code(code: str | None) -> str:
    text = (code or "").strip().upper()
    if text and (len(text) != 3 or not text.isalpha()):
        raise ValueError(f"currency {code!r} is not a three-letter code like USD or EUR")
    return text


def amount_or_none(value: Any, what: str) -> float | None:
    if value is None or is_missing(value):
        return None
    number = float(value)
    if number < 0:
        raise ValueError(f"{what} cannot be negative")
    return number


class EventActivityMixin:
    """The pipeline log and the meeting schedule of an event."""

    _write: Callable[..., Any]
    _read_table: Callable[..., pd.DataFrame]
    _event_row: Callable[..., Mapping[str, Any]]
    _bump_event: Callable[..., int]

    # -- the pipeline ---------------------------------------------------------------------

    def record_step(
        self,
        event_id: int,
        proposal_id: str,
        donor_id: str,
        stage: str,
        *,
        amount: float | None = None,
        currency: str = "",
        note: str = "",
        happened_at: dt.datetime | None = None,
        by: str | None = None,
    ) -> int:
        """Append a pipeline step for a donor-proposal pair of the event; returns its id.

        ``pledged`` needs a positive amount (its currency defaults to the event's); the
        other stages carry no amount. The pair must be on the event's list. A pledge or a
        refusal is a decision too: it goes to the decision log in the same transaction, on
        the donor's shortlist of the event, with the same who and when, so the shortlist
        shows what the event recorded.
        """
        step = (stage or "").strip().casefold()
        if step not in EVENT_STAGES:
            raise ValueError(f"unknown stage {stage!r}; expected one of {', '.join(EVENT_STAGES)}")
        value = amount_or_none(amount, "a pledge")
        if step == "pledged" and not value:
            raise ValueError("a pledge needs an amount above zero")
        if step != "pledged" and value is not None:
            raise ValueError(f"only a pledge carries an amount, not {step!r}")
        code = currency_code(currency)
        when = happened_at or now()
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        who_ = who(by)

        def run(connection: sa.Connection) -> int:
            event = self._event_row(connection, event_id)
            shortlist_id = connection.execute(
                sa.select(sa.func.min(_shortlists.c.id))
                .select_from(_items.join(_shortlists))
                .where(
                    _shortlists.c.event_id == event_id,
                    _shortlists.c.donor_id == donor_id,
                    _items.c.proposal_id == proposal_id,
                )
            ).scalar()
            if shortlist_id is None:
                raise RecordNotFoundError(
                    f"row of event {event_id} for donor {donor_id}", proposal_id
                )
            values = {
                "proposal_id": proposal_id,
                "donor_id": donor_id,
                "amount": value,
                "currency": (code or event["currency"]) if step == "pledged" else "",
                "note": note,
                "recorded_by": who_,
            }
            step_id = int(
                connection.execute(
                    sa.insert(_steps).values(
                        stage=step, happened_at=when, event_id=event_id, **values
                    )
                ).inserted_primary_key[0]
            )
            if step in EVENT_OUTCOMES:
                insert_decision(
                    connection, status=step, decided_at=when, shortlist_id=shortlist_id, **values
                )
            return step_id

        return self._write(run)

    def event_pipeline(self, event_id: int) -> pd.DataFrame:
        """The event's pipeline log in the order it was recorded."""
        query = sa.select(_steps).where(_steps.c.event_id == event_id).order_by(_steps.c.id)
        frame = self._read_table(query, _steps, rename={"id": "step_id"})
        frame["amount"] = frame["amount"].astype("float64")
        frame["happened_at"] = frame["happened_at"].map(utc)
        return frame

    # -- the schedule ---------------------------------------------------------------------

    def event_meetings(self, event_id: int) -> pd.DataFrame:
        """The event's meetings: ``donor_id``, ``delegation``, ``slot``, ``table``, ``score``,
        ``locked``, by slot then table."""
        query = (
            sa.select(_meetings)
            .where(_meetings.c.event_id == event_id)
            .order_by(_meetings.c.slot, _meetings.c.table_no)
        )
        frame = self._read_table(query, _meetings, rename={"table_no": "table"})
        frame = frame.drop(columns=["event_id"])
        frame["score"] = frame["score"].astype("float64")
        frame["locked"] = frame["locked"].astype(bool)
        return frame

    def save_meetings(
        self,
        event_id: int,
        meetings: pd.DataFrame,
        *,
        expected_version: int | None = None,
        by: str | None = None,
    ) -> int:
        """Replace the event's schedule with ``meetings`` (``donor_id``, ``delegation``,
        ``slot``, ``table``, optional ``score`` and ``locked``); returns the new version.

        Raises
        ------
        ValueError
            A pair twice, two meetings at one table in one slot, a party in two meetings
            at once, or a slot or table outside the event's frame.
        """
        frame = meetings.copy()
        if "score" not in frame:
            frame["score"] = float("nan")
        if "locked" not in frame:
            frame["locked"] = False
        _check_meetings(frame)
        who_ = who(by)

        def run(connection: sa.Connection) -> int:
            event = self._event_row(connection, event_id)
            outside = frame[
                (frame["slot"] < 1)
                | (frame["slot"] > event["n_slots"])
                | (frame["table"] < 1)
                | (frame["table"] > event["n_tables"])
            ]
            if not outside.empty:
                raise ValueError(
                    f"{counted(len(outside), 'meeting')} "
                    f"{noun(len(outside), 'falls', 'fall')} outside the event's "
                    f"{counted(int(event['n_slots']), 'slot')} and "
                    f"{counted(int(event['n_tables']), 'table')}"
                )
            version = self._bump_event(
                connection,
                event_id,
                expected_version,
                who_,
                f"schedule of {counted(len(frame), 'meeting')}",
            )
            connection.execute(sa.delete(_meetings).where(_meetings.c.event_id == event_id))
            for row in frame.itertuples(index=False):
                connection.execute(
                    sa.insert(_meetings).values(
                        event_id=event_id,
                        donor_id=str(row.donor_id),
                        delegation=str(row.delegation),
                        slot=int(row.slot),
                        table_no=int(row.table),
                        score=None if pd.isna(row.score) else float(row.score),
                        locked=bool(row.locked),
                    )
                )
            return version

        return self._write(run)


def _check_meetings(frame: pd.DataFrame) -> None:
    """A schedule a room can hold: each pair once, one meeting per table and party per slot."""
    for column in ("donor_id", "delegation", "slot", "table"):
        if column not in frame:
            raise ValueError(f"a schedule needs a {column} column")
    checks = (
        (["donor_id", "delegation"], "the same donor and delegation meet twice"),
        (["slot", "table"], "two meetings share a table in one slot"),
        (["slot", "donor_id"], "a donor is in two meetings at once"),
        (["slot", "delegation"], "a delegation is in two meetings at once"),
    )
    for keys, message in checks:
        twice = frame[frame.duplicated(keys, keep=False)]
        if not twice.empty:
            first = twice.iloc[0]
            where = ", ".join(f"{k} {first[k]}" for k in keys)
            raise ValueError(f"{message} ({where})")
