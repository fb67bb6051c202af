"""Every figure of issue 13, engine and app, beside its target and its anchor, in one run.

Runs the engine measurements of :mod:`benchmarks.bench_engine` (each in its own process)
and the app measurement of :mod:`benchmarks.bench_app` (``--json``, in its own process,
through the browser lock the test suite's browser runs share), prints one table and writes
``benchmarks/RESULTS.md`` with the machine (CPU model, cores) and the load average before
and after. By hand, never in tests; under ``nice`` on a shared machine::

    nice .venv/bin/python benchmarks/bench_targets.py            # everything (15-40 min)
    nice .venv/bin/python benchmarks/bench_targets.py --quick    # 10k x 500 cold, warm, one, app
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import bench_engine  # noqa: E402
from benchmarks.bench_engine import Row, engine_rows, run_engine, stage_lines, table_lines  # noqa: E402

RESULTS = REPO / "benchmarks" / "RESULTS.md"
BROWSER_LOCK = Path("/tmp/lifeweb-browser.lock")
APP_TIMEOUT_S = 1800


def cpu_model() -> str:
    """The CPU's model name from ``/proc/cpuinfo`` (Linux), else what ``platform`` says."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> str:
    return "{:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())


def measure_app(sessions: int) -> dict[str, object]:
    """``bench_app.py --json`` in its own process, holding the browser lock while it runs."""
    command = [sys.executable, str(REPO / "benchmarks" / "bench_app.py")]
    command += ["--json", "--sessions", str(sessions)]
    if shutil.which("flock") and BROWSER_LOCK.parent.exists():
        command = ["flock", str(BROWSER_LOCK), *command]
    load = load_average()
    completed = subprocess.run(
        command, capture_output=True, text=True, check=False, cwd=REPO, timeout=APP_TIMEOUT_S
    )
    if completed.returncode != 0:
        return {"error": (completed.stderr.strip().splitlines() or ["failed"])[-1], "load": load}
    return {**json.loads(completed.stdout.strip().splitlines()[-1]), "load": load}


def _spread(values: list[float]) -> str:
    array = np.asarray(values)
    return (
        f"median {np.median(array):.2f} s (min {array.min():.2f}, max {array.max():.2f}, "
        f"n={array.size})"
    )


def app_rows(app: dict[str, object]) -> list[Row]:
    """The app's figures as rows of the same table (ratios to the bare Streamlit page)."""
    if "error" in app:
        return [("app in Chromium", f"FAILED: {app['error']}", "", "", "", "", str(app["load"]))]
    bare_new, app_new = app["bare_new_s"], app["app_new_s"]
    anchor = float(np.median(bare_new))
    new = float(np.median(app_new))
    first = float(app["app_first_s"])
    plan = float(np.median(app["plan_new_s"]))
    new_target = float(app["new_session_target_ratio"])
    first_target = float(app["first_session_target_ratio"])
    load_new = str(app["load_new"])
    entry = f"`streamlit run {app.get('entry', 'app.py')}`"
    rows: list[Row] = [
        (
            f"app ({entry}): new browser session -> ranked Matches table",
            _spread(app_new),
            f"bare Streamlit page with one 50-row st.dataframe, new session: {_spread(bare_new)}",
            f"{new / anchor:.2f}x",
            f"<= {new_target}x",
            bench_engine._met(new / anchor <= new_target),
            load_new,
        ),
        (
            "app: first session after the app starts -> ranked Matches table",
            f"{first:.2f} s",
            f"bare page new session: median {anchor:.2f} s "
            f"(bare page's own first session {float(app['bare_first_s']):.2f} s)",
            f"{first / anchor:.2f}x",
            f"<= {first_target}x",
            bench_engine._met(first / anchor <= first_target),
            str(app["load_first"]),
        ),
        (
            "(context) app: new session -> Co-funding plan page (nothing solved until asked)",
            _spread(app["plan_new_s"]),
            f"bare page new session: median {anchor:.2f} s",
            f"{plan / anchor:.2f}x",
            "",
            "",
            load_new,
        ),
    ]
    if "app_start_s" in app:
        app_start, bare_start = float(app["app_start_s"]), float(app["bare_start_s"])
        rows.append(
            (
                f"(context) app: server start -> answers its health check ({entry})",
                f"{app_start:.2f} s",
                f"bare page's server: {bare_start:.2f} s",
                f"{app_start / bare_start:.2f}x",
                "",
                "",
                str(app.get("load_start", "")),
            )
        )
    return rows


def render(
    rows: list[Row], stages: list[str], *, started: str, load_before: str, load_after: str,
    quick: bool, commit: str,
) -> str:  # fmt: skip
    return "\n".join(
        [
            "# Issue 13 benchmark results",
            "",
            f"Run {started} by `benchmarks/bench_targets.py` at commit `{commit}`"
            + (" (quick run: the cold figures at 10,000 x 500 only)" if quick else "")
            + f", on {cpu_model()}, {os.cpu_count()} cores, {platform.machine()}, Python "
            f"{platform.python_version()}. Load average (1 / 5 / 15 min) before the run "
            f"{load_before}, after it {load_after}; each figure's own is in its last column. "
            "The machine is shared, so wall times are inflated and the ratio to the anchor, "
            "measured in the same run, is the comparable figure.",
            "",
            "Engine: synthetic data from `benchmarks/generate.py` (descriptions of ~300 words, "
            "8 % French/Spanish, 2 % Chinese; history for 5 % of proposals); each measurement "
            "in its own process; memory is the peak proportional set size over that process "
            "and any worker it forks, CPU the sum of their CPU time. App: the shipped sample "
            "(62 proposals x 35 donors) in SQLite, fresh Chromium sessions (Playwright, "
            "/usr/bin/chromium), alternated with the bare page's.",
            "",
            *table_lines(rows),
            "",
            "Cold stages:",
            "",
            *stages,
            "",
        ]
    )


def _commit() -> str:
    completed = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
    )
    return completed.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Every issue 13 figure in one run (by hand).")
    parser.add_argument("--quick", action="store_true", help="cold figures at 10k x 500 only")
    parser.add_argument(
        "--bare-at-target",
        action="store_true",
        help="also the bare floor at 100k x 1k (context only; the anchor is at 10k x 500)",
    )
    parser.add_argument("--sessions", type=int, default=7, help="app sessions timed per page")
    parser.add_argument("--no-app", action="store_true", help="skip the app in Chromium")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the Markdown goes")
    args = parser.parse_args(argv)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = load_average()
    commit = _commit()  # the code measured: taken before, not after, a run of many minutes
    sizes = bench_engine.QUICK_SIZES if args.quick else bench_engine.SIZES
    cold, warm, single = run_engine(sizes, bare_at_target=args.bare_at_target, warm=True)
    rows = engine_rows(cold, warm, single)
    if not args.no_app:
        print(f"app in Chromium ({load_average()}) ...", flush=True)
        rows += app_rows(measure_app(args.sessions))
    ended = time.strftime("%H:%M UTC", time.gmtime())
    report = render(
        rows,
        stage_lines(cold),
        started=f"{started} - {ended}",
        load_before=load_before,
        load_after=load_average(),
        quick=args.quick,
        commit=commit,
    )
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
