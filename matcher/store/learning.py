"""What the engine keeps in the store for learning: sentence embeddings and weight sets.

Store methods belong to :class:`matcher.store.Store`; these two tables are read and written
through its ``_read``/``_write`` (retries, the write engine) by the functions here, so the big
store module does not grow.

Weight sets form an audit log: a row is only ever added, the newest is in force. A row whose
source is ``preset`` puts the shipped preset back in force (its weights are kept for the record,
but the preset as shipped applies, so a later release's preset is not pinned to an old copy).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import sqlalchemy as sa

from matcher.store.models import EventStep, TextEmbedding, WeightSet
from matcher.store.stamps import now, utc, who
from matcher.store.store import Store

__all__ = [
    "PRESET_SOURCE",
    "StoreEmbeddingCache",
    "event_outcomes",
    "previous_weight_set",
    "record_weight_set",
    "weight_history",
    "weights_in_force",
]

_EMBEDDINGS = TextEmbedding.__table__
_WEIGHTS = WeightSet.__table__
_STEPS = EventStep.__table__
PRESET_SOURCE = "preset"
"""``source`` of a row that puts the shipped preset back in force."""
_OUTCOME_STAGES = ("interested", "pledged", "declined")


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
    by: str | None = None,
) -> int:
    """Put a weight set in force (a new row: earlier ones stay, for the audit log and undo).

    ``source`` says where it came from (``learned``, ``restored``, :data:`PRESET_SOURCE`);
    ``note`` carries its figures in words. Returns the new row's id.
    """
    row = {
        "weights": {k: float(v) for k, v in weights.items()},
        "source": source,
        "n_decisions": int(n_decisions),
        "agreement_gain": None if agreement_gain is None else float(agreement_gain),
        "note": note,
        "adopted_at": now(),
        "adopted_by": who(by),
    }

    def write(connection: sa.Connection) -> int:
        return int(connection.execute(sa.insert(_WEIGHTS).values(**row)).inserted_primary_key[0])

    return store._write(write)


def weight_history(store: Store) -> pd.DataFrame:
    """Every weight set ever put in force, newest first."""

    def read(connection: sa.Connection) -> pd.DataFrame:
        rows = connection.execute(sa.select(_WEIGHTS).order_by(_WEIGHTS.c.id.desc())).mappings()
        return pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in _WEIGHTS.c])

    history = store._read(read)
    history["adopted_at"] = history["adopted_at"].map(utc)
    return history


def weights_in_force(store: Store) -> dict[str, float] | None:
    """The newest weight set, or None when none was adopted or the preset was put back."""
    history = weight_history(store)
    if history.empty or history.iloc[0]["source"] == PRESET_SOURCE:
        return None
    return dict(history.iloc[0]["weights"])


def previous_weight_set(history: pd.DataFrame) -> dict[str, object] | None:
    """The set in force before the newest row of ``history`` (None: the preset was).

    One click back puts it in force again as a new row; clicking back again returns to the
    set just left, as the log then reads.
    """
    if len(history) < 2:
        return None
    return dict(history.iloc[1])


def event_outcomes(store: Store) -> pd.DataFrame:
    """Every event step that says how a pair went (interested, pledged, declined), all events.

    Columns ``proposal_id, donor_id, stage, happened_at``, oldest first; the learner reads them
    beside the decision log (:func:`matcher.learn.decisions.latest_outcomes`).
    """
    query = (
        sa.select(_STEPS.c.proposal_id, _STEPS.c.donor_id, _STEPS.c.stage, _STEPS.c.happened_at)
        .where(_STEPS.c.stage.in_(_OUTCOME_STAGES))
        .order_by(_STEPS.c.id)
    )
    rows = store._read(lambda connection: [dict(r) for r in connection.execute(query).mappings()])
    frame = pd.DataFrame(rows, columns=["proposal_id", "donor_id", "stage", "happened_at"])
    frame["happened_at"] = frame["happened_at"].map(utc)
    return frame
