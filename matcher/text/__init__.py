"""Language-neutral text: a multilingual sentence encoder beside the TF-IDF fast path."""

from matcher.text.encoder import (
    EMBEDDING_DIM,
    MODEL_NAME,
    DiskCache,
    MemoryCache,
    SentenceEncoder,
    encoder_available,
    text_key,
)

__all__ = [
    "EMBEDDING_DIM",
    "MODEL_NAME",
    "DiskCache",
    "MemoryCache",
    "SentenceEncoder",
    "encoder_available",
    "text_key",
]
