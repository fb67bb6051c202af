"""Events in the database: the roundtable, its list across donors, its pipeline and schedule.

An event holds its details (name, date, place, currency, schedule frame), its participating
donors with the budget each brings, the countries invited, and its list: the items of the
shortlists attached to it, one shortlist per donor (and one for "all donors"), so the
per-donor shortlists are views of the event. Every change to an event counts a new version
and keeps the previous state in ``record_versions`` (kind ``event``), with who, when and
why: that is the event's history. The pipeline (invited, met, interested, pledged,
declined) is an append-only log of its own.

:class:`EventStoreMixin` is mixed into :class:`matcher.store.Store`; it relies on the
store's ``_write``, ``_read``, ``_supersede`` and ``_require``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, TypeVar

import pandas as pd
import sqlalchemy as sa

from matcher.store.errors import RecordNotFoundError
from matcher.store.event_activity import EventActivityMixin, amount_or_none, currency_code
from matcher.store.models import (
    Donor,
    Event,
    EventCountry,
    EventDonor,
    EventMeeting,
    EventStep,
    Proposal,
    RecordVersion,
    Shortlist,
    ShortlistItem,
)
from matcher.store.stamps import bump_version, iso, now, parse_date, utc, who

__all__ = ["EVENT_COLUMNS", "EventStoreMixin", "attach_event"]

T = TypeVar("T")

_events = Event.__table__
_event_donors = EventDonor.__table__
_countries = EventCountry.__table__
_steps = EventStep.__table__
_meetings = EventMeeting.__table__
_shortlists = Shortlist.__table__
_items = ShortlistItem.__table__
_proposals = Proposal.__table__
_donors = Donor.__table__
_versions = RecordVersion.__table__

_UNSET: Final = object()
SCHEDULE_DEFAULTS: Final = {"n_slots": 6, "n_tables": 4, "first_slot": "09:00", "slot_minutes": 30}
EVENT_COLUMNS: Final = (
    "event_id",
    "name",
    "event_date",
    "place",
    "currency",
    "notes",
    "n_slots",
    "n_tables",
    "first_slot",
    "slot_minutes",
    "n_donors",
    "n_rows",
    "version",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
)
ROW_COLUMNS: Final = (
    "shortlist_id",
    "donor_id",
    "donor_name",
    "position",
    "proposal_id",
    "title",
    "countries",
    "requested_amount",
    "secured_amount",
    "currency",
    "status",
    "note",
    "added_at",
    "added_by",
)


def _find_event(connection: sa.Connection, name: str, day: dt.date | None) -> int | None:
    same_day = _events.c.event_date.is_(None) if day is None else _events.c.event_date == day
    return connection.execute(
        sa.select(sa.func.min(_events.c.id)).where(_events.c.name == name, same_day)
    ).scalar()


def _insert_event(
    connection: sa.Connection,
    name: str,
    day: dt.date | None,
    who_: str,
    *,
    place: str = "",
    currency: str = "USD",
    notes: str = "",
) -> int:
    stamp = now()
    return int(
        connection.execute(
            sa.insert(_events).values(
                name=name,
                event_date=day,
                place=place,
                currency=currency or "USD",
                notes=notes,
                **SCHEDULE_DEFAULTS,
                version=1,
                created_at=stamp,
                created_by=who_,
                updated_at=stamp,
                updated_by=who_,
            )
        ).inserted_primary_key[0]
    )


def _ensure_donor(connection: sa.Connection, event_id: int, donor_id: str, who_: str) -> bool:
    """Make ``donor_id`` a participating donor of the event; True when it was not one yet."""
    found = connection.execute(
        sa.select(sa.func.count())
        .select_from(_event_donors)
        .where(_event_donors.c.event_id == event_id, _event_donors.c.donor_id == donor_id)
    ).scalar()
    if found:
        return False
    connection.execute(
        sa.insert(_event_donors).values(
            event_id=event_id,
            donor_id=donor_id,
            budget=None,
            budget_currency="",
            added_at=now(),
            added_by=who_,
        )
    )
    return True


def attach_event(
    connection: sa.Connection,
    name: str,
    day: dt.date | None,
    donor_id: str | None,
    who_: str,
) -> int:
    """The event a shortlist of that name and date belongs to (created when there is none).

    The shortlist store calls this when a list is created or renamed, so two donors' lists
    for the same roundtable are one event's list.
    """
    event_id = _find_event(connection, name, day)
    if event_id is None:
        event_id = _insert_event(connection, name, day, who_)
    if donor_id:
        _ensure_donor(connection, event_id, donor_id, who_)
    return int(event_id)


class EventStoreMixin(EventActivityMixin):
    """Events, their lists across donors, pipeline, budgets and meetings (see module docs)."""

    _write: Callable[..., Any]
    _read: Callable[..., Any]
    _supersede: Callable[..., None]
    _require: Callable[..., None]

    # -- the event itself -----------------------------------------------------------------

    def create_event(
        self,
        name: str,
        *,
        event_date: dt.date | str | None = None,
        place: str = "",
        currency: str = "USD",
        notes: str = "",
        donor_ids: Iterable[str] = (),
        countries: Iterable[str] = (),
        by: str | None = None,
    ) -> int:
        """Store a new event; returns its id.

        Raises
        ------
        ValueError
            No name, a currency that is not a three-letter code, or an event with that name
            and date already exists (its list is the place to add to).
        RecordNotFoundError
            A donor that is not stored.
        """
        title = (name or "").strip()
        if not title:
            raise ValueError("an event needs a name")
        day = parse_date(event_date)
        code = currency_code(currency) or "USD"
        who_ = who(by)
        donors = [str(d) for d in dict.fromkeys(donor_ids) if str(d).strip()]
        invited = sorted({str(c).strip().upper() for c in countries if str(c).strip()})

        def run(connection: sa.Connection) -> int:
            if _find_event(connection, title, day) is not None:
                raise ValueError(
                    f"an event named {title!r} on {day or 'no date'} exists already; add to it"
                )
            for donor_id in donors:
                self._require(connection, _donors, "donor_id", donor_id, "donor")
            event_id = _insert_event(
                connection, title, day, who_, place=place.strip(), currency=code, notes=notes
            )
            for donor_id in donors:
                _ensure_donor(connection, event_id, donor_id, who_)
            for country in invited:
                connection.execute(sa.insert(_countries).values(event_id=event_id, country=country))
            return event_id

        return self._write(run)

    def events(self) -> pd.DataFrame:
        """Every event, oldest first, with its number of donors and list rows."""

        def run(connection: sa.Connection) -> list[Mapping[str, Any]]:
            n_donors = (
                sa.select(sa.func.count())
                .where(_event_donors.c.event_id == _events.c.id)
                .scalar_subquery()
            )
            n_rows = (
                sa.select(sa.func.count())
                .select_from(_items.join(_shortlists))
                .where(_shortlists.c.event_id == _events.c.id)
                .scalar_subquery()
            )
            query = sa.select(
                _events.c.id.label("event_id"),
                *(_events.c[c] for c in EVENT_COLUMNS[1:10]),
                n_donors.label("n_donors"),
                n_rows.label("n_rows"),
                *(_events.c[c] for c in EVENT_COLUMNS[12:]),
            ).order_by(_events.c.id)
            return list(connection.execute(query).mappings())

        frame = pd.DataFrame.from_records(self._read(run), columns=list(EVENT_COLUMNS))
        frame["event_date"] = frame["event_date"].map(lambda d: d.isoformat() if d else "")
        for column in ("created_at", "updated_at"):
            frame[column] = frame[column].map(utc)
        return frame

    def event(self, event_id: int) -> dict[str, Any]:
        """One event's details (as in :meth:`events`) plus ``countries`` invited (a tuple)."""
        frame = self.events()
        match = frame[frame["event_id"] == int(event_id)]
        if match.empty:
            raise RecordNotFoundError("event", event_id)
        details = match.iloc[0].to_dict()
        details["countries"] = self.event_countries(int(event_id))
        return details

    def update_event(
        self,
        event_id: int,
        *,
        expected_version: int | None = None,
        name: str | None = None,
        event_date: Any = _UNSET,
        place: str | None = None,
        currency: str | None = None,
        notes: str | None = None,
        n_slots: int | None = None,
        n_tables: int | None = None,
        first_slot: str | None = None,
        slot_minutes: int | None = None,
        by: str | None = None,
    ) -> int:
        """Change an event's details or schedule frame; returns its new version.

        A new name or date is carried to the event's shortlists, which show it.
        """
        values: dict[str, Any] = {}
        if name is not None:
            if not name.strip():
                raise ValueError("an event needs a name")
            values["name"] = name.strip()
        if event_date is not _UNSET:
            values["event_date"] = parse_date(event_date)
        if place is not None:
            values["place"] = place.strip()
        if currency is not None:
            values["currency"] = currency_code(currency) or "USD"
        if notes is not None:
            values["notes"] = notes
        for column, value in (
            ("n_slots", n_slots),
            ("n_tables", n_tables),
            ("slot_minutes", slot_minutes),
        ):
            if value is not None:
                if int(value) < 1:
                    raise ValueError(f"{column.replace('_', ' ')} must be at least 1")
                values[column] = int(value)
        if first_slot is not None:
            try:
                dt.time.fromisoformat(first_slot.strip())
            except ValueError as error:
                raise ValueError(f"first slot {first_slot!r} is not a time like 09:00") from error
            values["first_slot"] = first_slot.strip()
        who_ = who(by)

        def run(connection: sa.Connection) -> int:
            version = self._bump_event(connection, event_id, expected_version, who_, "edit")
            if values:
                connection.execute(
                    sa.update(_events).where(_events.c.id == event_id).values(**values)
                )
            shown = {
                column: values[key]
                for key, column in (("name", "event_name"), ("event_date", "event_date"))
                if key in values
            }
            if shown:
                connection.execute(
                    sa.update(_shortlists).where(_shortlists.c.event_id == event_id).values(**shown)
                )
            return version

        return self._write(run)

    # -- donors, budgets and countries ----------------------------------------------------

    def event_donors(self, event_id: int) -> pd.DataFrame:
        """The participating donors: ``donor_id``, ``name``, the ``budget`` and
        ``budget_currency`` they bring to this event (NaN / "" when not given), and the
        stored ``annual_budget`` and ``currency`` of their profile, to start from."""
        query = (
            sa.select(
                _event_donors.c.donor_id,
                _donors.c.name,
                _event_donors.c.budget,
                _event_donors.c.budget_currency,
                _donors.c.annual_budget,
                _donors.c.currency,
                _event_donors.c.added_at,
                _event_donors.c.added_by,
            )
            .select_from(_event_donors.join(_donors))
            .where(_event_donors.c.event_id == event_id)
            .order_by(_donors.c.name, _event_donors.c.donor_id)
        )
        rows = self._read(lambda connection: list(connection.execute(query).mappings()))
        frame = pd.DataFrame.from_records(
            rows,
            columns=[
                "donor_id",
                "name",
                "budget",
                "budget_currency",
                "annual_budget",
                "currency",
                "added_at",
                "added_by",
            ],
        )
        for column in ("budget", "annual_budget"):
            frame[column] = frame[column].astype("float64")
        frame["added_at"] = frame["added_at"].map(utc)
        return frame

    def add_event_donor(self, event_id: int, donor_id: str, *, by: str | None = None) -> int:
        """Make a donor take part in the event; returns the event's version."""
        who_ = who(by)

        def run(connection: sa.Connection) -> int:
            self._require(connection, _donors, "donor_id", donor_id, "donor")
            version = self._bump_event(connection, event_id, None, who_, f"donor {donor_id}")
            _ensure_donor(connection, event_id, donor_id, who_)
            return version

        return self._write(run)

    def set_event_budget(
        self,
        event_id: int,
        donor_id: str,
        budget: float | None,
        currency: str = "",
        *,
        by: str | None = None,
    ) -> int:
        """The budget a donor brings to this event (``None`` clears it); returns the version."""
        amount = amount_or_none(budget, "a budget")
        code = currency_code(currency)
        who_ = who(by)

        def run(connection: sa.Connection) -> int:
            self._require(connection, _donors, "donor_id", donor_id, "donor")
            version = self._bump_event(
                connection, event_id, None, who_, f"budget of {donor_id}: {amount} {code}".strip()
            )
            _ensure_donor(connection, event_id, donor_id, who_)
            connection.execute(
                sa.update(_event_donors)
                .where(_event_donors.c.event_id == event_id, _event_donors.c.donor_id == donor_id)
                .values(budget=amount, budget_currency=code)
            )
            return version

        return self._write(run)

    def event_countries(self, event_id: int) -> tuple[str, ...]:
        """The countries invited to the event (ISO 3166 alpha-3), sorted."""
        query = (
            sa.select(_countries.c.country)
            .where(_countries.c.event_id == event_id)
            .order_by(_countries.c.country)
        )
        return tuple(self._read(lambda connection: list(connection.execute(query).scalars())))

    def set_event_countries(
        self, event_id: int, countries: Iterable[str], *, by: str | None = None
    ) -> int:
        """Replace the countries invited to the event; returns its new version."""
        wanted = sorted({str(c).strip().upper() for c in countries if str(c).strip()})
        bad = [c for c in wanted if len(c) != 3 or not c.isalpha()]
        if bad:
            raise ValueError(f"not ISO 3166 alpha-3 country codes: {', '.join(bad)}")
        who_ = who(by)

        def run(connection: sa.Connection) -> int:
            version = self._bump_event(connection, event_id, None, who_, "invited countries")
            connection.execute(sa.delete(_countries).where(_countries.c.event_id == event_id))
            for country in wanted:
                connection.execute(sa.insert(_countries).values(event_id=event_id, country=country))
            return version

        return self._write(run)

    # -- the list across donors -----------------------------------------------------------

    def add_to_event(
        self,
        event_id: int,
        proposal_id: str,
        *,
        donor_id: str | None = None,
        note: str = "",
        by: str | None = None,
    ) -> int:
        """Put a proposal on the event's list for a donor (or for all donors).

        The row lands on that donor's shortlist of the event (made when there is none yet);
        adding a proposal already on it changes nothing. Returns the shortlist's id.
        """
        who_ = who(by)
        donor = donor_id or None

        def run(connection: sa.Connection) -> int:
            self._require(connection, _proposals, "proposal_id", proposal_id, "proposal")
            if donor is not None:
                self._require(connection, _donors, "donor_id", donor, "donor")
            event = self._event_row(connection, event_id)
            donor_match = (
                _shortlists.c.donor_id.is_(None)
                if donor is None
                else _shortlists.c.donor_id == donor
            )
            shortlist_id = connection.execute(
                sa.select(sa.func.min(_shortlists.c.id)).where(
                    _shortlists.c.event_id == event_id, donor_match
                )
            ).scalar()
            stamp = now()
            if shortlist_id is None:
                shortlist_id = connection.execute(
                    sa.insert(_shortlists).values(
                        event_name=event["name"],
                        event_date=event["event_date"],
                        donor_id=donor,
                        notes="",
                        version=1,
                        created_at=stamp,
                        created_by=who_,
                        updated_at=stamp,
                        updated_by=who_,
                        event_id=event_id,
                    )
                ).inserted_primary_key[0]
            on_list = list(
                connection.execute(
                    sa.select(_items.c.proposal_id).where(_items.c.shortlist_id == shortlist_id)
                ).scalars()
            )
            if proposal_id in on_list:
                return int(shortlist_id)
            label = f"add {proposal_id}" + (f" for {donor}" if donor else " for all donors")
            self._bump_event(connection, event_id, None, who_, label)
            self._bump_list(connection, int(shortlist_id), who_, label)
            if donor is not None:
                _ensure_donor(connection, event_id, donor, who_)
            connection.execute(
                sa.insert(_items).values(
                    shortlist_id=shortlist_id,
                    proposal_id=proposal_id,
                    position=len(on_list) + 1,
                    note=note,
                    added_at=stamp,
                    added_by=who_,
                )
            )
            return int(shortlist_id)

        return self._write(run)

    def event_rows(self, event_id: int) -> pd.DataFrame:
        """The event's list across donors: one row per (donor, proposal), donors by name and
        each donor's proposals in their shortlist order (``donor_id`` "" for all donors)."""

        def run(connection: sa.Connection) -> list[Mapping[str, Any]]:
            self._event_row(connection, event_id)
            query = (
                sa.select(
                    _shortlists.c.id.label("shortlist_id"),
                    _shortlists.c.donor_id,
                    _donors.c.name.label("donor_name"),
                    _items.c.position,
                    _items.c.proposal_id,
                    _proposals.c.title,
                    _proposals.c.countries,
                    _proposals.c.requested_amount,
                    _proposals.c.secured_amount,
                    _proposals.c.currency,
                    _proposals.c.status,
                    _items.c.note,
                    _items.c.added_at,
                    _items.c.added_by,
                )
                .select_from(
                    _items.join(_shortlists)
                    .join(_proposals, _items.c.proposal_id == _proposals.c.proposal_id)
                    .outerjoin(_donors, _shortlists.c.donor_id == _donors.c.donor_id)
                )
                .where(_shortlists.c.event_id == event_id)
                .order_by(sa.func.coalesce(_donors.c.name, ""), _shortlists.c.id, _items.c.position)
            )
            return list(connection.execute(query).mappings())

        frame = pd.DataFrame.from_records(self._read(run), columns=list(ROW_COLUMNS))
        frame["donor_id"] = frame["donor_id"].fillna("").astype(str)
        frame["donor_name"] = frame["donor_name"].fillna("").astype(str)
        frame["countries"] = frame["countries"].map(lambda value: tuple(value or ()))
        for column in ("requested_amount", "secured_amount"):
            frame[column] = frame[column].astype("float64")
        frame["added_at"] = frame["added_at"].map(utc)
        return frame

    # -- history --------------------------------------------------------------------------

    def event_history(self, event_id: int) -> pd.DataFrame:
        """What happened to the event, oldest first: ``version``, ``when``, ``by``, ``what``.

        Each line is one change (the state before it is kept in ``record_versions``); the
        last line is the current version.
        """
        details = self.event(event_id)
        query = (
            sa.select(
                _versions.c.version,
                _versions.c.superseded_at,
                _versions.c.superseded_by,
                _versions.c.reason,
            )
            .where(_versions.c.record_kind == "event", _versions.c.record_id == str(event_id))
            .order_by(_versions.c.version)
        )
        rows = self._read(lambda connection: list(connection.execute(query).mappings()))
        lines = [
            {
                "version": int(row["version"]) + 1,
                "when": utc(row["superseded_at"]),
                "by": row["superseded_by"],
                "what": row["reason"],
            }
            for row in rows
        ]
        created = {
            "version": 1,
            "when": details["created_at"],
            "by": details["created_by"],
            "what": "created",
        }
        return pd.DataFrame([created, *lines], columns=["version", "when", "by", "what"])

    # -- plumbing -------------------------------------------------------------------------

    def _event_row(self, connection: sa.Connection, event_id: int) -> Mapping[str, Any]:
        row = (
            connection.execute(sa.select(_events).where(_events.c.id == event_id))
            .mappings()
            .first()
        )
        if row is None:
            raise RecordNotFoundError("event", event_id)
        return row

    def _bump_event(
        self,
        connection: sa.Connection,
        event_id: int,
        expected_version: int | None,
        who_: str,
        reason: str,
    ) -> int:
        """Lock the event, check the version, keep its current state, count a new version."""
        bump_version(connection, _events, event_id, expected_version, who_, kind="event")
        stored = self._event_row(connection, event_id)
        previous = {
            **{name: iso(value) for name, value in stored.items()},
            "version": stored["version"] - 1,
            "donors": [
                {k: iso(v) for k, v in row.items()}
                for row in connection.execute(
                    sa.select(_event_donors).where(_event_donors.c.event_id == event_id)
                ).mappings()
            ],
            "countries": list(
                connection.execute(
                    sa.select(_countries.c.country).where(_countries.c.event_id == event_id)
                ).scalars()
            ),
            "rows": [
                dict(row)
                for row in connection.execute(
                    sa.select(_shortlists.c.donor_id, _items.c.proposal_id, _items.c.note)
                    .select_from(_items.join(_shortlists))
                    .where(_shortlists.c.event_id == event_id)
                    .order_by(_shortlists.c.id, _items.c.position)
                ).mappings()
            ],
            "meetings": [
                dict(row)
                for row in connection.execute(
                    sa.select(_meetings).where(_meetings.c.event_id == event_id)
                ).mappings()
            ],
        }
        self._supersede(connection, "event", str(event_id), previous, who_, reason)
        return int(stored["version"])

    def _bump_list(
        self, connection: sa.Connection, shortlist_id: int, who_: str, reason: str
    ) -> None:
        """Count a new version of a shortlist changed through its event (history kept)."""
        bump: Callable[..., int] = self._bump_shortlist  # type: ignore[attr-defined]
        bump(connection, shortlist_id, None, who_, reason)
