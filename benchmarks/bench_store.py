"""Import and read-back times of the store, on SQLite and (given a server) PostgreSQL.

    .venv/bin/python benchmarks/bench_store.py [--rows 5022] [--pg postgresql+psycopg://...]

Writes ``--rows`` synthetic proposals (``benchmarks/generate.py``) to a CSV, then times, on a
fresh database each: the first import, a re-import of the same file (changes nothing), a
corrected file with every tenth title changed, and reading every proposal back. Prints the
README's table after a line with the date, machine and load average. Run by hand, never in
tests; on PostgreSQL each run uses a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_proposals

from matcher.export import write_table
from matcher.store import open_store


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _run(url: str, original: Path, corrected: Path) -> dict[str, float]:
    times: dict[str, float] = {}
    with open_store(url) as store:
        times["first"], _ = _timed(lambda: store.import_file(original, "proposals"))
        times["again"], again = _timed(lambda: store.import_file(original, "proposals"))
        assert not again.changed_anything  # type: ignore[attr-defined]
        times["corrected"], fixed = _timed(lambda: store.import_file(corrected, "proposals"))
        times["updated"] = fixed.n_updated  # type: ignore[attr-defined]
        times["read"], _ = _timed(store.proposals)
    return times


def _pg_schema_url(admin: str) -> tuple[str, Callable[[], None]]:
    name = f"lifeweb_bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    url = sa.make_url(admin).update_query_dict({"options": f"-csearch_path={name}"})

    def drop() -> None:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        engine.dispose()

    return url.render_as_string(hide_password=False), drop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5022)
    parser.add_argument("--pg", default=os.environ.get("LIFEWEB_TEST_PG_URL", ""))
    args = parser.parse_args(argv)
    proposals = generate_proposals(args.rows)
    changed = proposals.copy()
    every_tenth = changed.index[::10]
    changed.loc[every_tenth, "title"] = changed.loc[every_tenth, "title"] + " (revised)"
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="lifeweb-bench-store-") as workdir:
        original = write_table(proposals, Path(workdir) / "proposals.csv")
        corrected = write_table(changed, Path(workdir) / "corrected.csv")
        load_before = os.getloadavg()[0]
        results["SQLite"] = _run(f"sqlite:///{Path(workdir) / 'bench.db'}", original, corrected)
        if args.pg:
            url, drop = _pg_schema_url(args.pg)
            try:
                results["PostgreSQL"] = _run(url, original, corrected)
            finally:
                drop()
        load_after = os.getloadavg()[0]
    print(
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC with benchmarks/bench_store.py, "
        f"{os.cpu_count()} cores, load average {load_before:.1f} before and {load_after:.1f} "
        f"after, {args.rows:,} proposals:\n"
    )
    names = list(results)
    updated = int(results["SQLite"]["updated"])
    rows = [
        ("First import", "first"),
        ("Re-import of the same file", "again"),
        (f"Corrected file, {updated:,} rows updated", "corrected"),
        ("Reading back", "read"),
    ]
    print("| | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for label, key in rows:
        print(f"| {label} | " + " | ".join(f"{results[n][key]:.1f} s" for n in names) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
