"""The few IATI 2.03 codes LifeWeb Match reads and writes, with what they mean.

From the IATI Standard's codelists (http://iatistandard.org/, CC BY 4.0): transaction
types, activity statuses, the OECD DAC sector and policy marker for biodiversity, and the
DAC recipient regions, each with the UN M49 region it corresponds to.
"""

from __future__ import annotations

from functools import cache
from typing import Final

__all__ = [
    "AICHI_VOCABULARY_URI",
    "BIODIVERSITY_MARKER",
    "BIODIVERSITY_SECTOR",
    "FUNDING_TRANSACTION_TYPES",
    "GBF_VOCABULARY_URI",
    "IATI_VERSION",
    "region_name",
    "status_code_for",
    "status_name",
    "target_kind_of_tag",
    "target_titles",
]

IATI_VERSION: Final = "2.03"

BIODIVERSITY_SECTOR: Final = "41030"
"""DAC 5-digit purpose code "Biodiversity" (sector vocabulary 1)."""
BIODIVERSITY_MARKER: Final = "5"
"""Policy marker "Aid Targeting the Objectives of the Convention on Biological Diversity"."""

GBF_VOCABULARY_URI: Final = "https://www.cbd.int/gbf/targets/"
"""The CBD's page of the Kunming-Montreal GBF targets: the URI of tag vocabulary 99 for them."""
AICHI_VOCABULARY_URI: Final = "https://www.cbd.int/sp/targets/"
"""The CBD's page of the Aichi Biodiversity Targets (tag vocabulary 99)."""

FUNDING_TRANSACTION_TYPES: Final = {
    "2": "outgoing commitment",
    "3": "disbursement",
    "11": "incoming commitment",
    # IATI 1.0x wrote letters; files still carry them.
    "C": "outgoing commitment",
    "D": "disbursement",
    "IC": "incoming commitment",
}
"""Transaction types read as funding history (a donor committing or paying money)."""

_STATUS_NAMES: Final = {
    "1": "pipeline",
    "2": "implementation",
    "3": "finalisation",
    "4": "closed",
    "5": "cancelled",
    "6": "suspended",
}

_DAC_REGIONS: Final = {
    "89": "Europe",
    "189": "Northern Africa",
    "289": "Sub-Saharan Africa",
    "298": "Africa",
    "380": "Caribbean",
    "389": "Americas",
    "489": "South America",
    "498": "Americas",
    "589": "Western Asia",
    "619": "Central Asia",
    "679": "Southern Asia",
    "689": "Asia",
    "789": "Eastern Asia",
    "798": "Asia",
    "889": "Oceania",
    "1027": "Eastern Africa",
    "1028": "Middle Africa",
    "1029": "Southern Africa",
    "1030": "Western Africa",
    "1031": "Caribbean",
    "1032": "Central America",
    "1033": "Melanesia",
    "1034": "Micronesia",
    "1035": "Polynesia",
}
"""OECD DAC recipient regions (region vocabulary 1) -> the UN M49 region or sub-region."""

_M49_REGIONS: Final = {
    "002": "Africa",
    "005": "South America",
    "009": "Oceania",
    "011": "Western Africa",
    "013": "Central America",
    "014": "Eastern Africa",
    "015": "Northern Africa",
    "017": "Middle Africa",
    "018": "Southern Africa",
    "019": "Americas",
    "021": "Northern America",
    "029": "Caribbean",
    "030": "Eastern Asia",
    "034": "Southern Asia",
    "035": "South-eastern Asia",
    "039": "Southern Europe",
    "053": "Australia and New Zealand",
    "054": "Melanesia",
    "057": "Micronesia",
    "061": "Polynesia",
    "142": "Asia",
    "143": "Central Asia",
    "145": "Western Asia",
    "150": "Europe",
    "151": "Eastern Europe",
    "154": "Northern Europe",
    "155": "Western Europe",
    "202": "Sub-Saharan Africa",
    "419": "Latin America and the Caribbean",
}
"""UN M49 region codes (region vocabulary 2) -> names as in ``data/country-codes.csv``."""


def status_name(code: str) -> str:
    """Activity-status code -> the word a person uses ("2" -> "implementation"); "" if unknown."""
    return _STATUS_NAMES.get(code.strip(), "")


def status_code_for(status: str) -> str:
    """A proposal's status -> activity-status code: a funded proposal is in implementation."""
    folded = status.strip().casefold()
    for code, name in _STATUS_NAMES.items():
        if folded == name:
            return code
    if folded in {"", "not yet funded", "submitted", "pipeline"}:
        return "1"
    return "2"


def region_name(code: str, vocabulary: str) -> str:
    """M49 region name of a recipient-region (vocabulary 1 DAC, 2 UN M49); "" when unknown."""
    code = code.strip()
    if vocabulary.strip() in {"", "1"}:
        return _DAC_REGIONS.get(code, "")
    if vocabulary.strip() == "2":
        return _M49_REGIONS.get(code.zfill(3), "")
    return ""


def target_kind_of_tag(vocabulary: str, vocabulary_uri: str) -> str:
    """ "gbf", "aichi" or "" for a tag, from its vocabulary URI (any CBD GBF or Aichi page)."""
    uri = vocabulary_uri.strip().casefold()
    if vocabulary.strip() not in {"98", "99"} or not uri:
        return ""
    if "gbf" in uri or "kunming" in uri or "biodiversity-framework" in uri:
        return "gbf"
    if "aichi" in uri or "cbd.int/sp" in uri:
        return "aichi"
    return ""


@cache
def target_titles() -> tuple[dict[int, str], dict[int, str], dict[int, tuple[int, ...]]]:
    """Aichi titles, GBF titles, and each Aichi target's GBF successors (crosswalk, primary)."""
    from matcher.reference import aichi_targets, crosswalk, gbf_targets

    aichi = aichi_targets()
    gbf = gbf_targets()
    links = crosswalk()
    primary = links[links["relation"] == "primary"]
    successors: dict[int, tuple[int, ...]] = {}
    for source, group in primary.groupby("aichi_target"):
        successors[int(source)] = tuple(sorted(int(t) for t in group["gbf_target"]))
    title_column = next(c for c in ("short_title", "title") if c in aichi.columns)
    gbf_title = next(c for c in ("short_title", "title") if c in gbf.columns)
    return (
        dict(zip(aichi["target"], aichi[title_column].astype(str), strict=True)),
        dict(zip(gbf["target"], gbf[gbf_title].astype(str), strict=True)),
        successors,
    )
