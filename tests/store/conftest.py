"""Fixtures for the persistence tests: a fresh database per test, on SQLite and PostgreSQL.

SQLite is a real file in ``tmp_path``. PostgreSQL tests (marker ``postgres``) use the server
at ``$LIFEWEB_TEST_PG_URL`` and get a schema of their own, dropped afterwards; without
that variable they skip, unless ``LIFEWEB_REQUIRE_POSTGRES`` is on (CI), where they fail.
"""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from matcher.contract import DONOR_COLUMNS, HISTORY_COLUMNS, PROPOSAL_COLUMNS
from matcher.store import Store, open_store

PG_URL_ENV = "LIFEWEB_TEST_PG_URL"
REQUIRE_PG_ENV = "LIFEWEB_REQUIRE_POSTGRES"

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def postgres_unavailable(reason: str, *, required: bool) -> None:
    """Skip the PostgreSQL tests, or fail them when PostgreSQL is ``required`` (CI)."""
    if required:
        pytest.fail(f"{REQUIRE_PG_ENV} is on but PostgreSQL is not usable: {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def pg_admin_url(env_switch: Callable[[str], bool]) -> sa.URL:
    """The test server's URL, checked once; skips or fails (CI) when there is none."""
    required = env_switch(REQUIRE_PG_ENV)
    text = os.environ.get(PG_URL_ENV, "").strip()
    if not text:
        postgres_unavailable(
            f"set {PG_URL_ENV}=postgresql+psycopg://USER@HOST:PORT/DB (.ci/run starts a server)",
            required=required,
        )
    url = sa.make_url(text)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as error:  # any failure to connect means "unreachable"
        postgres_unavailable(
            f"cannot connect to {url.render_as_string()}: {error}", required=required
        )
    finally:
        engine.dispose()
    return url


def _fresh_postgres_schema(admin_url: sa.URL) -> Iterator[str]:
    """A schema of its own for one test (a new database costs seconds on a slow disk)."""
    name = f"lifeweb_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
        url = admin_url.update_query_dict({"options": f"-csearch_path={name}"})
        yield url.render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh schema on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lifeweb.db'}"
    else:
        yield from _fresh_postgres_schema(request.getfixturevalue("pg_admin_url"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """For the few tests about SQLite itself (WAL mode, default path)."""
    return f"sqlite:///{tmp_path / 'lifeweb.db'}"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An open store on a fresh database, closed after the test."""
    opened = open_store(db_url)
    yield opened
    opened.close()


def _proposal(proposal_id: str, title: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "proposal_id": proposal_id,
        "title": title,
        "countries": ("KEN",),
        "summary": "",
        "description": "",
        "objectives": "",
        "requested_amount": math.nan,
        "secured_amount": math.nan,
        "currency": "",
        "aichi_targets": (),
        "gbf_targets": (),
        "nbsap_alignment": "",
        "ecosystems": (),
        "submitted_on": "",
        "status": "",
    }
    row.update(values)
    return row


@pytest.fixture
def make_proposals() -> Callable[..., pd.DataFrame]:
    """Build a small proposals contract frame: ``make_proposals(("P1", "title", {...}), ...)``."""

    def make(*specs: tuple[str, str] | tuple[str, str, dict[str, Any]]) -> pd.DataFrame:
        rows = [_proposal(spec[0], spec[1], **(spec[2] if len(spec) > 2 else {})) for spec in specs]
        frame = pd.DataFrame(rows, columns=list(PROPOSAL_COLUMNS))
        frame["source_row"] = range(2, len(rows) + 2)
        frame["notes"] = ""
        return frame

    return make


@pytest.fixture
def literal_proposals(make_proposals: Callable[..., pd.DataFrame]) -> pd.DataFrame:
    """Three proposals with every kind of cell: several countries, targets, NaN, extra text."""
    return make_proposals(
        (
            "P1",
            "Mangroves of the Rufiji delta",
            {
                "countries": ("TZA", "KEN"),
                "summary": "Restore 2,000 ha of mangroves; “community” led",
                "requested_amount": 1_250_000.0,
                "secured_amount": 250_000.5,
                "currency": "USD",
                "aichi_targets": (11, 14, 15),
                "gbf_targets": (2, 3),
                "ecosystems": ("marine_coastal", "wetlands"),
                "submitted_on": "2012-03-01",
                "status": "open",
            },
        ),
        ("P2", "Réserves de biosphère du Sahel", {"countries": ("NER", "MLI", "BFA")}),
        ("P3", "越南森林保护", {"countries": ("VNM",), "requested_amount": 0.0, "currency": "CNY"}),
    )


@pytest.fixture
def literal_donors() -> pd.DataFrame:
    rows = [
        {
            "donor_id": "D1",
            "name": "Blue Planet Fund",
            "aliases": ("BPF", "Blue Planet"),
            "donor_type": "bilateral_government",
            "priorities": "marine protected areas, mangroves",
            "aichi_targets": (6, 11),
            "gbf_targets": (3,),
            "eligible_regions": ("SIDS", "Eastern Africa"),
            "eligible_countries": ("KEN",),
            "excluded_countries": (),
            "min_grant": 100_000.0,
            "max_grant": math.nan,
            "currency": "GBP",
            "annual_budget": 5e7,
            "ecosystems": ("marine_coastal",),
            "active": True,
        },
        {
            "donor_id": "D2",
            "name": "Sahel Foundation",
            "aliases": (),
            "donor_type": "foundation_or_private",
            "priorities": "",
            "aichi_targets": (),
            "gbf_targets": (),
            "eligible_regions": (),
            "eligible_countries": (),
            "excluded_countries": ("FRA",),
            "min_grant": math.nan,
            "max_grant": math.nan,
            "currency": "",
            "annual_budget": math.nan,
            "ecosystems": (),
            "active": False,
        },
    ]
    frame = pd.DataFrame(rows, columns=list(DONOR_COLUMNS))
    frame["source_row"] = [2, 3]
    frame["notes"] = ""
    return frame


@pytest.fixture
def literal_history() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "proposal_id": ["P1", "P1", "P1", "P2"],
            "donor": ["Blue Planet Fund", "Blue Planet Fund", "Sahel Foundation", "GEF"],
            "amount": [100_000.0, 50_000.0, math.nan, 75_000.0],
            "currency": ["USD", "USD", "", "EUR"],
            "year": pd.array([2012, 2012, None, 2014], dtype="Int64"),
        },
        columns=list(HISTORY_COLUMNS),
    )
    frame["source_row"] = [2, 3, 4, 5]
    frame["notes"] = ""
    return frame
