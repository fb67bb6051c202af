"""Explanations a person believes (issue 12, part 4): phrases, a plain label, missing parts in
words, and never the proposal itself as its own closest funded proposal."""

from __future__ import annotations

from matcher.rank import Matcher
from matcher.score import ScoringParams

from .conftest import proposals_frame


def _scores(portfolio, extra=()):
    proposals, donors, history = portfolio
    more = proposals_frame(list(extra)) if extra else None
    scored = proposals if more is None else __import__("pandas").concat([proposals, more])
    return Matcher().fit(donors, history, proposals=proposals).score(scored)


def test_evidence_is_phrases_both_texts_use(portfolio) -> None:
    detail = _scores(portfolio).explain_pair("P1", "OCEAN")
    assert "marine protected areas" in detail.shared_terms
    assert all(" " in term for term in detail.shared_terms[:1])


def test_french_proposal_evidence_has_no_stop_words(portfolio) -> None:
    french = {
        "proposal_id": "FR1",
        "title": "Aires marines protégées et récifs coralliens",
        "countries": ("FJI",),
        "description": "Les récifs coralliens sont protégés à long terme avec les pêcheurs.",
    }
    detail = _scores(portfolio, [french]).explain_pair("FR1", "OCEAN")
    words = {w for term in detail.shared_terms for w in term.split()}
    assert not words & {"sont", "long", "les", "areas"} or "marine" in words


def test_the_score_has_a_plain_label_by_position_among_the_donors_candidates(portfolio) -> None:
    extra = [
        {"proposal_id": f"X{i}", "title": "Highway asphalt maintenance", "countries": ("DEU",)}
        for i in range(6)
    ]
    scores = _scores(portfolio, extra)
    column = scores.combine()[:, list(scores.donor_ids).index("FOREST")]
    best = str(scores.proposal_ids[column.argmax()])
    worst = str(scores.proposal_ids[column.argmin()])
    assert scores.explain_pair(best, "FOREST").label == "strong fit"  # top 10% of 10
    assert scores.explain_pair(worst, "FOREST").label == "weak fit"


def test_missing_parts_are_named_in_words(portfolio) -> None:
    detail = _scores(portfolio).explain_pair("P1", "QUIET")
    # The shipped policy leaves a part the donor says nothing about out (matcher.shipped).
    assert "Quiet Foundation states no targets; this part is left out" in detail.missing
    proposals, donors, history = portfolio
    averaged = Matcher(params=ScoringParams(missing_stated="mean")).fit(
        donors, history, proposals=proposals
    )
    assert "Quiet Foundation states no targets; counted at the average of the donors that do" in (
        averaged.score(proposals).explain_pair("P1", "QUIET").missing
    )
    assert "Quiet Foundation has no funding record here; counts as no evidence" in detail.missing
    sentences = detail.components.set_index("component")["sentence"]
    assert sentences["targets"].startswith("Quiet Foundation states no targets")
    no_amount = _scores(portfolio).explain_pair("P4", "OCEAN")  # P4 asks for no amount
    assert "the proposal asks for no amount; this part is left out" in no_amount.missing


def test_the_label_says_where_the_pair_stands_among_the_donors_candidates(portfolio) -> None:
    extra = [
        {"proposal_id": f"X{i}", "title": "Highway asphalt maintenance", "countries": ("DEU",)}
        for i in range(6)
    ]
    scores = _scores(portfolio, extra)
    column = scores.combine()[:, list(scores.donor_ids).index("FOREST")]
    best = str(scores.proposal_ids[column.argmax()])
    detail = scores.explain_pair(best, "FOREST")
    assert detail.standing == (
        "1st of the 10 proposals scored for Forest Trust: among its best 10%, a strong fit."
    )


def test_the_one_line_explanation_names_what_the_donor_leaves_unstated(portfolio) -> None:
    detail = _scores(portfolio).explain_pair("P1", "QUIET")
    assert "the donor states no targets (left out)" in detail.sentence  # the shipped policy
    assert "no funding record (no evidence)" in detail.sentence


def test_pair_labels_match_the_label_of_each_explanation(portfolio) -> None:
    import numpy as np

    from matcher.explain import pair_labels

    scores = _scores(portfolio)
    rows, cols = np.meshgrid(np.arange(len(scores.proposal_ids)), np.arange(len(scores.donor_ids)))
    labels = pair_labels(scores.combine(), rows.ravel(), cols.ravel())
    expected = [
        scores.explain_pair(str(scores.proposal_ids[p]), str(scores.donor_ids[m])).label
        for p, m in zip(rows.ravel(), cols.ravel(), strict=True)
    ]
    assert labels == expected


def test_the_lookups_kept_for_explaining_agree_with_the_tables_they_come_from(portfolio) -> None:
    import numpy as np

    from matcher.explain import _own_pairs

    scores = _scores(portfolio)
    ctx, features = scores.context, scores.features
    stated = ctx.donors.stated_words.tocsr()
    assert ctx.states_words().tolist() == [
        bool(np.linalg.norm(stated[m].data) > 0) for m in range(stated.shape[0])
    ]
    rows, donors, funded = _own_pairs(features, ctx.profiles)
    n_proposals, n_donors = scores.shape
    found = {}
    for p in range(n_proposals):
        for m in range(n_donors):
            hit = np.flatnonzero((rows == p) & (donors == m))
            found[(p, m)] = (
                ctx.own_funded(features, p, m),
                int(funded[hit[0]]) if hit.size else -1,
            )
    assert all(got == expected for got, expected in found.values())
    assert any(got >= 0 for got, _ in found.values())  # the portfolio funds its own proposals
    assert ctx.donor_column("priorities") == ctx.profiles.donors["priorities"].tolist()
