"""Table numbers for a slot-by-slot schedule: donors stay at their table, delegations move.

At a roundtable the donor keeps a table and the delegations walk to it, so each donor gets a
home table (the one it had in a previous schedule, else one in order of how busy it is) and
sits there whenever that table is free; locked tables are honoured first.
"""

from __future__ import annotations

import numpy as np

__all__ = ["number_tables"]


def number_tables(
    pair_slot: np.ndarray,
    pair_donor: np.ndarray,
    locked_table: np.ndarray,
    previous_table: np.ndarray,
    n_tables: int,
) -> np.ndarray:
    """1-based table per pair (0 where the pair has no meeting); no table is used twice a slot."""
    table = np.zeros(len(pair_slot), dtype=np.int64)
    met = np.flatnonzero(pair_slot >= 0)
    if not len(met):
        return table
    donors, meetings = np.unique(pair_donor[met], return_counts=True)
    home: dict[int, int] = {}
    for p in met:
        if previous_table[p] and int(pair_donor[p]) not in home:
            home[int(pair_donor[p])] = int(previous_table[p])
    used_homes = set(home.values())
    free_homes = iter(t for t in range(1, n_tables + 1) if t not in used_homes)
    for d in donors[np.lexsort((donors, -meetings))]:
        if int(d) not in home:
            home[int(d)] = next(free_homes, 1 + len(home) % n_tables)
    for slot in np.unique(pair_slot[met]):
        here = met[pair_slot[met] == slot]
        taken = {int(locked_table[p]) for p in here if locked_table[p]}
        for p in here:
            if locked_table[p]:
                table[p] = locked_table[p]
        waiting = [p for p in sorted(here, key=lambda p: int(pair_donor[p])) if not table[p]]
        rest = []
        for p in waiting:
            wanted = home[int(pair_donor[p])]
            if wanted not in taken:
                table[p] = wanted
                taken.add(wanted)
            else:
                rest.append(p)
        spare = (t for t in range(1, n_tables + 1) if t not in taken)
        for p in rest:
            table[p] = next(spare)
    return table
