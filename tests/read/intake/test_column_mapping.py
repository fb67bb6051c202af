"""A person's column mapping (issue 10 item 5, engine side): applied, remembered by fingerprint."""

from __future__ import annotations

import pytest

from matcher.cli import main
from matcher.load import MissingColumnsError, header_fingerprint, load

FILE = (
    "Colonne A;Pays;Montant\nForêts du Mayombe;Congo;1 000 000\nMangroves;Bénin;50 000\n".encode()
)


def test_missing_title_names_what_is_needed_and_what_was_found() -> None:
    with pytest.raises(MissingColumnsError) as caught:
        load(FILE, "proposals", filename="eoi.csv")
    error = caught.value
    assert (error.kind, error.missing) == ("proposals", ("title",))
    assert error.headers == ("Colonne A", "Pays", "Montant")
    message = str(error)
    assert "needs a column for title" in message
    assert '"Colonne A", "Pays", "Montant"' in message
    assert "Intitulé du projet" in message  # an example of a header that would be understood
    assert error.fingerprint == header_fingerprint(["Colonne A", "Pays", "Montant"])


def test_column_map_is_applied_and_reported_as_the_users_choice() -> None:
    report = load(FILE, "proposals", filename="eoi.csv", column_map={"Colonne A": "title"})
    assert report.frame["title"].tolist() == ["Forêts du Mayombe", "Mangroves"]
    assert report.frame["countries"].tolist() == [("COG",), ("BEN",)]
    row = report.header_mapping.set_index("source_header").loc["Colonne A"]
    assert (row["column"], row["method"]) == ("title", "user")


def test_column_map_guesses_the_kind_and_matches_headers_ignoring_case_and_accents() -> None:
    report = load(FILE, filename="eoi.csv", column_map={"colonne a": "title"})
    assert report.kind == "proposals"
    assert report.n_loaded == 2


def test_column_map_overrides_the_readers_guess_and_can_unmap_a_header() -> None:
    report = load(
        FILE, "proposals", filename="eoi.csv", column_map={"Colonne A": "title", "Montant": None}
    )
    assert report.frame["requested_amount"].isna().all()
    assert report.frame["Montant"].tolist() == ["1 000 000", "50 000"]


def test_column_map_naming_an_unknown_column_is_refused() -> None:
    with pytest.raises(ValueError, match='"titel" is not a proposals column'):
        load(FILE, "proposals", filename="eoi.csv", column_map={"Colonne A": "titel"})


def test_fingerprint_is_the_same_for_the_same_headers_and_differs_otherwise() -> None:
    report = load(FILE, "proposals", filename="eoi.csv", column_map={"Colonne A": "title"})
    same = header_fingerprint(["PAYS", "colonne a", "Montant"])
    assert report.fingerprint == same
    assert header_fingerprint(["Colonne B", "Pays", "Montant"]) != same


def test_validate_takes_a_column_mapping(tmp_path, capsys) -> None:
    path = tmp_path / "eoi.csv"
    path.write_bytes(FILE)
    assert main(["validate", str(path), "--kind", "proposals"]) == 2
    assert "needs a column for title" in capsys.readouterr().err
    assert main(["validate", str(path), "--column", "Colonne A=title"]) == 0
    assert "2 loaded" in capsys.readouterr().out
