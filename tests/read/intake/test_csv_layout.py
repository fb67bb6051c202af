"""CSV layout problems found on real uploads (issue 14, Files)."""

from __future__ import annotations

import pytest

import matcher.read as read_module
from matcher.cli import main
from matcher.errors import UnreadableFileError
from matcher.load import load
from matcher.read import MAX_BYTES, MAX_COLUMNS, read_table


def test_duplicate_headers_are_made_unique_and_noted() -> None:
    table = read_table(b"x,x,x_2\n1,2,3\n", filename="t.csv")
    assert list(table.frame.columns) == ["x", "x_3", "x_2"]
    assert table.frame.iloc[0].tolist() == ["1", "2", "3"]
    assert 'header "x" appears more than once: column 2 is read as "x_3"' in table.notes


def test_duplicate_headers_do_not_crash_validate(tmp_path, capsys) -> None:
    path = tmp_path / "p.csv"
    path.write_text("proposal_id,title,countries,x,x,x_2\nP1,Reefs,Fiji,1,2,3\n")
    assert main(["validate", str(path)]) == 0
    assert "1 loaded" in capsys.readouterr().out


def test_comma_file_with_pipe_country_lists_is_read_as_comma_separated() -> None:
    # Sparse rows: three of eight cells filled, so "|" splits them more evenly than ",".
    lines = [
        "proposal_id,title,countries,requested_amount,aichi_targets,summary,status,submitted_on"
    ]
    lines += [f"P{i},Andes {i},BOL|BRA|PER,,,,," for i in range(12)]
    report = load(("\n".join(lines) + "\n").encode(), filename="p.csv")
    assert report.n_rejected == 0
    assert report.n_loaded == 12
    assert report.frame.iloc[0]["countries"] == ("BOL", "BRA", "PER")
    assert "delimiter comma" in report.file_notes[0]


def test_an_unterminated_quote_is_reported_on_its_row_and_the_rest_loads() -> None:
    lines = ["proposal_id,title,countries", 'P1,"Forest corridors,Kenya']
    lines += [f"P{i},Title {i},Peru" for i in range(2, 12)]
    report = load(("\n".join(lines) + "\n").encode(), filename="p.csv")
    assert report.rows_in == report.n_loaded + report.n_rejected == 11
    assert report.n_loaded == 10
    reason = report.rejected.loc[0, "reason"]
    assert report.rejected.loc[0, "row"] == 2
    assert reason.startswith("the quote opened on row 2 is never closed")


def test_a_nul_byte_anywhere_rejects_that_row_in_one_line() -> None:
    filler = "".join(f"P{i},Title {i} {'x' * 80},Peru\n" for i in range(200))  # past 8 KB
    data = ("proposal_id,title,countries\n" + filler + "P900,Bad\x00title,Peru\n").encode()
    report = load(data, filename="p.csv")
    assert report.n_loaded == 200
    bad = report.rejected.iloc[0]
    assert bad["row"] == 202
    assert "NUL byte" in bad["reason"]
    assert "\n" not in bad["reason"]
    assert "\x00" not in bad["value"]


def test_control_characters_are_removed_and_noted() -> None:
    report = load(
        b"proposal_id,title,countries\nP1,Mangroves\x0b of Saloum,Senegal\n", filename="p.csv"
    )
    row = report.frame.iloc[0]
    assert row["title"] == "Mangroves of Saloum"
    assert "title: control characters removed" in row["notes"]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
def test_a_control_character_far_into_a_file_with_accents_is_found_in_any_encoding(
    encoding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """UTF-8 files are scanned as bytes, in slices (here 64 bytes): the last slice counts too."""
    monkeypatch.setattr(read_module, "_SCAN_BYTES", 64)
    rows = "".join(f"P{i},Aires protégées {i},Senegal\n" for i in range(30))
    text = "proposal_id,title,countries\n" + rows + "P99,Forêts\x1f du Congo,Gabon\n"
    report = load(
        text.encode(encoding),
        filename="p.csv",
        encoding=None if encoding == "utf-8" else encoding,
    )
    assert report.n_loaded == 31
    last = report.frame.iloc[-1]
    assert last["title"] == "Forêts du Congo"
    assert "title: control characters removed" in last["notes"]
    assert "control characters" not in report.frame.iloc[0]["notes"]


def test_cells_longer_than_excel_keeps_are_noted() -> None:
    long = "a" * 40_000
    report = load(
        f"proposal_id,title,countries,description\nP1,T,Peru,{long}\n".encode(), filename="p.csv"
    )
    assert (
        "description: 40,000 characters, more than the 32,767 Excel keeps"
        in report.frame.iloc[0]["notes"]
    )


def test_too_many_columns_is_refused_with_the_limit() -> None:
    header = ",".join(f"c{i}" for i in range(10_000))
    with pytest.raises(UnreadableFileError, match=f"10,000 columns; the limit is {MAX_COLUMNS:,}"):
        read_table((header + "\n" + "1," * 9_999 + "1\n").encode(), filename="wide.csv")


def test_size_limit_message_says_the_same_number_as_the_readme(tmp_path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(UnreadableFileError, match=r"the limit is 100 MB\."):
        read_table(path)
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    assert "100 MB" in readme and "105 MB" not in readme


def test_row_limit_stops_the_csv_read_early() -> None:
    data = b"proposal_id,title\n" + b"".join(b"P%d,T\n" % i for i in range(500))
    with pytest.raises(UnreadableFileError, match="more than 100 rows"):
        read_table(data, filename="p.csv", max_rows=100)


def test_rows_after_an_unclosed_quote_are_found_by_the_csv_readers_own_line_ends() -> None:
    # A vertical tab or line separator inside the swallowed text is no line end to the csv module.
    text = 'proposal_id,title,countries\nP1,"Forest\x0bcorridors,Kenya\nP2,Reef\u2028atolls,Fiji\nP3,Wet,Peru\n'
    report = load(text.encode(), filename="p.csv")
    assert report.frame["proposal_id"].tolist() == ["P2", "P3"]
    assert report.rejected["row"].tolist() == [2]
