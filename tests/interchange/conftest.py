"""Files and helpers shared by the IATI and national-targets tests."""

from __future__ import annotations

from pathlib import Path

import pytest

FILES = Path(__file__).resolve().parent / "files"


@pytest.fixture(scope="session")
def multi_language_xml() -> Path:
    """Four activities: French/English/Spanish narratives, several countries and budget periods,
    a duplicate identifier and an unknown country code (made for the tests)."""
    return FILES / "multi_language.xml"
