"""Precision, recall and speed of the target tagger (run by hand; figures go to the README).

    .venv/bin/python benchmarks/eval_tagger.py [--proposals 10000]

Quality is measured on (a) the LifeWeb EOIs that carry Aichi tags (the 2013-14 template,
scored on the targets it offered) and (b) the labelled multilingual texts in
``tests/tagger/labelled_texts.csv``. Speed: ``suggest_targets`` on N proposals resampled
from the real EOIs (realistic text length, HTML included) and on N short texts.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from matcher import tagger  # noqa: E402
from matcher.load import load_proposals  # noqa: E402

LIFEWEB_EOIS = REPO / "data" / "lifeweb" / "eoi_projects.csv"
LABELLED_TEXTS = REPO / "tests" / "tagger" / "labelled_texts.csv"
# The 2013-14 LifeWeb template let countries tick only these targets (10 appears in the
# tags as well, so the template evidently offered it).
LIFEWEB_TEMPLATE_TARGETS = (5, 9, 10, 11, 12, 13, 14, 15)


def lifeweb_proposals(path: Path = LIFEWEB_EOIS) -> pd.DataFrame:
    """The LifeWeb EOIs as a proposals frame, read as the export is, through the readers."""
    return load_proposals(path).frame


def labelled_proposals(path: Path = LABELLED_TEXTS) -> pd.DataFrame:
    """The labelled texts as a proposals frame: the text is the summary, no title."""
    raw = pd.read_csv(path, keep_default_na=False, dtype=str)
    return pd.DataFrame(
        {
            "proposal_id": raw["text_id"],
            "language": raw["language"],
            "title": "",
            "summary": raw["text"],
            "aichi_targets": [
                tuple(int(t) for t in cell.split(";")) for cell in raw["aichi_targets"]
            ],
            "gbf_targets": [()] * len(raw),
        }
    )


def quality_table(min_confidence: float = tagger.DEFAULT_MIN_CONFIDENCE) -> pd.DataFrame:
    """One row per evaluation set: proposals, true and suggested pairs, precision, recall, F1."""
    rows = []
    eois = lifeweb_proposals()
    tagged = eois[eois["aichi_targets"].map(len) > 0]
    suggestions = tagger.suggest_targets(tagged, min_confidence=min_confidence)
    scores = tagger.evaluate_suggestions(suggestions, tagged, targets=LIFEWEB_TEMPLATE_TARGETS)
    rows.append(("LifeWeb EOIs with Aichi tags (targets 5, 9-15)", scores))
    labelled = labelled_proposals()
    suggestions = tagger.suggest_targets(labelled, min_confidence=min_confidence)
    rows.append(("labelled texts, all", tagger.evaluate_suggestions(suggestions, labelled)))
    for language in ("en", "fr", "es", "zh"):
        subset = labelled[labelled["language"] == language]
        rows.append(
            (f"labelled texts, {language}", tagger.evaluate_suggestions(suggestions, subset))
        )
    return pd.DataFrame(
        [
            {
                "set": name,
                "texts": s.n_proposals,
                "true pairs": s.n_true,
                "suggested": s.n_suggested,
                "precision": round(s.precision, 3),
                "recall": round(s.recall, 3),
                "F1": round(s.f1, 3),
            }
            for name, s in rows
        ]
    )


def _timed(frame: pd.DataFrame) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds: CPU time is the fairer figure on a shared machine."""
    wall, cpu = time.perf_counter(), time.process_time()
    suggestions = tagger.suggest_targets(frame)
    return time.perf_counter() - wall, time.process_time() - cpu, len(suggestions)


def speed(n_proposals: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    eois = lifeweb_proposals()
    long_frame = eois.iloc[rng.integers(0, len(eois), n_proposals)].reset_index(drop=True)
    long_frame["proposal_id"] = [f"P{i}" for i in range(n_proposals)]
    labelled = labelled_proposals()
    short_frame = labelled.iloc[rng.integers(0, len(labelled), n_proposals)].reset_index(drop=True)
    short_frame["proposal_id"] = [f"S{i}" for i in range(n_proposals)]
    tagger.suggest_targets(labelled.head(2))  # compile the lexicon and fit the vectoriser once
    rows = []
    for name, frame in (("EOI-length texts", long_frame), ("short texts", short_frame)):
        chars = int(sum(frame[c].str.len().sum() for c in ("title", "summary") if c in frame))
        chars += int(
            sum(frame[c].str.len().sum() for c in ("description", "objectives") if c in frame)
        )
        seconds, cpu_seconds, n_suggestions = _timed(frame)
        rows.append(
            {
                "input": name,
                "proposals": n_proposals,
                "MB of text": round(chars / 1e6, 1),
                "wall seconds": round(seconds, 2),
                "CPU seconds": round(cpu_seconds, 2),
                "suggestions": n_suggestions,
            }
        )
    return pd.DataFrame(rows)


def markdown(frame: pd.DataFrame) -> str:
    """A pipe table for the README (no tabulate dependency)."""
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |"]
    lines.append("| " + " | ".join("---" for _ in frame.columns) + " |")
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=10_000)
    args = parser.parse_args(argv)
    print(markdown(quality_table()))
    print()
    print(markdown(speed(args.proposals)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\npeak memory: {peak:.0f} MB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
