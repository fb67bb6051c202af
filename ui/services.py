"""Cached access to the database and the engine, shared by every page.

* The store (one per database URL) is a ``st.cache_resource``: one connection pool for all
  sessions. On a fresh install the empty database is seeded from the shipped sample data.
* The portfolio (proposals, donors, history frames) is cached per database URL and a
  revision number the app bumps after each write, so every page sees a save at once; a
  short TTL picks up writes from other processes (the CLI, a colleague). It is a shared
  resource, not copied per rerun: pages treat the frames as read-only.
* The fitted engine and its score matrices are a ``st.cache_resource`` keyed by a
  fingerprint of the portfolio's content: re-weighting reuses them, a new upload refits.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from threading import Lock

import numpy as np
import pandas as pd
import streamlit as st

from matcher.errors import LifeWebMatchError
from matcher.load import flatten
from matcher.reference import data_dir
from matcher.store import Store, open_store
from matcher.store.config import DB_URL_ENV, resolve_url

__all__ = [
    "DatabaseUnavailableError",
    "Portfolio",
    "current_user",
    "database_url",
    "get_store",
    "mark_changed",
    "portfolio",
]

PORTFOLIO_TTL_SECONDS = 60


class DatabaseUnavailableError(LifeWebMatchError):
    """The configured database cannot be opened; the message names it (without password)."""


def database_url() -> str:
    """The database this app process uses: ``$LIFEWEB_DB_URL`` or the store's default."""
    return os.environ.get(DB_URL_ENV, "").strip()


@st.cache_resource(show_spinner="Opening the database and loading the sample data (first start)…")
def _store_for(url: str) -> Store:
    try:
        store = open_store(url or None)
    except LifeWebMatchError:
        raise
    except Exception as error:  # driver, network or permission problems, reported plainly
        shown = resolve_url(url or None).render_as_string(hide_password=True)
        raise DatabaseUnavailableError(
            f"The database at {shown} could not be opened: {type(error).__name__}: "
            f"{str(error).splitlines()[0] if str(error) else 'no details'}. Check "
            f"{DB_URL_ENV} and that the database server is running."
        ) from error
    store.seed_if_empty(data_dir())
    return store


def get_store() -> Store:
    """The store for this process's database, seeded with the sample data when empty."""
    return _store_for(database_url())


@dataclass
class _Revisions:
    counts: dict[str, int] = field(default_factory=dict)
    lock: Lock = field(default_factory=Lock)


@st.cache_resource
def _revisions() -> _Revisions:
    return _Revisions()


def revision() -> int:
    """How many times this process has written to the current database."""
    return _revisions().counts.get(database_url(), 0)


def mark_changed() -> None:
    """Call after any write: every page reloads the portfolio and rescoring follows."""
    state = _revisions()
    with state.lock:
        url = database_url()
        state.counts[url] = state.counts.get(url, 0) + 1


@dataclass(frozen=True)
class Portfolio:
    """The stored proposals, donors and funding history as contract frames."""

    proposals: pd.DataFrame
    donors: pd.DataFrame
    history: pd.DataFrame
    fingerprint: str
    # What scoring one proposal depends on besides the proposal itself (donors, history),
    # and one hash per proposal row: an upload changes only the rows it touched.
    donor_fingerprint: str = ""
    proposal_hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))

    @property
    def is_empty(self) -> bool:
        return self.proposals.empty or self.donors.empty


def _row_hashes(frame: pd.DataFrame) -> tuple[str, np.ndarray]:
    """The frame's columns as text and one 64-bit hash per row (of its flattened cells)."""
    flat = flatten(frame)
    columns = ",".join(map(str, flat.columns))
    if not len(flat):
        return columns, np.zeros(0, dtype=np.uint64)
    return columns, pd.util.hash_pandas_object(flat.astype(str), index=False).to_numpy()


def _fingerprint(*frames: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    for frame in frames:
        columns, hashes = _row_hashes(frame)
        digest.update(columns.encode())
        digest.update(hashes.tobytes())
    return digest.hexdigest()


@st.cache_resource(ttl=PORTFOLIO_TTL_SECONDS, show_spinner=False)
def _portfolio(url: str, revision_number: int) -> Portfolio:
    store = _store_for(url)
    # ``meta`` adds each row's version, which an edit form must send back.
    proposals = store.proposals(meta=True)
    donors = store.donors(meta=True)
    history = store.history()
    columns, hashes = _row_hashes(proposals)
    donor_side = _fingerprint(donors, history)
    digest = hashlib.sha256(columns.encode() + hashes.tobytes() + donor_side.encode())
    return Portfolio(proposals, donors, history, digest.hexdigest(), donor_side, hashes)


def portfolio() -> Portfolio:
    """The current proposals, donors and history (cached; refreshed after each write)."""
    get_store()
    return _portfolio(database_url(), revision())


def current_user() -> str:
    """Who is recording changes: the name typed in the sidebar, else ``"app user"``."""
    name = str(st.session_state.get("user_name", "")).strip()
    return name or "app user"
