"""Header names as people write them map to the contract; the mapping is reported."""

from __future__ import annotations

import pytest

from matcher.headers import guess_kind, header_currency, map_headers


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Project title", "title"),
        ("Titre du projet", "title"),
        ("Título del proyecto", "title"),
        ("项目名称", "title"),
        ("Country/ies", "countries"),
        ("国家", "countries"),
        ("País", "countries"),
        ("Pays", "countries"),
        ("编号", "proposal_id"),
        ("lw_project_id", "proposal_id"),
        ("Funding needed (EUR)", "requested_amount"),
        ("funding_needed", "requested_amount"),
        ("alignment_nbsap", "nbsap_alignment"),
        ("year_submitted", "submitted_on"),
        ("funding_status", "status"),
        ("Metas de Aichi", "aichi_targets"),
        ("爱知目标", "aichi_targets"),
    ],
)
def test_proposal_headers_map_through_the_alias_table(header: str, column: str) -> None:
    mapping = map_headers([header], "proposals")
    assert mapping.columns == {header: column}
    assert mapping.table.loc[0, "method"] == "alias"


def test_contract_names_map_exactly_and_take_precedence_over_aliases() -> None:
    mapping = map_headers(["country_iso2", "countries"], "proposals")
    assert mapping.columns == {"countries": "countries"}
    assert mapping.table.to_dict(orient="records") == [
        {"source_header": "country_iso2", "column": "", "method": "unmapped", "score": 0.0},
        {"source_header": "countries", "column": "countries", "method": "exact", "score": 100.0},
    ]


def test_typos_map_by_fuzzy_match_above_the_cutoff_only() -> None:
    mapping = map_headers(["Project titel", "Countrys", "lw_match_id"], "proposals")
    assert mapping.columns == {"Project titel": "title", "Countrys": "countries"}
    methods = dict(zip(mapping.table["source_header"], mapping.table["method"], strict=True))
    assert methods == {"Project titel": "fuzzy", "Countrys": "fuzzy", "lw_match_id": "unmapped"}


def test_lifeweb_export_headers_map_for_each_kind() -> None:
    history = map_headers(
        ["lw_match_id", "lw_project_id", "donor_id", "donor_name", "amount", "currency", "year"],
        "history",
    )
    assert history.columns == {
        "lw_project_id": "proposal_id",
        "donor_name": "donor",
        "amount": "amount",
        "currency": "currency",
        "year": "year",
    }
    donors = map_headers(
        ["donor_id", "donor_name", "donor_acronym", "donor_country", "donor_group"], "donors"
    )
    assert donors.columns == {
        "donor_id": "donor_id",
        "donor_name": "name",
        "donor_acronym": "aliases",
        "donor_group": "donor_type",
    }


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Funding needed (EUR)", "EUR"),
        ("Monto (US$)", "USD"),
        ("金额（美元）", "USD"),
        ("Budget USD", "USD"),
        ("Budget", ""),
        ("Amount and currency", ""),
    ],
)
def test_currency_named_in_a_header(header: str, code: str) -> None:
    assert header_currency(header) == code


def test_kind_is_guessed_from_headers() -> None:
    assert guess_kind(["ID", "Project title", "Country"]) == "proposals"
    assert guess_kind(["donor_id", "donor_name", "donor_acronym"]) == "donors"
    assert (
        guess_kind(
            ["lw_match_id", "lw_project_id", "donor_id", "donor_name", "amount", "currency", "year"]
        )
        == "history"
    )
    assert guess_kind(["colour", "flavour"]) is None
