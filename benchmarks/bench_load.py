"""How long the readers take on a large messy file (run by hand: ``python benchmarks/bench_load.py``).

Builds a proposals CSV of N rows in the way people write them (country names in several
languages, amounts in words, targets as text, HTML in descriptions), then times
``matcher.load.load`` (in-process time), and ``validate`` without and with ``--out`` (whole
command in a fresh subprocess, imports included; ``--out`` on proposals also runs the
target tagger, issue 6).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COUNTRIES = [
    "Kenya",
    "Viet Nam",
    "NA",
    "Kenya, Uganda and Tanzania",
    "DR Congo",
    "越南",
    "Côte d'Ivoire",
    "Lao PDR",
    "Bolivia (Plurinational State of)|Peru",
    "Micronesia (Federated States of)",
    "République démocratique du Congo",
    "Perú y Ecuador",
    "Keyna",
]
AMOUNTS = [
    "USD 1.2 million",
    "$850,000",
    "2.5M",
    "€300k",
    "1.250.000,00",
    "120万",
    "1,5 millions d'euros",
    "27000000",
    "lots",
]
WORDS = [
    "protected",
    "area",
    "network",
    "community",
    "forest",
    "reef",
    "mangrove",
    "wetland",
    "corridor",
    "restoration",
    "ranger",
    "monitoring",
    "finance",
    "trust",
    "fund",
    "coastal",
    "marine",
    "river",
    "basin",
    "highland",
    "savanna",
    "species",
    "habitat",
    "buffer",
    "zone",
    "management",
    "plan",
    "capacity",
    "governance",
    "indigenous",
    "livelihoods",
    "tourism",
    "carbon",
]
TARGETS = [
    "11, 15",
    "T11;T15",
    "Aichi Target 5 and 15",
    "Targets 14 & 15",
    "meta 15",
    "objectif 11",
    "目标11、目标15",
    "5|11",
    "21",
]


def build_csv(rows: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "Project ID",
            "Project title",
            "Country/ies",
            "Funding needed (EUR)",
            "Aichi targets",
            "Summary",
        ]
    )
    for index in range(rows):
        writer.writerow(
            [
                f"P-{index:06d}",
                " ".join(rng.sample(WORDS, 6)),
                rng.choice(COUNTRIES),
                rng.choice(AMOUNTS),
                rng.choice(TARGETS),
                "<p>Community rangers &amp; monitoring<br/>of "
                + rng.choice(["reefs", "forests", "wetlands"])
                + "</p>",
            ]
        )
    return buffer.getvalue().encode("utf-8")


def time_in_subprocess(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    baseline = time_in_subprocess("import matcher.load")
    print(f"import matcher.load: {baseline:.2f} s")
    print("| rows | load (s) | loaded | rejected | validate (s) | validate --out (s) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            path = Path(folder) / f"proposals_{rows}.csv"
            path.write_bytes(build_csv(rows))
            probe = (
                "import time; from matcher.load import load; t=time.perf_counter(); "
                f"r=load({str(path)!r}); print(time.perf_counter()-t, r.n_loaded, r.n_rejected)"
            )
            out = subprocess.run(
                [sys.executable, "-c", probe], check=True, capture_output=True, text=True
            ).stdout.split()
            seconds, loaded, rejected = float(out[0]), int(out[1]), int(out[2])
            check = time_in_subprocess(
                f"from matcher.cli import main; main(['validate', {str(path)!r}, '--json'])"
            )
            validate = time_in_subprocess(
                f"from matcher.cli import main; main(['validate', {str(path)!r}, '--out', {str(path.with_suffix('.out.csv'))!r}, '--json'])"
            )
            print(
                f"| {rows:,} | {seconds:.2f} | {loaded:,} | {rejected:,} | {check:.2f} | {validate:.2f} |"
            )


if __name__ == "__main__":
    main()
