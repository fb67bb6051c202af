"""Time ``.ci/run`` on a clean clone, the way CI runs it, and print the README's CI figure.

    .venv/bin/python scripts/measure_ci.py [REF]      # default: HEAD of this checkout

Clones REF into a temporary folder with the shared reference data beside it (as CI does),
runs ``.ci/run`` there, and prints one line with the date, the machine, the load average
before and after, the wall time and pytest's summary line. Nothing in this checkout changes.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" if (REPO.parent / "shared").is_dir() else REPO.parents[1] / "shared"


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def _cpu() -> str:
    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor() or "unknown CPU",
    )  # fmt: skip
    return f"{os.cpu_count()} cores, {model}"


def main(argv: list[str]) -> int:
    ref = argv[0] if argv else "HEAD"
    with tempfile.TemporaryDirectory(prefix="lifeweb-ci-clone-") as workdir:
        clone = Path(workdir) / "lifeweb-match"
        subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
        subprocess.run(["git", "-C", str(clone), "checkout", "-q", ref], check=True)
        commit = subprocess.run(
            ["git", "-C", str(clone), "rev-parse", "--short", "HEAD"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        if SHARED.is_dir():
            (Path(workdir) / "shared").symlink_to(SHARED)
        started_at = dt.datetime.now(dt.UTC)
        load_before = _load()
        started = time.monotonic()
        run = subprocess.run(
            [str(clone / ".ci" / "run")], cwd=clone, capture_output=True, text=True
        )
        wall = time.monotonic() - started
        load_after = _load()
    output = run.stdout + run.stderr
    summary = next(
        (line.strip("= ") for line in reversed(output.splitlines())
         if re.search(r"\d+ (passed|failed)", line)),
        "no pytest summary",
    )  # fmt: skip
    minutes, seconds = divmod(round(wall), 60)
    print(
        f"{started_at:%Y-%m-%d %H:%M} UTC, commit {commit}, {_cpu()}, load {load_before} before "
        f"and {load_after} after: .ci/run took {minutes} min {seconds} s, exit {run.returncode}; "
        f"{summary}"
    )
    if run.returncode:
        failed = [line for line in output.splitlines() if line.startswith(("FAILED", "ERROR"))]
        print("\n".join(failed) or output[-3000:], file=sys.stderr)
    return run.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
