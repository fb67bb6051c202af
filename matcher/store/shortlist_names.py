"""One shortlist per event and donor: a second list with the same name would split the work."""

from __future__ import annotations

import sqlalchemy as sa

from matcher.store.errors import DuplicateShortlistError
from matcher.store.models import Donor, Shortlist

__all__ = ["refuse_duplicate_shortlist", "same_event_name"]

_shortlists = Shortlist.__table__
_donors = Donor.__table__


def same_event_name(a: str, b: str) -> bool:
    """Names equal once case and runs of spaces are ignored ("Suva  Roundtable" = "suva roundtable")."""
    return " ".join(str(a).split()).casefold() == " ".join(str(b).split()).casefold()


def refuse_duplicate_shortlist(
    connection: sa.Connection, event_name: str, donor_id: str | None
) -> None:
    """Raise :class:`DuplicateShortlistError` if the donor (or "all donors") has that event already.

    Runs inside the creating transaction, so two people pressing Create at once still end
    with one list on databases that serialise writes (SQLite; PostgreSQL's default isolation
    narrows but does not close that window).
    """
    same_donor = (
        _shortlists.c.donor_id.is_(None) if donor_id is None else _shortlists.c.donor_id == donor_id
    )
    rows = connection.execute(
        sa.select(_shortlists.c.id, _shortlists.c.event_name, _donors.c.name)
        .select_from(_shortlists.outerjoin(_donors))
        .where(same_donor)
    ).all()
    for shortlist_id, name, donor_name in rows:
        if same_event_name(name, event_name):
            donor = "all donors" if donor_id is None else str(donor_name or donor_id)
            raise DuplicateShortlistError(str(name), donor, int(shortlist_id))
