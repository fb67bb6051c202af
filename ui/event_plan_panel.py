"""The event's co-funding plan on the Event page: budgets brought, plan, sentences, what-if."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from matcher.allocate import what_if
from matcher.currency import load_rate_table
from matcher.errors import LifeWebMatchError
from matcher.events.plan import EventPlan, event_budgets, plan_event
from ui import event_plan, matching, services
from ui.events import money
from ui.layout import WRAPPED_ROW_PX
from ui.pages import linked_tabs
from ui.plan import scored_pairs
from ui.safe import escape_markdown

__all__ = ["render_plan"]

PLAN_KEY = "event_plan_result"
WHAT_IF_KEY = "event_plan_what_if"


def _render_budgets(event: dict[str, Any], table: pd.DataFrame) -> pd.DataFrame | None:
    store = services.get_store()
    event_id = int(event["event_id"])
    donors = store.event_donors(event_id)
    if donors.empty:
        st.info("No donor takes part in this event yet.", icon=":material/info:")
        return None
    cur = event["currency"]
    budgets = event_budgets(donors, table, currency=cur, rate_date=event["event_date"] or None)
    st.caption(
        "What each donor brings to this event. It starts from the stored annual budget (shown); "
        "type the figure for this event. The plan spends what is left after the pledges "
        "recorded here."
    )
    edited = st.data_editor(
        event_plan.budget_editor_frame(budgets),
        hide_index=True,
        width="stretch",
        key=f"event_budgets_{event_id}",
        disabled=["donor_id", "Donor", "Stored annual budget", "Pledged here (event currency)"],
        column_config={
            "donor_id": None,
            event_plan.BUDGET_COLUMN: st.column_config.NumberColumn(
                event_plan.BUDGET_COLUMN, min_value=0.0, format="%,.0f"
            ),
            event_plan.CURRENCY_COLUMN: st.column_config.SelectboxColumn(
                event_plan.CURRENCY_COLUMN, options=list(load_rate_table().currencies)
            ),
        },
    )
    if st.button("Save these budgets for the event", key=f"event_budgets_save_{event_id}"):
        entered = event_plan.entered_budgets(edited)
        try:
            for row in entered.itertuples(index=False):
                store.set_event_budget(
                    event_id,
                    row.donor_id,
                    None if pd.isna(row.budget) else float(row.budget),
                    row.currency,
                    by=services.current_user(),
                )
        except (LifeWebMatchError, ValueError) as error:
            st.error(escape_markdown(str(error)), icon=":material/error:")
        else:
            services.mark_changed()
            st.success("Saved the budgets for this event.", icon=":material/check_circle:")
    return edited


def _render_result(result: EventPlan, event_id: int) -> None:
    for line in result.sentences:
        st.info(escape_markdown(line), icon=":material/account_balance:")
    grants_tab, requests_tab = linked_tabs(["Grants", "Open requests"], name="plan_table")
    with grants_tab:
        _plan_table(event_plan.grants_table(result), ("Proposal", "Title", "Donor", "Amount"))
    with requests_tab:
        _plan_table(event_plan.requests_table(result), ("Proposal", "Status", "Title", "Still"))
    donors = result.problem.donors[result.problem.donors["in_plan"]]
    names = dict(zip(donors["donor_id"], donors["name"], strict=True))
    with st.form(f"event_what_if_{event_id}"):
        left, right = st.columns(2)
        donor = left.selectbox(
            "What if this donor brought",
            list(names),
            format_func=lambda d: names.get(d) or d,
        )
        budget = right.number_input(
            f"this budget ({result.plan.currency}, after its pledges)",
            min_value=0.0,
            value=0.0,
            step=100_000.0,
        )
        asked = st.form_submit_button("Re-plan and compare", icon=":material/compare_arrows:")
    if asked and donor:
        st.session_state[WHAT_IF_KEY] = (
            event_id,
            what_if(result.problem, result.plan, budgets={donor: float(budget)}),
        )
    change = st.session_state.get(WHAT_IF_KEY)
    if change is not None and change[0] == event_id:
        for line in change[1].summary:
            st.info(escape_markdown(line), icon=":material/compare_arrows:")
        if not change[1].diff.empty:
            diff = change[1].diff
            st.dataframe(
                pd.DataFrame(
                    {
                        "Proposal": diff["proposal_id"],
                        "Title": diff["proposal_title"],
                        "Donor": diff["donor_name"],
                        "Before": diff["amount_before"].map(money),
                        "After": diff["amount_after"].map(money),
                        "What": diff["what"],
                    }
                ),
                hide_index=True,
                width="stretch",
            )


def _plan_table(table: pd.DataFrame, lead: tuple[str, ...]) -> None:
    """A plan table with the columns a person decides on first (named by how they start).

    At 1280x800 the lead columns fit beside the sidebar; on a 390 px phone the first two do.
    """
    first = [c for start in lead for c in table.columns if c.startswith(start)]
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        row_height=WRAPPED_ROW_PX,
        column_order=[*dict.fromkeys(first), *[c for c in table.columns if c not in first]],
        column_config={
            "Proposal": st.column_config.TextColumn(width=90),
            "Title": st.column_config.TextColumn(width=200),
            "Donor": st.column_config.TextColumn(width=150),
            "Status": st.column_config.TextColumn(width=250),
        },
    )


def render_plan(event: dict[str, Any], table: pd.DataFrame) -> EventPlan | None:
    """The event's co-funding plan; returns the plan shown (for the downloads), if any."""
    event_id = int(event["event_id"])
    edited = _render_budgets(event, table)
    if edited is None:
        return None
    found = matching.analysis()
    if found is None:
        return None
    if st.button(
        "Plan this event", type="primary", icon=":material/calculate:", key=f"event_plan_{event_id}"
    ):
        data = services.portfolio()
        try:
            with st.spinner("Planning the open requests…"):
                result = plan_event(
                    table,
                    data.proposals,
                    data.donors,
                    services.get_store().event_donors(event_id),
                    scored_pairs(found, matching.active_weights()),
                    currency=event["currency"],
                    rate_date=event["event_date"] or None,
                    entered=event_plan.entered_budgets(edited),
                )
        except LifeWebMatchError as error:
            st.error(escape_markdown(str(error)), icon=":material/error:")
            return None
        st.session_state[PLAN_KEY] = (event_id, result)
        st.session_state.pop(WHAT_IF_KEY, None)
    stored = st.session_state.get(PLAN_KEY)
    if stored is None or stored[0] != event_id:
        return None
    _render_result(stored[1], event_id)
    return stored[1]
