"""Small literal planning instances, solved by hand in the tests that use them."""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.currency import RateTable


def proposals_frame(gaps: dict[str, float], *, currency: str = "USD") -> pd.DataFrame:
    """Proposals whose requested amount is the gap (nothing secured)."""
    return pd.DataFrame(
        {
            "proposal_id": list(gaps),
            "title": [f"Proposal {pid}" for pid in gaps],
            "requested_amount": list(gaps.values()),
            "secured_amount": [float("nan")] * len(gaps),
            "currency": [currency] * len(gaps),
        }
    )


def donors_frame(rows: dict[str, dict[str, float]], *, currency: str = "USD") -> pd.DataFrame:
    """Donors from ``{id: {"budget": .., "min": .., "max": ..}}`` (min/max optional)."""
    return pd.DataFrame(
        {
            "donor_id": list(rows),
            "name": [f"Donor {did}" for did in rows],
            "annual_budget": [r["budget"] for r in rows.values()],
            "min_grant": [r.get("min", float("nan")) for r in rows.values()],
            "max_grant": [r.get("max", float("nan")) for r in rows.values()],
            "currency": [currency] * len(rows),
        }
    )


def pairs_frame(
    scores: dict[tuple[str, str], float], ineligible: dict | None = None
) -> pd.DataFrame:
    """Scored pairs; ``ineligible`` maps pairs to the reason they are not eligible."""
    ineligible = ineligible or {}
    keys = list(scores) + [k for k in ineligible if k not in scores]
    return pd.DataFrame(
        {
            "proposal_id": [p for p, _ in keys],
            "donor_id": [d for _, d in keys],
            "score": [scores.get(k, 0.5) for k in keys],
            "eligible": [k not in ineligible for k in keys],
            "reasons": [ineligible.get(k, "") for k in keys],
        }
    )


@pytest.fixture
def simple_rates() -> RateTable:
    """EUR worth exactly 2 USD, so conversions can be checked by hand."""
    return RateTable.from_frame(
        pd.DataFrame(
            {
                "date": ["2020-01-01", "2020-01-01", "2024-01-01", "2024-01-01"],
                "currency": ["USD", "EUR", "USD", "EUR"],
                "usd_per_unit": [1.0, 1.5, 1.0, 2.0],
            }
        )
    )


class Builders:
    """The frame builders above, handed to tests as the ``make`` fixture."""

    proposals = staticmethod(proposals_frame)
    donors = staticmethod(donors_frame)
    pairs = staticmethod(pairs_frame)


@pytest.fixture
def make() -> Builders:
    return Builders()


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory):
    """A SQLite database seeded once with the shipped sample data (for the Plan page)."""
    from matcher.reference import data_dir
    from matcher.store import open_store

    path = tmp_path_factory.mktemp("plan_db") / "lifeweb.db"
    store = open_store(f"sqlite:///{path}")
    store.seed_if_empty(data_dir())
    store.close()
    return path


@pytest.fixture
def plan_app(seeded_database, tmp_path, monkeypatch):
    """The real app on a private copy of the seeded database, switched to the Plan page."""
    import shutil
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    path = tmp_path / "lifeweb.db"
    shutil.copy(seeded_database, path)
    monkeypatch.setenv("LIFEWEB_DB_URL", f"sqlite:///{path}")
    repo = Path(__file__).resolve().parents[2]
    app = AppTest.from_file(str(repo / "app.py"), default_timeout=120)
    app.run()
    app.switch_page(str(repo / "app_pages" / "plan.py"))
    return app
