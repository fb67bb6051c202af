"""The words every output shares (matcher.words): counts agree, codes become names, keys words."""

from __future__ import annotations

import re

import pytest

from matcher import reference
from matcher.profile import places_named
from matcher.words import (
    counted,
    country_list,
    country_name,
    ecosystem_list,
    key_words,
    noun,
    unterm_plain,
)


def test_counts_are_singular_for_one_and_plural_otherwise() -> None:
    assert counted(1, "proposal") == "1 proposal"
    assert counted(0, "proposal") == "0 proposals"
    assert counted(1_250, "grant") == "1,250 grants"
    assert counted(2, "more proposal") == "2 more proposals"
    assert f"{counted(1, 'donor')} {noun(1, 'has', 'have')}" == "1 donor has"
    assert f"{counted(3, 'donor')} {noun(3, 'has', 'have')}" == "3 donors have"


def test_country_codes_become_the_names_people_know() -> None:
    # UNTERM's short names, as the CBD writes them; not CLDR's "Cape Verde", "St. Kitts & Nevis"
    assert country_name("CPV") == "Cabo Verde"
    assert country_name("cv") == "Cabo Verde"  # alpha-2 too
    assert country_name("KNA") == "Saint Kitts and Nevis"
    assert country_name("COD") == "Democratic Republic of the Congo"
    assert country_name("COK") == "Cook Islands"  # UNTERM's "(the) *" dropped
    assert country_name("TUR") == "Türkiye"  # no UNTERM name: CLDR's
    assert country_name("Atlantis") == "Atlantis"  # unknown text stays as typed
    assert country_list(("TLS", "CIV")) == "Timor-Leste, Côte d’Ivoire"
    assert country_list("BOL;PER") == "Bolivia (Plurinational State of), Peru"
    assert country_list(None) == ""


def test_keys_are_said_in_words() -> None:
    assert key_words("marine_coastal") == "marine and coastal areas"
    assert key_words("agricultural") == "farmland"
    assert key_words("bilateral_government") == "bilateral government"
    assert ecosystem_list(("forests", "marine_coastal")) == "forests, marine and coastal areas"


def test_a_search_finds_a_country_by_its_common_name_too() -> None:
    from matcher.words import country_search_text

    assert "Laos" in country_search_text(("LAO",))  # CLDR's name, beside UNTERM's
    assert "Lao People's Democratic Republic" in country_search_text("LAO")
    assert "Cape Verde" in country_search_text("CPV") and "Cabo Verde" in country_search_text("CPV")


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("Cook Islands (the) **", "Cook Islands"),  # English article then the non-member marks
        ("the Holy See *", "the Holy See"),  # UNTERM's formal name: the leading "the" stays
        ("Niue **", "Niue"),
        ("Bahamas (the)", "Bahamas"),
        ("Bahamas (The)", "Bahamas"),  # as a person retypes it
        ("Afghanistan (l')", "Afghanistan"),  # French, straight and curly apostrophes
        ("Afghanistan (l’)", "Afghanistan"),
        ("Comores (les)", "Comores"),
        ("Argentina (la)", "Argentina"),  # Spanish
        ("Afganistán (el)", "Afganistán"),
        ("Bahamas (las)", "Bahamas"),
        ("库克群岛 **", "库克群岛"),  # Chinese, Russian, Arabic carry the marks only
        ("Venezuela (Bolivarian Republic of)", "Venezuela (Bolivarian Republic of)"),  # no article
        ("Theory (the) island", "Theory (the) island"),  # only at the end
        ("  Peru ", "Peru"),
        (None, ""),
    ],
)
def test_unterm_marks_are_dropped_in_every_un_language(written: str | None, plain: str) -> None:
    assert unterm_plain(written) == plain


# The three rules unterm_plain replaced, as they read before: matcher.words (English short names),
# matcher.profile (place names in a text) and matcher.intake.countries (names on upload).
def _old_words_rule(name: str) -> str:
    return re.sub(r"\s*(\(the\))?[\s*]*$", "", name).strip()


def _old_profile_rule(name: str) -> str:
    return re.sub(r"\s*\(the\)$", "", name).strip()


def _old_intake_rule(name: str) -> str:
    article = re.compile(r"\s*\((?:the|le|la|l'|l’|les|el|los|las)\)\s*$", re.I)
    return article.sub("", name.replace("*", "").strip())


_ENGLISH = ("name_en", "display_name", "unterm_en_short")


def test_every_shipped_un_name_reads_as_it_did_under_each_old_rule() -> None:
    """On the shipped reference the one rule gives each caller the names its own rule gave."""
    table = reference.countries()
    for column in _ENGLISH:
        for name in table[column].astype(str):
            assert unterm_plain(name) == _old_words_rule(name), (column, name)
    every_name = [c for c in table.columns if c.startswith(("name_en", "display_name", "unterm_"))]
    assert len(every_name) == 9  # English, CLDR's display name, UNTERM in the six UN languages
    for column in every_name:
        for name in table[column].astype(str):
            assert unterm_plain(name) == _old_intake_rule(name), (column, name)
    starred = []
    for column in _ENGLISH:
        for name, code in zip(table[column].astype(str), table["iso3"], strict=True):
            if "*" in name:
                starred.append(name)
                # The old place rule kept "Niue **", a key no text could match (no word
                # boundary after "*"); the plain name finds the same country.
                assert code in places_named(f"a project in {unterm_plain(name)}"), name
            else:
                assert unterm_plain(name) == _old_profile_rule(name), (column, name)
    assert sorted(starred) == [
        "Cook Islands (the) **",
        "Holy See (the) *",
        "Niue **",
        "State of Palestine (the) *",
    ]


def test_the_names_an_upload_and_a_text_use_resolve_without_the_marks() -> None:
    from matcher.intake.countries import parse_countries

    assert parse_countries("Afghanistan (l')").codes == ("AFG",)
    assert parse_countries("Argentina (la)").codes == ("ARG",)
    assert parse_countries("Bahamas (The)").codes == ("BHS",)
    assert parse_countries("the Holy See").codes == ("VAT",)
    assert parse_countries("库克群岛").codes == ("COK",)
    text = "the Cook Islands, Niue and the State of Palestine"
    assert places_named(text) == {"COK", "NIU", "PSE"}
    assert country_name("VAT") == "Holy See" and country_name("PSE") == "State of Palestine"
