"""How long the readers take, and how much memory (run by hand: ``python benchmarks/bench_load.py``).

Two measurements, each load in a fresh process whose peak resident memory is reported:

* messy: builds a proposals CSV of N rows in the way people write them (country names in
  several languages, amounts in words, targets as text, HTML in descriptions), then times
  ``matcher.load.load`` (in-process time), and ``validate`` without and with ``--out``
  (whole command in a fresh subprocess, imports included; ``--out`` on proposals also runs
  the target tagger, issue 6).
* generated (``--generated N``): the long-text proposals of ``benchmarks/generate.py``
  (~300-word descriptions, files of 25,000 rows, written under ``var/bench``), read with
  ``load_proposals`` file by file and concatenated, as the cold engine benchmark reads them;
  beside it ``pandas.read_csv`` of the same files for scale.
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


PEAK_MB = "import resource; peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024"


def run_probe(code: str) -> list[str]:
    """Run ``code`` in a fresh interpreter from the repository root; its printed words."""
    root = Path(__file__).resolve().parent.parent
    return subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=root
    ).stdout.split()


def generated_paths(rows: int, folder: Path) -> list[Path]:
    """Proposal files of ``rows`` generated rows (made once, reused)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.generate import write_dataset

    # The donor counts of the engine benchmark, so its generated files are reused.
    donors = {1_000: 100, 10_000: 300, 30_000: 600, 100_000: 1_000}.get(rows, 1_000)
    return list(write_dataset(folder, rows, donors, seed=7).proposals)


def bench_generated(rows: int, folder: Path) -> None:
    """Readers against plain pandas on the generated long-text proposals."""
    paths = [str(p) for p in generated_paths(rows, folder)]
    readers = (
        "import time, pandas as pd; import matcher.load; from matcher.load import load_proposals; "
        f"t=time.perf_counter(); parts=[load_proposals(p) for p in {paths!r}]; "
        "f=pd.concat([r.frame for r in parts], ignore_index=True) if len(parts)>1 else parts[0].frame; "
        f"s=time.perf_counter()-t; {PEAK_MB}; "
        "print(s, peak, len(f), sum(r.n_rejected for r in parts), sum(len(r.near_duplicates) for r in parts))"
    )
    plain = (
        "import time, pandas as pd; "
        f"t=time.perf_counter(); parts=[pd.read_csv(p, keep_default_na=False, dtype=str) for p in {paths!r}]; "
        f"f=pd.concat(parts, ignore_index=True); s=time.perf_counter()-t; {PEAK_MB}; print(s, peak, len(f))"
    )
    out = run_probe(readers)
    seconds, peak, loaded, rejected, near = float(out[0]), float(out[1]), *map(int, out[2:])
    base = run_probe(plain)
    print(
        f"| {rows:,} generated ({len(paths)} files) | {seconds:.2f} | {peak:,.0f} | {loaded:,} | "
        f"{rejected:,} | {near:,} | {float(base[0]):.2f} | {float(base[1]):,.0f} |"
    )


def time_in_subprocess(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument(
        "--generated",
        type=int,
        nargs="*",
        default=[],
        help="rows of generated long-text proposals to read (e.g. 100000)",
    )
    parser.add_argument("--data", type=Path, default=Path("var/bench"), help="generated files")
    args = parser.parse_args()
    if args.generated:
        print(
            "| proposals | readers (s) | readers peak (MB) | loaded | rejected | near-duplicate pairs "
            "| pandas.read_csv (s) | pandas peak (MB) |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for rows in args.generated:
            bench_generated(rows, args.data)
    if not args.rows:
        return
    baseline = time_in_subprocess("import matcher.load")
    print(f"import matcher.load: {baseline:.2f} s")
    print(
        "| rows | load (s) | load peak (MB) | loaded | rejected | validate (s) | validate --out (s) |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            path = Path(folder) / f"proposals_{rows}.csv"
            path.write_bytes(build_csv(rows))
            probe = (
                "import time; from matcher.load import load; t=time.perf_counter(); "
                f"r=load({str(path)!r}); s=time.perf_counter()-t; {PEAK_MB}; "
                "print(s, peak, r.n_loaded, r.n_rejected)"
            )
            out = run_probe(probe)
            seconds, peak, loaded, rejected = float(out[0]), float(out[1]), int(out[2]), int(out[3])
            check = time_in_subprocess(
                f"from matcher.cli import main; main(['validate', {str(path)!r}, '--json'])"
            )
            validate = time_in_subprocess(
                f"from matcher.cli import main; main(['validate', {str(path)!r}, '--out', {str(path.with_suffix('.out.csv'))!r}, '--json'])"
            )
            print(
                f"| {rows:,} | {seconds:.2f} | {peak:,.0f} | {loaded:,} | {rejected:,} | {check:.2f} | {validate:.2f} |"
            )


if __name__ == "__main__":
    main()
