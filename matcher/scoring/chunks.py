"""Scoring in chunks over forked processes that inherit the fitted matcher (nothing large pickled)."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matcher.rank import Matcher

# Stacked component arrays of the last chunk scored in this process, refilled by the next one:
# only gathered copies leave a chunk, so the memory can be reused (see stack_components).
_CHUNK_BUFFERS: dict[str, tuple[np.ndarray, np.ndarray]] = {}

# State handed to forked worker processes: inherited through fork, never pickled.
_FORKED_STATE: dict[str, object] = {}


def take_rows(frame: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """``frame.iloc[positions]``, without copying whole Arrow columns of several chunks.

    Arrow's take on a column of several chunks (the frames of several files concatenated)
    first concatenates every chunk, so each 1,000-row chunk of a 100,000-row ranking would
    copy the whole column. Such a column is taken chunk by chunk here instead; the result is
    the same frame ``iloc`` gives.
    """
    positions = np.asarray(positions, dtype=np.int64)
    chunked = [i for i in range(frame.shape[1]) if _arrow_chunks(frame.iloc[:, i].array) > 1]
    if not chunked or not len(positions):
        return frame.iloc[positions]
    plain = sorted(set(range(frame.shape[1])) - set(chunked))
    taken = frame.iloc[positions, plain]
    for i in chunked:
        column = frame.iloc[:, i]
        values = _take_by_chunk(column.array, positions)
        taken.insert(i, column.name, pd.Series(values, index=taken.index), allow_duplicates=True)
    return taken


def _arrow_chunks(values: object) -> int:
    """Chunks of an Arrow-backed column (0 for any other: NumPy, masked, categorical)."""
    if not isinstance(values, pd.arrays.ArrowExtensionArray):
        return 0
    return values.__arrow_array__().num_chunks


def _take_by_chunk(values: pd.arrays.ArrowExtensionArray, positions: np.ndarray) -> object:
    """``values.take(positions)`` with each Arrow chunk taken on its own, then put in order."""
    lengths = [len(chunk) for chunk in values.__arrow_array__().chunks]
    ends = np.cumsum(lengths)
    if len(positions) and (positions.min() < 0 or positions.max() >= ends[-1]):
        return values.take(positions)  # negative or out of range: as pandas says it
    which = np.searchsorted(ends, positions, side="right")
    by_chunk = np.argsort(which, kind="stable")
    parts = []
    for chunk in np.unique(which).tolist():
        start = int(ends[chunk] - lengths[chunk])
        local = positions[which == chunk] - start
        parts.append(values[start : int(ends[chunk])].take(local))
    joined = type(values)._concat_same_type(parts)
    back = np.empty_like(by_chunk)
    back[by_chunk] = np.arange(len(by_chunk))
    return joined.take(back)


def _forked_chunk(begin: int) -> tuple[tuple[object, ...] | None, tuple[np.ndarray, ...] | None]:
    matcher = _FORKED_STATE["matcher"]
    proposals = _FORKED_STATE["proposals"]
    order = _FORKED_STATE["order"]
    target_weights = _FORKED_STATE["target_weights"]
    size = matcher.chunk_size
    chunk = take_rows(proposals, order[begin : begin + size])
    chunk_weights = None if target_weights is None else target_weights[begin : begin + size]
    return matcher._rank_chunk(chunk, chunk_weights, begin, *_FORKED_STATE["options"])


def _rank_in_forked_workers(
    matcher: Matcher,
    proposals: pd.DataFrame,
    order: np.ndarray,
    target_weights: np.ndarray | None,
    starts: list[int],
    n_jobs: int,
    options: tuple[object, ...],
) -> list[tuple[tuple[object, ...] | None, tuple[np.ndarray, ...] | None]]:
    """Score chunks here and in ``n_jobs - 1`` forked processes that inherit the fitted state.

    Forking shares the fitted matcher and the proposals copy-on-write, so only chunk offsets
    go out and only each chunk's top-k comes back; nothing large is pickled. This process
    scores chunks too (from the end of the list while the workers take them from the front),
    so ``n_jobs`` processes hold a chunk's working memory, not ``n_jobs + 1``.
    """
    import multiprocessing
    from collections import deque
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    _FORKED_STATE.update(
        matcher=matcher,
        proposals=proposals,
        order=order,
        target_weights=target_weights,
        options=options,
    )
    # Before forking: collect garbage, hand freed heap back to the system and freeze what is
    # left, so a worker's garbage collector and allocator do not write to (and so copy) the
    # pages it shares with this process.
    gc.collect()
    _release_free_heap()
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        results: dict[int, tuple[tuple[object, ...] | None, tuple[np.ndarray, ...] | None]] = {}
        pending = deque(starts)
        workers = n_jobs - 1
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            running: dict[Future, int] = {}

            def feed() -> None:  # keep every worker busy with one chunk queued behind it
                while pending and len(running) < 2 * workers:
                    begin = pending.popleft()
                    running[pool.submit(_forked_chunk, begin)] = begin

            feed()
            while pending or running:
                if pending:
                    begin = pending.pop()
                    results[begin] = _forked_chunk(begin)
                else:
                    wait(running, return_when=FIRST_COMPLETED)
                for future in [f for f in running if f.done()]:
                    results[running.pop(future)] = future.result()
                feed()
        return [results[begin] for begin in starts]
    finally:
        gc.unfreeze()
        _FORKED_STATE.clear()


def _release_free_heap() -> None:
    """Return freed heap memory to the system (glibc ``malloc_trim``; a no-op elsewhere)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
