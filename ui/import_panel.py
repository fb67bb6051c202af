"""The upload-review-save panel shared by the Proposals and Donors pages.

Nothing is written until the user has seen the validation report (rows loaded and
rejected with reasons, the header mapping, normalisations, near-duplicates) and pressed
save; the save names the round the rows belong to.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import streamlit as st

from matcher.errors import LifeWebMatchError
from matcher.export import to_csv_bytes
from matcher.intake.columns import header_fingerprint
from matcher.load import LoadReport
from matcher.store import ImportResult
from ui import services
from ui.layout import WRAPPED_ROW_PX
from ui.safe import escape_markdown, flatten_for_display, one_line
from ui.upload import (
    AUTO_ENCODING,
    ENCODING_CHOICES,
    MAPPABLE_COLUMNS,
    UploadOutcome,
    cell_changes,
    column_map_key,
    column_words,
    content_hash,
    decodable_encodings,
    is_text_file,
    loaded_preview,
    normalisation_notes,
    preview_lines,
    read_upload,
    rejected_for_fixing,
    rejected_table,
)
from ui.words import counted

__all__ = ["render_import", "render_rounds", "render_validation_report"]

KIND_LABELS = {"proposals": "proposals", "donors": "donor profiles", "history": "funding history"}
FILE_TYPES = ["csv", "tsv", "txt", "xlsx", "xml"]


@st.cache_data(max_entries=8, show_spinner=False)
def _read_cached(
    digest: str,
    _data: bytes,
    filename: str,
    kind: str,
    encoding: str,
    mapping_json: str = "{}",
    corrections_json: str = "[]",
) -> UploadOutcome:
    """Read once per (content, encoding, mapping, corrections): reruns do not re-parse."""
    corrections = {
        (int(row), str(col)): str(text) for row, col, text in json.loads(corrections_json)
    }
    return read_upload(
        _data,
        filename=filename,
        kind=kind,
        encoding=encoding,
        column_map=json.loads(mapping_json) or None,
        corrections=corrections or None,
    )


def _state_keys(kind: str, digest: str) -> tuple[str, str]:
    """Session keys of this file's column mapping and accepted corrections."""
    return f"{kind}_map_{digest}", f"{kind}_fixes_{digest}"


def _read(kind: str, data: bytes, filename: str, digest: str, encoding: str) -> UploadOutcome:
    """Read with the person's mapping (this session's, else the one remembered for these
    headers) and the suggestions they accepted."""
    map_key, fixes_key = _state_keys(kind, digest)
    state = st.session_state
    fixes = state.get(fixes_key, {})
    fixes_json = json.dumps(sorted([r, c, t] for (r, c), t in fixes.items()))

    def attempt(mapping: dict) -> UploadOutcome:
        as_json = json.dumps(mapping, sort_keys=True)
        return _read_cached(digest, data, filename, kind, encoding, as_json, fixes_json)

    outcome = attempt(state.get(map_key, {}))
    if map_key not in state:
        fingerprint = _fingerprint(outcome)
        remembered = (
            services.get_store().setting(column_map_key(kind, fingerprint)) if fingerprint else None
        )
        state[map_key] = dict(remembered or {})
        if remembered:
            state[f"{map_key}_remembered"] = True
            outcome = attempt(state[map_key])
    return outcome


def _fingerprint(outcome: UploadOutcome) -> str:
    if outcome.report is not None:
        return outcome.report.fingerprint
    return outcome.missing.fingerprint if outcome.missing is not None else ""


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
    generation = st.session_state.get(f"{kind}_upload_generation", 0)
    uploaded = st.file_uploader(
        f"Upload {label}",
        type=FILE_TYPES,
        key=f"{kind}_upload" if generation == 0 else f"{kind}_upload_{generation}",
        help=f"Files larger than {upload_limit_mb()} MB are refused.",
    )
    if uploaded is None:
        _show_last_save(kind)
        return
    st.session_state.pop(f"{kind}_last_save", None)
    data = uploaded.getvalue()
    filename = uploaded.name
    digest = content_hash(data)
    encoding_key = f"{kind}_encoding"
    encoding = st.session_state.get(encoding_key, AUTO_ENCODING)
    shown_name = escape_markdown(filename)
    with st.status(f"Reading {shown_name}…", expanded=False) as status:
        outcome = _read(kind, data, filename, digest, encoding)
        if outcome.missing is not None:  # the file was read: only a column needs naming
            status.update(
                label=f"Read {shown_name}: say below which column is which", state="complete"
            )
        else:
            status.update(
                label=f"Read {shown_name}" if outcome.ok else f"Could not read {shown_name}",
                state="complete" if outcome.ok else "error",
            )
    if is_text_file(filename) and (outcome.encoding_may_help or encoding != AUTO_ENCODING):
        _render_encoding_choice(data, encoding_key, failed=not outcome.ok)
    if outcome.missing is not None:
        _render_mapping_step(kind, digest, outcome.missing.headers, outcome.missing.missing)
        return
    if not outcome.ok:
        st.error(escape_markdown(outcome.message, keep_lines=True), icon=":material/block:")
        return
    report = outcome.report
    assert report is not None
    render_validation_report(report, digest=digest)
    _render_mapping_step(kind, digest, report.headers, ())
    _render_changes(kind, report)
    _render_save_form(kind, report, filename=filename, digest=digest)


def _words_or_blank(column: object) -> str:
    """A contract column in the person's words; a blank cell (an extra column) stays blank."""
    text = "" if column is None or (isinstance(column, float) and pd.isna(column)) else str(column)
    return column_words(text) if text else ""


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


def render_validation_report(report: LoadReport, *, digest: str = "") -> None:
    """Counts, then tabs: rejected rows, header mapping, normalisations, near-duplicates, rows.

    With the upload's ``digest``, rejected cells that have a suggestion can be accepted in
    the page; the file is then read again with them and those rows load.
    """
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
            f"{counted(rejected, 'row')} cannot be loaded; the table below gives the row number, the "
            "column and the reason. Fix them in the file and upload it again, or save the "
            f"{counted(loaded, 'good row')} now.",
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
            shown = rejected_table(report)
            # Which row, then why and what to do (reason, suggestion): 750 of 818 px at 1280.
            lead = ["row", "id", "title", "reason", "suggestion", "column"]
            st.dataframe(
                shown.assign(column=shown["column"].map(_words_or_blank)),
                hide_index=True,
                row_height=WRAPPED_ROW_PX,
                column_order=[*lead, *[c for c in shown.columns if c not in lead]],
                column_config={
                    "row": st.column_config.NumberColumn(
                        "row", help="Row number in the file", width=50
                    ),
                    "id": st.column_config.TextColumn("id", width=100),
                    "title": st.column_config.TextColumn("title", width=170),
                    "reason": st.column_config.TextColumn("reason", width=220),
                    "suggestion": st.column_config.TextColumn(
                        "suggestion", help="A close spelling the reader would accept", width=110
                    ),
                    "column": st.column_config.TextColumn("column", width=100),
                },
            )
            if digest:
                _render_accept_suggestions(report, digest)
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
        mapping = flatten_for_display(report.header_mapping)
        if "column" in mapping:
            mapping["column"] = mapping["column"].map(_words_or_blank)
        st.dataframe(mapping, hide_index=True)
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


def _render_accept_suggestions(report: LoadReport, digest: str) -> None:
    """Accept suggested corrections for some rejected rows; the file is re-read with them."""
    table = rejected_table(report)
    offered = table[table["suggestion"] != ""].drop_duplicates("row")
    if offered.empty:
        return
    labels = {
        int(r.row): f"row {r.row} · {one_line(r.title or r.id, limit=50)}: {r.column} "
        f"“{one_line(r.value, limit=30)}” → “{one_line(r.suggestion, limit=30)}”"
        for r in offered.itertuples(index=False)
    }
    with st.form(f"{report.kind}_accept_{digest}"):
        picked = st.multiselect(
            "Accept suggestions",
            list(labels),
            default=list(labels),
            format_func=labels.get,
            help="The cell is replaced by the suggestion in this upload only (the file is "
            "not changed); the row is then read again and loads if nothing else is wrong.",
        )
        accepted = st.form_submit_button("Accept and load these rows", icon=":material/done_all:")
    if not accepted or not picked:
        return
    _, fixes_key = _state_keys(report.kind, digest)
    fixes = dict(st.session_state.get(fixes_key, {}))
    fixes.update(report.suggested_corrections(picked))
    st.session_state[fixes_key] = fixes
    st.rerun()


def _render_mapping_step(
    kind: str, digest: str, headers: tuple[str, ...], missing: tuple[str, ...]
) -> None:
    """Say which header holds which column; remembered for files with the same headers."""
    map_key, _ = _state_keys(kind, digest)
    state = st.session_state
    current: dict[str, str] = dict(state.get(map_key, {}))
    if missing:
        st.warning(
            "The reader could not find a column for "
            + " and ".join(f"'{column_words(m)}'" for m in missing)
            + ". Pick which of the file's columns holds it below: the choice is remembered "
            "for the next file with the same headers.",
            icon=":material/table_edit:",
        )
    automatic = "(as read)"
    by_column = {column: header for header, column in current.items() if column}
    columns = list(dict.fromkeys([*missing, *MAPPABLE_COLUMNS[kind]]))
    with st.expander(
        "Column mapping: which column is which",
        expanded=bool(missing),
        icon=":material/table_edit:",
    ):
        if state.get(f"{map_key}_remembered"):
            st.caption("Using the mapping remembered for files with these headers.")
        with st.form(f"{kind}_mapping_{digest}"):
            chosen = {}
            for column in columns:
                options = [automatic, *headers]
                wanted = by_column.get(column, automatic)
                chosen[column] = st.selectbox(
                    f"{column_words(column)}{' (needed)' if column in missing else ''}",
                    options,
                    index=options.index(wanted) if wanted in options else 0,
                    key=f"{kind}_map_{digest}_{column}",
                )
            applied = st.form_submit_button(
                "Use this mapping", type="primary" if missing else "secondary"
            )
    if not applied:
        return
    mapping = {header: column for column, header in chosen.items() if header != automatic}
    if len(set(mapping)) < sum(1 for h in chosen.values() if h != automatic):
        st.error(
            "One header was picked for two columns: pick a different one.", icon=":material/error:"
        )
        return
    state[map_key] = mapping
    services.get_store().save_setting(
        column_map_key(kind, header_fingerprint(headers)), mapping, by=services.current_user()
    )
    st.rerun()


def _render_changes(kind: str, report: LoadReport) -> None:
    """Before saving: which rows are new, which are stored already and which cells change."""
    if kind not in ("proposals", "donors") or report.frame.empty:
        return
    data = services.portfolio()
    stored = data.proposals if kind == "proposals" else data.donors
    id_column = report.frame.columns[0]
    known = set(stored[id_column].astype(str)) if id_column in stored else set()
    ids = report.frame[id_column].astype(str)
    n_known = int(ids.isin(known).sum())
    changes = cell_changes(report, stored)
    st.subheader("What saving will change", anchor=False)
    st.caption(
        f"{counted(len(ids) - n_known, 'new row')}; {n_known:,} already stored, of which "
        f"{changes['id'].nunique() if not changes.empty else 0} change: one line per changed "
        "cell. Rows already stored are updated in place (the previous version is kept), "
        "never added twice."
    )
    if not changes.empty:
        shown = changes.assign(column=changes["column"].map(_words_or_blank))
        st.dataframe(shown, hide_index=True, key=f"{kind}_cell_changes")


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
            f"Save {counted(report.n_loaded, 'row')} as this round", type="primary"
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
    state = st.session_state
    state[f"{kind}_last_save"] = _describe_result(result, round_name)
    state[f"{kind}_last_upload"] = (result.upload_id, len(result.added) + len(result.updated))
    # A new, empty upload box: the saved file is done, not waiting to be saved again.
    state[f"{kind}_upload_generation"] = state.get(f"{kind}_upload_generation", 0) + 1
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
    """The done state of the last save: what it did, and the way on to those proposals."""
    message = st.session_state.get(f"{kind}_last_save")
    if not message:
        return
    st.success(escape_markdown(message, keep_lines=True), icon=":material/check_circle:")
    upload_id, n_rows = st.session_state.get(f"{kind}_last_upload", (None, 0))
    if kind == "proposals" and upload_id is not None and n_rows:
        st.page_link(
            "app_pages/matches.py",
            label=f"See the {counted(n_rows, 'saved proposal')} ranked",
            icon=":material/arrow_forward:",
            query_params={"round_id": str(upload_id), "include_funded": "1"},
        )
    st.caption("Upload another file above to start a new round.")
