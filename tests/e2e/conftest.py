"""End-to-end fixtures: a real ``streamlit run app.py`` on a free localhost port, driven by
Debian's Chromium through Playwright's sync API (no browser is ever downloaded).

The tests skip, with the reason, only when ``/usr/bin/chromium`` is missing and
``LIFEWEB_REQUIRE_BROWSER`` is off (the words of ``tests/conftest.py:switch_on``); in CI it is
on, so a missing browser fails.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

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
SERVER_START_TIMEOUT_S = 90


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


@contextlib.contextmanager
def _streamlit_server(workdir: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free port with a fresh SQLite database in ``workdir``."""
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
                "app.py",
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
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log_path)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def app_server(
    tmp_path_factory: pytest.TempPathFactory, env_switch: Callable[[str], bool]
) -> Iterator[str]:
    """The app shared by the browser tests of a run; yields its URL."""
    require_browser(env_switch(REQUIRE_BROWSER_ENV))
    with _streamlit_server(tmp_path_factory.mktemp("e2e-server")) as url:
        yield url


@pytest.fixture(scope="module")
def own_app_server(
    tmp_path_factory: pytest.TempPathFactory, env_switch: Callable[[str], bool]
) -> Iterator[str]:
    """An app with a database of its own, for a journey that must start from the shipped sample
    alone (what other tests saved on the shared app, an event or an upload, is not there)."""
    require_browser(env_switch(REQUIRE_BROWSER_ENV))
    with _streamlit_server(tmp_path_factory.mktemp("e2e-own-server")) as url:
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
    context = browser.new_context(  # type: ignore[attr-defined]
        accept_downloads=True, viewport={"width": 1400, "height": 1000}, base_url=base_url
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
