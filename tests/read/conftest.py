"""Fixtures for the reader tests: the folder of deliberately messy files."""

from __future__ import annotations

from pathlib import Path

import pytest

MESSY = Path(__file__).resolve().parent / "files"


@pytest.fixture(scope="session")
def messy_dir() -> Path:
    return MESSY
