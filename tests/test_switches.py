"""The ``LIFEWEB_REQUIRE_*`` switches read the same on/off words (``tests/conftest.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("name", ["LIFEWEB_REQUIRE_BROWSER", "LIFEWEB_REQUIRE_POSTGRES"])
@pytest.mark.parametrize(
    ("word", "on"),
    [("1", True), ("true", True), ("TRUE", True), ("yes", True), ("on", True), ("y", True),
     ("0", False), ("false", False), ("No", False), ("off", False), ("n", False), ("", False)],
)  # fmt: skip
def test_both_switches_read_the_same_words(env_switch, monkeypatch, name, word, on):
    monkeypatch.setenv(name, word)
    assert env_switch(name) is on


def test_an_unknown_word_fails_and_names_the_words(env_switch, monkeypatch):
    monkeypatch.setenv("LIFEWEB_REQUIRE_BROWSER", "maybe")
    with pytest.raises(pytest.fail.Exception, match=r"neither on \(1, true, yes"):
        env_switch("LIFEWEB_REQUIRE_BROWSER")


@pytest.mark.parametrize(("word", "outcome"), [("true", "1 error"), ("0", "1 skipped")])
def test_require_postgres_true_fails_without_a_server_and_zero_skips(
    repo_dir: Path, word: str, outcome: str
):
    env = {**os.environ, "LIFEWEB_REQUIRE_POSTGRES": word, "LIFEWEB_TEST_PG_URL": ""}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/store/test_import.py::test_reimporting_the_same_file_changes_nothing[postgres]"],
        cwd=repo_dir, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert outcome in run.stdout, run.stdout[-2000:]
