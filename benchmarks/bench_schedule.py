"""Solve time and quality of the roundtable meeting scheduler, run by hand (never in the tests).

Synthetic roundtables at three sizes (donors x delegations x slots): 25 x 40 x 8,
60 x 80 x 10 and 120 x 150 x 12. Each delegation is a candidate of 6-15 donors with scores
from Beta(2, 5); tables are half the donors; each donor meets at most 80 % of the slots; one
party in ten is unavailable in one to three slots; two meetings are locked. Per size it
reports the wall time, the solver's status, the delegations met against the solver's upper
bound and the total score against its bound (the optimality gap), and a greedy baseline
(best score first, unmet delegations first) on the same instance, plus the time of moving one
meeting.

Run::

    .venv/bin/python benchmarks/bench_schedule.py            # the three sizes
    .venv/bin/python benchmarks/bench_schedule.py --sizes 60x80x10 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from matcher.events.schedule import move_meeting, schedule_meetings  # noqa: E402

SIZES = ("25x40x8", "60x80x10", "120x150x12")


def synthetic_event(
    n_donors: int, n_delegations: int, n_slots: int, seed: int = 11, tables: int | None = None
) -> dict[str, object]:
    """Pairs, unavailability, locks and the room of a synthetic roundtable."""
    rng = np.random.default_rng(seed)
    donors = [f"Donor {i:03d}" for i in range(n_donors)]
    delegations = [f"Delegation {j:03d}" for j in range(n_delegations)]
    # Popular donors are candidates more often, as in real rounds.
    popularity = rng.dirichlet(np.full(n_donors, 2.0))
    rows = []
    for g in delegations:
        k = int(rng.integers(6, 16))
        chosen = rng.choice(n_donors, size=min(k, n_donors), replace=False, p=popularity)
        for d in chosen:
            rows.append(
                {"donor": donors[d], "delegation": g, "score": round(float(rng.beta(2, 5)), 4)}
            )
    pairs = pd.DataFrame(rows)
    parties = donors + delegations
    unavailable = []
    for party in rng.choice(parties, size=len(parties) // 10, replace=False):
        for t in rng.choice(n_slots, size=int(rng.integers(1, 4)), replace=False):
            unavailable.append({"party": party, "slot": int(t) + 1})
    unavailable = pd.DataFrame(unavailable, columns=["party", "slot"])
    blocked = set(zip(unavailable["party"], unavailable["slot"], strict=True))
    locked = []
    used: set[tuple[str, int]] = set()
    for row in pairs.sample(frac=1.0, random_state=seed).itertuples(index=False):
        slot = 1 + len(locked)
        if (row.donor, slot) in blocked or (row.delegation, slot) in blocked:
            continue
        if (row.donor, slot) in used or (row.delegation, slot) in used:
            continue
        locked.append({"donor": row.donor, "delegation": row.delegation, "slot": slot})
        used |= {(row.donor, slot), (row.delegation, slot)}
        if len(locked) == 2:
            break
    return {
        "pairs": pairs,
        "unavailable": unavailable,
        "locked": pd.DataFrame(locked),
        "slots": n_slots,
        "tables": tables or max(1, n_donors // 2),
        "max_per_donor": max(1, int(0.8 * n_slots)),
    }


def greedy_baseline(event: dict[str, object]) -> tuple[int, float]:
    """Delegations met and total score of a one-pass greedy schedule (unmet first, best score)."""
    pairs = event["pairs"].sort_values("score", ascending=False)
    slots, tables, cap = event["slots"], event["tables"], event["max_per_donor"]
    blocked = set(zip(event["unavailable"]["party"], event["unavailable"]["slot"], strict=True))
    busy: set[tuple[str, int]] = set()
    per_slot = dict.fromkeys(range(1, slots + 1), 0)
    per_donor: dict[str, int] = {}
    met: set[str] = set()
    total = 0.0
    scores = {(r.donor, r.delegation): r.score for r in pairs.itertuples(index=False)}
    for lock in event["locked"].itertuples(index=False):
        busy |= {
            (lock.donor, lock.slot),
            (lock.delegation, lock.slot),
            (lock.donor, lock.delegation, 0),
        }
        per_slot[lock.slot] += 1
        per_donor[lock.donor] = per_donor.get(lock.donor, 0) + 1
        met.add(lock.delegation)
        total += scores[(lock.donor, lock.delegation)]
    for first_pass in (True, False):
        for row in pairs.itertuples(index=False):
            if (row.delegation in met) == first_pass or (row.donor, row.delegation, 0) in busy:
                continue
            if per_donor.get(row.donor, 0) >= cap:
                continue
            for t in range(1, slots + 1):
                if per_slot[t] >= tables:
                    continue
                if {(row.donor, t), (row.delegation, t)} & (busy | blocked):
                    continue
                busy |= {(row.donor, t), (row.delegation, t), (row.donor, row.delegation, 0)}
                per_slot[t] += 1
                per_donor[row.donor] = per_donor.get(row.donor, 0) + 1
                met.add(row.delegation)
                total += row.score
                break
    return len(met), total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), metavar="DxGxS")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (median reported)")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per stage (60)")
    parser.add_argument(
        "--tight", action="store_true", help="also run each size with just enough tables"
    )
    args = parser.parse_args(argv)
    print(f"# bench_schedule: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(
        f"# machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"# load before: {Path('/proc/loadavg').read_text().split()[:3]}")
    print(
        "| size | tables | pairs | wall s (median) | CPU s | status | delegations met / bound | "
        "total score / bound (gap) | greedy met, score | move one meeting s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    runs = [(size, None) for size in args.sizes]
    if args.tight:
        # Just enough tables for one meeting per delegation: every delegation is contested.
        runs += [
            (size, -(-int(size.split("x")[1]) // int(size.split("x")[2]))) for size in args.sizes
        ]
    for size, tables in runs:
        n_d, n_g, n_s = (int(v) for v in size.lower().split("x"))
        event = synthetic_event(n_d, n_g, n_s, tables=tables)
        walls = []
        cpus = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            cpu_started = time.process_time()
            result = schedule_meetings(
                event["pairs"],
                slots=event["slots"],
                tables=event["tables"],
                unavailable=event["unavailable"],
                locked=event["locked"],
                max_per_donor=event["max_per_donor"],
                time_limit=args.time_limit,
            )
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu_started)
        rep = result.report
        first = result.schedule.iloc[-1]
        target = 1 + (int(first["slot"]) % event["slots"])
        started = time.perf_counter()
        try:
            move_meeting(
                event["pairs"],
                result.schedule,
                donor=first["donor"],
                delegation=first["delegation"],
                slot=target,
                slots=event["slots"],
                tables=event["tables"],
                unavailable=event["unavailable"],
                locked=event["locked"],
                max_per_donor=event["max_per_donor"],
                time_limit=args.time_limit,
            )
            moved = f"{time.perf_counter() - started:.2f}"
        except ValueError as error:
            moved = f"n/a ({error})"
        greedy_met, greedy_score = greedy_baseline(event)
        print(
            f"| {n_d}x{n_g}x{n_s} | {event['tables']} | {len(event['pairs'])} | "
            f"{float(np.median(walls)):.2f} | {float(np.median(cpus)):.2f} | "
            f"{rep.status} | {rep.delegations_met} / {rep.delegations_met_bound} of "
            f"{rep.delegations} | {rep.total_score:.2f} / {rep.score_bound:.2f} ({rep.gap:.3%}) | "
            f"{greedy_met}, {greedy_score:.2f} | {moved} |"
        )
        sys.stdout.flush()
    print(f"# load after: {Path('/proc/loadavg').read_text().split()[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
