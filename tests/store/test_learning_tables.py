"""The engine's learning tables: embeddings stored once per text, weight sets as an audit log."""

from __future__ import annotations

import numpy as np

from matcher.store.learning import (
    PRESET_SOURCE,
    StoreEmbeddingCache,
    event_outcomes,
    previous_weight_set,
    record_weight_set,
    weight_history,
    weights_in_force,
)
from matcher.text.encoder import SentenceEncoder, text_key


class _CountingModel:
    """Stands in for the encoder model: counts the texts it is asked to embed."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        return np.stack([np.full(512, len(t), dtype=np.float32) for t in texts])


def test_embeddings_are_stored_once_per_text_and_read_back(store) -> None:
    cache = StoreEmbeddingCache(store)
    encoder = SentenceEncoder(cache)
    encoder._model = _CountingModel()
    first = encoder.embed(["mangroves", "coral reefs", "mangroves"])
    again = SentenceEncoder(StoreEmbeddingCache(store))
    again._model = _CountingModel()
    second = again.embed(["coral reefs", "mangroves"])
    assert encoder._model.seen == ["mangroves", "coral reefs"]  # each text once
    assert again._model.seen == []  # the second reader finds both in the store
    np.testing.assert_allclose(second, first[[1, 0]])
    assert set(cache.get_many([text_key("mangroves"), text_key("nothing")])) == {
        text_key("mangroves")
    }


def test_weight_sets_are_kept_so_the_previous_ones_stay_and_one_step_back_is_a_new_row(
    store,
) -> None:
    assert weights_in_force(store) is None
    record_weight_set(store, {"thematic": 0.6, "history": 0.4}, source="learned", n_decisions=12,
                      agreement_gain=0.08, by="Ana")  # fmt: skip
    record_weight_set(store, {"thematic": 0.3, "history": 0.7}, source="learned", n_decisions=20,
                      agreement_gain=0.02, by="Ana")  # fmt: skip
    previous = weight_history(store).iloc[1]["weights"]
    record_weight_set(store, previous, source="restored", n_decisions=0, agreement_gain=None)
    history = weight_history(store)
    assert list(history["source"]) == ["restored", "learned", "learned"]
    assert weights_in_force(store) == {"thematic": 0.6, "history": 0.4}


def test_putting_the_preset_back_is_a_row_too_and_then_no_learned_set_is_in_force(store) -> None:
    record_weight_set(store, {"thematic": 0.6, "history": 0.4}, source="learned", n_decisions=12,
                      agreement_gain=0.08, note="learned from 12 decisions", by="Ana")  # fmt: skip
    history = weight_history(store)
    assert previous_weight_set(history) is None  # before the first set, the preset applied
    assert history.iloc[0]["adopted_by"] == "Ana"
    assert history.iloc[0]["adopted_at"].tzname() == "UTC"
    record_weight_set(store, {"thematic": 0.3, "history": 0.2}, source=PRESET_SOURCE,
                      n_decisions=0, agreement_gain=None, by="Ben")  # fmt: skip
    assert weights_in_force(store) is None
    back = previous_weight_set(weight_history(store))
    assert back is not None and back["source"] == "learned"
    assert back["note"] == "learned from 12 decisions"


def test_event_steps_that_say_how_a_pair_went_are_read_across_events(
    store, literal_proposals, literal_donors
) -> None:
    store.import_frame(literal_proposals, "proposals", filename="p.csv")
    store.import_frame(literal_donors, "donors", filename="d.csv")
    first = store.create_event("Roundtable one", currency="EUR")
    second = store.create_event("Roundtable two", currency="USD")
    store.add_to_event(first, "P1", donor_id="D1")
    store.add_to_event(second, "P2", donor_id="D2")
    store.record_step(first, "P1", "D1", "met")
    store.record_step(first, "P1", "D1", "pledged", amount=400_000)
    store.record_step(second, "P2", "D2", "declined")
    outcomes = event_outcomes(store)
    assert list(zip(outcomes["proposal_id"], outcomes["stage"], strict=True)) == [
        ("P1", "pledged"),
        ("P2", "declined"),
    ]  # a meeting says nothing about the fit
    assert outcomes["happened_at"].notna().all()
