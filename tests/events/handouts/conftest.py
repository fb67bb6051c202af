"""A small event: two donors, three proposals in French and Spanish, two meetings."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def event() -> dict[str, object]:
    return {
        "name": "LifeWeb roundtable, Lima",
        "event_date": "2026-12-10",
        "place": "Lima, Peru",
        "currency": "EUR",
        "first_slot": "09:00",
        "slot_minutes": 30,
    }


@pytest.fixture(scope="session")
def rows() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "donor_id": "DE-IKI",
                "donor_name": "Germany – IKI",
                "proposal_id": "23213",
                "title": "Apoyo a las áreas protegidas terrestres de Mesoamérica",
                "countries": "SLV;PAN",
                "requested_amount": 614250,
                "currency": "USD",
                "score": 0.71,
                "explanation": "shares Aichi 11 and 15; funded 3 similar projects in Central America; "
                "request within grant range; active in the region",
                "aichi_targets": "11;15",
                "decision": "interested",
                "note": '=HYPERLINK("http://evil","click")',
                "eoi_document_url": "https://www.cbd.int/doc/lifeweb/EOI-23213.pdf",
                "contact_name": "Hélène Côté",
                "contact_email": "helene@example.org",
            },
            {
                "donor_id": "DE-IKI",
                "donor_name": "Germany – IKI",
                "proposal_id": "P2",
                "title": "Réserve de biosphère du Dja : gestion durable",
                "countries": "CMR",
                "requested_amount": 1551739.0,
                "currency": "EUR",
                "score": 0.42,
                "reasons": ["shares Aichi 5", "forests"],
                "suggested_aichi_targets": [5, 15],
            },
            {
                "donor_id": "JP-JBF",
                "donor_name": "Japan Biodiversity Fund",
                "proposal_id": "23213",
                "title": "Apoyo a las áreas protegidas terrestres de Mesoamérica",
                "countries": "SLV;PAN",
                "requested_amount": 614250,
                "currency": "USD",
                "score": 0.30,
            },
        ]
    )


@pytest.fixture(scope="session")
def schedule() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"donor_id": "DE-IKI", "delegation": "PAN", "slot": 2, "table": 1, "score": 0.71},
            {"donor_id": "JP-JBF", "delegation": "SLV", "slot": 1, "table": 2, "score": 0.30},
        ]
    )
