"""An event's list and pipeline as tables: where each donor-proposal pair stands, and the totals.

Pure functions over the frames the store returns (:meth:`Store.event_rows`,
:meth:`Store.event_pipeline`, :meth:`Store.latest_decisions`) and the pair scores the
engine gives; no database and no Streamlit here. Amounts are brought to the event's
currency with the shipped dated rates (:mod:`matcher.currency`), as of the event's date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from matcher.currency import RateTable, load_rate_table
from matcher.events.schedule import best_pairs
from matcher.store.models import EVENT_STAGES
from matcher.words import counted

__all__ = [
    "EVENT_LIST_COLUMNS",
    "STAGES",
    "EventSummary",
    "event_list",
    "event_summary",
    "latest_steps",
    "meeting_pairs",
    "to_currency",
]

STAGES: Final = EVENT_STAGES
"""invited -> met -> interested -> pledged, or declined at any point."""

EVENT_LIST_COLUMNS: Final = (
    "donor_id",
    "donor_name",
    "proposal_id",
    "title",
    "countries",
    "requested_amount",
    "currency",
    "score",
    "explanation",
    "decision",
    "stage",
    "pledged_amount",
    "pledged_currency",
    "stage_by",
    "stage_at",
    "note",
)


def latest_steps(log: pd.DataFrame) -> pd.DataFrame:
    """The newest pipeline step of each (proposal, donor) pair: where it stands now."""
    if log.empty:
        return log.copy()
    ordered = log.sort_values("step_id", kind="stable") if "step_id" in log else log
    return ordered.drop_duplicates(["proposal_id", "donor_id"], keep="last").reset_index(drop=True)


def _pair_key(frame: pd.DataFrame) -> pd.Series:
    return frame["proposal_id"].astype(str) + "\x1f" + frame["donor_id"].astype(str)


def event_list(
    rows: pd.DataFrame,
    *,
    scores: pd.DataFrame,
    log: pd.DataFrame,
    decisions: pd.DataFrame,
) -> pd.DataFrame:
    """One row per (donor, proposal) of the event with its score, explanation, decision and stage.

    Parameters
    ----------
    rows
        :meth:`Store.event_rows`.
    scores
        Pair scores: ``proposal_id``, ``donor_id``, ``score`` and optionally ``explanation``.
    log
        :meth:`Store.event_pipeline` (the event's steps).
    decisions
        The newest decision per pair (:meth:`Store.latest_decisions`).

    Returns
    -------
    pandas.DataFrame
        :data:`EVENT_LIST_COLUMNS`. A pair with no step recorded stands at ``invited``, by
        whoever put it on the list, when they did.
    """
    table = rows.reset_index(drop=True).copy()
    key = _pair_key(table)
    if scores.empty:
        score_of: Mapping[str, float] = {}
        words_of: Mapping[str, str] = {}
    else:
        unique = scores.drop_duplicates(["proposal_id", "donor_id"])
        index = _pair_key(unique)
        score_of = dict(zip(index, pd.to_numeric(unique["score"], errors="coerce"), strict=True))
        words = (
            unique["explanation"] if "explanation" in unique else pd.Series("", index=unique.index)
        )
        words_of = dict(zip(index, words.fillna("").astype(str), strict=True))
    table["score"] = key.map(score_of).astype("float64")
    table["explanation"] = key.map(words_of).astype(object).fillna("").astype(str)
    if decisions.empty:
        table["decision"] = ""
    else:
        latest = decisions.drop_duplicates(["proposal_id", "donor_id"], keep="last")
        table["decision"] = key.map(dict(zip(_pair_key(latest), latest["status"], strict=True)))
        table["decision"] = table["decision"].astype(object).fillna("").astype(str)
    steps = latest_steps(log)
    if steps.empty:
        found = pd.DataFrame(index=table.index, columns=["stage", "amount", "currency"])
        at = pd.Series(pd.NaT, index=table.index)
        by = pd.Series(np.nan, index=table.index, dtype=object)
    else:
        by_key = steps.set_index(_pair_key(steps))
        found = by_key.reindex(key)[["stage", "amount", "currency"]].reset_index(drop=True)
        at = by_key["happened_at"].reindex(key).reset_index(drop=True)
        by = by_key["recorded_by"].reindex(key).reset_index(drop=True)
    has_step = found["stage"].notna()
    table["stage"] = found["stage"].where(has_step, "invited").astype(str)
    pledged = table["stage"] == "pledged"
    table["pledged_amount"] = pd.to_numeric(found["amount"], errors="coerce").where(pledged)
    table["pledged_currency"] = found["currency"].where(pledged, "").fillna("").astype(str)
    table["stage_by"] = by.where(has_step, table["added_by"]).fillna("").astype(str)
    table["stage_at"] = pd.to_datetime(at.where(has_step, table["added_at"]), utc=True)
    return table[list(EVENT_LIST_COLUMNS)]


def to_currency(
    amounts: pd.Series,
    currencies: pd.Series,
    currency: str,
    *,
    on: str | None,
    rates: RateTable | None = None,
) -> pd.Series:
    """Amounts in ``currency`` as of ``on``; an amount with no currency is taken as ``currency``."""
    table = rates or load_rate_table()
    values = pd.to_numeric(amounts, errors="coerce").to_numpy(dtype=float)
    codes = currencies.fillna("").astype(str).str.strip().str.upper().replace("", currency)
    if len(values) == 0:
        return pd.Series([], index=amounts.index, dtype="float64")
    converted = table.convert(values, codes.tolist(), currency, on=on or None)
    return pd.Series(converted, index=amounts.index, dtype="float64")


@dataclass(frozen=True)
class EventSummary:
    """Pledged against requested for one event, in its currency.

    ``by_donor``: ``donor_id``, ``donor_name``, ``proposals`` (on the donor's list),
    ``requested`` (what those proposals ask), ``pledges``, ``pledged``.
    ``by_country``: ``country`` (ISO3), ``proposals``, ``requested``, ``pledged``; a
    proposal of several countries is shared equally between them.
    """

    currency: str
    rate_date: str
    n_proposals: int
    requested: float
    pledged: float
    n_pledges: int
    by_donor: pd.DataFrame
    by_country: pd.DataFrame

    def sentence(self) -> str:
        """The totals in one sentence."""
        share = f" ({self.pledged / self.requested:.0%} of it)" if self.requested else ""
        verb = "totals" if self.n_pledges == 1 else "total"
        return (
            f"{counted(self.n_pledges, 'pledge')} {verb} {self.pledged:,.0f} {self.currency} "
            f"against {self.requested:,.0f} {self.currency} requested by "
            f"{counted(self.n_proposals, 'proposal')}{share}; amounts in {self.currency} at "
            f"the rates of {self.rate_date}."
        )


def event_summary(
    table: pd.DataFrame,
    *,
    currency: str,
    on: str | None,
    rates: RateTable | None = None,
) -> EventSummary:
    """Totals of an :func:`event_list` table by donor and by country, in ``currency``.

    Requested amounts count each proposal once for the event (and once per donor whose list
    it is on, in ``by_donor``); pledges are the pairs whose newest step is ``pledged``.
    """
    rates = rates or load_rate_table()
    cur = currency.strip().upper()
    frame = table.copy()
    frame["requested_cur"] = to_currency(
        frame["requested_amount"], frame["currency"], cur, on=on, rates=rates
    )
    frame["pledged_cur"] = to_currency(
        frame["pledged_amount"].fillna(0.0), frame["pledged_currency"], cur, on=on, rates=rates
    )
    proposals = frame.drop_duplicates("proposal_id")
    donors = frame[frame["donor_id"] != ""]
    by_donor = (
        donors.groupby(["donor_id", "donor_name"], sort=False)
        .agg(
            proposals=("proposal_id", "nunique"),
            requested=("requested_cur", "sum"),
            pledges=("pledged_amount", "count"),
            pledged=("pledged_cur", "sum"),
        )
        .reset_index()
        .sort_values(["pledged", "donor_name"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    pledged_by_proposal = frame.groupby("proposal_id")["pledged_cur"].sum()
    shares = []
    for row in proposals.itertuples(index=False):
        countries = tuple(row.countries) or ("",)
        part = 1.0 / len(countries)
        for country in countries:
            shares.append(
                {
                    "country": country,
                    "proposal_id": row.proposal_id,
                    "requested": row.requested_cur * part if pd.notna(row.requested_cur) else 0.0,
                    "pledged": float(pledged_by_proposal.get(row.proposal_id, 0.0)) * part,
                }
            )
    long = pd.DataFrame(shares, columns=["country", "proposal_id", "requested", "pledged"])
    by_country = (
        long.groupby("country", sort=False)
        .agg(
            proposals=("proposal_id", "nunique"),
            requested=("requested", "sum"),
            pledged=("pledged", "sum"),
        )
        .reset_index()
        .sort_values(["pledged", "requested", "country"], ascending=[False, False, True])
        .reset_index(drop=True)
    )
    return EventSummary(
        currency=cur,
        rate_date=rates.rate_date(cur, on or None).date().isoformat(),
        n_proposals=len(proposals),
        requested=float(proposals["requested_cur"].fillna(0.0).sum()),
        pledged=float(frame["pledged_cur"].sum()),
        n_pledges=int(frame["pledged_amount"].notna().sum()),
        by_donor=by_donor,
        by_country=by_country,
    )


def meeting_pairs(table: pd.DataFrame) -> pd.DataFrame:
    """Candidate meetings: ``donor`` (id), ``delegation`` (ISO3 country), ``score``.

    A delegation brings all its country's proposals on the donor's list to one meeting,
    so the meeting is worth the best of them; declined pairs are not met again.
    """
    rows = table[(table["donor_id"] != "") & (table["stage"] != "declined")]
    long = (
        rows[["donor_id", "countries", "score"]].explode("countries").dropna(subset=["countries"])
    )
    long = long.assign(score=pd.to_numeric(long["score"], errors="coerce").fillna(0.0))
    return best_pairs(long, donor="donor_id", delegation="countries", score="score")
