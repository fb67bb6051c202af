"""Schedule donor x delegation meetings, move one, and say who could not be met and why."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from matcher.events.schedule.inputs import MeetingProblem, build_problem
from matcher.events.schedule.model import solve_model
from matcher.events.schedule.tables import number_tables
from matcher.words import counted, noun

__all__ = [
    "SCHEDULE_COLUMNS",
    "ScheduleReport",
    "ScheduleResult",
    "move_meeting",
    "schedule_meetings",
]

SCHEDULE_COLUMNS = ("donor", "delegation", "slot", "table")
DEFAULT_TIME_LIMIT = 30.0


@dataclass(frozen=True)
class ScheduleReport:
    """Both objectives, what the solver proved, and the delegations left without a meeting.

    ``unmet`` has one row per such delegation: ``delegation``, ``name`` (as shown),
    ``reason_code`` (``no_pair``,
    ``unavailable``, ``no_common_slot``, ``donors_full``, ``donors_booked``, ``tables_full``,
    ``taken``) and ``reason`` in words.
    """

    delegations: int
    delegations_met: int
    delegations_met_bound: int
    meetings: int
    total_score: float
    score_bound: float
    optimal: bool
    status: str
    seconds: float
    unmet: pd.DataFrame
    notes: tuple[str, ...]
    stages: tuple[dict[str, object], ...]

    @property
    def gap(self) -> float:
        """Relative optimality gap of the total score (0 when proven optimal)."""
        if self.optimal or not math.isfinite(self.score_bound):
            return 0.0 if self.optimal else math.inf
        return max(0.0, self.score_bound - self.total_score) / max(abs(self.total_score), 1e-9)

    def lines(self) -> list[str]:
        """The report as sentences, for the command line and the page."""
        out = [
            f"Delegations with at least one meeting: {self.delegations_met} of {self.delegations}"
            + (
                ""
                if self.delegations_met >= self.delegations_met_bound
                else f" (the solver's bound: {self.delegations_met_bound})"
            ),
            f"Total match score of the {counted(self.meetings, 'meeting')}: {self.total_score:.3f}"
            + ("" if self.optimal else f" (gap to the bound {self.gap:.2%})"),
            f"Solver: {self.status} in {self.seconds:.1f} s",
        ]
        for row in self.unmet.itertuples(index=False):
            out.append(f"Not met: {row.name}: {row.reason}")
        out.extend(f"Note: {note}" for note in self.notes)
        return out


@dataclass(frozen=True)
class ScheduleResult:
    """The schedule and its report.

    ``schedule`` has ``donor, delegation, slot, table`` (slots and tables from 1) plus
    ``score`` and ``locked``, sorted by slot then table.
    """

    schedule: pd.DataFrame
    report: ScheduleReport


def schedule_meetings(
    pairs: pd.DataFrame,
    *,
    slots: int,
    tables: int,
    unavailable: pd.DataFrame | None = None,
    locked: pd.DataFrame | None = None,
    max_per_donor: int | Mapping[str, int] | None = None,
    delegations: Iterable[str] | None = None,
    previous: pd.DataFrame | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    names: Mapping[str, str] | None = None,
) -> ScheduleResult:
    """The schedule with the most delegations met, then the highest total score.

    Parameters
    ----------
    pairs
        Candidate meetings: ``donor``, ``delegation``, ``score`` (one row per pair; a pair not
        listed never meets). :func:`best_pairs` turns donor x proposal rows into this.
    slots, tables
        Number of time slots (numbered from 1) and of tables, i.e. meetings per slot.
    unavailable
        ``party, slot``: a donor or delegation (by name) that cannot meet in that slot.
    locked
        ``donor, delegation, slot`` and optionally ``table``: meetings that must stay where
        they are (a locked pair not in ``pairs`` is kept with score 0).
    max_per_donor
        Most meetings per donor: one number for all, or a mapping donor -> number.
    delegations
        Every invited delegation, so that one with no pair is reported as not met.
    previous
        A schedule to stay close to: among equally good schedules, meetings keep their slot
        and donors their table.
    time_limit
        Seconds per solver stage; ``None`` for no limit. Stopped early, the best schedule
        found is returned (completed greedily) with the gap to the solver's bound.
    names
        Display names of donors and delegations by id, for the reasons in the report
        (``{"DE-IKI": "Germany (IKI)", "PER": "Peru"}``); ids are shown otherwise.

    Raises
    ------
    ScheduleInputError
        An input names a row with a problem (empty name, slot out of range, conflicting locks).
    """
    started = time.perf_counter()
    problem = build_problem(
        pairs,
        slots=slots,
        tables=tables,
        unavailable=unavailable,
        locked=locked,
        max_per_donor=max_per_donor,
        delegations=delegations,
        previous=previous,
    )
    quick_met = max(_quick_coverage(problem, start) for start in (None, problem.previous_slot))
    solution = solve_model(problem, time_limit=time_limit, greedy_coverage=quick_met)
    pair_slot = solution.pair_slot.copy()
    notes = list(problem.notes)
    added = _complete(problem, pair_slot)
    if added:
        notes.append(
            f"{counted(added, 'meeting')} added after the solver stopped early "
            f"({noun(added, 'it fits', 'they fit')} as {noun(added, 'it is', 'they are')})."
        )
    table = number_tables(
        pair_slot,
        problem.pair_donor,
        problem.locked_table,
        problem.previous_table,
        problem.n_tables,
    )
    schedule = _frame(problem, pair_slot, table)
    met = np.zeros(len(problem.delegations), dtype=bool)
    met[problem.pair_delegation[pair_slot >= 0]] = True
    total = float(problem.pair_score[pair_slot >= 0].sum())
    report = ScheduleReport(
        delegations=len(problem.delegations),
        delegations_met=int(met.sum()),
        delegations_met_bound=max(int(met.sum()), solution.coverage_bound),
        meetings=int((pair_slot >= 0).sum()),
        total_score=total,
        score_bound=max(total, solution.score_bound),
        optimal=solution.optimal,
        status=solution.status,
        seconds=time.perf_counter() - started,
        unmet=_unmet(problem, pair_slot, met, names),
        notes=tuple(notes),
        stages=solution.stages,
    )
    return ScheduleResult(schedule=schedule, report=report)


def move_meeting(
    pairs: pd.DataFrame,
    schedule: pd.DataFrame,
    *,
    donor: str,
    delegation: str,
    slot: int,
    table: int | None = None,
    slots: int,
    tables: int,
    unavailable: pd.DataFrame | None = None,
    locked: pd.DataFrame | None = None,
    max_per_donor: int | Mapping[str, int] | None = None,
    delegations: Iterable[str] | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    names: Mapping[str, str] | None = None,
) -> ScheduleResult:
    """Re-solve with ``donor - delegation`` locked at ``slot`` (and ``table``), staying close to ``schedule``.

    Earlier locks in ``locked`` are kept, except one of this pair, which the new one replaces.
    The result's ``locked`` column tells the caller which locks to store.
    """
    new_lock = pd.DataFrame(
        [{"donor": str(donor), "delegation": str(delegation), "slot": slot, "table": table or ""}],
        index=["(the moved meeting)"],
    )
    if locked is not None and len(locked):
        keep = locked.rename(columns=lambda c: str(c).strip().lower())
        same = (keep["donor"].astype(str).str.strip() == str(donor).strip()) & (
            keep["delegation"].astype(str).str.strip() == str(delegation).strip()
        )
        new_lock = pd.concat([keep.loc[~same], new_lock])
        if "table" not in keep.columns:
            new_lock["table"] = new_lock["table"].fillna("")
    moved = schedule[
        ~(
            (schedule["donor"].astype(str) == str(donor))
            & (schedule["delegation"].astype(str) == str(delegation))
        )
    ]
    return schedule_meetings(
        pairs,
        slots=slots,
        tables=tables,
        unavailable=unavailable,
        locked=new_lock,
        max_per_donor=max_per_donor,
        delegations=delegations,
        previous=moved,
        time_limit=time_limit,
        names=names,
    )


def _quick_coverage(problem: MeetingProblem, start: np.ndarray | None) -> int:
    """Delegations met by a greedy schedule: the locks, then ``start``'s meetings that still
    fit beside them (a previous schedule), then :func:`_complete`."""
    quick = problem.locked_slot.copy()
    if start is not None:
        donor_busy, delegation_busy, per_slot, per_donor = _occupancy(problem, quick)
        for p in np.flatnonzero((start >= 0) & (quick < 0)):
            d, g, t = problem.pair_donor[p], problem.pair_delegation[p], start[p]
            if (
                problem.donor_free[d, t]
                and problem.delegation_free[g, t]
                and not donor_busy[d, t]
                and not delegation_busy[g, t]
                and per_slot[t] < problem.n_tables
                and per_donor[d] < problem.donor_cap[d]
            ):
                quick[p] = t
                donor_busy[d, t] = delegation_busy[g, t] = True
                per_slot[t] += 1
                per_donor[d] += 1
    _complete(problem, quick)
    return len(np.unique(problem.pair_delegation[quick >= 0]))


def _occupancy(problem: MeetingProblem, pair_slot: np.ndarray) -> tuple[np.ndarray, ...]:
    met = np.flatnonzero(pair_slot >= 0)
    donor_busy = np.zeros_like(problem.donor_free)
    delegation_busy = np.zeros_like(problem.delegation_free)
    donor_busy[problem.pair_donor[met], pair_slot[met]] = True
    delegation_busy[problem.pair_delegation[met], pair_slot[met]] = True
    per_slot = np.bincount(pair_slot[met], minlength=problem.n_slots)
    per_donor = np.bincount(problem.pair_donor[met], minlength=len(problem.donors))
    return donor_busy, delegation_busy, per_slot, per_donor


def _complete(problem: MeetingProblem, pair_slot: np.ndarray) -> int:
    """Add every meeting that still fits (only possible when the solver stopped early).

    Unmet delegations first, then by score; a meeting with a negative score is never added
    for its own sake.
    """
    donor_busy, delegation_busy, per_slot, per_donor = _occupancy(problem, pair_slot)
    met = np.zeros(len(problem.delegations), dtype=bool)
    met[problem.pair_delegation[pair_slot >= 0]] = True
    order = sorted(
        np.flatnonzero(pair_slot < 0),
        key=lambda p: (bool(met[problem.pair_delegation[p]]), -problem.pair_score[p], p),
    )
    added = 0
    for p in order:
        d, g = problem.pair_donor[p], problem.pair_delegation[p]
        if met[g] and problem.pair_score[p] < 0:
            continue
        if per_donor[d] >= problem.donor_cap[d]:
            continue
        for t in range(problem.n_slots):
            if (
                problem.donor_free[d, t]
                and problem.delegation_free[g, t]
                and not donor_busy[d, t]
                and not delegation_busy[g, t]
                and per_slot[t] < problem.n_tables
            ):
                pair_slot[p] = t
                donor_busy[d, t] = delegation_busy[g, t] = True
                per_slot[t] += 1
                per_donor[d] += 1
                met[g] = True
                added += 1
                break
    return added


def _frame(problem: MeetingProblem, pair_slot: np.ndarray, table: np.ndarray) -> pd.DataFrame:
    met = np.flatnonzero(pair_slot >= 0)
    frame = pd.DataFrame(
        {
            "donor": [problem.donors[d] for d in problem.pair_donor[met]],
            "delegation": [problem.delegations[g] for g in problem.pair_delegation[met]],
            "slot": (pair_slot[met] + 1).astype(np.int64),
            "table": table[met].astype(np.int64),
            "score": problem.pair_score[met],
            "locked": problem.locked_slot[met] >= 0,
        }
    )
    return frame.sort_values(["slot", "table"], kind="stable").reset_index(drop=True)


def _slots(slots: Iterable[int]) -> str:
    """``"slot 3"``, ``"slots 2, 5"``, or ``"8 slots (1-8)"`` for more than six (from 1)."""
    numbers = sorted(int(t) + 1 for t in slots)
    if len(numbers) > 6:
        return f"{len(numbers)} slots ({numbers[0]}-{numbers[-1]})"
    return f"{noun(len(numbers), 'slot')} {', '.join(str(t) for t in numbers)}"


def _names(names: list[str], limit: int = 5) -> str:
    return (
        ", ".join(names)
        if len(names) <= limit
        else ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    )


def _unmet(
    problem: MeetingProblem,
    pair_slot: np.ndarray,
    met: np.ndarray,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Why each delegation without a meeting has none, from the final schedule.

    The schedule is maximal (no meeting can be added as it is), so for every donor of an
    unmet delegation and every slot both are free in, the donor is full, busy then, or all
    tables are taken then; the reason says which.
    """
    donor_busy, _, per_slot, per_donor = _occupancy(problem, pair_slot)
    names = names or {}

    def label(d: int) -> str:
        return str(names.get(problem.donors[d], problem.donors[d]))

    records: list[dict[str, str]] = []
    for g in np.flatnonzero(~met):
        name = problem.delegations[g]
        mine = np.flatnonzero(problem.pair_delegation == g)
        donors = [problem.donors[d] for d in problem.pair_donor[mine]]
        shown = [label(d) for d in problem.pair_donor[mine]]
        if not len(mine):
            code, reason = (
                "no_pair",
                "no donor has it among its candidate meetings (no eligible pair)",
            )
        elif not problem.delegation_free[g].any():
            code, reason = "unavailable", "it is unavailable in every slot"
        else:
            common = {
                int(problem.pair_donor[p]): np.flatnonzero(
                    problem.donor_free[problem.pair_donor[p]] & problem.delegation_free[g]
                )
                for p in mine
            }
            reachable = {d: ts for d, ts in common.items() if len(ts)}
            if not reachable:
                code = "no_common_slot"
                reason = f"none of its donors ({_names(shown)}) is free in a slot when it is"
            else:
                code, reason = _blocked(problem, label, reachable, donor_busy, per_slot, per_donor)
        records.append(
            {
                "delegation": name,
                "name": str(names.get(name, name)),
                "reason_code": code,
                "reason": reason,
                "donors": ", ".join(donors),
            }
        )
    return pd.DataFrame(records, columns=["delegation", "name", "reason_code", "reason", "donors"])


def _blocked(
    problem: MeetingProblem,
    label: Callable[[int], str],
    reachable: dict[int, np.ndarray],
    donor_busy: np.ndarray,
    per_slot: np.ndarray,
    per_donor: np.ndarray,
) -> tuple[str, str]:
    # A donor booked in every slot is 'booked', not 'full': only a cap below the slots is a cap.
    full = [
        d
        for d in reachable
        if problem.donor_cap[d] < problem.n_slots and per_donor[d] >= problem.donor_cap[d]
    ]
    tables_full = per_slot >= problem.n_tables
    open_donors = [d for d in reachable if d not in full]
    booked = {d: [t for t in reachable[d] if donor_busy[d, t]] for d in open_donors}
    crowded = {
        d: [t for t in reachable[d] if not donor_busy[d, t] and tables_full[t]] for d in open_donors
    }
    if not open_donors:
        caps = sorted({int(problem.donor_cap[d]) for d in full})
        cap_text = f"{counted(caps[0], 'meeting')} each" if len(caps) == 1 else "their caps"
        return "donors_full", (
            f"all its donors are full ({_names([label(d) for d in full])}: "
            f"{cap_text}, reached with other delegations)"
        )
    if all(not crowded[d] for d in open_donors):
        parts = [f"{label(d)} busy in {_slots(booked[d])}" for d in open_donors]
        if full:
            parts.append(f"{_names([label(d) for d in full])} full")
        return "donors_booked", (
            "its donors are booked with other delegations whenever it is free: " + "; ".join(parts)
        )
    if all(not booked[d] for d in open_donors):
        slots_hit = sorted({t for d in open_donors for t in crowded[d]})
        return "tables_full", (
            f"{noun(problem.n_tables, 'the one table is', f'all {problem.n_tables} tables are')} "
            "taken in every slot it could meet a donor "
            f"({_slots(slots_hit)})"
            + (f"; {_names([label(d) for d in full])} full" if full else "")
        )
    parts = []
    for d in open_donors:
        bits = []
        if booked[d]:
            bits.append(f"busy in {_slots(booked[d])}")
        if crowded[d]:
            bits.append(f"no table free in {_slots(crowded[d])}")
        parts.append(f"{label(d)} {' and '.join(bits)}")
    if full:
        parts.append(f"{_names([label(d) for d in full])} full")
    return "taken", "every slot it shares with a donor is taken: " + "; ".join(parts)
