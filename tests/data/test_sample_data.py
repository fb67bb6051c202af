"""The shipped sample data: complete, faithful to the LifeWeb export, and honest donor profiles.

``data/proposals.csv`` and ``data/history.csv`` must keep every LifeWeb EOI and funding
match; ``data/donors.csv`` must give every external named donor of the records a profile
that its LifeWeb spelling resolves to, and whose stated priorities never name an EOI.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from matcher.contract import (
    DONOR_COLUMNS,
    ECOSYSTEMS,
    HISTORY_COLUMNS,
    PROPOSAL_COLUMNS,
    REGION_GROUPS,
)
from matcher.export import to_csv_bytes

REPO = Path(__file__).resolve().parents[2]
DONOR_TYPES = {"bilateral_government", "multilateral_or_fund", "foundation_or_private", "ngo"}

# Every external named donor of the funding history, as written there, and the donors.csv
# row it must resolve to (case-insensitive exact match on name or alias).
HISTORY_DONOR_TO_DONOR_ID = {
    "Austria": "AT",
    "Conservation International": "CI",
    "Deutsche Gesellschaft für Internationale Zusammenarbeit": "DE-GIZ",
    "European Commission": "EC",
    "Finland": "FI",
    "Food and Agriculture Organization": "FAO",
    "Germany": "DE-IKI",
    "Global Environmental Facility": "GEF",
    "International Union for Conservation of Nature": "IUCN",
    "Italy": "IT",
    "MAVA Foundation": "MAVA",
    "Oak Foundation Belize": "OAK",
    "Rare Conservation": "RARE",
    "Spain": "ES",
    "The Bank of Georgia": "BOG",
    "The Gordon and Betty Moore Foundation": "MOORE",
    "The Linden Trust for Conservation": "LINDEN",
    "The Nature Conservancy": "TNC",
    "The Walton Family Foundation": "WALTON",
    "United Nations Development Programme": "UNDP",
    "United States of America": "US",
}

# Named donors of the (complete) LifeWeb donor list that no match in this half of the
# records uses, and the profile each must resolve to.
LIFEWEB_ONLY_DONOR_TO_DONOR_ID = {
    "Association of Zoos and Aquariums": "AZA",
    "Belgium": "BE",
    "Forest Carbon Partnership Facility": "FCPF",
    "France": "FR",
    "IUCN Save Our Species": "IUCN-SOS",
    "Island Conservation": "ISLAND-CONSERVATION",
    "Least Developed Countries Fund": "LDCF",
    "Norwegian Agency for Development Cooperation": "NO-NORAD",
    "People's Trust for Endangered Species": "PTES",
    "The Netherlands": "NL",
    "UNEP ProEcoServ Project": "UNEP-PROECOSERV",
    "World Wildlife Fund": "WWF",
}

# Programme vocabulary that also happens to be rare in EOI titles; not an EOI's name.
GENERIC_PROGRAMME_WORDS = {"mainstreaming"}


def read_text_table(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, dtype=str)


def split_list(cell: str) -> list[str]:
    return [part for part in cell.split(";") if part]


def words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text)


def as_written_by_export(texts: pd.Series) -> list[str]:
    """The text as matcher.export writes it: an apostrophe before a formula-like start of the
    cell and of every line in it."""
    lines = re.compile(r"(^|\r\n|\r|\n)(?=[=+\-@\t])")
    safe = [lines.sub(r"\1'", text) for text in texts]
    return ["'" + text if text.startswith("\r") else text for text in safe]


def word_runs(text: str, length: int) -> set[tuple[str, ...]]:
    tokens = re.findall(r"\w+", re.sub(r"<[^>]+>", " ", text).casefold())
    return {tuple(tokens[i : i + length]) for i in range(len(tokens) - length + 1)}


@pytest.fixture(scope="module")
def build_script() -> ModuleType:
    path = REPO / "scripts" / "build_sample_data.py"
    spec = importlib.util.spec_from_file_location("build_sample_data", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def proposals(data_dir: Path) -> pd.DataFrame:
    return read_text_table(data_dir / "proposals.csv")


@pytest.fixture(scope="module")
def history(data_dir: Path) -> pd.DataFrame:
    return read_text_table(data_dir / "history.csv")


@pytest.fixture(scope="module")
def donors(data_dir: Path) -> pd.DataFrame:
    return read_text_table(data_dir / "donors.csv")


@pytest.fixture(scope="module")
def eois(lifeweb_export_dir: Path) -> pd.DataFrame:
    return read_text_table(lifeweb_export_dir / "eoi_projects.csv")


@pytest.fixture(scope="module")
def matches(lifeweb_export_dir: Path) -> pd.DataFrame:
    return read_text_table(lifeweb_export_dir / "funding_matches.csv")


@pytest.fixture(scope="module")
def countries(data_dir: Path) -> pd.DataFrame:
    return read_text_table(data_dir / "country-codes.csv")


@pytest.fixture(scope="module")
def name_to_donor_ids(donors: pd.DataFrame) -> dict[str, set[str]]:
    """Every name and alias, casefolded, to the donor rows it names."""
    index: dict[str, set[str]] = {}
    for row in donors.itertuples():
        for spelling in [row.name, *split_list(row.aliases)]:
            index.setdefault(spelling.casefold(), set()).add(row.donor_id)
    return index


# ------------------------------------------------------------------ file format


@pytest.mark.parametrize(
    ("file_name", "contract_columns"),
    [
        ("proposals.csv", PROPOSAL_COLUMNS),
        ("donors.csv", DONOR_COLUMNS),
        ("history.csv", HISTORY_COLUMNS),
    ],
)
def test_header_starts_with_the_contract_columns_in_order_in_utf8_without_bom(
    data_dir: Path, file_name: str, contract_columns: tuple[str, ...]
) -> None:
    raw = (data_dir / file_name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    header = raw.decode("utf-8").split("\n", 1)[0].split(",")
    assert tuple(header[: len(contract_columns)]) == contract_columns


def test_sample_files_are_exactly_what_the_build_script_writes(
    build_script: ModuleType, data_dir: Path
) -> None:
    for file_name, frame in build_script.build_all().items():
        assert (data_dir / file_name).read_bytes() == to_csv_bytes(frame, bom=False), file_name


# ------------------------------------------------------------------ proposals


def test_proposals_keep_every_lifeweb_eoi_once(proposals: pd.DataFrame, eois: pd.DataFrame) -> None:
    assert len(proposals) == len(eois) == 62
    assert proposals["proposal_id"].tolist() == eois["lw_project_id"].tolist()
    assert proposals["lw_uuid"].tolist() == eois["lw_uuid"].tolist()


def test_proposal_text_is_the_export_text_unchanged(
    proposals: pd.DataFrame, eois: pd.DataFrame
) -> None:
    pairs = [
        ("title", "title"),
        ("summary", "summary"),
        ("description", "description"),
        ("objectives", "objectives"),
        ("nbsap_alignment", "alignment_nbsap"),
        ("status", "funding_status"),
        ("ecological_contribution", "ecological_contribution"),
        ("keywords", "keywords"),
    ]
    for sample_column, export_column in pairs:
        expected = as_written_by_export(eois[export_column])
        assert proposals[sample_column].tolist() == expected, sample_column


def test_proposal_countries_are_the_export_countries_in_alpha3(
    proposals: pd.DataFrame, eois: pd.DataFrame, countries: pd.DataFrame
) -> None:
    alpha3_to_alpha2 = dict(zip(countries["iso3"], countries["iso2"], strict=True))
    as_alpha2 = proposals["countries"].map(
        lambda cell: "|".join(alpha3_to_alpha2[code] for code in split_list(cell))
    )
    assert as_alpha2.tolist() == eois["country_iso2"].tolist()
    assert set(proposals.loc[proposals["proposal_id"].eq("23236"), "countries"]) == {
        "BOL;BRA;COL;ECU;GUY;PER;SUR;VEN"
    }


def test_namibia_alpha2_na_becomes_nam_not_a_missing_value(
    build_script: ModuleType, countries: pd.DataFrame, eois: pd.DataFrame
) -> None:
    one_eoi = eois.iloc[[0]].copy()
    one_eoi["country_iso2"] = "NA|ZA"
    one_eoi["countries"] = "Namibia|South Africa"
    built = build_script.build_proposals(one_eoi, countries)
    assert built.loc[0, "countries"] == "NAM;ZAF"
    assert built.loc[0, "country_names"] == "Namibia|South Africa"


def test_proposal_amounts_targets_and_dates_come_from_the_export(
    proposals: pd.DataFrame, eois: pd.DataFrame
) -> None:
    assert proposals["requested_amount"].tolist() == eois["funding_needed"].tolist()
    assert proposals["currency"].tolist() == eois["currency"].tolist()
    assert (
        proposals["aichi_targets"].tolist() == eois["aichi_targets"].str.replace("|", ";").tolist()
    )
    kenya = proposals.set_index("proposal_id").loc["23999"]
    assert kenya["aichi_targets"] == "5;9;10;11;12;13;14;15"
    assert kenya["submitted_on"] == "2014-04-01"  # no year_submitted: approved_on instead
    assert proposals.set_index("proposal_id").loc["23210", "submitted_on"] == "2012"


def test_nothing_is_inferred_for_fields_no_eoi_states(proposals: pd.DataFrame) -> None:
    assert proposals["gbf_targets"].eq("").all()
    assert proposals["ecosystems"].eq("").all()
    assert proposals["secured_amount"].eq("").all()


def test_every_other_lifeweb_column_is_kept_as_an_extra_column(
    proposals: pd.DataFrame, eois: pd.DataFrame
) -> None:
    mapped = {"lw_project_id", "funding_needed", "alignment_nbsap", "funding_status", "countries"}
    for column in set(eois.columns) - mapped - set(PROPOSAL_COLUMNS):
        assert proposals[column].tolist() == as_written_by_export(eois[column]), column
    assert proposals["country_names"].tolist() == eois["countries"].tolist()


# ------------------------------------------------------------------ history


def test_history_keeps_every_lifeweb_match_once(
    history: pd.DataFrame, matches: pd.DataFrame
) -> None:
    assert len(history) == len(matches) == 69
    assert history["lw_match_id"].tolist() == matches["lw_match_id"].tolist()
    assert history["proposal_id"].tolist() == matches["lw_project_id"].tolist()
    assert history["donor"].tolist() == matches["donor_name"].tolist()
    assert history["amount"].tolist() == matches["amount"].tolist()
    assert history["year"].tolist() == matches["year"].tolist()
    assert (
        history["is_external_named_donor"].tolist() == matches["is_external_named_donor"].tolist()
    )


def test_every_history_proposal_is_a_sample_proposal(
    history: pd.DataFrame, proposals: pd.DataFrame
) -> None:
    assert set(history["proposal_id"]) <= set(proposals["proposal_id"])


def test_external_named_history_donors_resolve_to_the_listed_donor_rows(
    history: pd.DataFrame, name_to_donor_ids: dict[str, set[str]]
) -> None:
    external = set(history.loc[history["is_external_named_donor"].eq("True"), "donor"])
    assert external == set(HISTORY_DONOR_TO_DONOR_ID)
    resolved = {name: name_to_donor_ids.get(name.casefold()) for name in external}
    assert resolved == {name: {donor_id} for name, donor_id in HISTORY_DONOR_TO_DONOR_ID.items()}


def test_every_named_lifeweb_donor_outside_the_history_has_a_profile(
    lifeweb_export_dir: Path, name_to_donor_ids: dict[str, set[str]]
) -> None:
    lifeweb_donors = read_text_table(lifeweb_export_dir / "donors.csv")
    named = lifeweb_donors.loc[
        ~lifeweb_donors["donor_group"].isin({"placeholder", "recipient_domestic_or_national_body"})
        & lifeweb_donors["donor_name"].ne("private donors")
    ]
    expected = HISTORY_DONOR_TO_DONOR_ID | LIFEWEB_ONLY_DONOR_TO_DONOR_ID
    assert set(named["donor_name"]) == set(expected)
    for name, donor_id in expected.items():
        assert name_to_donor_ids[name.casefold()] == {donor_id}, name


# ------------------------------------------------------------------ donors


def test_donor_ids_are_unique_and_include_the_two_donors_from_outside_lifeweb(
    donors: pd.DataFrame,
) -> None:
    assert donors["donor_id"].is_unique
    by_id = donors.set_index("donor_id")
    assert "Japan Biodiversity Fund" in by_id.loc["JBF", "name"]
    assert "FERI" in split_list(by_id.loc["KR-FERI", "aliases"])
    assert len(donors) == len(HISTORY_DONOR_TO_DONOR_ID) + len(LIFEWEB_ONLY_DONOR_TO_DONOR_ID) + 2


def test_no_name_or_alias_points_at_two_donors(name_to_donor_ids: dict[str, set[str]]) -> None:
    ambiguous = {name: ids for name, ids in name_to_donor_ids.items() if len(ids) > 1}
    assert ambiguous == {}


def test_giz_is_its_own_donor_apart_from_germany(name_to_donor_ids: dict[str, set[str]]) -> None:
    assert name_to_donor_ids["giz"] == {"DE-GIZ"}
    assert name_to_donor_ids["germany"] == {"DE-IKI"}
    assert name_to_donor_ids["global environmental facility"] == {"GEF"}
    assert name_to_donor_ids["the netherlands"] == {"NL"}


def test_no_priorities_text_shares_six_words_in_a_row_with_any_eoi(
    donors: pd.DataFrame, eois: pd.DataFrame
) -> None:
    eoi_runs: set[tuple[str, ...]] = set()
    for column in ("title", "summary", "description", "objectives"):
        for text in eois[column]:
            eoi_runs |= word_runs(text, 6)
    shared = {
        row.donor_id: word_runs(row.priorities, 6) & eoi_runs
        for row in donors.itertuples()
        if word_runs(row.priorities, 6) & eoi_runs
    }
    assert shared == {}


def test_no_priorities_text_contains_an_eoi_title(donors: pd.DataFrame, eois: pd.DataFrame) -> None:
    priorities = " ".join(donors["priorities"]).casefold()
    assert [title for title in eois["title"] if title.casefold().strip() in priorities] == []


def test_no_priorities_text_uses_a_distinctive_word_of_an_eoi_title(
    donors: pd.DataFrame, eois: pd.DataFrame, countries: pd.DataFrame
) -> None:
    """Place and project names (Karthala, Sundarbans, Altai-Sayan, ...) stay out of profiles.

    Distinctive: capitalised inside an EOI title, four letters or more, not part of a
    country name, and rare in the EOI texts (found in at most two of them).
    """
    country_words = {
        word.casefold()
        for column in ("name_en", "display_name", "unterm_en_short", "unterm_en_formal")
        for name in countries[column]
        for word in words(name)
    }
    eoi_texts = eois[["title", "summary", "description", "objectives"]].agg(" ".join, axis=1)
    document_frequency = Counter(
        word for text in eoi_texts for word in {w.casefold() for w in words(text)}
    )
    distinctive = {
        word.casefold()
        for title in eois["title"]
        for word in words(title)[1:]
        if word[0].isupper()
        and len(word) >= 4
        and word.casefold() not in country_words
        and document_frequency[word.casefold()] <= 2
    } - GENERIC_PROGRAMME_WORDS
    assert {"karthala", "sundarbans", "sayan", "yangambi"} <= distinctive
    used: dict[str, set[str]] = {}
    for row in donors.itertuples():
        own_names = {w.casefold() for s in [row.name, *split_list(row.aliases)] for w in words(s)}
        found = {w.casefold() for w in words(row.priorities)} & distinctive - own_names
        if found:
            used[row.donor_id] = found
    assert used == {}


def test_priorities_are_two_to_five_sentences(donors: pd.DataFrame) -> None:
    sentence_counts = {
        row.donor_id: len(re.findall(r"[.!?](?:\s|$)", row.priorities))
        for row in donors.itertuples()
    }
    assert {donor_id: n for donor_id, n in sentence_counts.items() if not 2 <= n <= 5} == {}


def test_regions_are_m49_names_or_country_groups(
    donors: pd.DataFrame, countries: pd.DataFrame
) -> None:
    valid = {
        name
        for column in ("region", "sub_region", "intermediate_region")
        for name in countries[column]
        if name
    } | set(REGION_GROUPS)
    used = {region for cell in donors["eligible_regions"] for region in split_list(cell)}
    assert used - valid == set()
    assert "LDC" in split_list(donors.set_index("donor_id").loc["LDCF", "eligible_regions"])


def test_donor_countries_are_alpha3_and_bilateral_donors_exclude_themselves(
    donors: pd.DataFrame, countries: pd.DataFrame
) -> None:
    alpha3 = set(countries["iso3"])
    for column in ("eligible_countries", "excluded_countries"):
        used = {code for cell in donors[column] for code in split_list(cell)}
        assert used - alpha3 == set(), column
    excluded = donors.set_index("donor_id")["excluded_countries"].map(split_list)
    own_country = {"DE-IKI": "DEU", "DE-GIZ": "DEU", "AT": "AUT", "BE": "BEL", "FI": "FIN"}
    own_country |= {"FR": "FRA", "IT": "ITA", "NL": "NLD", "NO-NORAD": "NOR", "ES": "ESP"}
    own_country |= {"US": "USA", "JBF": "JPN", "KR-FERI": "KOR", "EC": "DEU"}
    assert {donor_id: code in excluded[donor_id] for donor_id, code in own_country.items()} == {
        donor_id: True for donor_id in own_country
    }


def test_donor_targets_are_in_range_and_categories_come_from_the_contract(
    donors: pd.DataFrame,
) -> None:
    aichi = {int(t) for cell in donors["aichi_targets"] for t in split_list(cell)}
    gbf = {int(t) for cell in donors["gbf_targets"] for t in split_list(cell)}
    assert aichi <= set(range(1, 21))
    assert gbf <= set(range(1, 24))
    assert split_list(donors.set_index("donor_id").loc["KR-FERI", "aichi_targets"]) == [
        "5",
        "14",
        "15",
    ]
    ecosystems = {e for cell in donors["ecosystems"] for e in split_list(cell)}
    assert ecosystems <= set(ECOSYSTEMS)
    assert set(donors["donor_type"]) <= DONOR_TYPES
    assert set(donors["active"]) == {"true", "false"}


def test_grant_ranges_are_ordered_numbers_in_usd_or_eur(donors: pd.DataFrame) -> None:
    amounts = donors[["min_grant", "max_grant", "annual_budget"]].astype(float)
    assert (amounts["min_grant"] > 0).all()
    assert (amounts["min_grant"] <= amounts["max_grant"]).all()
    assert (amounts["max_grant"] <= amounts["annual_budget"]).all()
    assert set(donors["currency"]) == {"USD", "EUR"}


# ------------------------------------------------------------------ through the readers


def test_readers_load_every_sample_proposal_with_its_values(data_dir: Path) -> None:
    from matcher.load import load_proposals

    report = load_proposals(data_dir / "proposals.csv")
    assert (report.rows_in, report.n_loaded, report.n_rejected) == (62, 62, 0)
    amazon = report.frame.set_index("proposal_id").loc["23236"]
    assert amazon["countries"] == ("BOL", "BRA", "COL", "ECU", "GUY", "PER", "SUR", "VEN")
    assert amazon["aichi_targets"] == (5, 11, 12, 14, 15)
    assert amazon["requested_amount"] == 17_496_734.0
    assert amazon["gbf_targets"] == ()
    # The export's apostrophe before "-" is undone on reading: the text reads as written.
    texts = report.frame["description"].tolist() + report.frame["objectives"].tolist()
    assert any(text.startswith("-Fortes croissance") for text in texts)
    assert not any(text.startswith("'") for text in texts)


def test_readers_load_every_sample_donor_with_its_values(data_dir: Path) -> None:
    from matcher.load import load_donors

    report = load_donors(data_dir / "donors.csv")
    assert (report.rows_in, report.n_loaded, report.n_rejected) == (35, 35, 0)
    by_id = report.frame.set_index("donor_id")
    assert by_id.loc["LDCF", "eligible_regions"] == ("LDC",)
    assert by_id.loc["DE-IKI", "excluded_countries"] == ("DEU",)
    assert bool(by_id.loc["DE-IKI", "active"])
    assert not by_id.loc["MAVA", "active"]
    assert by_id.loc["GEF", "max_grant"] == 30_000_000.0
    assert "Global Environmental Facility" in by_id.loc["GEF", "aliases"]


def test_readers_load_every_sample_funding_match_with_its_values(data_dir: Path) -> None:
    from matcher.load import load_history

    report = load_history(data_dir / "history.csv")
    assert (report.rows_in, report.n_loaded, report.n_rejected) == (69, 69, 0)
    first = report.frame.iloc[0]
    assert (first["proposal_id"], first["donor"], first["amount"], first["year"]) == (
        "23210",
        "Protected Areas Conservation Trust Belize",
        585_000.0,
        2011,
    )
    assert report.frame["year"].isna().sum() == 14  # matches the export leaves undated


def test_check_says_the_sample_data_is_up_to_date(
    build_script: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert build_script.main(["--check"]) == 0
    assert capsys.readouterr().out.startswith("sample data up to date (")


def test_check_names_a_stale_file(
    build_script: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert build_script.main(["--out-dir", str(tmp_path)]) == 0
    (tmp_path / "history.csv").write_text("changed by hand\n", encoding="utf-8")
    capsys.readouterr()
    assert build_script.main(["--check", "--out-dir", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "stale: history.csv" in captured.err and "up to date" not in captured.out
