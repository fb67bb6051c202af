"""The database tables, as SQLAlchemy 2 declarative models.

These models describe the schema at the newest migration; the migrations in
``matcher/store/migrations/versions`` are what actually create and upgrade it (a test checks
the two agree). Multi-valued contract cells (tuples) are stored as JSON arrays, which keeps
ints as ints and text as text, so they come back exactly as they went in.

Every editable row carries a ``version`` counter: a write names the version it started from
and fails with :class:`~matcher.store.errors.StaleWriteError` when someone else saved first.
The previous content of an edited row goes to ``record_versions``; ``decisions`` is an
append-only log (the database itself refuses updates and deletes).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "DECISION_STATUSES",
    "EVENT_OUTCOMES",
    "EVENT_STAGES",
    "Base",
    "Decision",
    "Donor",
    "Event",
    "EventCountry",
    "EventDonor",
    "EventMeeting",
    "EventStep",
    "FundingRecord",
    "NationalTarget",
    "Proposal",
    "RecordVersion",
    "Shortlist",
    "ShortlistItem",
    "TextEmbedding",
    "Upload",
    "WeightSet",
]

DECISION_STATUSES: Final = ("proposed", "contacted", "accepted", "pledged", "declined", "funded")
EVENT_STAGES: Final = ("invited", "met", "interested", "pledged", "declined")
EVENT_OUTCOMES: Final = ("pledged", "declined")
"""The event stages that are decisions too: written to both logs in one transaction."""

Timestamp = sa.DateTime(timezone=True)


class Base(DeclarativeBase):
    """Declarative base; constraint names follow one convention so migrations can name them."""

    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        dict[str, Any]: sa.JSON,
        list[Any]: sa.JSON,
        dt.datetime: Timestamp,
    }


class Upload(Base):
    """One imported file: where a stored row came from."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    filename: Mapped[str] = mapped_column(sa.Text)
    content_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    round_name: Mapped[str | None] = mapped_column(sa.Text)
    imported_at: Mapped[dt.datetime]
    imported_by: Mapped[str] = mapped_column(sa.Text)
    rows_in: Mapped[int]
    n_added: Mapped[int]
    n_updated: Mapped[int]
    n_unchanged: Mapped[int]
    n_rejected: Mapped[int]


class _Tracked:
    """Provenance and optimistic-locking columns shared by proposals, donors and history."""

    extra: Mapped[list[Any]] = mapped_column(sa.JSON)
    notes: Mapped[str] = mapped_column(sa.Text)
    source_row: Mapped[int | None]
    upload_id: Mapped[int | None] = mapped_column(sa.ForeignKey("uploads.id"))
    version: Mapped[int]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    updated_by: Mapped[str] = mapped_column(sa.Text)


class Proposal(_Tracked, Base):
    __tablename__ = "proposals"

    proposal_id: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    title: Mapped[str] = mapped_column(sa.Text)
    countries: Mapped[list[Any]] = mapped_column(sa.JSON)
    summary: Mapped[str] = mapped_column(sa.Text)
    description: Mapped[str] = mapped_column(sa.Text)
    objectives: Mapped[str] = mapped_column(sa.Text)
    requested_amount: Mapped[float | None] = mapped_column(sa.Float)
    secured_amount: Mapped[float | None] = mapped_column(sa.Float)
    currency: Mapped[str] = mapped_column(sa.Text)
    aichi_targets: Mapped[list[Any]] = mapped_column(sa.JSON)
    gbf_targets: Mapped[list[Any]] = mapped_column(sa.JSON)
    nbsap_alignment: Mapped[str] = mapped_column(sa.Text)
    ecosystems: Mapped[list[Any]] = mapped_column(sa.JSON)
    submitted_on: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.Text)


class Donor(_Tracked, Base):
    __tablename__ = "donors"

    donor_id: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    name: Mapped[str] = mapped_column(sa.Text)
    aliases: Mapped[list[Any]] = mapped_column(sa.JSON)
    donor_type: Mapped[str] = mapped_column(sa.Text)
    priorities: Mapped[str] = mapped_column(sa.Text)
    aichi_targets: Mapped[list[Any]] = mapped_column(sa.JSON)
    gbf_targets: Mapped[list[Any]] = mapped_column(sa.JSON)
    eligible_regions: Mapped[list[Any]] = mapped_column(sa.JSON)
    eligible_countries: Mapped[list[Any]] = mapped_column(sa.JSON)
    excluded_countries: Mapped[list[Any]] = mapped_column(sa.JSON)
    min_grant: Mapped[float | None] = mapped_column(sa.Float)
    max_grant: Mapped[float | None] = mapped_column(sa.Float)
    currency: Mapped[str] = mapped_column(sa.Text)
    annual_budget: Mapped[float | None] = mapped_column(sa.Float)
    ecosystems: Mapped[list[Any]] = mapped_column(sa.JSON)
    active: Mapped[bool]


class FundingRecord(_Tracked, Base):
    """One past funding match. ``history_key`` is proposal|donor|year|n (n-th such row), each
    part with ``\\`` and ``|`` escaped (``matcher.store.records.history_key``)."""

    __tablename__ = "funding_history"

    history_key: Mapped[str] = mapped_column(sa.String(500), primary_key=True)
    proposal_id: Mapped[str] = mapped_column(sa.Text, index=True)
    donor: Mapped[str] = mapped_column(sa.Text)
    amount: Mapped[float | None] = mapped_column(sa.Float)
    currency: Mapped[str] = mapped_column(sa.Text)
    year: Mapped[int | None]


class RecordVersion(Base):
    """A superseded version of a proposal, donor, funding record or shortlist."""

    __tablename__ = "record_versions"
    __table_args__ = (sa.UniqueConstraint("record_kind", "record_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_kind: Mapped[str] = mapped_column(sa.String(16))
    record_id: Mapped[str] = mapped_column(sa.String(500))
    version: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    superseded_at: Mapped[dt.datetime]
    superseded_by: Mapped[str] = mapped_column(sa.Text)
    reason: Mapped[str] = mapped_column(sa.Text)
    upload_id: Mapped[int | None] = mapped_column(sa.ForeignKey("uploads.id"))


class Shortlist(Base):
    """Proposals picked for one donor (or for everyone) before an event such as a roundtable."""

    __tablename__ = "shortlists"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_name: Mapped[str] = mapped_column(sa.Text)
    event_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    donor_id: Mapped[str | None] = mapped_column(sa.ForeignKey("donors.donor_id"))
    notes: Mapped[str] = mapped_column(sa.Text)
    version: Mapped[int]
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[dt.datetime]
    updated_by: Mapped[str] = mapped_column(sa.Text)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id"))


class ShortlistItem(Base):
    __tablename__ = "shortlist_items"

    shortlist_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shortlists.id", ondelete="CASCADE"), primary_key=True
    )
    proposal_id: Mapped[str] = mapped_column(
        sa.ForeignKey("proposals.proposal_id"), primary_key=True
    )
    position: Mapped[int]
    note: Mapped[str] = mapped_column(sa.Text)
    added_at: Mapped[dt.datetime]
    added_by: Mapped[str] = mapped_column(sa.Text)


class Decision(Base):
    """One step in the life of a match; rows are only ever added (append-only log)."""

    __tablename__ = "decisions"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('proposed', 'contacted', 'accepted', 'pledged', 'declined', 'funded')",
            name="status_known",
        ),
        sa.Index(None, "proposal_id", "donor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[str] = mapped_column(sa.ForeignKey("proposals.proposal_id"))
    donor_id: Mapped[str] = mapped_column(sa.ForeignKey("donors.donor_id"))
    status: Mapped[str] = mapped_column(sa.String(16))
    amount: Mapped[float | None] = mapped_column(sa.Float)
    currency: Mapped[str] = mapped_column(sa.Text)
    note: Mapped[str] = mapped_column(sa.Text)
    shortlist_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shortlists.id"))
    decided_at: Mapped[dt.datetime]
    recorded_by: Mapped[str] = mapped_column(sa.Text)


class Event(Base):
    """A roundtable or donor meeting: one list across donors, a schedule, pledges.

    A shortlist is the view of one event for one donor (``shortlists.event_id``).
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.Text)
    event_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    place: Mapped[str] = mapped_column(sa.Text)
    currency: Mapped[str] = mapped_column(sa.String(3))
    notes: Mapped[str] = mapped_column(sa.Text)
    n_slots: Mapped[int]
    n_tables: Mapped[int]
    first_slot: Mapped[str] = mapped_column(sa.Text)
    slot_minutes: Mapped[int]
    version: Mapped[int]
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[dt.datetime]
    updated_by: Mapped[str] = mapped_column(sa.Text)


class EventDonor(Base):
    """A donor taking part in an event, with the budget it brings to it (``None``: not given)."""

    __tablename__ = "event_donors"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    donor_id: Mapped[str] = mapped_column(sa.ForeignKey("donors.donor_id"), primary_key=True)
    budget: Mapped[float | None] = mapped_column(sa.Float)
    budget_currency: Mapped[str] = mapped_column(sa.Text)
    added_at: Mapped[dt.datetime]
    added_by: Mapped[str] = mapped_column(sa.Text)


class EventCountry(Base):
    """A country invited to an event (ISO 3166 alpha-3), whether or not it has a proposal on it."""

    __tablename__ = "event_countries"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    country: Mapped[str] = mapped_column(sa.String(3), primary_key=True)


class EventStep(Base):
    """One step of a donor-proposal pair at an event; rows are only ever added."""

    __tablename__ = "event_pipeline"
    __table_args__ = (
        sa.CheckConstraint(
            "stage IN ('invited', 'met', 'interested', 'pledged', 'declined')",
            name="stage_known",
        ),
        sa.Index(None, "event_id", "proposal_id", "donor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id"))
    proposal_id: Mapped[str] = mapped_column(sa.ForeignKey("proposals.proposal_id"))
    donor_id: Mapped[str] = mapped_column(sa.ForeignKey("donors.donor_id"))
    stage: Mapped[str] = mapped_column(sa.String(16))
    amount: Mapped[float | None] = mapped_column(sa.Float)
    currency: Mapped[str] = mapped_column(sa.Text)
    note: Mapped[str] = mapped_column(sa.Text)
    happened_at: Mapped[dt.datetime]
    recorded_by: Mapped[str] = mapped_column(sa.Text)


class EventMeeting(Base):
    """One donor x delegation meeting in the event's schedule: a slot, a table, maybe locked."""

    __tablename__ = "event_meetings"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    donor_id: Mapped[str] = mapped_column(sa.ForeignKey("donors.donor_id"), primary_key=True)
    delegation: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    slot: Mapped[int]
    table_no: Mapped[int]
    score: Mapped[float | None] = mapped_column(sa.Float)
    locked: Mapped[bool]


class NationalTarget(Base):
    """One national target a government reported under the GBF (Online Reporting Tool export).

    Importing an export replaces the stored targets of the governments it names.
    ``alignment`` holds ``[gbf_target, degree]`` pairs (degree high, medium, low or "").
    """

    __tablename__ = "national_targets"
    __table_args__ = (sa.UniqueConstraint("government", "target_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    government: Mapped[str] = mapped_column(sa.String(3), index=True)
    government_name: Mapped[str] = mapped_column(sa.Text)
    target_code: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.Text)
    description: Mapped[str] = mapped_column(sa.Text)
    gbf_targets: Mapped[list[Any]] = mapped_column(sa.JSON)
    alignment: Mapped[list[Any]] = mapped_column(sa.JSON)
    source_file: Mapped[str] = mapped_column(sa.Text)
    source_row: Mapped[int | None]
    imported_at: Mapped[dt.datetime]
    imported_by: Mapped[str] = mapped_column(sa.Text)


class AppSetting(Base):
    """One remembered app setting (e.g. a column mapping for a header row), JSON-valued."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    updated_at: Mapped[dt.datetime]
    updated_by: Mapped[str] = mapped_column(sa.Text)


class TextEmbedding(Base):
    """One sentence embedding (float32 bytes), keyed by the model and the text's SHA-1."""

    __tablename__ = "text_embeddings"

    text_key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    model: Mapped[str] = mapped_column(sa.String(64))
    vector: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[dt.datetime]


class WeightSet(Base):
    """One component weight set put in force; rows are only added, the latest is in force."""

    __tablename__ = "weight_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    weights: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    source: Mapped[str] = mapped_column(sa.Text)  # learned, restored
    n_decisions: Mapped[int]
    agreement_gain: Mapped[float | None] = mapped_column(sa.Float)
    note: Mapped[str] = mapped_column(sa.Text)
    adopted_at: Mapped[dt.datetime]
    adopted_by: Mapped[str] = mapped_column(sa.Text)
