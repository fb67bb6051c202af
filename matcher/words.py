"""Words a person reads, one place for the app, the exports, the hand-outs and the CLI.

Stored data and machine formats keep codes and keys (``CPV``, ``marine_coastal``,
``bilateral_government``: the data contract, IATI); whatever a programme officer reads says
"Cabo Verde", "marine and coastal areas", "1 proposal" / "2 proposals" instead, never
"proposal(s)". Pure functions over the shipped reference; no Streamlit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Final

from matcher import reference

__all__ = [
    "ECOSYSTEM_WORDS",
    "counted",
    "country_list",
    "country_name",
    "country_names",
    "country_search_text",
    "ecosystem_list",
    "key_words",
    "noun",
    "unterm_plain",
]

# The contract's ecosystem keys (matcher.contract.ECOSYSTEMS) as a sentence says them.
ECOSYSTEM_WORDS: Final = {
    "forests": "forests",
    "wetlands": "wetlands",
    "marine_coastal": "marine and coastal areas",
    "drylands": "drylands",
    "mountains": "mountains",
    "islands": "islands",
    "freshwater": "freshwater",
    "grasslands": "grasslands",
    "agricultural": "farmland",
}


def noun(n: int, word: str, plural: str | None = None) -> str:
    """``word`` as ``n`` of it is said: singular for one, else ``plural`` (default ``word + "s"``).

    Also agrees a verb with a count: ``noun(n, "has", "have")``, ``noun(n, "is", "are")``.
    """
    return word if n == 1 else plural or word + "s"


def counted(n: int, word: str, plural: str | None = None) -> str:
    """``n`` and ``word``, in the plural unless ``n`` is one (``plural`` for irregular words).

    ``counted(1, "proposal")`` is "1 proposal", ``counted(3, "proposal")`` "3 proposals",
    ``counted(2, "proposal row")`` "2 proposal rows"; never "proposal(s)".
    """
    return f"{n:,} {noun(n, word, plural)}"


# UNTERM writes a bracketed article after a name ("Bahamas (the)", "Afghanistan (l')",
# "Argentina (la)") and "*" or "**" after a non-member or an associated state ("Cook Islands
# (the) **", "the Holy See *"); neither is part of the name a sentence or a lookup uses.
_UNTERM_MARKS: Final = re.compile(
    r"(?:\s*(?:\((?:the|le|la|l'|l’|les|el|los|las)\)|\*+))*\s*$", re.IGNORECASE
)


def unterm_plain(name: object) -> str:
    """A UN country name without UNTERM's marks: "Cook Islands (the) **" is "Cook Islands",
    "Afghanistan (l')" is "Afghanistan"; any other name is returned stripped.

    The one rule for the sentences (:func:`country_names`), the place names a text is read for
    (:mod:`matcher.profile`) and the names an upload may write (:mod:`matcher.intake.countries`).
    """
    return _UNTERM_MARKS.sub("", "" if name is None else str(name)).strip()


def _short_name(unterm: object, display: object, english: object) -> str:
    """UNTERM's English short name ("Cabo Verde", "Saint Kitts and Nevis"): the names the CBD
    and its Parties write, not CLDR's "Cape Verde" or "St. Kitts & Nevis"; CLDR's name, then
    M49's, where UNTERM has none."""
    for name in (unterm, display, english):
        text = unterm_plain(name)
        if text:
            return text
    return ""


@cache
def country_names() -> dict[str, str]:
    """ISO alpha-3 to the short English name the UN uses ("CPV": "Cabo Verde")."""
    table = reference.countries()
    return {
        str(iso3): _short_name(unterm, display, english)
        for iso3, unterm, display, english in zip(
            table["iso3"],
            table["unterm_en_short"],
            table["display_name"],
            table["name_en"],
            strict=True,
        )
    }


@cache
def _names_by_any_code() -> dict[str, str]:
    table = reference.countries()
    names = country_names()
    by_code = dict(names)
    for iso2, iso3 in zip(table["iso2"].astype(str), table["iso3"].astype(str), strict=True):
        by_code.setdefault(iso2.upper(), names[iso3])
    return by_code


def country_name(code: object) -> str:
    """The English short name of an ISO alpha-3 (or alpha-2) code; other text as it is."""
    text = "" if code is None else str(code).strip()
    return _names_by_any_code().get(text.upper(), text)


def _items(values: object) -> list[str]:
    if values is None or (isinstance(values, float) and values != values):
        return []
    items: Iterable[object] = values.split(";") if isinstance(values, str) else values  # type: ignore[assignment]
    return [str(v).strip() for v in items if str(v).strip()]


def country_list(codes: object) -> str:
    """ISO codes (a tuple, or ``;``-joined text) as English names, comma-joined.

    A code the reference does not know is shown as it is, so nothing typed disappears.
    """
    return ", ".join(country_name(c) for c in _items(codes))


@cache
def _other_names() -> dict[str, str]:
    """Each code's other English names (CLDR's "Laos", M49's), for a search to find them."""
    table = reference.countries()
    names = country_names()
    other: dict[str, str] = {}
    for iso3, display, english in zip(
        table["iso3"], table["display_name"], table["name_en"], strict=True
    ):
        extra = {str(n).strip() for n in (display, english) if str(n).strip()} - {names[str(iso3)]}
        other[str(iso3)] = " ".join(sorted(extra))
    return other


def country_search_text(codes: object) -> str:
    """Every English name of the codes ("Lao People's Democratic Republic Laos"): what a search
    box matches, so a person finds a country by the name they know, UN or common."""
    other = _other_names()
    return " ".join(f"{country_name(c)} {other.get(c.upper(), '')}".strip() for c in _items(codes))


def ecosystem_list(keys: object) -> str:
    """Ecosystem keys (a tuple, or ``;``-joined text) in words, comma-joined."""
    return ", ".join(key_words(k) for k in _items(keys))


def key_words(key: object) -> str:
    """A snake_case key as a person reads it: an ecosystem in :data:`ECOSYSTEM_WORDS`
    ("marine_coastal": "marine and coastal areas"), else with spaces
    ("bilateral_government": "bilateral government")."""
    text = "" if key is None else str(key).strip()
    if text in ECOSYSTEM_WORDS:
        return ECOSYSTEM_WORDS[text]
    return text.replace("_", " ")
