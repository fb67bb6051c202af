"""Refit the score scale of thematic and history (matcher/scoring/calibration.py) and print it.

The mapping is the 5% quantiles of each part's raw values over the LifeWeb replay's pairs
(every EOI funded by an external named donor against every donor, its own funding left out),
once for TF-IDF alone and once with the sentence encoder (when its package is installed).
Paste the printed dict over ``LIFEWEB_CALIBRATIONS``; ``tests/engine_eval/test_shipped_default.py``
fails while the shipped knots differ from this refit.

    python scripts/fit_score_calibration.py
"""

from __future__ import annotations

import tempfile

from matcher.evaluate import DEFAULT_DONORS, DEFAULT_HISTORY, DEFAULT_PROPOSALS, _read_files
from matcher.learn.replay import reference_values, replays_for
from matcher.scoring.calibration import fit_calibration
from matcher.text import DiskCache, SentenceEncoder, encoder_available

ROUTES = {"stated_apart": "tfidf", "stated_apart+encoder": "encoder"}


def main() -> None:
    """Replay both text routes and print each route's knots."""
    proposals, donors, history = _read_files(DEFAULT_PROPOSALS, DEFAULT_DONORS, DEFAULT_HISTORY)
    constructions = ["stated_apart"]
    with tempfile.TemporaryDirectory() as folder:
        encoder = None
        if encoder_available():
            encoder = SentenceEncoder(DiskCache(folder))
            constructions.append("stated_apart+encoder")
        replays = replays_for(
            proposals, donors, history, constructions=constructions, encoder=encoder
        )
    for construction, replay in replays.items():
        calibration = fit_calibration(reference_values(replay.cases))
        print(f'"{ROUTES[construction]}": {dict(calibration.knots)!r},')


if __name__ == "__main__":
    main()
