"""A programme officer reads why a proposal fits a donor that states no targets (issue 12, part 4).

On the Matches page, Spain (AECID)'s ranked proposals are explained below the table: the score
comes with a label in words and what it means (where the proposal stands among the donor's
candidates), the evidence is a phrase both texts use, and the part the donor says nothing
about is named in words, never "None".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.app_idle import wait_until_idle
from tests.e2e.person import choose

pytestmark = pytest.mark.browser

LONG_WAIT_MS = 180_000
DONOR = "Spain (AECID)"


def test_the_explanation_names_a_phrase_a_label_and_the_missing_targets(
    own_page, screenshot_dir: Path
) -> None:
    page = own_page
    try:
        _journey(page, screenshot_dir)
    except Exception:
        page.screenshot(path=str(screenshot_dir / "explanation-failure.png"), full_page=True)
        raise


def _journey(page, screenshot_dir: Path) -> None:
    page.goto("/")
    wait_until_idle(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Matches").click()
    page.get_by_role("heading", name="Matches", exact=True).wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)

    choose(page, "Donor", DONOR, exact=True)

    why = page.get_by_role("heading", name="Why this match")
    why.wait_for(timeout=LONG_WAIT_MS)
    why.scroll_into_view_if_needed()
    main = page.locator('[data-testid="stMain"] [data-testid="stMarkdownContainer"]')

    # The label in words, and what it means: the place among the donor's candidates.
    standing = main.filter(has_text=re.compile(r"of the 62 proposals scored for Spain \(AECID\)"))
    standing.first.wait_for(timeout=LONG_WAIT_MS)
    assert re.search(r"(Strong|Good|Weak) fit", standing.first.inner_text())
    assert re.search(
        r"among its best 10%|among its best third|below its best third", standing.first.inner_text()
    )

    # The evidence is a phrase both texts use, not a lone word such as "areas".
    sentence = main.filter(
        has_text=re.compile(r"close to its priorities \(|overlap with its priorities \(")
    )
    sentence.first.wait_for(timeout=LONG_WAIT_MS)
    phrases = re.search(r"priorities \(([^)]*)\)", sentence.first.inner_text()).group(1)
    assert any(" " in phrase.strip() for phrase in phrases.split(","))
    assert "None" not in sentence.first.inner_text()

    # The part the donor says nothing about, named in words.
    main.filter(has_text="Not stated, and how the score treats it").first.wait_for(
        timeout=LONG_WAIT_MS
    )
    missing = main.filter(has_text=re.compile(r"Spain \(AECID\) states no targets; "))
    missing.first.wait_for(timeout=LONG_WAIT_MS)
    assert re.search(r"left out|counted at", missing.first.inner_text())

    page.set_viewport_size({"width": 1400, "height": 3200})  # the page scrolls inside itself
    wait_until_idle(page)
    page.wait_for_timeout(1500)  # the components chart draws after the run ends
    page.screenshot(path=str(screenshot_dir / "explanation-no-targets.png"))
