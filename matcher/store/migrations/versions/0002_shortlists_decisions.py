"""Shortlists per event, the append-only decision log, and named upload rounds.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)

_SQLITE_APPEND_ONLY = """
CREATE TRIGGER decisions_append_only_{action}
BEFORE {action_upper} ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are an append-only log: record a new decision instead');
END
"""

_POSTGRES_APPEND_ONLY_FUNCTION = """
CREATE FUNCTION decisions_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'decisions are an append-only log: record a new decision instead';
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        batch.add_column(sa.Column("round_name", sa.Text(), nullable=True))

    op.create_table(
        "shortlists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_name", sa.Text(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column(
            "donor_id",
            sa.String(200),
            sa.ForeignKey("donors.donor_id", name="fk_shortlists_donor_id_donors"),
            nullable=True,
        ),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_shortlists"),
    )

    op.create_table(
        "shortlist_items",
        sa.Column(
            "shortlist_id",
            sa.Integer(),
            sa.ForeignKey(
                "shortlists.id",
                name="fk_shortlist_items_shortlist_id_shortlists",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column(
            "proposal_id",
            sa.String(200),
            sa.ForeignKey("proposals.proposal_id", name="fk_shortlist_items_proposal_id_proposals"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("added_at", TIMESTAMP, nullable=False),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("shortlist_id", "proposal_id", name="pk_shortlist_items"),
    )

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "proposal_id",
            sa.String(200),
            sa.ForeignKey("proposals.proposal_id", name="fk_decisions_proposal_id_proposals"),
            nullable=False,
        ),
        sa.Column(
            "donor_id",
            sa.String(200),
            sa.ForeignKey("donors.donor_id", name="fk_decisions_donor_id_donors"),
            nullable=False,
        ),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "shortlist_id",
            sa.Integer(),
            sa.ForeignKey("shortlists.id", name="fk_decisions_shortlist_id_shortlists"),
            nullable=True,
        ),
        sa.Column("decided_at", TIMESTAMP, nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.CheckConstraint(
            "status IN ('proposed', 'contacted', 'accepted', 'declined', 'funded')",
            name="ck_decisions_status_known",
        ),
    )
    op.create_index("ix_decisions_proposal_id_donor_id", "decisions", ["proposal_id", "donor_id"])

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("update", "delete"):
            op.execute(_SQLITE_APPEND_ONLY.format(action=action, action_upper=action.upper()))
    elif dialect == "postgresql":
        op.execute(_POSTGRES_APPEND_ONLY_FUNCTION)
        op.execute(
            "CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON decisions "
            "FOR EACH ROW EXECUTE FUNCTION decisions_append_only()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS decisions_append_only_update")
        op.execute("DROP TRIGGER IF EXISTS decisions_append_only_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS decisions_append_only ON decisions")
        op.execute("DROP FUNCTION IF EXISTS decisions_append_only()")
    op.drop_index("ix_decisions_proposal_id_donor_id", table_name="decisions")
    op.drop_table("decisions")
    op.drop_table("shortlist_items")
    op.drop_table("shortlists")
    with op.batch_alter_table("uploads") as batch:
        batch.drop_column("round_name")
