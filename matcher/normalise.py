"""Cell-level parsers: countries, amounts, currencies, targets, ecosystems, dates, HTML.

Each parser takes one cell as people write it and returns the normalised value plus
what it could not read, so the loader can reject the row with a reason instead of
guessing. Parsers are pure and cached per distinct cell text: a 100k-row file usually
holds a few hundred distinct country cells, so each is parsed once.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from functools import cache, lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from matcher.contract import ECOSYSTEMS, REGION_GROUPS
from matcher.reference import countries as reference_countries

__all__ = [
    "AmountParse",
    "CountryParse",
    "ListParse",
    "TargetParse",
    "html_to_text",
    "name_key",
    "parse_active",
    "parse_amount",
    "parse_countries",
    "parse_currency",
    "parse_date",
    "parse_ecosystems",
    "parse_regions",
    "parse_targets",
    "parse_year",
    "split_list",
    "suggest_countries",
    "suggested_name",
]

_CACHE_SIZE = 65_536

# --------------------------------------------------------------------------- text keys


_APOSTROPHES = re.compile("['\u2018\u2019`\u00b4]")
_SAINT = re.compile(r"\bst\.?\s")
_NON_WORD = re.compile(r"[^\w]+")


def name_key(text: str) -> str:
    """A comparison key: case, accents, apostrophes, punctuation and a leading "the" ignored.

    "Côte d’Ivoire", "Cote d'Ivoire" and "COTE D IVOIRE" share one key; CJK text is kept.
    """
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKC", text).casefold()
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if unicodedata.category(ch) != "Mn"
        )
    text = text.replace("&", " and ")
    text = _APOSTROPHES.sub("", text)
    text = _SAINT.sub("saint ", text)
    text = _NON_WORD.sub(" ", text).strip()
    return text[4:] if text.startswith("the ") else text


_WHITESPACE = re.compile(r"[ \t\u00a0\u2009\u202f]+")

# --------------------------------------------------------------------------- HTML

_BLOCK_TAGS = re.compile(r"<(br|/p|/h[1-6]|/div|/tr|/ul|/ol|p|h[1-6]|div|tr)\b[^>]*>", re.I)
_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.I)
_TABLE_CELL_END = re.compile(r"</t[dh]\s*>", re.I)
_ANY_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


_OTHER_COLLAPSED_SPACES = ("\t", "\u00a0", "\u2009", "\u202f")
_LONG_TEXT = 256
"""Cells longer than this are converted without the cache: long text is rarely repeated."""


def _squeeze_line(line: str) -> str:
    """``_WHITESPACE.sub(" ", line).strip()``, skipping the regex when there is nothing to collapse."""
    if "  " in line or any(space in line for space in _OTHER_COLLAPSED_SPACES):
        line = _WHITESPACE.sub(" ", line)
    return line.strip()


def html_to_text(text: str) -> str:
    """Plain text from a cell that may hold HTML (the LifeWeb export stores ``<br/>``, ``<p>``, ``<h4>``).

    Block tags become line breaks, list items become "- " lines, entities are decoded, and
    runs of blank lines collapse to one. Text without tags or entities is only trimmed
    (runs of spaces and tabs become one space).

    Parameters
    ----------
    text : str
        The cell as it came.

    Returns
    -------
    str
        Plain text, safe to show as text (no markup left).
    """
    if len(text) > _LONG_TEXT:
        return _html_to_text(text)
    return _html_to_text_cached(text)


@lru_cache(maxsize=_CACHE_SIZE)
def _html_to_text_cached(text: str) -> str:
    """Short cells (titles, statuses) repeat across rows: each distinct one is converted once."""
    return _html_to_text(text)


def _html_to_text(text: str) -> str:
    if not text:
        return ""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<" in text or "&" in text:
        text = _COMMENT.sub("", text)
        text = _LIST_ITEM.sub("\n- ", text)
        text = _TABLE_CELL_END.sub(" ", text)
        text = _BLOCK_TAGS.sub("\n", text)
        text = _ANY_TAG.sub("", text)
        text = html.unescape(text)
    if "\n" not in text:
        return _squeeze_line(text)
    text = "\n".join([_squeeze_line(line) for line in text.split("\n")])
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


_BLANK_LINES = re.compile(r"\n{3,}")


# --------------------------------------------------------------------------- lists


_STRONG_SEPARATORS = re.compile(r"\s*(?:[|;\n、，；]|\s/\s)\s*")


def split_list(text: str) -> list[str]:
    """Split a multi-valued cell on ``|``, ``;``, line breaks and CJK list marks (not commas)."""
    return [part for part in _STRONG_SEPARATORS.split(text.strip()) if part.strip()]


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
_ARTICLE = re.compile(r"\s*\((?:the|le|la|l'|l’|les|el|los|las)\)\s*$", re.I)
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
        english[iso3] = row.display_name or row.name_en
        for column in _NAME_COLUMNS:
            raw = str(getattr(row, column)).replace("*", "").strip()
            if not raw:
                continue
            without_article = _ARTICLE.sub("", raw)
            exact.setdefault(name_key(without_article), iso3)
            stripped = _PARENTHETICAL.sub("", without_article)
            if stripped and stripped != without_article:
                derived.setdefault(name_key(stripped), set()).add(iso3)
                # "Venezuela (República Bolivariana de)" is also written "República Bolivariana de Venezuela".
                qualifier = without_article[len(stripped) :].strip(" ()")
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


class ListParse(NamedTuple):
    """Values from a multi-valued cell, normalised, and the parts that could not be read."""

    values: tuple[str, ...]
    unknown: tuple[str, ...]


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


# --------------------------------------------------------------------------- currencies

ISO_CURRENCIES = frozenset(
    [
        "USD",
        "EUR",
        "GBP",
        "JPY",
        "CNY",
        "CHF",
        "CAD",
        "AUD",
        "NZD",
        "NOK",
        "SEK",
        "DKK",
        "ISK",
        "KRW",
        "INR",
        "BRL",
        "MXN",
        "ZAR",
        "RUB",
        "TRY",
        "ARS",
        "CLP",
        "COP",
        "PEN",
        "BOB",
        "IDR",
        "PHP",
        "THB",
        "VND",
        "MYR",
        "SGD",
        "HKD",
        "TWD",
        "KES",
        "UGX",
        "TZS",
        "XOF",
        "XAF",
        "XPF",
        "MAD",
        "EGP",
        "NGN",
        "GHS",
        "ETB",
        "MGA",
        "MUR",
        "FJD",
        "PGK",
        "WST",
        "TOP",
        "SBD",
        "VUV",
        "KZT",
        "MNT",
        "BDT",
        "PKR",
        "LKR",
        "NPR",
        "KHR",
        "LAK",
        "MMR",
        "CRC",
        "GTQ",
        "HNL",
        "NIO",
        "PAB",
        "DOP",
        "JMD",
        "TTD",
        "BZD",
        "XCD",
        "UYU",
        "PYG",
        "VES",
        "GEL",
        "AMD",
        "AZN",
        "UAH",
        "PLN",
        "CZK",
        "HUF",
        "RON",
        "BGN",
        "HRK",
        "RSD",
        "ALL",
        "BAM",
        "MKD",
        "ILS",
        "JOD",
        "LBP",
        "SAR",
        "AED",
        "QAR",
        "KWD",
        "BHD",
        "OMR",
        "IRR",
        "IQD",
        "SYP",
        "YER",
        "AFN",
    ]
)

# Longest first so "US$" wins over "$" and "美元" over "元".
_CURRENCY_WORDS: tuple[tuple[str, str], ...] = (
    ("us$", "USD"),
    ("usd", "USD"),
    ("u.s. dollars", "USD"),
    ("us dollars", "USD"),
    ("dollars us", "USD"),
    ("dollars", "USD"),
    ("dollar", "USD"),
    ("dólares", "USD"),
    ("dolares", "USD"),
    ("dólar", "USD"),
    ("долларов", "USD"),
    ("доллар", "USD"),
    ("美元", "USD"),
    ("美金", "USD"),
    ("r$", "BRL"),
    ("a$", "AUD"),
    ("ca$", "CAD"),
    ("c$", "CAD"),
    ("euros", "EUR"),
    ("euro", "EUR"),
    ("евро", "EUR"),
    ("欧元", "EUR"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("pounds", "GBP"),
    ("日元", "JPY"),
    ("yen", "JPY"),
    ("人民币", "CNY"),
    ("rmb", "CNY"),
    ("yuan", "CNY"),
    ("元", "CNY"),
    ("francs suisses", "CHF"),
    ("swiss francs", "CHF"),
    ("fcfa", "XOF"),
    ("cfa", "XOF"),
    ("$", "USD"),
)


@lru_cache(maxsize=4096)
def parse_currency(text: str) -> str | None:
    """ISO 4217 code for a currency as written ("US$", "euros", "美元", "eur"), or None.

    An empty cell gives ``""``; an unknown currency gives None.
    """
    cleaned = text.strip()
    if not cleaned:
        return ""
    upper = cleaned.upper()
    if upper in ISO_CURRENCIES:
        return upper
    lowered = cleaned.casefold()
    for word, code in _CURRENCY_WORDS:
        if lowered == word:
            return code
    return None


def _find_currency(text: str) -> tuple[str, str]:
    """Currency mentioned inside an amount cell, and the cell with it removed."""
    lowered = text.casefold()
    for code in re.findall(r"\b[A-Za-z]{3}\b", text):
        if code.upper() in ISO_CURRENCIES:
            return code.upper(), re.sub(rf"\b{code}\b", " ", text, count=1)
    for word, code in _CURRENCY_WORDS:
        position = lowered.find(word)
        if position < 0:
            continue
        if word[0].isalpha() and word.isascii():
            before = lowered[position - 1] if position else " "
            after_index = position + len(word)
            after = lowered[after_index] if after_index < len(lowered) else " "
            if before.isalpha() or after.isalpha():
                continue
        return code, text[:position] + " " + text[position + len(word) :]
    return "", text


# --------------------------------------------------------------------------- amounts


class AmountParse(NamedTuple):
    """An amount read from one cell: value (NaN when empty), currency found in it, problem."""

    value: float
    currency: str
    problem: str | None


_MULTIPLIERS: tuple[tuple[str, float], ...] = (
    ("milliards", 1e9),
    ("milliard", 1e9),
    ("billions", 1e9),
    ("billion", 1e9),
    ("bn", 1e9),
    ("millions", 1e6),
    ("million", 1e6),
    ("millones", 1e6),
    ("millón", 1e6),
    ("millon", 1e6),
    ("mio", 1e6),
    ("mln", 1e6),
    ("mn", 1e6),
    ("млн", 1e6),
    ("m", 1e6),
    ("thousand", 1e3),
    ("mil", 1e3),
    ("тыс", 1e3),
    ("k", 1e3),
    ("亿", 1e8),
    ("百万", 1e6),
    ("万", 1e4),
    ("千", 1e3),
)
_FILLER = re.compile(
    r"\b(?:approx(?:imately)?|about|around|ca|circa|environ|aprox(?:imadamente)?|unos|"
    r"d|de|of|in|en|total|up to|jusqu a|hasta)\b|约|大约|共",
    re.I,
)
_EMPTY_AMOUNTS = {
    "",
    "-",
    "--",
    "n/a",
    "na",
    "n.a.",
    "none",
    "tbd",
    "tbc",
    "nan",
    "?",
    "s/o",
    "s.o.",
}
_NUMBER = re.compile(r"\d[\d.,'\s\u00a0\u202f\u2009]*")


def _read_number(digits: str, has_multiplier: bool) -> float | None:
    """Decide which of ``.`` and ``,`` is the decimal mark, then read the number."""
    digits = digits.strip().rstrip(".,")
    spaced = re.split(r"[\s'\u00a0\u202f\u2009]+", digits)
    if len(spaced) > 1 and not all(len(group) == 3 for group in spaced[1:]):
        return None
    digits = "".join(spaced)
    if not digits:
        return None
    if "," in digits and "." in digits:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        digits = digits.replace(thousands, "").replace(decimal, ".")
    elif "," in digits or "." in digits:
        mark = "," if "," in digits else "."
        parts = digits.split(mark)
        groups_of_three = all(len(p) == 3 for p in parts[1:]) and 1 <= len(parts[0]) <= 3
        if len(parts) > 2:
            if not groups_of_three:
                return None
            digits = "".join(parts)
        elif groups_of_three and not has_multiplier:
            # "850,000" and "2.500" are thousands; "1,5 millions" and "2.5M" are decimals.
            digits = "".join(parts)
        else:
            digits = parts[0] + "." + parts[1]
    try:
        return float(digits)
    except ValueError:
        return None


@lru_cache(maxsize=_CACHE_SIZE)
def parse_amount(text: str) -> AmountParse:
    """An amount as people write it: "USD 1.2 million", "$850,000", "2.5M", "€300k", "1.250.000,00", "120万".

    Parameters
    ----------
    text : str
        The cell as it came.

    Returns
    -------
    AmountParse
        ``value`` (float, NaN when the cell is empty), ``currency`` named in the cell (ISO
        4217, "" when none), and ``problem`` (None when read; otherwise why not: negative or
        unreadable).

    Examples
    --------
    >>> parse_amount("1,5 millions d'euros")
    AmountParse(value=1500000.0, currency='EUR', problem=None)
    """
    cell = unicodedata.normalize("NFKC", text).strip()
    if cell.casefold() in _EMPTY_AMOUNTS:
        return AmountParse(math.nan, "", None)
    scientific = re.fullmatch(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+", cell)
    if scientific:
        value = float(cell)
        if value < 0:
            return AmountParse(value, "", f'negative amount "{text}"')
        return _bounded(AmountParse(value, "", None), text)
    negative = bool(re.match(r"^\s*(?:[-−–]|\()", cell)) or bool(
        re.search(r"[A-Za-z$€£¥]\s*[-−–]\s*\d", cell)
    )
    currency, rest = _find_currency(cell)
    rest = rest.replace("(", " ").replace(")", " ")
    rest = re.sub(r"^\s*[-−–+]", " ", rest)
    numbers = _NUMBER.findall(rest)
    if len(numbers) != 1:
        reason = "no number" if not numbers else "more than one number"
        return AmountParse(math.nan, currency, f'unreadable amount "{text}" ({reason})')
    number_text = numbers[0]
    tail = rest[rest.find(number_text) + len(number_text) :]
    head = rest[: rest.find(number_text)]
    multiplier = 1.0
    tail_key = tail.strip().casefold()
    for word, factor in _MULTIPLIERS:
        if tail_key.startswith(word) and (
            len(tail_key) == len(word) or not tail_key[len(word)].isalpha() or not word.isascii()
        ):
            multiplier = factor
            tail = tail.strip()[len(word) :]
            break
    leftover = _FILLER.sub(" ", head + " " + tail)
    leftover = re.sub(r"[\s'’.:=~]+", "", leftover)
    if leftover:
        return AmountParse(math.nan, currency, f'unreadable amount "{text}"')
    value = _read_number(number_text, has_multiplier=multiplier != 1.0)
    if value is None:
        return AmountParse(math.nan, currency, f'unreadable amount "{text}"')
    value *= multiplier
    if negative and value != 0:
        return AmountParse(-value, currency, f'negative amount "{text}"')
    return _bounded(AmountParse(round(value, 6), currency, None), text)


LARGEST_AMOUNT = 1e13
"""Largest amount accepted (ten trillion): more than any biodiversity budget on earth, so a
larger number is a typing or export error (or ``1e309``, infinity), not a request."""


def _bounded(parse: AmountParse, text: str) -> AmountParse:
    if not math.isfinite(parse.value):
        return AmountParse(math.nan, parse.currency, f'amount "{text}" is not a finite number')
    if parse.value > LARGEST_AMOUNT:
        return AmountParse(
            math.nan,
            parse.currency,
            f'amount "{text}" is larger than {LARGEST_AMOUNT:,.0f}; check the number',
        )
    return parse


# --------------------------------------------------------------------------- targets


class TargetParse(NamedTuple):
    """Target numbers found in one cell, those outside the valid range, and a problem if any."""

    targets: tuple[int, ...]
    out_of_range: tuple[int, ...]
    problem: str | None


_TARGET_RANGE = re.compile(r"(\d+)\s*(?:-|–|to|à|a|至|到)\s*(\d+)")
_DECIMAL = re.compile(r"\d+\.\d+")
_MINUS = re.compile(r"[-−–]\s*\d+")


def _not_targets(cell: str) -> list[str]:
    """Decimals ("11.5", "Target 11.2": GBF sub-elements or a typo) and negatives ("-1").

    A minus after a number is a range ("5 - 7") and after a letter a label ("T-11").
    """
    found = _DECIMAL.findall(cell)
    for match in _MINUS.finditer(cell):
        before = cell[: match.start()].rstrip()
        if not before or before[-1] in ";,|/(":
            found.append(match.group(0))
    return found


@lru_cache(maxsize=_CACHE_SIZE)
def parse_targets(text: str, *, highest: int = 20) -> TargetParse:
    """Target numbers as people write them: "11, 15", "T11;T15", "Aichi Target 5 and 15", "目标11、目标15".

    Parameters
    ----------
    text : str
        The cell as it came.
    highest : int
        The last valid target: 20 for Aichi targets, 23 for GBF targets.

    Returns
    -------
    TargetParse
        ``targets`` sorted without repeats (only those in ``1..highest``), numbers outside
        the range, and ``problem`` (None when the cell is empty or every number is valid).
    """
    cell = unicodedata.normalize("NFKC", text).strip()
    if not cell or cell.casefold() in _EMPTY_AMOUNTS:
        return TargetParse((), (), None)
    not_targets = _not_targets(cell)
    if not_targets:
        listed = ", ".join(f'"{n.strip()}"' for n in not_targets)
        return TargetParse(
            (), (), f"{listed} is not a target number (targets are whole numbers 1-{highest})"
        )
    numbers: list[int] = []
    remaining = cell
    for match in _TARGET_RANGE.finditer(cell):
        low, high = int(match.group(1)), int(match.group(2))
        if 1 <= low < high <= highest:
            numbers.extend(range(low, high + 1))
            remaining = remaining.replace(match.group(0), " ", 1)
    numbers.extend(int(n) for n in re.findall(r"\d+", remaining))
    if not numbers:
        return TargetParse((), (), f'no target number in "{text}"')
    valid = tuple(sorted({n for n in numbers if 1 <= n <= highest}))
    invalid = tuple(sorted({n for n in numbers if not 1 <= n <= highest}))
    problem = None
    if invalid:
        listed = ", ".join(str(n) for n in invalid)
        problem = f"target {listed} is outside 1-{highest}"
    return TargetParse(valid, invalid, problem)


# --------------------------------------------------------------------------- ecosystems

_ECOSYSTEM_SYNONYMS: dict[str, tuple[str, ...]] = {
    "forests": (
        "forest",
        "forests",
        "woodland",
        "woodlands",
        "rainforest",
        "tropical forest",
        "foret",
        "forets",
        "bosque",
        "bosques",
        "森林",
        "лес",
        "леса",
        "غابات",
    ),
    "wetlands": (
        "wetland",
        "wetlands",
        "marsh",
        "marshes",
        "swamp",
        "peatland",
        "peatlands",
        "mangrove",
        "mangroves",
        "zones humides",
        "zone humide",
        "humedal",
        "humedales",
        "湿地",
        "водно-болотные угодья",
    ),
    "marine_coastal": (
        "marine",
        "coastal",
        "marine and coastal",
        "marine coastal",
        "coast",
        "ocean",
        "oceans",
        "sea",
        "seas",
        "coral reef",
        "coral reefs",
        "reef",
        "reefs",
        "seagrass",
        "mpa",
        "marin",
        "marin et cotier",
        "cotier",
        "marino",
        "marino costero",
        "costero",
        "海洋",
        "沿海",
        "海洋和沿海",
        "морские",
    ),
    "drylands": (
        "dryland",
        "drylands",
        "arid",
        "semi arid",
        "desert",
        "deserts",
        "zones arides",
        "terres arides",
        "tierras secas",
        "zonas aridas",
        "旱地",
        "干旱地区",
        "засушливые земли",
    ),
    "mountains": (
        "mountain",
        "mountains",
        "montane",
        "alpine",
        "highland",
        "highlands",
        "montagne",
        "montagnes",
        "montana",
        "montanas",
        "山地",
        "山区",
        "горы",
    ),
    "islands": ("island", "islands", "insular", "ile", "iles", "isla", "islas", "岛屿", "острова"),
    "freshwater": (
        "freshwater",
        "fresh water",
        "inland water",
        "inland waters",
        "river",
        "rivers",
        "lake",
        "lakes",
        "eau douce",
        "agua dulce",
        "淡水",
        "内陆水域",
        "пресная вода",
    ),
    "grasslands": (
        "grassland",
        "grasslands",
        "savanna",
        "savannah",
        "savannas",
        "steppe",
        "prairie",
        "rangeland",
        "rangelands",
        "pastizal",
        "pastizales",
        "sabana",
        "草原",
        "степи",
    ),
    "agricultural": (
        "agriculture",
        "agricultural",
        "farmland",
        "cropland",
        "agroforestry",
        "agricole",
        "agricola",
        "agrícola",
        "农业",
        "сельское хозяйство",
    ),
}


@cache
def _ecosystem_table() -> dict[str, str]:
    table: dict[str, str] = {name_key(name): name for name in ECOSYSTEMS}
    for name, synonyms in _ECOSYSTEM_SYNONYMS.items():
        for synonym in synonyms:
            table.setdefault(name_key(synonym), name)
    table[name_key("marine_coastal")] = "marine_coastal"
    return table


@lru_cache(maxsize=_CACHE_SIZE)
def parse_ecosystems(text: str) -> ListParse:
    """Ecosystem names from :data:`matcher.contract.ECOSYSTEMS`, with synonyms in several languages."""
    table = _ecosystem_table()
    values: list[str] = []
    unknown: list[str] = []
    for piece in split_list(text):
        for part in re.split(r"\s*,\s*|\s+and\s+|\s+et\s+|\s+y\s+|\s*/\s*|\s*&\s*", piece):
            key = name_key(part)
            if not key:
                continue
            name = table.get(key)
            if name is None and key.endswith("s"):
                name = table.get(key[:-1])
            if name is None:
                match = process.extractOne(key, list(table), scorer=fuzz.ratio, score_cutoff=88)
                name = table[match[0]] if match else None
            if name is None:
                unknown.append(part.strip())
            elif name not in values:
                values.append(name)
    # "marine and coastal" splits on "and"; both halves map to the same name.
    return ListParse(tuple(values), tuple(unknown))


# --------------------------------------------------------------------------- dates, years, flags


@lru_cache(maxsize=_CACHE_SIZE)
def parse_date(text: str) -> str | None:
    """ISO date ("YYYY-MM-DD", "YYYY-MM" or "YYYY") from common spellings; "" when empty, None when unreadable.

    Day-first is assumed for "09/02/2012" (as in most UN member states) unless the first
    number cannot be a month.
    """
    cell = unicodedata.normalize("NFKC", text).strip()
    if not cell:
        return ""
    if re.fullmatch(r"(19|20)\d\d", cell):
        return cell
    match = re.fullmatch(
        r"((?:19|20)\d\d)[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:[ T]\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?)?",
        cell,
    )
    if match:
        year, month, day = match.group(1), int(match.group(2)), match.group(3)
        if not 1 <= month <= 12:
            return None
        if day is None:
            return f"{year}-{month:02d}"
        return _valid_date(int(year), month, int(day))
    match = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.]((?:19|20)\d\d)", cell)
    if match:
        first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        day, month = (second, first) if second > 12 >= first else (first, second)
        return _valid_date(year, month, day)
    match = re.fullmatch(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?", cell)
    if match:
        year, month, day = int(match.group(1)), int(match.group(2)), match.group(3)
        if not 1 <= month <= 12:
            return None
        return f"{year}-{month:02d}" if day is None else _valid_date(year, month, int(day))
    return None


def _valid_date(year: int, month: int, day: int) -> str | None:
    import datetime as dt

    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def parse_year(text: str) -> tuple[int | None, bool]:
    """A year from "2011", "2011-12-20", "FY2012" or "2011.0", and whether the cell was readable.

    An empty cell gives ``(None, True)``; an unreadable one ``(None, False)``.
    """
    cell = text.strip()
    if not cell:
        return None, True
    match = re.fullmatch(r"[A-Za-z]{0,4}\s?((?:19|20)\d\d)(?:\.0+)?", cell)
    if match:
        return int(match.group(1)), True
    date = parse_date(cell)
    if date:
        return int(date[:4]), True
    return None, False


_TRUE = {
    "true",
    "yes",
    "y",
    "1",
    "1.0",
    "active",
    "oui",
    "si",
    "sí",
    "是",
    "да",
    "x",
    "t",
    "vrai",
    "verdadero",
}
_FALSE = {
    "false",
    "no",
    "n",
    "0",
    "0.0",
    "inactive",
    "non",
    "否",
    "нет",
    "f",
    "faux",
    "falso",
    "closed",
}


def parse_active(text: str) -> bool | None:
    """``True``/``False`` from yes/no words in several languages; empty means True; None when unreadable."""
    cell = text.strip().casefold()
    if not cell or cell in _TRUE:
        return True
    if cell in _FALSE:
        return False
    return None
