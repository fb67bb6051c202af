"""Fixtures shared by every test folder: where the shipped and reference data live."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
REFERENCE = REPO.parent / "shared" / "reference"
LIFEWEB_EXPORT = DATA / "lifeweb"  # the shared reference's LifeWeb export, shipped as it is


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def lifeweb_export_dir() -> Path:
    return LIFEWEB_EXPORT
