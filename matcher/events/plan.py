"""The co-funding plan for one event: its open requests, the budgets brought to it, in words.

The whole-portfolio planner (:mod:`matcher.allocate`) spends annual budgets on every gap,
funded or not. At an event the question is narrower: of the requests on this event's list
that are still open (status not funded; requested minus secured minus what was pledged here
is above zero), which can the participating donors cover with what they bring to this
event? This module builds exactly that problem, solves it with the same MILP, and says the
result in plain sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from matcher.allocate import AllocationPlan, AllocationProblem, PlanOptions, build_problem, solve
from matcher.currency import RateTable, load_rate_table
from matcher.events.pipeline import to_currency
from matcher.words import counted, noun

__all__ = [
    "EventPlan",
    "event_budgets",
    "open_requests",
    "plan_event",
    "plan_sentences",
]

FUNDED_STATUSES: Final = frozenset({"funded", "fully funded", "closed", "completed"})
HALF: Final = 0.5


def _listing(items: list[str], limit: int = 6) -> str:
    shown = "; ".join(items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown


def open_requests(
    table: pd.DataFrame,
    proposals: pd.DataFrame,
    *,
    rate_date: str | None,
    rates: RateTable | None = None,
) -> pd.DataFrame:
    """The event's proposals that still need money, one row each, in their own currency.

    Parameters
    ----------
    table
        :func:`matcher.events.pipeline.event_list` of the event.
    proposals
        The stored proposals (``proposal_id``, ``title``, ``countries``, ``requested_amount``,
        ``secured_amount``, ``currency``, ``status``).

    Returns
    -------
    pandas.DataFrame
        ``proposal_id``, ``title``, ``countries``, ``currency``, ``requested_amount``,
        ``secured_amount`` (secured before, plus pledged at this event, converted),
        ``pledged_here``, ``gap``; a proposal whose status says funded, or whose gap is
        closed already, is left out.
    """
    rates = rates or load_rate_table()
    ids = list(dict.fromkeys(table["proposal_id"].astype(str)))
    stored = proposals.assign(proposal_id=proposals["proposal_id"].astype(str))
    stored = stored.drop_duplicates("proposal_id").set_index("proposal_id")
    chosen = stored.reindex([i for i in ids if i in stored.index]).reset_index()
    status = chosen["status"].fillna("").astype(str).str.strip().str.casefold()
    chosen = chosen[~status.isin(FUNDED_STATUSES)].reset_index(drop=True)
    pledges = table[table["pledged_amount"].notna()]
    own = chosen.set_index("proposal_id")["currency"].fillna("").astype(str)
    pledged_here = pd.Series(0.0, index=chosen["proposal_id"], dtype="float64")
    for proposal_id, group in pledges.groupby("proposal_id"):
        if proposal_id not in pledged_here.index:
            continue
        target = own.get(proposal_id, "") or "USD"
        pledged_here[proposal_id] = float(
            to_currency(
                group["pledged_amount"],
                group["pledged_currency"],
                target,
                on=rate_date,
                rates=rates,
            ).sum()
        )
    requested = pd.to_numeric(chosen["requested_amount"], errors="coerce")
    secured = pd.to_numeric(chosen["secured_amount"], errors="coerce").fillna(0.0)
    here = pledged_here.reindex(chosen["proposal_id"]).to_numpy()
    out = pd.DataFrame(
        {
            "proposal_id": chosen["proposal_id"],
            "title": chosen["title"].astype(str),
            "countries": chosen["countries"],
            "currency": chosen["currency"].fillna("").astype(str),
            "requested_amount": requested,
            "secured_amount": secured + here,
            "pledged_here": here,
        }
    )
    out["gap"] = (out["requested_amount"] - out["secured_amount"]).clip(lower=0.0)
    return out[out["gap"].isna() | (out["gap"] > 0.005)].reset_index(drop=True)


def event_budgets(
    donors: pd.DataFrame,
    table: pd.DataFrame,
    *,
    entered: pd.DataFrame | None = None,
    currency: str,
    rate_date: str | None,
    rates: RateTable | None = None,
) -> pd.DataFrame:
    """What each participating donor brings to the event, and what is left after its pledges.

    Parameters
    ----------
    donors
        :meth:`Store.event_donors`: ``donor_id``, ``name``, ``budget``, ``budget_currency``
        (the event budget, when given), ``annual_budget``, ``currency`` (the stored figure).
    table
        The event list (for the pledges already made).
    entered
        Budgets typed on the page (``donor_id``, ``budget``, ``currency``); they replace
        the stored event budget of those donors.

    Returns
    -------
    pandas.DataFrame
        ``donor_id``, ``name``, ``stored_budget`` and ``stored_currency`` (the profile's
        annual figure, shown to start from), ``budget`` and ``currency`` (for this event:
        entered, else the event's stored budget, else the annual figure), ``source``,
        ``pledged`` (in the event currency) and ``left`` (budget minus pledged, in the
        event currency).
    """
    rates = rates or load_rate_table()
    frame = donors.reset_index(drop=True).copy()
    own_currency = frame["currency"].fillna("").astype(str)
    event_budget = pd.to_numeric(frame["budget"], errors="coerce")
    budget = event_budget.where(event_budget.notna(), frame["annual_budget"])
    budget_currency = (
        frame["budget_currency"].fillna("").astype(str).where(event_budget.notna(), own_currency)
    )
    source = np.where(event_budget.notna(), "set for this event", "stored annual budget")
    if entered is not None and not entered.empty:
        typed = entered.drop_duplicates("donor_id", keep="last").set_index("donor_id")
        hit = frame["donor_id"].isin(typed.index)
        ids = frame.loc[hit, "donor_id"]
        budget = budget.copy()
        budget[hit] = pd.to_numeric(typed.loc[ids, "budget"], errors="coerce").to_numpy()
        given = (
            typed.loc[ids, "currency"].fillna("").astype(str).to_numpy()
            if "currency" in typed
            else ""
        )
        budget_currency = budget_currency.copy()
        budget_currency[hit] = np.where(given == "", currency, given)
        source = np.where(hit, "entered on the page", source)
    budget_currency = budget_currency.where(budget_currency != "", currency)
    in_event = to_currency(budget, budget_currency, currency, on=rate_date, rates=rates)
    pledges = table[(table["pledged_amount"].notna()) & (table["donor_id"] != "")]
    pledged = (
        to_currency(
            pledges["pledged_amount"],
            pledges["pledged_currency"],
            currency,
            on=rate_date,
            rates=rates,
        )
        .groupby(pledges["donor_id"])
        .sum()
    )
    out = pd.DataFrame(
        {
            "donor_id": frame["donor_id"].astype(str),
            "name": frame["name"].astype(str),
            "stored_budget": pd.to_numeric(frame["annual_budget"], errors="coerce"),
            "stored_currency": own_currency,
            "budget": budget.astype("float64"),
            "currency": budget_currency.str.upper(),
            "source": source,
        }
    )
    out["pledged"] = out["donor_id"].map(pledged).fillna(0.0)
    out["left"] = (in_event - out["pledged"].to_numpy()).clip(lower=0.0)
    return out


@dataclass(frozen=True)
class EventPlan:
    """A solved plan for one event with its inputs and what it means, in sentences."""

    requests: pd.DataFrame
    budgets: pd.DataFrame
    problem: AllocationProblem
    plan: AllocationPlan
    sentences: tuple[str, ...]


def plan_event(
    table: pd.DataFrame,
    proposals: pd.DataFrame,
    profiles: pd.DataFrame,
    donors: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    currency: str,
    rate_date: str | None,
    entered: pd.DataFrame | None = None,
    options: PlanOptions | None = None,
    rates: RateTable | None = None,
) -> EventPlan:
    """Plan the event's open requests with what its donors bring (after their pledges).

    Parameters
    ----------
    table
        The event list (:func:`matcher.events.pipeline.event_list`).
    proposals
        The stored proposals.
    profiles
        The stored donor profiles (names, ticket range ``min_grant``/``max_grant``, currency).
    donors
        :meth:`Store.event_donors`: the participating donors and their budgets.
    pairs
        Scored pairs (``proposal_id``, ``donor_id``, ``score``, ``eligible``) between any
        proposals and donors; only the event's are used.
    entered
        Budgets typed on the page (see :func:`event_budgets`).
    options
        Planner options; the plan currency and rate date are the event's.
    """
    rates = rates or load_rate_table()
    cur = currency.strip().upper()
    requests = open_requests(table, proposals, rate_date=rate_date, rates=rates)
    budgets = event_budgets(
        donors, table, entered=entered, currency=cur, rate_date=rate_date, rates=rates
    )
    base = options or PlanOptions()
    plan_options = PlanOptions(
        objective=base.objective,
        max_donors_per_proposal=base.max_donors_per_proposal,
        currency=cur,
        rate_date=rate_date or None,
        candidates_per_proposal=base.candidates_per_proposal,
        reserve_size=base.reserve_size,
        time_limit=base.time_limit,
    )
    chosen = pairs[
        pairs["proposal_id"].astype(str).isin(set(requests["proposal_id"]))
        & pairs["donor_id"].astype(str).isin(set(budgets["donor_id"]))
    ]
    donor_table = profiles[profiles["donor_id"].astype(str).isin(set(budgets["donor_id"]))]
    problem = build_problem(
        chosen,
        requests,
        donor_table,
        budgets=pd.DataFrame(
            {"donor_id": budgets["donor_id"], "budget": budgets["left"], "currency": cur}
        ),
        options=plan_options,
        rates=rates,
    )
    plan = solve(problem)
    return EventPlan(
        requests=requests,
        budgets=budgets,
        problem=problem,
        plan=plan,
        sentences=tuple(plan_sentences(requests, problem, plan, table)),
    )


def plan_sentences(
    requests: pd.DataFrame,
    problem: AllocationProblem,
    plan: AllocationPlan,
    table: pd.DataFrame,
) -> list[str]:
    """The plan in words a programme officer reads out at the end of the day."""
    cur = plan.currency
    n_open = len(requests)
    n_recorded = int(table["pledged_amount"].notna().sum())
    if n_open == 0:
        return ["Every request on this event's list is funded already: nothing is left to plan."]
    rows = plan.proposals.set_index("proposal_id")
    gap = rows["gap"].reindex(requests["proposal_id"])
    allocated = rows["allocated"].reindex(requests["proposal_id"]).fillna(0.0)
    closed = rows["closed"].reindex(requests["proposal_id"]).fillna(False).astype(bool)
    half = ~closed & (allocated >= HALF * gap)
    eligible = set(problem.eligible["proposal_id"])
    unknown = gap.isna().to_numpy()
    no_donor = [
        pid
        for pid, is_unknown in zip(requests["proposal_id"], unknown, strict=True)
        if pid not in eligible and not is_unknown
    ]
    titles = dict(zip(requests["proposal_id"], requests["title"], strict=True))
    recorded = f" (and the {n_recorded} already recorded)" if n_recorded else ""
    first = (
        f"With the pledges in this plan{recorded}, {int(closed.sum())} of the {n_open} open "
        f"requests are fully funded; {int(half.sum())} more are at least half funded"
    )
    if no_donor:
        verb = "has" if len(no_donor) == 1 else "have"
        first += f"; {len(no_donor)} {verb} no eligible donor: " + _listing(
            [f"{titles[p]} ({p})" for p in no_donor]
        )
    lines = [first + "."]
    if unknown.any():
        lines.append(
            f"{counted(int(unknown.sum()), 'request')} {noun(int(unknown.sum()), 'states', 'state')} "
            "no amount and cannot be planned: "
            + _listing([f"{titles[p]} ({p})" for p in requests.loc[unknown, "proposal_id"]])
            + "."
        )
    lines.append(
        f"The plan places {plan.amount_placed:,.0f} {cur} of the {plan.total_budget:,.0f} {cur} "
        f"the donors bring (after their pledges) against {plan.total_gap:,.0f} {cur} still "
        f"open; amounts in {cur} at the rates of {plan.rate_date}."
    )
    return lines
