"""Regenerate the README's ``lifeweb-match allocate`` example on the shipped sample data.

    .venv/bin/python scripts/readme_allocate_example.py

The example gives each donor 1% of its annual budget for the round (a budgets file written to
a temporary folder) and at most 3 donors per proposal, and prints the command's output as
the README shows it, after one line with the date, the machine and the load average.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from matcher.cli import main as cli  # noqa: E402
from matcher.export import write_table  # noqa: E402
from matcher.load import load  # noqa: E402

SHARE_OF_ANNUAL_BUDGET = 0.01
MAX_DONORS_PER_PROPOSAL = 3


def main() -> int:
    data = REPO / "data"
    donors = load(data / "donors.csv", "donors").frame
    budgets = donors.loc[donors["annual_budget"].notna(), ["donor_id", "currency"]].assign(
        budget=donors["annual_budget"] * SHARE_OF_ANNUAL_BUDGET
    )[["donor_id", "budget", "currency"]]
    with tempfile.TemporaryDirectory(prefix="lifeweb-allocate-example-") as workdir:
        budgets_path = write_table(budgets, Path(workdir) / "budgets.csv")
        argv = [
            "allocate",
            "--proposals", str(data / "proposals.csv"),
            "--donors", str(data / "donors.csv"),
            "--history", str(data / "history.csv"),
            "--budgets", str(budgets_path),
            "--max-donors-per-proposal", str(MAX_DONORS_PER_PROPOSAL),
            "--out", str(Path(workdir) / "plan.csv"),
        ]  # fmt: skip
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            status = cli(argv)
    one, five, _ = os.getloadavg()
    print(
        f"# {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"load average {one:.1f} / {five:.1f}; exit status {status}"
    )
    lines = printed.getvalue().splitlines()
    print(
        "\n".join(line for line in lines if " written to " not in line and "per donor:" not in line)
    )
    return status


if __name__ == "__main__":
    raise SystemExit(main())
