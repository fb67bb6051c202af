"""The scheduling problem, checked: who may meet whom, when, and what is already fixed.

Everything a person typed is validated here, before the solver sees it, so a mistake is
reported with the row it is on (rows are named by the frame's index: the command line sets
it to the row number a spreadsheet shows) instead of turning into an infeasible model.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from matcher.errors import LifeWebMatchError
from matcher.words import noun

__all__ = ["MeetingProblem", "ScheduleInputError", "best_pairs", "build_problem"]


class ScheduleInputError(LifeWebMatchError, ValueError):
    """An input the scheduler cannot use; the message names the row and column."""


@dataclass(frozen=True)
class MeetingProblem:
    """A checked instance: parties as positions, pairs as arrays, availability as matrices."""

    donors: tuple[str, ...]
    delegations: tuple[str, ...]
    pair_donor: np.ndarray
    """Donor position of each candidate pair (pairs sorted by donor, then delegation)."""
    pair_delegation: np.ndarray
    pair_score: np.ndarray
    n_slots: int
    n_tables: int
    donor_free: np.ndarray
    """``(donors, slots)`` booleans: the donor can meet in that slot."""
    delegation_free: np.ndarray
    donor_cap: np.ndarray
    """Most meetings per donor (``n_slots`` when there is no cap)."""
    locked_slot: np.ndarray
    """Per pair: the 0-based slot it is locked in, or -1."""
    locked_table: np.ndarray
    """Per pair: the 1-based table it is locked at, or 0 (any table)."""
    previous_slot: np.ndarray
    """Per pair: the 0-based slot it had in a previous schedule (kept when nothing is lost), or -1."""
    previous_table: np.ndarray
    notes: tuple[str, ...]

    @property
    def n_pairs(self) -> int:
        return len(self.pair_score)

    def pair_index(self) -> dict[tuple[str, str], int]:
        return {
            (self.donors[d], self.delegations[g]): i
            for i, (d, g) in enumerate(zip(self.pair_donor, self.pair_delegation, strict=True))
        }


def _columns(frame: pd.DataFrame, required: Iterable[str], what: str) -> pd.DataFrame:
    """The frame with column names stripped and lower-cased; missing ones raise."""
    renamed = frame.rename(columns=lambda c: str(c).strip().lower())
    missing = [c for c in required if c not in renamed.columns]
    if missing:
        have = ", ".join(str(c) for c in frame.columns) or "none"
        raise ScheduleInputError(
            f"{what} needs the {noun(len(missing), 'column')} {', '.join(missing)} (it has: {have})"
        )
    return renamed


def _name(value: object, what: str, row: object, column: str) -> str:
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    text = text.strip()
    if not text or text.lower() in ("nan", "<na>"):
        raise ScheduleInputError(f"{what} row {row}, column {column}: the name is empty")
    return text


def _number(value: object, what: str, row: object, column: str) -> float:
    try:
        number = (
            float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(value)
        )  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise ScheduleInputError(f"{what} row {row}, column {column}: {value!r} is not a number")
    return number


def _whole(value: object, what: str, row: object, column: str, upper: int, noun: str) -> int:
    number = _number(value, what, row, column)
    if number != int(number) or not 1 <= number <= upper:
        raise ScheduleInputError(
            f"{what} row {row}, column {column}: {value!r} is not a {noun} "
            f"(whole number from 1 to {upper})"
        )
    return int(number)


def best_pairs(
    rows: pd.DataFrame,
    *,
    donor: str = "donor",
    delegation: str = "delegation",
    score: str = "score",
) -> pd.DataFrame:
    """One row per donor-delegation pair with its best score.

    An event list has a row per donor and *proposal*; a delegation brings all its country's
    proposals to one meeting, so the meeting is worth the best of them.
    """
    frame = rows[[donor, delegation, score]].copy()
    frame.columns = ["donor", "delegation", "score"]
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce")
    frame = frame.dropna(subset=["donor", "delegation", "score"])
    best = frame.groupby(["donor", "delegation"], as_index=False, sort=True)["score"].max()
    return best.reset_index(drop=True)


def build_problem(
    pairs: pd.DataFrame,
    *,
    slots: int,
    tables: int,
    unavailable: pd.DataFrame | None = None,
    locked: pd.DataFrame | None = None,
    max_per_donor: int | Mapping[str, int] | None = None,
    delegations: Iterable[str] | None = None,
    previous: pd.DataFrame | None = None,
) -> MeetingProblem:
    """Check the inputs and index them; see :func:`schedule_meetings` for their meaning."""
    if isinstance(slots, bool) or not isinstance(slots, int | np.integer) or slots < 1:
        raise ScheduleInputError(
            f"the number of slots must be a whole number of at least 1, not {slots!r}"
        )
    if isinstance(tables, bool) or not isinstance(tables, int | np.integer) or tables < 1:
        raise ScheduleInputError(
            f"the number of tables must be a whole number of at least 1, not {tables!r}"
        )
    slots, tables = int(slots), int(tables)
    notes: list[str] = []

    frame = _columns(pairs, ("donor", "delegation", "score"), "pairs")
    seen: dict[tuple[str, str], object] = {}
    records: list[tuple[str, str, float]] = []
    for row, d, g, s in zip(
        frame.index, frame["donor"], frame["delegation"], frame["score"], strict=True
    ):
        key = (_name(d, "pairs", row, "donor"), _name(g, "pairs", row, "delegation"))
        value = _number(s, "pairs", row, "score")
        if key in seen:
            raise ScheduleInputError(
                f"pairs row {row}: {key[0]} and {key[1]} are already paired on row {seen[key]}; "
                "give each donor-delegation pair once (best_pairs keeps the best score)"
            )
        seen[key] = row
        records.append((*key, value))

    lock_rows: list[tuple[str, str, int, int, object]] = []
    if locked is not None and len(locked):
        lk = _columns(locked, ("donor", "delegation", "slot"), "locked meetings")
        has_table = "table" in lk.columns
        for row, rec in zip(lk.index, lk.to_dict("records"), strict=True):
            d = _name(rec["donor"], "locked meetings", row, "donor")
            g = _name(rec["delegation"], "locked meetings", row, "delegation")
            t = _whole(rec["slot"], "locked meetings", row, "slot", slots, "slot")
            raw_table = rec["table"] if has_table else None
            blank = raw_table is None or pd.isna(raw_table) or str(raw_table).strip() == ""
            table = (
                0 if blank else _whole(raw_table, "locked meetings", row, "table", tables, "table")
            )
            lock_rows.append((d, g, t - 1, table, row))
            if (d, g) not in seen:
                seen[(d, g)] = row
                records.append((d, g, 0.0))
                notes.append(
                    f"Locked meeting {d} - {g} is not among the scored pairs; it is kept with score 0."
                )

    donor_names = sorted({d for d, _, _ in records})
    delegation_names = sorted(
        {g for _, g, _ in records} | {str(g).strip() for g in delegations or ()}
    )
    delegation_names = [g for g in delegation_names if g]
    donor_pos = {d: i for i, d in enumerate(donor_names)}
    delegation_pos = {g: i for i, g in enumerate(delegation_names)}
    records.sort(key=lambda r: (donor_pos[r[0]], delegation_pos[r[1]]))
    pair_donor = np.array([donor_pos[d] for d, _, _ in records], dtype=np.int64)
    pair_delegation = np.array([delegation_pos[g] for _, g, _ in records], dtype=np.int64)
    pair_score = np.array([s for _, _, s in records], dtype=float)
    pair_pos = {(d, g): i for i, (d, g, _) in enumerate(records)}

    donor_free = np.ones((len(donor_names), slots), dtype=bool)
    delegation_free = np.ones((len(delegation_names), slots), dtype=bool)
    if unavailable is not None and len(unavailable):
        un = _columns(unavailable, ("party", "slot"), "unavailability")
        unknown: list[str] = []
        for row, rec in zip(un.index, un.to_dict("records"), strict=True):
            party = _name(rec["party"], "unavailability", row, "party")
            t = _whole(rec["slot"], "unavailability", row, "slot", slots, "slot") - 1
            found = False
            if party in donor_pos:
                donor_free[donor_pos[party], t] = False
                found = True
            if party in delegation_pos:
                delegation_free[delegation_pos[party], t] = False
                found = True
            if not found and party not in unknown:
                unknown.append(party)
        if unknown:
            notes.append(
                "Unavailability of parties with no pair is ignored: " + ", ".join(unknown) + "."
            )

    donor_cap = np.full(len(donor_names), slots, dtype=np.int64)
    if max_per_donor is not None:
        caps = (
            dict(max_per_donor)
            if isinstance(max_per_donor, Mapping)
            else dict.fromkeys(donor_names, max_per_donor)
        )
        for name, cap in caps.items():
            if isinstance(cap, bool) or not isinstance(cap, int | np.integer) or cap < 0:
                raise ScheduleInputError(
                    f"the cap on meetings of {name} must be a whole number of at least 0, not {cap!r}"
                )
            if str(name) in donor_pos:
                donor_cap[donor_pos[str(name)]] = min(int(cap), slots)

    locked_slot = np.full(len(records), -1, dtype=np.int64)
    locked_table = np.zeros(len(records), dtype=np.int64)
    _check_locks(
        lock_rows,
        pair_pos,
        donor_pos,
        delegation_pos,
        donor_free,
        delegation_free,
        donor_cap,
        tables,
        locked_slot,
        locked_table,
    )

    previous_slot = np.full(len(records), -1, dtype=np.int64)
    previous_table = np.zeros(len(records), dtype=np.int64)
    if previous is not None and len(previous):
        prev = _columns(previous, ("donor", "delegation", "slot"), "previous schedule")
        for rec in prev.to_dict("records"):
            key = (str(rec["donor"]).strip(), str(rec["delegation"]).strip())
            slot = pd.to_numeric(rec["slot"], errors="coerce")
            if key in pair_pos and pd.notna(slot) and 1 <= slot <= slots:
                previous_slot[pair_pos[key]] = int(slot) - 1
                table = pd.to_numeric(rec["table"], errors="coerce") if "table" in rec else None
                if table is not None and pd.notna(table) and 1 <= table <= tables:
                    previous_table[pair_pos[key]] = int(table)

    return MeetingProblem(
        donors=tuple(donor_names),
        delegations=tuple(delegation_names),
        pair_donor=pair_donor,
        pair_delegation=pair_delegation,
        pair_score=pair_score,
        n_slots=slots,
        n_tables=tables,
        donor_free=donor_free,
        delegation_free=delegation_free,
        donor_cap=donor_cap,
        locked_slot=locked_slot,
        locked_table=locked_table,
        previous_slot=previous_slot,
        previous_table=previous_table,
        notes=tuple(notes),
    )


def _check_locks(
    lock_rows: list[tuple[str, str, int, int, object]],
    pair_pos: dict[tuple[str, str], int],
    donor_pos: dict[str, int],
    delegation_pos: dict[str, int],
    donor_free: np.ndarray,
    delegation_free: np.ndarray,
    donor_cap: np.ndarray,
    tables: int,
    locked_slot: np.ndarray,
    locked_table: np.ndarray,
) -> None:
    """Fill the lock arrays; locks that cannot all hold raise, naming the rows in conflict."""
    busy: dict[tuple[str, str, int], object] = {}
    table_taken: dict[tuple[int, int], object] = {}
    per_slot: dict[int, int] = {}
    per_donor: dict[str, int] = {}
    where = "locked meetings row"
    for d, g, t, table, row in lock_rows:
        p = pair_pos[(d, g)]
        if locked_slot[p] >= 0:
            raise ScheduleInputError(f"{where} {row}: {d} - {g} is locked twice")
        for kind, party in (("donor", d), ("delegation", g)):
            if (kind, party, t) in busy:
                raise ScheduleInputError(
                    f"{where} {row}: {party} already has a locked meeting in slot {t + 1} "
                    f"(row {busy[(kind, party, t)]})"
                )
            busy[(kind, party, t)] = row
        if not donor_free[donor_pos[d], t]:
            raise ScheduleInputError(f"{where} {row}: {d} is unavailable in slot {t + 1}")
        if not delegation_free[delegation_pos[g], t]:
            raise ScheduleInputError(f"{where} {row}: {g} is unavailable in slot {t + 1}")
        if table:
            if (t, table) in table_taken:
                raise ScheduleInputError(
                    f"{where} {row}: table {table} in slot {t + 1} is already locked "
                    f"(row {table_taken[(t, table)]})"
                )
            table_taken[(t, table)] = row
        per_slot[t] = per_slot.get(t, 0) + 1
        if per_slot[t] > tables:
            raise ScheduleInputError(
                f"{where} {row}: more meetings are locked in slot {t + 1} than there are tables ({tables})"
            )
        per_donor[d] = per_donor.get(d, 0) + 1
        if per_donor[d] > donor_cap[donor_pos[d]]:
            raise ScheduleInputError(
                f"{where} {row}: {d} has more locked meetings than its cap of "
                f"{int(donor_cap[donor_pos[d]])}"
            )
        locked_slot[p] = t
        locked_table[p] = table
