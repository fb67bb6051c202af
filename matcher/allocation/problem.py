"""The planning problem: options, inputs checked and converted to one currency, what stands in the way."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import pandas as pd

from matcher.currency import RateTable, UnknownCurrencyError, load_rate_table
from matcher.errors import LifeWebMatchError
from matcher.words import counted, noun

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


def _are(n: int, word: str, verb: str, verb_plural: str) -> str:
    """``"1 donor has"`` / ``"3 donors have"``: a count, its noun and the verb agreeing."""
    return f"{counted(n, word)} {noun(n, verb, verb_plural)}"


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
        raise LifeWebMatchError(
            f"The {what} table lacks the {noun(len(missing), 'column')}: {', '.join(missing)}."
        )


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
            f"{_are(int(dup.sum()), 'proposal row', 'repeats', 'repeat')} an id already seen "
            f"and {noun(int(dup.sum()), 'is', 'are')} left out: "
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
            f"{_are(int(no_currency.sum()), 'proposal', 'gives', 'give')} no currency; "
            f"{noun(int(no_currency.sum()), 'its amounts are', 'their amounts are')} taken "
            f"as {cur}: {_listing(prop.loc[no_currency, 'proposal_id'].tolist())}."
        )
    unknown_rows = req_unknown & ~dup.to_numpy()
    if unknown_rows.any():
        codes = sorted(set(prop.loc[unknown_rows, "currency"]))
        checks.append(
            f"{_are(int(unknown_rows.sum()), 'proposal', 'is', 'are')} in a currency the rate "
            "table does not "
            f"have ({', '.join(codes)}) and {noun(int(unknown_rows.sum()), 'is', 'are')} left out: "
            f"{_listing(prop.loc[unknown_rows, 'proposal_id'].tolist())}."
        )
        prop.loc[unknown_rows, "note"] = "currency without exchange rate"
    no_request = requested.isna().to_numpy() & ~dup.to_numpy() & ~unknown_rows
    if no_request.any():
        checks.append(
            f"{_are(int(no_request.sum()), 'proposal', 'states', 'state')} no requested amount, "
            f"so {noun(int(no_request.sum()), 'its gap is', 'their gap is')} "
            f"unknown; left out: {_listing(prop.loc[no_request, 'proposal_id'].tolist())}."
        )
        prop.loc[no_request, "note"] = "no requested amount"
    funded = (prop["note"] == "") & (prop["gap"] <= CENT)
    if funded.any():
        checks.append(
            f"{_are(int(funded.sum()), 'proposal', 'has', 'have')} already secured what "
            f"{noun(int(funded.sum()), 'it requests', 'they request')} (no gap): "
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
                f"The budgets file names {counted(len(unknown_ids), 'donor')} not in the donors "
                "table; "
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
            f"{_are(int(ddup.sum()), 'donor row', 'repeats', 'repeat')} an id already seen "
            f"and {noun(int(ddup.sum()), 'is', 'are')} left out: "
            f"{_listing(sorted(set(don.loc[ddup, 'donor_id'])))}."
        )
    bad_currency = (budget_unknown | ticket_unknown) & ~ddup.to_numpy()
    if bad_currency.any():
        codes = sorted(set(budget_currency[bad_currency]) | set(don.loc[bad_currency, "currency"]))
        checks.append(
            f"{_are(int(bad_currency.sum()), 'donor', 'is', 'are')} in a currency the rate "
            "table does not have "
            f"({', '.join(c for c in codes if c)}) and {noun(int(bad_currency.sum()), 'is', 'are')} "
            "left out: "
            f"{_listing(don.loc[bad_currency, 'donor_id'].tolist())}."
        )
        don.loc[bad_currency, "note"] = "currency without exchange rate"
    open_rows = don["note"] == ""
    no_budget = open_rows & np.isnan(don["budget"].to_numpy())
    if no_budget.any():
        checks.append(
            f"{_are(int(no_budget.sum()), 'donor', 'has', 'have')} no budget for the round "
            "(no annual budget and no line in a budgets file), so "
            f"{noun(int(no_budget.sum()), 'it is', 'they are')} left out: "
            f"{_listing(don.loc[no_budget, 'donor_id'].tolist())}."
        )
        don.loc[no_budget, "note"] = "no budget"
    open_rows = don["note"] == ""
    inverted = open_rows & (don["min_ticket"] > don["max_ticket"])
    if inverted.any():
        checks.append(
            f"{_are(int(inverted.sum()), 'donor', 'has', 'have')} a minimum ticket above "
            f"{noun(int(inverted.sum()), 'its', 'their')} maximum ticket "
            f"and {noun(int(inverted.sum()), 'is', 'are')} left out: {_listing(don.loc[inverted, 'donor_id'].tolist())}."
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
            f"{_are(int(starved.sum()), 'donor', 'has', 'have')} a budget below "
            f"{noun(int(starved.sum()), 'its', 'their')} own minimum ticket and "
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
            f"{_are(int(unknown_pairs.sum()), 'scored pair', 'names', 'name')} a proposal or "
            f"donor not in the tables and {noun(int(unknown_pairs.sum()), 'is', 'are')} ignored."
        )
    raw = raw[~unknown_pairs]
    no_score = raw["score"].isna()
    raw = raw.assign(score=raw["score"].fillna(0.0))
    if (no_score & raw["eligible"]).any():
        checks.append(
            f"{_are(int((no_score & raw['eligible']).sum()), 'eligible pair', 'has', 'have')} "
            f"no score; {noun(int((no_score & raw['eligible']).sum()), 'it counts', 'they count')} "
            "as score 0."
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
            f"{_are(len(orphans), 'proposal', 'has', 'have')} no eligible donor with a budget "
            "this round and "
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
                f"Total gap {_money(total_gap, cur)} across "
                f"{counted(int(prop['in_plan'].sum()), 'proposal')} is larger than the total donor budget {_money(total_budget, cur)}: "
                f"at most {share:.0%} of it can be closed.",
            )
        else:
            checks.insert(
                0,
                f"Total donor budget {_money(total_budget, cur)} covers the total gap "
                f"{_money(total_gap, cur)} across {counted(int(prop['in_plan'].sum()), 'proposal')}; "
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
                f"exceed the cap of {counted(cap, 'donor')} per proposal."
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
