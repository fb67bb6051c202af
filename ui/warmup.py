"""Getting the app ready before its first visitor, and keeping each page run's clean-up cheap.

``streamlit run serve.py`` calls :func:`warm_up` while the server starts: it imports what the
Matches page (where ``/`` leads) needs, opens the database and scores the stored portfolio into
the caches every session shares, so the first visitor after a restart finds the ranked table
ready instead of waiting for imports and scoring.

After every page run Streamlit forces a full garbage collection (``runner.postScriptGC``),
which walks every object the process holds: with pandas, scikit-learn and SciPy loaded that
is a few hundred thousand objects and a quarter of a second per run on a busy 2-core machine.
:func:`freeze_heap` moves what is alive after a warm-up or a scoring into the collector's
permanent generation, so those runs only look at what the page itself made.
"""

from __future__ import annotations

import gc
import logging
import time

logger = logging.getLogger("lifeweb_match.app")


def freeze_heap() -> None:
    """Collect, then exempt every live object from later collections (``gc.freeze``).

    Called after each full scoring: what was frozen before is thawed and collected first, so
    an analysis dropped from the cache is not kept alive by an earlier freeze.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def warm_up() -> float:
    """Import the landing page's modules and score the stored portfolio; seconds taken.

    A database that cannot be opened is logged, not raised: the server still starts and the
    page shows its own clear message.
    """
    started = time.perf_counter()
    try:
        from ui import events_panel, match_view, match_view_panel, matching  # noqa: F401  (Matches)

        matching.warm()
    except Exception:
        logger.exception("warm-up at server start failed; the first page scores instead")
    freeze_heap()
    seconds = time.perf_counter() - started
    logger.info("warm-up at server start took %.1f s", seconds)
    return seconds
