"""Words a person reads: counts ("1 proposal", "2 proposals", never "1 proposal(s)") and
countries by name ("Fiji, Samoa", never "FJI; WSM")."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from matcher import reference

__all__ = ["counted", "country_list"]


def counted(n: int, word: str, plural: str | None = None) -> str:
    """``n`` and ``word``, in the plural unless ``n`` is one (``plural`` for irregular words)."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {plural or word + 's'}"


@cache
def _names() -> dict[str, str]:
    table = reference.countries()
    shown = table["display_name"].where(table["display_name"] != "", table["name_en"])
    return dict(zip(table["iso3"].astype(str), shown.astype(str), strict=True))


def country_list(codes: object) -> str:
    """ISO alpha-3 codes (a tuple, or ``;``-joined text) as English names, comma-joined.

    A code the reference does not know is shown as it is, so nothing typed disappears.
    """
    if codes is None or (isinstance(codes, float) and codes != codes):
        return ""
    items: Iterable[object] = codes.split(";") if isinstance(codes, str) else codes  # type: ignore[assignment]
    names = _names()
    return ", ".join(
        names.get(str(c).strip().upper(), str(c).strip()) for c in items if str(c).strip()
    )
