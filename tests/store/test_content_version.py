"""The content version keys the app's shared caches: it moves with every write to the kinds
asked about, from any connection, and stays put when nothing of them was written."""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.store import Store, open_store
from matcher.store.learning import record_weight_set


@pytest.fixture
def filled(
    store: Store,
    literal_proposals: pd.DataFrame,
    literal_donors: pd.DataFrame,
    literal_history: pd.DataFrame,
) -> Store:
    store.import_frame(literal_proposals, "proposals", filename="p.csv")
    store.import_frame(literal_donors, "donors", filename="d.csv")
    store.import_frame(literal_history, "history", filename="h.csv")
    return store


def _parts(store: Store) -> dict[str, str]:
    kinds = ("proposals", "donors", "history", "national_targets", "weight_sets")
    return dict(zip(kinds, (store.content_version((kind,)) for kind in kinds), strict=True))


def test_reading_and_unchanged_imports_keep_the_version(
    filled: Store, literal_proposals: pd.DataFrame
) -> None:
    before = filled.content_version()
    filled.proposals(meta=True)
    result = filled.import_frame(literal_proposals, "proposals", filename="again.csv")
    assert result.n_unchanged == len(literal_proposals)
    filled.create_shortlist("Roundtable picks", donor_id="D1")  # not a portfolio table
    assert filled.content_version() == before


def test_every_write_moves_only_its_own_kind(filled: Store, make_proposals, db_url: str) -> None:
    # A second connection stands for another app process or the CLI.
    other = open_store(db_url)
    try:
        steps = {
            "proposals": lambda: other.import_frame(
                make_proposals(("P9", "Coral reefs of Palau")), "proposals", filename="new.csv"
            ),
            "donors": lambda: other.update_donor(
                "D1", {"priorities": "coral reefs"}, expected_version=1
            ),
            "weight_sets": lambda: record_weight_set(
                other, {"thematic": 1.0}, source="learned", n_decisions=0, agreement_gain=None
            ),
        }
        for kind, write in steps.items():
            before = _parts(filled)
            write()
            after = _parts(filled)
            assert after[kind] != before[kind], kind
            assert {k: v for k, v in after.items() if k != kind} == {
                k: v for k, v in before.items() if k != kind
            }, kind
        before = filled.content_version()
        other.update_proposal("P2", {"status": "funded"}, expected_version=1)
        assert filled.content_version() != before
    finally:
        other.close()


def test_replacing_national_targets_moves_their_version(store: Store) -> None:
    targets = pd.DataFrame(
        {
            "government": ["KEN"],
            "government_name": ["Kenya"],
            "target_code": ["T1"],
            "title": ["Restore degraded land"],
            "description": [""],
            "gbf_targets": [(2,)],
            "alignment": [((2, "high"),)],
            "source_row": [2],
        }
    )
    versions = [store.content_version(("national_targets",))]
    for _ in range(2):  # the same rows again still replace them, with a new import stamp
        store.save_national_targets(targets, filename="ort.xlsx")
        versions.append(store.content_version(("national_targets",)))
    assert len(set(versions)) == 3


def test_an_unknown_kind_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown kind 'events'"):
        store.content_version(("events",))
