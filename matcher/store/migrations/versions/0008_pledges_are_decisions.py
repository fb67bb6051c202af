"""A pledge or a refusal at an event is a decision: one log, seen on the shortlist and the event.

Before, the Events page wrote pledges and refusals to the event's pipeline only, so the
shortlist (and the learned weights reading decisions) never saw them. ``pledged`` becomes a
decision status, and every pledged or declined step already in an event's pipeline is copied
into the decision log, same who and when, on the donor's shortlist of that event.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = "status IN ('proposed', 'contacted', 'accepted', 'declined', 'funded')"
_NEW = "status IN ('proposed', 'contacted', 'accepted', 'pledged', 'declined', 'funded')"
_NAME = "ck_decisions_status_known"

_SQLITE_APPEND_ONLY = """
CREATE TRIGGER decisions_append_only_{action}
BEFORE {action_upper} ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are an append-only log: record a new decision instead');
END
"""

_COPY_STEPS = """
INSERT INTO decisions
    (proposal_id, donor_id, status, amount, currency, note, shortlist_id, decided_at, recorded_by)
SELECT s.proposal_id, s.donor_id, s.stage, s.amount, s.currency, s.note,
       (SELECT MIN(l.id) FROM shortlists l
         WHERE l.event_id = s.event_id AND l.donor_id = s.donor_id),
       s.happened_at, s.recorded_by
FROM event_pipeline s
WHERE s.stage IN ('pledged', 'declined')
ORDER BY s.id
"""


def _set_statuses(check: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot alter a CHECK: the table is copied. Nothing refers to decisions, so
        # the copy cascades nowhere; the copy loses the append-only triggers, made again.
        op.execute("DROP TRIGGER IF EXISTS decisions_append_only_update")
        op.execute("DROP TRIGGER IF EXISTS decisions_append_only_delete")
        with op.batch_alter_table("decisions", recreate="always") as batch:
            batch.drop_constraint(_NAME, type_="check")
            batch.create_check_constraint(_NAME, sa.text(check))
        for action in ("update", "delete"):
            op.execute(_SQLITE_APPEND_ONLY.format(action=action, action_upper=action.upper()))
    else:
        op.drop_constraint(_NAME, "decisions", type_="check")
        op.create_check_constraint(_NAME, "decisions", sa.text(check))


def upgrade() -> None:
    _set_statuses(_NEW)
    op.execute(_COPY_STEPS)


def downgrade() -> None:
    # The log is append-only: the copied pledges stay (as 'accepted' cannot be written over
    # them), so a downgrade is refused while any pledge is in the log.
    pledges = (
        op.get_bind()
        .execute(sa.text("SELECT COUNT(*) FROM decisions WHERE status = 'pledged'"))
        .scalar()
    )
    if pledges:
        raise RuntimeError(
            f"{pledges} pledge(s) are in the decision log; release 0007 cannot hold them"
        )
    _set_statuses(_OLD)
