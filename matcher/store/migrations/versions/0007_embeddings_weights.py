"""Sentence embeddings kept once per text, and the log of component weight sets in force.

``text_embeddings``: one vector per (model, text) so the encoder runs once per text and
ranking only multiplies stored vectors. ``weight_sets``: every weight set adopted (learned from
decisions, or a return to an earlier one); rows are only added, the latest is in force, so
the previous weights stay in the audit log and one step back is one new row.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "text_embeddings",
        sa.Column("text_key", sa.String(40), nullable=False),
        sa.Column("model", sa.String(64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("text_key", name="pk_text_embeddings"),
    )
    op.create_table(
        "weight_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("n_decisions", sa.Integer(), nullable=False),
        sa.Column("agreement_gain", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("adopted_at", TIMESTAMP, nullable=False),
        sa.Column("adopted_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_weight_sets"),
    )


def downgrade() -> None:
    op.drop_table("weight_sets")
    op.drop_table("text_embeddings")
