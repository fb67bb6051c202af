"""User text with links, e-mail addresses and icon codes is shown as plain text in Chromium.

A tiny page puts one hostile string, through ``ui.safe.escape_markdown``, in the places the
app puts file names, header names and titles: a heading, a caption, a status line, an
error, an expander title and a Markdown paragraph. Chromium must show no link and no icon.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = "see https://evil.example/x www.evil.example bob@evil.example :material/home: end"
PAGE = """
import sys
sys.path.insert(0, {repo!r})
import streamlit as st
from ui.safe import escape_markdown
text = escape_markdown({text!r})
st.header(text)
st.caption(text)
with st.status(text, state="complete"):
    st.write("inside")
st.error(escape_markdown({text!r} + "\\nsecond line", keep_lines=True))
with st.expander(text):
    st.write("inside")
st.markdown(text)
st.write("page done")
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def hostile_page(tmp_path: Path, repo_dir: Path, env_switch: Callable[[str], bool]):
    if not CHROMIUM.exists():
        if env_switch("LIFEWEB_REQUIRE_BROWSER"):
            pytest.fail(f"LIFEWEB_REQUIRE_BROWSER is on but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    script = tmp_path / "hostile_page.py"
    script.write_text(PAGE.format(repo=str(repo_dir), text=HOSTILE), encoding="utf-8")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port),
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=tmp_path, env={**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_links_emails_and_icon_codes_are_plain_text_in_every_place(hostile_page, browser, tmp_path):
    # The session's browser (tests/e2e/conftest.py): a second sync_playwright() in the same
    # process fails with "Sync API inside the asyncio loop" once another browser test has run.
    tab = browser.new_page(viewport={"width": 1200, "height": 1000})
    try:
        tab.set_default_timeout(60_000)
        tab.goto(hostile_page)
        tab.get_by_text("page done").wait_for()
        tab.get_by_text("inside").first.wait_for(state="attached")
        main = tab.locator("[data-testid=stMain]")
        hrefs = main.locator("a").evaluate_all("links => links.map(a => a.href)")
        shown = main.inner_text().replace("\u2060", "")
        tab.screenshot(path=str(tmp_path / "hostile_page.png"), full_page=True)
    finally:
        tab.close()
    assert [h for h in hrefs if not h.startswith(f"{hostile_page}/#")] == []  # heading anchors only
    assert shown.count("https://evil.example/x www.evil.example bob@evil.example") == 6
    assert shown.count(":material/home:") == 6
