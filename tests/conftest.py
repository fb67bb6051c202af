"""Fixtures shared by every test folder: where the shipped and reference data live, the
``LIFEWEB_REQUIRE_*`` switches, and CSV checks as a spreadsheet reads the file."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

# No timed assertions anywhere (the brief): every Hypothesis test runs without a deadline,
# whether or not it says so itself.
settings.register_profile("lifeweb", deadline=None)
settings.load_profile("lifeweb")

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
REFERENCE = REPO.parent / "shared" / "reference"
LIFEWEB_EXPORT = DATA / "lifeweb"  # the shared reference's LifeWeb export, shipped as it is

# The suite runs the TF-IDF fast path (matcher.shipped, LIFEWEB_TEXT) unless a test asks for
# the shipped default's sentence encoder itself: embedding the sample portfolio again for every
# fresh test database would cost minutes. The tests of the encoder route set it to "encoder".
os.environ.setdefault("LIFEWEB_TEXT", "tfidf")

SWITCH_TRUE = frozenset({"1", "true", "yes", "on", "y"})
SWITCH_FALSE = frozenset({"", "0", "false", "no", "off", "n"})


def switch_on(name: str) -> bool:
    """Read an on/off environment switch (``LIFEWEB_REQUIRE_BROWSER``, ``..._POSTGRES``).

    Every switch reads the same words, any case: 1/true/yes/on/y and 0/false/no/off/n
    (unset or empty is off). Anything else fails the test that asked, naming the words.
    """
    raw = os.environ.get(name, "")
    value = raw.strip().casefold()
    if value in SWITCH_TRUE:
        return True
    if value in SWITCH_FALSE:
        return False
    pytest.fail(
        f"{name}={raw!r} is neither on (1, true, yes, on, y) nor off (0, false, no, off, n)",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def env_switch() -> Callable[[str], bool]:
    """:func:`switch_on`, for the conftests and tests of the sub-folders."""
    return switch_on


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def lifeweb_export_dir() -> Path:
    return LIFEWEB_EXPORT


def _spreadsheet_rows(data: bytes) -> list[list[str]]:
    """Rows as a spreadsheet reads a CSV: a CR, LF or CRLF outside quotes ends a row."""
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def _unsafe_lines(rows: list[list[str]]) -> list[str]:
    """Cell lines a spreadsheet would run as a formula (numbers such as -0.5 are data)."""
    unsafe = []
    for row in rows:
        for cell in row:
            for line in cell.splitlines() or [cell]:
                if not line.startswith(("=", "+", "-", "@", "\t")):
                    continue
                try:
                    float(line)
                except ValueError:
                    unsafe.append(line)
    return unsafe


@pytest.fixture(scope="session")
def spreadsheet_rows() -> Callable[[bytes], list[list[str]]]:
    """Parse CSV bytes the way Excel and LibreOffice split them into rows."""
    return _spreadsheet_rows


@pytest.fixture(scope="session")
def assert_spreadsheet_safe() -> Callable[..., list[list[str]]]:
    """Check CSV bytes: ``n_rows`` data rows as a spreadsheet reads them, no line a formula."""

    def check(data: bytes, n_rows: int | None = None) -> list[list[str]]:
        rows = _spreadsheet_rows(data)
        if n_rows is not None:
            assert len(rows) == n_rows + 1, rows
        assert _unsafe_lines(rows) == []
        return rows

    return check
