"""Countries' GBF national targets (Online Reporting Tool exports) as a reference table.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "national_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("government", sa.String(3), nullable=False),
        sa.Column("government_name", sa.Text(), nullable=False),
        sa.Column("target_code", sa.String(200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("gbf_targets", sa.JSON(), nullable=False),
        sa.Column("alignment", sa.JSON(), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("imported_at", TIMESTAMP, nullable=False),
        sa.Column("imported_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_national_targets"),
        sa.UniqueConstraint(
            "government", "target_code", name="uq_national_targets_government_target_code"
        ),
    )
    op.create_index("ix_national_targets_government", "national_targets", ["government"])


def downgrade() -> None:
    op.drop_index("ix_national_targets_government", table_name="national_targets")
    op.drop_table("national_targets")
