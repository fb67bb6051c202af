"""Evidence as phrases a person recognises: "marine protected areas", "aires marines protégées".

Two texts share a phrase when the same run of two or three content words occurs in both.
Stop words of every language the engine reads (English, French, Spanish, Portuguese, Russian,
Arabic: ``data/stop_words.csv``, from stopwords-iso) end a run; accents and plural endings are
folded for matching, and the proposal's own words are shown. A phrase must read as a noun
phrase: in English and Russian it may not end on a modifier ("marine protected"), in French,
Spanish, Portuguese and Arabic it may not start on one ("marines protégées"); words like
"areas" or "international" count only inside a phrase. A single word is evidence only when it
is a term of the targets lexicon ("mangroves", "reefs").

Chinese has no spaces between words. Rather than a segmenter (jieba is on PyPI, but loads a
dictionary for seconds), Chinese evidence is the lexicon's Chinese terms that occur in both
texts, longest first: every one of them is a phrase the lexicon's authors chose.

Donors write their priorities in English. Where a proposal is in another language the two share
no phrase, so :func:`bridged_terms` pairs the lexicon's decisive terms for the same Aichi target
in both texts: "aires marines protégées ≈ marine protected areas".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache, lru_cache

import pandas as pd

__all__ = [
    "GENERIC_WORDS",
    "bridged_terms",
    "guess_language",
    "is_evidence_word",
    "shared_phrases",
    "stop_words",
]


def _words(text: str) -> list[str]:
    return text.split()


KEEP_WORDS = frozenset(
    ["area", "areas", "research", "system", "systems", "site", "sites", "fire", "world", "water"]
)
"""Words the stop lists hold that name things in this domain ("protected area system")."""

GENERIC_WORDS = frozenset(
    _words(
        """
    project projects programme programmes program support development national regional
    international global local level levels area areas activities activity implementation
    key main new based use years year also well within including countries country region
    government governments sector sectors approach approaches initiative initiatives
    capacity management plan plans work action actions systems system sites site component
    components framework partners partnership strategy strategies process measures
    projet projets programme appui soutien developpement niveau zone zones pays gestion
    proyecto proyectos programa apoyo desarrollo nivel zona zonas paises gestion
    projeto projetos apoio desenvolvimento nivel paises gestao
    проект проекты программа поддержка развитие уровень районы район страны управление
    مشروع المشروع برنامج دعم تنمية مستوى مناطق منطقة الدول إدارة
    """
    )
)
"""Words too general to be evidence on their own, or to make a phrase of only themselves."""

_MODIFIERS = frozenset(
    _words(
        """
    marine coastal terrestrial national regional international local global natural
    sustainable protected ecological biological environmental social economic cultural
    traditional indigenous new key main large small long high low major significant
    important effective integrated several various different existing current future
    degraded threatened endangered endemic critical tropical freshwater rural urban
    marin marins marines marine protege proteges protegee protegees cotier cotiers cotiere
    cotieres terrestre terrestres national nationale nationaux nationales regionale
    regionaux regionales locale locaux locales durable durables naturel naturelle naturels
    naturelles grand grande grands grandes petit petite petits petites nouveau nouvelle
    nouveaux nouvelles important importante importants importantes degrade degradee
    degrades degradees menace menacee menaces menacees biologique biologiques ecologique
    ecologiques international internationale internationaux internationales
    marino marina marinos marinas protegido protegida protegidos protegidas costero costera
    costeros costeras nacional nacionales regionales sostenible sostenibles natural
    naturales degradado degradada degradados degradadas amenazado amenazada amenazados
    amenazadas nuevo nueva nuevos nuevas biologico biologica ecologico ecologica
    marinho marinha marinhos marinhas costeiro costeira costeiros costeiras nacionais
    regionais sustentavel sustentaveis naturais degradados degradadas ameacado ameacada
    ameacadas protegido protegidas novo nova novos novas
    """
    )
)
"""Adjectives and participles: a noun phrase does not end (English) or start (French, ...) on one."""

_MODIFIER_ENDINGS = {
    "en": ("ed",),
    "fr": ("ee", "ees", "ique", "iques"),
    "es": ("ado", "ada", "ados", "adas", "ido", "ida", "idos", "idas", "ico", "ica"),
    "pt": ("ado", "ada", "ados", "adas", "ido", "ida", "idos", "idas", "ico", "ica"),
    # folded: "ый" is "ыи" once the breve is off; "-ие"/"-ий" endings are left alone (nouns)
    "ru": ("ыи", "ои", "ая", "ое", "ые", "ых", "ого", "ому", "ую", "ыми"),
}
_NOT_MODIFIERS = frozenset(["watershed", "seabed", "seed", "seeds", "need", "breed", "hundred"])
_HEAD_LAST = frozenset(["en", "ru"])  # languages whose noun phrases end on the noun

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_WORD = re.compile(r"[^\W\d_\u3400-\u9fff\uf900-\ufaff]{3,}")
_TAG = re.compile(r"<[^>]+>")
_CLAUSE = re.compile(r"[.;:,!?()\[\]\n\u3002\uff0c\uff1b\u3001]")
_ARABIC_ARTICLE = re.compile(r"^(?:وال|بال|لل|ال|و)(?=\w{3,})")


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", _TAG.sub(" ", text).lower())
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


@cache
def stop_words() -> dict[str, frozenset[str]]:
    """Stop words per language (folded), the domain words of :data:`KEEP_WORDS` taken out."""
    from matcher.reference import data_dir

    frame = pd.read_csv(data_dir() / "stop_words.csv", keep_default_na=False, dtype=str)
    return {
        language: frozenset(_fold(w) for w in group["word"]) - KEEP_WORDS
        for language, group in frame.groupby("language")
    }


@cache
def _all_stop_words() -> frozenset[str]:
    return frozenset().union(*stop_words().values())


def __getattr__(name: str) -> frozenset[str]:
    if name == "STOP_WORDS":  # read on first use, not at import
        return _all_stop_words()
    raise AttributeError(name)


@lru_cache(maxsize=8192)
def guess_language(text: str) -> str:
    """ "en", "fr", "es", "pt", "ru", "ar" or "zh": by script, then by the most stop words."""
    if _CJK.search(text) and len(_CJK.findall(text)) * 4 > len(_WORD.findall(text)):
        return "zh"
    if _CYRILLIC.search(text):
        return "ru"
    if _ARABIC.search(text):
        return "ar"
    words = _WORD.findall(_fold(text)) + re.findall(r"\b\w{1,2}\b", _fold(text))
    lists = stop_words()
    counts = {lang: sum(w in lists[lang] for w in words) for lang in ("en", "fr", "es", "pt")}
    return max(counts, key=lambda lang: (counts[lang], lang == "en"))


def _key(word: str) -> str:
    """Matching form of a folded word: plural ending and Arabic article off."""
    if _ARABIC.match(word):
        return _ARABIC_ARTICLE.sub("", word)
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _is_modifier(word: str, language: str) -> bool:
    if word in _MODIFIERS:
        return True
    if word in _NOT_MODIFIERS or len(word) < 5:
        return False
    return word.endswith(_MODIFIER_ENDINGS.get(language, ()))


_VERBS = frozenset(
    _words(
        """
    strengthen strengthens support supports improve improves protect protects restore restores
    build builds develop develops promote promotes ensure ensures enhance enhances reduce
    reduces increase increases establish establishes manage manages conserve conserves
    create creates provide provides help helps expand expands address addresses achieve
    achieves maintain maintains implement implements contribute contributes aim aims
    renforcer proteger restaurer ameliorer developper assurer fortalecer proteger restaurar
    mejorar desarrollar garantizar fortalecer ampliar melhorar desenvolver garantir
    """
    )
)
"""Verbs that run into a phrase ("governments strengthen"): no noun phrase holds one."""


def _is_noun_phrase(words: tuple[str, ...], language: str) -> bool:
    if all(w in GENERIC_WORDS for w in words) or any(w in _VERBS for w in words):
        return False
    if language in _HEAD_LAST:
        return not _is_modifier(words[-1], language)
    return not _is_modifier(words[0], language)


@cache
def _lexicon_words() -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]:
    """Single-word lexicon terms (keys), stems (``restor*``) and Chinese terms, longest first."""
    from matcher.tagger import lexicon

    terms = lexicon()
    single, stems, chinese = set(), set(), set()
    for term, language in zip(terms["term"], terms["language"], strict=True):
        folded = _fold(str(term)).replace("-", " ").strip()
        if language == "zh":
            chinese.add(folded.replace("*", ""))
        elif " " not in folded and len(folded) > 3:
            (stems if folded.endswith("*") else single).add(folded.rstrip("*"))
    words = frozenset(_key(w) for w in single) - {_key(w) for w in GENERIC_WORDS}
    return (
        words,
        tuple(sorted(stems)),
        tuple(sorted((c for c in chinese if len(c) >= 2), key=lambda c: (-len(c), c))),
    )


def is_evidence_word(word: str) -> bool:
    """Whether one word alone tells a person something: a lexicon term, not a generic word."""
    folded = _fold(word)
    if folded in _all_stop_words() or folded in GENERIC_WORDS or folded in _MODIFIERS:
        return False
    words, stems, _ = _lexicon_words()
    return _key(folded) in words or any(
        folded.startswith(s) and len(folded) - len(s) <= 4 for s in stems if len(s) >= 4
    )


@cache
def _chinese_pattern() -> re.Pattern[str]:
    terms = _lexicon_words()[2]
    return re.compile("|".join(re.escape(t) for t in terms)) if terms else re.compile("(?!)")


@cache
def _grams(text: str) -> tuple[Counter[tuple[str, ...]], dict[tuple[str, ...], str]]:
    """Noun phrases of one to three words by matching key, and how the text wrote each."""
    lowered = _TAG.sub(" ", text).lower()
    language = guess_language(lowered)
    stops = _all_stop_words()
    grams: Counter[tuple[str, ...]] = Counter()
    surface: dict[tuple[str, ...], str] = {}
    for clause in _CLAUSE.split(lowered):
        for term in _chinese_pattern().findall(_fold(clause)):
            grams[(term,)] += 1
            surface.setdefault((term,), term)
        runs: list[list[tuple[str, str]]] = [[]]  # (folded, as written) per word
        for word in _WORD.findall(clause):
            folded = _fold(word)
            if folded in stops:
                runs.append([])
            else:
                runs[-1].append((folded, word))
        for run in runs:
            for size in (3, 2, 1):
                for start in range(len(run) - size + 1):
                    part = run[start : start + size]
                    words = tuple(f for f, _ in part)
                    if size == 1 and not is_evidence_word(words[0]):
                        continue
                    if size > 1 and not _is_noun_phrase(words, language):
                        continue
                    key = tuple(_key(w) for w in words)
                    grams[key] += 1
                    surface.setdefault(key, " ".join(w for _, w in part))
    return grams, surface


@lru_cache(maxsize=16)
def _skip_keys(skip: frozenset[str]) -> frozenset[str]:
    """Matching keys of the skipped words: the same few hundred place names for every pair
    explained, so folded once rather than once per pair."""
    return frozenset(_key(_fold(w)) for w in skip)


def shared_phrases(
    text: str, other: str, n: int = 5, skip: frozenset[str] = frozenset()
) -> list[str]:
    """Up to ``n`` phrases found in both texts, longest and most repeated first, as ``text``
    writes them; a phrase made only of ``skip`` words (place names) is left out."""
    mine, written = _grams(text)
    theirs, _ = _grams(other)
    skip_keys = _skip_keys(skip)
    common = [g for g in mine if g in theirs and not all(w in skip_keys for w in g)]
    common.sort(key=lambda g: (-len(g), -min(mine[g], theirs[g]), g))
    found: list[tuple[str, ...]] = []
    for gram in common:
        covered = any(gram == kept[i : i + len(gram)] for kept in found for i in range(len(kept)))
        if not covered:
            found.append(gram)
        if len(found) == n:
            break
    return [written[g] for g in found]


@cache
def _decisive_terms(text: str) -> dict[int, str]:
    """Per Aichi target, the first decisive (weight 3) lexicon term the text uses, as written
    (a negated mention does not count)."""
    from matcher.negation import is_negated
    from matcher.tagging.text import _compiled_lexicon, _surface_key, _surface_targets
    from matcher.tagging.text import _fold as lexicon_fold

    lowered = _TAG.sub(" ", text)
    folded = lexicon_fold(lowered)
    shown = lowered.lower() if len(folded) == len(lowered) else folded  # same positions
    compiled = _compiled_lexicon()
    found: dict[int, str] = {}
    for pattern in (compiled.latin_pattern, compiled.cjk_pattern):
        for match in pattern.finditer(folded):
            if is_negated(folded, match.start()):
                continue
            for target, weight in _surface_targets(_surface_key(match.group())):
                if weight >= 3:
                    found.setdefault(target, shown[match.start() : match.end()])
    return found


def bridged_terms(text: str, other: str, n: int = 3) -> list[str]:
    """Where two texts are in different languages, the targets lexicon's decisive terms for the
    same target in both: "aires marines protégées ≈ marine protected areas", ``text``'s words
    first. Empty when the texts share a language (their phrases say it directly)."""
    if guess_language(text) == guess_language(other):
        return []
    mine, theirs = _decisive_terms(text), _decisive_terms(other)
    found: list[str] = []
    for target in sorted(set(mine) & set(theirs)):
        if _fold(mine[target]) != _fold(theirs[target]):
            found.append(f"{mine[target]} ≈ {theirs[target]}")
        if len(found) == n:
            break
    return found
