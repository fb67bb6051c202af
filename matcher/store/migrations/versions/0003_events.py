"""Events: roundtables as stored objects; shortlists become the per-donor views of an event.

Every stored shortlist is attached to an event: shortlists with the same event name and
date (people made one list per donor for the same roundtable) join one event, which takes
that name and date; the donors of those lists become the event's participating donors.
Nothing is deleted or rewritten: shortlists keep their rows, items, notes and versions, and
the decision log is untouched. The pipeline (invited, met, interested, pledged, declined) is
a new append-only log, and the meeting schedule a table of its own.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
MIGRATED_BY = "schema upgrade 0003"

_SQLITE_APPEND_ONLY = """
CREATE TRIGGER event_pipeline_append_only_{action}
BEFORE {action_upper} ON event_pipeline
BEGIN
    SELECT RAISE(ABORT, 'the event pipeline is an append-only log: record a new step instead');
END
"""

_POSTGRES_APPEND_ONLY_FUNCTION = """
CREATE FUNCTION event_pipeline_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the event pipeline is an append-only log: record a new step instead';
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("n_slots", sa.Integer(), nullable=False),
        sa.Column("n_tables", sa.Integer(), nullable=False),
        sa.Column("first_slot", sa.Text(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )
    op.create_table(
        "event_donors",
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("events.id", name="fk_event_donors_event_id_events", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "donor_id",
            sa.String(200),
            sa.ForeignKey("donors.donor_id", name="fk_event_donors_donor_id_donors"),
            nullable=False,
        ),
        sa.Column("budget", sa.Float(), nullable=True),
        sa.Column("budget_currency", sa.Text(), nullable=False),
        sa.Column("added_at", TIMESTAMP, nullable=False),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "donor_id", name="pk_event_donors"),
    )
    op.create_table(
        "event_countries",
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey(
                "events.id", name="fk_event_countries_event_id_events", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("country", sa.String(3), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "country", name="pk_event_countries"),
    )
    op.create_table(
        "event_pipeline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("events.id", name="fk_event_pipeline_event_id_events"),
            nullable=False,
        ),
        sa.Column(
            "proposal_id",
            sa.String(200),
            sa.ForeignKey("proposals.proposal_id", name="fk_event_pipeline_proposal_id_proposals"),
            nullable=False,
        ),
        sa.Column(
            "donor_id",
            sa.String(200),
            sa.ForeignKey("donors.donor_id", name="fk_event_pipeline_donor_id_donors"),
            nullable=False,
        ),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("happened_at", TIMESTAMP, nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event_pipeline"),
        sa.CheckConstraint(
            "stage IN ('invited', 'met', 'interested', 'pledged', 'declined')",
            name="ck_event_pipeline_stage_known",
        ),
    )
    op.create_index(
        "ix_event_pipeline_event_id_proposal_id_donor_id",
        "event_pipeline",
        ["event_id", "proposal_id", "donor_id"],
    )
    op.create_table(
        "event_meetings",
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey(
                "events.id", name="fk_event_meetings_event_id_events", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column(
            "donor_id",
            sa.String(200),
            sa.ForeignKey("donors.donor_id", name="fk_event_meetings_donor_id_donors"),
            nullable=False,
        ),
        sa.Column("delegation", sa.String(200), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("table_no", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "donor_id", "delegation", name="pk_event_meetings"),
    )
    # A plain ADD COLUMN, never a batch copy of the table: on SQLite (foreign keys on) a
    # copy drops the old table, and that would cascade to the shortlist items.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE shortlists ADD COLUMN event_id INTEGER "
            "CONSTRAINT fk_shortlists_event_id_events REFERENCES events (id)"
        )
    else:
        op.add_column(
            "shortlists",
            sa.Column(
                "event_id",
                sa.Integer(),
                sa.ForeignKey("events.id", name="fk_shortlists_event_id_events"),
                nullable=True,
            ),
        )

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("update", "delete"):
            op.execute(_SQLITE_APPEND_ONLY.format(action=action, action_upper=action.upper()))
    elif dialect == "postgresql":
        op.execute(_POSTGRES_APPEND_ONLY_FUNCTION)
        op.execute(
            "CREATE TRIGGER event_pipeline_append_only BEFORE UPDATE OR DELETE ON event_pipeline "
            "FOR EACH ROW EXECUTE FUNCTION event_pipeline_append_only()"
        )
    _shortlists_to_events()


def _shortlists_to_events() -> None:
    """One event per (event name, date) of the stored shortlists; each list points at its event."""
    bind = op.get_bind()
    meta = sa.MetaData()
    shortlists = sa.Table("shortlists", meta, autoload_with=bind)
    events = sa.Table("events", meta, autoload_with=bind)
    event_donors = sa.Table("event_donors", meta, autoload_with=bind)
    rows = bind.execute(sa.select(shortlists).order_by(shortlists.c.id)).mappings().all()
    now = dt.datetime.now(dt.UTC)
    made: dict[tuple[str, dt.date | None], int] = {}
    donors_of: dict[int, set[str]] = {}
    for row in rows:
        key = (str(row["event_name"]).strip(), row["event_date"])
        if key not in made:
            made[key] = int(
                bind.execute(
                    sa.insert(events).values(
                        name=key[0],
                        event_date=key[1],
                        place="",
                        currency="USD",
                        notes="",
                        n_slots=6,
                        n_tables=4,
                        first_slot="09:00",
                        slot_minutes=30,
                        version=1,
                        created_at=row["created_at"],
                        created_by=row["created_by"],
                        updated_at=now,
                        updated_by=MIGRATED_BY,
                    )
                ).inserted_primary_key[0]
            )
        event_id = made[key]
        bind.execute(
            sa.update(shortlists).where(shortlists.c.id == row["id"]).values(event_id=event_id)
        )
        donor = row["donor_id"]
        if donor and donor not in donors_of.setdefault(event_id, set()):
            donors_of[event_id].add(donor)
            bind.execute(
                sa.insert(event_donors).values(
                    event_id=event_id,
                    donor_id=donor,
                    budget=None,
                    budget_currency="",
                    added_at=row["created_at"],
                    added_by=row["created_by"],
                )
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS event_pipeline_append_only_update")
        op.execute("DROP TRIGGER IF EXISTS event_pipeline_append_only_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS event_pipeline_append_only ON event_pipeline")
        op.execute("DROP FUNCTION IF EXISTS event_pipeline_append_only()")
    if dialect != "sqlite":
        op.drop_constraint("fk_shortlists_event_id_events", "shortlists", type_="foreignkey")
        op.drop_column("shortlists", "event_id")
    # On SQLite the column stays: dropping a foreign-key column means copying the table,
    # and dropping the old copy would cascade to the shortlist items. Release 0002 ignores it.
    op.drop_table("event_meetings")
    op.drop_index("ix_event_pipeline_event_id_proposal_id_donor_id", table_name="event_pipeline")
    op.drop_table("event_pipeline")
    op.drop_table("event_countries")
    op.drop_table("event_donors")
    op.drop_table("events")
