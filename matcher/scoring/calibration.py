"""The two similarity parts on a stated scale, their standing among the LifeWeb pairs: a
variant evaluated nested and NOT shipped (it ranks worse; README, *Quality*).

``targets``, ``geography``, ``ecosystems`` and ``funding_fit`` already read as shares (0.5:
half the proposal's targets are the donor's; 1: inside its grant range). ``thematic`` and
``history`` are similarities passed through hand-set curves: a great text match had a TF-IDF
cosine of 0.1-0.3 and a thematic of 0.5-0.6, and the encoder's curve sits higher again, so a
weighted mean of them with the shares read low and meant different things on the two text
routes. Here each of the two is re-expressed as its **percentile among the LifeWeb replay's
pairs** (every EOI funded by an external named donor against all 35 donors, its own funding
left out; ``lifeweb-match evaluate`` builds the same cases): thematic 0.90 means "closer in
text to the donor's priorities than 90% of those pairs". History keeps 0 for "no evidence"
(no head start for a donor with a record) and is placed among the pairs with some evidence.

The mapping is piecewise linear between the 5% quantiles of the reference values, fitted once
per text route (:data:`LIFEWEB_CALIBRATIONS`; ``scripts/fit_score_calibration.py`` refits
it and ``tests/engine_eval/test_shipped_default.py`` checks these knots against a refit).
It is monotone, so within one part the order of pairs never changes; the combined score's
ranking does change (the parts weigh differently against each other), and its honest figure
is nested, the mapping refitted without the held-out EOI (:mod:`matcher.learn.replay`,
``lifeweb-match evaluate --compare --calibrated``). Nested, no calibrated variant beat the
shipped one (encoder beside TF-IDF, raw parts), so the engine keeps the raw parts
(``ScoringParams.calibration = "none"``); ``ScoringParams(calibration="lifeweb")`` scores on
this scale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

__all__ = [
    "CALIBRATED",
    "LIFEWEB_CALIBRATIONS",
    "QUANTILE_STEPS",
    "Calibration",
    "calibration_for",
    "fit_calibration",
]

CALIBRATED: tuple[str, ...] = ("thematic", "history")
"""The parts re-expressed as percentiles; the others are shares and keep their own scale."""

QUANTILE_STEPS = 20
"""Knots at the 0%, 5%, ..., 100% quantiles of the reference values."""

ZERO_IS_NO_EVIDENCE: frozenset[str] = frozenset({"history"})
"""Parts whose 0 means "no evidence": 0 stays 0, the rest is placed among positive values."""


@dataclass(frozen=True)
class Calibration:
    """Quantile knots per part and how many reference values they were taken from.

    The reference values span the plotting positions ``1/(n+1)`` to ``n/(n+1)``: a value
    level with the k-th of ``n`` sorted reference values maps to about ``k/(n+1)``, raw 0 to
    0 and raw 1 (both parts top out there) to 1, so the mapping rises strictly everywhere and
    a pair closer than every LifeWeb pair still ranks by how much closer.
    """

    knots: Mapping[str, tuple[float, ...]]
    sizes: Mapping[str, int]

    def transform(self, name: str, values: np.ndarray) -> np.ndarray:
        """``values`` of part ``name`` on the percentile scale (NaN stays NaN), float32."""
        raw = np.asarray(values, dtype=np.float64)
        if name not in self.knots:
            return raw.astype(np.float32)
        xp, fp = self.curve(name)
        mapped = np.interp(raw, xp, fp)
        if name in ZERO_IS_NO_EVIDENCE:
            mapped = np.where(raw > 0, mapped, 0.0)
        return np.where(np.isnan(raw), np.nan, mapped).astype(np.float32)

    def curve(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """``(raw, level)`` points of part ``name``'s piecewise-linear mapping."""
        knots = np.asarray(self.knots[name], dtype=np.float64)
        n = int(self.sizes[name])
        levels = (1 + (n - 1) * np.linspace(0.0, 1.0, len(knots))) / (n + 1)
        xp, fp = [0.0], [0.0]
        for x, y in zip(knots, levels, strict=True):
            if x > xp[-1]:
                xp.append(float(x))
                fp.append(float(y))
            else:  # ties (or a knot at 0): the highest level at that value
                fp[-1] = max(fp[-1], float(y)) if x > 0 or len(xp) > 1 else fp[-1]
        if xp[-1] < 1.0:
            xp.append(1.0)
            fp.append(1.0)
        return np.asarray(xp), np.asarray(fp)

    def apply(self, components: dict[str, np.ndarray]) -> None:
        """Re-express, in place, every calibrated part of a dict of P x M component matrices."""
        for name in self.knots:
            if name in components:
                components[name] = self.transform(name, components[name])


def fit_calibration(
    reference: Mapping[str, Iterable[float] | np.ndarray], *, steps: int = QUANTILE_STEPS
) -> Calibration:
    """Knots from reference values per part (NaN ignored; for history, zeros ignored)."""
    knots: dict[str, tuple[float, ...]] = {}
    sizes: dict[str, int] = {}
    for name, values in reference.items():
        array = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, float)
        array = array[np.isfinite(array)]
        if name in ZERO_IS_NO_EVIDENCE:
            array = array[array > 0]
        if array.size == 0:
            continue
        quantiles = np.quantile(array, np.linspace(0.0, 1.0, steps + 1))
        knots[name] = tuple(round(float(q), 5) for q in quantiles)
        sizes[name] = int(array.size)
    return Calibration(knots, sizes)


def calibration_for(route: str, *, with_encoder: bool) -> Calibration | None:
    """The mapping ``ScoringParams.calibration`` names: ``"lifeweb"`` picks the text route's
    (encoder or TF-IDF), ``"none"`` (the shipped default) keeps the raw parts."""
    if route == "none":
        return None
    if route != "lifeweb":
        raise ValueError(f"unknown calibration {route!r}; use 'lifeweb' or 'none'")
    return LIFEWEB_CALIBRATIONS["encoder" if with_encoder else "tfidf"]


# Fitted 2026-12-02 by scripts/fit_score_calibration.py on the LifeWeb replay (40 EOIs x 35
# donors, each EOI's own funding left out), stated and revealed apart.
LIFEWEB_CALIBRATIONS: dict[str, Calibration] = {
    "tfidf": Calibration(
        {
            "thematic": (0.0, 0.11657, 0.17858, 0.23271, 0.27151, 0.29844, 0.32517, 0.34777,
                         0.36794, 0.38504, 0.40263, 0.42124, 0.43748, 0.45274, 0.47151, 0.48902,
                         0.51038, 0.53479, 0.57672, 0.63759, 0.838),
            "history": (0.00776, 0.04999, 0.06169, 0.07104, 0.08238, 0.09191, 0.1003, 0.11014,
                        0.12684, 0.14294, 0.16052, 0.17723, 0.19725, 0.21666, 0.23397, 0.26767,
                        0.30301, 0.36426, 0.44675, 0.66896, 0.99558),
        },
        {"thematic": 1400, "history": 823},
    ),
    "encoder": Calibration(
        {
            "thematic": (0.14315, 0.37628, 0.42825, 0.46018, 0.48248, 0.51169, 0.53774, 0.55719,
                         0.57956, 0.59596, 0.61341, 0.63469, 0.65329, 0.67386, 0.69754, 0.7195,
                         0.74881, 0.77942, 0.81496, 0.85773, 0.92395),
            "history": (0.00844, 0.06982, 0.09496, 0.11244, 0.12956, 0.14213, 0.15572, 0.16873,
                        0.17967, 0.19162, 0.20445, 0.22107, 0.24143, 0.26645, 0.30053, 0.33907,
                        0.38986, 0.4639, 0.53148, 0.74706, 0.99929),
        },
        {"thematic": 1400, "history": 823},
    ),
}  # fmt: skip
