"""How fast the app answers a person, in Chromium, against a bare Streamlit page (run by hand).

Starts two servers on free ports in one run: the app as the README starts it (``streamlit run
serve.py``: scores warmed while the server starts; ``--entry app.py`` for the plain script) on
a SQLite database already filled with the shipped sample (as after a restart), and a bare
Streamlit page that shows one 50-row ``st.dataframe``. Debian's Chromium (``/usr/bin/chromium``, through
Playwright) then opens each in fresh browser sessions (a new context: no cookies, no cache),
alternating the two so both see the same load, and times ``goto`` until the table is drawn:

* the first session after the app starts (imports, scoring, warming the caches) against the
  first session of the bare page: target 3x the bare page's new-session time;
* a new session once the app is warm: target 1.5x the bare page's new-session time;
* the Co-funding plan page in a new session (it must not solve until asked), for the record.

Both are measured on the same machine in the same run, so the ratios hold on a loaded machine
where the absolute times do not; the load average is printed beside every figure::

    .venv/bin/python benchmarks/bench_app.py              # 7 new sessions each
    .venv/bin/python benchmarks/bench_app.py --sessions 15
    .venv/bin/python benchmarks/bench_app.py --json   # one JSON object (benchmarks/bench_targets.py)
    .venv/bin/python benchmarks/bench_app.py --entry app.py   # without the warm-up at start

How long each server took to answer its health check is printed too: with ``serve.py`` the
scoring happens there, before the first session, instead of in it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NEW_SESSION_TARGET = 1.5
FIRST_SESSION_TARGET = 3.0
START_TIMEOUT_S = 300
DEFAULT_ENTRY = "serve.py"
PAGE_TIMEOUT_MS = 300_000
BARE_PAGE = '''"""A bare Streamlit page: one 50-row table, the floor any page stands on."""
import numpy as np
import pandas as pd
import streamlit as st

rng = np.random.default_rng(0)
st.title("Bare")
st.dataframe(
    pd.DataFrame(rng.random((50, 8)), columns=[f"column {i}" for i in range(8)]),
    hide_index=True,
)
'''
TABLE = '[data-testid="stMain"] [data-testid="stDataFrame"] canvas'


def streamlit_version() -> str:
    from importlib.metadata import version

    return version("streamlit")


def load_average() -> str:
    return "{:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def streamlit_server(script: Path, cwd: Path, env: dict[str, str], log: Path) -> Iterator[str]:
    """``streamlit run script`` on a free port; yields its URL once it answers health checks."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(script)]
    command += ["--server.headless", "true", "--server.address", "127.0.0.1"]
    command += ["--server.port", str(port), "--server.fileWatcherType", "none"]
    command += ["--browser.gatherUsageStats", "false"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start:\n{log.read_text()}") from None
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def timed_session(browser: object, url: str, ready: Callable[[object], None]) -> float:
    """Seconds from opening ``url`` in a fresh browser session until ``ready`` returns."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url)
        ready(page)
        return time.perf_counter() - started
    finally:
        context.close()


def bare_ready(page: object) -> None:
    page.locator(TABLE).first.wait_for(state="visible")  # type: ignore[attr-defined]


def matches_ready(page: object) -> None:
    """The ranked Matches table is on screen (its caption says how many proposals match)."""
    page.get_by_text("proposals match; showing").wait_for(state="visible")  # type: ignore[attr-defined]
    page.locator(TABLE).first.wait_for(state="visible")  # type: ignore[attr-defined]


def plan_ready(page: object) -> None:
    """The Co-funding plan page has finished its run (its options form is on screen)."""
    page.get_by_role("button", name="Plan").first.wait_for(state="visible")  # type: ignore[attr-defined]
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached")  # type: ignore[attr-defined]


def seed_database(url: str) -> None:
    """Fill a new database with the shipped sample, as a first start does, before timing."""
    from matcher.reference import data_dir
    from matcher.store import open_store

    store = open_store(url)
    store.seed_if_empty(data_dir())


def summary(values: list[float]) -> str:
    array = np.asarray(values)
    return f"median {np.median(array):.2f} s (min {array.min():.2f}, max {array.max():.2f}, n={array.size})"


def time_sessions(
    browser: object, bare_url: str, app_url: str, n_sessions: int
) -> dict[str, object]:
    """The first session of each server, then new sessions alternating bare page and app."""
    load_first = load_average()
    bare_first = timed_session(browser, bare_url, bare_ready)
    app_first = timed_session(browser, app_url, matches_ready)
    bare_new: list[float] = []
    app_new: list[float] = []
    plan_new: list[float] = []
    loads = [os.getloadavg()[0]]
    for _ in range(n_sessions):
        bare_new.append(timed_session(browser, bare_url, bare_ready))
        app_new.append(timed_session(browser, app_url, matches_ready))
        loads.append(os.getloadavg()[0])
    for _ in range(max(3, n_sessions // 2)):
        plan_new.append(timed_session(browser, f"{app_url}/plan", plan_ready))
    return {
        "load_first": load_first,
        "load_new": f"{min(loads):.1f}-{max(loads):.1f} (1 min)",
        "bare_first_s": bare_first,
        "app_first_s": app_first,
        "bare_new_s": bare_new,
        "app_new_s": app_new,
        "plan_new_s": plan_new,
    }


def measure(n_sessions: int, entry: str = DEFAULT_ENTRY) -> dict[str, object]:
    """Every figure of one run, in seconds, with the load it ran at (``--json`` prints this)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="lifeweb-bench-app-") as folder:
        work = Path(folder)
        bare_script = work / "bare.py"
        bare_script.write_text(BARE_PAGE, encoding="utf-8")
        db_url = f"sqlite:///{work / 'lifeweb.db'}"
        seed_database(db_url)
        env = {
            **os.environ,
            "LIFEWEB_DB_URL": db_url,
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        }
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                load_start = load_average()
                started = time.perf_counter()
                with streamlit_server(bare_script, work, env, work / "bare.log") as bare_url:
                    bare_start = time.perf_counter() - started
                    started = time.perf_counter()
                    with streamlit_server(REPO / entry, REPO, env, work / "app.log") as app_url:
                        app_start = time.perf_counter() - started
                        sessions = time_sessions(browser, bare_url, app_url, n_sessions)
            finally:
                browser.close()
    return {
        "run_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "streamlit": streamlit_version(),
        "entry": entry,
        "load_start": load_start,
        "bare_start_s": bare_start,
        "app_start_s": app_start,
        **sessions,
        "new_session_target_ratio": NEW_SESSION_TARGET,
        "first_session_target_ratio": FIRST_SESSION_TARGET,
    }


def render(figures: dict[str, object]) -> str:
    """The Markdown table of one :func:`measure` run: each figure beside its anchor and target."""
    bare_new, app_new = figures["bare_new_s"], figures["app_new_s"]
    app_first, bare_first = figures["app_first_s"], figures["bare_first_s"]
    plan_new = figures["plan_new_s"]
    rows: list[tuple[str, str, str, str, str, str]] = []
    anchor = float(np.median(bare_new))
    new = float(np.median(app_new))
    rows.append(
        (
            "new browser session -> ranked Matches table",
            summary(app_new),
            f"bare page new session: {summary(bare_new)}",
            f"{new / anchor:.2f}x",
            f"<= {NEW_SESSION_TARGET}x",
            "met" if new / anchor <= NEW_SESSION_TARGET else "NOT met",
        )
    )
    rows.append(
        (
            "first session after the app starts -> ranked Matches table",
            f"{app_first:.2f} s",
            f"bare page new session: median {anchor:.2f} s (bare first session {bare_first:.2f} s)",
            f"{app_first / anchor:.2f}x",
            f"<= {FIRST_SESSION_TARGET}x",
            "met" if app_first / anchor <= FIRST_SESSION_TARGET else "NOT met",
        )
    )
    plan = float(np.median(plan_new))
    rows.append(
        (
            "new browser session -> Co-funding plan page (nothing solved until asked)",
            summary(plan_new),
            f"bare page new session: median {anchor:.2f} s",
            f"{plan / anchor:.2f}x",
            "(no target; shows the plan is not re-solved per session)",
            "",
        )
    )
    if "app_start_s" in figures:
        app_start, bare_start = figures["app_start_s"], figures["bare_start_s"]
        rows.append(
            (
                f"server start -> answers (`streamlit run {figures['entry']}`)",
                f"{app_start:.2f} s",
                f"bare page server: {bare_start:.2f} s",
                f"{app_start / bare_start:.2f}x",
                "(no target; with serve.py the scoring is done here, before any session)",
                "",
            )
        )
    lines = [
        "## App in Chromium (benchmarks/bench_app.py)",
        "",
        f"Run {figures['run_utc']} on {figures['machine']}, "
        f"{figures['cores']} cores, Python {figures['python']}, "
        f"Streamlit {figures.get('streamlit', '?')}, Chromium via Playwright, "
        f"`streamlit run {figures.get('entry', 'app.py')}`, "
        "shipped sample (62 proposals x 35 donors) in SQLite. Load average as the servers "
        f"started: {figures.get('load_start', '?')}; at the first "
        f"session: {figures['load_first']} (1 / 5 / 15 min); during the new sessions: "
        f"{figures['load_new']}.",
        "",
        "| measurement | app | anchor (same run) | app / anchor | target | |",
        "| --- | --- | --- | ---: | --- | --- |",
        *(f"| {' | '.join(row)} |" for row in rows),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the app in Chromium (run by hand).")
    parser.add_argument("--sessions", type=int, default=7, help="new sessions timed per page")
    parser.add_argument(
        "--json", action="store_true", help="print the figures as one JSON object, not a table"
    )
    parser.add_argument(
        "--entry",
        choices=("serve.py", "app.py"),
        default=DEFAULT_ENTRY,
        help="serve.py: scores warmed at start (the README's command); app.py: the plain script",
    )
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    figures = measure(args.sessions, args.entry)
    print(json.dumps(figures) if args.json else render(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
