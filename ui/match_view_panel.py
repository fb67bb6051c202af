"""The Matches page's sections: view switch, filters, weights, rankings, one pair explained.

The view they draw and the rows they show come from :mod:`ui.match_view` (widget state that
round-trips through the URL, the filtered pairs, the explanation's tables); this module only
draws them.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from matcher.explain import PairExplanation
from matcher.score import COMPONENTS
from matcher.tagger import target_label, target_text
from ui import matching, services, weights_panel
from ui import weights as weight_sets
from ui.display import money_text, rate_note
from ui.filters import ORDERS, SORTS, MatchView
from ui.layout import titles_cut_to_fit
from ui.match_view import (
    _ECOSYSTEM_LABELS,
    FILTERS_OPEN_KEY,
    SAVED_VIEW_KEY,
    WEIGHTS_OPEN_KEY,
    _apply_preset,
    _ecosystem_cell,
    _evidence_lines,
    _filtered,
    _in_display_currency,
    _key,
    _latest_decisions,
    _options,
    _saved_view,
    _sentence_case,
    component_rows,
    mark_drawn,
)
from ui.matching import COMPONENT_LABELS, Analysis
from ui.national_targets_panel import render_nbsap_alignment
from ui.overview import country_names
from ui.pages import display_currency, fresh_label
from ui.safe import escape_markdown, flatten_for_display, one_line
from ui.upload import round_words
from ui.words import counted, country_list

__all__ = [
    "render_controls",
    "render_filters",
    "render_pair_detail",
    "render_ranking",
]

TITLE_PX = 185  # the proposal (or donor) column of the match table


ROWS_SHOWN = 50
_VIEW_LABELS = {"donor": "Proposals for a donor", "proposal": "Donors for a proposal"}


def _preset_label(name: str) -> str:
    return "weights in force" if name == weight_sets.IN_FORCE else weight_sets.preset_label(name)


def render_controls(found: Analysis, notes: list[str]) -> None:
    """The view switch and the donor or proposal picker (their values are already the view)."""
    for note in notes:
        st.info(escape_markdown(note), icon=":material/link:")
    options = _options(found)
    titles = dict(
        zip(
            found.proposals["proposal_id"].astype(str),
            found.proposals["title"].astype(str),
            strict=True,
        )
    )
    donor_names = dict(
        zip(found.scores.donor_ids.astype(str), found.scores.donor_names.astype(str), strict=True)
    )
    view_name = st.segmented_control(
        "Rank",
        list(_VIEW_LABELS),
        format_func=_VIEW_LABELS.get,
        key=_key("view"),
        required=True,
    )
    if view_name == "donor":
        st.selectbox(
            "Donor",
            options["donor_id"],
            key=_key("donor_id"),
            format_func=lambda d: one_line(donor_names.get(d, d), limit=100),
        )
    else:
        st.selectbox(
            "Proposal",
            options["proposal_id"],
            key=_key("proposal_id"),
            format_func=lambda p: f"{p} · {one_line(titles.get(p, ''), limit=100)}",
        )
    st.toggle(
        "Include funded and closed proposals",
        key=_key("include_funded"),
        help="Proposals whose status is funded or closed need no more money and are hidden "
        "by default. Shown, they carry a badge: already funded by this donor, or funded "
        "by others.",
    )
    sort_col, order_col = st.columns([2, 1])
    sort_col.selectbox("Sort by", list(SORTS), format_func=SORTS.get, key=_key("sort"))
    order_col.segmented_control(
        "Order", list(ORDERS), format_func=ORDERS.get, key=_key("order"), required=True
    )
    saved_round = _saved_view().round_id
    if saved_round is not None:
        st.info(
            escape_markdown(
                "Showing only the proposals saved from "
                f"{round_words(services.get_store().uploads(), saved_round)}, ranked."
            ),
            icon=":material/upload_file:",
        )
        if st.button("Show every proposal", icon=":material/filter_alt_off:"):
            st.session_state[SAVED_VIEW_KEY] = replace(_saved_view(), round_id=None)
            st.rerun()


def render_filters(found: Analysis) -> None:
    """Filters and weights in the sidebar, drawn after the ranked table so it shows first.

    Their values were read into the view by :func:`current_view` (each widget's state
    exists before the widget is drawn: seeded from the link or the last visit, then kept).
    """
    with st.sidebar:
        filters = st.expander(
            "Filters",
            key=FILTERS_OPEN_KEY,
            icon=":material/filter_alt:",
            on_change="rerun",
        )
        if filters.open:
            mark_drawn("filters")
            with filters:
                _render_filter_widgets(found)
        weights = st.expander(
            "Score and weights", key=WEIGHTS_OPEN_KEY, icon=":material/tune:", on_change="rerun"
        )
        if weights.open:
            mark_drawn("weights")
            with weights:
                _render_weight_widgets(found)


def _render_filter_widgets(found: Analysis) -> None:
    """The filters' widgets (drawn only while their section is open: a new session's page
    loads no multiselect or number input code before its table)."""
    options = _options(found)
    currency = display_currency()
    names = country_names()
    st.multiselect("Region", options["regions"], key=_key("regions"), placeholder="Any region")
    st.multiselect(
        "Country",
        options["countries"],
        key=_key("countries"),
        format_func=lambda c: f"{names.get(c, c)} ({c})",
        placeholder="Any country",
    )
    st.multiselect(
        "Country group",
        options["groups"],
        key=_key("groups"),
        help="Least developed, landlocked developing, small island developing States (UN lists)",
        placeholder="Any",
    )
    st.multiselect(
        "Aichi target",
        options["aichi_targets"],
        key=_key("aichi_targets"),
        format_func=lambda t: target_label("aichi", t),
        placeholder="Any",
        help="Declared targets; for proposals that declare none, the targets "
        "suggested from their text.",
    )
    st.multiselect(
        "GBF target",
        options["gbf_targets"],
        key=_key("gbf_targets"),
        format_func=lambda t: target_label("gbf", t),
        placeholder="Any",
        help="Declared GBF targets, and the successors of Aichi targets.",
    )
    st.multiselect(
        "Ecosystem",
        options["ecosystems"],
        key=_key("ecosystems"),
        format_func=_ECOSYSTEM_LABELS.get,
        placeholder="Any",
        help="Declared ecosystems, else those detected in the proposal's text (the "
        "same ones the ecosystem score uses; the table marks them 'detected').",
    )
    low, high = st.columns(2)
    for column, bound, name in ((low, "from", "amount_min"), (high, "up to", "amount_max")):
        column.number_input(
            f"Request {bound} ({currency})",
            min_value=0.0,
            step=50_000.0,
            key=_key(name),
            format="%.0f",
            placeholder="any",
            help=f"Requested amount converted to {currency} (switch under 'Amounts in').",
        )
    st.multiselect(
        "Funding status", options["statuses"], key=_key("statuses"), placeholder="Any status"
    )
    st.toggle(
        "Serves a national target",
        key=_key("nbsap_only"),
        help="Only proposals that serve a stored national target of their country "
        "(NBSAP alignment: a GBF target in common with the country's national targets).",
    )
    st.toggle(
        "Eligible only",
        key=_key("eligible_only"),
        help="Hide pairs the donor cannot fund (excluded country, outside its "
        "regions, inactive, or a request far beyond its budget).",
    )


def _render_weight_widgets(found: Analysis) -> None:
    """The preset, the learned-weights dialog and the sliders (drawn only while open)."""
    options = _options(found)
    st.selectbox(
        "Preset",
        options["preset"],
        key=_key("preset"),
        on_change=_apply_preset,
        format_func=_preset_label,
    )
    st.caption(f"In force: {escape_markdown(weight_sets.in_force().label)}.")
    if st.button(
        "Learned weights",
        icon=":material/model_training:",
        help="What the funding records and the decisions recorded here suggest, how it "
        "compares with the preset, the log of every set in force, and one click back.",
        key=_key("learned_weights"),
    ):
        weights_panel.open_weights_dialog()
    # Sliders sit in a form: arrow-key steps and drags re-rank once, on Apply.
    with st.form(_key("sliders"), border=False):
        st.slider("Minimum score", 0.0, 1.0, step=0.05, key=_key("min_score"))
        for component in COMPONENTS:
            st.slider(COMPONENT_LABELS[component], 0.0, 1.0, step=0.05, key=_key(f"w_{component}"))
        st.form_submit_button(
            "Apply",
            icon=":material/tune:",
            help="The minimum score and the weights take effect when you press Apply.",
        )
    if all(st.session_state[_key(f"w_{c}")] == 0 for c in COMPONENTS):
        st.warning(
            "Every weight is zero, so the preset's weights are used.",
            icon=":material/warning:",
        )


def render_ranking(found: Analysis, view: MatchView) -> pd.DataFrame:
    """The ranked table for the view (top rows, with explanations); returns the shown rows."""
    pairs = _filtered(found, view)
    side = "proposals" if view.view == "donor" else "donors"
    verb = "matches" if len(pairs) == 1 else "match"
    if len(pairs) == 1:
        showing = "it"
    elif len(pairs) <= ROWS_SHOWN:
        showing = (
            f"all {len(pairs)}" if view.is_ranked else f"all {len(pairs)}, {view.describe_sort()}"
        )
    elif view.is_ranked:
        showing = f"the best {ROWS_SHOWN}"
    else:
        showing = f"the first {ROWS_SHOWN}, {view.describe_sort()}"
    st.caption(
        f"{counted(len(pairs), side[:-1])} {verb}; showing {showing}. "
        f"Filters: {escape_markdown(view.describe())}."
    )
    if view.is_ranked:
        st.caption(
            "Sorted eligible first, then by score: a match the donor's rules exclude (an "
            "excluded country, outside its regions, a request far beyond its budget, an "
            "inactive donor) comes after every eligible one, whatever its score."
        )
    if view.view == "proposal" and view.has_proposal_filters:
        st.caption(
            "Region, country, target, ecosystem, amount and status filters choose proposals; "
            "in this view only the minimum score and eligible-only filters narrow the donors."
        )
    if pairs.empty:
        st.info(
            "Nothing matches these filters. Loosen a filter or lower the minimum score.",
            icon=":material/filter_alt_off:",
        )
        return pairs
    shown = pairs.head(ROWS_SHOWN).copy()
    weights = matching.weights_from(view.preset, view.weights)
    shown["explanation"] = matching.explanations_for(shown, weights)
    shown["decision"] = _latest_decisions(shown)
    info = _in_display_currency(found.proposals, view.currency)
    info = info.set_index(info["proposal_id"].astype(str))
    for column in ("status", "countries", "requested_amount", "currency", "requested_display"):
        shown[column] = shown["proposal_id"].map(info[column])
    shown["countries"] = shown["countries"].map(country_list)  # names; filters read codes
    shown["status"] = shown["status"].fillna("").astype(str)
    shown["as_sent"] = [
        money_text(a, c) for a, c in zip(shown["requested_amount"], shown["currency"], strict=True)
    ]
    shown["ecosystems"] = [
        _ecosystem_cell(info.at[p, "ecosystems_used"], info.at[p, "ecosystems_detected"])
        for p in shown["proposal_id"]
    ]
    shown["funding"] = [
        matching.funding_badge(found, p, d, status)
        for p, d, status in zip(
            shown["proposal_id"], shown["donor_id"], shown["status"], strict=True
        )
    ]
    shown["requested_display"] = pd.to_numeric(shown["requested_display"], errors="coerce")
    # The columns a person decides on come first, so they fit at 1280 px and on a phone.
    if view.view == "donor":
        lead = ["score", "proposal_title", "explanation", "funding", "decision", "status"]
        rest = ["requested_display", "as_sent", "countries", "ecosystems", "proposal_id"]
    else:
        lead = ["score", "donor_name", "explanation", "funding", "decision", "eligible"]
        rest = ["donor_id"]
    components = [f"score_{c}" for c in COMPONENTS]
    columns = [*lead, *rest, "eligible", "rank", "reasons", *components]
    table = shown[list(dict.fromkeys(columns))]
    # Widths add up to LAPTOP_TABLE_PX for the deciding columns; titles and reasons wrap.
    config = {
        "score": st.column_config.ProgressColumn(
            "score", min_value=0.0, max_value=1.0, format="%.2f", width=75
        ),
        "proposal_title": st.column_config.TextColumn(
            "proposal",
            width=TITLE_PX,
            help="Click a row to read its full title and why it fits, below the table.",
        ),
        "donor_name": st.column_config.TextColumn("donor", width=TITLE_PX),
        "explanation": st.column_config.TextColumn(
            "why", width=240, help="The score in words; click the row for all of it."
        ),
        "funding": st.column_config.TextColumn(
            "funded?",
            width=95,
            help="Already funded by this donor, or funded by others (history).",
        ),
        "status": st.column_config.TextColumn(
            "status", width=85, help="The proposal's funding status."
        ),
        "decision": st.column_config.TextColumn("decision", width=80),
        "eligible": st.column_config.Column("eligible", width=80),
        "rank": st.column_config.NumberColumn(
            "rank", help="Rank among all candidates before filtering (eligible first)."
        ),
        "requested_display": st.column_config.NumberColumn(
            f"request ({view.currency})", format="%,.0f", help=rate_note(view.currency)
        ),
        "as_sent": st.column_config.TextColumn("request as sent"),
        "proposal_id": st.column_config.TextColumn("id"),
        **{
            f"score_{c}": st.column_config.NumberColumn(COMPONENT_LABELS[c], format="%.2f")
            for c in COMPONENTS
        },
    }
    name_column = "proposal_title" if view.view == "donor" else "donor_name"
    drawn, row_height = titles_cut_to_fit(table, name_column, TITLE_PX)
    event = st.dataframe(
        drawn,
        hide_index=True,
        column_config=config,
        key="match_table",
        row_height=row_height,
        on_select="rerun",
        selection_mode="single-row",
    )
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    clicked = rows[0] if rows and rows[0] < len(shown) else None
    if clicked is not None and st.session_state.get("_mv_clicked_row") != clicked:
        # Clicking a row explains it below (full title and every part of the score); only
        # a new click does, so the picker below stays free to choose another pair.
        picked = shown.iloc[clicked]
        if view.view == "donor":
            st.session_state["mv_explain_proposal"] = str(picked["proposal_id"])
        else:
            st.session_state["mv_explain_donor"] = str(picked["donor_id"])
    st.session_state["_mv_clicked_row"] = clicked
    return shown


def render_pair_detail(found: Analysis, view: MatchView, shown: pd.DataFrame) -> None:
    """One pair: score, components as bars, the explanation in words and the evidence."""
    if shown.empty:
        return
    st.subheader("Why this match")
    if view.view == "donor":
        labels = {
            p: f"#{r} · {p} · {one_line(t, limit=80)}"
            for p, r, t in zip(
                shown["proposal_id"], shown["rank"], shown["proposal_title"], strict=True
            )
        }
        known = set(found.proposals["proposal_id"].astype(str))
        _keep_explained(
            "mv_explain_proposal", labels, view.explain, view.donor_id, known, "proposal"
        )
        picked = st.selectbox(
            "Proposal to explain", list(labels), format_func=labels.get, key="mv_explain_proposal"
        )
        proposal_id, donor_id = picked, view.donor_id
    else:
        labels = {
            d: f"#{r} · {one_line(n, limit=80)}"
            for d, r, n in zip(shown["donor_id"], shown["rank"], shown["donor_name"], strict=True)
        }
        known = set(found.scores.donor_ids.astype(str))
        _keep_explained("mv_explain_donor", labels, view.explain, view.proposal_id, known, "donor")
        picked = st.selectbox(
            "Donor to explain", list(labels), format_func=labels.get, key="mv_explain_donor"
        )
        proposal_id, donor_id = view.proposal_id, picked
    # The explained pair is part of the view: into the URL and the view kept for return visits.
    st.session_state[SAVED_VIEW_KEY] = replace(view, explain=str(picked))
    st.query_params["explain"] = str(picked)
    weights = matching.weights_from(view.preset, view.weights)
    detail = matching.explain(proposal_id, donor_id, weights)
    if detail is None:
        return
    _render_explanation(detail)
    _render_target_suggestions(found, proposal_id)
    render_nbsap_alignment(found.proposals, services.portfolio().fingerprint, proposal_id)


def _keep_explained(
    key: str, labels: dict[str, str], wanted: str, ranked_for: str, known: set[str], what: str
) -> None:
    """Open the pair the link or the last visit explained, while it is among the rows shown.

    Once another donor (or proposal) is ranked, its best row is explained: the pair explained
    for the one before would sit under a new ranking it does not lead, and Streamlit kept the
    old rank in the picker's label ("#2" over a proposal ranked 32nd). When the pair asked
    for is not among the rows (the proposal was deleted, or the filters leave it out), the
    first row is explained and the page says why, rather than a colleague reading about #1
    unawares.
    """
    state = st.session_state
    first = next(iter(labels))
    before = state.get("_mv_explained_for")
    state["_mv_explained_for"] = (key, ranked_for)
    if before is not None and before != (key, ranked_for):
        state[key] = first
        return
    if state.get(key) in labels:
        fresh_label(key)  # its rank in the label moves with the weights
        return
    source = "The link explains" if key not in state else "The page explained"
    state[key] = wanted if wanted in labels else first
    if not wanted or wanted in labels:
        return
    if wanted not in known:
        reason = "which is not in the database any more (it was deleted, or the link comes "
        reason += "from another database)"
    else:
        reason = f"which is not among the {counted(len(labels), 'row')} these filters show"
    st.warning(
        escape_markdown(f"{source} {what} {wanted}, {reason}; explaining {labels[first]} instead."),
        icon=":material/link_off:",
    )


def _render_explanation(detail: PairExplanation) -> None:
    score_col, eligible_col = st.columns([1, 3])
    score_col.metric(
        "Score",
        "n/a" if np.isnan(detail.score) else f"{detail.score:.2f}",
        help="0 to 1: the components below, weighted by the sidebar's weights.",
    )
    if detail.eligible:
        eligible_col.success(
            "Eligible: the donor can fund this proposal.", icon=":material/check_circle:"
        )
    else:
        eligible_col.warning(
            f"Not eligible: {escape_markdown(detail.reasons)}.", icon=":material/block:"
        )
    if detail.label:
        st.markdown(
            f"**{escape_markdown(detail.label.capitalize())}**: {escape_markdown(detail.standing)}"
        )
    st.markdown(escape_markdown(detail.sentence, keep_lines=True))
    if detail.missing:
        st.markdown("**Not stated, and how the score treats it**")
        st.markdown(
            "\n".join(f"- {escape_markdown(_sentence_case(line))}" for line in detail.missing)
        )
    components = detail.components.assign(
        component=detail.components["component"].map(lambda c: COMPONENT_LABELS.get(c, c))
    )
    # The components are drawn as bars inside their own table (a progress column), not as an
    # Altair chart: Vega's code is the heaviest a new session loads, and the Matches page's
    # browser drew nothing, the ranked table included, until it had loaded (issue 13).
    rows = component_rows(components)
    rows.insert(1, "bar", components["value"].astype(float).clip(0.0, 1.0).to_numpy())
    st.dataframe(
        rows,
        hide_index=True,
        column_config={
            "bar": st.column_config.ProgressColumn(
                "as a bar",
                min_value=0.0,
                max_value=1.0,
                format="%.2f",
                width="small",
                help="The component's value from 0 to 1; empty where nobody can compare it.",
            ),
            "weight": st.column_config.NumberColumn(format="%.2f"),
            "contribution": st.column_config.TextColumn("share of score"),
            "sentence": st.column_config.TextColumn("in words", width="large"),
        },
    )
    st.markdown("**Evidence**")
    evidence = _evidence_lines(detail)
    if evidence:
        st.dataframe(pd.DataFrame(evidence, columns=["evidence", "details"]), hide_index=True)
    else:
        st.text("No shared targets, ecosystems or terms.")
    if not detail.closest_funded.empty:
        st.caption("Closest proposals this donor funded before")
        st.dataframe(flatten_for_display(detail.closest_funded), hide_index=True)
    elif detail.n_funded:
        funded = (
            "The one proposal"
            if detail.n_funded == 1
            else f"None of the {detail.n_funded} proposals"
        )
        shares = "shares no wording" if detail.n_funded == 1 else "shares wording"
        st.caption(f"{funded} this donor funded before {shares} with this one.")


def _render_target_suggestions(found: Analysis, proposal_id: str) -> None:
    suggestions = found.suggestions
    mine = suggestions[suggestions["proposal_id"].astype(str) == str(proposal_id)]
    with st.expander(
        f"Targets suggested from the proposal's text ({len(mine)})", icon=":material/target:"
    ):
        if mine.empty:
            st.text("The text supports no Aichi target strongly enough to suggest one.")
            return
        table = pd.DataFrame(
            {
                "target": mine["aichi_target"].map(lambda t: target_label("aichi", int(t))),
                "confidence": mine["confidence"].astype(float),
                "evidence": mine["evidence"].astype(str),
            }
        )
        st.dataframe(
            table,
            hide_index=True,
            column_config={
                "confidence": st.column_config.ProgressColumn(
                    min_value=0.0, max_value=1.0, format="%.2f"
                )
            },
        )
        first = int(mine["aichi_target"].iloc[0])
        st.caption(f"Official text of {escape_markdown(target_label('aichi', first))}")
        st.text(target_text("aichi", first))
