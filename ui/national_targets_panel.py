"""NBSAP alignment on the pages: the national targets a proposal serves, and the import box."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from matcher.load import flatten
from ui import national_targets
from ui.safe import escape_markdown

__all__ = ["render_national_targets_import", "render_nbsap_alignment"]


def _alignment_text(pairs: object) -> str:
    """((3, "high"), (1, "")) -> "GBF 3 high; GBF 1"."""
    return "; ".join(f"GBF {t} {d}".strip() for t, d in pairs or ())


def render_nbsap_alignment(proposals: pd.DataFrame, fingerprint: str, proposal_id: str) -> None:
    """Which of its countries' national targets the proposal serves, with the evidence."""
    st.markdown("**NBSAP alignment: national targets this proposal serves**")
    if national_targets.stored_targets().empty:
        st.caption(
            "No national targets are stored. Import a country's Online Reporting Tool export "
            "on the Proposals page (tab National targets) to see which of them a proposal serves."
        )
        return
    served = national_targets.alignment(proposals, fingerprint)
    mine = served[served["proposal_id"].astype(str) == str(proposal_id)]
    if mine.empty:
        st.text("It serves none of its countries' stored national targets.")
        return
    for sentence in mine["evidence"]:
        st.text(sentence)  # the whole sentence, as plain text; the table below sorts and scans
    st.dataframe(
        flatten(mine.drop(columns=["proposal_id", "evidence"])),
        hide_index=True,
        column_config={
            "government": "country",
            "target_code": "national target",
            "target_title": "title",
            "shared_gbf_targets": "GBF targets in common",
            "degree": "degree of alignment",
        },
    )


def render_national_targets_import() -> None:
    """Upload an Online Reporting Tool national-targets export, review it, store it."""
    st.caption(
        "A government's national targets under the GBF as the CBD's Online Reporting Tool "
        "exports them (CSV or Excel: government, title, description, the GBF targets each "
        "aligns to, degree of alignment). Saving replaces the stored targets of the "
        "governments in the file."
    )
    uploaded = st.file_uploader(
        "Upload national targets", type=["csv", "xlsx"], key="national_targets_upload"
    )
    if uploaded is not None:
        found = national_targets.read_national_targets_upload(uploaded.getvalue(), uploaded.name)
        if isinstance(found, str):
            st.error(escape_markdown(found), icon=":material/error:")
        else:
            st.text(f"{found.rows_in} rows: {found.n_loaded} loaded, {found.n_rejected} rejected.")
            if found.n_rejected:
                st.dataframe(found.rejected, hide_index=True)
            if found.n_loaded and st.button("Save national targets", icon=":material/save:"):
                stored = national_targets.save_national_targets(found, uploaded.name)
                listed = ", ".join(f"{g} ({n})" for g, n in stored.items())
                st.success(f"Stored national targets of {listed}.", icon=":material/check:")
    stored = national_targets.stored_targets()
    if not stored.empty:
        st.markdown("**Stored national targets**")
        shown = stored.assign(alignment=stored["alignment"].map(_alignment_text))
        columns = ["government", "target_code", "title", "alignment", "source_file"]
        st.dataframe(shown[columns], hide_index=True)
