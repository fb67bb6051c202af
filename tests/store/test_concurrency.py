"""Several people saving at once: nothing is lost, and a stale edit is refused with a clear message."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from matcher.store import StaleWriteError, Store, open_store

N_THREADS = 6


def _run_together(workers: list[Callable[[], object]]) -> list[object]:
    """Start every worker at the same moment; return each one's result or exception."""
    barrier = threading.Barrier(len(workers))
    outcomes: list[object] = [None] * len(workers)

    def run(index: int) -> None:
        barrier.wait()
        try:
            outcomes[index] = workers[index]()
        except Exception as error:  # collected and asserted on by the test
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.fixture
def seeded(
    store: Store,
    make_proposals: Callable[..., pd.DataFrame],
    literal_donors: pd.DataFrame,
) -> Store:
    ids = [(f"P{i}", f"proposal {i}") for i in range(N_THREADS)]
    store.import_frame(make_proposals(*ids), "proposals", filename="p.csv")
    store.import_frame(literal_donors, "donors", filename="d.csv")
    return store


def test_concurrent_edits_and_decisions_from_separate_connections_all_land(
    seeded: Store, db_url: str
) -> None:
    people = [open_store(db_url) for _ in range(N_THREADS)]
    edits_each, decisions_each = 4, 5

    def work(index: int) -> int:
        person = people[index]
        version = 1
        for round_number in range(edits_each):
            version = person.update_proposal(
                f"P{index}",
                {"summary": f"edit {round_number} by person {index}"},
                expected_version=version,
                by=f"person {index}",
            )
        for n in range(decisions_each):
            person.record_decision(
                f"P{index}", "D1", "contacted", note=f"call {n}", by=f"person {index}"
            )
        return version

    try:
        outcomes = _run_together([lambda i=i: work(i) for i in range(N_THREADS)])
    finally:
        for person in people:
            person.close()

    assert outcomes == [1 + edits_each] * N_THREADS
    proposals = seeded.proposals(meta=True).set_index("proposal_id")
    for index in range(N_THREADS):
        assert proposals.loc[f"P{index}", "summary"] == f"edit {edits_each - 1} by person {index}"
        assert proposals.loc[f"P{index}", "version"] == 1 + edits_each
        assert seeded.versions("proposals", f"P{index}")["version"].tolist() == [1, 2, 3, 4, 5]
    log = seeded.decisions()
    assert len(log) == N_THREADS * decisions_each
    assert sorted(log["note"].value_counts().tolist()) == [N_THREADS] * decisions_each


def test_second_writer_with_a_stale_version_gets_a_clear_error(seeded: Store, db_url: str) -> None:
    with open_store(db_url) as ana, open_store(db_url) as ben:
        ana_sees = ana.record("proposals", "P0")
        ben_sees = ben.record("proposals", "P0")
        assert ana_sees["version"] == ben_sees["version"] == 1

        assert ana.update_proposal("P0", {"title": "Ana's title"}, expected_version=1) == 2
        with pytest.raises(StaleWriteError) as raised:
            ben.update_proposal("P0", {"title": "Ben's title"}, expected_version=1)

    error = raised.value
    assert (error.expected_version, error.current_version) == (1, 2)
    message = str(error)
    assert "'P0' was changed by someone else" in message
    assert "version 1" in message and "version 2" in message and "Nothing was saved" in message
    assert seeded.record("proposals", "P0")["title"] == "Ana's title"
    assert seeded.versions("proposals", "P0")["title"].tolist() == ["proposal 0", "Ana's title"]


def test_simultaneous_edits_of_one_record_let_exactly_one_through(
    seeded: Store, db_url: str
) -> None:
    people = [open_store(db_url) for _ in range(N_THREADS)]
    try:
        outcomes = _run_together(
            [
                lambda i=i: people[i].update_donor(
                    "D1", {"priorities": f"written by {i}"}, expected_version=1, by=f"p{i}"
                )
                for i in range(N_THREADS)
            ]
        )
    finally:
        for person in people:
            person.close()

    winners = [i for i, outcome in enumerate(outcomes) if outcome == 2]
    losers = [outcome for outcome in outcomes if isinstance(outcome, StaleWriteError)]
    assert len(winners) == 1
    assert len(losers) == N_THREADS - 1
    donor = seeded.record("donors", "D1")
    assert donor["priorities"] == f"written by {winners[0]}"
    assert donor["version"] == 2


def test_the_same_file_imported_twice_at_once_stores_each_row_once(
    store: Store, db_url: str, data_dir: Path
) -> None:
    people = [open_store(db_url) for _ in range(2)]
    path = data_dir / "proposals.csv"
    try:
        outcomes = _run_together([lambda p=p: p.import_file(path, "proposals") for p in people])
    finally:
        for person in people:
            person.close()

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    added = sorted(outcome.n_added for outcome in outcomes)  # type: ignore[union-attr]
    n_rows = len(store.proposals())
    assert added == [0, n_rows]
    assert len(store.uploads()) == 1


_DECISION_WRITER = """
import sys
from matcher.store import open_store
url, writer, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open_store(url) as store:
    for n in range(count):
        store.record_decision("P0", "D1", "proposed", note=f"{writer}-{n}", by=writer)
"""


def test_writers_in_separate_processes_lose_nothing(seeded: Store, db_url: str) -> None:
    count = 25
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _DECISION_WRITER, db_url, writer, str(count)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for writer in ("alpha", "beta")
    ]
    for process in processes:
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output.decode()

    log = seeded.decisions()
    assert len(log) == 2 * count
    assert set(log["note"]) == {f"{w}-{n}" for w in ("alpha", "beta") for n in range(count)}
    assert log["decision_id"].is_unique
