"""The Event page's sections: pick or create an event, its list across donors, the pipeline,
pledges, the co-funding plan, downloads and history; the meeting schedule is drawn by
:mod:`ui.event_schedule_panel`.

Every change goes to the database through the store (each one kept in the event's history);
tables come from :mod:`ui.events` (human headers, country names, formatted amounts), every
download from the formula-safe exports. User text is shown as text.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from matcher.currency import load_rate_table
from matcher.errors import LifeWebMatchError
from matcher.events.pipeline import STAGES, event_list, event_summary
from ui import events as tables
from ui import matching, services
from ui.layout import titles_cut_to_fit
from ui.overview import country_names
from ui.pages import fresh_label, keep_in_link, linked_pick, linked_tabs
from ui.records import FormProblem, parse_money_field
from ui.safe import escape_markdown, one_line
from ui.shortlists import EARLIEST_EVENT_DATE, LATEST_EVENT_DATE, OPEN_NEXT_KEY
from ui.store_write_panel import store_write as _act
from ui.words import counted

__all__ = [
    "event_table",
    "render_create_form",
    "render_heading",
    "render_history",
    "render_list",
    "render_picker",
    "render_pipeline_form",
    "render_pledges",
]

EVENT_TITLE_PX = 210  # the event list's title column

PICK_KEY = "event_pick"
NEXT_PICK_KEY = "event_pick_next"
"""Set by a write that should open an event; applied before the picker is drawn."""
FLASH_KEY = "event_flash"
ALL_DONORS = ""


def flash(message: str) -> None:
    st.session_state[FLASH_KEY] = message


def _show_flash() -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(escape_markdown(message), icon=":material/check_circle:")


def donor_names() -> dict[str, str]:
    return tables.donor_labels(services.portfolio().donors)


def _label(row: pd.Series) -> str:
    date = f" · {row['event_date']}" if row["event_date"] else ""
    place = f" · {one_line(row['place'], limit=40)}" if row["place"] else ""
    return f"{one_line(row['name'], limit=60)}{date}{place} ({counted(int(row['n_rows']), 'row')})"


# -- choosing and creating ----------------------------------------------------------------


def render_create_form(*, expanded: bool) -> None:
    """Start an event: name, date, place, currency, donors taking part, countries invited."""
    names = donor_names()
    countries = country_names()
    currencies = list(load_rate_table().currencies)
    with (
        st.expander("New event", expanded=expanded, icon=":material/add:"),
        st.form("new_event", clear_on_submit=True),
    ):
        name = st.text_input("Event name", placeholder="e.g. Pacific roundtable")
        left, middle, right = st.columns(3)
        day = left.date_input(
            "Date", value=None, min_value=EARLIEST_EVENT_DATE, max_value=LATEST_EVENT_DATE
        )
        place = middle.text_input("Place", placeholder="e.g. Suva, Fiji")
        currency = right.selectbox(
            "Currency of the totals", currencies, index=currencies.index("USD")
        )
        donors = st.multiselect(
            "Donors taking part", list(names), format_func=names.get, placeholder="Pick donors"
        )
        invited = st.multiselect(
            "Countries invited (optional; a proposal's country is invited with it)",
            sorted(countries, key=countries.get),
            format_func=countries.get,
        )
        created = st.form_submit_button("Create event", type="primary")
    if not created:
        return
    if not name.strip():
        st.error("Give the event a name.", icon=":material/error:")
        return
    try:
        event_id = services.get_store().create_event(
            name,
            event_date=day,
            place=place,
            currency=currency,
            donor_ids=donors,
            countries=invited,
            by=services.current_user(),
        )
    except (LifeWebMatchError, ValueError) as error:
        st.error(escape_markdown(str(error)), icon=":material/error:")
        return
    services.mark_changed()
    st.session_state[NEXT_PICK_KEY] = event_id
    flash(f"Created the event '{one_line(name)}'.")
    st.rerun()


def render_picker() -> dict[str, Any] | None:
    """Choose the event to work on; ``None`` when there is none yet."""
    _show_flash()
    events = services.get_store().events()
    if events.empty:
        st.info("No event yet: create one below.", icon=":material/info:")
        return None
    labels = {int(row["event_id"]): _label(row) for _, row in events.iterrows()}
    ids = list(labels)
    linked_pick("event", PICK_KEY, ids, "event")
    if NEXT_PICK_KEY in st.session_state:
        st.session_state[PICK_KEY] = st.session_state.pop(NEXT_PICK_KEY)
    if st.session_state.get(PICK_KEY) not in ids:
        st.session_state[PICK_KEY] = ids[-1]
    fresh_label(PICK_KEY)  # the label's row count changes as the event grows
    chosen = st.selectbox("Event", ids, key=PICK_KEY, format_func=labels.get)
    keep_in_link("event", str(chosen))
    return services.get_store().event(int(chosen))


def render_heading(event: dict[str, Any]) -> None:
    """The event's name, date, place and currency as plain text, and a form to change them."""
    st.subheader(escape_markdown(event["name"]), anchor=False)
    parts = [p for p in (tables._long_date(event["event_date"]), one_line(event["place"])) if p]
    st.caption(
        escape_markdown(
            " · ".join([*parts, f"totals in {event['currency']}", f"version {event['version']}"])
        )
    )
    with (
        st.expander("Edit the event", icon=":material/edit:"),
        st.form(f"edit_event_{event['event_id']}"),
    ):
        name = st.text_input("Event name", value=event["name"])
        left, middle, right = st.columns(3)
        day = left.date_input(
            "Date",
            value=pd.Timestamp(event["event_date"]).date() if event["event_date"] else None,
            min_value=EARLIEST_EVENT_DATE,
            max_value=LATEST_EVENT_DATE,
        )
        place = middle.text_input("Place", value=event["place"])
        currencies = list(load_rate_table().currencies)
        currency = right.selectbox(
            "Currency of the totals", currencies, index=currencies.index(event["currency"])
        )
        countries = country_names()
        invited = st.multiselect(
            "Countries invited (a proposal's country is invited with it)",
            sorted(countries, key=countries.get),
            default=[c for c in event["countries"] if c in countries],
            format_func=countries.get,
        )
        notes = st.text_area("Notes", value=event["notes"], height=80)
        saved = st.form_submit_button("Save the event")
    store = services.get_store()
    if (
        saved
        and _act(
            "save the event",
            store.update_event,
            int(event["event_id"]),
            expected_version=int(event["version"]),
            name=name,
            event_date=day,
            place=place,
            currency=currency,
            notes=notes,
        )
        and (
            set(invited) == set(event["countries"])
            or _act(
                "save the invited countries",
                store.set_event_countries,
                int(event["event_id"]),
                invited,
            )
        )
    ):
        flash("Saved the event.")
        st.rerun()


# -- the list across donors ---------------------------------------------------------------


def _scores(rows: pd.DataFrame) -> pd.DataFrame:
    """Score and explanation of each donor-proposal row at the Matches page's weights."""
    found = matching.analysis()
    pairs = rows.loc[rows["donor_id"] != "", ["proposal_id", "donor_id"]].drop_duplicates()
    if found is None or pairs.empty:
        return pd.DataFrame(columns=["proposal_id", "donor_id", "score", "explanation"])
    known = pairs["proposal_id"].isin(found.proposal_position.keys()) & pairs["donor_id"].isin(
        found.donor_position.keys()
    )
    pairs = pairs[known].reset_index(drop=True)
    weights = matching.active_weights()
    combined = np.asarray(found.scores.combine(dict(weights)), dtype=float)
    p_idx = pairs["proposal_id"].map(found.proposal_position).to_numpy(dtype=int)
    d_idx = pairs["donor_id"].map(found.donor_position).to_numpy(dtype=int)
    return pairs.assign(
        score=np.round(combined[p_idx, d_idx], 4),
        explanation=matching.explanations_for(pairs, weights),
    )


def event_table(event: dict[str, Any]) -> pd.DataFrame:
    """The event list (:func:`matcher.events.pipeline.event_list`) from the database."""
    store = services.get_store()
    event_id = int(event["event_id"])
    rows = store.event_rows(event_id)
    return event_list(
        rows,
        scores=_scores(rows),
        log=store.event_pipeline(event_id),
        decisions=store.latest_decisions(),
    )


def render_list(event: dict[str, Any], table: pd.DataFrame) -> None:
    """The event list across donors, and a form to add proposals for a donor."""
    if table.empty:
        st.info(
            "The list is empty: add proposals below, or from a donor's or a proposal's view on "
            "the Matches page (Add to event).",
            icon=":material/info:",
        )
    else:
        shown = tables.event_list_table(
            table, currency=event["currency"], rate_date=event["event_date"] or None
        )
        # Who, what, then where it stands (stage, pledge, decision): 695 of 818 px at 1280x800.
        lead = ["Donor", "Title", "Stage", "Pledged", "Decision", "Score"]
        drawn, row_height = titles_cut_to_fit(shown, "Title", EVENT_TITLE_PX)
        st.dataframe(
            drawn,
            hide_index=True,
            width="stretch",
            row_height=row_height,
            key=f"event_list_{event['event_id']}",
            column_order=[*lead, *[c for c in shown.columns if c not in lead]],
            column_config={
                "Score": st.column_config.ProgressColumn(
                    "Score", min_value=0.0, max_value=1.0, format="%.2f", width=75
                ),
                "Donor": st.column_config.TextColumn("Donor", width=130),
                "Title": st.column_config.TextColumn("Title", width=EVENT_TITLE_PX),
                "Stage": st.column_config.TextColumn("Stage", width=85),
                "Pledged": st.column_config.TextColumn("Pledged", width=110),
                "Decision": st.column_config.TextColumn("Decision", width=85),
                "Countries": st.column_config.TextColumn("Countries", width=130),
                "Why it fits": st.column_config.TextColumn("Why it fits", width="large"),
            },
        )
    _render_add_form(event, table)


def _render_add_form(event: dict[str, Any], table: pd.DataFrame) -> None:
    store = services.get_store()
    names = donor_names()
    participating = store.event_donors(int(event["event_id"]))["donor_id"].tolist()
    others = [d for d in names if d not in participating]
    with st.expander("Add proposals to the list", icon=":material/playlist_add:"):
        donor = st.selectbox(
            "For donor",
            [*participating, *others, ALL_DONORS],
            format_func=lambda d: "All donors" if d == ALL_DONORS else names.get(d, d),
            key=f"event_add_donor_{event['event_id']}",
        )
        proposals = services.portfolio().proposals
        titles = tables.titles_of(proposals)
        on_list = set(table.loc[table["donor_id"] == donor, "proposal_id"])
        order = list(titles)
        if donor:
            ranked = matching.donor_pairs(donor, matching.active_weights())
            order = [p for p in ranked["proposal_id"].astype(str) if p in titles] or order
        candidates = [p for p in order if p not in on_list]
        with st.form(f"event_add_{event['event_id']}", clear_on_submit=True):
            picked = st.multiselect(
                "Proposals (best match for the donor first)",
                candidates,
                format_func=lambda p: f"{p} · {one_line(titles.get(p, ''), limit=80)}",
                placeholder="Type an id or words of the title",
            )
            submitted = st.form_submit_button("Add to the event", icon=":material/playlist_add:")
    if not submitted or not picked:
        return
    added = 0
    for proposal_id in picked:
        if not _act(
            f"add {proposal_id}",
            store.add_to_event,
            int(event["event_id"]),
            proposal_id,
            donor_id=donor or None,
        ):
            break
        added += 1
    if added:
        flash(f"Added {counted(added, 'proposal')} to the event.")
        st.rerun()


def render_pipeline_form(event: dict[str, Any], table: pd.DataFrame) -> None:
    """Record where a donor-proposal pair stands: met, interested, pledged (amount), declined."""
    rows = table[table["donor_id"] != ""]
    if rows.empty:
        st.caption("Put proposals on a donor's part of the list to follow them up to a pledge.")
        return
    keys = [f"{d}\x1f{p}" for d, p in zip(rows["donor_id"], rows["proposal_id"], strict=True)]
    labels = {
        k: f"{one_line(r.donor_name)} · {r.proposal_id} · {one_line(r.title, limit=60)} "
        f"(now: {r.stage})"
        for k, r in zip(keys, rows.itertuples(index=False), strict=True)
    }
    currencies = list(load_rate_table().currencies)
    with st.form(f"event_step_{event['event_id']}", clear_on_submit=True):
        st.caption("Record a step (kept in an append-only log with your name and the time)")
        pair = st.selectbox("Donor and proposal", keys, format_func=labels.get)
        stage_col, amount_col, currency_col = st.columns([2, 2, 1])
        stage = stage_col.selectbox("Stage", [s for s in STAGES if s != "invited"])
        amount = amount_col.text_input("Pledged amount (for a pledge)")
        currency = currency_col.selectbox(
            "Currency", currencies, index=currencies.index(event["currency"])
        )
        note = st.text_input("Note (optional)")
        submitted = st.form_submit_button("Record", type="primary")
    if not submitted:
        return
    try:
        value = parse_money_field(amount, field_name="Pledged amount")
    except FormProblem as problem:
        st.error(escape_markdown(str(problem)), icon=":material/error:")
        return
    donor_id, proposal_id = pair.split("\x1f")
    if _act(
        "record the step",
        services.get_store().record_step,
        int(event["event_id"]),
        proposal_id,
        donor_id,
        stage,
        amount=None if pd.isna(value) else value,
        currency=currency if stage == "pledged" else "",
        note=note,
    ):
        flash(f"Recorded '{stage}' for {proposal_id} with {labels[pair].split(' · ')[0]}.")
        st.rerun()


# -- pledges and history ------------------------------------------------------------------


def render_pledges(event: dict[str, Any], table: pd.DataFrame) -> tables.EventSummary:
    """Pledged against requested, in the event's currency, by donor and by country."""
    summary = event_summary(table, currency=event["currency"], on=event["event_date"] or None)
    cur = summary.currency
    requested, pledged, count = st.columns(3)
    requested.metric(f"Requested ({cur})", tables.money(summary.requested))
    pledged.metric(f"Pledged ({cur})", tables.money(summary.pledged))
    count.metric("Pledges", f"{summary.n_pledges}")
    st.caption(escape_markdown(summary.sentence()))
    donors_tab, countries_tab, log_tab = linked_tabs(
        ["By donor", "By country", "Pipeline log"], name="pledges"
    )
    with donors_tab:
        st.dataframe(tables.by_donor_table(summary), hide_index=True, width="stretch")
    with countries_tab:
        st.dataframe(tables.by_country_table(summary), hide_index=True, width="stretch")
    with log_tab:
        log = services.get_store().event_pipeline(int(event["event_id"]))
        if log.empty:
            st.text("No step recorded yet: every pair on the list stands at 'invited'.")
        else:
            titles = tables.titles_of(services.portfolio().proposals)
            st.dataframe(
                tables.pipeline_table(log, donor_names(), titles), hide_index=True, width="stretch"
            )
    return summary


def render_history(event: dict[str, Any]) -> None:
    """Every change to the event: version, when, who, what."""
    history = services.get_store().event_history(int(event["event_id"]))
    shown = history.assign(when=history["when"].map(tables._when))
    st.dataframe(
        shown.rename(columns={"version": "Version", "when": "When", "by": "By", "what": "What"}),
        hide_index=True,
        width="stretch",
    )


# -- downloads ----------------------------------------------------------------------------


def _csv_button(data: bytes, label: str, file_name: str, key: str, column: Any = st) -> None:
    column.download_button(
        label,
        data=data,
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        key=key,
        on_click="ignore",
        width="stretch",
    )


def render_csv_downloads(
    event: dict[str, Any],
    table: pd.DataFrame,
    summary: tables.EventSummary,
    meetings: pd.DataFrame,
) -> None:
    """A CSV of every table on the page, each under the event heading."""
    heading = tables.EventHeading.of(event, rate_date=summary.rate_date)
    names = donor_names()
    store = services.get_store()
    titles = tables.titles_of(services.portfolio().proposals)
    cur, day = event["currency"], event["event_date"] or None
    csvs = [
        ("Event list", tables.event_list_table(table, currency=cur, rate_date=day), "list"),
        ("Pledged and requested by donor", tables.by_donor_table(summary), "by-donor"),
        ("Pledged and requested by country", tables.by_country_table(summary), "by-country"),
        (
            "Pipeline log",
            tables.pipeline_table(store.event_pipeline(int(event["event_id"])), names, titles),
            "pipeline",
        ),
    ]
    if not meetings.empty:
        csvs.append(("Schedule", tables.schedule_table(meetings, event, names), "schedule"))
    labels = {"by-donor": "By donor", "by-country": "By country"}
    st.caption("CSV of every table (UTF-8, opens in Excel), each under the event's heading.")
    columns = st.columns(len(csvs))
    for column, (title, frame, what) in zip(columns, csvs, strict=True):
        _csv_button(
            tables.csv_download(frame, heading, title=title),
            f"{labels.get(what, title)} (CSV)",
            f"{tables.file_stem(event['name'], what)}.csv",
            f"event_csv_{what}",
            column,
        )


# -- "Add to event" from a donor's or a proposal's view on the Matches page ---------------

NEW_EVENT = "new"
ADD_TO_EVENT_KEY = "mv_add_to_event_open"  # the expander's open state


def render_add_to_event(view: Any, shown: pd.DataFrame) -> None:
    """Put ranked pairs on an event's list: this donor's proposals, or this proposal's donors.

    ``view`` is the Matches page's :class:`ui.filters.MatchView`; ``shown`` the ranked rows
    on screen (``proposal_id``, ``proposal_title``, ``donor_id``, ``donor_name``).
    """
    if shown.empty:
        return
    # Lazy: nothing inside is built or sent until the person opens it, so a new session's
    # browser draws the ranked table without the form's widgets (a date picker among them).
    adder = st.expander(
        "Add to an event", icon=":material/event:", key=ADD_TO_EVENT_KEY, on_change="rerun"
    )
    if not adder.open:
        return
    store = services.get_store()
    events = store.events()
    choices: dict[object, str] = {int(r["event_id"]): _label(r) for _, r in events.iterrows()}
    choices[NEW_EVENT] = "New event…"
    for_donor = view.view == "donor"
    if for_donor:
        options = dict(zip(shown["proposal_id"], shown["proposal_title"], strict=True))
        label, placeholder = "Proposals", "Pick from the ranked proposals"
    else:
        options = dict(zip(shown["donor_id"], shown["donor_name"], strict=True))
        label, placeholder = "Donors", "Pick from the ranked donors"
    with adder, st.form(f"mv_add_to_event_{view.view}", clear_on_submit=True):
        picked = st.multiselect(
            label,
            list(options),
            format_func=lambda k: (
                f"{k} · {one_line(options.get(k, ''), limit=80)}"
                if for_donor
                else one_line(options.get(k, "")) or str(k)
            ),
            placeholder=placeholder,
        )
        target = st.selectbox("Event", list(choices), format_func=choices.get)
        left, right = st.columns(2)
        name = left.text_input("Name (for a new event)")
        day = right.date_input(
            "Date (for a new event)",
            value=None,
            min_value=EARLIEST_EVENT_DATE,
            max_value=LATEST_EVENT_DATE,
        )
        submitted = st.form_submit_button("Add to event", type="primary")
    if not submitted or not picked:
        return
    who = services.current_user()
    try:
        if target == NEW_EVENT:
            if not name.strip():
                st.error("Name the new event.", icon=":material/error:")
                return
            target = store.create_event(name, event_date=day, by=who)
        for key in picked:
            proposal_id, donor_id = (key, view.donor_id) if for_donor else (view.proposal_id, key)
            shortlist_id = store.add_to_event(
                int(target), str(proposal_id), donor_id=str(donor_id), by=who
            )
        # The Shortlists page opens the donor's part of the event next.
        st.session_state[OPEN_NEXT_KEY] = shortlist_id
    except (LifeWebMatchError, ValueError) as error:
        st.error(escape_markdown(str(error)), icon=":material/error:")
        return
    finally:
        services.mark_changed()
    st.session_state[NEXT_PICK_KEY] = int(target)
    event_name = store.event(int(target))["name"]
    st.success(
        escape_markdown(
            f"Added {len(picked)} to the event '{one_line(event_name)}'; open the Events page "
            "for its list, schedule and pledges."
        ),
        icon=":material/check_circle:",
    )


def render_handouts(event: dict[str, Any], table: pd.DataFrame, meetings: pd.DataFrame) -> None:
    """The meeting-ready workbook and the one-page briefs, built from the list and schedule.

    The files are made when their button is pressed (deferred ``data``), not on every run.
    """
    from matcher.events.handouts import donor_brief_pdf, event_briefs_pdf, event_workbook

    if table.empty:
        st.caption("The hand-outs come once proposals are on the list.")
        return
    found = matching.analysis()
    proposals = found.proposals if found is not None else services.portfolio().proposals
    rows = tables.handout_rows(table, proposals)
    schedule = meetings[["donor_id", "delegation", "slot", "table"]] if not meetings.empty else None
    names = donor_names()
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book_col, all_col = st.columns(2)
    book_col.download_button(
        "Meeting-ready workbook (Excel)",
        data=lambda: event_workbook(event, rows, schedule),
        file_name=f"{tables.file_stem(event['name'], 'workbook')}.xlsx",
        mime=xlsx,
        icon=":material/table_view:",
        key="event_workbook",
        on_click="ignore",
        width="stretch",
    )
    all_col.download_button(
        "Every donor's brief (PDF)",
        data=lambda: event_briefs_pdf(event, rows, schedule),
        file_name=f"{tables.file_stem(event['name'], 'briefs')}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        key="event_briefs",
        on_click="ignore",
        width="stretch",
    )
    donors = [d for d in dict.fromkeys(rows["donor_id"]) if d]
    if not donors:
        return
    pick_col, brief_col = st.columns(2)
    donor = pick_col.selectbox(
        "Brief for", donors, format_func=lambda d: names.get(d, d), key="event_brief_donor"
    )
    brief_col.download_button(
        "Donor brief (PDF)",
        data=lambda: donor_brief_pdf(event, donor, rows, schedule),
        file_name=f"{tables.file_stem(event['name'], 'brief ' + names.get(donor, donor))}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        key="event_brief",
        on_click="ignore",
        width="stretch",
    )
