"""The co-funding plan page: who pays for what, with reasons, reserves and what-if.

The page plans the stored portfolio with :mod:`matcher.allocate` on the scores the Matches
page shows (same weights). Every finding and table is user text shown as text; every
download goes through the formula-safe export.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd
import streamlit as st

from matcher.allocate import (
    AllocationPlan,
    AllocationProblem,
    PlanOptions,
    WhatIf,
    build_problem,
    parse_pair,
    solve,
    what_if,
)
from matcher.currency import load_rate_table
from matcher.errors import LifeWebMatchError
from matcher.export import to_csv_bytes
from ui import matching, services
from ui.layout import WRAPPED_ROW_PX
from ui.pages import display_currency, linked_tabs
from ui.safe import escape_markdown
from ui.words import counted, noun

__all__ = [
    "export_csv",
    "kept_plan",
    "parse_pair_lines",
    "plan_inputs_key",
    "read_budgets",
    "render",
    "scored_pairs",
]

PLAN_KEY_STATE = "plan_inputs"
WHAT_IF_STATE = "plan_what_if"
_KEEP_PLANS = 8
OBJECTIVE_LABELS = {
    "count": "Close as many gaps as possible",
    "amount": "Place as much money as possible",
}
PAGE_TIME_LIMIT = 30.0


def scored_pairs(
    found: matching.Analysis,
    weights: Mapping[str, float],
    *,
    explain: Collection[tuple[str, str]] = (),
) -> pd.DataFrame:
    """Every proposal-donor pair with its score and eligibility, at the given weights.

    Reasons are written only for the pairs in ``explain`` (forced pairs), to stay fast.
    """
    scores = found.scores
    combined = np.asarray(scores.combine(dict(weights)), dtype=float)
    n_p, n_d = combined.shape
    p_idx, d_idx = np.divmod(np.arange(n_p * n_d), n_d)
    frame = pd.DataFrame(
        {
            "proposal_id": scores.proposal_ids[p_idx].astype(str),
            "donor_id": scores.donor_ids[d_idx].astype(str),
            "score": np.round(combined.ravel(), 4),
            "eligible": scores.reason_codes.ravel() == 0,
        }
    )
    frame["reasons"] = ""
    for p, d in explain:
        if p in found.proposal_position and d in found.donor_position:
            i, j = found.proposal_position[p], found.donor_position[d]
            frame.loc[i * n_d + j, "reasons"] = scores.reasons(i, j)
    return frame


def parse_pair_lines(text: str) -> list[tuple[str, str]]:
    """Pairs typed one per line (or separated by commas) as ``PROPOSAL_ID:DONOR_ID``."""
    items = [part.strip() for line in text.splitlines() for part in line.split(",")]
    return [parse_pair(item) for item in items if item]


def read_budgets(data: bytes, filename: str) -> pd.DataFrame:
    """An uploaded budgets file (``donor_id``, ``budget``, ``currency``) as text cells.

    Raises
    ------
    matcher.errors.LifeWebMatchError
        When the file is not a readable CSV/xlsx or lacks the columns, with the reason.
    """
    from matcher.read import read_table  # the guarded reader every upload goes through

    try:
        frame = read_table(data, filename=filename).frame
    except ValueError as error:
        raise LifeWebMatchError(f"The budgets file {filename} cannot be read: {error}") from error
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in ("donor_id", "budget") if c not in frame.columns]
    if missing:
        raise LifeWebMatchError(
            f"The budgets file {filename} lacks the {noun(len(missing), 'column')} "
            f"{', '.join(missing)}; it needs "
            "donor_id, budget and optionally currency."
        )
    return frame


def export_csv(table: pd.DataFrame) -> bytes:
    """A plan table as formula-safe UTF-8 CSV with BOM (Excel shows accents)."""
    return to_csv_bytes(table, bom=True)


def _show_lines(lines: tuple[str, ...] | list[str], *, kind: str) -> None:
    show = st.warning if kind == "warning" else st.info
    for line in lines:
        show(
            escape_markdown(line),
            icon=":material/info:" if kind == "info" else ":material/warning:",
        )


def _options_form(found: matching.Analysis) -> dict[str, object]:
    """The planning options as last submitted (or their defaults), and whether just now."""
    rates = load_rate_table()
    dates = sorted({d.date().isoformat() for d in rates.frame["date"]}, reverse=True)
    with st.form("plan_options"):
        left, right = st.columns(2)
        objective = left.radio(
            "Objective",
            list(OBJECTIVE_LABELS),
            format_func=OBJECTIVE_LABELS.get,
            key="plan_objective",
            help="Ties are broken by the best match quality: score x share of the gap covered.",
        )
        cap = left.number_input(
            "Most donors per proposal (0: no cap)",
            min_value=0,
            max_value=50,
            value=0,
            step=1,
            key="plan_cap",
        )
        candidates = left.slider(
            "Best-scoring eligible donors per proposal the plan may use",
            min_value=3,
            max_value=max(3, len(found.scores.donor_ids)),
            value=min(20, max(3, len(found.scores.donor_ids))),
            key="plan_candidates",
        )
        currency = right.selectbox(
            "Plan currency",
            rates.currencies,
            # Opens in the app-wide display currency; a plan may still be made in another.
            index=rates.currencies.index(
                display_currency() if display_currency() in rates.currencies else "USD"
            ),
            key="plan_currency",
        )
        rate_date = right.selectbox("Exchange rates of", dates, index=0, key="plan_rate_date")
        budgets_file = right.file_uploader(
            "Budgets for this round (optional CSV/xlsx: donor_id, budget, currency)",
            type=["csv", "xlsx"],
            key="plan_budgets",
        )
        force_text = st.text_area(
            "Forced pairs (PROPOSAL_ID:DONOR_ID, one per line)", key="plan_force", height=80
        )
        forbid_text = st.text_area(
            "Forbidden pairs (PROPOSAL_ID:DONOR_ID, one per line)", key="plan_forbid", height=80
        )
        submitted = st.form_submit_button("Plan", type="primary", icon=":material/calculate:")
    return {
        "objective": objective,
        "cap": int(cap) or None,
        "candidates": int(candidates),
        "currency": currency,
        "rate_date": rate_date,
        "budgets_file": budgets_file,
        "force": force_text or "",
        "forbid": forbid_text or "",
        "submitted": submitted,
    }


class _PlanCache:
    """The newest plans by their inputs, shared by every session of this process."""

    def __init__(self) -> None:
        self.plans: OrderedDict[str, tuple[AllocationProblem, AllocationPlan]] = OrderedDict()
        self.lock = threading.Lock()


@st.cache_resource
def _plan_cache() -> _PlanCache:
    return _PlanCache()


def plan_inputs_key(
    fingerprint: str, weights: Mapping[str, float], chosen: Mapping[str, object]
) -> str:
    """What a plan depends on, as one key: the data, the weights and every option.

    A budgets file counts by its bytes, so the same file uploaded again keeps the plan.
    """
    upload = chosen.get("budgets_file")
    budgets = hashlib.sha256(upload.getvalue()).hexdigest() if upload is not None else ""
    options = {k: v for k, v in chosen.items() if k not in ("budgets_file", "submitted")}
    described = json.dumps(
        [fingerprint, sorted(dict(weights).items()), sorted(options.items()), budgets],
        default=str,
    )
    return hashlib.sha256(described.encode()).hexdigest()


def kept_plan(key: str) -> tuple[AllocationProblem, AllocationPlan] | None:
    """The plan solved for exactly these inputs, by this session or another, if any."""
    cache = _plan_cache()
    with cache.lock:
        found = cache.plans.get(key)
        if found is not None:
            cache.plans.move_to_end(key)
    return found


def _keep_plan(key: str, result: tuple[AllocationProblem, AllocationPlan]) -> None:
    cache = _plan_cache()
    with cache.lock:
        cache.plans[key] = result
        while len(cache.plans) > _KEEP_PLANS:
            cache.plans.popitem(last=False)


def _make_plan(
    found: matching.Analysis, chosen: dict[str, object]
) -> tuple[AllocationProblem, AllocationPlan]:
    data = services.portfolio()
    force = parse_pair_lines(str(chosen["force"]))
    forbid = parse_pair_lines(str(chosen["forbid"]))
    budgets = None
    upload = chosen["budgets_file"]
    if upload is not None:
        budgets = read_budgets(upload.getvalue(), upload.name)
    pairs = scored_pairs(found, matching.active_weights(), explain=set(force))
    problem = build_problem(
        pairs,
        data.proposals,
        data.donors,
        budgets=budgets,
        force=force,
        forbid=forbid,
        options=PlanOptions(
            objective=chosen["objective"],  # type: ignore[arg-type]
            max_donors_per_proposal=chosen["cap"],  # type: ignore[arg-type]
            currency=str(chosen["currency"]),
            rate_date=str(chosen["rate_date"]),
            candidates_per_proposal=int(chosen["candidates"]),  # type: ignore[arg-type]
            time_limit=PAGE_TIME_LIMIT,
        ),
    )
    n_pairs = len(problem.eligible)
    with st.status(
        f"Solving the plan: {counted(len(problem.proposals), 'proposal')}, "
        f"{counted(len(problem.donors), 'donor')}, {counted(n_pairs, 'eligible pair')}; at most {PAGE_TIME_LIMIT:.0f} s (kept afterwards "
        "for every session until the data, the weights or the options change)…",
        expanded=False,
    ) as status:
        started = time.perf_counter()
        plan = solve(problem)
        status.update(label=f"Solved in {time.perf_counter() - started:,.1f} s.", state="complete")
    return problem, plan


def _render_plan(plan: AllocationPlan) -> None:
    cur = plan.currency
    closed, placed, quality = st.columns(3)
    closed.metric("Gaps closed in full", f"{plan.n_closed} of {plan.n_open}")
    placed.metric(
        f"Money placed ({cur})",
        f"{plan.amount_placed:,.0f}",
        help=f"of {plan.total_budget:,.0f} budget",
    )
    quality.metric(
        "Match quality",
        f"{plan.match_quality:.2f}",
        help="Sum over grants of score x share of the gap covered.",
    )
    for line in plan.summary():
        st.caption(escape_markdown(line))
    tables = (
        ("Grants", plan.allocations, "Download the plan (CSV)", "co-funding-plan", "grants"),
        (
            "Per proposal",
            plan.proposals,
            "Download per proposal (CSV)",
            "co-funding-plan-proposals",
            "proposals",
        ),
        ("Per donor", plan.donors, "Download per donor (CSV)", "co-funding-plan-donors", "donors"),
    )
    for tab, (_, table, label, file_stem, key) in zip(
        linked_tabs([t[0] for t in tables], name="table"), tables, strict=True
    ):
        with tab:
            st.dataframe(
                table,
                hide_index=True,
                width="stretch",
                row_height=WRAPPED_ROW_PX,
                column_order=_deciding_first(table),
                column_config=_headers(table),
            )
            st.download_button(
                label,
                data=export_csv(table),
                file_name=f"{file_stem}.csv",
                mime="text/csv",
                icon=":material/download:",
                on_click="ignore",
                key=f"plan_download_{key}",
            )


def _render_what_if(problem: AllocationProblem, plan: AllocationPlan) -> None:
    st.subheader("What if…")
    donors = problem.donors[problem.donors["in_plan"]]
    with st.form("plan_what_if_form"):
        left, right = st.columns(2)
        names = dict(zip(donors["donor_id"], donors["name"], strict=True))
        donor = left.selectbox(
            "Change the budget of donor",
            ["(none)", *donors["donor_id"].tolist()],
            format_func=lambda d: names.get(d) or d,
            key="what_if_donor",
        )
        budget = left.number_input(
            f"New budget ({plan.currency})",
            min_value=0.0,
            value=0.0,
            step=100_000.0,
            key="what_if_budget",
        )
        force_text = right.text_input("Force a pair (PROPOSAL_ID:DONOR_ID)", key="what_if_force")
        forbid_text = right.text_input("Forbid a pair (PROPOSAL_ID:DONOR_ID)", key="what_if_forbid")
        submitted = st.form_submit_button("Re-plan and compare", icon=":material/compare_arrows:")
    if submitted:
        budgets = {str(donor): float(budget)} if donor != "(none)" else None
        change = what_if(
            problem,
            plan,
            budgets=budgets,
            force=parse_pair_lines(force_text or ""),
            forbid=parse_pair_lines(forbid_text or ""),
        )
        st.session_state[WHAT_IF_STATE] = change
    change: WhatIf | None = st.session_state.get(WHAT_IF_STATE)
    if change is None:
        return
    for line in change.summary:
        st.info(escape_markdown(line), icon=":material/compare_arrows:")
    new_checks = [c for c in change.problem.checks if c not in problem.checks]
    _show_lines(new_checks, kind="warning")
    if not change.diff.empty:
        st.dataframe(
            change.diff, hide_index=True, width="stretch", column_config=_headers(change.diff)
        )
        st.download_button(
            "Download what moved (CSV)",
            data=export_csv(change.diff),
            file_name="co-funding-what-if.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key="plan_download_diff",
        )


def render() -> None:
    """The whole page: options, findings before solving, the plan, what-if."""
    st.title("Co-funding plan")
    st.caption(
        "Spreads donor budgets across the open funding gaps: first as many gaps closed in full "
        "as possible (or as much money placed), then the best-matching plan among those. "
        "Scores use the weights set on the Matches page."
    )
    found = matching.analysis()
    if found is None:
        st.info("There are no proposals or no donors in the database yet.", icon=":material/info:")
        return
    chosen = _options_form(found)
    key = plan_inputs_key(services.portfolio().fingerprint, matching.active_weights(), chosen)
    result = kept_plan(key)
    if result is None and chosen["submitted"]:
        try:
            result = _make_plan(found, chosen)
        except LifeWebMatchError as error:
            st.error(escape_markdown(str(error)), icon=":material/error:")
            return
        _keep_plan(key, result)
    if st.session_state.get(PLAN_KEY_STATE) != key:
        st.session_state.pop(WHAT_IF_STATE, None)  # a what-if belongs to one plan
    if result is None:
        if st.session_state.get(PLAN_KEY_STATE) is not None:
            st.info(
                "The data, the weights or the options changed since the last plan. Press "
                "Plan to solve it again.",
                icon=":material/refresh:",
            )
        else:
            st.info(
                "Choose the options and press Plan: the plan is solved when you ask for it "
                "and kept until the data, the weights or the options change.",
                icon=":material/calculate:",
            )
        return
    st.session_state[PLAN_KEY_STATE] = key
    problem, plan = result
    with st.expander("Before solving: what stands in the way", expanded=True):
        _show_lines(problem.checks, kind="info")
    _show_lines(plan.checks[len(problem.checks) :], kind="warning")
    _render_plan(plan)
    _render_what_if(problem, plan)


# Who or what the row is, then where it stands (its status, the amount): at 1280x800 these
# fit beside the sidebar, and on a 390 px phone the first two do (an id and the status, or the
# proposal and its donor). Long titles and statuses wrap in four-line rows.
_PLAN_LEAD = {
    "grants": ("proposal_id", "proposal_title", "donor_name", "amount", "share_of_gap", "score"),
    "proposals": ("proposal_id", "status", "title", "gap_left", "allocated"),
    "donors": ("donor_id", "status", "name", "allocated", "budget_left"),
}
_PLAN_WIDTHS = {
    "proposal_id": 90,
    "donor_id": 90,
    "proposal_title": 200,
    "title": 200,
    "donor_name": 150,
    "name": 150,
    "status": 250,
}


def _deciding_first(table: pd.DataFrame) -> list[str]:
    """The table's columns with the ones a person decides on first (see ``_PLAN_LEAD``)."""
    lead = next((cols for cols in _PLAN_LEAD.values() if all(c in table.columns for c in cols)), ())
    return [*lead, *[c for c in table.columns if c not in lead]]


# The plan's columns as the page heads them; the CSV keeps the engine's names (README).
PLAN_HEADERS = {
    "proposal_id": "proposal id",
    "donor_id": "donor id",
    "proposal_title": "proposal",
    "donor_name": "donor",
    "n_grants": "grants",
    "n_donors": "donors",
    "share_of_gap": "share of the gap",
    "in_plan": "in the plan",
}


def _headers(table: pd.DataFrame) -> dict[str, object]:
    """Column labels in words ("share of the gap", "budget left"), never snake_case."""
    return {
        str(c): st.column_config.Column(
            PLAN_HEADERS.get(str(c), str(c).replace("_", " ")), width=_PLAN_WIDTHS.get(str(c))
        )
        for c in table.columns
    }
