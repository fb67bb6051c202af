"""Words a person reads: counts ("1 proposal", "2 proposals", never "1 proposal(s)"),
countries by name ("Fiji, Samoa", never "FJI; WSM") and keys in words ("marine and coastal
areas", never "marine_coastal"). The engine's :mod:`matcher.words`, for the pages."""

from __future__ import annotations

from matcher.words import counted, country_list, country_name, ecosystem_list, key_words, noun

__all__ = ["counted", "country_list", "country_name", "ecosystem_list", "key_words", "noun"]
