"""Precision and recall floors, measured on the tagged LifeWeb EOIs and the labelled texts.

The floors are the figures reached when the tagger was written (README table); a change
that lowers them fails here. benchmarks/eval_tagger.py prints the full table.
"""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.tagger import evaluate_suggestions, lexicon, suggest_targets

LIFEWEB_TEMPLATE_TARGETS = (5, 9, 10, 11, 12, 13, 14, 15)


def test_tagged_lifeweb_eois_precision_and_recall_floors(lifeweb_eois):
    tagged = lifeweb_eois[lifeweb_eois["aichi_targets"].map(len) > 0]
    assert len(tagged) == 4
    scores = evaluate_suggestions(suggest_targets(tagged), tagged, targets=LIFEWEB_TEMPLATE_TARGETS)
    assert scores.n_true == 29
    assert scores.precision >= 0.96
    assert scores.recall >= 0.82


def test_labelled_texts_precision_and_recall_floors(labelled_texts):
    assert len(labelled_texts) == 98
    suggestions = suggest_targets(labelled_texts)
    overall = evaluate_suggestions(suggestions, labelled_texts)
    assert overall.precision >= 0.83
    assert overall.recall >= 0.93
    floors = {"en": (0.85, 0.88), "fr": (0.82, 1.0), "es": (0.82, 0.93), "zh": (0.84, 0.93)}
    for language, (precision, recall) in floors.items():
        subset = labelled_texts[labelled_texts["language"] == language]
        scores = evaluate_suggestions(suggestions, subset)
        assert scores.precision >= precision, language
        assert scores.recall >= recall, language


def test_every_target_is_found_in_the_labelled_texts(labelled_texts):
    scores = evaluate_suggestions(suggest_targets(labelled_texts), labelled_texts)
    per_target = scores.per_target.set_index("aichi_target")
    assert (per_target["true"] > 0).all()
    assert (per_target["correct"] > 0).all()


def test_evaluation_counts_pairs_and_ignores_targets_outside_the_scope():
    truth = pd.DataFrame({"proposal_id": ["a", "b"], "aichi_targets": [(11, 12), (5,)]})
    suggestions = pd.DataFrame(
        {"proposal_id": ["a", "a", "b", "c"], "aichi_target": [11, 1, 9, 11]}
    )
    scores = evaluate_suggestions(suggestions, truth)
    assert (scores.n_true, scores.n_suggested, scores.n_correct) == (3, 3, 1)
    assert scores.precision == pytest.approx(1 / 3) and scores.recall == pytest.approx(1 / 3)
    scoped = evaluate_suggestions(suggestions, truth, targets=[5, 11])
    assert (scoped.n_true, scoped.n_suggested, scoped.n_correct) == (2, 1, 1)
    assert scoped.precision == 1.0 and scoped.recall == 0.5


def test_lexicon_covers_every_target_in_every_language():
    terms = lexicon()
    coverage = terms.groupby(["aichi_target", "language"]).size().unstack()
    assert coverage.shape == (20, 4)
    assert (coverage.fillna(0) >= 1).all().all()
    assert set(terms["weight"]) <= {1.0, 2.0, 3.0}
    assert not terms.duplicated(["aichi_target", "language", "term"]).any()
