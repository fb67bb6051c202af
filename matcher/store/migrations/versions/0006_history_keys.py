"""Funding-history keys that never collide: each part of ``proposal|donor|year|n`` escaped.

Before, ``("A|b", "c")`` and ``("A", "b|c")`` both became ``A|b|c|year|n``: the same key
twice in one file, or a second file silently taking over the first file's record. Each part
now has ``\\`` and ``|`` backslash-escaped. Keys without those characters (nearly all) stay
as they are; the others are rewritten here, in ``funding_history`` and in the superseded
versions kept in ``record_versions``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_history = sa.table(
    "funding_history",
    sa.column("history_key", sa.String),
    sa.column("proposal_id", sa.Text),
    sa.column("donor", sa.Text),
    sa.column("year", sa.Integer),
)
_versions = sa.table(
    "record_versions",
    sa.column("record_kind", sa.String),
    sa.column("record_id", sa.String),
)


def _escaped(part: str) -> str:
    return part.replace("\\", "\\\\").replace("|", "\\|")


def _new_key(proposal_id: str, donor: str, year: int | None, old_key: str) -> str:
    """The 0006 key of a stored row; ``n`` is the last part of its old key."""
    n = old_key.rsplit("|", 1)[-1]
    parts = (
        proposal_id or "",
        " ".join((donor or "").casefold().split()),
        "" if year is None else str(year),
        n,
    )
    return "|".join(_escaped(part) for part in parts)


def _old_key(proposal_id: str, donor: str, year: int | None, new_key: str) -> str:
    n = new_key.rsplit("|", 1)[-1]
    parts = (
        proposal_id or "",
        " ".join((donor or "").casefold().split()),
        "" if year is None else str(year),
        n,
    )
    return "|".join(parts)


def _rekey(make_key) -> None:  # type: ignore[no-untyped-def]
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_history.c.history_key, _history.c.proposal_id, _history.c.donor, _history.c.year)
    ).all()
    renames = {}
    for key, proposal_id, donor, year in rows:
        new = make_key(proposal_id, donor, year, key)
        if new != key:
            renames[key] = new
    taken = {key for key, *_ in rows} - set(renames)
    clashes = sorted(new for new in renames.values() if new in taken)
    if clashes:
        raise RuntimeError(f"funding-history keys would collide: {', '.join(clashes[:5])}")
    for old, new in renames.items():
        connection.execute(
            sa.update(_history).where(_history.c.history_key == old).values(history_key=new)
        )
        connection.execute(
            sa.update(_versions)
            .where(_versions.c.record_kind == "funding", _versions.c.record_id == old)
            .values(record_id=new)
        )


def upgrade() -> None:
    _rekey(_new_key)


def downgrade() -> None:
    _rekey(_old_key)
