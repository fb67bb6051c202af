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
