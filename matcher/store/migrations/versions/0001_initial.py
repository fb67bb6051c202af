"""Initial schema: uploads, proposals, donors, funding history and superseded versions.

Revision ID: 0001
Revises:
Create Date: 2026-11-24

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def _tracked_columns(table: str) -> list[sa.Column]:
    """Provenance and row-version columns shared by the three imported tables."""
    return [
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column(
            "upload_id",
            sa.Integer(),
            sa.ForeignKey("uploads.id", name=f"fk_{table}_upload_id_uploads"),
            nullable=True,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("imported_at", TIMESTAMP, nullable=False),
        sa.Column("imported_by", sa.Text(), nullable=False),
        sa.Column("rows_in", sa.Integer(), nullable=False),
        sa.Column("n_added", sa.Integer(), nullable=False),
        sa.Column("n_updated", sa.Integer(), nullable=False),
        sa.Column("n_unchanged", sa.Integer(), nullable=False),
        sa.Column("n_rejected", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_uploads"),
    )
    op.create_index("ix_uploads_content_hash", "uploads", ["content_hash"])

    op.create_table(
        "proposals",
        sa.Column("proposal_id", sa.String(200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("objectives", sa.Text(), nullable=False),
        sa.Column("requested_amount", sa.Float(), nullable=True),
        sa.Column("secured_amount", sa.Float(), nullable=True),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("aichi_targets", sa.JSON(), nullable=False),
        sa.Column("gbf_targets", sa.JSON(), nullable=False),
        sa.Column("nbsap_alignment", sa.Text(), nullable=False),
        sa.Column("ecosystems", sa.JSON(), nullable=False),
        sa.Column("submitted_on", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        *_tracked_columns("proposals"),
        sa.PrimaryKeyConstraint("proposal_id", name="pk_proposals"),
    )

    op.create_table(
        "donors",
        sa.Column("donor_id", sa.String(200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("donor_type", sa.Text(), nullable=False),
        sa.Column("priorities", sa.Text(), nullable=False),
        sa.Column("aichi_targets", sa.JSON(), nullable=False),
        sa.Column("gbf_targets", sa.JSON(), nullable=False),
        sa.Column("eligible_regions", sa.JSON(), nullable=False),
        sa.Column("eligible_countries", sa.JSON(), nullable=False),
        sa.Column("excluded_countries", sa.JSON(), nullable=False),
        sa.Column("min_grant", sa.Float(), nullable=True),
        sa.Column("max_grant", sa.Float(), nullable=True),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("annual_budget", sa.Float(), nullable=True),
        sa.Column("ecosystems", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_tracked_columns("donors"),
        sa.PrimaryKeyConstraint("donor_id", name="pk_donors"),
    )

    op.create_table(
        "funding_history",
        sa.Column("history_key", sa.String(500), nullable=False),
        sa.Column("proposal_id", sa.Text(), nullable=False),
        sa.Column("donor", sa.Text(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        *_tracked_columns("funding_history"),
        sa.PrimaryKeyConstraint("history_key", name="pk_funding_history"),
    )
    op.create_index("ix_funding_history_proposal_id", "funding_history", ["proposal_id"])

    op.create_table(
        "record_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_kind", sa.String(16), nullable=False),
        sa.Column("record_id", sa.String(500), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("superseded_at", TIMESTAMP, nullable=False),
        sa.Column("superseded_by", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "upload_id",
            sa.Integer(),
            sa.ForeignKey("uploads.id", name="fk_record_versions_upload_id_uploads"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name="pk_record_versions"),
        sa.UniqueConstraint(
            "record_kind",
            "record_id",
            "version",
            name="uq_record_versions_record_kind_record_id_version",
        ),
    )


def downgrade() -> None:
    op.drop_table("record_versions")
    op.drop_index("ix_funding_history_proposal_id", table_name="funding_history")
    op.drop_table("funding_history")
    op.drop_table("donors")
    op.drop_table("proposals")
    op.drop_index("ix_uploads_content_hash", table_name="uploads")
    op.drop_table("uploads")
