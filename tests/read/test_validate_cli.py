"""``lifeweb-match validate``: exit codes, JSON summary, written files, no tracebacks."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from matcher.cli import main
from matcher.headers import contract_columns
from matcher.load import load


def _json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("name", "kind", "rows"),
    [
        ("eoi_projects.csv", "proposals", 62),
        ("funding_matches.csv", "history", 69),
        ("donors.csv", "donors", 55),
    ],
)
def test_validate_each_lifeweb_export_file_loads_every_row(
    lifeweb_export_dir: Path, capsys: pytest.CaptureFixture[str], name: str, kind: str, rows: int
) -> None:
    assert main(["validate", str(lifeweb_export_dir / name), "--json"]) == 0
    summary = _json(capsys)
    assert (
        summary["kind"],
        summary["rows"],
        summary["loaded"],
        summary["rejected"],
        summary["errors"],
    ) == (kind, rows, rows, 0, [])


def test_validate_writes_normalised_flat_columns(
    lifeweb_export_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "eois.csv"
    assert main(["validate", str(lifeweb_export_dir / "eoi_projects.csv"), "--out", str(out)]) == 0
    assert "eoi_projects.csv: proposals, 62 rows, 62 loaded, 0 rejected" in capsys.readouterr().out
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(written.columns[: len(contract_columns("proposals"))]) == list(
        contract_columns("proposals")
    )
    amazon = written.set_index("proposal_id").loc["23236"]
    assert amazon["countries"] == "BOL;BRA;COL;ECU;GUY;PER;SUR;VEN"
    assert amazon["aichi_targets"] == "5;11;12;14;15"
    assert float(amazon["requested_amount"]) == 17_496_734.0
    assert amazon["currency"] == "USD"
    assert set(written["currency"]) == {"USD", "EUR"}


def test_validate_with_rejections_exits_1_and_writes_both_files(
    messy_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, errors = tmp_path / "ok.csv", tmp_path / "rejected.csv"
    code = main(
        [
            "validate",
            str(messy_dir / "semicolon_bom.csv"),
            "--out",
            str(out),
            "--errors",
            str(errors),
            "--json",
        ]
    )
    assert code == 1
    summary = _json(capsys)
    assert (summary["rows"], summary["loaded"], summary["rejected"]) == (6, 4, 2)
    assert summary["errors"][0] == {
        "row": 6,
        "id": "P-005",
        "title": "",
        "column": "Project title",
        "value": "",
        "reason": "missing title",
        "suggestion": "",
    }
    normalised = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert normalised[
        ["proposal_id", "countries", "requested_amount", "currency", "aichi_targets"]
    ].to_dict(orient="records") == [
        {
            "proposal_id": "P-001",
            "countries": "HND;SLV;NIC",
            "requested_amount": "1250000.0",
            "currency": "EUR",
            "aichi_targets": "11;15",
        },
        {
            "proposal_id": "P-002",
            "countries": "VNM",
            "requested_amount": "2500000.0",
            "currency": "EUR",
            "aichi_targets": "5;15",
        },
        {
            "proposal_id": "P-003",
            "countries": "NAM",
            "requested_amount": "850000.0",
            "currency": "EUR",
            "aichi_targets": "11",
        },
        {
            "proposal_id": "P-004",
            "countries": "CIV",
            "requested_amount": "300000.0",
            "currency": "EUR",
            "aichi_targets": "14;15",
        },
    ]
    rejected = pd.read_csv(errors, dtype=str, keep_default_na=False)
    assert rejected[["row", "column", "reason", "cell: ID", "cell: Country/ies"]].to_dict(
        orient="records"
    ) == [
        {
            "row": "6",
            "column": "Project title",
            "reason": "missing title",
            "cell: ID": "P-005",
            "cell: Country/ies": "Kenya",
        },
        {
            "row": "7",
            "column": "Country/ies",
            "reason": 'unknown country "Atlantis"',
            "cell: ID": "P-006",
            "cell: Country/ies": "Atlantis",
        },
    ]


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("semicolon_bom.csv", None),
        ("french_cp1252.csv", "cp1252"),
        ("chinese_gbk.csv", "gbk"),
        ("title_row_merged.xlsx", None),
        ("spanish_tab.csv", None),
        ("donors_messy.csv", None),
        ("history_messy.csv", None),
    ],
)
def test_normalised_output_loads_back_with_identical_values(
    messy_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    encoding: str | None,
) -> None:
    out = tmp_path / "normalised.csv"
    args = ["validate", str(messy_dir / name), "--out", str(out)] + (
        ["--encoding", encoding] if encoding else []
    )
    assert main(args) in (0, 1)
    first = load(messy_dir / name, encoding=encoding)
    again = load(out, first.kind)
    columns = list(contract_columns(first.kind))
    assert again.n_rejected == 0
    pd.testing.assert_frame_equal(again.frame[columns], first.frame[columns])


def test_kind_can_be_named(messy_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["validate", str(messy_dir / "history_messy.csv"), "--kind", "history", "--json"]) == 1
    )
    assert _json(capsys)["kind"] == "history"


def test_wrong_kind_is_unreadable_with_the_missing_columns_named(
    messy_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(messy_dir / "history_messy.csv"), "--kind", "donors"]) == 2
    captured = capsys.readouterr()
    assert "A donors file needs a column for donor_id" in captured.err
    assert '"Project", "Funder", "Amount funded"' in captured.err
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d, t: t / "missing.csv", "No such file"),
        (lambda d, t: d / "garbage.bin", "binary data"),
        (lambda d, t: d / "french_cp1252.csv", "--encoding cp1252"),
    ],
)
def test_unreadable_file_exits_2_with_reason_and_no_traceback(
    messy_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path, Path], Path],
    message: str,
) -> None:
    path = make(messy_dir, tmp_path)
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_unreadable_file_with_json_prints_a_json_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["validate", str(empty), "--json"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {
        "file": str(empty),
        "readable": False,
        "error": "The file is empty",
    }


def test_unknown_kind_of_file_asks_for_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "colours.csv"
    path.write_text("colour,flavour\nred,sweet\n")
    assert main(["validate", str(path)]) == 2
    assert "Name the kind (--kind)" in capsys.readouterr().err


def test_written_files_are_formula_safe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "evil.csv"
    path.write_text('proposal_id,title,countries\nP1,"=HYPERLINK(""http://x"")",Fiji\n')
    out = tmp_path / "out.csv"
    assert main(["validate", str(path), "--out", str(out)]) == 0
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8")
    assert load(out).frame.loc[0, "title"] == '=HYPERLINK("http://x")'


def test_text_summary_lists_the_first_50_problems_and_points_to_errors_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "many.csv"
    path.write_text(
        "proposal_id,title,countries\n" + "".join(f"P{i},Title {i},Atlantis\n" for i in range(60))
    )
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.count('unknown country "Atlantis"') == 50
    assert "... and 10 more problems (write them all with --errors FILE)" in out


def test_validate_outputs_keep_a_carriage_return_inside_its_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], assert_spreadsheet_safe
) -> None:
    source = tmp_path / "p.csv"
    source.write_bytes(
        b"proposal_id,title,countries,comment\n"
        b'P1,"ok\r=1+1",Kenya,"c\r@SUM(A1)"\n'
        b'P2,,Kenya,"y\r=2+2"\n'
    )
    out, errors = tmp_path / "normalised.csv", tmp_path / "rejected.csv"
    assert main(["validate", str(source), "--out", str(out), "--errors", str(errors)]) == 1
    capsys.readouterr()
    normalised = assert_spreadsheet_safe(out.read_bytes(), n_rows=1)
    assert normalised[1][-1] == "c\r'@SUM(A1)"
    rejected = assert_spreadsheet_safe(errors.read_bytes(), n_rows=1)
    assert rejected[1][-1] == "y\r'=2+2"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--errors", "{src}"], "--errors {src} is the same file as FILE"),
        (["--out", "{src}"], "--out {src} is the same file as FILE"),
        (["--out", "{other}", "--errors", "{other}"], "--out and --errors name the same file"),
    ],
)
def test_validate_refuses_to_write_over_its_input_or_one_output_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    source = tmp_path / "p.csv"
    source.write_text("proposal_id,title,countries\nP1,Reefs,Fiji\nP2,,Fiji\n", encoding="utf-8")
    before = source.read_bytes()
    other = tmp_path / "out.csv"
    filled = [o.format(src=source, other=other) for o in options]
    assert main(["validate", str(source), *filled]) == 2
    err = capsys.readouterr().err
    assert message.format(src=source) in err and "nothing was written" in err
    assert source.read_bytes() == before
    assert not other.exists()


def test_validate_names_a_folder_and_an_unreadable_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["validate", str(tmp_path)]) == 2
    assert f"{tmp_path} is a folder, not a file" in capsys.readouterr().err
    locked = tmp_path / "locked.csv"
    locked.write_text("proposal_id,title,countries\nP1,Reefs,Fiji\n", encoding="utf-8")
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object):  # as chmod 000 does for non-root
        if self.name == "locked.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    assert main(["validate", str(locked), "--json"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)["readable"] is False
    assert "locked.csv cannot be read (permission denied)" in captured.err
    assert "Traceback" not in captured.err
