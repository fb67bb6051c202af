"""The tagger's text layer: folding, the compiled keyword lexicon, and sentences.

Moved out of ``matcher/tagger.py`` unchanged; the tagger imports every name from here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import numpy as np
import pandas as pd

from matcher import reference
from matcher.normalise import html_to_text

TEXT_COLUMNS: Final = ("title", "summary", "description", "objectives")
_MAX_EVIDENCE_SENTENCES: Final = 3
_MAX_EVIDENCE_CHARS: Final = 400
_SEPARATOR: Final = "\x00"
_WORD_SEP: Final = " "  # between words in a normalised term
_STEM: Final = "*"  # a word stem in the lexicon: any word ending may follow
_SEP_REGEX: Final = r"[\s\-]+"
_STEM_REGEX: Final = r"\w*"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# Sentence boundaries. Fixed separators are replaced by line breaks with str.replace (C
# speed); the one regex only looks at ". X" (a sentence end followed by a space and
# anything but a lower-case letter). Together 2-3x faster than one big split pattern.
_LINE_BREAKERS: Final = ("||", " -> ", "•", "▪", "●", "◦", "。", "！", "？", "；")
_SENTENCE_END = re.compile(r"([.!?;:]) (?=[^\sa-z])")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_FOLD_PAIRS = (("’", "'"), ("‘", "'"), ("`", "'"), ("´", "'"), ("–", "-"), ("—", "-"), ("‐", "-"))


def _plain(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    text = str(value)
    return html_to_text(text) if ("<" in text or "&" in text) else text


def _fold(text: str) -> str:
    """Case- and accent-insensitive form for matching ("Déforestation" -> "deforestation")."""
    # NFKD splits accents off and maps compatibility forms (full-width digits, ligatures)
    text = unicodedata.normalize("NFKD", text).casefold()
    for old, new in _FOLD_PAIRS:  # str.replace is much faster than str.translate here
        if old in text:
            text = text.replace(old, new)
    return _COMBINING.sub("", text)


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class _CompiledLexicon:
    terms: pd.DataFrame  # aichi_target, language, term, weight, key
    latin_pattern: re.Pattern[str]
    cjk_pattern: re.Pattern[str]
    exact: dict[str, dict[int, float]]  # normalised surface -> {target: weight}
    stems: tuple[tuple[re.Pattern[str], int, float], ...]  # fullmatch pattern, target, weight


def _term_tokens(key: str) -> list[str]:
    """A normalised term as trie tokens: characters, word separators and stem markers."""
    tokens: list[str] = []
    for index, word in enumerate(key.split(_WORD_SEP)):
        if index:
            tokens.append(_WORD_SEP)
        tokens.extend(word)
    return tokens


def _token_regex(token: str) -> str:
    if token == _WORD_SEP:
        return _SEP_REGEX
    if token == _STEM:
        return _STEM_REGEX
    return re.escape(token)


def _trie_regex(keys: Iterable[str]) -> str:
    """One regular expression for many terms, shared prefixes factored out.

    Python's regex engine tries each branch of a flat alternation at every position; a
    trie tries one branch per distinct next character, which is more than ten times faster
    on long texts. Longer continuations come first so "coral reef" wins over "coral".
    """
    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for token in _term_tokens(key):
            node = node.setdefault(token, {})
        node[""] = {}

    def order(token: str) -> tuple[int, str]:
        return ({_WORD_SEP: 0, _STEM: 2}.get(token, 1), token)

    def emit(node: dict[str, Any]) -> str:
        branches = [
            _token_regex(token) + emit(child)
            for token, child in sorted(node.items(), key=lambda kv: order(kv[0]))
            if token
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            body = "(?:" + body + ")?"
        return body

    return emit(trie)


def _normalise_term(term: str) -> str:
    folded = _fold(term.strip())
    return _WORD_SEP.join(folded.replace("-", " ").split())


def _surface_key(surface: str) -> str:
    return _WORD_SEP.join(surface.replace("-", " ").split())


@cache
def _compiled_lexicon() -> _CompiledLexicon:
    terms = pd.read_csv(
        reference.data_dir() / "target_lexicon.csv", keep_default_na=False, dtype=str
    )
    terms["aichi_target"] = terms["aichi_target"].astype(int)
    terms["weight"] = terms["weight"].astype(float)
    terms["key"] = terms["term"].map(_normalise_term)
    is_cjk = terms["key"].map(lambda key: bool(_CJK.search(key)))
    latin_keys = sorted(set(terms.loc[~is_cjk, "key"]))
    cjk_keys = sorted(set(terms.loc[is_cjk, "key"]))
    exact: dict[str, dict[int, float]] = {}
    stems: list[tuple[re.Pattern[str], int, float]] = []
    for key, target, weight in zip(
        terms["key"], terms["aichi_target"], terms["weight"], strict=True
    ):
        if _STEM in key:
            pattern = "".join(_token_regex(token) for token in _term_tokens(key))
            stems.append((re.compile(pattern.replace(_SEP_REGEX, " ")), target, weight))
        else:
            per_target = exact.setdefault(key, {})
            per_target[target] = max(per_target.get(target, 0.0), weight)
    return _CompiledLexicon(
        terms=terms,
        latin_pattern=re.compile(r"(?<!\w)" + _trie_regex(latin_keys) + r"(?!\w)"),
        cjk_pattern=re.compile(_trie_regex(cjk_keys)),
        exact=exact,
        stems=tuple(stems),
    )


@cache
def _surface_targets(surface_key: str) -> tuple[tuple[int, float], ...]:
    """Targets (with weight) a matched piece of text stands for; several terms may match."""
    compiled = _compiled_lexicon()
    per_target = dict(compiled.exact.get(surface_key, {}))
    for pattern, target, weight in compiled.stems:
        if pattern.fullmatch(surface_key):
            per_target[target] = max(per_target.get(target, 0.0), weight)
    return tuple(sorted(per_target.items()))


def lexicon() -> pd.DataFrame:
    """The keyword lexicon: ``aichi_target``, ``language`` (en/fr/es/zh), ``term``, ``weight``.

    A ``*`` ends a word stem ("protected area*" also finds "protected areas"). Weights:
    1 generic, 2 specific, 3 decisive for the target.
    """
    return _compiled_lexicon().terms.drop(columns="key").copy()


# --------------------------------------------------------------------------- sentences


@dataclass(frozen=True)
class _Sentences:
    """Every sentence of every proposal, original and folded, with its owner's row."""

    owner: np.ndarray  # int64 row position of the proposal
    original: list[str]
    folded: list[str]
    folded_joined: str
    starts: np.ndarray  # int64 start of each folded sentence in folded_joined


def _proposal_texts(proposals: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    present = [c for c in columns if c in proposals.columns]
    if not present:
        return [""] * len(proposals)
    cells = [[_plain(v) for v in proposals[c].tolist()] for c in present]
    return ["\n".join(parts) for parts in zip(*cells, strict=True)]


def _sentence_pieces(text: str) -> list[str]:
    """Candidate sentences: lines (HTML blocks became lines), list items, sentence ends."""
    pieces: list[str] = []
    if _SEPARATOR in text:  # the separator between sentences must not occur inside one
        text = text.replace(_SEPARATOR, " ")
    for line in text.split("\n"):
        line = " ".join(line.split())  # collapses spaces, tabs and no-break spaces
        for separator in _LINE_BREAKERS:
            if separator in line:
                line = line.replace(separator, "\n")
        pieces.extend(_SENTENCE_END.sub("\\1\n", line).split("\n"))
    return pieces


def _split_sentences(texts: Sequence[str]) -> _Sentences:
    owner: list[int] = []
    original: list[str] = []
    for row, text in enumerate(texts):
        seen: set[str] = set()
        for piece in _sentence_pieces(text):
            sentence = piece.strip(" -–—*>|")
            # the LifeWeb export repeats paragraphs across fields; count each once
            if len(sentence) < 3 or sentence in seen:
                continue
            seen.add(sentence)
            owner.append(row)
            original.append(sentence)
    folded_joined = _fold(_SEPARATOR.join(original))
    folded = folded_joined.split(_SEPARATOR) if original else []
    lengths = np.fromiter((len(s) + 1 for s in folded), dtype=np.int64, count=len(folded))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if len(folded) else lengths
    return _Sentences(
        owner=np.asarray(owner, dtype=np.int64),
        original=original,
        folded=folded,
        folded_joined=folded_joined,
        starts=starts.astype(np.int64),
    )


def _sentence_of(sentences: _Sentences, positions: list[int]) -> np.ndarray:
    return (
        np.searchsorted(sentences.starts, np.asarray(positions, dtype=np.int64), side="right") - 1
    )


def _truncate(sentence: str) -> str:
    if len(sentence) <= _MAX_EVIDENCE_CHARS:
        return sentence
    return sentence[: _MAX_EVIDENCE_CHARS - 1].rstrip() + "…"


def _proposal_ids(proposals: pd.DataFrame) -> np.ndarray:
    if "proposal_id" in proposals:
        return proposals["proposal_id"].to_numpy(dtype=object)
    return np.array([str(i) for i in range(len(proposals))], dtype=object)
