"""Negated mentions: "this is not a protected area project" names no protected area.

A lexicon hit is negated when a negation cue of the languages the tagger reads stands shortly
before it in the same sentence ("not", "no", "without", "ne ... pas", "sans", "sin", "não",
"не", "без", "ليس", "لا", "不", "没有"), unless the cue opens "not only" / "non seulement" /
"no solo" / "não só", which adds rather than denies, or is a prefix ("no-take", "non-timber").
"""

from __future__ import annotations

import re

__all__ = ["is_negated"]

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
