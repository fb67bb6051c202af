"""The Matches sidebar's sections, as a donor uses them: Filters and Score and weights are
shut when the page opens (the table comes first), and what is set in one holds while it is
shut, while the other is opened, and across a visit to another page."""

from __future__ import annotations

import re

import pytest

from tests.e2e.app_idle import wait_until_idle
from tests.e2e.person import LONG_WAIT_MS, choose, no_error, open_page, open_section, shot

pytestmark = pytest.mark.browser

SUMMARY = re.compile(r"(proposals match|proposal matches); showing")


def summary(page) -> str:
    return page.get_by_text(SUMMARY).first.inner_text()


def section(page, name: str):
    return page.locator('[data-testid="stSidebar"] [data-testid="stExpander"]').filter(
        has=page.locator("summary", has_text=name)
    )


def test_a_filter_holds_while_its_section_is_shut_and_the_weights_are_opened(page, screenshot_dir):
    page.goto("/")
    page.get_by_text(SUMMARY).first.wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    no_error(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    # Both sections are shut on arrival: no region box, no slider on screen.
    for name in ("Filters", "Score and weights"):
        assert section(page, name).locator("details[open]").count() == 0
    assert sidebar.get_by_role("combobox", name="Region").count() == 0
    assert sidebar.get_by_role("slider").count() == 0
    everything = summary(page)

    open_section(page, "Filters")
    choose(page, "Region", "Melanesia", scope=sidebar)
    page.wait_for_function(
        "s => !document.body.innerText.includes(s)", arg=everything, timeout=LONG_WAIT_MS
    )
    narrowed = summary(page)
    assert "region Melanesia" in narrowed

    # Shut: the filter still narrows the table, and the address bar keeps it.
    section(page, "Filters").locator("summary").click()
    wait_until_idle(page)
    assert sidebar.get_by_role("combobox", name="Region").count() == 0
    assert summary(page) == narrowed
    assert "regions=Melanesia" in page.url

    # Opening the weights does not drop it.
    open_section(page, "Score and weights")
    sidebar.get_by_role("slider", name="Minimum score").wait_for(timeout=LONG_WAIT_MS)
    assert summary(page) == narrowed
    assert "regions=Melanesia" in page.url
    shot(page, screenshot_dir / "sidebar-sections.png")

    # Nor does a visit to another page.
    open_page(page, "Proposals")
    open_page(page, "Matches")
    page.get_by_text(SUMMARY).first.wait_for(timeout=LONG_WAIT_MS)
    assert summary(page) == narrowed
    open_section(page, "Filters")
    region = sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text="Region")
    assert "Melanesia" in region.inner_text()  # the box shows the filter in force
    no_error(page)
