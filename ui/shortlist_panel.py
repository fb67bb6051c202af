"""The Shortlists page's sections: pick or create a list, edit it, record decisions, export.

Every change goes to the database through the store (with the list's version, so two
people editing the same list do not overwrite each other); exports use the formula-safe
bytes from :mod:`ui.shortlists`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from matcher.errors import LifeWebMatchError
from matcher.store import DECISION_STATUSES, DuplicateShortlistError
from ui import matching, services
from ui.layout import titles_cut_to_fit
from ui.pages import fresh_label, keep_in_link, linked_pick
from ui.records import FormProblem, parse_money_field
from ui.safe import escape_markdown, flatten_for_display, one_line
from ui.shortlists import (
    EARLIEST_EVENT_DATE,
    LATEST_EVENT_DATE,
    OPEN_NEXT_KEY,
    moved,
    moved_to,
    shortlist_export,
    shortlist_table,
)
from ui.store_write_panel import store_write as _act
from ui.words import counted

__all__ = [
    "ShortlistChoice",
    "render_add_proposals",
    "render_create_form",
    "render_decision_log",
    "render_export",
    "render_heading",
    "render_items",
    "render_picker",
]

SHORTLIST_TITLE_PX = 200  # the list's title column

ALL_DONORS = ""
UNDO_KEY = "shortlist_undo"


@dataclass(frozen=True)
class ShortlistChoice:
    """The shortlist being worked on, as the store describes it."""

    shortlist_id: int
    event_name: str
    event_date: str
    donor_id: str
    donor_name: str
    version: int


def _flash(message: str) -> None:
    st.session_state["shortlist_flash"] = message


def _flash_error(message: str) -> None:
    st.session_state["shortlist_flash_error"] = message


def _show_flash() -> None:
    message = st.session_state.pop("shortlist_flash", None)
    if message:
        st.success(escape_markdown(message), icon=":material/check_circle:")
    problem = st.session_state.pop("shortlist_flash_error", None)
    if problem:
        st.error(escape_markdown(problem), icon=":material/error:")


def _label(row: pd.Series) -> str:
    donor = one_line(row["donor_name"]) or "all donors"
    date = f" · {row['event_date']}" if row["event_date"] else ""
    return f"{one_line(row['event_name'], limit=60)} · {donor}{date} ({row['n_proposals']})"


def render_create_form(*, expanded: bool) -> None:
    """A form to start a shortlist for an event, for one donor or for all."""
    donors = services.portfolio().donors
    donor_names = dict(zip(donors["donor_id"].astype(str), donors["name"].astype(str), strict=True))
    with (
        st.expander("New shortlist", expanded=expanded, icon=":material/add:"),
        st.form("new_shortlist", clear_on_submit=True),
    ):
        event_name = st.text_input("Event", placeholder="e.g. Pacific roundtable, Suva")
        event_date = st.date_input(
            "Event date", value=None, min_value=EARLIEST_EVENT_DATE, max_value=LATEST_EVENT_DATE
        )
        donor_id = st.selectbox(
            "Donor",
            [ALL_DONORS, *donor_names],
            format_func=lambda d: "all donors" if d == ALL_DONORS else donor_names.get(d, d),
        )
        notes = st.text_area("Notes", height=80)
        created = st.form_submit_button("Create shortlist", type="primary")
    if not created:
        return
    if not event_name.strip():
        st.error("Give the event a name.", icon=":material/error:")
        return
    store = services.get_store()
    try:
        new_id = store.create_shortlist(
            event_name.strip(),
            event_date=event_date,
            donor_id=donor_id or None,
            notes=notes,
            by=services.current_user(),
        )
    except DuplicateShortlistError as error:
        st.session_state[OPEN_NEXT_KEY] = error.shortlist_id
        _flash_error(
            f"{error} It is open below; to start a separate list, give the event another name."
        )
        st.rerun()
    except (LifeWebMatchError, ValueError) as error:
        st.error(escape_markdown(str(error)), icon=":material/error:")
        return
    services.mark_changed()
    st.session_state[OPEN_NEXT_KEY] = new_id
    _flash(f"Created shortlist '{one_line(event_name)}': it is open below.")
    st.rerun()


def render_picker() -> ShortlistChoice | None:
    """Choose the shortlist to work on; ``None`` when there is none yet."""
    _show_flash()
    lists = services.get_store().shortlists()
    if lists.empty:
        st.info("No shortlist yet: create one for an event below.", icon=":material/info:")
        return None
    labels = {int(row["shortlist_id"]): _label(row) for _, row in lists.iterrows()}
    ids = list(labels)
    linked_pick("shortlist", "shortlist_pick", ids, "shortlist")
    if st.session_state.get(OPEN_NEXT_KEY) in ids:
        st.session_state["shortlist_pick"] = st.session_state.pop(OPEN_NEXT_KEY)
    if st.session_state.get("shortlist_pick") not in ids:
        st.session_state["shortlist_pick"] = ids[-1]
    fresh_label("shortlist_pick")  # the label's count changes as items come and go
    chosen = st.selectbox("Shortlist", ids, key="shortlist_pick", format_func=labels.get)
    keep_in_link("shortlist", str(chosen))
    row = lists[lists["shortlist_id"] == chosen].iloc[0]
    return ShortlistChoice(
        shortlist_id=int(row["shortlist_id"]),
        event_name=str(row["event_name"]),
        event_date=str(row["event_date"]),
        donor_id=str(row["donor_id"]),
        donor_name=str(row["donor_name"]),
        version=int(row["version"]),
    )


def _items(choice: ShortlistChoice) -> pd.DataFrame:
    return services.get_store().shortlist_items(choice.shortlist_id)


def _table(choice: ShortlistChoice, items: pd.DataFrame) -> pd.DataFrame:
    scores = pd.DataFrame(columns=["proposal_id"])
    if choice.donor_id:
        weights = matching.active_weights()
        scores = matching.donor_pairs(choice.donor_id, weights)
        scores = scores[scores["proposal_id"].isin(set(items["proposal_id"].astype(str)))]
        scores = scores.assign(explanation=matching.explanations_for(scores, weights))
    return shortlist_table(
        items,
        donor_id=choice.donor_id,
        donor_name=choice.donor_name,
        scores=scores,
        latest=services.get_store().latest_decisions(),
        targets=_targets_served(),
    )


def _targets_served() -> pd.DataFrame | None:
    """Declared Aichi targets, else those suggested from the text; declared GBF targets."""
    found = matching.analysis()
    if found is None:
        return None
    proposals = found.proposals
    declared = proposals["aichi_targets"].map(tuple)
    suggested = proposals["suggested_aichi_targets"].map(tuple)
    return pd.DataFrame(
        {
            "proposal_id": proposals["proposal_id"].astype(str),
            "aichi_targets": [d if d else s for d, s in zip(declared, suggested, strict=True)],
            "gbf_targets": proposals["gbf_targets"].map(tuple),
        }
    )


def render_heading(choice: ShortlistChoice) -> None:
    """The event, its date and donor, as plain text."""
    st.subheader(escape_markdown(choice.event_name), anchor=False)
    donor = choice.donor_name or "all donors"
    date = f" on {choice.event_date}" if choice.event_date else ""
    st.caption(escape_markdown(f"For {donor}{date}. Version {choice.version}."))


def render_items(choice: ShortlistChoice) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The list in order, and actions on one item: move, remove, annotate, record a decision.

    Returns the store's items and the export table built from them.
    """
    items = _items(choice)
    if items.empty:
        st.info(
            "This shortlist is empty: add proposals below or from the Matches page.",
            icon=":material/info:",
        )
        return items, items
    table = _table(choice, items)
    # What a person decides on comes first, so it fits at 1280 px and on a phone.
    shown = table[
        [
            "position",
            "title",
            "decision",
            "note",
            "score",
            "countries",
            "requested_amount",
            "currency",
            "aichi_targets",
            "proposal_id",
        ]
    ]
    drawn, row_height = titles_cut_to_fit(shown, "title", SHORTLIST_TITLE_PX)
    st.dataframe(
        drawn,
        hide_index=True,
        key="shortlist_table",
        row_height=row_height,
        column_config={
            "score": st.column_config.ProgressColumn(
                "score", min_value=0.0, max_value=1.0, format="%.2f"
            ),
            "requested_amount": st.column_config.NumberColumn("requested", format="%,.0f"),
            "aichi_targets": st.column_config.TextColumn(
                "Aichi targets", help="Declared, else suggested from the text"
            ),
            "title": st.column_config.TextColumn("title", width=SHORTLIST_TITLE_PX),
            "note": st.column_config.TextColumn("note", width="medium"),
            "proposal_id": st.column_config.TextColumn("id"),
        },
    )
    order = table["proposal_id"].tolist()
    titles = dict(zip(table["proposal_id"], table["title"], strict=True))
    picked = st.selectbox(
        "Proposal on this list",
        order,
        key=f"shortlist_item_{choice.shortlist_id}",
        format_func=lambda p: f"{p} · {one_line(titles.get(p, ''), limit=80)}",
    )
    store = services.get_store()
    _render_undo(choice)
    up, down, remove = st.columns(3)
    move_up = up.button(
        "Move up", icon=":material/arrow_upward:", disabled=order[0] == picked, width="stretch"
    )
    move_down = down.button(
        "Move down", icon=":material/arrow_downward:", disabled=order[-1] == picked, width="stretch"
    )
    take_off = remove.button("Remove from list", icon=":material/delete:", width="stretch")
    if (move_up or move_down) and _act(
        "move it",
        store.reorder_shortlist,
        choice.shortlist_id,
        moved(order, picked, -1 if move_up else +1),
        expected_version=choice.version,
    ):
        st.rerun()
    where, go = st.columns([1, 2], vertical_alignment="bottom")
    target = where.number_input(
        "Move to position",
        min_value=1,
        max_value=len(order),
        value=order.index(picked) + 1,
        step=1,
        key=f"shortlist_position_{choice.shortlist_id}_{picked}_{order.index(picked)}",  # where it is now,
    )
    if go.button("Move there", icon=":material/low_priority:") and _act(
        "move it",
        store.reorder_shortlist,
        choice.shortlist_id,
        moved_to(order, picked, int(target)),
        expected_version=choice.version,
    ):
        st.rerun()
    note_before = str(table.loc[table["proposal_id"] == picked, "note"].iloc[0])
    if take_off and _act(
        "remove it",
        store.remove_from_shortlist,
        choice.shortlist_id,
        picked,
        expected_version=choice.version,
    ):
        st.session_state[UNDO_KEY] = {
            "shortlist_id": choice.shortlist_id,
            "proposal_id": picked,
            "note": note_before,
            "order": order,
        }
        _flash(f"Removed {picked} from the shortlist.")
        st.rerun()
    note_now = table.loc[table["proposal_id"] == picked, "note"].iloc[0]
    with st.form(f"note_{choice.shortlist_id}_{picked}"):
        note = st.text_input("Note on this proposal", value=note_now)
        if st.form_submit_button("Save note") and _act(
            "save the note",
            store.annotate_shortlist_item,
            choice.shortlist_id,
            picked,
            note,
            expected_version=choice.version,
        ):
            _flash(f"Saved the note on {picked}.")
            st.rerun()
    if choice.donor_id:
        _render_decision_form(choice, picked)
    else:
        st.caption("Decisions are recorded per donor: pick a donor's shortlist to record one.")
    return items, table


def _render_undo(choice: ShortlistChoice) -> None:
    """After a removal: put the proposal back where it was, with its note."""
    undo = st.session_state.get(UNDO_KEY)
    if not undo or undo.get("shortlist_id") != choice.shortlist_id:
        return
    proposal_id = str(undo["proposal_id"])
    if not st.button(f"Undo: put {proposal_id} back", icon=":material/undo:"):
        return
    st.session_state.pop(UNDO_KEY, None)
    store = services.get_store()
    if not _act(
        "put it back",
        store.add_to_shortlist,
        choice.shortlist_id,
        proposal_id,
        note=str(undo.get("note", "")),
    ):
        return
    current = store.shortlist(choice.shortlist_id)
    back = [
        p
        for p in undo["order"]
        if p in set(store.shortlist_items(choice.shortlist_id)["proposal_id"].astype(str))
    ]
    _act(
        "restore the order",
        store.reorder_shortlist,
        choice.shortlist_id,
        back,
        expected_version=int(current["version"]),
    )
    _flash(f"Put {proposal_id} back on the shortlist.")
    st.rerun()


def _render_decision_form(choice: ShortlistChoice, proposal_id: str) -> None:
    with st.form(f"decision_{choice.shortlist_id}_{proposal_id}", clear_on_submit=True):
        st.caption(
            f"Record a decision on {escape_markdown(proposal_id)} with "
            f"{escape_markdown(choice.donor_name)} (kept in an append-only log)"
        )
        status_col, amount_col, currency_col = st.columns([2, 2, 1])
        status = status_col.selectbox("Decision", list(DECISION_STATUSES))
        amount = amount_col.text_input("Amount (optional)")
        currency = currency_col.text_input("Currency", value="USD")
        note = st.text_input("Note (optional)")
        submitted = st.form_submit_button("Record decision")
    if not submitted:
        return
    try:
        value = parse_money_field(amount, field_name="Amount")
    except FormProblem as problem:
        st.error(escape_markdown(str(problem)), icon=":material/error:")
        return
    store = services.get_store()
    if _act(
        "record the decision",
        store.record_decision,
        proposal_id,
        choice.donor_id,
        status,
        amount=None if pd.isna(value) else value,
        currency=currency,
        note=note,
        shortlist_id=choice.shortlist_id,
    ):
        _flash(f"Recorded '{status}' for {proposal_id}.")
        st.rerun()


def render_add_proposals(choice: ShortlistChoice, items: pd.DataFrame) -> None:
    """Add proposals (best-scoring for the list's donor first) to the end of the list."""
    proposals = services.portfolio().proposals
    on_list = set(items["proposal_id"].astype(str)) if not items.empty else set()
    candidates = proposals[~proposals["proposal_id"].astype(str).isin(on_list)]
    if choice.donor_id:
        ranked = matching.donor_pairs(choice.donor_id, matching.active_weights())
        order = ranked["proposal_id"].astype(str).tolist()
        position = {p: i for i, p in enumerate(order)}
        candidates = candidates.assign(
            _rank=candidates["proposal_id"].astype(str).map(position)
        ).sort_values("_rank", na_position="last", kind="stable")
    titles = dict(
        zip(candidates["proposal_id"].astype(str), candidates["title"].astype(str), strict=True)
    )
    with st.form(f"add_{choice.shortlist_id}", clear_on_submit=True):
        picked = st.multiselect(
            "Add proposals",
            list(titles),
            format_func=lambda p: f"{p} · {one_line(titles.get(p, ''), limit=80)}",
            placeholder="Type an id or words of the title",
        )
        submitted = st.form_submit_button("Add to shortlist", icon=":material/playlist_add:")
    if not submitted or not picked:
        return
    store = services.get_store()
    added = 0
    for proposal_id in picked:
        if not _act(f"add {proposal_id}", store.add_to_shortlist, choice.shortlist_id, proposal_id):
            break
        added += 1
    if added:
        _flash(f"Added {counted(added, 'proposal')} to the shortlist.")
        st.rerun()


def render_export(choice: ShortlistChoice, table: pd.DataFrame) -> None:
    """CSV (UTF-8 with BOM) and Excel downloads, formula-safe, with scores and explanations."""
    if table.empty:
        return
    export = shortlist_export(table, event_name=choice.event_name, donor_name=choice.donor_name)
    st.caption(
        "Exports carry every score component and the explanation in words. Cells that "
        "a spreadsheet would run as a formula are written as plain text."
    )
    csv_col, excel_col = st.columns(2)
    csv_col.download_button(
        "Download CSV",
        data=export.csv_bytes,
        file_name=f"{export.filename_stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="shortlist_csv",
        on_click="ignore",
        width="stretch",
    )
    excel_col.download_button(
        "Download Excel",
        data=export.excel_bytes,
        file_name=f"{export.filename_stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="shortlist_xlsx",
        on_click="ignore",
        width="stretch",
    )


def render_decision_log(choice: ShortlistChoice) -> None:
    """The decisions recorded from this shortlist, oldest first."""
    log = services.get_store().decisions(shortlist_id=choice.shortlist_id)
    with st.expander(f"Decision log ({len(log)})", icon=":material/history:"):
        if log.empty:
            st.text("No decision recorded from this shortlist yet.")
        else:
            columns = [
                "decided_at",
                "proposal_id",
                "donor_id",
                "status",
                "amount",
                "currency",
                "note",
                "recorded_by",
            ]
            st.dataframe(
                flatten_for_display(log[[c for c in columns if c in log]]), hide_index=True
            )
