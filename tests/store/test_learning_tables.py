"""The engine's learning tables: embeddings stored once per text, weight sets as an audit log."""

from __future__ import annotations

import numpy as np

from matcher.store.learning import (
    StoreEmbeddingCache,
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
