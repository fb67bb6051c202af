"""Cell-level parsers: countries, amounts, currencies, targets, ecosystems, dates, HTML.

Each parser takes one cell as people write it and returns the normalised value plus
what it could not read, so the loader can reject the row with a reason instead of
guessing. Parsers are pure and cached per distinct cell text: a 100k-row file usually
holds a few hundred distinct country cells, so each is parsed once.

Countries and regions live in :mod:`matcher.intake.countries`, amounts and currencies in
:mod:`matcher.intake.amounts`, text keys in :mod:`matcher.intake.text`; their public names
are re-exported here.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz, process

from matcher.contract import ECOSYSTEMS
from matcher.intake.amounts import EMPTY_CELLS as _EMPTY_AMOUNTS
from matcher.intake.amounts import (
    ISO_CURRENCIES,
    LARGEST_AMOUNT,
    AmountParse,
    parse_amount,
    parse_currency,
)
from matcher.intake.countries import (
    SUGGESTION_MIN_RATIO,
    CountryParse,
    parse_countries,
    parse_regions,
    region_names,
    suggest_countries,
    suggested_name,
)
from matcher.intake.text import CACHE_SIZE as _CACHE_SIZE
from matcher.intake.text import ListParse, html_to_text, name_key, split_list

__all__ = [
    "ISO_CURRENCIES",
    "LARGEST_AMOUNT",
    "SUGGESTION_MIN_RATIO",
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
    "region_names",
    "split_list",
    "suggest_countries",
    "suggested_name",
]

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
