"""``lifeweb-match import`` / ``export``: files in and out of the database from the console."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd
import pytest

from matcher.cli import main
from matcher.contract import KINDS
from matcher.export import write_table
from matcher.load import flatten, load
from matcher.store import DB_URL_ENV, open_store


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.mark.parametrize("kind", KINDS)
def test_export_of_an_import_gives_back_the_same_rows(
    db_url: str, data_dir: Path, tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = data_dir / f"{kind}.csv"
    assert main(["import", str(source), "--kind", kind, "--db", db_url]) == 0
    exported = tmp_path / f"exported_{kind}.csv"
    assert main(["export", "--kind", kind, "--db", db_url, "--out", str(exported)]) == 0
    capsys.readouterr()

    # The same rows the readers loaded from the file, in the same on-disk form.
    loaded = tmp_path / f"loaded_{kind}.csv"
    write_table(flatten(load(source, kind).frame).drop(columns=["source_row", "notes"]), loaded)
    pd.testing.assert_frame_equal(_read_csv(exported), _read_csv(loaded))
    assert len(_read_csv(exported)) == len(_read_csv(source))

    # ... and importing the export changes nothing.
    assert main(["import", str(exported), "--kind", kind, "--db", db_url]) == 0
    assert "Nothing changed in the database." in capsys.readouterr().out


def test_import_prints_what_changed_and_exit_codes(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "round1.csv"
    path.write_text(
        "proposal_id,title,countries\nA1,Wetlands of Chad,Chad\nA2,Coral reefs,Fiji\n",
        encoding="utf-8",
    )
    assert main(["import", str(path), "--kind", "proposals", "--db", sqlite_url]) == 0
    out = capsys.readouterr().out
    assert "2 rows: 2 added, 0 updated, 0 unchanged, 0 rejected" in out
    assert "added: A1, A2" in out

    path.write_text(
        "proposal_id,title,countries\nA1,Wetlands of Lake Chad,Chad\nA2,Coral reefs,Fiji\n"
        "A3,,Kenya\n",
        encoding="utf-8",
    )
    assert main(["import", str(path), "--kind", "proposals", "--db", sqlite_url]) == 1
    out = capsys.readouterr().out
    assert "0 added, 1 updated, 1 unchanged, 1 rejected" in out
    assert 'A1: title: "Wetlands of Chad" -> "Wetlands of Lake Chad"' in out
    assert "rejected row 4" in out

    assert (
        main(["import", str(tmp_path / "missing.csv"), "--kind", "donors", "--db", sqlite_url]) == 2
    )
    assert "missing.csv does not exist" in capsys.readouterr().err

    wrong_kind = main(["import", str(path), "--kind", "donors", "--db", sqlite_url])
    captured = capsys.readouterr()
    assert wrong_kind == 2
    assert "donor_id" in captured.err and "Traceback" not in captured.err


def test_db_flag_wins_over_environment_which_wins_over_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "p.csv"
    path.write_text("proposal_id,title,countries\nA1,Wetlands,Chad\n", encoding="utf-8")

    monkeypatch.delenv(DB_URL_ENV, raising=False)
    assert main(["import", str(path), "--kind", "proposals"]) == 0
    assert (tmp_path / "var" / "lifeweb.db").is_file()

    monkeypatch.setenv(DB_URL_ENV, f"sqlite:///{tmp_path / 'from_env.db'}")
    assert main(["import", str(path), "--kind", "proposals"]) == 0
    assert "from_env.db" in capsys.readouterr().out

    assert (
        main(["import", str(path), "--kind", "proposals", "--db", str(tmp_path / "flag.db")]) == 0
    )
    assert "flag.db" in capsys.readouterr().out
    for name in ("var/lifeweb.db", "from_env.db", "flag.db"):
        with open_store(tmp_path / name) as store:
            assert store.proposals()["proposal_id"].tolist() == ["A1"]


def test_export_is_formula_safe_and_can_start_with_a_bom(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        'proposal_id,title,countries\nA1,"=HYPERLINK(""http://evil"",""x"")",Chad\n',
        encoding="utf-8",
    )
    assert main(["import", str(path), "--kind", "proposals", "--db", sqlite_url]) == 0
    out = tmp_path / "out.csv"
    assert (
        main(["export", "--kind", "proposals", "--db", sqlite_url, "--out", str(out), "--bom"]) == 0
    )
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert _read_csv(out)["title"].tolist() == ['\'=HYPERLINK("http://evil","x")']
    assert "1 proposals rows" in capsys.readouterr().out

    excel = tmp_path / "out.xlsx"
    assert main(["export", "--kind", "decisions", "--db", sqlite_url, "--out", str(excel)]) == 0
    assert excel.read_bytes()[:2] == b"PK"


def test_export_keeps_a_carriage_return_inside_its_cell(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], assert_spreadsheet_safe
) -> None:
    source = tmp_path / "p.csv"
    source.write_bytes(b'proposal_id,title,countries,comment\nA1,Reefs,Fiji,"see\r=1+1"\n')
    assert main(["import", str(source), "--kind", "proposals", "--db", sqlite_url]) == 0
    out = tmp_path / "exported.csv"
    assert main(["export", "--kind", "proposals", "--db", sqlite_url, "--out", str(out)]) == 0
    capsys.readouterr()
    rows = assert_spreadsheet_safe(out.read_bytes(), n_rows=1)
    assert rows[1][rows[0].index("comment")] == "see\r'=1+1"


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "[SQL:" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    return captured.err


def test_export_into_a_missing_folder_is_refused_and_creates_nothing(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing_dir" / "x.csv"
    assert main(["export", "--kind", "donors", "--db", sqlite_url, "--out", str(out)]) == 2
    assert f"the folder {out.parent} does not exist" in _one_line_error(capsys)
    assert not out.parent.exists()


@pytest.mark.parametrize("command", ["import", "export"])
def test_a_mysql_url_is_one_line_naming_what_is_supported(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    url = "mysql://user@db.example.org/lifeweb"
    argv = (
        ["import", str(data_dir / "donors.csv"), "--kind", "donors", "--db", url]
        if command == "import"
        else ["export", "--kind", "donors", "--db", url, "--out", str(tmp_path / "d.csv")]
    )
    assert main(argv) == 2
    assert "mysql databases are not supported" in _one_line_error(capsys)


@pytest.mark.parametrize("command", ["import", "export"])
def test_postgres_without_its_driver_names_the_extra_to_install(
    tmp_path: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as on the basic install
    url = "postgresql://user@127.0.0.1:1/lifeweb"
    argv = (
        ["import", str(data_dir / "donors.csv"), "--kind", "donors", "--db", url]
        if command == "import"
        else ["export", "--kind", "donors", "--db", url, "--out", str(tmp_path / "d.csv")]
    )
    assert main(argv) == 2
    assert 'pip install "lifeweb-match[postgres]"' in _one_line_error(capsys)


def test_a_folder_or_an_unreadable_file_is_named_as_such_not_as_a_database_error(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    assert main(["import", str(tmp_path), "--kind", "proposals", "--db", sqlite_url]) == 2
    assert "is a folder, not a file" in _one_line_error(capsys)

    locked = tmp_path / "locked.csv"
    locked.write_text("proposal_id,title,countries\nA1,Reefs,Fiji\n", encoding="utf-8")
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads anything: make the open fail as it would
        real_open = Path.open

        def refuse(self: Path, *args: object, **kwargs: object):
            if self.name == "locked.csv":
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", refuse)
    assert main(["import", str(locked), "--kind", "proposals", "--db", sqlite_url]) == 2
    message = _one_line_error(capsys)
    assert "locked.csv cannot be read (permission denied)" in message
    assert "database" not in message


def test_a_file_that_is_not_a_database_gives_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_bytes(b"these are notes, not a database\n" * 100)
    assert main(["export", "--kind", "donors", "--db", str(not_a_db), "--out",
                 str(tmp_path / "d.csv")]) == 2  # fmt: skip
    assert "file is not a database" in _one_line_error(capsys)


def test_export_refuses_to_write_over_the_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "lifeweb.db"
    open_store(database).close()
    before = database.read_bytes()
    assert main(["export", "--kind", "donors", "--db", str(database), "--out", str(database)]) == 2
    assert "is the database file itself" in _one_line_error(capsys)
    assert database.read_bytes() == before


def test_import_escapes_terminal_sequences_from_the_file(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "p\x1b[2J\x1b]0;owned\x07.csv"  # a file name is file content too
    source.write_bytes(b"proposal_id,title,countries\nA1,Reefs,Fiji\nA2,,Fiji\n")
    assert main(["import", str(source), "--kind", "proposals", "--db", sqlite_url]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "p\\u001b[2J\\u001b]0;owned\\u0007.csv (proposals): 2 rows: 1 added" in out
