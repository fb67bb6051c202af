"""Small literal proposals, donors and history in the data contract, for the engine tests."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pytest

from matcher.contract import DONOR_COLUMNS, HISTORY_COLUMNS, PROPOSAL_COLUMNS

_PROPOSAL_DEFAULTS: dict[str, object] = {
    "title": "",
    "countries": (),
    "summary": "",
    "description": "",
    "objectives": "",
    "requested_amount": np.nan,
    "secured_amount": np.nan,
    "currency": "USD",
    "aichi_targets": (),
    "gbf_targets": (),
    "nbsap_alignment": "",
    "ecosystems": (),
    "submitted_on": "",
    "status": "",
}
_DONOR_DEFAULTS: dict[str, object] = {
    "aliases": (),
    "donor_type": "",
    "priorities": "",
    "aichi_targets": (),
    "gbf_targets": (),
    "eligible_regions": (),
    "eligible_countries": (),
    "excluded_countries": (),
    "min_grant": np.nan,
    "max_grant": np.nan,
    "currency": "USD",
    "annual_budget": np.nan,
    "ecosystems": (),
    "active": True,
}


def proposals_frame(rows: list[Mapping[str, object]]) -> pd.DataFrame:
    """Contract proposals frame from partial rows (missing fields get contract defaults)."""
    return pd.DataFrame([{**_PROPOSAL_DEFAULTS, **row} for row in rows])[list(PROPOSAL_COLUMNS)]


def donors_frame(rows: list[Mapping[str, object]]) -> pd.DataFrame:
    """Contract donors frame from partial rows."""
    return pd.DataFrame([{**_DONOR_DEFAULTS, **row} for row in rows])[list(DONOR_COLUMNS)]


def history_frame(rows: list[Mapping[str, object]]) -> pd.DataFrame:
    defaults = {"amount": np.nan, "currency": "USD", "year": pd.NA}
    return pd.DataFrame([{**defaults, **row} for row in rows])[list(HISTORY_COLUMNS)]


@pytest.fixture
def portfolio() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Three donors, four proposals, three funding records: small enough to check by hand."""
    proposals = proposals_frame(
        [
            {
                "proposal_id": "P1",
                "title": "Coral reef and mangrove marine protected areas",
                "countries": ("FJI",),
                "description": "Expand marine protected areas to protect coral reefs, mangroves "
                "and seagrass; community fisheries management with island communities.",
                "requested_amount": 500_000.0,
                "aichi_targets": (11, 6),
                "ecosystems": ("marine_coastal", "islands"),
            },
            {
                "proposal_id": "P2",
                "title": "Andean cloud forest corridor",
                "countries": ("PER",),
                "description": "Protect montane cloud forest and connect protected areas through "
                "a forest corridor in the Andes with indigenous communities.",
                "requested_amount": 900_000.0,
                "aichi_targets": (11, 15),
            },
            {
                "proposal_id": "P3",
                "title": "Amazon forest protected area system",
                "countries": ("BOL",),
                "description": "Consolidate the forest protected area system of the Amazon "
                "lowlands and its long-term financing.",
                "requested_amount": 50_000_000.0,
            },
            {
                "proposal_id": "P4",
                "title": "Wetland birds of the Sahel",
                "countries": ("MLI",),
                "description": "Wetland and floodplain conservation for migratory birds.",
            },
        ]
    )
    donors = donors_frame(
        [
            {
                "donor_id": "OCEAN",
                "name": "Ocean Fund",
                "aliases": ("OF",),
                "priorities": "Marine protected areas, coral reefs, mangroves and sustainable "
                "fisheries in small island developing states.",
                "aichi_targets": (6, 11),
                "eligible_regions": ("SIDS",),
                "min_grant": 100_000.0,
                "max_grant": 2_000_000.0,
                "annual_budget": 10_000_000.0,
                "ecosystems": ("marine_coastal",),
            },
            {
                "donor_id": "FOREST",
                "name": "Forest Trust",
                "aliases": ("Forest Foundation",),
                "priorities": "Tropical forest corridors and protected areas in the Andes and "
                "the Amazon.",
                "aichi_targets": (5, 11, 15),
                "min_grant": 200_000.0,
                "max_grant": 3_000_000.0,
                "annual_budget": 20_000_000.0,
                "excluded_countries": ("BOL",),
            },
            {
                "donor_id": "QUIET",
                "name": "Quiet Foundation",
                "priorities": "",
                "active": False,
            },
        ]
    )
    history = history_frame(
        [
            {"proposal_id": "P1", "donor": "ocean fund", "amount": 400_000.0, "year": 2012},
            {"proposal_id": "P2", "donor": "Forest Foundation", "amount": 800_000.0},
            {"proposal_id": "OLD", "donor": "Forrest Trust", "amount": 1_000_000.0},
        ]
    )
    return proposals, donors, history
