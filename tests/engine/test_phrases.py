"""Evidence phrases (issue 12, part 4): noun phrases in every language read, no stop word and
no fragment ("sont", "long", "areas", "international" alone) ever shown as evidence."""

from __future__ import annotations

import pytest

from matcher.phrases import guess_language, is_evidence_word, shared_phrases, stop_words

PRIORITIES = (
    "Marine protected areas, coral reef restoration and long term international cooperation "
    "for protected areas. Mangroves."
)


def test_every_un_language_the_engine_reads_has_stop_words() -> None:
    lists = stop_words()
    for language in ("en", "fr", "es", "pt", "ru", "ar"):
        assert len(lists[language]) > 300, language
    assert {"sont", "pas"} <= lists["fr"]
    assert {"это", "для"} <= lists["ru"]
    assert "area" not in lists["en"]  # a domain word, kept for "protected area system"


def test_english_evidence_is_noun_phrases_without_fragments() -> None:
    text = (
        "The project expands marine protected areas and coral reef restoration in international "
        "waters; long term support for mangroves."
    )
    found = shared_phrases(text, PRIORITIES, 8)
    assert found[:2] == ["coral reef restoration", "marine protected areas"]
    assert "mangroves" in found
    words = {w for phrase in found for w in phrase.split()}
    assert not words & {"long", "term", "international"}
    assert "marine protected" not in found and "areas" not in found


def test_french_phrases_keep_accents_and_drop_stop_words() -> None:
    text = "Le projet renforce les aires marines protégées; les récifs coralliens sont protégés."
    other = "Nous finançons des aires marines protégées et des récifs coralliens à long terme."
    found = shared_phrases(text, other, 8)
    assert found == ["aires marines protégées", "récifs coralliens"]
    assert "marines protégées" not in found  # a French noun phrase does not open on adjectives


@pytest.mark.parametrize(
    ("text", "other", "expected"),
    [
        (
            "Ampliar as áreas marinhas protegidas e restaurar os manguezais degradados.",
            "Apoio às áreas marinhas protegidas.",
            "áreas marinhas protegidas",
        ),
        (
            "Расширение сети особо охраняемых природных территорий и восстановление мангровых лесов.",
            "Поддержка охраняемых природных территорий.",
            "охраняемых природных территорий",
        ),
        (
            "توسيع شبكة المحميات البحرية وإعادة تأهيل غابات المانغروف",
            "دعم المحميات البحرية",
            "المحميات البحرية",
        ),
        ("建立海洋保护区网络，恢复红树林和珊瑚礁。", "支持海洋保护区和珊瑚礁保护。", "海洋保护区"),
    ],
)
def test_portuguese_russian_arabic_and_chinese_phrases(text, other, expected) -> None:
    found = shared_phrases(text, other, 5)
    assert found[0] == expected
    assert not set(found) & set(stop_words()["ru"] | stop_words()["ar"] | stop_words()["pt"])


def test_chinese_evidence_is_lexicon_terms_only() -> None:
    found = shared_phrases(
        "建立海洋保护区网络，恢复红树林和珊瑚礁。", "支持海洋保护区和珊瑚礁保护。"
    )
    assert found == ["海洋保护区", "珊瑚礁"]


@pytest.mark.parametrize("word", ["areas", "international", "sont", "long", "protected", "les"])
def test_a_generic_word_or_a_fragment_is_no_evidence_alone(word: str) -> None:
    assert not is_evidence_word(word)
    assert shared_phrases(f"{word}.", f"{word}.") == []


@pytest.mark.parametrize("word", ["mangroves", "reefs", "restoration", "poaching"])
def test_a_lexicon_term_is_evidence_alone(word: str) -> None:
    assert is_evidence_word(word)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The forests of the north are protected by the state.", "en"),
        ("Les forêts du nord sont protégées par l'État.", "fr"),
        ("Los bosques del norte están protegidos por el Estado.", "es"),
        ("As florestas do norte são protegidas pelo Estado.", "pt"),
        ("Леса севера охраняются государством.", "ru"),
        ("الغابات الشمالية محمية من قبل الدولة", "ar"),
        ("北方的森林受到国家保护。", "zh"),
    ],
)
def test_the_language_of_a_text_is_guessed_from_script_and_stop_words(text, language) -> None:
    assert guess_language(text) == language


def test_a_proposal_in_another_language_is_bridged_to_english_priorities() -> None:
    from matcher.phrases import bridged_terms

    priorities = "Marine protected areas, coral reefs and mangroves in small island states."
    french = "Surveillance des aires marines protégées et des récifs coralliens de Guinée-Bissau."
    assert bridged_terms(french, priorities) == [
        "récifs coralliens ≈ coral reefs",
        "aires marines protégées ≈ marine protected areas",
    ]
    assert (
        bridged_terms("建立海洋保护区网络，保护珊瑚礁。", priorities)[0] == "珊瑚礁 ≈ coral reefs"
    )
    assert bridged_terms("Ce projet ne concerne pas les aires marines protégées.", priorities) == []
    assert bridged_terms("Expanding marine protected areas.", priorities) == []  # same language
