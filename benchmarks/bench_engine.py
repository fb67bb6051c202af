"""Speed and memory of the matching engine, run by hand (never in the tests).

Measures, on this machine:

* cold: read proposals, donors and history from CSV through the project's readers, profile the
  donors, score every pair and take the top 20 both ways (donors per proposal, proposals per
  donor), for sizes from 1,000 x 100 to 100,000 x 1,000; each size in its own process, with
  its peak resident memory (``ru_maxrss``);
* the same-size reference: a bare word TF-IDF fit plus one chunked sparse product and top-k,
  in its own process in the same run, and the ratio of the engine's cold time to it;
* warm: re-weighting 10,000 x 500 cached component scores and re-ranking; one new proposal
  against all donors (95th percentile).

Targets (issue 3): cold 100k x 1k under 45 s and 2 GB; re-weighting under 100 ms; one new
proposal under 10 ms at p95. Results go to ``benchmarks/RESULTS.md`` and stdout::

    .venv/bin/python benchmarks/bench_engine.py            # everything (about 10 minutes)
    .venv/bin/python benchmarks/bench_engine.py --quick    # up to 10k x 300, to try changes
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
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

SIZES: tuple[tuple[int, int], ...] = (
    (1_000, 100),
    (10_000, 300),
    (30_000, 600),
    (100_000, 1_000),
)
QUICK_SIZES: tuple[tuple[int, int], ...] = ((1_000, 100), (10_000, 300))
WARM_SIZE = (10_000, 500)
TOP_K = 20
COLD_TARGET_SECONDS = 45.0
MEMORY_TARGET_MB = 2048.0
REWEIGHT_TARGET_MS = 100.0
NEW_PROPOSAL_TARGET_MS = 10.0
DATA_DIR = REPO / "var" / "bench"
RESULTS = REPO / "benchmarks" / "RESULTS.md"
LOAD_AT_START = "{:.1f} / {:.1f} / {:.1f} (1 / 5 / 15 min)".format(*os.getloadavg())
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


def worker_warm(paths: DatasetPaths, monitor: ProcessTreeMonitor) -> dict[str, object]:
    """Re-weighting cached scores and re-ranking; one new proposal against every donor."""
    from matcher.combine import WEIGHT_PRESETS
    from matcher.rank import Matcher

    proposals, donors, history = _read_with_readers(paths)
    matcher = Matcher().fit(donors, history, proposals=proposals)
    score_set = matcher.score(proposals)
    presets = list(WEIGHT_PRESETS)
    reweight_ms = []
    step = max(len(proposals) // 300, 1)
    rows = [proposals.iloc[[i]] for i in range(0, len(proposals), step)]
    new_proposal_ms = []
    with monitor.paused():
        for run in range(14):
            started = time.perf_counter()
            score_set.top_k(TOP_K, by="both", weights=presets[run % len(presets)], explain=False)
            reweight_ms.append((time.perf_counter() - started) * 1000)
        for row in rows[:5]:  # warm-up: the first calls import lazily and fill caches
            matcher.score_one(row, top_k=TOP_K)
        for row in rows:
            started = time.perf_counter()
            matcher.score_one(row, top_k=TOP_K)
            new_proposal_ms.append((time.perf_counter() - started) * 1000)
    return {
        "reweight_ms": _distribution(reweight_ms[2:]),
        "new_proposal_ms": _distribution(new_proposal_ms),
        "peak_mb": monitor.peak_mb,
    }


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
}


def run_worker(kind: str, paths: DatasetPaths, *, profile: str | None = None) -> dict[str, object]:
    """Run one worker in a fresh interpreter and return what it measured."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind]
    command += ["--files", str(len(paths.proposals)), *(str(p) for p in paths.proposals)]
    command += [str(paths.donors), str(paths.history)]
    if profile:
        command = [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", profile, *command[1:]]
    completed = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)
    if completed.returncode != 0:
        return {"error": (completed.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------


def _size_label(n_proposals: int, n_donors: int) -> str:
    return f"{n_proposals:,} x {n_donors:,}"


def _fmt_seconds(value: object) -> str:
    return f"{value:.1f} s" if isinstance(value, int | float) else "failed"


def _fmt_mb(result: dict) -> str:
    return f"{result['peak_mb']:,.0f} MB" if "peak_mb" in result else "failed"


def _ratio(engine: dict, bare: dict, key: str) -> str:
    if key in engine and key in bare and bare[key] > 0:
        return f"{engine[key] / bare[key]:.2f}"
    return "n/a"


def render_report(
    cold: list[tuple[tuple[int, int], dict, dict]],
    warm: dict | None,
    quick: bool,
    explained: tuple[tuple[int, int], dict, dict] | None = None,
) -> str:
    """Markdown tables of today's figures, with the targets beside them."""
    lines = [
        "# Engine benchmark results",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
        + (" (quick run: small sizes only)" if quick else "")
        + ". Synthetic data from `benchmarks/generate.py` (descriptions of ~300 words, 8 % "
        "French/Spanish, 2 % Chinese; history for 5 % of proposals). Each size runs in its own "
        "process; memory is the peak proportional set size summed over that process and any "
        "worker process the engine starts (sampled every 100 ms), CPU the sum of their CPU "
        f"time. Load average when the run started: {LOAD_AT_START}.",
        "",
        "## Cold: read CSV, profile, score, top 20 both ways",
        "",
        "| proposals x donors | engine wall | engine CPU | engine peak memory "
        "| bare TF-IDF + product + top-k wall | bare CPU | bare peak memory "
        "| engine / bare (wall) | engine / bare (CPU) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (n_proposals, n_donors), engine, bare in cold:
        ratio_wall = _ratio(engine, bare, "seconds")
        ratio_cpu = _ratio(engine, bare, "cpu_s")
        lines.append(
            f"| {_size_label(n_proposals, n_donors)} | {_fmt_seconds(engine.get('seconds'))} "
            f"| {_fmt_seconds(engine.get('cpu_s'))} | {_fmt_mb(engine)} "
            f"| {_fmt_seconds(bare.get('seconds'))} | {_fmt_seconds(bare.get('cpu_s'))} "
            f"| {_fmt_mb(bare)} | {ratio_wall} | {ratio_cpu} |"
        )
    lines += [
        "",
        "Stages (wall seconds, CPU seconds in brackets, peak memory during the stage in square "
        "brackets):",
        "",
    ]
    for (n_proposals, n_donors), engine, bare in cold:
        for label, result in (("engine", engine), ("bare", bare)):
            if "error" in result:
                lines.append(
                    f"- {_size_label(n_proposals, n_donors)} {label}: FAILED: {result['error']}"
                )
                continue
            cpu = result.get("stages_cpu", {})
            peak = result.get("stages_peak_mb", {})
            stages = ", ".join(
                f"{name} {seconds:.1f}"
                + (f" ({cpu[name]:.1f})" if name in cpu else "")
                + (f" [{peak[name]:,.0f} MB]" if name in peak else "")
                for name, seconds in result["stages"].items()
            )
            lines.append(f"- {_size_label(n_proposals, n_donors)} {label}: {stages}")
    largest = cold[-1] if cold else None
    if largest and not quick and "seconds" in largest[1]:
        engine = largest[1]
        lines += [
            "",
            f"Target 100,000 x 1,000: under {COLD_TARGET_SECONDS:.0f} s "
            f"({'met' if engine['seconds'] < COLD_TARGET_SECONDS else 'MISSED'}: "
            f"{engine['seconds']:.1f} s) and under {MEMORY_TARGET_MB / 1024:.0f} GB "
            f"({'met' if engine['peak_mb'] < MEMORY_TARGET_MB else 'MISSED'}: "
            f"{engine['peak_mb']:,.0f} MB).",
        ]
    if explained is not None:
        size, with_text, without_text = explained
        if "seconds" in with_text and "seconds" in without_text:
            extra = with_text["seconds"] - without_text["seconds"]
            per_row = extra / max(with_text["rows"], 1) * 1000
            lines += [
                "",
                f"Writing the one-line explanation for every ranked row ({_size_label(*size)}, "
                f"{with_text['rows']:,} rows both ways) adds {extra:.1f} s, {per_row:.2f} ms "
                "a row; the cold runs above leave it out (explanations are written for the rows "
                "a person looks at).",
            ]
    lines += ["", f"## Warm ({_size_label(*WARM_SIZE)})", ""]
    if warm is None:
        lines.append("not run")
    elif "error" in warm:
        lines.append(f"FAILED: {warm['error']}")
    else:
        reweight, single = warm["reweight_ms"], warm["new_proposal_ms"]
        lines += [
            "| operation | median | p95 | max | target | runs |",
            "| --- | ---: | ---: | ---: | --- | ---: |",
            f"| re-weight cached components + re-rank top 20 both ways | {reweight['median']:.1f} ms "
            f"| {reweight['p95']:.1f} ms | {reweight['max']:.1f} ms | < {REWEIGHT_TARGET_MS:.0f} ms "
            f"({'met' if reweight['median'] < REWEIGHT_TARGET_MS else 'MISSED'}) | {reweight['n']} |",
            f"| one new proposal against all donors (score, combine, top 20) | {single['median']:.2f} ms "
            f"| {single['p95']:.2f} ms | {single['max']:.2f} ms | p95 < {NEW_PROPOSAL_TARGET_MS:.0f} ms "
            f"({'met' if single['p95'] < NEW_PROPOSAL_TARGET_MS else 'MISSED'}) | {single['n']} |",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the matching engine (run by hand).")
    parser.add_argument("--quick", action="store_true", help="sizes up to 10k x 300 only")
    parser.add_argument("--no-warm", action="store_true", help="skip the warm measurements")
    parser.add_argument("--profile", metavar="DIR", help="write pyinstrument profiles of cold runs")
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

    sizes = QUICK_SIZES if args.quick else SIZES
    cold = []
    for n_proposals, n_donors in sizes:
        print(f"generating {_size_label(n_proposals, n_donors)} ...", flush=True)
        paths = write_dataset(DATA_DIR, n_proposals, n_donors)
        bare = run_worker("bare", paths)
        profile = None
        if args.profile:
            Path(args.profile).mkdir(parents=True, exist_ok=True)
            profile = str(Path(args.profile) / f"cold-{n_proposals}x{n_donors}.txt")
        engine = run_worker("cold", paths, profile=profile)
        print(f"  engine {engine}\n  bare {bare}", flush=True)
        cold.append(((n_proposals, n_donors), engine, bare))
    small = write_dataset(DATA_DIR, *sizes[0])
    explained = (sizes[0], run_worker("cold_explained", small), cold[0][1])
    warm = None
    if not args.no_warm:
        print(f"warm {_size_label(*WARM_SIZE)} ...", flush=True)
        warm = run_worker("warm", write_dataset(DATA_DIR, *WARM_SIZE))
    report = render_report(cold, warm, args.quick, explained)
    if not args.quick:
        RESULTS.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
