"""Evidence as phrases a person recognises: "marine protected areas", "coral reef restoration".

Two texts share a phrase when the same run of two or three content words (stop words of the
languages the engine reads taken out, accents folded) occurs in both. Longer and rarer
phrases come first; single words only where no phrase covers them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

__all__ = ["STOP_WORDS", "shared_phrases"]

_MORE_STOP_WORDS = [
    "sont",
    "etre",
    "avoir",
    "fait",
    "faire",
    "plus",
    "tres",
    "tous",
    "toutes",
    "tout",
    "leur",
    "leurs",
    "nous",
    "vous",
    "ils",
    "elles",
    "ainsi",
    "entre",
    "afin",
    "dont",
    "sans",
    "avec",
    "comme",
    "mais",
    "aussi",
    "chaque",
    "cet",
    "ces",
    "ses",
    "son",
    "notre",
    "votre",
    "long",
    "longue",
    "les",
    "des",
    "une",
    "sur",
    "par",
    "pour",
    "dans",
    "aux",
    "est",
    "qui",
    "que",
    "esta",
    "este",
    "estos",
    "estas",
    "sus",
    "son",
    "ser",
    "como",
    "pero",
    "tambien",
    "entre",
    "sobre",
    "desde",
    "hasta",
    "muy",
    "mas",
    "cada",
    "para",
    "por",
    "con",
    "una",
    "los",
    "las",
    "del",
    "isso",
    "este",
    "esta",
    "seus",
    "suas",
    "nao",
    "mais",
    "pelo",
    "pela",
    "pelos",
    "pelas",
    "uma",
    "com",
    "dos",
    "das",
    "project",
    "projects",
    "programme",
    "program",
    "support",
    "development",
    "national",
    "regional",
    "area",
    "level",
    "also",
    "well",
    "within",
    "including",
    "activities",
    "activity",
    "implementation",
    "key",
    "main",
    "new",
    "based",
    "use",
    "years",
    "year",
    "will",
    "can",
    "may",
    "must",
    "shall",
    "would",
    "could",
    "should",
    "long",
    "term",
    "within",
    "through",
]
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | frozenset(_MORE_STOP_WORDS)
_WORD = re.compile(r"[^\W\d_]{3,}")
_TAG = re.compile(r"<[^>]+>")


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", _TAG.sub(" ", text).lower())
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


@cache
def _runs(text: str) -> tuple[tuple[str, ...], ...]:
    """Runs of consecutive content words (a stop word or punctuation ends a run)."""
    runs: list[tuple[str, ...]] = []
    for clause in re.split(r"[.;:,!?()\[\]\n]", _fold(text)):
        run: list[str] = []
        for word in _WORD.findall(clause):
            if word in STOP_WORDS:
                if run:
                    runs.append(tuple(run))
                run = []
            else:
                run.append(word)
        if run:
            runs.append(tuple(run))
    return tuple(runs)


def _grams(text: str) -> Counter[tuple[str, ...]]:
    grams: Counter[tuple[str, ...]] = Counter()
    for run in _runs(text):
        for size in (3, 2, 1):
            for start in range(len(run) - size + 1):
                grams[run[start : start + size]] += 1
    return grams


def shared_phrases(
    text: str, other: str, n: int = 5, skip: frozenset[str] = frozenset()
) -> list[str]:
    """Up to ``n`` phrases (three, two, then one word) found in both texts, best first."""
    mine, theirs = _grams(text), _grams(other)
    common = [g for g in mine if g in theirs and not all(w in skip for w in g)]
    common.sort(key=lambda g: (-len(g), -min(mine[g], theirs[g]), g))
    found: list[tuple[str, ...]] = []
    for gram in common:
        covered = any(gram == kept[i : i + len(gram)] for kept in found for i in range(len(kept)))
        if not covered:
            found.append(gram)
        if len(found) == n:
            break
    return [" ".join(g) for g in found]
