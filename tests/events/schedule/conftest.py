"""Shared checks for the scheduler tests: feasibility of a schedule, and a brute-force optimum."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest


def assert_feasible(
    schedule: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    slots: int,
    tables: int,
    unavailable: pd.DataFrame | None = None,
    locked: pd.DataFrame | None = None,
    max_per_donor: int | None = None,
) -> None:
    """Every rule of the issue holds for ``schedule``."""
    allowed = set(zip(pairs["donor"], pairs["delegation"], strict=True))
    if locked is not None:
        allowed |= set(zip(locked["donor"], locked["delegation"], strict=True))
    keys = list(zip(schedule["donor"], schedule["delegation"], strict=True))
    assert set(keys) <= allowed, "a meeting of a pair that is not a candidate"
    assert len(keys) == len(set(keys)), "a pair meets twice"
    assert schedule["slot"].between(1, slots).all()
    assert schedule["table"].between(1, tables).all()
    for column in ("donor", "delegation"):
        assert not schedule.duplicated([column, "slot"]).any(), (
            f"a {column} in two meetings at once"
        )
    assert not schedule.duplicated(["slot", "table"]).any(), "two meetings at one table"
    assert (schedule.groupby("slot").size() <= tables).all()
    if max_per_donor is not None:
        assert (schedule.groupby("donor").size() <= max_per_donor).all()
    if unavailable is not None and len(unavailable):
        away = set(zip(unavailable["party"], unavailable["slot"].astype(int), strict=True))
        for row in schedule.itertuples(index=False):
            assert (row.donor, row.slot) not in away
            assert (row.delegation, row.slot) not in away
    if locked is not None and len(locked):
        placed = {
            (r.donor, r.delegation): (r.slot, r.table) for r in schedule.itertuples(index=False)
        }
        for lock in locked.itertuples(index=False):
            assert (lock.donor, lock.delegation) in placed, "a locked meeting was dropped"
            slot, table = placed[(lock.donor, lock.delegation)]
            assert slot == int(lock.slot)
            if "table" in locked.columns and str(lock.table).strip():
                assert table == int(lock.table)


def brute_force(
    pairs: pd.DataFrame,
    *,
    slots: int,
    tables: int,
    unavailable: pd.DataFrame | None = None,
    locked: pd.DataFrame | None = None,
    max_per_donor: int | None = None,
) -> tuple[int, float]:
    """(delegations met, total score) of the lexicographic optimum, by trying every schedule."""
    rows = list(pairs[["donor", "delegation", "score"]].itertuples(index=False, name=None))
    away = set()
    if unavailable is not None and len(unavailable):
        away = set(zip(unavailable["party"], unavailable["slot"].astype(int), strict=True))
    locks = {}
    if locked is not None and len(locked):
        locks = {(r.donor, r.delegation): int(r.slot) for r in locked.itertuples(index=False)}
    choices = []
    for d, g, _ in rows:
        if (d, g) in locks:
            choices.append([locks[(d, g)]])
        else:
            choices.append(
                [0] + [t for t in range(1, slots + 1) if (d, t) not in away and (g, t) not in away]
            )
    best = (-1, -float("inf"))
    for assignment in itertools.product(*choices):
        busy: set[tuple[str, int]] = set()
        per_slot: dict[int, int] = {}
        per_donor: dict[str, int] = {}
        ok = True
        for (d, g, _), t in zip(rows, assignment, strict=True):
            if not t:
                continue
            if (d, t) in busy or (g, t) in busy:
                ok = False
                break
            busy |= {(d, t), (g, t)}
            per_slot[t] = per_slot.get(t, 0) + 1
            per_donor[d] = per_donor.get(d, 0) + 1
            if per_slot[t] > tables or (max_per_donor is not None and per_donor[d] > max_per_donor):
                ok = False
                break
        if not ok:
            continue
        met = len({g for (_, g, _), t in zip(rows, assignment, strict=True) if t})
        score = sum(s for (_, _, s), t in zip(rows, assignment, strict=True) if t)
        best = max(best, (met, score))
    return best


class Checks:
    """The helpers above, handed to tests as the ``checks`` fixture."""

    feasible = staticmethod(assert_feasible)
    brute_force = staticmethod(brute_force)


@pytest.fixture(scope="session")
def checks() -> type[Checks]:
    return Checks


def frame(rows: list[tuple[object, ...]], columns: str) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns.split())


@pytest.fixture(scope="session")
def table() -> object:
    """Build a small frame: ``table([("A", "x", 0.5)], "donor delegation score")``."""
    return frame
