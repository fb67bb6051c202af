"""Country names on upload (issues 10 item 6 and 14): current and French/Spanish names, close suggestions."""

from __future__ import annotations

import pytest

from matcher.intake.countries import _NAME_COLUMNS
from matcher.load import load
from matcher.normalise import parse_countries, suggest_countries


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Cap-Vert", "CPV"),
        ("Cabo Verde", "CPV"),
        ("Türkiye", "TUR"),
        ("Turquie", "TUR"),
        ("Eswatini", "SWZ"),
        ("Timor-Leste", "TLS"),
        ("Timor oriental", "TLS"),
        ("Kenia", "KEN"),
        ("États-Unis", "USA"),
        ("Estados Unidos", "USA"),
        ("Royaume-Uni", "GBR"),
        ("Corée du Sud", "KOR"),
        ("Russie", "RUS"),
    ],
)
def test_current_french_and_spanish_names_resolve(written: str, code: str) -> None:
    assert parse_countries(written).codes == (code,)
    assert parse_countries(written).unknown == ()


@pytest.mark.parametrize(
    ("written", "suggested"),
    [
        ("Keyna", ("Kenya (KEN)",)),
        ("Seychelle", ("Seychelles (SYC)",)),
        ("Atlantis", ()),
        ("Narnia", ()),
        ("Madagaskar", ("Madagascar (MDG)",)),
    ],
)
def test_suggestions_are_only_close_spellings(written: str, suggested: tuple[str, ...]) -> None:
    assert suggest_countries(written) == suggested


def test_rejected_country_row_carries_the_suggestion_and_accepting_it_loads_the_row() -> None:
    data = b"id,title,countries\nP1,Mangroves,Keyna; Uganda\nP2,Reefs,Atlantis\n"
    report = load(data, "proposals", filename="p.csv")
    rejected = report.rejected.set_index("row")
    assert rejected.loc[2, ["id", "title", "suggestion"]].tolist() == [
        "P1",
        "Mangroves",
        "Kenya; Uganda",
    ]
    assert rejected.loc[3, "suggestion"] == ""
    again = load(data, "proposals", filename="p.csv", corrections=report.suggested_corrections())
    assert again.frame["countries"].tolist() == [("KEN", "UGA")]
    assert again.rejected["row"].tolist() == [3]


@pytest.mark.parametrize("column", _NAME_COLUMNS)
def test_every_unterm_name_resolves_as_copied_from_unterm_with_its_marks(column: str) -> None:
    """A focal point pastes the name from UNTERM's list, marks and all ("Cook Islands (the) **")."""
    from matcher import reference

    table = reference.countries()
    unresolved = [
        (written, iso3)
        for iso3, written in zip(table["iso3"], table[column], strict=True)
        if isinstance(written, str) and written and parse_countries(written).codes != (iso3,)
    ]
    assert unresolved == []


def test_a_name_with_unterm_marks_resolves_inside_a_list() -> None:
    assert parse_countries("Cook Islands (the) **; Niue *").codes == ("COK", "NIU")
