"""The co-funding planner: spread donor budgets across proposals as a mixed-integer programme.

Ranking says who fits; a roundtable must also decide who pays for what. Given scored,
eligible donor-proposal pairs, each proposal's funding gap (requested minus secured) and
each donor's budget and ticket range, :func:`plan_allocation` finds a plan in two
lexicographic stages, both solved exactly with ``scipy.optimize.milp`` (HiGHS):

1. the **coverage** stage: close as many gaps fully as possible (``objective="count"``),
   or place as much money on gaps as possible (``objective="amount"``);
2. the **fit** stage: keeping stage 1 at its optimum (within a tolerance), maximise the
   *match quality* ``sum(score * amount / gap)``: each proposal counts its funders' scores
   weighted by the share of the gap each covers, so money follows the best-fitting donors
   and splitting a grant never raises the value by itself. A negligible cost per grant
   (``1e-6``) breaks ties towards fewer, larger grants.

For the count objective a best-match plan is solved first and its number of closed gaps
is imposed as a floor on stage 1: the optimum is the same, but on large rounds HiGHS
otherwise spends its time without finding a plan that closes many gaps.

Amounts are semi-continuous: a donor gives nothing or between its minimum ticket (at least
one unit of the plan currency) and its maximum ticket; a donor's grants fit its budget for
the round; a proposal is never funded beyond its gap; an optional cap limits donors per
proposal; staff can force pairs in or forbid them. Everything is converted to one plan
currency with the dated rate table (:mod:`matcher.currency`).

Before solving, :attr:`AllocationProblem.checks` says in plain words what stands in the
way (total gap against total budget, proposals with no eligible donor, donors whose budget
is below their own minimum ticket, forced pairs that break a rule). After solving,
:class:`AllocationPlan` gives the grants, each proposal's gap left with the reason it was
not closed and the next-best donors in reserve, and each donor's budget left.
:func:`what_if` re-plans with a changed budget or a forced pair and lists what moved.

The same inputs always give the same plan: inputs are sorted by id and the solver runs with
fixed options (HiGHS is deterministic; a time limit, when set, can cut a search short).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from matcher.currency import RateTable, UnknownCurrencyError, load_rate_table
from matcher.errors import LifeWebMatchError

__all__ = [
    "OBJECTIVES",
    "AllocationPlan",
    "AllocationProblem",
    "PlanOptions",
    "WhatIf",
    "build_problem",
    "diff_plans",
    "parse_pair",
    "plan_allocation",
    "solve",
    "what_if",
]

Objective = Literal["count", "amount"]
OBJECTIVES: Final = ("count", "amount")

GRANT_COST: Final = 1e-6
"""Objective cost of one grant in the fit stage: breaks ties towards fewer, larger grants."""

AMOUNT_TOLERANCE: Final = 1e-6
"""Relative slack when the coverage optimum is fixed as a constraint for the fit stage."""

MIN_GRANT_UNITS: Final = 1.0
"""Smallest grant, in plan-currency units: a donor that gives, gives at least this."""

CENT: Final = 0.005

MIP_REL_GAP: Final = 1e-4
"""HiGHS stops when within 0.01 % of the optimum; below one gap, so closed-gap counts are exact."""


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class PlanOptions:
    """How to plan; every field has a default.

    Attributes
    ----------
    objective
        ``"count"``: close as many gaps fully as possible; ``"amount"``: place as much money
        on gaps as possible. Ties in either are broken by match quality.
    max_donors_per_proposal
        Cap on the number of donors funding one proposal (``None``: no cap).
    currency
        ISO 4217 code the plan is written in.
    rate_date
        Date of the exchange rates (newest rate on or before it); ``None``: newest.
    candidates_per_proposal
        Keep only the K best-scoring eligible donors of each proposal in the programme
        (forced pairs always stay); ``None`` keeps every eligible pair (exact).
    reserve_size
        How many next-best donors to list per proposal.
    time_limit
        Seconds per solver stage (``None``: no limit). A limit makes large runs stop with
        the best plan found so far, which may then differ between runs.
    """

    objective: Objective = "count"
    max_donors_per_proposal: int | None = None
    currency: str = "USD"
    rate_date: str | None = None
    candidates_per_proposal: int | None = None
    reserve_size: int = 3
    time_limit: float | None = None

    def __post_init__(self) -> None:
        if self.objective not in OBJECTIVES:
            raise LifeWebMatchError(
                f"Unknown objective {self.objective!r}; choose one of {', '.join(OBJECTIVES)}."
            )
        if self.max_donors_per_proposal is not None and self.max_donors_per_proposal < 1:
            raise LifeWebMatchError("The cap on donors per proposal must be at least 1.")
        if self.candidates_per_proposal is not None and self.candidates_per_proposal < 1:
            raise LifeWebMatchError("Candidates per proposal must be at least 1.")
        if self.reserve_size < 0:
            raise LifeWebMatchError("The reserve size cannot be negative.")


Pair = tuple[str, str]


def parse_pair(text: str) -> Pair:
    """Read ``"PROPOSAL:DONOR"`` (as typed on the command line) into a pair of ids."""
    proposal_id, sep, donor_id = str(text).partition(":")
    if not sep or not proposal_id.strip() or not donor_id.strip():
        raise LifeWebMatchError(
            f"{text!r} is not a pair; write it as PROPOSAL_ID:DONOR_ID (for example P12:D3)."
        )
    return proposal_id.strip(), donor_id.strip()


def _as_pair(pair: str | tuple[object, object]) -> Pair:
    """A pair given as ``"P:D"`` text or as a (proposal, donor) tuple, as a pair of id strings."""
    return parse_pair(pair) if isinstance(pair, str) else (str(pair[0]), str(pair[1]))


@dataclass(frozen=True)
class _Inputs:
    """What the caller gave, kept so :func:`what_if` can re-plan with changes."""

    pairs: pd.DataFrame
    proposals: pd.DataFrame
    donors: pd.DataFrame
    budgets: pd.DataFrame | None
    force: tuple[Pair, ...]
    forbid: tuple[Pair, ...]
    rates: RateTable


@dataclass(frozen=True)
class AllocationProblem:
    """A validated planning problem in one currency, with its feasibility checks.

    Attributes
    ----------
    proposals
        One row per proposal in id order: ``proposal_id``, ``title``, ``currency`` (as
        given), ``requested``, ``secured``, ``gap`` (plan currency), ``in_plan`` and
        ``note`` (why a proposal is left out).
    donors
        One row per donor in id order: ``donor_id``, ``name``, ``currency`` (as given),
        ``budget``, ``min_ticket``, ``max_ticket`` (plan currency), ``in_plan``, ``note``.
    pairs
        The eligible scored pairs the programme may use (``proposal_id``, ``donor_id``,
        ``score``, ``forced``), sorted by proposal then donor.
    eligible
        Every eligible, not forbidden pair between planned proposals and donors (for the
        reserve lists), with ``score``.
    forced, forbidden
        The forced pairs that are honoured, and the forbidden pairs.
    checks
        Plain-language findings from before the solve.
    options
        The :class:`PlanOptions` used.
    """

    proposals: pd.DataFrame
    donors: pd.DataFrame
    pairs: pd.DataFrame
    eligible: pd.DataFrame
    forced: tuple[Pair, ...]
    forbidden: tuple[Pair, ...]
    checks: tuple[str, ...]
    options: PlanOptions
    inputs: _Inputs = field(repr=False)


# --------------------------------------------------------------------------- helpers


def _money(value: float, currency: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "unknown"
    return f"{value:,.0f} {currency}"


def _listing(items: list[str], limit: int = 8) -> str:
    shown = ", ".join(items[:limit])
    more = len(items) - limit
    return f"{shown} and {more} more" if more > 0 else shown


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise LifeWebMatchError(f"The {what} table lacks the column(s): {', '.join(missing)}.")


def _ids(series: pd.Series) -> pd.Series:
    return series.astype(str).str.strip()


def _number(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def _text(frame: pd.DataFrame, column: str, default: str = "") -> pd.Series:
    if column not in frame.columns:
        return pd.Series(default, index=frame.index, dtype=object)
    return frame[column].fillna(default).astype(str).str.strip().astype(object)


def _truthy(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return series.fillna(False).astype(bool)
    lowered = series.astype(str).str.strip().str.lower()
    return lowered.isin(("true", "1", "yes", "y", "t", "1.0"))


def _convert(
    amounts: pd.Series, currencies: pd.Series, rates: RateTable, options: PlanOptions
) -> tuple[np.ndarray, np.ndarray]:
    """Amounts in the plan currency, and a mask of rows whose currency has no rate."""
    values = amounts.to_numpy(dtype=float)
    codes = currencies.str.upper().replace("", options.currency).to_numpy(dtype=object)
    known = set(rates.currencies)
    unknown = np.asarray([c not in known for c in codes], dtype=bool)
    converted = np.full(values.shape, np.nan)
    if (~unknown).any():
        converted[~unknown] = rates.convert(
            values[~unknown], codes[~unknown], options.currency, on=options.rate_date
        )
    return converted, unknown


# --------------------------------------------------------------------------- build


def build_problem(
    pairs: pd.DataFrame,
    proposals: pd.DataFrame,
    donors: pd.DataFrame,
    *,
    budgets: pd.DataFrame | None = None,
    force: Iterable[Pair | str] = (),
    forbid: Iterable[Pair | str] = (),
    options: PlanOptions | None = None,
    rates: RateTable | None = None,
) -> AllocationProblem:
    """Validate the inputs, convert amounts and run the plain-language feasibility checks.

    Parameters
    ----------
    pairs
        Scored pairs: ``proposal_id``, ``donor_id``, ``score`` and optionally ``eligible``
        (missing means eligible), as :func:`matcher.rank.rank_matches` returns them.
    proposals
        ``proposal_id``, ``requested_amount``; optionally ``secured_amount`` (empty means
        0), ``currency`` (empty means the plan currency) and ``title``.
    donors
        ``donor_id``; optionally ``annual_budget``, ``min_grant``, ``max_grant``,
        ``currency`` and ``name``.
    budgets
        Optional ``donor_id``, ``budget``, ``currency``: the budget for this round, which
        replaces ``annual_budget`` (an empty currency means the donor's own).
    force, forbid
        Pairs as ``(proposal_id, donor_id)`` or ``"P:D"`` strings.
    options
        :class:`PlanOptions`; defaults when omitted.
    rates
        A :class:`~matcher.currency.RateTable`; the shipped table when omitted.

    Returns
    -------
    AllocationProblem
        Ready for :func:`solve`; ``checks`` holds the findings.

    Raises
    ------
    matcher.errors.LifeWebMatchError
        When a required column is missing or the plan currency has no rate.
    """
    options = options or PlanOptions()
    rates = rates or load_rate_table()
    try:
        rates.usd_per_unit(options.currency, options.rate_date)
    except UnknownCurrencyError as error:
        raise LifeWebMatchError(f"Cannot plan in {options.currency}: {error}") from error
    force_pairs = tuple(_as_pair(p) for p in force)
    forbid_pairs = tuple(_as_pair(p) for p in forbid)
    inputs = _Inputs(pairs, proposals, donors, budgets, force_pairs, forbid_pairs, rates)
    _require(pairs, ("proposal_id", "donor_id", "score"), "scored pairs")
    _require(proposals, ("proposal_id", "requested_amount"), "proposals")
    _require(donors, ("donor_id",), "donors")
    cur = options.currency
    checks: list[str] = []

    # Proposals: gap in the plan currency.
    prop = pd.DataFrame(
        {
            "proposal_id": _ids(proposals["proposal_id"]),
            "title": _text(proposals, "title"),
            "currency": _text(proposals, "currency").str.upper(),
        }
    )
    requested = _number(proposals, "requested_amount")
    secured = _number(proposals, "secured_amount").fillna(0.0)
    dup = prop["proposal_id"].duplicated()
    if dup.any():
        checks.append(
            f"{int(dup.sum())} proposal row(s) repeat an id already seen and are left out: "
            f"{_listing(sorted(set(prop.loc[dup, 'proposal_id'])))}."
        )
    req_conv, req_unknown = _convert(requested, prop["currency"], rates, options)
    sec_conv, _ = _convert(secured, prop["currency"], rates, options)
    prop["requested"] = req_conv
    prop["secured"] = sec_conv
    prop["gap"] = np.where(req_unknown, np.nan, np.maximum(req_conv - sec_conv, 0.0))
    prop["note"] = ""
    prop.loc[dup.to_numpy(), "note"] = "repeated id"
    no_currency = (prop["currency"] == "") & ~dup
    if no_currency.any():
        checks.append(
            f"{int(no_currency.sum())} proposal(s) give no currency; their amounts are taken "
            f"as {cur}: {_listing(prop.loc[no_currency, 'proposal_id'].tolist())}."
        )
    unknown_rows = req_unknown & ~dup.to_numpy()
    if unknown_rows.any():
        codes = sorted(set(prop.loc[unknown_rows, "currency"]))
        checks.append(
            f"{int(unknown_rows.sum())} proposal(s) are in a currency the rate table does not "
            f"have ({', '.join(codes)}) and are left out: "
            f"{_listing(prop.loc[unknown_rows, 'proposal_id'].tolist())}."
        )
        prop.loc[unknown_rows, "note"] = "currency without exchange rate"
    no_request = requested.isna().to_numpy() & ~dup.to_numpy() & ~unknown_rows
    if no_request.any():
        checks.append(
            f"{int(no_request.sum())} proposal(s) state no requested amount, so their gap is "
            f"unknown; left out: {_listing(prop.loc[no_request, 'proposal_id'].tolist())}."
        )
        prop.loc[no_request, "note"] = "no requested amount"
    funded = (prop["note"] == "") & (prop["gap"] <= CENT)
    if funded.any():
        checks.append(
            f"{int(funded.sum())} proposal(s) have already secured what they request (no gap): "
            f"{_listing(prop.loc[funded, 'proposal_id'].tolist())}."
        )
        prop.loc[funded, "note"] = "no funding gap"
    prop["in_plan"] = prop["note"] == ""
    prop = prop.sort_values("proposal_id", kind="stable").reset_index(drop=True)

    # Donors: budget for the round and ticket range in the plan currency.
    don = pd.DataFrame(
        {
            "donor_id": _ids(donors["donor_id"]),
            "name": _text(donors, "name"),
            "currency": _text(donors, "currency").str.upper(),
        }
    )
    budget_amount = _number(donors, "annual_budget")
    budget_currency = don["currency"].copy()
    budget_source = pd.Series("annual_budget", index=don.index, dtype=object)
    if budgets is not None:
        _require(budgets, ("donor_id", "budget"), "budgets")
        over = pd.DataFrame(
            {
                "donor_id": _ids(budgets["donor_id"]),
                "budget": _number(budgets, "budget"),
                "currency": _text(budgets, "currency").str.upper(),
            }
        ).drop_duplicates("donor_id", keep="last")
        unknown_ids = sorted(set(over["donor_id"]) - set(don["donor_id"]))
        if unknown_ids:
            checks.append(
                f"The budgets file names {len(unknown_ids)} donor(s) not in the donors table; "
                f"ignored: {_listing(unknown_ids)}."
            )
        lookup = over.set_index("donor_id")
        hit = don["donor_id"].isin(lookup.index)
        budget_amount = budget_amount.copy()
        budget_amount[hit] = lookup.loc[don.loc[hit, "donor_id"], "budget"].to_numpy()
        given = lookup.loc[don.loc[hit, "donor_id"], "currency"].to_numpy(dtype=object)
        budget_currency[hit] = np.where(given == "", don.loc[hit, "currency"], given)
        budget_source[hit] = "budgets file"
    ddup = don["donor_id"].duplicated()
    budget_conv, budget_unknown = _convert(budget_amount, budget_currency, rates, options)
    min_conv, ticket_unknown = _convert(
        _number(donors, "min_grant"), don["currency"], rates, options
    )
    max_conv, _ = _convert(_number(donors, "max_grant"), don["currency"], rates, options)
    don["budget"] = budget_conv
    don["min_ticket"] = np.where(np.isnan(min_conv), 0.0, min_conv)
    don["max_ticket"] = np.where(np.isnan(max_conv), np.inf, max_conv)
    don["note"] = ""
    don.loc[ddup.to_numpy(), "note"] = "repeated id"
    if ddup.any():
        checks.append(
            f"{int(ddup.sum())} donor row(s) repeat an id already seen and are left out: "
            f"{_listing(sorted(set(don.loc[ddup, 'donor_id'])))}."
        )
    bad_currency = (budget_unknown | ticket_unknown) & ~ddup.to_numpy()
    if bad_currency.any():
        codes = sorted(set(budget_currency[bad_currency]) | set(don.loc[bad_currency, "currency"]))
        checks.append(
            f"{int(bad_currency.sum())} donor(s) are in a currency the rate table does not have "
            f"({', '.join(c for c in codes if c)}) and are left out: "
            f"{_listing(don.loc[bad_currency, 'donor_id'].tolist())}."
        )
        don.loc[bad_currency, "note"] = "currency without exchange rate"
    open_rows = don["note"] == ""
    no_budget = open_rows & np.isnan(don["budget"].to_numpy())
    if no_budget.any():
        checks.append(
            f"{int(no_budget.sum())} donor(s) have no budget for the round (no annual budget "
            f"and no line in a budgets file), so they are left out: "
            f"{_listing(don.loc[no_budget, 'donor_id'].tolist())}."
        )
        don.loc[no_budget, "note"] = "no budget"
    open_rows = don["note"] == ""
    inverted = open_rows & (don["min_ticket"] > don["max_ticket"])
    if inverted.any():
        checks.append(
            f"{int(inverted.sum())} donor(s) have a minimum ticket above their maximum ticket "
            f"and are left out: {_listing(don.loc[inverted, 'donor_id'].tolist())}."
        )
        don.loc[inverted, "note"] = "minimum ticket above maximum ticket"
    open_rows = don["note"] == ""
    effective_min = np.maximum(don["min_ticket"].to_numpy(), MIN_GRANT_UNITS)
    starved = open_rows & (don["budget"].to_numpy() < effective_min)
    if starved.any():
        lines = [
            f"{row.donor_id} (budget {_money(row.budget, cur)} < minimum ticket "
            f"{_money(max(row.min_ticket, MIN_GRANT_UNITS), cur)})"
            for row in don.loc[starved].itertuples()
        ]
        checks.append(
            f"{int(starved.sum())} donor(s) have a budget below their own minimum ticket and "
            f"can give nothing this round: {_listing(lines, 5)}."
        )
        don.loc[starved, "note"] = "budget below its minimum ticket"
    don["in_plan"] = don["note"] == ""
    don["budget_source"] = budget_source
    don = don.sort_values("donor_id", kind="stable").reset_index(drop=True)

    # Pairs: eligible, between planned proposals and donors.
    raw = pd.DataFrame(
        {
            "proposal_id": _ids(pairs["proposal_id"]),
            "donor_id": _ids(pairs["donor_id"]),
            "score": pd.to_numeric(pairs["score"], errors="coerce").astype(float),
            "eligible": _truthy(pairs["eligible"])
            if "eligible" in pairs.columns
            else pd.Series(True, index=pairs.index),
        }
    )
    if "reasons" in pairs.columns:
        raw["reasons"] = _text(pairs, "reasons")
    else:
        raw["reasons"] = ""
    raw = raw.sort_values(["proposal_id", "donor_id", "score"], ascending=[True, True, False])
    raw = raw.drop_duplicates(["proposal_id", "donor_id"], keep="first")
    unknown_pairs = ~raw["proposal_id"].isin(prop["proposal_id"]) | ~raw["donor_id"].isin(
        don["donor_id"]
    )
    if unknown_pairs.any():
        checks.append(
            f"{int(unknown_pairs.sum())} scored pair(s) name a proposal or donor not in the "
            f"tables and are ignored."
        )
    raw = raw[~unknown_pairs]
    no_score = raw["score"].isna()
    raw = raw.assign(score=raw["score"].fillna(0.0))
    if (no_score & raw["eligible"]).any():
        checks.append(
            f"{int((no_score & raw['eligible']).sum())} eligible pair(s) have no score; "
            f"they count as score 0."
        )
    forbid_set = set(forbid_pairs)
    pair_keys = list(zip(raw["proposal_id"], raw["donor_id"], strict=True))
    raw["forbidden"] = [k in forbid_set for k in pair_keys]
    planned_p = set(prop.loc[prop["in_plan"], "proposal_id"])
    planned_d = set(don.loc[don["in_plan"], "donor_id"])

    # Proposals with no eligible donor at all (before any budget reasoning).
    eligible_any = raw[raw["eligible"] & ~raw["forbidden"]]
    with_donor = set(eligible_any.loc[eligible_any["donor_id"].isin(planned_d), "proposal_id"])
    orphans = prop[prop["in_plan"] & ~prop["proposal_id"].isin(with_donor)]
    if not orphans.empty:
        labels = [
            f"{row.proposal_id}" + (f" ({row.title[:50]})" if row.title else "")
            for row in orphans.itertuples()
        ]
        checks.append(
            f"{len(orphans)} proposal(s) have no eligible donor with a budget this round and "
            f"cannot be funded: {_listing(labels, 6)}."
        )

    # Forced pairs: honoured only when they break no rule.
    prop_by_id = prop.drop_duplicates("proposal_id").set_index("proposal_id")
    don_by_id = don.drop_duplicates("donor_id").set_index("donor_id")
    raw_by_key = raw.set_index(["proposal_id", "donor_id"])
    honoured: list[Pair] = []
    for p, d in dict.fromkeys(force_pairs):
        label = f"Forced pair {p}:{d}"
        if p not in prop_by_id.index:
            checks.append(f"{label} is ignored: there is no proposal {p}.")
            continue
        if d not in don_by_id.index:
            checks.append(f"{label} is ignored: there is no donor {d}.")
            continue
        if (p, d) in forbid_set:
            checks.append(f"{label} is ignored: the same pair is also forbidden.")
            continue
        if (p, d) not in raw_by_key.index or not bool(raw_by_key.loc[(p, d), "eligible"]):
            why = raw_by_key.loc[(p, d), "reasons"] if (p, d) in raw_by_key.index else ""
            checks.append(
                f"{label} is ignored: the pair is not eligible"
                + (f" ({why})." if why else " (it is not among the eligible scored pairs).")
            )
            continue
        if not prop_by_id.loc[p, "in_plan"]:
            checks.append(
                f"{label} is ignored: proposal {p} is left out ({prop_by_id.loc[p, 'note']})."
            )
            continue
        donor = don_by_id.loc[d]
        if not donor["in_plan"]:
            checks.append(f"{label} is ignored: donor {d} is left out ({donor['note']}).")
            continue
        minimum = max(float(donor["min_ticket"]), MIN_GRANT_UNITS)
        if minimum > float(donor["budget"]):
            checks.append(
                f"{label} is ignored: the donor's minimum ticket {_money(minimum, cur)} is above "
                f"its budget {_money(float(donor['budget']), cur)}."
            )
            continue
        gap = float(prop_by_id.loc[p, "gap"])
        if minimum > gap + CENT:
            checks.append(
                f"{label} is ignored: the donor's minimum ticket {_money(minimum, cur)} is above "
                f"the proposal's gap {_money(gap, cur)}."
            )
            continue
        honoured.append((p, d))
    honoured = _drop_conflicting_forces(honoured, prop_by_id, don_by_id, options, checks)

    # Candidate pairs for the programme.
    usable = raw[
        raw["eligible"]
        & ~raw["forbidden"]
        & raw["proposal_id"].isin(planned_p)
        & raw["donor_id"].isin(planned_d)
    ].copy()
    honoured_set = set(honoured)
    usable["forced"] = np.asarray(
        [k in honoured_set for k in zip(usable["proposal_id"], usable["donor_id"], strict=True)],
        dtype=bool,
    )
    gaps = prop_by_id.loc[usable["proposal_id"], "gap"].to_numpy()
    minimums = np.maximum(
        don_by_id.loc[usable["donor_id"], "min_ticket"].to_numpy(), MIN_GRANT_UNITS
    )
    fits = minimums <= gaps + CENT
    eligible_table = usable[["proposal_id", "donor_id", "score"]].reset_index(drop=True)
    candidates = usable[fits | usable["forced"].to_numpy()]
    if options.candidates_per_proposal is not None:
        ranked = candidates.sort_values(
            ["proposal_id", "score", "donor_id"], ascending=[True, False, True], kind="stable"
        )
        rank = ranked.groupby("proposal_id", sort=False).cumcount()
        candidates = ranked[(rank < options.candidates_per_proposal) | ranked["forced"]]
    candidates = (
        candidates[["proposal_id", "donor_id", "score", "forced"]]
        .sort_values(["proposal_id", "donor_id"], kind="stable")
        .reset_index(drop=True)
    )

    # The headline check: total gap against total budget.
    total_gap = float(prop.loc[prop["in_plan"], "gap"].sum())
    total_budget = float(don.loc[don["in_plan"], "budget"].sum())
    if prop["in_plan"].any():
        if total_budget + CENT < total_gap:
            share = total_budget / total_gap if total_gap else 0.0
            checks.insert(
                0,
                f"Total gap {_money(total_gap, cur)} across {int(prop['in_plan'].sum())} "
                f"proposal(s) is larger than the total donor budget {_money(total_budget, cur)}: "
                f"at most {share:.0%} of it can be closed.",
            )
        else:
            checks.insert(
                0,
                f"Total donor budget {_money(total_budget, cur)} covers the total gap "
                f"{_money(total_gap, cur)} across {int(prop['in_plan'].sum())} proposal(s); "
                f"ticket sizes, eligibility and caps decide how much of it can be placed.",
            )
    else:
        checks.insert(0, "No proposal has an open funding gap to plan for.")

    return AllocationProblem(
        proposals=prop,
        donors=don,
        pairs=candidates,
        eligible=eligible_table,
        forced=tuple(honoured),
        forbidden=forbid_pairs,
        checks=tuple(checks),
        options=options,
        inputs=inputs,
    )


def _drop_conflicting_forces(
    honoured: list[Pair],
    proposals: pd.DataFrame,
    donors: pd.DataFrame,
    options: PlanOptions,
    checks: list[str],
) -> list[Pair]:
    """Forced pairs that cannot hold together (budget, gap, cap) are dropped, with a message."""
    cur = options.currency
    kept = list(honoured)
    by_donor: dict[str, list[Pair]] = {}
    for pair in kept:
        by_donor.setdefault(pair[1], []).append(pair)
    for d, group in sorted(by_donor.items()):
        need = len(group) * max(float(donors.loc[d, "min_ticket"]), MIN_GRANT_UNITS)
        if need > float(donors.loc[d, "budget"]) + CENT:
            checks.append(
                f"Forced pairs of donor {d} ({', '.join(f'{p}:{d}' for p, _ in group)}) are "
                f"ignored: their minimum tickets add up to {_money(need, cur)}, above its budget "
                f"{_money(float(donors.loc[d, 'budget']), cur)}."
            )
            kept = [k for k in kept if k not in group]
    by_proposal: dict[str, list[Pair]] = {}
    for pair in kept:
        by_proposal.setdefault(pair[0], []).append(pair)
    for p, group in sorted(by_proposal.items()):
        names = ", ".join(f"{p}:{d}" for _, d in group)
        cap = options.max_donors_per_proposal
        if cap is not None and len(group) > cap:
            checks.append(
                f"Forced pairs of proposal {p} ({names}) are ignored: {len(group)} forced donors "
                f"exceed the cap of {cap} donor(s) per proposal."
            )
            kept = [k for k in kept if k not in group]
            continue
        need = sum(max(float(donors.loc[d, "min_ticket"]), MIN_GRANT_UNITS) for _, d in group)
        if need > float(proposals.loc[p, "gap"]) + CENT:
            checks.append(
                f"Forced pairs of proposal {p} ({names}) are ignored: their minimum tickets add "
                f"up to {_money(need, cur)}, above its gap {_money(float(proposals.loc[p, 'gap']), cur)}."
            )
            kept = [k for k in kept if k not in group]
    return kept


# --------------------------------------------------------------------------- solve


@dataclass(frozen=True)
class AllocationPlan:
    """A solved plan.

    Attributes
    ----------
    allocations
        One row per grant: ``proposal_id``, ``proposal_title``, ``donor_id``, ``donor_name``,
        ``amount`` (plan currency), ``currency``, ``score``, ``share_of_gap``, ``forced``,
        ``proposal_gap_left``, ``donor_budget_left``; sorted by proposal then donor.
    proposals
        One row per proposal: ``gap``, ``allocated``, ``gap_left``, ``closed``,
        ``n_donors``, ``status`` (a sentence: closed, or why not) and ``reserve`` (next-best
        donors that could still give).
    donors
        One row per donor: ``budget``, ``allocated``, ``budget_left``, ``n_grants``,
        ``status``.
    reserve
        Long form of the reserve lists: ``proposal_id``, ``rank``, ``donor_id``,
        ``donor_name``, ``score``, ``budget_left``.
    checks
        The feasibility findings from before the solve, then what the solver reported.
    """

    allocations: pd.DataFrame
    proposals: pd.DataFrame
    donors: pd.DataFrame
    reserve: pd.DataFrame
    checks: tuple[str, ...]
    objective: Objective
    currency: str
    rate_date: str
    solver_status: str
    optimal: bool
    n_closed: int
    n_open: int
    amount_placed: float
    total_gap: float
    total_budget: float
    match_quality: float
    solve_seconds: float
    solver_log: tuple[dict[str, object], ...] = ()

    def summary(self) -> list[str]:
        """The plan in a few sentences, for a console or a page header."""
        cur = self.currency
        lines = [
            f"Closed {self.n_closed} of {self.n_open} funding gap(s) in full; placed "
            f"{_money(self.amount_placed, cur)} of {_money(self.total_budget, cur)} budget "
            f"against {_money(self.total_gap, cur)} of gaps.",
            f"{len(self.allocations)} grant(s); match quality {self.match_quality:.3f} "
            f"(sum over grants of score x share of the gap covered).",
            f"Objective: {'close as many gaps as possible' if self.objective == 'count' else 'place as much money as possible'}"
            f", then best match quality. Amounts in {cur} at the rates of {self.rate_date}. "
            f"Solver: {self.solver_status} ({self.solve_seconds:.2f} s).",
        ]
        return lines

    def to_frame(self) -> pd.DataFrame:
        """The grants as one table (what ``lifeweb-match allocate --out`` writes)."""
        return self.allocations.copy()


def _solver_options(options: PlanOptions) -> dict[str, object]:
    settings: dict[str, object] = {"disp": False, "presolve": True, "mip_rel_gap": MIP_REL_GAP}
    if options.time_limit is not None:
        settings["time_limit"] = float(options.time_limit)
    return settings


_STATUS_TEXT: Final = {
    0: "optimal",
    1: "stopped at the time or node limit; best plan found so far",
    2: "infeasible",
    3: "unbounded",
    4: "solver error",
}


def solve(problem: AllocationProblem) -> AllocationPlan:
    """Solve the two-stage programme and describe the plan.

    Parameters
    ----------
    problem
        From :func:`build_problem`.

    Returns
    -------
    AllocationPlan
        Grants, per-proposal and per-donor tables, reserve lists and the checks.
    """
    started = time.perf_counter()
    props = problem.proposals
    dons = problem.donors
    pairs = problem.pairs
    prop_index = {pid: i for i, pid in enumerate(props["proposal_id"])}
    don_index = {did: j for j, did in enumerate(dons["donor_id"])}
    n = len(pairs)
    amounts = np.zeros(n)
    status_text = "nothing to solve"
    optimal = True
    notes: list[str] = []
    log: list[dict[str, object]] = []
    if n:
        amounts, status_text, optimal, notes, log = _solve_programme(problem, prop_index, don_index)
    elapsed = time.perf_counter() - started
    return _describe(problem, amounts, status_text, optimal, notes, elapsed, log)


def _solve_programme(
    problem: AllocationProblem, prop_index: dict[str, int], don_index: dict[str, int]
) -> tuple[np.ndarray, str, bool, list[str], list[dict[str, object]]]:
    options = problem.options
    props = problem.proposals
    dons = problem.donors
    pairs = problem.pairs
    n = len(pairs)
    p_of = np.asarray([prop_index[p] for p in pairs["proposal_id"]])
    d_of = np.asarray([don_index[d] for d in pairs["donor_id"]])
    used_props = np.unique(p_of)
    used_dons = np.unique(d_of)
    gap_all = props["gap"].to_numpy(dtype=float)
    budget_all = dons["budget"].to_numpy(dtype=float)
    scale = max(1.0, float(np.nanmax(gap_all[used_props])) / 1e3)
    gap = gap_all / scale
    budget = budget_all / scale
    min_t = np.maximum(dons["min_ticket"].to_numpy(dtype=float), MIN_GRANT_UNITS)[d_of] / scale
    max_t = dons["max_ticket"].to_numpy(dtype=float)[d_of] / scale
    upper = np.minimum(np.minimum(max_t, budget[d_of]), gap[p_of])
    score = pairs["score"].to_numpy(dtype=float)
    forced = pairs["forced"].to_numpy(dtype=bool)
    count_mode = options.objective == "count"

    # Variables: x (amount, n) | y (grant made, n) | z (gap closed, one per used proposal).
    m = len(used_props) if count_mode else 0
    nvar = 2 * n + m
    rows: list[sparse.coo_matrix] = []
    lower: list[np.ndarray] = []
    upper_rows: list[np.ndarray] = []
    idx = np.arange(n)

    def add(matrix: sparse.coo_matrix, lo: np.ndarray, hi: np.ndarray) -> None:
        rows.append(matrix)
        lower.append(lo)
        upper_rows.append(hi)

    # Semi-continuous amounts: min*y <= x <= upper*y.
    link = sparse.coo_matrix(
        (
            np.concatenate([np.ones(n), -min_t]),
            (np.concatenate([idx, idx]), np.concatenate([idx, n + idx])),
        ),
        shape=(n, nvar),
    )
    add(link, np.zeros(n), np.full(n, np.inf))
    cap_link = sparse.coo_matrix(
        (
            np.concatenate([np.ones(n), -upper]),
            (np.concatenate([idx, idx]), np.concatenate([idx, n + idx])),
        ),
        shape=(n, nvar),
    )
    add(cap_link, np.full(n, -np.inf), np.zeros(n))
    # A proposal is never funded beyond its gap.
    prow = np.searchsorted(used_props, p_of)
    by_prop = sparse.coo_matrix((np.ones(n), (prow, idx)), shape=(len(used_props), nvar))
    add(by_prop, np.full(len(used_props), -np.inf), gap[used_props])
    # A donor's grants fit its budget.
    drow = np.searchsorted(used_dons, d_of)
    by_don = sparse.coo_matrix((np.ones(n), (drow, idx)), shape=(len(used_dons), nvar))
    add(by_don, np.full(len(used_dons), -np.inf), budget[used_dons])
    # Cap on donors per proposal.
    if options.max_donors_per_proposal is not None:
        cap = sparse.coo_matrix((np.ones(n), (prow, n + idx)), shape=(len(used_props), nvar))
        add(
            cap,
            np.full(len(used_props), -np.inf),
            np.full(len(used_props), float(options.max_donors_per_proposal)),
        )
    # Closed gaps: sum x - gap * z >= 0.
    if count_mode:
        zcols = 2 * n + np.arange(m)
        closed = sparse.coo_matrix(
            (
                np.concatenate([np.ones(n), -gap[used_props]]),
                (np.concatenate([prow, np.arange(m)]), np.concatenate([idx, zcols])),
            ),
            shape=(m, nvar),
        )
        add(closed, np.zeros(m), np.full(m, np.inf))
    matrix = sparse.vstack(rows).tocsr()
    lo = np.concatenate(lower)
    hi = np.concatenate(upper_rows)

    var_lower = np.zeros(nvar)
    var_upper = np.concatenate([upper, np.ones(n), np.ones(m)])
    var_lower[n : 2 * n] = forced.astype(float)
    # z can only be 1 when the proposal's candidates can together reach the gap.
    if count_mode:
        reach = np.zeros(len(used_props))
        cap_n = options.max_donors_per_proposal
        for k, p in enumerate(used_props):
            ub = np.sort(upper[p_of == p])[::-1]
            reach[k] = ub[:cap_n].sum() if cap_n is not None else ub.sum()
        var_upper[2 * n :] = (reach + 1e-9 >= gap[used_props] - CENT / scale).astype(float)
    integrality = np.concatenate([np.zeros(n), np.ones(n), np.ones(m)])
    bounds = Bounds(var_lower, var_upper)
    settings = _solver_options(options)
    constraints = [LinearConstraint(matrix, lo, hi)]

    # Stage 1: coverage.
    c1 = np.zeros(nvar)
    coverage = np.zeros(nvar)
    if count_mode:
        coverage[2 * n :] = 1.0
        # Match quality as a tie-break worth less than one closed gap in total: it guides
        # the search to good plans early and leaves the closed-gap optimum unchanged.
        weight = 1.0 / (max(1.0, float(score.max())) * len(used_props) + 1.0)
        c1[2 * n :] = -1.0
        c1[:n] = -weight * score / gap[p_of]
    else:
        coverage[:n] = 1.0
        c1[:n] = -1.0
    log: list[dict[str, object]] = []
    notes: list[str] = []
    c2 = np.zeros(nvar)
    c2[:n] = -score / gap[p_of]
    c2[n : 2 * n] = GRANT_COST
    stage_one = list(constraints)
    warm_closed = 0
    if count_mode:
        # A best-matching plan closes many gaps and is quick to find; its count is a valid
        # floor for the closed-gap stage, which otherwise struggles to find any good plan
        # on large rounds (the optimum does not change, only the search is pruned).
        started = time.perf_counter()
        warm = milp(
            c2, integrality=integrality, bounds=bounds, constraints=constraints, options=settings
        )
        if warm.x is not None:
            funded = np.bincount(prow, weights=warm.x[:n], minlength=len(used_props))
            warm_closed = int(np.sum(funded >= gap[used_props] * (1 - 1e-9) - 1e-9))
            stage_one.append(
                LinearConstraint(
                    sparse.csr_matrix(coverage.reshape(1, -1)),
                    np.array([warm_closed - 0.5]),
                    np.array([np.inf]),
                )
            )
        log.append(
            {
                "stage": "warm start",
                "seconds": round(time.perf_counter() - started, 3),
                "status": _STATUS_TEXT.get(warm.status, str(warm.message)),
                "value": float(warm_closed),
                "upper_bound": None,
            }
        )
    started = time.perf_counter()
    first = milp(
        c1, integrality=integrality, bounds=bounds, constraints=stage_one, options=settings
    )
    bound = getattr(first, "mip_dual_bound", None)
    log.append(
        {
            "stage": "coverage",
            "seconds": round(time.perf_counter() - started, 3),
            "status": _STATUS_TEXT.get(first.status, str(first.message)),
            "value": None
            if first.x is None
            else float(coverage @ first.x) * (1 if count_mode else scale),
            "upper_bound": None
            if bound is None or not np.isfinite(bound)
            else (math.floor(-bound + 1e-9) if count_mode else -bound * scale),
        }
    )
    if first.x is None and not warm_closed:
        notes.append(f"The solver found no plan: {first.message}")
        return np.zeros(n), f"coverage stage: {log[-1]['status']}", False, notes, log
    optimal = first.status == 0
    best = float(coverage @ first.x) if first.x is not None else float(warm_closed)
    if count_mode:
        best = float(max(round(best), warm_closed))
        floor = best - 0.5
        # The bound proves the count even when the search stopped on the tie-break.
        proven = log[-1]["upper_bound"]
        if isinstance(proven, int | float) and proven <= best:
            optimal = True
            log[-1]["status"] = "optimal (closed-gap count equals the solver's bound)"
    else:
        floor = best - AMOUNT_TOLERANCE * max(1.0, best)
    fix = LinearConstraint(
        sparse.csr_matrix(coverage.reshape(1, -1)), np.array([floor]), np.array([np.inf])
    )

    # Stage 2: fit, with the coverage optimum held.
    started = time.perf_counter()
    second = milp(
        c2,
        integrality=integrality,
        bounds=bounds,
        constraints=[*constraints, fix],
        options=settings,
    )
    bound = getattr(second, "mip_dual_bound", None)
    log.append(
        {
            "stage": "fit",
            "seconds": round(time.perf_counter() - started, 3),
            "status": _STATUS_TEXT.get(second.status, str(second.message)),
            "value": None if second.x is None else -float(c2[:n] @ second.x[:n]),
            "upper_bound": None if bound is None or not np.isfinite(bound) else -bound,
        }
    )
    chosen = second if second.x is not None else first
    if chosen.x is None:
        notes.append(f"The solver found no plan: {second.message}")
        return np.zeros(n), f"fit stage: {log[-1]['status']}", False, notes, log
    if second.x is None:
        notes.append(
            f"The match-quality stage stopped without a plan ({second.message}); "
            "the coverage-stage plan is shown."
        )
    optimal = optimal and second.status == 0
    status = "optimal" if optimal else _STATUS_TEXT.get(chosen.status, str(chosen.message))
    if not optimal:
        notes.append(
            "The solver stopped at the time limit before proving the plan optimal: it is a "
            "valid plan, but a better one may exist (raise the time limit, or lower the "
            "candidates per proposal)."
        )
    x = chosen.x[:n] * scale
    x = np.where(x < CENT, 0.0, x)
    return x, status, optimal, notes, log


# --------------------------------------------------------------------------- describe


def _describe(
    problem: AllocationProblem,
    amounts: np.ndarray,
    status_text: str,
    optimal: bool,
    notes: list[str],
    elapsed: float,
    log: list[dict[str, object]],
) -> AllocationPlan:
    options = problem.options
    cur = options.currency
    props = problem.proposals
    dons = problem.donors
    pairs = problem.pairs.assign(amount=np.round(amounts, 2))
    grants = pairs[pairs["amount"] > 0].copy()

    allocated_p = grants.groupby("proposal_id")["amount"].sum()
    count_p = grants.groupby("proposal_id")["donor_id"].count()
    allocated_d = grants.groupby("donor_id")["amount"].sum()
    count_d = grants.groupby("donor_id")["proposal_id"].count()

    ptab = props[
        ["proposal_id", "title", "currency", "requested", "secured", "gap", "in_plan", "note"]
    ].copy()
    ptab["allocated"] = ptab["proposal_id"].map(allocated_p).fillna(0.0).round(2)
    ptab["gap_left"] = np.where(
        ptab["in_plan"], np.maximum(ptab["gap"] - ptab["allocated"], 0.0), np.nan
    ).round(2)
    tol = np.maximum(0.01, 1e-7 * ptab["gap"].fillna(0.0))
    ptab["closed"] = ptab["in_plan"] & (ptab["gap_left"] <= tol)
    ptab.loc[ptab["closed"], "gap_left"] = 0.0
    ptab["n_donors"] = ptab["proposal_id"].map(count_p).fillna(0).astype(int)

    dtab = dons[
        ["donor_id", "name", "currency", "budget", "min_ticket", "max_ticket", "in_plan", "note"]
    ].copy()
    dtab["allocated"] = dtab["donor_id"].map(allocated_d).fillna(0.0).round(2)
    dtab["budget_left"] = np.where(
        dtab["in_plan"], np.maximum(dtab["budget"] - dtab["allocated"], 0.0), dtab["budget"]
    ).round(2)
    dtab["n_grants"] = dtab["donor_id"].map(count_d).fillna(0).astype(int)
    dtab["status"] = np.where(
        ~dtab["in_plan"],
        "left out: " + dtab["note"].astype(str),
        np.where(
            dtab["n_grants"] > 0,
            "gives " + dtab["n_grants"].astype(str) + " grant(s)",
            "gives nothing in this plan",
        ),
    )
    dtab["max_ticket"] = dtab["max_ticket"].replace(np.inf, np.nan)

    names_p = ptab.set_index("proposal_id")["title"]
    grant_gaps = grants["proposal_id"].map(ptab.set_index("proposal_id")["gap"]).astype(float)
    names_d = dtab.set_index("donor_id")["name"]
    budget_left = dtab.set_index("donor_id")["budget_left"]
    gap_left = ptab.set_index("proposal_id")["gap_left"]

    reserve = _reserve(problem, grants, budget_left, names_d)
    reserve_text = (
        reserve.assign(
            label=lambda r: (
                r["donor_id"]
                + np.where(r["donor_name"] != "", " " + r["donor_name"], "")
                + " (score "
                + r["score"].map("{:.2f}".format)
                + ", "
                + r["budget_left"].map(lambda v: _money(v, cur))
                + " free)"
            )
        )
        .groupby("proposal_id")["label"]
        .agg("; ".join)
        if not reserve.empty
        else pd.Series(dtype=object)
    )
    ptab["reserve"] = [str(reserve_text.get(pid, "")) for pid in ptab["proposal_id"]]
    ptab["status"] = [
        _proposal_status(row, problem, grants, budget_left) for row in ptab.itertuples()
    ]

    allocations = pd.DataFrame(
        {
            "proposal_id": grants["proposal_id"].to_numpy(),
            "proposal_title": grants["proposal_id"].map(names_p).to_numpy(),
            "donor_id": grants["donor_id"].to_numpy(),
            "donor_name": grants["donor_id"].map(names_d).to_numpy(),
            "amount": grants["amount"].to_numpy(),
            "currency": cur,
            "score": grants["score"].round(4).to_numpy(),
            "share_of_gap": (grants["amount"] / grant_gaps).round(4).to_numpy(),
            "forced": grants["forced"].to_numpy(dtype=bool),
            "proposal_gap_left": grants["proposal_id"].map(gap_left).to_numpy(),
            "donor_budget_left": grants["donor_id"].map(budget_left).to_numpy(),
        }
    )
    ptab = ptab.rename(columns={"currency": "request_currency"})
    ptab.insert(3, "currency", cur)
    ptab = ptab[
        [
            "proposal_id",
            "title",
            "request_currency",
            "currency",
            "requested",
            "secured",
            "gap",
            "allocated",
            "gap_left",
            "closed",
            "n_donors",
            "status",
            "reserve",
        ]
    ]
    for column in ("requested", "secured", "gap"):
        ptab[column] = ptab[column].round(2)
    dtab = dtab.rename(columns={"currency": "pledge_currency"})
    dtab.insert(3, "currency", cur)
    dtab = dtab[
        [
            "donor_id",
            "name",
            "pledge_currency",
            "currency",
            "budget",
            "min_ticket",
            "max_ticket",
            "allocated",
            "budget_left",
            "n_grants",
            "status",
        ]
    ]
    for column in ("budget", "min_ticket", "max_ticket"):
        dtab[column] = dtab[column].round(2)

    open_mask = props["in_plan"].to_numpy()
    quality = float((grants["score"] * grants["amount"] / grant_gaps).sum())
    rate_day = load_rate_date(problem)
    checks = list(problem.checks) + notes
    return AllocationPlan(
        allocations=allocations,
        proposals=ptab,
        donors=dtab,
        reserve=reserve,
        checks=tuple(checks),
        objective=options.objective,
        currency=cur,
        rate_date=rate_day,
        solver_status=status_text,
        optimal=optimal,
        n_closed=int(ptab["closed"].sum()),
        n_open=int(open_mask.sum()),
        amount_placed=round(float(allocations["amount"].sum()), 2),
        total_gap=round(float(props.loc[props["in_plan"], "gap"].sum()), 2),
        total_budget=round(float(dons.loc[dons["in_plan"], "budget"].sum()), 2),
        match_quality=round(quality, 6),
        solve_seconds=elapsed,
        solver_log=tuple(log),
    )


def load_rate_date(problem: AllocationProblem) -> str:
    """ISO date of the plan-currency rate the problem used."""
    rates = problem.inputs.rates
    return rates.rate_date(problem.options.currency, problem.options.rate_date).date().isoformat()


def _reserve(
    problem: AllocationProblem, grants: pd.DataFrame, budget_left: pd.Series, names_d: pd.Series
) -> pd.DataFrame:
    """Next-best donors per proposal: eligible, not funding it, still able to give."""
    size = problem.options.reserve_size
    columns = ["proposal_id", "rank", "donor_id", "donor_name", "score", "budget_left"]
    eligible = problem.eligible
    if size == 0 or eligible.empty:
        return pd.DataFrame(columns=columns)
    funded = set(zip(grants["proposal_id"], grants["donor_id"], strict=True))
    dons = problem.donors.set_index("donor_id")
    left = eligible["donor_id"].map(budget_left).to_numpy(dtype=float)
    minimum = np.maximum(
        dons.loc[eligible["donor_id"], "min_ticket"].to_numpy(dtype=float), MIN_GRANT_UNITS
    )
    not_funding = np.asarray(
        [k not in funded for k in zip(eligible["proposal_id"], eligible["donor_id"], strict=True)],
        dtype=bool,
    )
    table = eligible[not_funding & (left + CENT >= minimum)].assign(
        budget_left=left[not_funding & (left + CENT >= minimum)]
    )
    table = table.sort_values(
        ["proposal_id", "score", "donor_id"], ascending=[True, False, True], kind="stable"
    )
    table["rank"] = table.groupby("proposal_id").cumcount() + 1
    table = table[table["rank"] <= size]
    table["donor_name"] = table["donor_id"].map(names_d).fillna("")
    table["score"] = table["score"].round(4)
    return table[columns].reset_index(drop=True)


def _proposal_status(
    row: object, problem: AllocationProblem, grants: pd.DataFrame, budget_left: pd.Series
) -> str:
    """A sentence for one proposal: closed, or the most likely reason it is not."""
    cur = problem.options.currency
    if not row.in_plan:  # type: ignore[attr-defined]
        return f"left out: {row.note}"  # type: ignore[attr-defined]
    if row.closed:  # type: ignore[attr-defined]
        return f"gap closed by {row.n_donors} donor(s)"  # type: ignore[attr-defined]
    pid = row.proposal_id  # type: ignore[attr-defined]
    gap = float(row.gap)  # type: ignore[attr-defined]
    eligible = problem.eligible[problem.eligible["proposal_id"] == pid]
    prefix = "partly funded" if row.allocated > 0 else "not funded"  # type: ignore[attr-defined]
    if eligible.empty:
        return f"{prefix}: no eligible donor"
    dons = problem.donors.set_index("donor_id").loc[eligible["donor_id"]]
    minimum = np.maximum(dons["min_ticket"].to_numpy(dtype=float), MIN_GRANT_UNITS)
    if (minimum > gap + CENT).all():
        return f"{prefix}: every eligible donor's minimum ticket is above the gap of {_money(gap, cur)}"
    reach = np.minimum(
        dons["max_ticket"].to_numpy(dtype=float), dons["budget"].to_numpy(dtype=float)
    )
    reach = np.where(minimum > gap + CENT, 0.0, reach)
    cap = problem.options.max_donors_per_proposal
    total = np.sort(reach)[::-1][:cap].sum() if cap is not None else reach.sum()
    if total + CENT < gap:
        limit = f" (at most {cap} donor(s) per proposal)" if cap is not None else ""
        return (
            f"{prefix}: its eligible donors can give at most {_money(total, cur)} in total{limit}, "
            f"less than the gap of {_money(gap, cur)}"
        )
    free = float(budget_left.reindex(eligible["donor_id"]).fillna(0.0).sum())
    return (
        f"{prefix}: the budgets of its eligible donors went to other proposals "
        f"({_money(free, cur)} of their budgets is left, {_money(float(row.gap_left), cur)} "  # type: ignore[attr-defined]
        f"still missing)"
    )


# --------------------------------------------------------------------------- entry points


def plan_allocation(
    pairs: pd.DataFrame,
    proposals: pd.DataFrame,
    donors: pd.DataFrame,
    *,
    budgets: pd.DataFrame | None = None,
    force: Iterable[Pair | str] = (),
    forbid: Iterable[Pair | str] = (),
    options: PlanOptions | None = None,
    rates: RateTable | None = None,
) -> AllocationPlan:
    """Build and solve a co-funding plan in one call (see :func:`build_problem`).

    Returns
    -------
    AllocationPlan
        The plan; its ``checks`` hold the feasibility findings.
    """
    return solve(
        build_problem(
            pairs,
            proposals,
            donors,
            budgets=budgets,
            force=force,
            forbid=forbid,
            options=options,
            rates=rates,
        )
    )


@dataclass(frozen=True)
class WhatIf:
    """A re-plan after a change: the new plan, what moved, and a few sentences."""

    problem: AllocationProblem
    plan: AllocationPlan
    diff: pd.DataFrame
    summary: tuple[str, ...]


def what_if(
    problem: AllocationProblem,
    before: AllocationPlan | None = None,
    *,
    budgets: Mapping[str, float] | None = None,
    force: Iterable[Pair | str] = (),
    forbid: Iterable[Pair | str] = (),
    unforce: Iterable[Pair | str] = (),
    options: PlanOptions | None = None,
) -> WhatIf:
    """Re-plan with changed budgets (in the plan currency) or pairs forced/forbidden.

    Parameters
    ----------
    problem
        The problem the current plan came from.
    before
        The current plan (solved again when omitted).
    budgets
        ``{donor_id: budget}`` in the plan currency, replacing the donor's budget.
    force, forbid
        Pairs to add to the forced or forbidden lists.
    unforce
        Pairs to take off the forced list.
    options
        Different :class:`PlanOptions` (for example another objective).

    Returns
    -------
    WhatIf
        ``plan`` (the new plan), ``diff`` (see :func:`diff_plans`) and ``summary``.
    """
    before = before or solve(problem)
    source = problem.inputs
    plan_options = options or problem.options
    new_budgets = source.budgets
    if budgets:
        unknown = sorted(set(map(str, budgets)) - set(problem.donors["donor_id"]))
        if unknown:
            raise LifeWebMatchError(f"No donor {', '.join(unknown)} to change the budget of.")
        changed = pd.DataFrame(
            {
                "donor_id": [str(k) for k in budgets],
                "budget": [float(v) for v in budgets.values()],
                "currency": plan_options.currency,
            }
        )
        if new_budgets is None:
            new_budgets = changed
        else:
            base = pd.DataFrame(
                {
                    "donor_id": _ids(new_budgets["donor_id"]),
                    "budget": _number(new_budgets, "budget"),
                    "currency": _text(new_budgets, "currency"),
                }
            )
            new_budgets = pd.concat([base, changed], ignore_index=True)
    drop = {_as_pair(p) for p in unforce}
    forced = [p for p in source.force if p not in drop]
    forced += [_as_pair(p) for p in force]
    forbidden = list(source.forbid) + [_as_pair(p) for p in forbid]
    new_problem = build_problem(
        source.pairs,
        source.proposals,
        source.donors,
        budgets=new_budgets,
        force=forced,
        forbid=forbidden,
        options=plan_options,
        rates=source.rates,
    )
    after = solve(new_problem)
    diff = diff_plans(before, after)
    return WhatIf(new_problem, after, diff, tuple(_what_if_summary(before, after, diff)))


DIFF_COLUMNS: Final = (
    "proposal_id",
    "proposal_title",
    "donor_id",
    "donor_name",
    "amount_before",
    "amount_after",
    "change",
    "what",
)


def diff_plans(before: AllocationPlan, after: AllocationPlan) -> pd.DataFrame:
    """Grants that differ between two plans.

    Returns
    -------
    pandas.DataFrame
        One row per changed pair: ``proposal_id``, ``proposal_title``, ``donor_id``,
        ``donor_name``, ``amount_before``, ``amount_after``, ``change`` and ``what``
        (``new grant``, ``grant dropped``, ``more`` or ``less``), largest change first.
    """
    keys = ["proposal_id", "donor_id"]
    left = before.allocations[[*keys, "proposal_title", "donor_name", "amount"]]
    right = after.allocations[[*keys, "proposal_title", "donor_name", "amount"]]
    merged = left.merge(right, on=keys, how="outer", suffixes=("_before", "_after"))
    merged["amount_before"] = merged["amount_before"].fillna(0.0)
    merged["amount_after"] = merged["amount_after"].fillna(0.0)
    merged["change"] = (merged["amount_after"] - merged["amount_before"]).round(2)
    merged = merged[merged["change"].abs() >= 0.01].copy()
    merged["proposal_title"] = merged["proposal_title_after"].fillna(
        merged["proposal_title_before"]
    )
    merged["donor_name"] = merged["donor_name_after"].fillna(merged["donor_name_before"])
    merged["what"] = np.select(
        [merged["amount_before"] == 0, merged["amount_after"] == 0, merged["change"] > 0],
        ["new grant", "grant dropped", "more"],
        default="less",
    )
    merged = merged.assign(size=merged["change"].abs()).sort_values(
        ["size", "proposal_id", "donor_id"], ascending=[False, True, True], kind="stable"
    )
    return merged[list(DIFF_COLUMNS)].reset_index(drop=True)


def _what_if_summary(
    before: AllocationPlan, after: AllocationPlan, diff: pd.DataFrame
) -> list[str]:
    cur = after.currency
    was = set(before.proposals.loc[before.proposals["closed"], "proposal_id"])
    now = set(after.proposals.loc[after.proposals["closed"], "proposal_id"])
    lines = [
        f"Gaps closed: {before.n_closed} -> {after.n_closed}; money placed: "
        f"{_money(before.amount_placed, cur)} -> {_money(after.amount_placed, cur)}; "
        f"match quality {before.match_quality:.3f} -> {after.match_quality:.3f}."
    ]
    if now - was:
        lines.append(f"Newly closed: {_listing(sorted(now - was))}.")
    if was - now:
        lines.append(f"No longer closed: {_listing(sorted(was - now))}.")
    lines.append(f"{len(diff)} grant(s) changed." if len(diff) else "No grant changed.")
    return lines
