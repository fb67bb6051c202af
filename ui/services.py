"""Cached access to the database and the engine, shared by every page.

* The store (one per database URL) is a ``st.cache_resource``: one connection pool for all
  sessions. On a fresh install the empty database is seeded from the shipped sample data.
* The portfolio (proposals, donors, history frames) is a ``st.cache_resource`` keyed by the
  database URL and its content version (:meth:`matcher.store.Store.content_version`: row
  counts, version sums and newest stamps, one small query), never by session or by time: a
  write by any session or process is seen by the next page run, and without a write nothing
  is read again. The version is asked once per page run (:mod:`ui.page_run`). It is a
  shared resource, not copied per rerun: pages treat the frames as read-only.
* The fitted engine and its score matrices are a ``st.cache_resource`` keyed by a
  fingerprint of the portfolio's content: re-weighting reuses them, a new upload refits.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import streamlit as st

from matcher.errors import LifeWebMatchError
from matcher.load import flatten
from matcher.reference import data_dir
from matcher.store import Store, open_store
from matcher.store.config import DB_URL_ENV, resolve_url
from matcher.store.content_version import CONTENT_KINDS
from ui.page_run import forget_this_run, kept_this_run

__all__ = [
    "PORTFOLIO_KINDS",
    "DatabaseUnavailableError",
    "Portfolio",
    "content_version",
    "current_user",
    "database_url",
    "get_store",
    "mark_changed",
    "portfolio",
]

PORTFOLIO_KINDS = ("proposals", "donors", "history")


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


def content_version(kinds: Sequence[str] = PORTFOLIO_KINDS) -> str:
    """The stored content's version for ``kinds``: it changes with every write to them."""
    # Asked once per page run (ui.page_run) for every kind at once: one query, one consistent
    # content per run, where the portfolio, the weight log and the national targets each
    # asked their own (a new Matches session ran three).
    kept = kept_this_run()
    key = f"content_version|{database_url()}"
    if kept is None or not set(kinds) <= set(CONTENT_KINDS):
        return get_store().content_version(kinds)
    if key not in kept:
        kept[key] = get_store().content_version(CONTENT_KINDS)
    per_kind = dict(zip(CONTENT_KINDS, kept[key].split(";"), strict=True))
    return ";".join(per_kind[kind] for kind in kinds)


def mark_changed() -> None:
    """Call after a write: the rest of this run reads the new content (other sessions and
    processes see it anyway, through the content version)."""
    forget_this_run()


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


@st.cache_resource(max_entries=4, show_spinner=False)
def _portfolio(url: str, version: str) -> Portfolio:
    """Read and fingerprint the stored rows; ``version`` keys the cache (see the module)."""
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
    """The current proposals, donors and history (cached until the next write, by anyone)."""
    return _portfolio(database_url(), content_version())


def current_user() -> str:
    """Who is recording changes: the name typed in the sidebar, else ``"app user"``."""
    name = str(st.session_state.get("user_name", "")).strip()
    return name or "app user"
