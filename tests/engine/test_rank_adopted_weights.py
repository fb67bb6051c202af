"""``rank --weights adopted``: the weights in force in the database, the app's adopted set."""

from __future__ import annotations

import pandas as pd

from matcher.cli import main
from matcher.store import open_store
from matcher.store.learning import record_weight_set
from tests.engine.test_rank_command import files  # noqa: F401 - the fixture

LEARNED = {
    "thematic": 0.1,
    "targets": 0.1,
    "geography": 0.5,
    "funding_fit": 0.1,
    "ecosystems": 0.1,
    "history": 0.1,
}


def _database(files, tmp_path) -> str:  # noqa: F811
    url = f"sqlite:///{tmp_path / 'lifeweb.db'}"
    store = open_store(url)
    for kind in ("proposals", "donors", "history"):
        store.import_file(files[kind], kind)
    store.close()
    return url


def _rank(tmp_path, name: str, *options: str) -> pd.DataFrame:
    out = tmp_path / f"{name}.csv"
    assert main(["rank", *options, "--out", str(out)]) == 0
    return pd.read_csv(out, keep_default_na=False)


def test_adopted_weights_come_from_the_database_else_the_preset(files, tmp_path, capsys) -> None:  # noqa: F811
    url = _database(files, tmp_path)
    preset = _rank(tmp_path, "preset", "--db", url, "--weights", "adopted")
    assert "weights: the balanced preset (none adopted)" in capsys.readouterr().out
    balanced = _rank(tmp_path, "balanced", "--db", url)
    assert preset["score"].tolist() == balanced["score"].tolist()

    store = open_store(url)
    record_weight_set(
        store, LEARNED, source="learned", n_decisions=20, agreement_gain=0.1, by="Ana"
    )
    store.close()
    adopted = _rank(tmp_path, "adopted", "--db", url, "--weights", "adopted")
    assert "by Ana" in capsys.readouterr().out
    spelled = ",".join(f"{k}={v}" for k, v in LEARNED.items())
    explicit = _rank(tmp_path, "explicit", "--db", url, "--weights", spelled)
    assert adopted["score"].tolist() == explicit["score"].tolist()
    assert adopted["score"].tolist() != balanced["score"].tolist()


def test_adopted_weights_without_a_database_is_one_line_and_exit_2(files, tmp_path, capsys) -> None:  # noqa: F811
    status = main(
        [
            "rank",
            "--proposals",
            str(files["proposals"]),
            "--donors",
            str(files["donors"]),
            "--weights",
            "adopted",
            "--out",
            str(tmp_path / "x.csv"),
        ]
    )
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert (
        err
        == "lifeweb-match rank: --weights adopted reads the weights in force from a database: give --db"
    )
