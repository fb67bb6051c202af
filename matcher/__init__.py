"""LifeWeb Match: rank donor priorities against country proposals, and explain every score.

The public API is re-exported here; everything else is internal.
"""

from __future__ import annotations

from matcher.errors import LifeWebMatchError, UnreadableFileError
from matcher.export import neutralise_formulas, to_csv_bytes, to_excel_bytes

__all__ = [
    "LifeWebMatchError",
    "UnreadableFileError",
    "neutralise_formulas",
    "to_csv_bytes",
    "to_excel_bytes",
]
