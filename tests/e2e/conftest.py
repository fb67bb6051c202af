"""End-to-end fixtures: a real ``streamlit run serve.py`` (the app, scored at start) on a free
localhost port, driven by Debian's Chromium through Playwright's sync API (no browser is ever
downloaded). The servers a run needs are started in the background once the tests are
collected (:class:`_ServersAhead`), and every tab knows when the app is idle
(:mod:`tests.e2e.app_idle`).

The tests skip, with the reason, only when ``/usr/bin/chromium`` is missing and
``LIFEWEB_REQUIRE_BROWSER`` is off (the words of ``tests/conftest.py:switch_on``); in CI it is
on, so a missing browser fails.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.app_idle import new_context

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
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
# Screenshots go to a temporary folder, or where $LIFEWEB_SCREENSHOT_DIR says (the README's
# images are made by scripts/make_screenshots.py, which points it at docs/screenshots/), so
# a test run never rewrites tracked files.
SCREENSHOT_DIR_ENV = "LIFEWEB_SCREENSHOT_DIR"
# serve.py answers once it has scored the sample: minutes on a starved machine.
SERVER_START_TIMEOUT_S = 300


REQUIRE_BROWSER_ENV = "LIFEWEB_REQUIRE_BROWSER"


def require_browser(required: bool) -> None:
    """Skip without Chromium; fail instead when the browser is ``required`` (CI)."""
    if CHROMIUM.exists():
        return
    reason = (
        f"{CHROMIUM} is missing: install Debian's chromium package "
        "(apt-get install chromium) to run the browser tests"
    )
    if required:
        pytest.fail(f"{REQUIRE_BROWSER_ENV} is on but {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with code {process.returncode}:\n{log_path.read_text()}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(
        f"streamlit did not answer within {SERVER_START_TIMEOUT_S} s:\n{log_path.read_text()}"
    )


def _launch(workdir: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    """Start ``streamlit run serve.py`` (the README's command: the app, its scores computed at
    start) on a free port with a fresh SQLite database in ``workdir``; do not wait for it."""
    port = _free_port()
    env = {
        **os.environ,
        "LIFEWEB_DB_URL": f"sqlite:///{workdir / 'lifeweb.db'}",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    log_path = workdir / "streamlit.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "serve.py",
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return process, f"http://127.0.0.1:{port}", log_path


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextlib.contextmanager
def _streamlit_server(workdir: Path) -> Iterator[str]:
    """The app on a fresh database in ``workdir``, started now; yields its URL once it answers."""
    process, url, log_path = _launch(workdir)
    try:
        _wait_until_healthy(url, process, log_path)
        yield url
    finally:
        _stop(process)


class _Started:
    """One server the background starter brings up ahead of the module that uses it."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.error: BaseException | None = None


class _ServersAhead:
    """The run's app servers, started one after another in a background thread as soon as
    the tests are collected, so each server's start and warm-up (imports, scoring the sample)
    overlap the tests that run before its module instead of adding to the run. At most
    ``AHEAD`` servers wait unused at a time (each holds the app in memory)."""

    AHEAD = 3

    def __init__(self, keys: list[str]) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="lifeweb-e2e-servers-"))
        self._order = [(key, _Started()) for key in keys]
        self._untaken = dict(self._order)
        self._slots = threading.Semaphore(self.AHEAD)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._start_all, name="e2e-servers", daemon=True)
        self._thread.start()

    def _start_all(self) -> None:
        for index, (_, server) in enumerate(self._order):
            while not self._slots.acquire(timeout=0.5):
                if self._closed.is_set():
                    return
            if self._closed.is_set():
                return
            try:
                workdir = self._folder / f"server-{index}"
                workdir.mkdir()
                server.process, url, log_path = _launch(workdir)
                _wait_until_healthy(url, server.process, log_path)
                server.url = url
            except BaseException as error:  # handed to the test that asks for this server
                server.error = error
            finally:
                server.ready.set()

    @contextlib.contextmanager
    def server(self, key: str, workdir: Path) -> Iterator[str]:
        """The server started ahead for ``key``, else one started now in ``workdir``."""
        started = self._untaken.pop(key, None)
        if started is not None:
            self._slots.release()  # taken: the starter may bring up the next one
            while not started.ready.wait(timeout=1.0) and self._thread.is_alive():
                pass
        if started is None or not started.ready.is_set():  # not planned, or never reached
            with _streamlit_server(workdir) as url:
                yield url
            return
        try:
            if started.error is not None:
                raise started.error
            yield started.url
        finally:
            if started.process is not None:
                _stop(started.process)

    def close(self) -> None:
        """Stop the starter and every server no module took (a run cut short, ``-x``)."""
        self._closed.set()
        self._thread.join(timeout=SERVER_START_TIMEOUT_S + 5)
        for started in self._untaken.values():
            if started.process is not None:
                _stop(started.process)
        shutil.rmtree(self._folder, ignore_errors=True)


_AHEAD: _ServersAhead | None = None
SHARED_SERVER = "shared app"


def _server_keys(items: list[pytest.Item]) -> list[str]:
    """Which servers the collected browser tests use, in the order they will ask for them."""
    keys: list[str] = []
    for item in items:
        names = getattr(item, "fixturenames", ())
        wanted = []
        if "browser" in names or "app_server" in names:
            wanted.append(SHARED_SERVER)
        if "own_app_server" in names:
            # This file's fixture, not one a module defines for itself (its baseid is the module).
            definitions = item._fixtureinfo.name2fixturedefs.get("own_app_server", ())  # type: ignore[attr-defined]
            if definitions and not definitions[-1].baseid.endswith(".py"):
                wanted.append(item.nodeid.split("::", 1)[0])
        keys += [key for key in wanted if key not in keys]
    return keys


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the collected browser tests' servers in the background (see :class:`_ServersAhead`)."""
    global _AHEAD
    if session.config.option.collectonly or not CHROMIUM.exists():
        return
    keys = _server_keys(session.items)
    if keys:
        _AHEAD = _ServersAhead(keys)


def pytest_sessionfinish(session: pytest.Session) -> None:
    global _AHEAD
    if _AHEAD is not None:
        _AHEAD.close()
        _AHEAD = None


@contextlib.contextmanager
def _server_for(key: str, workdir: Path) -> Iterator[str]:
    if _AHEAD is None:
        with _streamlit_server(workdir) as url:
            yield url
    else:
        with _AHEAD.server(key, workdir) as url:
            yield url


@pytest.fixture(scope="session")
def app_server(
    tmp_path_factory: pytest.TempPathFactory, env_switch: Callable[[str], bool]
) -> Iterator[str]:
    """The app shared by the browser tests of a run; yields its URL."""
    require_browser(env_switch(REQUIRE_BROWSER_ENV))
    with _server_for(SHARED_SERVER, tmp_path_factory.mktemp("e2e-server")) as url:
        yield url


@pytest.fixture(scope="module")
def own_app_server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    env_switch: Callable[[str], bool],
) -> Iterator[str]:
    """An app with a database of its own, for a journey that must start from the shipped sample
    alone (what other tests saved on the shared app, an event or an upload, is not there)."""
    require_browser(env_switch(REQUIRE_BROWSER_ENV))
    key = request.node.nodeid.split("::", 1)[0]
    with _server_for(key, tmp_path_factory.mktemp("e2e-own-server")) as url:
        yield url


@pytest.fixture(scope="session")
def browser(app_server: str) -> Iterator[object]:
    """Debian's Chromium, headless, through Playwright (never a downloaded browser build)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _tab(browser: object, base_url: str) -> Iterator[object]:
    """A fresh browser tab on ``base_url`` with downloads enabled, 1400 px wide for readable
    screenshots; its context is closed afterwards."""
    context = new_context(
        browser, accept_downloads=True, viewport={"width": 1400, "height": 1000}, base_url=base_url
    )
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: object, app_server: str, tmp_path: Path) -> Iterator[object]:
    """A fresh browser tab on the shared app (see :func:`_tab`)."""
    yield from _tab(browser, app_server)


@pytest.fixture
def own_page(browser: object, own_app_server: str) -> Iterator[object]:
    """Like ``page``, on the module's own app (``own_app_server``)."""
    yield from _tab(browser, own_app_server)


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser tests save what the person saw (never inside the tracked tree)."""
    chosen = os.environ.get(SCREENSHOT_DIR_ENV, "").strip()
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
