"""The shipped variant (matcher.shipped): how the best nested row is picked, and the fallback to
TF-IDF when the encoder's package is missing (one line, exit 2 only when it was asked for)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import matcher.text
from matcher.cli import main
from matcher.shipped import (
    NOTICE_NO_ENCODER,
    SHIPPED,
    WITHOUT_ENCODER,
    EncoderUnavailableError,
    best_nested,
    choose_variant,
)


def _row(variant: str, construction: str, policy: str, nested: str, mrr: float, hit3: float,
         hit1: float = 0.5, group: str = "all") -> dict[str, object]:  # fmt: skip
    return {"variant": variant, "construction": construction, "policy": policy,
            "nested": nested, "group": group, "MRR": mrr, "hit@3": hit3, "hit@1": hit1}  # fmt: skip


def test_only_nested_rows_compete_and_mrr_over_all_eois_decides() -> None:
    table = pd.DataFrame(
        [
            _row("track_record", "stated_apart", "dropped", "no", 0.90, 0.90),  # in-sample
            _row("learned", "stated_apart", "mean", "yes", 0.64, 0.80),
            _row("learned", "stated_apart+encoder", "dropped", "yes", 0.66, 0.75),
            _row("learned", "mixed", "mean", "yes", 0.99, 0.99, group="not_germany_alone"),
        ]
    )
    assert best_nested(table) == ("learned", "stated_apart+encoder", "dropped", "yes")


def test_level_to_the_thousandth_goes_to_hit3_then_hit1_then_the_cheaper_variant() -> None:
    level = [
        _row("learned", "stated_apart+encoder", "dropped", "yes", 0.6504, 0.75),
        _row("learned", "stated_apart", "mean", "yes", 0.6501, 0.75),
        _row("learned", "stated_apart", "neutral", "yes", 0.6500, 0.70),
    ]
    assert best_nested(pd.DataFrame(level))[1:3] == ("stated_apart", "mean")  # cheaper
    level[0]["hit@1"] = 0.6
    assert best_nested(pd.DataFrame(level))[1:3] == ("stated_apart+encoder", "dropped")


def test_the_shipped_default_uses_the_encoder_and_tfidf_is_its_fallback(monkeypatch) -> None:
    monkeypatch.setattr(matcher.text, "encoder_available", lambda: True)
    assert choose_variant("auto") == choose_variant("encoder")
    assert choose_variant("auto").variant == SHIPPED and SHIPPED.uses_encoder
    assert choose_variant("tfidf").variant == WITHOUT_ENCODER
    assert choose_variant("tfidf").notice == ""


def test_without_the_encoder_package_auto_falls_back_with_a_notice(monkeypatch) -> None:
    monkeypatch.setattr(matcher.text, "encoder_available", lambda: False)
    choice = choose_variant("auto")
    assert choice.variant == WITHOUT_ENCODER and choice.notice == NOTICE_NO_ENCODER
    assert "\n" not in choice.notice
    with pytest.raises(EncoderUnavailableError, match="not installed"):
        choose_variant("encoder")


def _inputs(tmp_path: Path) -> list[str]:
    (tmp_path / "p.csv").write_text(
        "proposal_id,title,countries\nP1,Coral reef protected areas,FJI\n", encoding="utf-8"
    )
    (tmp_path / "d.csv").write_text(
        "donor_id,name,priorities\nD1,Reef Fund,coral reefs and marine protected areas\n",
        encoding="utf-8",
    )
    return ["--proposals", str(tmp_path / "p.csv"), "--donors", str(tmp_path / "d.csv")]


def test_rank_without_the_encoder_package_ranks_with_tfidf_and_says_so_once(
    monkeypatch, tmp_path, capsys
) -> None:
    monkeypatch.setattr(matcher.text, "encoder_available", lambda: False)
    out = tmp_path / "ranking.csv"
    assert main(["rank", *_inputs(tmp_path), "--text", "auto", "--out", str(out)]) == 0
    error = capsys.readouterr().err
    assert error == f"lifeweb-match rank: {NOTICE_NO_ENCODER}\n"
    assert "D1" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "argv",
    [
        ["rank", "--text", "encoder", "--out", "ranking.csv"],
        ["evaluate", "--encoder", "--compare"],
    ],
)
def test_asking_for_the_missing_encoder_is_one_line_and_exit_2(
    monkeypatch, tmp_path, capsys, argv
) -> None:
    monkeypatch.setattr(matcher.text, "encoder_available", lambda: False)
    monkeypatch.chdir(tmp_path)
    inputs = _inputs(tmp_path) if argv[0] == "rank" else []
    assert main([*argv, *inputs]) == 2
    error = capsys.readouterr().err
    assert len(error.strip().splitlines()) == 1 and "Traceback" not in error
    assert "not installed" in error
