"""What the engine keeps in the store for learning: sentence embeddings and weight sets.

Store methods belong to :class:`matcher.store.Store`; these two tables are read and written
through its ``_read``/``_write`` (retries, the write engine) by the functions here, so the big
store module does not grow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import sqlalchemy as sa

from matcher.store.models import TextEmbedding, WeightSet
from matcher.store.stamps import now
from matcher.store.store import Store

__all__ = ["StoreEmbeddingCache", "record_weight_set", "weight_history", "weights_in_force"]

_EMBEDDINGS = TextEmbedding.__table__
_WEIGHTS = WeightSet.__table__


class StoreEmbeddingCache:
    """An embedding cache (see :mod:`matcher.text.encoder`) in the ``text_embeddings`` table."""

    def __init__(self, store: Store, model: str | None = None) -> None:
        from matcher.text.encoder import MODEL_NAME

        self.store = store
        self.model = model or MODEL_NAME

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        wanted = list(dict.fromkeys(keys))

        def read(connection: sa.Connection) -> dict[str, np.ndarray]:
            found: dict[str, np.ndarray] = {}
            for start in range(0, len(wanted), 500):
                rows = connection.execute(
                    sa.select(_EMBEDDINGS.c.text_key, _EMBEDDINGS.c.vector).where(
                        _EMBEDDINGS.c.text_key.in_(wanted[start : start + 500])
                    )
                )
                for key, vector in rows:
                    found[key] = np.frombuffer(vector, dtype=np.float32).copy()
            return found

        return self.store._read(read) if wanted else {}

    def put_many(self, vectors: Mapping[str, np.ndarray]) -> None:
        if not vectors:
            return
        stamp = now()

        def write(connection: sa.Connection) -> None:
            present = {
                key
                for (key,) in connection.execute(
                    sa.select(_EMBEDDINGS.c.text_key).where(
                        _EMBEDDINGS.c.text_key.in_(list(vectors))
                    )
                )
            }
            rows = [
                {
                    "text_key": key,
                    "model": self.model,
                    "vector": np.asarray(vector, dtype=np.float32).tobytes(),
                    "created_at": stamp,
                }
                for key, vector in vectors.items()
                if key not in present
            ]
            if rows:
                connection.execute(sa.insert(_EMBEDDINGS), rows)

        self.store._write(write)


def record_weight_set(
    store: Store,
    weights: Mapping[str, float],
    *,
    source: str,
    n_decisions: int,
    agreement_gain: float | None,
    note: str = "",
    by: str = "app user",
) -> None:
    """Put a weight set in force (a new row: earlier ones stay, for the audit log and undo)."""
    row = {
        "weights": {k: float(v) for k, v in weights.items()},
        "source": source,
        "n_decisions": int(n_decisions),
        "agreement_gain": None if agreement_gain is None else float(agreement_gain),
        "note": note,
        "adopted_at": now(),
        "adopted_by": by,
    }
    store._write(lambda connection: connection.execute(sa.insert(_WEIGHTS), [row]))


def weight_history(store: Store) -> pd.DataFrame:
    """Every weight set ever put in force, newest first."""

    def read(connection: sa.Connection) -> pd.DataFrame:
        rows = connection.execute(sa.select(_WEIGHTS).order_by(_WEIGHTS.c.id.desc())).mappings()
        return pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in _WEIGHTS.c])

    return store._read(read)


def weights_in_force(store: Store) -> dict[str, float] | None:
    """The latest weight set, or None when none was ever adopted (the preset applies)."""
    history = weight_history(store)
    return None if history.empty else dict(history.iloc[0]["weights"])
