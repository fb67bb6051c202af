"""The sentence encoder as the app uses it: each text embedded once, the vectors kept in the store.

Before the portfolio is scored, every text the encoder reads (donor priorities, proposal
texts) is looked up in the database's ``text_embeddings`` table. Only the missing ones are
embedded (the sample data on a fresh install, the new proposals of an upload), in a
``st.status`` with progress; scoring then only reads stored vectors, and a later start with
everything stored never loads the model. Without the encoder's package the app scores with
TF-IDF and says so in one line (:data:`matcher.shipped.NOTICE_NO_ENCODER`).
"""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from matcher.score import proposal_texts
from matcher.shipped import TextChoice, choose_variant
from ui import services
from ui.words import counted

__all__ = [
    "embed_missing",
    "embed_portfolio",
    "portfolio_texts",
    "store_encoder",
    "text_choice",
    "variant_key",
]

BATCH = 32


def text_choice() -> TextChoice:
    """The variant the app runs (the shipped default unless the encoder cannot run)."""
    return choose_variant()


@st.cache_resource(show_spinner=False)
def _encoder(url: str):
    """One encoder per database for the process, so a model once loaded stays loaded."""
    from matcher.store.learning import StoreEmbeddingCache
    from matcher.text import SentenceEncoder

    return SentenceEncoder(StoreEmbeddingCache(services.get_store()))


def portfolio_texts(proposals: pd.DataFrame, donors: pd.DataFrame) -> list[str]:
    """Every text the matcher gives the encoder: priorities, then proposal texts."""
    priorities = donors["priorities"].fillna("").astype(str).tolist() if len(donors) else []
    return [*priorities, *(proposal_texts(proposals) if len(proposals) else [])]


def embed_missing(encoder, texts: list[str]) -> int:
    """Embed the texts the store lacks, showing progress; returns how many were embedded."""
    todo = encoder.missing(texts)
    if not todo:
        return 0
    started = time.perf_counter()
    with st.status(
        f"Reading {len(todo):,} new texts with the multilingual sentence encoder (once per "
        "text; the vectors are kept in the database)…",
        expanded=True,
    ) as status:
        bar = st.progress(0.0, text="Loading the encoder…")
        for start in range(0, len(todo), BATCH):
            encoder.embed(todo[start : start + BATCH])
            done = min(start + BATCH, len(todo))
            bar.progress(done / len(todo), text=f"{done:,} of {len(todo):,} texts embedded")
        status.update(
            label=f"Embedded {counted(len(todo), 'text')} in {time.perf_counter() - started:,.1f} s "
            "and stored them: later starts read them back.",
            state="complete",
            expanded=False,
        )
    return len(todo)


def variant_key() -> str:
    """``construction/missing`` of the variant that runs: what an analysis is kept under."""
    variant = text_choice().variant
    return f"{variant.construction}/{variant.missing}"


def store_encoder(choice: TextChoice) -> object | None:
    """The store-backed encoder of this database, or None when the variant is TF-IDF only."""
    return _encoder(services.database_url()) if choice.variant.uses_encoder else None


def embed_portfolio(proposals: pd.DataFrame, donors: pd.DataFrame) -> int:
    """Embed and store the portfolio's texts the store lacks, in a ``st.status`` (0: none)."""
    encoder = store_encoder(text_choice())
    if encoder is None:
        return 0
    return embed_missing(encoder, portfolio_texts(proposals, donors))
