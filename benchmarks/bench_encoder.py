"""Ranking with sentence-encoder features against the TF-IDF fast path, embeddings stored.

Target (issue 12): ranking 10,000 proposals x 500 donors (top 20 both ways) with the encoder's
features costs at most 1.5 x the TF-IDF-only time, once every text's embedding is stored. Both
runs use the same fitted data in the same process, alternated, median of ``--repeats``.

By default the stored vectors are random unit vectors keyed exactly as real ones would be:
the time of ranking does not depend on their values, and embedding 10,000 long texts takes
several minutes on this machine. ``--real`` embeds every text first (slow) and then times.
Prints one line per run and the ratio; results are reported in the README with the load.

    .venv/bin/python benchmarks/bench_encoder.py [--proposals 10000 --donors 500] [--real]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.generate import (  # noqa: E402
    generate_donors,
    generate_history,
    generate_proposals,
)

TARGET_RATIO = 1.5


def _store_vectors(encoder, texts: list[str], real: bool) -> None:
    from matcher.text.encoder import EMBEDDING_DIM, clean_text, text_key

    if real:
        encoder.embed(texts)
        return
    rng = np.random.default_rng(0)
    keys = list(dict.fromkeys(text_key(clean_text(t)) for t in texts))
    vectors = rng.standard_normal((len(keys), EMBEDDING_DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    encoder.cache.put_many(dict(zip(keys, vectors, strict=True)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--donors", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--real", action="store_true", help="embed every text for real first")
    args = parser.parse_args(argv)

    from matcher.rank import Matcher
    from matcher.score import proposal_texts
    from matcher.text import SentenceEncoder

    proposals = generate_proposals(args.proposals, seed=7)
    donors = generate_donors(args.donors, seed=8)
    history = generate_history(proposals, donors, seed=9)
    encoder = SentenceEncoder()
    texts = [*donors["priorities"].fillna("").astype(str), *proposal_texts(proposals)]
    _store_vectors(encoder, texts, args.real)
    plain = Matcher().fit(donors, history, proposals=proposals)
    encoded = Matcher(encoder=encoder).fit(donors, history, proposals=proposals)
    print(f"load at start {os.getloadavg()[0]:.1f}; texts embedded by the model: {encoder.encoded}")
    times: dict[str, list[float]] = {"tfidf": [], "tfidf+encoder": []}
    for _ in range(args.repeats):
        for name, matcher in (("tfidf", plain), ("tfidf+encoder", encoded)):
            start = time.perf_counter()
            matcher.rank(proposals, top_k=20, by="both", explain=False)
            times[name].append(time.perf_counter() - start)
            print(f"{name:>14}: {times[name][-1]:.2f} s")
    ratio = statistics.median(times["tfidf+encoder"]) / statistics.median(times["tfidf"])
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(
        f"median tfidf {statistics.median(times['tfidf']):.2f} s, with encoder "
        f"{statistics.median(times['tfidf+encoder']):.2f} s: ratio {ratio:.2f} "
        f"(target <= {TARGET_RATIO}: {verdict}); load at end {os.getloadavg()[0]:.1f}; "
        f"model calls during ranking: {encoder.encoded}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
