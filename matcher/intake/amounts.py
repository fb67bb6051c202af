"""Amounts and currencies as people write them: "USD 1.2 million", "1,2 million €", "120万".

Non-finite and absurd amounts are refused: a number past :data:`LARGEST_AMOUNT` is a typing
or export error, and infinity (``1e309``) would make every sum and plan meaningless.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from matcher.intake.text import CACHE_SIZE as _CACHE_SIZE

__all__ = [
    "EMPTY_CELLS",
    "ISO_CURRENCIES",
    "LARGEST_AMOUNT",
    "AmountParse",
    "parse_amount",
    "parse_currency",
]

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
    return _plain_amount(text) or _written_amount(text)


_PLAIN_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def _plain_amount(text: str) -> AmountParse | None:
    """:func:`parse_amount` of ASCII digits with at most one decimal point ("257000.0"), or None.

    Most cells of a large file are written so; reading them needs none of the regular
    expressions of :func:`_written_amount`, which gives the same for them. "2.500" (one to
    three digits, a point, three digits) is left to it: it reads that as thousands.
    """
    if not _PLAIN_AMOUNT.fullmatch(text):
        return None
    whole, _, fraction = text.partition(".")
    if len(fraction) == 3 and len(whole) <= 3:
        return None
    value = round(float(text), 6)
    return AmountParse(value, "", None) if value <= LARGEST_AMOUNT else None


def _written_amount(text: str) -> AmountParse:
    """:func:`parse_amount` of any cell: currency, multiplier and decimal mark found."""
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


EMPTY_CELLS = frozenset(_EMPTY_AMOUNTS)
"""Cells that mean "nothing here" ("-", "n/a", "tbd"), for amounts and other number cells."""
