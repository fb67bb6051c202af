"""Cell parsers: countries, amounts, currencies, targets, regions, ecosystems, dates, HTML."""

from __future__ import annotations

import math

import pytest

from matcher.normalise import (
    html_to_text,
    parse_active,
    parse_amount,
    parse_countries,
    parse_currency,
    parse_date,
    parse_ecosystems,
    parse_regions,
    parse_targets,
    parse_year,
    suggest_countries,
)


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("Viet Nam", ("VNM",)),
        ("Vietnam", ("VNM",)),
        ("越南", ("VNM",)),
        ("Lao PDR", ("LAO",)),
        ("Lao People's Democratic Republic", ("LAO",)),
        ("DR Congo", ("COD",)),
        ("République démocratique du Congo", ("COD",)),
        ("Congo", ("COG",)),
        ("Côte d'Ivoire", ("CIV",)),
        ("Côte d’Ivoire", ("CIV",)),
        ("Cote d'Ivoire", ("CIV",)),
        ("Micronesia (Federated States of)", ("FSM",)),
        ("Tanzania", ("TZA",)),
        ("United Republic of Tanzania", ("TZA",)),
        ("Bolivia", ("BOL",)),
        ("República Bolivariana de Venezuela", ("VEN",)),
        ("Afghanistan (l')", ("AFG",)),
        ("Namibie", ("NAM",)),
        ("Намибия", ("NAM",)),
        ("ناميبيا", ("NAM",)),
        ("NA", ("NAM",)),
        ("NAM", ("NAM",)),
        ("KE", ("KEN",)),
        ("St. Lucia", ("LCA",)),
        ("Bosnia and Herzegovina", ("BIH",)),
        ("Trinidad y Tabago", ("TTO",)),
        ("Korea, Republic of", ("KOR",)),
        ("Kenya, Uganda and Tanzania", ("KEN", "UGA", "TZA")),
        ("El Salvador|Panama", ("SLV", "PAN")),
        ("Tanzania; Bolivia", ("TZA", "BOL")),
        ("Madagascar et Comores", ("MDG", "COM")),
        ("Perú y Ecuador", ("PER", "ECU")),
        ("坦桑尼亚联合共和国、肯尼亚", ("TZA", "KEN")),
        ("Antigua and Barbuda, Dominica", ("ATG", "DMA")),
        ("Kenya, Kenya", ("KEN",)),
        ("n/a", ()),
        ("", ()),
    ],
)
def test_countries_as_written_become_iso_alpha3(cell: str, codes: tuple[str, ...]) -> None:
    assert parse_countries(cell) == (codes, ())


def test_lowercase_two_letters_are_not_read_as_a_code() -> None:
    # "na" is not Namibia: only capitals count as ISO codes.
    assert parse_countries("na").codes == ()


def test_unknown_country_is_reported_with_nearest_suggestions() -> None:
    result = parse_countries("Kenya, Keyna")
    assert result.codes == ("KEN",)
    assert result.unknown == ("Keyna",)
    assert suggest_countries("Keyna")[0] == "Kenya (KEN)"
    assert suggest_countries("Tanzanya")[0] == "United Republic of Tanzania (TZA)"


@pytest.mark.parametrize(
    ("cell", "value", "currency"),
    [
        ("USD 1.2 million", 1_200_000.0, "USD"),
        ("$850,000", 850_000.0, "USD"),
        ("2.5M", 2_500_000.0, ""),
        ("€300k", 300_000.0, "EUR"),
        ("1.250.000,00", 1_250_000.0, ""),
        ("1,250,000.50", 1_250_000.5, ""),
        ("120万", 1_200_000.0, ""),
        ("120万美元", 1_200_000.0, "USD"),
        ("1,5 millions d'euros", 1_500_000.0, "EUR"),
        ("US$ 3,5 millones", 3_500_000.0, "USD"),
        ("450 000", 450_000.0, ""),
        ("EUR 2.500", 2_500.0, "EUR"),
        ("approx. 2 million EUR", 2_000_000.0, "EUR"),
        ("27000000", 27_000_000.0, ""),
        ("27000000.0", 27_000_000.0, ""),
        ("1e+12", 1e12, ""),
        ("0", 0.0, ""),
    ],
)
def test_amounts_as_written(cell: str, value: float, currency: str) -> None:
    assert parse_amount(cell) == (value, currency, None)


@pytest.mark.parametrize("cell", ["", "n/a", "-", "TBD"])
def test_empty_amount_is_nan_without_problem(cell: str) -> None:
    result = parse_amount(cell)
    assert math.isnan(result.value)
    assert result.problem is None


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("-500", 'negative amount "-500"'),
        ("(300)", 'negative amount "(300)"'),
        ("USD -1 million", 'negative amount "USD -1 million"'),
        ("lots", 'unreadable amount "lots" (no number)'),
        ("2011 2012", 'unreadable amount "2011 2012"'),
        ("1-2 million", 'unreadable amount "1-2 million" (more than one number)'),
    ],
)
def test_negative_or_unreadable_amounts_are_problems(cell: str, problem: str) -> None:
    assert parse_amount(cell).problem == problem


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("USD", "USD"),
        ("usd", "USD"),
        ("美元", "USD"),
        ("euros", "EUR"),
        ("欧元", "EUR"),
        ("US$", "USD"),
        ("dólares", "USD"),
        ("", ""),
    ],
)
def test_currencies_as_written(cell: str, code: str) -> None:
    assert parse_currency(cell) == code


def test_unknown_currency_is_none() -> None:
    assert parse_currency("doubloons") is None


@pytest.mark.parametrize(
    ("cell", "targets"),
    [
        ("11, 15", (11, 15)),
        ("T11;T15", (11, 15)),
        ("Aichi Target 5 and 15", (5, 15)),
        ("Targets 14 & 15", (14, 15)),
        ("meta 15", (15,)),
        ("objectif 11", (11,)),
        ("目标11、目标15", (11, 15)),
        ("5|11", (5, 11)),
        ("15, 11, 11", (11, 15)),
        ("5-7", (5, 6, 7)),
        ("", ()),
    ],
)
def test_targets_as_written(cell: str, targets: tuple[int, ...]) -> None:
    assert parse_targets(cell) == (targets, (), None)


def test_only_1_to_20_are_aichi_targets_but_gbf_goes_to_23() -> None:
    assert parse_targets("11, 21") == ((11,), (21,), "target 21 is outside 1-20")
    assert parse_targets("0") == ((), (0,), "target 0 is outside 1-20")
    assert parse_targets("21;23", highest=23) == ((21, 23), (), None)
    assert parse_targets("protected areas").problem == 'no target number in "protected areas"'


def test_lifeweb_html_becomes_plain_text() -> None:
    cell = "<h4>Context</h4><p>Mangroves &amp; reefs<br/>of Belize</p><ul><li>one</li><li>two</li></ul>"
    assert html_to_text(cell) == "Context\n\nMangroves & reefs\nof Belize\n\n- one\n- two"


def test_text_without_html_is_only_trimmed() -> None:
    assert html_to_text("  a < b and c > d  ") == "a < b and c > d"
    assert html_to_text("line one\r\nline two") == "line one\nline two"


def test_regions_accept_m49_names_and_groups() -> None:
    assert parse_regions(
        "Sub-Saharan Africa; LDC, small island developing states | Latin America"
    ) == (
        ("Sub-Saharan Africa", "LDC", "SIDS", "Latin America and the Caribbean"),
        (),
    )
    assert parse_regions("Caribbean|Melanesia|Western Asia").values == (
        "Caribbean",
        "Melanesia",
        "Western Asia",
    )
    assert parse_regions("Global") == ((), ())
    assert parse_regions("Mars").unknown == ("Mars",)


def test_ecosystems_map_synonyms_to_the_vocabulary() -> None:
    assert parse_ecosystems("forests, mangroves and coral reefs; tundra") == (
        ("forests", "wetlands", "marine_coastal"),
        ("tundra",),
    )
    assert parse_ecosystems("Marine and coastal").values == ("marine_coastal",)
    assert parse_ecosystems("湿地|森林").values == ("wetlands", "forests")


@pytest.mark.parametrize(
    ("cell", "iso"),
    [
        ("2012", "2012"),
        ("2012-02-09", "2012-02-09"),
        ("09/02/2012", "2012-02-09"),
        ("02/13/2012", "2012-02-13"),
        ("2012年3月", "2012-03"),
        ("2012-02-09 00:00:00", "2012-02-09"),
        ("", ""),
        ("soon", None),
        ("2012-13-01", None),
    ],
)
def test_dates(cell: str, iso: str | None) -> None:
    assert parse_date(cell) == iso


def test_years_and_active_flags() -> None:
    assert parse_year("FY2012") == (2012, True)
    assert parse_year("2011-12-20") == (2011, True)
    assert parse_year("") == (None, True)
    assert parse_year("someday") == (None, False)
    assert [parse_active(c) for c in ("yes", "No", "", "oui", "0", "maybe")] == [
        True,
        False,
        True,
        True,
        False,
        None,
    ]
