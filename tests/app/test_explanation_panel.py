"""The Matches explanation's components table in words (issue 12, part 4): a part nobody can
compare reads "not stated" / "left out", never an empty cell or "None"."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ui.match_view import component_rows


def test_a_missing_component_reads_in_words_not_none() -> None:
    components = pd.DataFrame(
        {
            "component": ["Thematic fit (text)", "Aichi/GBF targets"],
            "value": [0.5, np.nan],
            "weight": [0.3, 0.15],
            "contribution": [0.15, np.nan],
            "sentence": ["close to its priorities", "Japan Biodiversity Fund states no targets"],
        }
    )
    rows = component_rows(components)
    assert rows["value"].tolist() == ["0.50", "not stated"]
    assert rows["contribution"].tolist() == ["0.15", "left out"]
    assert not rows.isna().any().any()
    assert "None" not in rows.astype(str).to_numpy().ravel().tolist()
