"""Donor profiles: what a donor says (stated) and what it did (revealed by its funding history).

A reviewer-matching system represents a reviewer by the papers they wrote; here a donor is
represented by its stated priorities, targets, ecosystems, geography and grant range, and by
the proposals it funded (their text, countries, regions, targets and amounts).

Donor names in a history file are written by people ("Global Environmental Facility",
"The Netherlands", "GIZ"), so they are resolved to a ``donor_id`` first by exact,
case-insensitive name, alias or id, then by :mod:`rapidfuzz` above a cutoff. Only these short
name fields ever go through fuzzy matching.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from scipy import sparse

from matcher import reference
from matcher.contract import ECOSYSTEMS, REGION_GROUPS
from matcher.interchange.iati_prior import cold_start_prior, split_iati_portfolio
from matcher.scoring.chunks import take_rows
from matcher.words import unterm_plain

__all__ = [
    "APPROX_USD_PER_UNIT",
    "N_AICHI",
    "CountryTable",
    "DonorProfiles",
    "build_donor_profiles",
    "country_table",
    "is_placeholder_name",
    "places_named",
    "resolve_donor_names",
    "target_matrix",
    "to_usd",
]

N_AICHI = 20
N_GBF = 23

APPROX_USD_PER_UNIT: dict[str, float] = {
    "USD": 1.0,
    "EUR": 1.1,
    "GBP": 1.27,
    "CHF": 1.12,
    "JPY": 0.0067,
    "CAD": 0.73,
    "AUD": 0.65,
    "NZD": 0.6,
    "SEK": 0.095,
    "NOK": 0.094,
    "DKK": 0.15,
    "CNY": 0.14,
    "XOF": 0.0017,
    "XAF": 0.0017,
    "BRL": 0.18,
    "MXN": 0.055,
    "INR": 0.012,
    "ZAR": 0.055,
    "KES": 0.0077,
}
"""Rough conversion rates to US dollars, used only to compare orders of magnitude.

Funding fit works on a log scale, where a 10 % rate error moves a request by 0.04 of a
decade; an unknown currency is taken as US dollars.
"""


def to_usd(amounts: Iterable[float], currencies: Iterable[object]) -> np.ndarray:
    """Convert amounts to approximate US dollars (NaN stays NaN; unknown currency as USD)."""
    values = np.asarray(list(amounts), dtype=np.float64)
    rates = np.array(
        [APPROX_USD_PER_UNIT.get(str(c).strip().upper(), 1.0) if c else 1.0 for c in currencies],
        dtype=np.float64,
    )
    if rates.size == 0:
        return values
    return values * rates


# --------------------------------------------------------------------------- countries


@dataclass(frozen=True)
class CountryTable:
    """Countries as column indices, with the area (sub-region) and region each belongs to.

    ``area`` is the UN intermediate region where there is one ("South America"), else the
    sub-region ("South-eastern Asia"): the level a programme officer speaks of.
    """

    iso3: tuple[str, ...]
    index: dict[str, int]
    names: tuple[str, ...]
    area_of: np.ndarray  # country index -> area index
    region_of: np.ndarray  # country index -> region index
    area_names: tuple[str, ...]
    region_names: tuple[str, ...]
    region_members: dict[str, frozenset[str]]  # lower-cased region/group name -> iso3 codes

    @property
    def n_countries(self) -> int:
        return len(self.iso3)

    def indices(self, codes: Iterable[str]) -> list[int]:
        return [self.index[c] for c in codes if c in self.index]

    def countries_in(self, region_names: Iterable[str]) -> set[str]:
        """ISO codes inside the named regions, sub-regions, intermediate regions or LDC/LLDC/SIDS."""
        members: set[str] = set()
        for name in region_names:
            members |= self.region_members.get(_fold(name), frozenset())
        return members


def _fold(text: object) -> str:
    """Case- and accent-insensitive key for names ("Côte" == "cote")."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped).strip().casefold()


@cache
def country_table() -> CountryTable:
    """Build (once) the country index from the shipped UN country codes."""
    frame = reference.countries()
    frame = frame[frame["iso3"].str.len() == 3].reset_index(drop=True)
    iso3 = tuple(frame["iso3"])
    area = frame["intermediate_region"].where(
        frame["intermediate_region"] != "", frame["sub_region"]
    )
    area = area.where(area != "", "Other")
    region = frame["region"].where(frame["region"] != "", "Other")
    area_names = tuple(sorted(set(area)))
    region_names = tuple(sorted(set(region)))
    area_pos = {name: i for i, name in enumerate(area_names)}
    region_pos = {name: i for i, name in enumerate(region_names)}
    members: dict[str, set[str]] = {}
    for column in ("region", "sub_region", "intermediate_region"):
        for name, codes in frame.groupby(column)["iso3"]:
            if name:
                members.setdefault(_fold(name), set()).update(codes)
    for group in REGION_GROUPS:
        members[_fold(group)] = set(frame.loc[frame[group.lower()], "iso3"])
    members["global"] = set(iso3)
    members["world"] = set(iso3)
    return CountryTable(
        iso3=iso3,
        index={code: i for i, code in enumerate(iso3)},
        names=tuple(frame["name_en"]),
        area_of=np.array([area_pos[a] for a in area], dtype=np.int32),
        region_of=np.array([region_pos[r] for r in region], dtype=np.int32),
        area_names=area_names,
        region_names=region_names,
        region_members={k: frozenset(v) for k, v in members.items()},
    )


def country_matrix(
    country_lists: Sequence[Iterable[str]], table: CountryTable
) -> sparse.csr_matrix:
    """Binary rows x countries matrix from tuples of ISO alpha-3 codes (unknown codes ignored).

    Built as CSR directly, each row's columns sorted and unique: the canonical matrix a COO
    build would give, without its conversion (most of one new proposal's country step).
    """
    cols: list[int] = []
    indptr = [0]
    for codes in country_lists:
        cols.extend(sorted(set(table.indices(_as_tuple(codes)))))
        indptr.append(len(cols))
    return sparse.csr_matrix(
        (
            np.ones(len(cols), dtype=np.float32),
            np.asarray(cols, dtype=np.int32),
            np.asarray(indptr, dtype=np.int32),
        ),
        shape=(len(country_lists), table.n_countries),
    )


def _as_tuple(value: object) -> tuple:
    """Multi-valued contract cells are tuples; be lenient with lists, NaN and ``;`` strings."""
    if isinstance(value, tuple):
        return value
    if isinstance(value, list | set | frozenset | np.ndarray | pd.Series):
        return tuple(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in re.split(r"[;|]", value) if part.strip())
    return (value,)


# --------------------------------------------------------------------------- places in text

# Places donors name in their priorities that are not UN regions. Membership is the usual
# one (ICIMOD's eight Hindu Kush-Himalaya countries, the Amazon basin countries, ...).
PLACE_GROUPS: dict[str, tuple[str, ...]] = {
    "andes": ("ARG", "BOL", "CHL", "COL", "ECU", "PER", "VEN"),
    "andean": ("ARG", "BOL", "CHL", "COL", "ECU", "PER", "VEN"),
    "amazon": ("BOL", "BRA", "COL", "ECU", "GUF", "GUY", "PER", "SUR", "VEN"),
    "himalaya": ("AFG", "BGD", "BTN", "CHN", "IND", "MMR", "NPL", "PAK"),
    "hindu kush": ("AFG", "BGD", "BTN", "CHN", "IND", "MMR", "NPL", "PAK"),
    "black sea": ("ARM", "AZE", "BGR", "GEO", "MDA", "ROU", "RUS", "TUR", "UKR"),
    "balkans": ("ALB", "BIH", "HRV", "MKD", "MNE", "SRB"),
    "western balkans": ("ALB", "BIH", "MKD", "MNE", "SRB"),
    "congo basin": ("CAF", "CMR", "COD", "COG", "GAB", "GNQ"),
    "sahel": ("BFA", "MLI", "MRT", "NER", "SEN", "TCD", "SDN", "NGA"),
    "mekong": ("CHN", "KHM", "LAO", "MMR", "THA", "VNM"),
    "coral triangle": ("IDN", "MYS", "PHL", "PNG", "SLB", "TLS"),
    "alps": ("AUT", "CHE", "DEU", "FRA", "ITA", "LIE", "MCO", "SVN"),
    "mediterranean": (
        "ALB",
        "BIH",
        "CYP",
        "DZA",
        "EGY",
        "ESP",
        "FRA",
        "GRC",
        "HRV",
        "ISR",
        "ITA",
        "LBN",
        "LBY",
        "MAR",
        "MCO",
        "MLT",
        "MNE",
        "PSE",
        "SVN",
        "SYR",
        "TUN",
        "TUR",
    ),
    "horn of africa": ("DJI", "ERI", "ETH", "SOM"),
    "mesoamerica": ("BLZ", "CRI", "GTM", "HND", "MEX", "NIC", "PAN", "SLV"),
}
PLACE_REGIONS: dict[str, tuple[str, ...]] = {
    "east africa": ("Eastern Africa",),
    "eastern africa": ("Eastern Africa",),
    "west africa": ("Western Africa",),
    "western africa": ("Western Africa",),
    "central africa": ("Middle Africa",),
    "north africa": ("Northern Africa",),
    "northern africa": ("Northern Africa",),
    "southern africa": ("Southern Africa",),
    "south africa": (),  # a country, matched by name
    "africa": ("Africa",),
    "african": ("Africa",),
    "southeast asia": ("South-eastern Asia",),
    "south-east asia": ("South-eastern Asia",),
    "south east asia": ("South-eastern Asia",),
    "south asia": ("Southern Asia",),
    "southern asia": ("Southern Asia",),
    "central asia": ("Central Asia",),
    "east asia": ("Eastern Asia",),
    "middle east": ("Western Asia",),
    "asia": ("Asia",),
    "asia-pacific": ("Asia", "Oceania"),
    "latin america": ("Latin America and the Caribbean",),
    "central america": ("Central America",),
    "south america": ("South America",),
    "caribbean": ("Caribbean",),
    "americas": ("Americas",),
    "pacific": ("Melanesia", "Micronesia", "Polynesia"),
    "oceania": ("Oceania",),
    "least developed countries": ("LDC",),
    "small island developing states": ("SIDS",),
    "small island states": ("SIDS",),
    "landlocked developing countries": ("LLDC",),
}
_DIRECTIONS = "east|eastern|west|western|central|north|northern|south|southern"
_COORDINATED = re.compile(rf"\b({_DIRECTIONS}) and ({_DIRECTIONS}) (africa|asia|america|europe)\b")


@cache
def _place_pattern() -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    table = country_table()
    frame = reference.countries()
    places: dict[str, set[str]] = {}
    for column in ("name_en", "display_name", "unterm_en_short"):
        for name, code in zip(frame[column], frame["iso3"], strict=True):
            key = _fold(unterm_plain(name))
            if len(key) >= 4 and code in table.index:
                places.setdefault(key, set()).add(code)
    for key, codes in PLACE_GROUPS.items():
        places.setdefault(key, set()).update(codes)
    for key, regions in PLACE_REGIONS.items():
        if regions:
            places.setdefault(key, set()).update(table.countries_in(regions))
    alternatives = sorted(places, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(a) for a in alternatives) + r")\b")
    return pattern, {k: frozenset(v) for k, v in places.items()}


def places_named(text: str) -> set[str]:
    """ISO codes of the countries a text names, directly or through a region or a place group.

    ``"East and West Africa, the Himalaya-Hindu Kush region"`` gives the countries of Eastern and
    Western Africa and the eight Hindu Kush-Himalaya countries.
    """
    pattern, places = _place_pattern()
    folded = _COORDINATED.sub(r"\1 \3 and \2 \3", _fold(text).replace("-", " - "))
    folded = folded.replace(" - ", " ").replace("south east asia", "southeast asia")
    codes: set[str] = set()
    for match in pattern.finditer(folded):
        codes |= places.get(match.group(1), frozenset())
    return codes


# --------------------------------------------------------------------------- targets


@cache
def _gbf_to_aichi() -> np.ndarray:
    """GBF target -> Aichi weights through the crosswalk (primary 1.0, related 0.5)."""
    weights = np.zeros((N_GBF + 1, N_AICHI), dtype=np.float32)
    for row in reference.crosswalk().itertuples(index=False):
        value = 1.0 if row.relation == "primary" else 0.5
        a, g = int(row.aichi_target), int(row.gbf_target)
        if 1 <= a <= N_AICHI and 1 <= g <= N_GBF:
            weights[g, a - 1] = max(weights[g, a - 1], value)
    return weights


def target_matrix(aichi: Sequence[object], gbf: Sequence[object] | None = None) -> np.ndarray:
    """Rows x 20 Aichi weights: declared Aichi targets 1.0, GBF targets through the crosswalk.

    GBF targets are mapped back to the Aichi targets they succeed (primary link 1.0, related
    0.5) so a donor stating GBF 3 and a proposal declaring Aichi 11 share a target.
    """
    n = len(aichi)
    matrix = np.zeros((n, N_AICHI), dtype=np.float32)
    crosswalk = _gbf_to_aichi()
    for row in range(n):
        for target in _as_tuple(aichi[row]):
            t = _as_int(target)
            if t is not None and 1 <= t <= N_AICHI:
                matrix[row, t - 1] = 1.0
        if gbf is not None:
            for target in _as_tuple(gbf[row]):
                g = _as_int(target)
                if g is not None and 1 <= g <= N_GBF:
                    np.maximum(matrix[row], crosswalk[g], out=matrix[row])
    return matrix


def _as_int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------- names


def _name_keys(donors: pd.DataFrame) -> dict[str, int]:
    """Folded id, name and aliases -> donor position (first donor wins on a clash)."""
    keys: dict[str, int] = {}
    for pos, (donor_id, name, aliases) in enumerate(
        zip(donors["donor_id"], donors["name"], donors["aliases"], strict=True)
    ):
        for key in (donor_id, name, *_as_tuple(aliases)):
            folded = _fold(key)
            if folded:
                keys.setdefault(folded, pos)
                stripped = _strip_article(folded)
                if stripped:
                    keys.setdefault(stripped, pos)
    return keys


def _strip_article(folded: str) -> str:
    return re.sub(r"^(the|la|le|les|el|los|las) ", "", folded)


# Names a funding record uses for money that is no donor to match: LifeWeb's placeholders
# ("Domestic sources", "Multiple Donors") and the like. Never resolved, however close they read
# to a donor's name ("Domestic sources" is one letter-run away from "Spain" for a partial scorer).
_PLACEHOLDER_NAMES = re.compile(
    r"^(?:"
    r"(?:domestic|national|local|international|external|other|private|public|multiple|various"
    r"|several|bilateral|multilateral|government|own|co|in kind|in-kind)"
    r"(?: (?:and|&|/) \w+)?"
    r" (?:sources?|donors?|funders?|funding|funds|financing|contributions?|partners?"
    r"|co-?financ\w*|resources|budget|investors?)"
    r"|others?|various|several|multiple|unknown|anonymous|n/?a|none|tbd|tbc|to be (?:confirmed|determined)"
    r"|(?:government|gov|govt)(?: budget| funding| sources?)?"
    r"|(?:co-?financ\w*|in-?kind|counterpart)(?: \w+)?"
    r")$"
)
"""Folded names that stand for a kind of money, not for a donor."""

_GOVERNMENT_OF = re.compile(r"^(?:the )?(?:government|govt|gov)\.? of (?:the )?(.+)$")
""""Government of X": X's own donor profile if X is exactly a donor's name, else no donor."""

_FUZZY_MIN_LENGTH = 6
"""Shorter names (acronyms such as "AT", "IC", "GEF") resolve exactly or not at all."""


def is_placeholder_name(name: object) -> bool:
    """Is ``name`` a placeholder for money rather than a donor ("Domestic sources", "Other")?

    Parameters
    ----------
    name
        A donor name as written in a funding history.

    Returns
    -------
    bool
        True for the LifeWeb export's placeholders ("Domestic sources", "Multiple Donors") and
        their kin ("International sources", "private donors", "Other", "Government"), which no
        donor profile stands for and which must never be matched to one.
    """
    folded = _name_key(name)
    return bool(folded) and bool(_PLACEHOLDER_NAMES.match(folded))


def _name_key(name: object) -> str:
    """Folded name without punctuation (kept: letters, digits, ``/``, ``&``, ``-``)."""
    text = re.sub(r"[^\w/&\- ]+", " ", _fold(name))
    return re.sub(r"\s+", " ", text).strip()


def resolve_donor_names(
    names: Iterable[object], donors: pd.DataFrame, *, cutoff: float = 90.0
) -> pd.DataFrame:
    """Resolve donor names as written in a history file to ``donor_id``.

    A name resolves exactly (case, accents and a leading article ignored) to a donor's id,
    name or alias; else by a whole-name fuzzy match that forgives typos and word order
    (:func:`rapidfuzz.fuzz.token_sort_ratio`, never a partial match, which would let
    "Domestic sources" reach "Spain"). Placeholders (:func:`is_placeholder_name`) never
    resolve, and "Government of X" resolves only when X is exactly a donor's name or alias,
    so a recipient's own government never becomes some donor that reads alike.

    Parameters
    ----------
    names
        Donor names (or ids) as written.
    donors
        Donor frame with ``donor_id``, ``name`` and ``aliases``.
    cutoff
        Minimum :func:`rapidfuzz.fuzz.token_sort_ratio` score (0-100) for a fuzzy match; names
        shorter than six characters (acronyms) only resolve exactly.

    Returns
    -------
    DataFrame
        One row per distinct name: ``name``, ``donor_id`` (missing when unresolved),
        ``method`` (``exact``, ``fuzzy``, ``placeholder`` or ``unresolved``) and ``score``.
    """
    donors = donors.reset_index(drop=True)
    if "aliases" not in donors.columns:
        donors = donors.assign(aliases=[()] * len(donors))
    keys = _name_keys(donors)
    fuzzy_keys: dict[str, int] = {}
    for key, pos in keys.items():
        cleaned = _name_key(key)
        if len(cleaned) >= _FUZZY_MIN_LENGTH:
            fuzzy_keys.setdefault(cleaned, pos)
    choices = list(fuzzy_keys)
    rows = []
    for name in dict.fromkeys(str(n) for n in names if n is not None and str(n).strip()):
        folded = _fold(name)
        pos = keys.get(folded, keys.get(_strip_article(folded)))
        if pos is not None:
            rows.append((name, str(donors.at[pos, "donor_id"]), "exact", 100.0))
            continue
        if is_placeholder_name(name):
            rows.append((name, None, "placeholder", 0.0))
            continue
        government = _GOVERNMENT_OF.match(folded)
        if government is not None:
            pos = keys.get(government.group(1), keys.get(_strip_article(government.group(1))))
            if pos is None:
                rows.append((name, None, "unresolved", 0.0))
            else:
                rows.append((name, str(donors.at[pos, "donor_id"]), "exact", 100.0))
            continue
        cleaned = _strip_article(_name_key(name))
        best = (
            process.extractOne(cleaned, choices, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff)
            if choices and len(cleaned) >= _FUZZY_MIN_LENGTH
            else None
        )
        if best is None:
            rows.append((name, None, "unresolved", 0.0))
        else:
            rows.append(
                (name, str(donors.at[fuzzy_keys[best[0]], "donor_id"]), "fuzzy", float(best[1]))
            )
    return pd.DataFrame(rows, columns=["name", "donor_id", "method", "score"])


# --------------------------------------------------------------------------- profiles


@dataclass
class DonorProfiles:
    """Everything known about M donors, as arrays aligned with ``donor_ids`` (sorted by id).

    Stated facts come from the donor file; ``funded_*`` facts from the funding history joined
    to the proposals it names. A donor with no history has ``n_funded == 0``.
    """

    donors: pd.DataFrame  # contract donor frame, sorted by donor_id, index 0..M-1
    donor_ids: np.ndarray
    names: np.ndarray
    active: np.ndarray  # bool M
    stated_targets: np.ndarray  # float32 M x 20
    has_stated_targets: np.ndarray  # bool M
    stated_ecosystems: np.ndarray  # float32 M x E (declared, else detected in priorities)
    has_ecosystems: np.ndarray
    stated_area: sparse.csr_matrix  # M x C: eligible countries and countries of eligible regions
    has_stated_area: np.ndarray
    named_countries: sparse.csr_matrix  # M x C: eligible countries named one by one
    text_focus: sparse.csr_matrix  # M x C: countries the priorities text names (soft focus)
    has_text_focus: np.ndarray
    excluded: sparse.csr_matrix  # M x C
    min_grant_usd: np.ndarray
    max_grant_usd: np.ndarray
    budget_usd: np.ndarray
    currency: np.ndarray
    # revealed
    funded: (
        pd.DataFrame
    )  # resolved history rows: donor_pos, proposal_id, amount_usd, year, funded_pos
    funded_proposals: pd.DataFrame  # proposals named in the history (contract columns), 0..F-1
    funded_link: sparse.csr_matrix  # F x M, 1 where donor m funded proposal f
    n_funded: np.ndarray  # int M: history rows resolved to the donor
    funded_countries: np.ndarray  # float32 M x C counts of funded proposals per country
    funded_areas: np.ndarray  # float32 M x A
    funded_regions: np.ndarray  # float32 M x R
    funded_targets: np.ndarray  # float32 M x 20 counts
    typical_log_grant: np.ndarray  # log10 USD median of funded amounts (NaN: none)
    log_grant_spread: np.ndarray  # log10 spread of funded amounts (NaN: fewer than 2)
    funded_currency_share: dict[str, np.ndarray] = field(default_factory=dict)
    name_resolution: pd.DataFrame = field(default_factory=pd.DataFrame)
    cold_start: object | None = None  # matcher.interchange.iati_prior.ColdStartPrior or None

    @property
    def n_donors(self) -> int:
        return len(self.donor_ids)

    def position(self, donor_id: str) -> int:
        hits = np.flatnonzero(self.donor_ids == str(donor_id))
        if hits.size == 0:
            raise KeyError(f"no donor with id {donor_id!r}")
        return int(hits[0])


def _column(frame: pd.DataFrame, name: str, default: object) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([default] * len(frame), index=frame.index, dtype=object)


def _float_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    return pd.to_numeric(_column(frame, name, np.nan), errors="coerce").to_numpy(np.float64)


def _active(value: object) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return True
    return _fold(value) not in {"false", "no", "0", "inactive", "n"}


def build_donor_profiles(
    donors: pd.DataFrame,
    history: pd.DataFrame | None = None,
    proposals: pd.DataFrame | None = None,
    *,
    name_cutoff: float = 90.0,
    detect_ecosystems=None,
) -> DonorProfiles:
    """Profile every donor from its stated fields and its funding history.

    Parameters
    ----------
    donors
        Contract donor frame (:data:`matcher.contract.DONOR_COLUMNS`).
    history
        Contract history frame (``proposal_id``, ``donor``, ``amount``, ``currency``, ``year``),
        or None. Donor names are resolved with :func:`resolve_donor_names`.
    proposals
        Proposals the history refers to (their text, countries, targets); history rows whose
        proposal is not here still count for the donor's volume and amounts.
    name_cutoff
        Fuzzy-match cutoff for donor names (0-100).
    detect_ecosystems
        Callable ``texts -> bool matrix (n x len(ECOSYSTEMS))`` used when a donor declares no
        ecosystems; None leaves such donors without ecosystems.

    Returns
    -------
    DonorProfiles
    """
    table = country_table()
    donors = donors.copy()
    donors["donor_id"] = donors["donor_id"].astype(str)
    donors = (
        donors.drop_duplicates("donor_id")
        .sort_values("donor_id", kind="stable")
        .reset_index(drop=True)
    )
    n = len(donors)
    for name in ("aliases", "aichi_targets", "gbf_targets", "eligible_regions",
                 "eligible_countries", "excluded_countries", "ecosystems"):  # fmt: skip
        donors[name] = _column(donors, name, ()).map(_as_tuple)
    donors["priorities"] = _column(donors, "priorities", "").fillna("").astype(str)
    donors["name"] = _column(donors, "name", "").fillna("").astype(str)

    stated_targets = target_matrix(list(donors["aichi_targets"]), list(donors["gbf_targets"]))
    ecosystems = _ecosystem_matrix(donors["ecosystems"])
    declared_eco = ecosystems.any(axis=1)
    if detect_ecosystems is not None and (~declared_eco).any():
        detected = detect_ecosystems(list(donors.loc[~declared_eco, "priorities"]))
        ecosystems[~declared_eco] = detected.astype(np.float32)

    area_lists = []
    for regions, countries in zip(
        donors["eligible_regions"], donors["eligible_countries"], strict=True
    ):
        area_lists.append(tuple(table.countries_in(regions) | set(countries)))
    stated_area = country_matrix(area_lists, table)
    focus_lists = []
    for row in donors.itertuples(index=False):
        focus = places_named(row.priorities) - set(row.excluded_countries)
        if str(getattr(row, "donor_type", "")) == "bilateral_government":
            # "Germany's International Climate Initiative" names the donor, not where it works.
            focus -= places_named(" ; ".join([row.name, *map(str, row.aliases)]))
        focus_lists.append(tuple(focus))
    text_focus = country_matrix(focus_lists, table)
    currency = _column(donors, "currency", "USD").fillna("USD").astype(str).to_numpy()

    profiles = DonorProfiles(
        donors=donors,
        donor_ids=donors["donor_id"].to_numpy(dtype=object),
        names=donors["name"].to_numpy(dtype=object),
        active=np.array([_active(v) for v in _column(donors, "active", True)], dtype=bool),
        stated_targets=stated_targets,
        has_stated_targets=stated_targets.any(axis=1),
        stated_ecosystems=ecosystems,
        has_ecosystems=ecosystems.any(axis=1),
        stated_area=stated_area,
        has_stated_area=np.asarray(stated_area.sum(axis=1)).ravel() > 0,
        named_countries=country_matrix(list(donors["eligible_countries"]), table),
        text_focus=text_focus,
        has_text_focus=np.asarray(text_focus.sum(axis=1)).ravel() > 0,
        excluded=country_matrix(list(donors["excluded_countries"]), table),
        min_grant_usd=to_usd(_float_column(donors, "min_grant"), currency),
        max_grant_usd=to_usd(_float_column(donors, "max_grant"), currency),
        budget_usd=to_usd(_float_column(donors, "annual_budget"), currency),
        currency=currency,
        # No funding yet: the columns a funded frame has, so readers need no special case.
        funded=pd.DataFrame(
            {
                "donor_pos": pd.Series(dtype=np.int64),
                "proposal_id": pd.Series(dtype=object),
                "amount_usd": pd.Series(dtype=np.float64),
                "currency": pd.Series(dtype=object),
                "year": pd.Series(dtype=object),
                "funded_pos": pd.Series(dtype=np.int64),
            }
        ),
        funded_proposals=pd.DataFrame(),
        funded_link=sparse.csr_matrix((0, n), dtype=np.float32),
        n_funded=np.zeros(n, dtype=np.int64),
        funded_countries=np.zeros((n, table.n_countries), dtype=np.float32),
        funded_areas=np.zeros((n, len(table.area_names)), dtype=np.float32),
        funded_regions=np.zeros((n, len(table.region_names)), dtype=np.float32),
        funded_targets=np.zeros((n, N_AICHI), dtype=np.float32),
        typical_log_grant=np.full(n, np.nan),
        log_grant_spread=np.full(n, np.nan),
    )
    portfolio = None
    if history is not None:
        # IATI activities that are not LifeWeb proposals: a cold-start prior, not history.
        history, portfolio = split_iati_portfolio(history, proposals)
    if history is not None and len(history) > 0 and n > 0:
        _add_history(profiles, history, proposals, table, name_cutoff)
    profiles.cold_start = cold_start_prior(portfolio, profiles, name_cutoff=name_cutoff)
    return profiles


def _ecosystem_matrix(values: Iterable[object]) -> np.ndarray:
    position = {name: i for i, name in enumerate(ECOSYSTEMS)}
    values = list(values)
    matrix = np.zeros((len(values), len(ECOSYSTEMS)), dtype=np.float32)
    for row, names in enumerate(values):
        for name in _as_tuple(names):
            col = position.get(_fold(name).replace(" ", "_").replace("-", "_"))
            if col is not None:
                matrix[row, col] = 1.0
    return matrix


def _add_history(
    profiles: DonorProfiles,
    history: pd.DataFrame,
    proposals: pd.DataFrame | None,
    table: CountryTable,
    name_cutoff: float,
) -> None:
    resolution = resolve_donor_names(history["donor"], profiles.donors, cutoff=name_cutoff)
    profiles.name_resolution = resolution
    to_id = dict(zip(resolution["name"], resolution["donor_id"], strict=True))
    pos_of = {donor_id: i for i, donor_id in enumerate(profiles.donor_ids)}
    rows = history.assign(
        donor_id=history["donor"].astype(str).map(to_id),
        proposal_id=history["proposal_id"].astype(str),
    )
    rows = rows[rows["donor_id"].notna()].copy()
    rows["donor_pos"] = rows["donor_id"].map(pos_of).astype(np.int64)
    rows["amount_usd"] = to_usd(
        pd.to_numeric(_column(rows, "amount", np.nan), errors="coerce"),
        _column(rows, "currency", "USD").fillna(""),
    )
    rows["currency"] = _column(rows, "currency", "").fillna("").astype(str).str.upper()
    # One funding relation per (donor, proposal): co-financing split over several rows counts once.
    grouped = rows.groupby(["donor_pos", "proposal_id"], sort=True, as_index=False).agg(
        amount_usd=("amount_usd", lambda s: s.sum(min_count=1)),
        currency=("currency", "first"),
        year=("year", "first") if "year" in rows.columns else ("currency", "size"),
    )
    n_donors = profiles.n_donors
    profiles.n_funded = np.bincount(grouped["donor_pos"], minlength=n_donors).astype(np.int64)

    # Amounts: median and spread of log grant per donor.
    for pos, amounts in grouped.groupby("donor_pos")["amount_usd"]:
        logs = np.log10(amounts[amounts > 0].to_numpy(np.float64))
        if logs.size:
            profiles.typical_log_grant[pos] = float(np.median(logs))
        if logs.size >= 2:
            profiles.log_grant_spread[pos] = float(np.std(logs))
    for code in sorted(set(grouped["currency"]) - {""}):
        share = np.bincount(
            grouped.loc[grouped["currency"] == code, "donor_pos"], minlength=n_donors
        ) / np.maximum(profiles.n_funded, 1)
        profiles.funded_currency_share[code] = share.astype(np.float32)

    # Proposals the history names: their countries, targets and (later) text.
    if proposals is None or len(proposals) == 0:
        grouped["funded_pos"] = -1
        profiles.funded = grouped
        return
    # Pick the funded rows before copying: the proposals frame may hold 100,000 long texts.
    ids = proposals["proposal_id"].astype(str)
    funded_at = np.flatnonzero(ids.isin(set(grouped["proposal_id"])).to_numpy())
    funded_props = take_rows(proposals, funded_at).copy()
    funded_props["proposal_id"] = funded_props["proposal_id"].astype(str)
    funded_props = (
        funded_props.drop_duplicates("proposal_id")
        .sort_values("proposal_id", kind="stable")
        .reset_index(drop=True)
    )
    funded_pos = {pid: i for i, pid in enumerate(funded_props["proposal_id"])}
    grouped["funded_pos"] = grouped["proposal_id"].map(funded_pos).fillna(-1).astype(np.int64)
    profiles.funded = grouped
    profiles.funded_proposals = funded_props
    linked = grouped[grouped["funded_pos"] >= 0]
    profiles.funded_link = sparse.csr_matrix(
        (
            np.ones(len(linked), dtype=np.float32),
            (linked["funded_pos"].to_numpy(), linked["donor_pos"].to_numpy()),
        ),
        shape=(len(funded_props), n_donors),
        dtype=np.float32,
    )
    link_t = profiles.funded_link.T.tocsr()  # M x F
    f_countries = country_matrix(list(_column(funded_props, "countries", ())), table)
    donor_countries = (link_t @ f_countries).toarray().astype(np.float32)
    profiles.funded_countries = donor_countries
    area_onehot = sparse.csr_matrix(
        (
            np.ones(table.n_countries, dtype=np.float32),
            (np.arange(table.n_countries), table.area_of),
        ),
        shape=(table.n_countries, len(table.area_names)),
    )
    region_onehot = sparse.csr_matrix(
        (
            np.ones(table.n_countries, dtype=np.float32),
            (np.arange(table.n_countries), table.region_of),
        ),
        shape=(table.n_countries, len(table.region_names)),
    )
    # A funded proposal counts once per area/region even if it spans several countries there.
    f_areas = (f_countries @ area_onehot).minimum(1)
    f_regions = (f_countries @ region_onehot).minimum(1)
    profiles.funded_areas = (link_t @ f_areas).toarray().astype(np.float32)
    profiles.funded_regions = (link_t @ f_regions).toarray().astype(np.float32)
    f_targets = target_matrix(
        list(_column(funded_props, "aichi_targets", ())),
        list(_column(funded_props, "gbf_targets", ())),
    )
    profiles.funded_targets = np.asarray(link_t @ f_targets, dtype=np.float32)
