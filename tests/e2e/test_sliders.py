"""Sliders in a real browser: arrow-key steps wait for Apply instead of re-ranking each time."""

from __future__ import annotations

import pytest

from matcher.combine import WEIGHT_PRESETS
from tests.e2e.person import open_section
from tests.e2e.test_browser import wait_until_idle

pytestmark = pytest.mark.browser

LONG_WAIT_MS = 120_000
# The balanced preset's weight, whatever the scoring work sets it to (it was 0.5, now 0.3).
START = WEIGHT_PRESETS["balanced"]["thematic"]
AFTER_THREE_STEPS = round(START + 3 * 0.05, 2)


def test_arrow_keys_on_a_weight_slider_rerank_once_on_apply(page):
    page.goto("/")
    page.get_by_text("proposals match; showing").wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    open_section(page, "Score and weights")
    slider = sidebar.get_by_role("slider", name="Thematic fit (text)")
    assert float(slider.input_value()) == pytest.approx(START)  # the balanced preset
    slider.focus()
    for _ in range(3):
        slider.press("ArrowRight")
    page.wait_for_timeout(1500)
    assert float(slider.input_value()) == pytest.approx(AFTER_THREE_STEPS)
    assert "w_thematic" not in page.url  # nothing re-ran: the view has not taken the value
    sidebar.get_by_role("button", name="Apply").click()
    page.wait_for_url(f"**w_thematic={AFTER_THREE_STEPS!r}**", timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    assert float(slider.input_value()) == pytest.approx(AFTER_THREE_STEPS)
