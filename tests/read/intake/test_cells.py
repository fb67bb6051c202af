"""Cell values the reader must refuse or bound (issue 14, Files): amounts, targets, duplicates."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.cli import main
from matcher.intake import duplicates
from matcher.intake.amounts import _plain_amount, _written_amount
from matcher.load import load
from matcher.normalise import parse_amount, parse_targets


@pytest.mark.parametrize("written", ["1e309", "-1e309", "1e300", "99999999999999999999"])
def test_non_finite_and_absurd_amounts_are_rejected(written: str) -> None:
    parsed = parse_amount(written)
    assert parsed.problem is not None
    assert not math.isfinite(parsed.value) or parsed.value <= 0 or math.isnan(parsed.value)


def test_an_infinite_amount_rejects_its_row() -> None:
    report = load(
        b"proposal_id,title,countries,requested_amount\nP1,T,Peru,1e309\n", filename="p.csv"
    )
    assert report.n_loaded == 0
    assert report.rejected.loc[0, "reason"] == 'amount "1e309" is not a finite number'


@pytest.mark.parametrize("written", ["11.5", "Target 11.2", "-1", "5; -3"])
def test_decimals_and_negatives_are_not_target_numbers(written: str) -> None:
    parsed = parse_targets(written)
    assert parsed.targets == ()
    assert "is not a target number" in (parsed.problem or "")


@pytest.mark.parametrize(
    ("written", "targets"),
    [("11, 15", (11, 15)), ("5 - 7", (5, 6, 7)), ("T-11", (11,)), ("11,15", (11, 15))],
)
def test_ranges_labels_and_lists_still_read(written: str, targets: tuple[int, ...]) -> None:
    assert parse_targets(written) == (targets, (), None)


def test_near_duplicates_are_counted_but_only_the_first_ones_listed(
    monkeypatch, tmp_path, capsys
) -> None:
    monkeypatch.setattr(duplicates, "MAX_LISTED_PAIRS", 5)
    lines = ["proposal_id,title,countries"] + [
        f"P{i},Mangrove restoration project {i},Kenya" for i in range(40)
    ]
    path = tmp_path / "p.csv"
    path.write_text("\n".join(lines) + "\n")
    report = load(path)
    assert len(report.near_duplicates) == 5
    counted = [n for n in report.file_notes if "pairs of possible duplicates" in n]
    assert counted and counted[0].endswith("the first 5 are listed")
    noted = report.frame["notes"].str.contains("possible duplicate").sum()
    assert 0 < noted <= 10
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out.count("possible duplicates:") == 5


plain_amounts = st.one_of(
    st.from_regex(r"[0-9]{1,16}(\.[0-9]{1,9})?", fullmatch=True),
    st.floats(min_value=0, max_value=2e13, allow_nan=False).map(str),
    st.integers(min_value=0, max_value=10**15).map(str),
)


@settings(max_examples=400, deadline=None)
@given(plain_amounts)
def test_plain_digits_read_as_the_full_amount_reader_reads_them(written: str) -> None:
    """The shortcut for "257000.0"-like cells gives what the currency-and-mark route gives."""
    shortcut = _plain_amount(written)
    if shortcut is not None:
        assert shortcut == _written_amount(written)
        assert parse_amount(written) == shortcut


@pytest.mark.parametrize("written", ["2.500", "12.345", "1e5", " 12", "١٢", "99999999999999"])
def test_cells_the_shortcut_leaves_to_the_full_reader(written: str) -> None:
    assert _plain_amount(written) is None
