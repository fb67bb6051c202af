"""Countries and regions as people write them: names in the six UN languages, common French
and Spanish names, ISO codes; suggestions for close spellings only.

Names come from the UNTERM short and formal names in ``data/country-codes.csv`` plus the
variants below that UNTERM does not hold ("Cap-Vert", "Kenia", "Viet Nam").
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from matcher import words
from matcher.contract import REGION_GROUPS
from matcher.intake.text import CACHE_SIZE as _CACHE_SIZE
from matcher.intake.text import ListParse, name_key, split_list
from matcher.reference import countries as reference_countries

__all__ = [
    "SUGGESTION_MIN_RATIO",
    "CountryParse",
    "parse_countries",
    "parse_regions",
    "region_names",
    "suggest_countries",
    "suggested_name",
]

# --------------------------------------------------------------------------- countries


class CountryParse(NamedTuple):
    """Countries found in one cell: ISO alpha-3 codes in the order written, and unreadable parts."""

    codes: tuple[str, ...]
    unknown: tuple[str, ...]


# Spellings people use that the UN reference table does not hold.
_COUNTRY_VARIANTS: dict[str, str] = {
    "viet nam": "VNM",
    "vietnam": "VNM",
    "lao pdr": "LAO",
    "laos": "LAO",
    "lao": "LAO",
    "dr congo": "COD",
    "drc": "COD",
    "d r congo": "COD",
    "dem rep congo": "COD",
    "democratic republic of congo": "COD",
    "congo democratic republic of the": "COD",
    "congo democratic republic": "COD",
    "congo kinshasa": "COD",
    "rdc": "COD",
    "rd congo": "COD",
    "republique democratique du congo": "COD",
    "republic of congo": "COG",
    "republic of the congo": "COG",
    "congo republic": "COG",
    "congo brazzaville": "COG",
    "cote divoire": "CIV",
    "cote d ivoire": "CIV",
    "ivory coast": "CIV",
    "micronesia": "FSM",
    "federated states of micronesia": "FSM",
    "fsm": "FSM",
    "micronesia federated states of": "FSM",
    "tanzania": "TZA",
    "tanzanie": "TZA",
    "tanzania united republic of": "TZA",
    "bolivia": "BOL",
    "bolivie": "BOL",
    "venezuela": "VEN",
    "iran": "IRN",
    "syria": "SYR",
    "russia": "RUS",
    "south korea": "KOR",
    "korea": "KOR",
    "korea republic of": "KOR",
    "north korea": "PRK",
    "moldova": "MDA",
    "uk": "GBR",
    "united kingdom": "GBR",
    "great britain": "GBR",
    "britain": "GBR",
    "england": "GBR",
    "usa": "USA",
    "united states": "USA",
    "u s a": "USA",
    "u s": "USA",
    "the gambia": "GMB",
    "gambia the": "GMB",
    "cape verde": "CPV",
    "swaziland": "SWZ",
    "burma": "MMR",
    "macedonia": "MKD",
    "fyrom": "MKD",
    "east timor": "TLS",
    "timor leste": "TLS",
    "turkey": "TUR",
    "turkiye": "TUR",
    "czech republic": "CZE",
    "palestine": "PSE",
    "brasil": "BRA",
    "brunei": "BRN",
    "holland": "NLD",
    "the netherlands": "NLD",
    "saint kitts": "KNA",
    "saint vincent": "VCT",
    "sao tome": "STP",
    "vatican": "VAT",
    "holy see": "VAT",
    "kirghizia": "KGZ",
    "kyrgyz republic": "KGZ",
    "slovak republic": "SVK",
    "guinea bissau": "GNB",
    "guinee bissau": "GNB",
    "png": "PNG",
    "uae": "ARE",
    "emirates": "ARE",
    "越南": "VNM",
    "老挝": "LAO",
    "坦桑尼亚": "TZA",
    "玻利维亚": "BOL",
    "委内瑞拉": "VEN",
    "刚果金": "COD",
    "刚果民主共和国": "COD",
    "刚果布": "COG",
    "刚果": "COG",
    "密克罗尼西亚": "FSM",
    "科特迪瓦": "CIV",
    "韩国": "KOR",
    "朝鲜": "PRK",
    "美国": "USA",
    "英国": "GBR",
    "俄罗斯": "RUS",
    "伊朗": "IRN",
    "叙利亚": "SYR",
    "巴勒斯坦": "PSE",
    "costa de marfil": "CIV",
    "republica democratica del congo": "COD",
    "vietnam socialist republic of": "VNM",
    # French and Spanish names in common use that the UNTERM short names do not hold.
    "cap vert": "CPV",
    "iles du cap vert": "CPV",
    "turquie": "TUR",
    "turquia": "TUR",
    "swazilandia": "SWZ",
    "timor oriental": "TLS",
    "kenia": "KEN",
    "estados unidos": "USA",
    "estados unidos de america": "USA",
    "etats unis": "USA",
    "etats unis d amerique": "USA",
    "guinea bisau": "GNB",
    "fiyi": "FJI",
    "irak": "IRQ",
    "butan": "BTN",
    "birmanie": "MMR",
    "kazajistan": "KAZ",
    "kazajstan": "KAZ",
    "russie": "RUS",
    "rusia": "RUS",
    "moldavie": "MDA",
    "moldavia": "MDA",
    "bielorussie": "BLR",
    "bielorrusia": "BLR",
    "coree": "KOR",
    "coree du sud": "KOR",
    "corea": "KOR",
    "corea del sur": "KOR",
    "coree du nord": "PRK",
    "corea del norte": "PRK",
    "royaume uni": "GBR",
    "reino unido": "GBR",
    "nueva zelanda": "NZL",
    "yibuti": "DJI",
    "ruanda": "RWA",
    "surinam": "SUR",
    "syrie": "SYR",
    "siria": "SYR",
    "republica checa": "CZE",
    "republique tcheque": "CZE",
    "nouvelle caledonie": "NCL",
    "nueva caledonia": "NCL",
    "polynesie francaise": "PYF",
    "polinesia francesa": "PYF",
    "groenland": "GRL",
    "groenlandia": "GRL",
    "micronesie": "FSM",
}

_NAME_COLUMNS = (
    "name_en",
    "display_name",
    "unterm_en_short",
    "unterm_en_formal",
    "unterm_fr_short",
    "unterm_es_short",
    "unterm_zh_short",
    "unterm_ru_short",
    "unterm_ar_short",
)
_PARENTHETICAL = re.compile(r"\s*\([^)]*\)\s*$")


class _CountryTable(NamedTuple):
    by_key: dict[str, str]
    by_code: dict[str, str]
    english_name: dict[str, str]
    choice_keys: list[str]


@cache
def _country_table() -> _CountryTable:
    table = reference_countries()
    exact: dict[str, str] = {}
    derived: dict[str, set[str]] = {}
    by_code: dict[str, str] = {}
    english: dict[str, str] = {}
    for row in table.itertuples(index=False):
        iso3 = row.iso3
        by_code[iso3] = iso3
        by_code[row.iso2] = iso3
        english[iso3] = words.country_name(iso3)
        for column in _NAME_COLUMNS:
            plain = words.unterm_plain(getattr(row, column))
            if not plain:
                continue
            exact.setdefault(name_key(plain), iso3)
            stripped = _PARENTHETICAL.sub("", plain)
            if stripped and stripped != plain:
                derived.setdefault(name_key(stripped), set()).add(iso3)
                # "Venezuela (República Bolivariana de)" is also written "República Bolivariana de Venezuela".
                qualifier = plain[len(stripped) :].strip(" ()")
                derived.setdefault(name_key(f"{qualifier} {stripped}"), set()).add(iso3)
    by_key = dict(exact)
    for key, codes in derived.items():
        if key not in by_key and len(codes) == 1:
            by_key[key] = next(iter(codes))
    for variant, iso3 in _COUNTRY_VARIANTS.items():
        by_key[name_key(variant)] = iso3
    by_key.pop("", None)
    return _CountryTable(by_key, by_code, english, sorted(by_key))


def _lookup_country(piece: str) -> str | None:
    piece = piece.strip().strip(".").strip()
    if not piece:
        return None
    table = _country_table()
    if piece.casefold() in _EMPTY_COUNTRIES:
        return None
    # Codes only in capitals: "NA" is Namibia, but "n/a" or "in" are not countries.
    if piece.isascii() and piece.isalpha() and piece.isupper() and len(piece) in (2, 3):
        code = table.by_code.get(piece)
        if code:
            return code
    code = table.by_key.get(name_key(piece))
    if code is None:
        # UNTERM's marks as copied from its list: "Cook Islands (the) **".
        code = table.by_key.get(name_key(words.unterm_plain(piece)))
    if code is None and piece.endswith(")"):
        # "Afghanistan (l')", "Bolivia (Estado Plurinacional de)": the name before the brackets.
        code = table.by_key.get(name_key(_PARENTHETICAL.sub("", piece)))
    return code


_EMPTY_COUNTRIES = {"n/a", "-", "--", "none", "tbd", "n.a.", "?"}


# Words and marks between country names inside one piece: "Kenya, Uganda and Tanzania".
_WEAK_SEPARATORS = re.compile(
    r"(\s*,\s*|\s+and\s+|\s*&\s*|\s+et\s+|\s+y\s+|\s+e\s+|\s*/\s*|\s*和\s*|\s*及\s*)", re.I
)


def _segment(piece: str) -> tuple[list[str], list[str]]:
    """Greedy longest-match segmentation, so "Bosnia and Herzegovina" stays one country."""
    tokens = _WEAK_SEPARATORS.split(piece)
    words = tokens[0::2]
    joiners = tokens[1::2]
    codes: list[str] = []
    unknown: list[str] = []
    start = 0
    while start < len(words):
        for end in range(len(words), start, -1):
            text = words[start]
            for index in range(start + 1, end):
                text += joiners[index - 1] + words[index]
            code = _lookup_country(text)
            if code:
                codes.append(code)
                start = end
                break
        else:
            if words[start].strip():
                unknown.append(words[start].strip())
            start += 1
    return codes, unknown


@lru_cache(maxsize=_CACHE_SIZE)
def parse_countries(text: str) -> CountryParse:
    """ISO alpha-3 codes for every country named in one cell.

    Accepts names in the six UN languages, common variants ("Viet Nam", "Lao PDR",
    "DR Congo"), ISO alpha-2 (``NA`` is Namibia) and alpha-3 codes, and several countries
    in one cell joined by ``|``, ``;``, commas, "and", "&", "et", "y", "、".

    Parameters
    ----------
    text : str
        The cell as it came.

    Returns
    -------
    CountryParse
        ``codes`` without repeats in the order written, and ``unknown`` parts that named
        no country (use :func:`suggest_countries` for a hint).

    Examples
    --------
    >>> parse_countries("Kenya, Uganda and Tanzania").codes
    ('KEN', 'UGA', 'TZA')
    """
    codes: list[str] = []
    unknown: list[str] = []
    if text.strip().casefold() in _EMPTY_COUNTRIES:
        return CountryParse((), ())
    whole = _lookup_country(text)
    pieces = [text] if whole else split_list(text)
    for piece in pieces:
        code = _lookup_country(piece)
        if code:
            found, missing = [code], []
        else:
            found, missing = _segment(piece)
        codes.extend(c for c in found if c not in codes)
        unknown.extend(missing)
    return CountryParse(tuple(codes), tuple(unknown))


SUGGESTION_MIN_RATIO = 75.0
"""Lowest rapidfuzz ``ratio`` (0-100) of an unknown spelling and a country name to suggest it."""


def _close_spelling(key: str, choice: str) -> bool:
    """At most one slip per four letters (a swap counts once): "keyna"/"kenya", not "atlantis"/"albania"."""
    allowed = max(1, len(key) // 4)
    return DamerauLevenshtein.distance(key, choice, score_cutoff=allowed) <= allowed


@lru_cache(maxsize=4096)
def suggest_countries(text: str, *, limit: int = 3) -> tuple[str, ...]:
    """Country names spelt closely like an unknown one, as "Kenya (KEN)" strings, best first.

    Only close spellings: a letter or two wrong, missing, extra or swapped ("Keyna" ->
    Kenya, "Seychelle" -> Seychelles). A name that is no country ("Atlantis") gets none.
    """
    table = _country_table()
    key = name_key(text)
    if len(key) < 3:
        return ()
    matches = process.extract(
        key,
        table.choice_keys,
        scorer=fuzz.ratio,
        limit=limit * 4,
        score_cutoff=SUGGESTION_MIN_RATIO,
    )
    suggestions: list[str] = []
    seen: set[str] = set()
    for choice, _score, _index in matches:
        code = table.by_key[choice]
        if code in seen or not _close_spelling(key, choice):
            continue
        seen.add(code)
        suggestions.append(f"{table.english_name[code]} ({code})")
        if len(suggestions) == limit:
            break
    return tuple(suggestions)


def suggested_name(suggestion: str) -> str:
    """The text to put in the cell for a suggestion "Kenya (KEN)": the name if it reads back, else the code."""
    name, _, code = suggestion.rpartition(" (")
    code = code.rstrip(")")
    return name if _lookup_country(name) == code else code


# --------------------------------------------------------------------------- regions


_GROUP_SYNONYMS = {
    "ldc": "LDC",
    "ldcs": "LDC",
    "least developed countries": "LDC",
    "least developed country": "LDC",
    "pma": "LDC",
    "pays les moins avances": "LDC",
    "paises menos adelantados": "LDC",
    "最不发达国家": "LDC",
    "lldc": "LLDC",
    "lldcs": "LLDC",
    "landlocked developing countries": "LLDC",
    "land locked developing countries": "LLDC",
    "sids": "SIDS",
    "small island developing states": "SIDS",
    "small island developing state": "SIDS",
    "peid": "SIDS",
    "小岛屿发展中国家": "SIDS",
}
_REGION_SYNONYMS = {
    "latin america": "Latin America and the Caribbean",
    "lac": "Latin America and the Caribbean",
    "latin america caribbean": "Latin America and the Caribbean",
    "amerique latine et caraibes": "Latin America and the Caribbean",
    "america latina y el caribe": "Latin America and the Caribbean",
    "ssa": "Sub-Saharan Africa",
    "sub saharan africa": "Sub-Saharan Africa",
    "afrique subsaharienne": "Sub-Saharan Africa",
    "africa subsahariana": "Sub-Saharan Africa",
    "southeast asia": "South-eastern Asia",
    "south east asia": "South-eastern Asia",
    "central africa": "Middle Africa",
    "east africa": "Eastern Africa",
    "west africa": "Western Africa",
    "pacific": "Oceania",
    "pacific islands": "Oceania",
    "afrique": "Africa",
    "africa": "Africa",
    "asie": "Asia",
    "europe": "Europe",
    "amerique": "Americas",
    "america": "Americas",
    "americas": "Americas",
    "oceanie": "Oceania",
    "非洲": "Africa",
    "亚洲": "Asia",
    "欧洲": "Europe",
    "美洲": "Americas",
    "大洋洲": "Oceania",
}
_NO_RESTRICTION = {
    "global",
    "worldwide",
    "world",
    "all",
    "all countries",
    "any",
    "mondial",
    "mundial",
    "全球",
}


@cache
def _region_table() -> dict[str, str]:
    table = reference_countries()
    names: dict[str, str] = {}
    for column in ("region", "sub_region", "intermediate_region"):
        for name in table[column].unique():
            if name:
                names[name_key(name)] = name
    for synonym, name in _REGION_SYNONYMS.items():
        names[name_key(synonym)] = name
    for synonym, group in _GROUP_SYNONYMS.items():
        names[name_key(synonym)] = group
    for group in REGION_GROUPS:
        names[name_key(group)] = group
    return names


@lru_cache(maxsize=_CACHE_SIZE)
def parse_regions(text: str) -> ListParse:
    """UN M49 region / sub-region / intermediate-region names, or LDC / LLDC / SIDS.

    "Global", "worldwide" or "all" mean no regional restriction and give an empty tuple.
    """
    table = _region_table()
    values: list[str] = []
    unknown: list[str] = []
    for piece in split_list(text):
        for part in re.split(r"\s*,\s*", piece):
            key = name_key(part)
            if not key or key in _NO_RESTRICTION:
                continue
            name = table.get(key)
            if name is None:
                unknown.append(part.strip())
            elif name not in values:
                values.append(name)
    return ListParse(tuple(values), tuple(unknown))


@cache
def region_names() -> tuple[str, ...]:
    """Every region name :func:`parse_regions` can return (for suggestions)."""
    return tuple(sorted(set(_region_table().values())))
