"""Shipped reference data: countries, Aichi and GBF targets, the Aichi-to-GBF crosswalk.

Everything here is read once and cached; callers get copies they may modify.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

__all__ = [
    "aichi_targets",
    "countries",
    "crosswalk",
    "data_dir",
    "gbf_targets",
]

AICHI_TARGET_RANGE = range(1, 21)
GBF_TARGET_RANGE = range(1, 24)


def data_dir() -> Path:
    """Folder holding the shipped CSV files (the repo's ``data/`` or the wheel's copy)."""
    packaged = Path(__file__).with_name("_data")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "data"


@cache
def _read(name: str) -> pd.DataFrame:
    # keep_default_na=False: Namibia's ISO code is "NA".
    return pd.read_csv(data_dir() / name, keep_default_na=False, dtype=str)


def countries() -> pd.DataFrame:
    """UN country codes: ISO alpha-2/3, M49, names in six UN languages, regions, LDC/LLDC/SIDS.

    Flags are booleans; ``m49`` is a zero-padded three-digit string.
    """
    frame = _read("country-codes.csv").copy()
    for flag in ("ldc", "lldc", "sids"):
        frame[flag] = frame[flag].str.lower().eq("yes")
    frame["m49"] = frame["m49"].str.zfill(3)
    return frame


def aichi_targets() -> pd.DataFrame:
    """The 20 Aichi Biodiversity Targets, ``target`` as int."""
    frame = _read("aichi_targets.csv").copy()
    frame["target"] = frame["target"].astype(int)
    return frame


def gbf_targets() -> pd.DataFrame:
    """The 23 Kunming-Montreal GBF targets, ``target`` as int."""
    frame = _read("gbf_targets.csv").copy()
    frame["target"] = frame["target"].astype(int)
    return frame


def crosswalk() -> pd.DataFrame:
    """Aichi-to-GBF links (``aichi_target``, ``gbf_target`` as int; ``relation`` primary/related)."""
    frame = _read("aichi_gbf_crosswalk.csv").copy()
    frame["aichi_target"] = frame["aichi_target"].astype(int)
    frame["gbf_target"] = frame["gbf_target"].astype(int)
    return frame
