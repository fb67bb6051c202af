"""The words every output shares (matcher.words): counts agree, codes become names, keys words."""

from __future__ import annotations

from matcher.words import counted, country_list, country_name, ecosystem_list, key_words, noun


def test_counts_are_singular_for_one_and_plural_otherwise() -> None:
    assert counted(1, "proposal") == "1 proposal"
    assert counted(0, "proposal") == "0 proposals"
    assert counted(1_250, "grant") == "1,250 grants"
    assert counted(2, "more proposal") == "2 more proposals"
    assert f"{counted(1, 'donor')} {noun(1, 'has', 'have')}" == "1 donor has"
    assert f"{counted(3, 'donor')} {noun(3, 'has', 'have')}" == "3 donors have"


def test_country_codes_become_the_names_people_know() -> None:
    assert country_name("CPV") == "Cape Verde"  # the CLDR display name the app uses
    assert country_name("cv") == "Cape Verde"  # alpha-2 too
    assert country_name("Atlantis") == "Atlantis"  # unknown text stays as typed
    assert country_list(("TLS", "CIV")) == "Timor-Leste, Côte d’Ivoire"
    assert country_list("BOL;PER") == "Bolivia, Peru"
    assert country_list(None) == ""


def test_keys_are_said_in_words() -> None:
    assert key_words("marine_coastal") == "marine and coastal areas"
    assert key_words("agricultural") == "farmland"
    assert key_words("bilateral_government") == "bilateral government"
    assert ecosystem_list(("forests", "marine_coastal")) == "forests, marine and coastal areas"
