"""Fixtures for the target tagger: the real LifeWeb EOIs and the labelled multilingual texts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from matcher.load import load_proposals

LABELLED_TEXTS = Path(__file__).with_name("labelled_texts.csv")


@pytest.fixture(scope="session")
def lifeweb_eois(lifeweb_export_dir: Path) -> pd.DataFrame:
    """The LifeWeb EOI export, read as it is through the project's readers."""
    return load_proposals(lifeweb_export_dir / "eoi_projects.csv").frame


@pytest.fixture(scope="session")
def labelled_texts() -> pd.DataFrame:
    """The hand-labelled short texts as proposals: the text is the summary."""
    raw = pd.read_csv(LABELLED_TEXTS, keep_default_na=False, dtype=str)
    return pd.DataFrame(
        {
            "proposal_id": raw["text_id"],
            "language": raw["language"],
            "title": "",
            "summary": raw["text"],
            "aichi_targets": [
                tuple(int(t) for t in cell.split(";")) for cell in raw["aichi_targets"]
            ],
            "gbf_targets": [()] * len(raw),
        }
    )


@pytest.fixture
def make_proposals() -> Callable[..., pd.DataFrame]:
    """Build a small proposals frame: one dict per proposal, missing fields empty."""

    def build(*rows: dict[str, object]) -> pd.DataFrame:
        defaults: dict[str, object] = {
            "title": "",
            "summary": "",
            "description": "",
            "objectives": "",
            "aichi_targets": (),
            "gbf_targets": (),
            "nbsap_alignment": "",
        }
        records = [{"proposal_id": f"P{i + 1}", **defaults, **row} for i, row in enumerate(rows)]
        return pd.DataFrame.from_records(records)

    return build
