"""Speed and memory of the matching engine against bare floors in the same run (by hand, never in tests).

Issue 13's targets, each printed beside its anchor, measured on this machine in this run (the
machine is shared, so a ratio to an anchor run at the same time is the figure that holds):

* cold: read CSVs through the readers, profile donors, score every pair and take the top 20
  both ways at 100,000 x 1,000: <= 25 s and <= 2 GB peak; anchor: the bare floor (pandas
  read, word TF-IDF fit, one chunked sparse product, top 20 both ways) at 10,000 x 500, scaled
  by 10 to 100,000 proposals: target <= 1.2x that. Each size runs in its own process;
* warm: re-weight the cached 10,000 x 500 components and re-rank the top 20 both ways:
  <= 30 ms median; anchor: one weighted sum of the same float32 stack plus ``np.partition``
  both ways (the arithmetic floor, no result tables);
* one new proposal against 1,000 donors (features, components, combine, top 20): <= 3 ms at
  p95; anchor: scikit-learn's ``TfidfVectorizer.transform`` of the same text plus one sparse
  product with the donor vectors and ``argpartition``.

Every figure carries the load average when it was taken and its CPU time (a loaded machine
inflates wall time much more than CPU time)::

    .venv/bin/python benchmarks/bench_engine.py            # everything (15-40 min when loaded)
    .venv/bin/python benchmarks/bench_engine.py --quick    # 10k x 500 only, to try changes
    .venv/bin/python benchmarks/bench_engine.py --single-only  # one new proposal only
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.generate import DatasetPaths, write_dataset  # noqa: E402

ANCHOR_SIZE = (10_000, 500)
TARGET_SIZE = (100_000, 1_000)
SIZES: tuple[tuple[int, int], ...] = (ANCHOR_SIZE, TARGET_SIZE)
QUICK_SIZES: tuple[tuple[int, int], ...] = (ANCHOR_SIZE,)
WARM_SIZE = (10_000, 500)
SINGLE_SIZE = (2_000, 1_000)  # one new proposal against 1,000 donors
TOP_K = 20
COLD_TARGET_SECONDS = 25.0
COLD_TARGET_RATIO = 1.2
MEMORY_TARGET_MB = 2048.0
REWEIGHT_TARGET_MS = 30.0
NEW_PROPOSAL_TARGET_MS = 3.0
DATA_DIR = REPO / "var" / "bench"
TEXT_FIELDS = ("title", "summary", "description", "objectives")


class ProcessTreeMonitor:
    """Peak resident memory and CPU time of this process and every process it starts.

    The engine may spread chunks over a second process, whose memory and CPU
    ``getrusage(RUSAGE_SELF)`` would miss; so ``/proc`` is sampled every 100 ms. Memory is the
    proportional set size (PSS, ``/proc/<pid>/smaps_rollup``) summed over the tree, so pages a
    forked worker shares with its parent count once; each child's last seen CPU time is added
    to this process's own. Linux only, like the machine the targets are set for.
    """

    interval = 0.1

    def __init__(self) -> None:
        self.peak_bytes = 0
        self.stage_peak_bytes = 0  # since the last Stopwatch lap
        self._child_cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._paused = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._tick = os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> ProcessTreeMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if not self._paused.is_set():
                self.sample()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No sampling meanwhile: the sampler is Python code that would take the GIL (and a few
        milliseconds) from the millisecond timings being measured."""
        self._paused.set()
        try:
            yield
        finally:
            self._paused.clear()

    def _descendants(self) -> list[int]:
        parents: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry))
        found, frontier = [], [os.getpid()]
        while frontier:
            children = parents.get(frontier.pop(), [])
            found += children
            frontier += children
        return found

    def sample(self) -> None:
        total = 0
        for pid in [os.getpid(), *self._descendants()]:
            try:
                total += self._proportional_bytes(pid)
                if pid != os.getpid():
                    with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
                        fields = handle.read().rsplit(")", 1)[1].split()
                    self._child_cpu[pid] = (int(fields[11]) + int(fields[12])) / self._tick
            except (OSError, IndexError, ValueError):
                continue
        self.peak_bytes = max(self.peak_bytes, total)
        self.stage_peak_bytes = max(self.stage_peak_bytes, total)

    def _proportional_bytes(self, pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * self._page

    @property
    def peak_mb(self) -> float:
        own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return max(self.peak_bytes, own_peak) / 1024**2

    def cpu_seconds(self) -> float:
        """CPU seconds of this process and its children so far."""
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime + sum(self._child_cpu.values())


@dataclass
class Stopwatch:
    """Named stage times (wall and CPU seconds), in the order they ran."""

    stages: dict[str, float]
    stages_cpu: dict[str, float]
    stages_peak_mb: dict[str, float]

    def __init__(self, monitor: ProcessTreeMonitor) -> None:
        self.stages = {}
        self.stages_cpu = {}
        self.stages_peak_mb = {}
        monitor.stage_peak_bytes = 0
        self._monitor = monitor
        self._last = time.perf_counter()
        self._last_cpu = monitor.cpu_seconds()

    def lap(self, name: str) -> None:
        self._monitor.sample()
        now, now_cpu = time.perf_counter(), self._monitor.cpu_seconds()
        self.stages[name] = self.stages.get(name, 0.0) + now - self._last
        self.stages_cpu[name] = self.stages_cpu.get(name, 0.0) + now_cpu - self._last_cpu
        self.stages_peak_mb[name] = self._monitor.stage_peak_bytes / 1024**2
        self._monitor.stage_peak_bytes = 0
        self._last, self._last_cpu = now, now_cpu

    @property
    def total(self) -> float:
        return sum(self.stages.values())

    @property
    def total_cpu(self) -> float:
        return sum(self.stages_cpu.values())


# --------------------------------------------------------------------------------------------
# workers: each runs in its own process so peak memory is its own
# --------------------------------------------------------------------------------------------


def top_k_rows(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and values of each row's k largest scores, best first."""
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    values = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-values, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(values, order, axis=1)


def worker_bare(paths: DatasetPaths, monitor: ProcessTreeMonitor) -> dict[str, object]:
    """The reference: word TF-IDF fit, one chunked sparse product, top-k both ways."""
    import pandas as pd
    from sklearn.feature_extraction.text import TfidfVectorizer

    watch = Stopwatch(monitor)
    proposals = pd.concat(
        [pd.read_csv(p, keep_default_na=False, dtype=str) for p in paths.proposals],
        ignore_index=True,
    )
    donors = pd.read_csv(paths.donors, keep_default_na=False, dtype=str)
    watch.lap("read (pandas)")
    proposal_text = proposals[list(TEXT_FIELDS)].agg(" ".join, axis=1).tolist()
    donor_text = donors["priorities"].tolist()
    vectoriser = TfidfVectorizer(sublinear_tf=True, dtype=np.float32)
    proposal_matrix = vectoriser.fit_transform(proposal_text)
    donor_matrix = vectoriser.transform(donor_text)
    watch.lap("tf-idf fit")
    donor_t = donor_matrix.T.tocsc()
    n_donors = donor_matrix.shape[0]
    best_for_donor = np.full((n_donors, TOP_K), -np.inf, dtype=np.float32)
    best_for_donor_at = np.zeros((n_donors, TOP_K), dtype=np.int64)
    chunk = 10_000
    for start in range(0, proposal_matrix.shape[0], chunk):
        block = (proposal_matrix[start : start + chunk] @ donor_t).toarray()
        top_k_rows(block, TOP_K)  # the donors for each proposal
        columns, values = top_k_rows(block.T, TOP_K)  # this chunk's best for each donor
        merged = np.concatenate([best_for_donor, values], axis=1)
        merged_at = np.concatenate([best_for_donor_at, columns + start], axis=1)
        keep, best_for_donor = top_k_rows(merged, TOP_K)
        best_for_donor_at = np.take_along_axis(merged_at, keep, axis=1)
    watch.lap("chunked product + top-k")
    return {
        "stages": watch.stages,
        "stages_cpu": watch.stages_cpu,
        "stages_peak_mb": watch.stages_peak_mb,
        "seconds": watch.total,
        "peak_mb": monitor.peak_mb,
        "cpu_s": watch.total_cpu,
    }


def _read_with_readers(paths: DatasetPaths) -> tuple:
    """Proposals (every part), donors and history through the project's readers."""
    import pandas as pd

    from matcher.load import load_donors, load_history, load_proposals

    parts = [load_proposals(path).frame for path in paths.proposals]
    return (
        pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0],
        load_donors(paths.donors).frame,
        load_history(paths.history).frame,
    )


def worker_cold(
    paths: DatasetPaths, monitor: ProcessTreeMonitor, *, explain: bool = False
) -> dict[str, object]:
    """The engine end to end from CSV files: read, profile, score, top 20 both ways."""
    import matcher.load  # imported before the clock starts, as the reference does
    from matcher.rank import Matcher

    watch = Stopwatch(monitor)
    proposals, donors, history = _read_with_readers(paths)
    watch.lap("read (readers)")
    matcher = Matcher().fit(donors, history, proposals=proposals)
    watch.lap("profile donors")
    ranked = matcher.rank(proposals, top_k=TOP_K, by="both", explain=explain)
    watch.lap("score + top-20 both ways" + (" + explanations" if explain else ""))
    return {
        "stages": watch.stages,
        "stages_cpu": watch.stages_cpu,
        "stages_peak_mb": watch.stages_peak_mb,
        "seconds": watch.total,
        "peak_mb": monitor.peak_mb,
        "cpu_s": watch.total_cpu,
        "rows": len(ranked),
    }


def worker_cold_explained(paths: DatasetPaths, monitor: ProcessTreeMonitor) -> dict[str, object]:
    """As :func:`worker_cold`, with the one-line explanation written for every ranked pair."""
    return worker_cold(paths, monitor, explain=True)


def _interleaved(
    fns: dict[str, Callable[[int], object]], runs: int, warmup: int
) -> dict[str, dict[str, list[float]]]:
    """Wall and CPU milliseconds of each ``fn(i)``, run turn about so all see the same load."""
    times = {name: {"wall": [], "cpu": []} for name in fns}
    for i in range(warmup + runs):
        for name, fn in fns.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            fn(i)
            if i >= warmup:
                times[name]["wall"].append((time.perf_counter() - started) * 1000)
                times[name]["cpu"].append((time.process_time() - started_cpu) * 1000)
    return times


SHOWN_ROWS = 50  # rows of each direction a page shows at once


def worker_warm(paths: DatasetPaths, monitor: ProcessTreeMonitor) -> dict[str, object]:
    """Re-weighting cached scores and re-ranking, beside the arithmetic floor of the same."""
    from matcher.combine import WEIGHT_PRESETS, resolve_weights
    from matcher.rank import Matcher

    proposals, donors, history = _read_with_readers(paths)
    matcher = Matcher().fit(donors, history, proposals=proposals)
    score_set = matcher.score(proposals)
    presets = list(WEIGHT_PRESETS)
    vectors = [resolve_weights(p) for p in presets]
    flat = score_set.values.reshape(score_set.values.shape[0], -1)
    n_p, n_m = score_set.shape

    def shown(i: int, explain: bool) -> None:
        ranked = score_set.ranked(TOP_K, by="both", weights=presets[i % len(presets)])
        for direction in ranked:
            direction.frame(slice(0, SHOWN_ROWS), explain=explain)

    def anchor(i: int) -> None:
        key = (vectors[i % len(vectors)] @ flat).reshape(n_p, n_m)
        np.partition(key, n_m - TOP_K, axis=1)
        np.partition(np.ascontiguousarray(key.T), n_p - TOP_K, axis=1)

    def every_row(i: int) -> None:
        score_set.top_k(TOP_K, by="both", weights=presets[i % len(presets)], explain=False)

    every_proposal = np.arange(n_p)
    tie_order = score_set._tie_order("donor")

    def one_donor(i: int) -> None:
        """What the Matches page re-weights on a slider release: one donor's proposals."""
        donor, w = i % n_m, vectors[i % len(vectors)]
        scores = score_set.pair_scores(w, every_proposal, np.full(n_p, donor))
        eligible = score_set.reason_codes[:, donor] == 0
        key = -np.nan_to_num(scores, nan=-1.0)
        order = np.lexsort((tie_order, key, ~eligible))[:SHOWN_ROWS]
        ranks = np.arange(1, order.size + 1)
        column = np.full(order.size, donor)
        score_set.pairs_frame(order, column, ranks, scores[order], w, explain=False)

    with monitor.paused():
        times = _interleaved(
            {
                "engine": lambda i: shown(i, False),
                "anchor": anchor,
                "explained": lambda i: shown(i, True),
                "every_row": every_row,
                "one_donor": one_donor,
            },
            runs=15,
            warmup=3,
        )
    return {"times": times, "peak_mb": monitor.peak_mb}


def worker_single(paths: DatasetPaths, monitor: ProcessTreeMonitor) -> dict[str, object]:
    """One new proposal against every donor, beside a bare TF-IDF transform, product, top-k."""
    from matcher.rank import Matcher
    from matcher.score import proposal_texts

    proposals, donors, history = _read_with_readers(paths)
    matcher = Matcher().fit(donors, history, proposals=proposals)
    step = max(len(proposals) // 300, 1)
    rows = [proposals.iloc[[i]] for i in range(0, len(proposals), step)]
    # A new proposal arrives as one record (a form, an API call), not as a frame.
    records = [dict(zip(row.columns, row.iloc[0].tolist(), strict=True)) for row in rows]
    texts = [proposal_texts(row)[0] for row in rows]
    vectoriser = matcher.text_model_.word_
    donor_t = matcher.donor_vectors_.profile_words.T.tocsc()
    n_donors = donor_t.shape[1]

    def anchor(i: int) -> None:
        product = (vectoriser.transform([texts[i % len(texts)]]) @ donor_t).toarray()
        np.argpartition(-product, TOP_K - 1, axis=1)[:, :TOP_K]

    with monitor.paused():
        times = _interleaved(
            {
                "engine": lambda i: matcher.rank_one(records[i % len(records)], top_k=TOP_K),
                "anchor": anchor,
                "with_frame": lambda i: matcher.score_one(rows[i % len(rows)], top_k=TOP_K),
            },
            runs=len(rows),
            warmup=5,
        )
    return {"times": times, "n_donors": n_donors, "peak_mb": monitor.peak_mb}


def _distribution(values_ms: list[float]) -> dict[str, float]:
    values = np.asarray(values_ms)
    return {
        "n": len(values),
        "median": float(np.median(values)),
        "p95": float(np.percentile(values, 95)),
        "max": float(values.max()),
    }


WORKERS: dict[str, Callable[[DatasetPaths, ProcessTreeMonitor], dict[str, object]]] = {
    "bare": worker_bare,
    "cold": worker_cold,
    "cold_explained": worker_cold_explained,
    "warm": worker_warm,
    "single": worker_single,
}


def run_worker(kind: str, paths: DatasetPaths) -> dict[str, object]:
    """Run one worker in a fresh interpreter and return what it measured."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind]
    command += ["--files", str(len(paths.proposals)), *(str(p) for p in paths.proposals)]
    command += [str(paths.donors), str(paths.history)]
    load = _load_average()
    completed = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)
    if completed.returncode != 0:
        return {"error": (completed.stderr.strip().splitlines() or ["failed"])[-1], "load": load}
    return {**json.loads(completed.stdout.strip().splitlines()[-1]), "load": load}


def _load_average() -> str:
    return "{:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------


def _size_label(n_proposals: int, n_donors: int) -> str:
    return f"{n_proposals:,} x {n_donors:,}"


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _stage_lines(label: str, result: dict) -> str:
    if "error" in result:
        return f"- {label}: FAILED: {result['error']}"
    cpu = result.get("stages_cpu", {})
    peak = result.get("stages_peak_mb", {})
    stages = ", ".join(
        f"{name} {seconds:.1f} s"
        + (f" ({cpu[name]:.1f} s CPU)" if name in cpu else "")
        + (f" [{peak[name]:,.0f} MB]" if name in peak else "")
        for name, seconds in result["stages"].items()
    )
    return f"- {label} (load {result.get('load', '?')}): {stages}"


Row = tuple[str, str, str, str, str, str, str]
"""measurement, figure, anchor, figure / anchor, target, met or not, load average."""
TABLE_HEADER = (
    "| measurement | figure | anchor (same run) | figure / anchor | target | | load |\n"
    "| --- | --- | --- | ---: | --- | --- | --- |"
)


def table_lines(rows: list[Row]) -> list[str]:
    return [TABLE_HEADER, *(f"| {' | '.join(row)} |" for row in rows)]


def engine_rows(
    cold: dict[tuple[int, int], tuple[dict, dict | None]], warm: dict | None, single: dict | None
) -> list[Row]:
    """Every engine figure beside its anchor and its target, with the load it ran at."""
    rows: list[Row] = []
    engine_anchor, bare_anchor = cold.get(ANCHOR_SIZE, ({}, None))
    engine_big, bare_big = cold.get(TARGET_SIZE, ({}, None))
    floor = 10 * bare_anchor["seconds"] if bare_anchor and "seconds" in bare_anchor else None
    big = f"cold rank {_size_label(*TARGET_SIZE)}"
    if "error" in engine_big:
        rows.append((big, f"FAILED: {engine_big['error']}", "", "", "", "", engine_big["load"]))
    if "seconds" in engine_big and floor:
        seconds = engine_big["seconds"]
        ratio = seconds / floor
        rows.append(
            (
                f"{big}, top 20 both ways (read, profile, score)",
                f"{seconds:.1f} s ({engine_big['cpu_s']:.1f} s CPU)",
                f"10 x bare TF-IDF floor at {_size_label(*ANCHOR_SIZE)}: {floor:.1f} s "
                f"({10 * bare_anchor['cpu_s']:.1f} s CPU)",
                f"{ratio:.2f}x",
                f"<= {COLD_TARGET_SECONDS:.0f} s, <= {COLD_TARGET_RATIO}x",
                f"{_met(seconds <= COLD_TARGET_SECONDS)} (time); "
                f"{_met(ratio <= COLD_TARGET_RATIO)} (ratio)",
                engine_big["load"],
            )
        )
        rows.append(
            (
                f"{big}: peak memory (process tree PSS)",
                f"{engine_big['peak_mb']:,.0f} MB",
                f"bare floor at the same size: {bare_big['peak_mb']:,.0f} MB"
                if bare_big and "peak_mb" in bare_big
                else "-",
                "",
                f"<= {MEMORY_TARGET_MB:,.0f} MB",
                _met(engine_big["peak_mb"] <= MEMORY_TARGET_MB),
                engine_big["load"],
            )
        )
        if bare_big and "seconds" in bare_big:
            rows.append(
                (
                    f"(context) {big} against the bare floor at the same size",
                    f"{seconds:.1f} s",
                    f"bare floor {bare_big['seconds']:.1f} s ({bare_big['cpu_s']:.1f} s CPU)",
                    f"{seconds / bare_big['seconds']:.2f}x",
                    "",
                    "",
                    bare_big["load"],
                )
            )
    if "seconds" in engine_anchor and bare_anchor and "seconds" in bare_anchor:
        rows.append(
            (
                f"(context) cold rank {_size_label(*ANCHOR_SIZE)}",
                f"{engine_anchor['seconds']:.1f} s ({engine_anchor['cpu_s']:.1f} s CPU)",
                f"bare floor {bare_anchor['seconds']:.1f} s ({bare_anchor['cpu_s']:.1f} s CPU)",
                f"{engine_anchor['seconds'] / bare_anchor['seconds']:.2f}x",
                "",
                "",
                engine_anchor["load"],
            )
        )
    warm_label = f"warm re-weight {_size_label(*WARM_SIZE)} + top 20 both ways"
    single_label = f"one new proposal against {SINGLE_SIZE[1]:,} donors"
    for label, result, stat, target, anchor_text, extras in (
        (
            f"{warm_label} (arrays) + the {SHOWN_ROWS} rows shown each way as a frame",
            warm,
            "median",
            REWEIGHT_TARGET_MS,
            "weighted sum + np.partition both ways",
            (
                ("explained", f"(context) {warm_label}, the {SHOWN_ROWS} shown rows explained"),
                ("every_row", f"(context) {warm_label}, every ranked row as a frame (210,000)"),
                (
                    "one_donor",
                    f"(context) a slider release as the Matches page takes it: one donor's "
                    f"{WARM_SIZE[0]:,} proposals re-weighted and sorted, the {SHOWN_ROWS} shown "
                    "as a frame",
                ),
            ),
        ),
        (
            f"{single_label} (a record: features, components, combine, top 20 as arrays)",
            single,
            "p95",
            NEW_PROPOSAL_TARGET_MS,
            "TfidfVectorizer.transform + sparse product + argpartition",
            (("with_frame", f"(context) {single_label}, one-row frame in, 20-row frame out"),),
        ),
    ):
        if result is None:
            continue
        if "error" in result:
            rows.append((label, f"FAILED: {result['error']}", "", "", "", "", result["load"]))
            continue
        times = result["times"]
        anchor_wall = _distribution(times["anchor"]["wall"])
        anchor_cpu = _distribution(times["anchor"]["cpu"])
        anchor_figure = f"{anchor_text}: {anchor_wall[stat]:.1f} ms ({anchor_cpu[stat]:.1f} ms CPU)"
        for name, row_label in (("engine", label), *extras):
            wall, cpu = _distribution(times[name]["wall"]), _distribution(times[name]["cpu"])
            is_target = name == "engine"
            rows.append(
                (
                    f"{row_label}, {stat} of {wall['n']}",
                    f"{wall[stat]:.1f} ms ({cpu[stat]:.1f} ms CPU)",
                    anchor_figure,
                    f"{wall[stat] / anchor_wall[stat]:.2f}x",
                    f"<= {target:.0f} ms" if is_target else "",
                    f"{_met(wall[stat] <= target)} (wall); {_met(cpu[stat] <= target)} (CPU)"
                    if is_target
                    else "",
                    result["load"],
                )
            )
    return rows


def stage_lines(cold: dict[tuple[int, int], tuple[dict, dict | None]]) -> list[str]:
    lines = []
    for size, (engine, bare) in cold.items():
        lines.append(_stage_lines(f"{_size_label(*size)} engine", engine))
        if bare is not None:
            lines.append(_stage_lines(f"{_size_label(*size)} bare", bare))
    return lines


def run_engine(
    sizes: tuple[tuple[int, int], ...], *, bare_at_target: bool, warm: bool
) -> tuple[dict[tuple[int, int], tuple[dict, dict | None]], dict | None, dict | None]:
    """Every engine measurement, each in its own process: cold sizes, warm, one proposal."""
    cold: dict[tuple[int, int], tuple[dict, dict | None]] = {}
    for n_proposals, n_donors in sizes:
        print(f"cold {_size_label(n_proposals, n_donors)} ({_load_average()}) ...", flush=True)
        paths = write_dataset(DATA_DIR, n_proposals, n_donors)
        at_target = (n_proposals, n_donors) == TARGET_SIZE
        bare = run_worker("bare", paths) if bare_at_target or not at_target else None
        engine = run_worker("cold", paths)
        print(f"  engine {engine}\n  bare {bare}", flush=True)
        cold[(n_proposals, n_donors)] = (engine, bare)
    warm_result = single = None
    if warm:
        print(f"warm {_size_label(*WARM_SIZE)} ({_load_average()}) ...", flush=True)
        warm_result = run_worker("warm", write_dataset(DATA_DIR, *WARM_SIZE))
        print(f"single {_size_label(*SINGLE_SIZE)} ({_load_average()}) ...", flush=True)
        single = run_worker("single", write_dataset(DATA_DIR, *SINGLE_SIZE))
    return cold, warm_result, single


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the matching engine (run by hand).")
    parser.add_argument("--quick", action="store_true", help="the 10k x 500 anchor size only")
    parser.add_argument(
        "--no-bare-at-target",
        action="store_true",
        help="skip the bare floor at 100k x 1k (context only; the anchor is at 10k x 500)",
    )
    parser.add_argument(
        "--no-warm",
        action="store_true",
        help="skip the warm measurements (the warm re-weight and the one new proposal)",
    )
    parser.add_argument(
        "--single-only",
        action="store_true",
        help="only the one new proposal against 1,000 donors (no cold or warm run)",
    )
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--files", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        gc.collect()
        n_parts = int(args.files[0])
        files = [Path(p) for p in args.files[1:]]
        paths = DatasetPaths(tuple(files[:n_parts]), files[n_parts], files[n_parts + 1])
        with ProcessTreeMonitor() as monitor:
            result = WORKERS[args.worker](paths, monitor)
        print(json.dumps(result))
        return 0

    if args.single_only:
        print(f"single {_size_label(*SINGLE_SIZE)} ({_load_average()}) ...", flush=True)
        single = run_worker("single", write_dataset(DATA_DIR, *SINGLE_SIZE))
        print("\n".join(table_lines(engine_rows({}, None, single))))
        return 0
    sizes = QUICK_SIZES if args.quick else SIZES
    cold, warm, single = run_engine(
        sizes, bare_at_target=not args.no_bare_at_target, warm=not args.no_warm
    )
    print("\n".join(table_lines(engine_rows(cold, warm, single))))
    print("\n".join(["", "Stages:", "", *stage_lines(cold)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
