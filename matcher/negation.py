"""Negated mentions: "this is not a protected area project" names no protected area.

A lexicon hit is negated when a negation cue of the languages the tagger reads stands shortly
before it in the same sentence ("not", "no", "without", "ne ... pas", "sans", "sin", "não",
"не", "без", "ليس", "لا", "不", "没有"), unless the cue opens "not only" / "non seulement" /
"no solo" / "não só", which adds rather than denies, or is a prefix ("no-take", "non-timber").
"""

from __future__ import annotations

import re

__all__ = ["has_cue", "is_negated"]

WINDOW = 40
"""Characters before a hit that are searched for a cue (about five words)."""

_CUE = re.compile(
    r"(?:\b(?:not|no|non|never|without|neither|nor|isn't|aren't|pas|sans|jamais|ni|sin|nunca|"
    r"nao|sem|nem|не|нет|без|ни|ليس|ليست|لا|غير|بدون)\b(?!-)|n'|不|非|没有|无)"
    r"(?!\s*(?:only|seulement|solo|solamente|so|apenas|только)\b)",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[,;:]|\b(?:but|mais|pero|mas|но|لكن|但)\b")


def is_negated(text: str, position: int, sentence_start: int = 0) -> bool:
    """Whether the mention starting at ``position`` in ``text`` follows a negation cue."""
    before = text[max(sentence_start, position - WINDOW) : position]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    return _CUE.search(before) is not None


_SENTENCE_CUES = {
    "en": r"not|no|never|without|isn't|aren't|won't",
    "fr": r"pas|sans|jamais",
    "es": r"no|sin|nunca",
    "pt": r"não|nunca|sem",
    "ru": r"не|нет|без",
    "ar": r"ليس|ليست|لا|لن|لم",
}
_SENTENCE_CUE = {
    language: re.compile(
        rf"(?<![\w-])(?:{words})(?![\w-])(?!\s+(?:only|seulement|solo|só|только)\b)"
    )
    for language, words in _SENTENCE_CUES.items()
}
_CHINESE_CUE = re.compile(r"不是|没有|并非|不涉及|不属于")


def has_cue(sentence: str) -> bool:
    """Whether a sentence denies something ("this is not a protected area project"), by the
    plain negation words of its language: a sentence read as a whole, with no keyword position
    to look back from (the encoder path). Prefixes ("non-timber", "غير" in "illegal") and
    "not only" do not count; Portuguese "no" ("in the") is no cue."""
    from matcher.phrases import guess_language

    text = sentence.lower()
    language = guess_language(text)
    if language == "zh":
        return _CHINESE_CUE.search(text) is not None
    return _SENTENCE_CUE[language].search(text) is not None
