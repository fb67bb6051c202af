"""Match filters and view state, and their round trip through the URL (``st.query_params``).

A colleague who opens a copied link sees the same view: which side is ranked, the donor or
proposal picked, every filter and the weights. The state is a plain frozen dataclass so it
can be tested without Streamlit; the page turns widgets into a :class:`MatchView` and back.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from functools import cache

import numpy as np
import pandas as pd

import matcher
from matcher import reference, words
from matcher.words import key_words

__all__ = [
    "GROUP_FLAGS",
    "ORDERS",
    "SORTS",
    "VIEWS",
    "WEIGHT_MAX",
    "MatchView",
    "country_regions",
    "effective_gbf_targets",
    "is_closed_status",
    "proposal_mask",
    "region_options",
    "sort_pairs",
    "url_notes",
]

VIEWS = ("donor", "proposal")
# How the ranked rows can be ordered, in words; "match" is the engine's ranking (eligible
# first, then score), the default.
SORTS = {
    "match": "best match (eligible first)",
    "score": "score",
    "request": "requested amount",
    "name": "proposal title or donor name",
}
ORDERS = {"desc": "descending", "asc": "ascending"}
GROUP_FLAGS = {"LDC": "ldc", "LLDC": "lldc", "SIDS": "sids"}
_LIST_SEPARATOR = ","
# Statuses that mean the proposal needs no more money: hidden from Matches unless asked for.
CLOSED_STATUSES = frozenset(
    {"funded", "fully funded", "closed", "completed", "financed", "financé", "financiado"}
)
_WEIGHT_PREFIX = "w_"
WEIGHT_MAX = 1.0
"""The weight sliders go from 0 to 1; a link's weights are held to that range."""


@dataclass(frozen=True)
class MatchView:
    """Everything that decides what the Matches page shows; the URL carries all of it.

    ``weights`` holds only the weights the user moved away from the preset; an empty
    mapping means "the preset as shipped".
    """

    view: str = "donor"
    donor_id: str = ""
    proposal_id: str = ""
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    aichi_targets: tuple[int, ...] = ()
    gbf_targets: tuple[int, ...] = ()
    ecosystems: tuple[str, ...] = ()
    amount_min: float | None = None
    amount_max: float | None = None
    statuses: tuple[str, ...] = ()
    nbsap_only: bool = False  # only proposals serving a stored national target
    min_score: float = 0.0
    eligible_only: bool = False
    include_funded: bool = False
    sort: str = "match"
    order: str = "desc"
    currency: str = "USD"
    explain: str = ""
    round_id: int | None = None
    preset: str = "in_force"  # the weights in force (ui.weights): the preset, or an adopted set
    weights: Mapping[str, float] = field(default_factory=dict)

    # --- URL round trip ------------------------------------------------------------
    def to_query_params(self) -> dict[str, str]:
        """Only the values that differ from the defaults, as short URL parameters."""
        default = MatchView()
        params: dict[str, str] = {}
        # Only the picked side's id: the other one would be a stale leftover in a shared link.
        unused = "proposal_id" if self.view == "donor" else "donor_id"
        for spec in fields(self):
            name = spec.name
            value = getattr(self, name)
            if name == unused:
                continue
            if name == "weights":
                for component, weight in sorted(value.items()):
                    params[_WEIGHT_PREFIX + component] = _format_number(weight)
                continue
            if value == getattr(default, name):
                continue
            if isinstance(value, tuple):
                params[name] = _LIST_SEPARATOR.join(str(v) for v in value)
            elif isinstance(value, bool):
                params[name] = "1" if value else "0"
            elif isinstance(value, float):
                params[name] = _format_number(value)
            else:
                params[name] = str(value)
        return params

    @classmethod
    def from_query_params(cls, params: Mapping[str, object]) -> MatchView:
        """Read a view from URL parameters; unknown or malformed values fall back to defaults.

        A hand-edited link must never break the page, so nothing here raises.

        Parameters
        ----------
        params
            ``st.query_params`` as a mapping; a repeated key's last value counts.

        Returns
        -------
        MatchView
        """
        flat = {key: _last(value) for key, value in params.items()}
        default = cls()
        view = flat.get("view", default.view)
        weights: dict[str, float] = {}
        for key, raw in flat.items():
            if key.startswith(_WEIGHT_PREFIX) and key[len(_WEIGHT_PREFIX) :] in matcher.COMPONENTS:
                weight = _parse_float(raw)
                if weight is not None and weight >= 0:
                    weights[key[len(_WEIGHT_PREFIX) :]] = min(weight, WEIGHT_MAX)
        min_score = _parse_float(flat.get("min_score"))
        currency = flat.get("currency", "").strip().upper()
        sort = flat.get("sort", "").strip().lower()
        order = flat.get("order", "").strip().lower()
        return cls(
            view=view if view in VIEWS else default.view,
            donor_id=flat.get("donor_id", "").strip(),
            proposal_id=flat.get("proposal_id", "").strip(),
            regions=_split_text(flat.get("regions", "")),
            countries=tuple(c.upper() for c in _split_text(flat.get("countries", ""))),
            groups=tuple(
                g
                for g in (v.upper() for v in _split_text(flat.get("groups", "")))
                if g in GROUP_FLAGS
            ),
            aichi_targets=_split_ints(flat.get("aichi_targets", ""), 1, 20),
            gbf_targets=_split_ints(flat.get("gbf_targets", ""), 1, 23),
            ecosystems=_split_text(flat.get("ecosystems", "")),
            amount_min=_parse_amount(flat.get("amount_min")),
            amount_max=_parse_amount(flat.get("amount_max")),
            statuses=_split_text(flat.get("statuses", "")),
            min_score=min(max(min_score, 0.0), 1.0) if min_score is not None else 0.0,
            eligible_only=flat.get("eligible_only", "0").lower() in {"1", "true", "yes"},
            nbsap_only=flat.get("nbsap_only", "0").lower() in {"1", "true", "yes"},
            include_funded=flat.get("include_funded", "0").lower() in {"1", "true", "yes"},
            sort=sort if sort in SORTS else default.sort,
            order=order if order in ORDERS else default.order,
            currency=currency if currency in ("USD", "EUR") else default.currency,
            explain=flat.get("explain", "").strip(),
            round_id=_parse_round(flat.get("round_id")),
            preset=flat.get("preset", "").strip() or default.preset,
            weights=weights,
        )

    # --- what the filters say ------------------------------------------------------
    @property
    def has_proposal_filters(self) -> bool:
        """Whether any filter narrows the set of proposals (not counting score filters)."""
        return bool(
            self.regions
            or self.countries
            or self.groups
            or self.aichi_targets
            or self.gbf_targets
            or self.ecosystems
            or self.statuses
            or self.nbsap_only
            or self.amount_min is not None
            or self.amount_max is not None
            or self.round_id is not None
        )

    def describe(self) -> str:
        """The active filters in words, for a caption above the results."""
        parts: list[str] = []
        if self.round_id is not None:
            parts.append("only the proposals of the saved upload")
        if self.regions:
            parts.append("region " + " or ".join(self.regions))
        if self.countries:
            parts.append("country " + " or ".join(country_label(c) for c in self.countries))
        if self.groups:
            parts.append(" or ".join(self.groups))
        if self.aichi_targets:
            parts.append("Aichi " + ", ".join(str(t) for t in self.aichi_targets))
        if self.gbf_targets:
            parts.append("GBF " + ", ".join(str(t) for t in self.gbf_targets))
        if self.ecosystems:
            parts.append("ecosystem " + " or ".join(key_words(e) for e in self.ecosystems))
        if self.amount_min is not None or self.amount_max is not None:
            low = f"{self.amount_min:,.0f}" if self.amount_min is not None else "any"
            high = f"{self.amount_max:,.0f}" if self.amount_max is not None else "any"
            parts.append(f"request {self.currency} {low} to {high}")
        if self.nbsap_only:
            parts.append("serving a national target")
        if self.statuses:
            parts.append("status " + " or ".join(self.statuses))
        if self.min_score > 0:
            parts.append(f"score at least {self.min_score:.2f}")
        if self.eligible_only:
            parts.append("eligible only")
        if not self.include_funded:
            parts.append("funded and closed proposals hidden")
        return "; ".join(parts) if parts else "no filters"

    @property
    def is_ranked(self) -> bool:
        """Whether the rows come in the engine's order, best first (the default sort)."""
        return self.sort == "match" and self.order == "desc"

    def describe_sort(self) -> str:
        """The order of the rows in words ("sorted by requested amount, ascending")."""
        return f"sorted by {SORTS[self.sort]}, {ORDERS[self.order]}"


# --- reference lookups -----------------------------------------------------------------
@cache
def _country_table() -> pd.DataFrame:
    return reference.countries().set_index("iso3")


def country_label(iso3: str) -> str:
    """A country as the sidebar's filter shows it, "Fiji (FJI)"; an unknown code as it is."""
    table = _country_table()
    if iso3 not in table.index:
        return iso3
    return f"{words.country_name(iso3)} ({iso3})"


def region_options() -> list[str]:
    """UN M49 regions, sub-regions and intermediate regions, broadest first."""
    table = _country_table()
    options: list[str] = []
    for column in ("region", "sub_region", "intermediate_region"):
        for name in sorted(set(table[column]) - {""}):
            if name not in options:
                options.append(name)
    return options


@cache
def country_regions(iso3: str) -> frozenset[str]:
    """Every M49 region name ``iso3`` belongs to (region, sub-region, intermediate)."""
    table = _country_table()
    if iso3 not in table.index:
        return frozenset()
    row = table.loc[iso3]
    return frozenset(str(row[c]) for c in ("region", "sub_region", "intermediate_region") if row[c])


@cache
def _country_flag(iso3: str, flag: str) -> bool:
    table = _country_table()
    return bool(iso3 in table.index and table.at[iso3, flag])


@cache
def _aichi_to_gbf() -> dict[int, tuple[int, ...]]:
    links = reference.crosswalk()
    primary = links[links["relation"] == "primary"]
    return {
        int(aichi): tuple(sorted(int(g) for g in group["gbf_target"]))
        for aichi, group in primary.groupby("aichi_target")
    }


def effective_gbf_targets(aichi_targets: Iterable[int], gbf_targets: Iterable[int]) -> set[int]:
    """GBF targets a proposal serves: declared ones plus primary successors of its Aichi ones."""
    crosswalk = _aichi_to_gbf()
    served = {int(t) for t in gbf_targets}
    for aichi in aichi_targets:
        served.update(crosswalk.get(int(aichi), ()))
    return served


# --- filtering -------------------------------------------------------------------------
def _as_tuple(value: object) -> tuple:
    if isinstance(value, tuple | list | set | frozenset | np.ndarray):
        return tuple(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(";") if v.strip())
    return (value,)


def is_closed_status(status: object) -> bool:
    """Whether a funding status means the proposal needs no more money ("funded", "closed")."""
    return str(status or "").strip().casefold() in CLOSED_STATUSES


def proposal_mask(proposals: pd.DataFrame, view: MatchView) -> pd.Series:
    """Which proposals pass the view's proposal filters.

    Multi-valued filters match when any value overlaps (a Kenya-Uganda proposal is in
    "Eastern Africa" and in "UGA"); a proposal with no requested amount passes an amount
    filter only when no bound is set. GBF filters also accept Aichi targets through the
    crosswalk, so old and new proposals answer the same question. Ecosystems are the ones
    the score uses (``ecosystems_used``: declared, else detected in the text) when the
    frame carries them; amounts compare ``requested_display`` (the request in the view's
    display currency) when present. Funded and closed proposals pass only when
    ``include_funded`` is set.

    Parameters
    ----------
    proposals
        Contract proposal frame; a ``suggested_aichi_targets`` column, when present, stands
        in for the declared targets of proposals that declare none.
    view
        The filters to apply.

    Returns
    -------
    pandas.Series
        Booleans on ``proposals.index``.
    """
    mask = pd.Series(True, index=proposals.index)
    if proposals.empty:
        return mask
    countries = proposals["countries"].map(_as_tuple)
    if view.regions:
        wanted = set(view.regions)
        mask &= countries.map(lambda cs: any(country_regions(c) & wanted for c in cs))
    if view.countries:
        wanted_countries = set(view.countries)
        mask &= countries.map(lambda cs: bool(wanted_countries.intersection(cs)))
    if view.groups:
        flags = [GROUP_FLAGS[g] for g in view.groups]
        mask &= countries.map(lambda cs: any(_country_flag(c, f) for c in cs for f in flags))
    aichi = proposals["aichi_targets"].map(lambda v: {int(t) for t in _as_tuple(v)})
    if "suggested_aichi_targets" in proposals.columns:
        # Where a proposal declares nothing, the tagger's suggestions stand in for it.
        suggested = proposals["suggested_aichi_targets"].map(
            lambda v: {int(t) for t in _as_tuple(v)}
        )
        aichi = pd.Series(
            [a if a else s for a, s in zip(aichi, suggested, strict=True)], index=proposals.index
        )
    if view.aichi_targets:
        wanted_aichi = set(view.aichi_targets)
        mask &= aichi.map(lambda targets: bool(targets & wanted_aichi))
    if view.gbf_targets:
        wanted_gbf = set(view.gbf_targets)
        gbf = proposals["gbf_targets"].map(_as_tuple)
        served = pd.Series(
            [effective_gbf_targets(a, g) for a, g in zip(aichi, gbf, strict=True)],
            index=proposals.index,
        )
        mask &= served.map(lambda targets: bool(targets & wanted_gbf))
    if view.ecosystems:
        wanted_eco = set(view.ecosystems)
        column = "ecosystems_used" if "ecosystems_used" in proposals else "ecosystems"
        mask &= proposals[column].map(lambda v: bool(wanted_eco.intersection(_as_tuple(v))))
    amount_column = "requested_display" if "requested_display" in proposals else "requested_amount"
    amounts = pd.to_numeric(proposals[amount_column], errors="coerce")
    if view.amount_min is not None:
        mask &= amounts.ge(view.amount_min).fillna(False).astype(bool)
    if view.amount_max is not None:
        mask &= amounts.le(view.amount_max).fillna(False).astype(bool)
    if view.statuses:
        mask &= proposals["status"].fillna("").astype(str).isin(set(view.statuses))
    if view.nbsap_only:
        # ``serves_national_targets``: the codes served, ";"-joined (ui.national_targets).
        served = proposals.get("serves_national_targets", pd.Series("", index=proposals.index))
        mask &= served.fillna("").astype(str).str.strip().ne("")
    if not view.include_funded:
        mask &= ~proposals["status"].map(is_closed_status).astype(bool)
    if view.round_id is not None:
        uploads = (
            proposals["upload_id"] if "upload_id" in proposals else pd.Series(index=mask.index)
        )
        mask &= pd.to_numeric(uploads, errors="coerce").eq(view.round_id).fillna(False)
    return mask.astype(bool)


def pair_mask(pairs: pd.DataFrame, view: MatchView) -> pd.Series:
    """Which scored pairs pass the minimum score and the eligible-only switch.

    Parameters
    ----------
    pairs
        Frame with ``score`` (NaN counts as 0) and ``eligible``.
    view
        The view whose ``min_score`` and ``eligible_only`` apply.

    Returns
    -------
    pandas.Series
        Booleans on ``pairs.index``.
    """
    mask = pairs["score"].fillna(0.0) >= view.min_score
    if view.eligible_only:
        mask &= pairs["eligible"].astype(bool)
    return mask


def sort_pairs(
    pairs: pd.DataFrame, view: MatchView, requested: Mapping[str, float]
) -> pd.DataFrame:
    """The pairs in the order the view asks for (ties keep the engine's ranking).

    Parameters
    ----------
    pairs
        Ranked pairs, best first, with ``score``, ``proposal_id``, ``proposal_title`` and
        ``donor_name``.
    view
        Its ``sort`` and ``order``; ``name`` is the proposal title when ranking proposals
        for a donor, the donor's name when ranking donors for a proposal.
    requested
        Each proposal's request in the display currency, by proposal id (missing last).

    Returns
    -------
    pandas.DataFrame
        The same rows, reordered, index reset.
    """
    if pairs.empty or view.is_ranked:
        return pairs.reset_index(drop=True)
    ascending = view.order == "asc"
    if view.sort == "match":
        return pairs.iloc[::-1].reset_index(drop=True)
    if view.sort == "score":
        key = pd.to_numeric(pairs["score"], errors="coerce")
    elif view.sort == "request":
        key = pd.to_numeric(pairs["proposal_id"].astype(str).map(requested), errors="coerce")
    else:
        column = "proposal_title" if view.view == "donor" else "donor_name"
        key = pairs[column].fillna("").astype(str).str.casefold()
    ordered = pairs.assign(_key=key.to_numpy()).sort_values(
        "_key", ascending=ascending, kind="stable", na_position="last"
    )
    return ordered.drop(columns="_key").reset_index(drop=True)


# --- parsing helpers -------------------------------------------------------------------
def _last(value: object) -> str:
    if isinstance(value, list | tuple):
        return str(value[-1]) if value else ""
    return "" if value is None else str(value)


def _split_text(raw: str) -> tuple[str, ...]:
    seen: list[str] = []
    for part in raw.split(_LIST_SEPARATOR):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return tuple(seen)


def _split_ints(raw: str, low: int, high: int) -> tuple[int, ...]:
    numbers: list[int] = []
    for part in _split_text(raw):
        if part.isdigit() and low <= int(part) <= high and int(part) not in numbers:
            numbers.append(int(part))
    return tuple(sorted(numbers))


def url_notes(params: Mapping[str, object]) -> tuple[str, ...]:
    """What a hand-edited link asked for that the page cannot show, and what it shows instead.

    Weights go from 0 to 1 (the sliders' range): a larger one is set to 1, a negative,
    unreadable or unknown one is ignored. Nothing here raises.
    """
    notes = []
    for key, value in params.items():
        if not key.startswith(_WEIGHT_PREFIX):
            continue
        name, raw = key[len(_WEIGHT_PREFIX) :], _last(value)
        weight = _parse_float(raw)
        if name not in matcher.COMPONENTS:
            notes.append(f"The link names a weight '{name}' that does not exist; it was ignored.")
        elif weight is None or weight < 0:
            notes.append(f"The link's {name} weight '{raw}' is not a number from 0 to 1; ignored.")
        elif weight > WEIGHT_MAX:
            notes.append(
                f"The link's {name} weight {raw} is above the largest weight, "
                f"{WEIGHT_MAX:g}; it was set to {WEIGHT_MAX:g}."
            )
    return tuple(notes)


def _parse_float(raw: object) -> float | None:
    try:
        number = float(str(raw))
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _parse_amount(raw: object) -> float | None:
    number = _parse_float(raw) if raw not in (None, "") else None
    return number if number is not None and number >= 0 else None


def _parse_round(raw: object) -> int | None:
    text = "" if raw is None else str(raw).strip()
    return int(text) if text.isdigit() else None


def _format_number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
