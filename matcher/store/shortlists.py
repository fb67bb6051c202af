"""Shortlists: a donor's (or all donors') list of proposals for an event, in order, with notes.

Every change to a shortlist or its items counts a new version of the list and keeps the
previous state in ``record_versions`` (kind ``shortlist``); a change made from a stale
version is refused. A shortlist is one donor's view of an event, attached to it by name and
date. :class:`ShortlistStoreMixin` is mixed into :class:`matcher.store.Store`; it relies on
the store's ``_write``, ``_read``, ``_require``, ``_supersede`` and ``latest_decisions``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import pandas as pd
import sqlalchemy as sa

from matcher.store.errors import RecordNotFoundError
from matcher.store.events import attach_event
from matcher.store.models import Donor, Proposal, Shortlist, ShortlistItem
from matcher.store.shortlist_names import refuse_duplicate_shortlist
from matcher.store.stamps import bump_version
from matcher.store.stamps import iso as _iso
from matcher.store.stamps import now as _now
from matcher.store.stamps import parse_date as _parse_date
from matcher.store.stamps import utc as _utc
from matcher.store.stamps import who as _who

__all__ = ["SHORTLIST_ITEM_COLUMNS", "ShortlistStoreMixin"]

_UNSET: Final = object()
SHORTLIST_ITEM_COLUMNS: Final = (
    "position",
    "proposal_id",
    "title",
    "countries",
    "requested_amount",
    "currency",
    "note",
    "added_at",
    "added_by",
)
"""What :meth:`ShortlistStoreMixin.shortlist_items` gives per proposal, before ``latest_status``."""

_shortlists = Shortlist.__table__
_items = ShortlistItem.__table__
_proposals = Proposal.__table__
_donors = Donor.__table__


class ShortlistStoreMixin:
    """Create, read, fill, order, annotate and edit shortlists."""

    _write: Callable[..., Any]
    _read: Callable[..., Any]
    _require: Callable[..., None]
    _supersede: Callable[..., None]
    latest_decisions: Callable[[], pd.DataFrame]

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

        frame = pd.DataFrame.from_records(self._read(run), columns=list(SHORTLIST_ITEM_COLUMNS))
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
