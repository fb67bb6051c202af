"""The event's co-funding plan as people read it: budgets to start from, grants, per proposal."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from matcher.events.plan import EventPlan
from ui.events import money
from ui.overview import country_names
from ui.safe import join_values

__all__ = ["budget_editor_frame", "entered_budgets", "grants_table", "requests_table"]

BUDGET_COLUMN = "Budget for this event"
CURRENCY_COLUMN = "Currency"


def budget_editor_frame(budgets: pd.DataFrame) -> pd.DataFrame:
    """One row per participating donor: the stored figure shown, the event budget to edit.

    ``budgets`` is :func:`matcher.events.plan.event_budgets`; the editable budget starts from
    the event's stored budget, else the donor's stored annual budget.
    """
    return pd.DataFrame(
        {
            "donor_id": budgets["donor_id"],
            "Donor": budgets["name"],
            "Stored annual budget": [
                money(b, c)
                for b, c in zip(budgets["stored_budget"], budgets["stored_currency"], strict=True)
            ],
            BUDGET_COLUMN: budgets["budget"].astype("float64"),
            CURRENCY_COLUMN: budgets["currency"],
            "Pledged here (event currency)": budgets["pledged"].map(money),
        }
    )


def entered_budgets(edited: pd.DataFrame) -> pd.DataFrame:
    """The budgets typed in the editor as ``donor_id``, ``budget``, ``currency``."""
    return pd.DataFrame(
        {
            "donor_id": edited["donor_id"].astype(str),
            "budget": pd.to_numeric(edited[BUDGET_COLUMN], errors="coerce"),
            "currency": edited[CURRENCY_COLUMN].fillna("").astype(str),
        }
    )


def grants_table(result: EventPlan, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The planned grants: proposal, countries by name, donor by name, amount, score."""
    names = names if names is not None else country_names()
    cur = result.plan.currency
    grants = result.plan.allocations
    countries = dict(zip(result.requests["proposal_id"], result.requests["countries"], strict=True))
    return pd.DataFrame(
        {
            "Proposal": grants["proposal_id"],
            "Title": grants["proposal_title"],
            "Countries": grants["proposal_id"].map(
                lambda p: join_values([names.get(c, c) for c in countries.get(p, ())], ", ")
            ),
            "Donor": grants["donor_name"].where(grants["donor_name"] != "", grants["donor_id"]),
            f"Amount ({cur})": grants["amount"].map(money),
            "Score": grants["score"].round(2),
            "Share of the gap": grants["share_of_gap"].map(lambda s: f"{s:.0%}"),
        }
    )


def requests_table(result: EventPlan) -> pd.DataFrame:
    """Each open request: gap before the plan, planned, left, and why it is not closed."""
    cur = result.plan.currency
    rows = result.plan.proposals
    return pd.DataFrame(
        {
            "Proposal": rows["proposal_id"],
            "Title": rows["title"],
            f"Open gap ({cur})": rows["gap"].map(money),
            f"Planned ({cur})": rows["allocated"].map(money),
            f"Still open ({cur})": rows["gap_left"].map(money),
            "Status": rows["status"].astype(str),
        }
    )
