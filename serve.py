"""LifeWeb Match with its scores ready at start: ``streamlit run serve.py``.

The same app as ``streamlit run app.py`` (``app.py`` stays the script every session runs), as
an ``st.App`` whose start-up first runs :func:`ui.warmup.warm_up`: the server answers once the
Matches page's modules are imported and the stored portfolio is scored, so the first visitor
after a restart does not wait for either.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st


@asynccontextmanager
async def _warm_at_start(_app: st.App) -> AsyncIterator[None]:
    from ui.warmup import warm_up

    await asyncio.to_thread(warm_up)
    yield


app = st.App("app.py", lifespan=_warm_at_start)
