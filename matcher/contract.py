"""The data contract: the columns every reader produces and every later step relies on.

In memory, a normalised frame holds one row per record with these columns (extra columns
from the uploaded file are kept after them, as they came):

* multi-valued cells are tuples: ``countries`` are ISO 3166 alpha-3 codes, targets are
  ints, ``ecosystems`` are names from :data:`ECOSYSTEMS`;
* amounts are floats (NaN when not given) in the row's ``currency`` (ISO 4217);
* text is plain text (HTML from the LifeWeb export removed).

On disk (``validate --out``, exports) tuples are written ``;``-joined.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "DONOR_COLUMNS",
    "ECOSYSTEMS",
    "HISTORY_COLUMNS",
    "KINDS",
    "LIST_COLUMNS",
    "PROPOSAL_COLUMNS",
    "REGION_GROUPS",
]

KINDS: Final = ("proposals", "donors", "history")

PROPOSAL_COLUMNS: Final = (
    "proposal_id",  # str, required, unique
    "title",  # str, required
    "countries",  # tuple[str, ...] ISO alpha-3, at least one
    "summary",  # str
    "description",  # str
    "objectives",  # str
    "requested_amount",  # float >= 0 or NaN
    "secured_amount",  # float >= 0 or NaN (co-funding already found)
    "currency",  # str ISO 4217 or ""
    "aichi_targets",  # tuple[int, ...] in 1..20
    "gbf_targets",  # tuple[int, ...] in 1..23
    "nbsap_alignment",  # str
    "ecosystems",  # tuple[str, ...] from ECOSYSTEMS
    "submitted_on",  # str ISO date (YYYY-MM-DD or YYYY) or ""
    "status",  # str
)

DONOR_COLUMNS: Final = (
    "donor_id",  # str, required, unique
    "name",  # str, required
    "aliases",  # tuple[str, ...] other spellings (LifeWeb spelling, acronyms)
    "donor_type",  # str: bilateral_government, multilateral_or_fund, foundation_or_private, ngo, ...
    "priorities",  # str free text
    "aichi_targets",  # tuple[int, ...]
    "gbf_targets",  # tuple[int, ...]
    "eligible_regions",  # tuple[str, ...] UN M49 region / sub-region names, or LDC, LLDC, SIDS
    "eligible_countries",  # tuple[str, ...] ISO alpha-3
    "excluded_countries",  # tuple[str, ...] ISO alpha-3
    "min_grant",  # float or NaN
    "max_grant",  # float or NaN
    "currency",  # str ISO 4217
    "annual_budget",  # float or NaN
    "ecosystems",  # tuple[str, ...]
    "active",  # bool
)

HISTORY_COLUMNS: Final = (
    "proposal_id",  # str
    "donor",  # str, the donor's name as written
    "amount",  # float or NaN
    "currency",  # str
    "year",  # int or <NA>
)

LIST_COLUMNS: Final = frozenset(
    {
        "countries",
        "aichi_targets",
        "gbf_targets",
        "ecosystems",
        "aliases",
        "eligible_regions",
        "eligible_countries",
        "excluded_countries",
    }
)

ECOSYSTEMS: Final = (
    "forests",
    "wetlands",
    "marine_coastal",
    "drylands",
    "mountains",
    "islands",
    "freshwater",
    "grasslands",
    "agricultural",
)

REGION_GROUPS: Final = ("LDC", "LLDC", "SIDS")

OUTCOME_COLUMNS: Final = (
    "status",
    "funding_status",
    "is_funded",
    "approved_on",
    "secured_amount",
    "n_matches",
    "n_external_named_donor_matches",
    "lifeweb_facilitated",
)
"""Proposal columns that say how a proposal fared, not what it is: the engine never scores them
(what a donor funded reaches the score only through the funding history, and a proposal's own
record never counts for it)."""
