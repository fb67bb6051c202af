"""Countries' GBF national targets for the pages: stored table, and which proposals serve them.

Cached per database and content version like the portfolio (``ui.services``), so an import
by anyone shows at the next page run; the alignment is recomputed only when the targets or
the proposals change.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from matcher.errors import UnreadableFileError
from matcher.interchange.national_targets import (
    NationalTargetsReport,
    load_national_targets,
    national_alignment,
)
from ui import services

__all__ = [
    "alignment",
    "read_national_targets_upload",
    "save_national_targets",
    "served_proposal_ids",
    "stored_targets",
]


TARGET_KINDS = ("national_targets",)


@st.cache_resource(max_entries=4, show_spinner=False)
def _stored(url: str, version: str) -> pd.DataFrame:
    return services.get_store().national_targets()


def stored_targets() -> pd.DataFrame:
    """Every stored national target (read-only; cached until the next write)."""
    return _stored(services.database_url(), services.content_version(TARGET_KINDS))


@st.cache_resource(max_entries=4, show_spinner=False)
def _alignment(url: str, version: str, fingerprint: str, _proposals: pd.DataFrame):
    return national_alignment(_proposals, stored_targets())


def alignment(proposals: pd.DataFrame, fingerprint: str) -> pd.DataFrame:
    """Which stored national targets each proposal serves (``national_alignment`` columns)."""
    version = services.content_version(TARGET_KINDS)
    return _alignment(services.database_url(), version, fingerprint, proposals)


def served_proposal_ids(proposals: pd.DataFrame, fingerprint: str) -> set[str]:
    """Ids of the proposals that serve at least one stored national target."""
    return set(alignment(proposals, fingerprint)["proposal_id"].astype(str))


def read_national_targets_upload(data: bytes, filename: str) -> NationalTargetsReport | str:
    """The report of an uploaded export, or the message saying why it cannot be read."""
    try:
        return load_national_targets(data, filename=filename)
    except UnreadableFileError as error:
        return str(error)


def save_national_targets(report: NationalTargetsReport, filename: str) -> dict[str, int]:
    """Store the loaded targets (replacing those of the governments named) and refresh."""
    stored = services.get_store().save_national_targets(
        report.frame, filename=filename, by=services.current_user()
    )
    services.mark_changed()
    return stored
