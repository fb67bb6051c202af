"""The upload-review-save panel shared by the Proposals and Donors pages.

Nothing is written until the user has seen the validation report (rows loaded and
rejected with reasons, the header mapping, normalisations, near-duplicates) and pressed
save; the save names the round the rows belong to.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from matcher.errors import LifeWebMatchError
from matcher.export import to_csv_bytes
from matcher.load import LoadReport
from matcher.store import ImportResult
from ui import services
from ui.safe import escape_markdown, flatten_for_display, one_line
from ui.upload import (
    AUTO_ENCODING,
    ENCODING_CHOICES,
    UploadOutcome,
    content_hash,
    decodable_encodings,
    is_text_file,
    loaded_preview,
    normalisation_notes,
    preview_lines,
    read_upload,
    rejected_for_fixing,
)

__all__ = ["render_import", "render_rounds", "render_validation_report"]

KIND_LABELS = {"proposals": "proposals", "donors": "donor profiles", "history": "funding history"}
FILE_TYPES = ["csv", "tsv", "txt", "xlsx", "xml"]


@st.cache_data(max_entries=8, show_spinner=False)
def _read_cached(
    digest: str, _data: bytes, filename: str, kind: str, encoding: str
) -> UploadOutcome:
    """Read once per (content, encoding): reruns while reviewing do not re-parse the file."""
    return read_upload(_data, filename=filename, kind=kind, encoding=encoding)


def upload_limit_mb() -> int:
    return int(st.get_option("server.maxUploadSize"))


def render_import(kind: str) -> None:
    """Upload box, encoding choice, validation report and the save-as-round form."""
    label = KIND_LABELS[kind]
    st.caption(
        f"CSV (any delimiter, UTF-8 or a named encoding), Excel .xlsx or IATI activity XML, up to "
        f"{upload_limit_mb()} MB. Nothing is saved until you have reviewed the report and "
        "pressed save."
    )
    uploaded = st.file_uploader(
        f"Upload {label}",
        type=FILE_TYPES,
        key=f"{kind}_upload",
        help=f"Files larger than {upload_limit_mb()} MB are refused.",
    )
    _show_last_save(kind)
    if uploaded is None:
        return
    data = uploaded.getvalue()
    filename = uploaded.name
    digest = content_hash(data)
    encoding_key = f"{kind}_encoding"
    encoding = st.session_state.get(encoding_key, AUTO_ENCODING)
    shown_name = escape_markdown(filename)
    with st.status(f"Reading {shown_name}…", expanded=False) as status:
        outcome = _read_cached(digest, data, filename, kind, encoding)
        status.update(
            label=f"Read {shown_name}" if outcome.ok else f"Could not read {shown_name}",
            state="complete" if outcome.ok else "error",
        )
    if is_text_file(filename) and (outcome.encoding_may_help or encoding != AUTO_ENCODING):
        _render_encoding_choice(data, encoding_key, failed=not outcome.ok)
    if not outcome.ok:
        st.error(escape_markdown(outcome.message, keep_lines=True), icon=":material/block:")
        return
    report = outcome.report
    assert report is not None
    render_validation_report(report)
    _render_save_form(kind, report, filename=filename, digest=digest)


def _render_encoding_choice(data: bytes, key: str, *, failed: bool) -> None:
    fitting = decodable_encodings(data)
    options = [e for e in ENCODING_CHOICES if e in fitting] or list(ENCODING_CHOICES)
    if failed:
        st.warning(
            "This file is not UTF-8 text. Pick the encoding it was saved in: the preview "
            "below shows the first lines as that encoding reads them; choose the one where "
            "accents and characters look right.",
            icon=":material/translate:",
        )
    current = st.session_state.get(key, AUTO_ENCODING)
    if current not in options:
        options.insert(0, current)
    choice = st.selectbox("File encoding", options, key=key)
    st.code(preview_lines(data, choice), language=None)


def render_validation_report(report: LoadReport) -> None:
    """Counts, then tabs: rejected rows, header mapping, normalisations, near-duplicates, rows."""
    st.subheader("Validation report", anchor=False)
    for note in getattr(report, "file_notes", ()):
        st.caption(escape_markdown(f"File read as: {note}"))
    loaded, rejected = report.n_loaded, report.n_rejected
    rows_in = getattr(report, "rows_in", loaded + rejected)
    col_in, col_loaded, col_rejected, col_dupes = st.columns(4)
    col_in.metric("Rows in the file", rows_in)
    col_loaded.metric("Rows loaded", loaded)
    col_rejected.metric("Rows rejected", rejected)
    near = report.near_duplicates if report.near_duplicates is not None else pd.DataFrame()
    col_dupes.metric("Possible duplicates", len(near))
    if rejected:
        st.warning(
            f"{rejected} row(s) cannot be loaded; the table below gives the row number, the "
            "column and the reason. Fix them in the file and upload it again, or save the "
            f"{loaded} good row(s) now.",
            icon=":material/warning:",
        )
    elif loaded == 0:
        st.warning("The file has no data rows.", icon=":material/warning:")
    tabs = st.tabs(
        [
            f"Rejected rows ({len(report.rejected)})",
            "Header mapping",
            "Normalisations",
            f"Near-duplicates ({len(near)})",
            f"Loaded rows ({loaded})",
        ]
    )
    with tabs[0]:
        if report.rejected.empty:
            st.text("Every row was loaded.")
        else:
            st.dataframe(flatten_for_display(report.rejected), hide_index=True)
            st.download_button(
                "Download the rejected rows to fix them (CSV)",
                data=to_csv_bytes(rejected_for_fixing(report)),
                file_name=f"rejected-{report.kind}.csv",
                mime="text/csv",
                icon=":material/download:",
                on_click="ignore",
                key=f"{report.kind}_rejected_download",
            )
    with tabs[1]:
        st.caption(
            "How each column of the file was understood (exact name, known alias or a "
            "close spelling); unmapped columns are kept as extra columns."
        )
        st.dataframe(flatten_for_display(report.header_mapping), hide_index=True)
    with tabs[2]:
        notes = normalisation_notes(report)
        if notes.empty:
            st.text("No value needed normalising.")
        else:
            st.dataframe(notes, hide_index=True)
    with tabs[3]:
        if near.empty:
            st.text("No near-duplicate rows found.")
        else:
            st.caption("Flagged, not dropped: rows in the same country with very similar titles.")
            st.dataframe(flatten_for_display(near), hide_index=True)
    with tabs[4]:
        st.dataframe(loaded_preview(report), hide_index=True)


def _default_round_name(filename: str) -> str:
    return f"{one_line(filename, limit=60)} ({dt.date.today().isoformat()})"


def _render_save_form(kind: str, report: LoadReport, *, filename: str, digest: str) -> None:
    if report.n_loaded == 0:
        return
    with st.form(f"{kind}_save"):
        round_name = st.text_input(
            "Round name",
            value=_default_round_name(filename),
            help="The import round these rows belong to, e.g. 'EOI call 2026, first round'.",
        )
        submitted = st.form_submit_button(
            f"Save {report.n_loaded} row(s) as this round", type="primary"
        )
    if not submitted:
        return
    store = services.get_store()
    try:
        with st.spinner("Saving…"):
            result = store.import_report(
                report,
                filename=filename,
                content_hash=digest,
                round_name=round_name.strip() or _default_round_name(filename),
                by=services.current_user(),
            )
    except LifeWebMatchError as error:
        st.error(escape_markdown(str(error), keep_lines=True), icon=":material/error:")
        return
    services.mark_changed()
    st.session_state[f"{kind}_last_save"] = _describe_result(result, round_name)
    st.rerun()


def _describe_result(result: ImportResult, round_name: str) -> str:
    headline = f"Saved as round '{one_line(round_name)}'."
    return headline + "\n" + result.summary()


def render_rounds(kind: str) -> None:
    """Every import round of this kind, newest first: file, who, when and what it changed."""
    uploads = services.get_store().uploads()
    mine = uploads[uploads["kind"] == kind].iloc[::-1]
    with st.expander(f"Import rounds ({len(mine)})", icon=":material/history:"):
        if mine.empty:
            st.text("Nothing imported yet.")
            return
        columns = [
            "round_name",
            "filename",
            "imported_at",
            "imported_by",
            "rows_in",
            "n_added",
            "n_updated",
            "n_unchanged",
            "n_rejected",
        ]
        st.dataframe(mine[columns], hide_index=True)


def _show_last_save(kind: str) -> None:
    message = st.session_state.get(f"{kind}_last_save")
    if message:
        st.success(escape_markdown(message, keep_lines=True), icon=":material/check_circle:")
