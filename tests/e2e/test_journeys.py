"""The officer's journey of issue 10, walked in Debian's Chromium as the officer takes it.

Each step asserts what the person sees on the page (text, metrics, the grid's visible
cells), never the database behind it:

- Officer: a French workbook as a focal point sends it (title row, no ID column, an
  unknown title header, "1,2 million €", a misspelled country, a missing title) is mapped,
  corrected in the page, saved, seen ranked, re-uploaded corrected (cell diff), saved
  again with nothing duplicated.
- Donor: the Japan Biodiversity Fund narrows to SIDS, marine and coastal, above EUR 500k,
  reads why for the top rows, and a colleague opening the copied link sees the same view
  and the same explanation.
- Decisions: decisions on two lists, then every list opened and exported; nothing breaks,
  and the name typed in the sidebar survives a reload.

Screenshots go to the session's screenshot folder (temporary unless
``$LIFEWEB_SCREENSHOT_DIR`` is set; ``scripts/make_screenshots.py`` sets it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.app.french_workbook import (
    AS_SENT,
    CORRECTED,
    CORRECTED_FILENAME,
    FILENAME,
    TITLE_HEADER,
    workbook,
)
from tests.e2e.app_idle import wait_until_idle
from tests.e2e.grid import grid_rows, table
from tests.e2e.person import LONG_WAIT_MS, choose, no_error, open_page, shot

pytestmark = pytest.mark.browser

JBF = "Japan Biodiversity Fund (JBF)"


def metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def at_least(page, score: float) -> None:
    """Set the minimum score in the address bar, keeping the rest of the view's link."""
    url = re.sub(r"&?min_score=[^&]*", "", page.url)
    page.goto(f"{url}{'&' if '?' in url else '?'}min_score={score}")
    page.get_by_text(f"score at least {score:.2f}").first.wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)


def caption_with(page, text: str) -> str:
    found = page.get_by_text(text).first
    found.wait_for(timeout=LONG_WAIT_MS)
    return found.inner_text()


def upload_file(page, path: Path) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(path))


def test_officer_uploads_a_french_workbook_maps_corrects_saves_and_reuploads(
    page, tmp_path, screenshot_dir
):
    as_sent = tmp_path / FILENAME
    as_sent.write_bytes(workbook(AS_SENT))
    corrected = tmp_path / CORRECTED_FILENAME
    corrected.write_bytes(workbook(CORRECTED))

    page.goto("/proposals")
    page.get_by_role("heading", name="Proposals", exact=True).wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    stored_before = (
        page.get_by_text(re.compile(r"^\d+ of \d+ proposals$")).first.inner_text().split(" of ")[-1]
    )

    # The file as sent: the title column is not recognised, the page asks which it is.
    upload_file(page, as_sent)
    page.get_by_text("could not find a column for 'Title'").wait_for(timeout=LONG_WAIT_MS)
    no_error(page)
    shot(page, screenshot_dir / "journey-officer-1-mapping.png")
    choose(page, "Title (needed)", TITLE_HEADER)
    page.get_by_role("button", name="Use this mapping").click()
    page.get_by_text("Validation report").wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    assert metric(page, "Rows in the file") == "3"
    assert metric(page, "Rows loaded") == "1"
    assert metric(page, "Rows rejected") == "2"
    rejected = grid_rows(table(page, 0))
    assert rejected[0][:3] == ["4", rejected[0][1], "Restauration des mangroves du Saloum"]
    assert rejected[0][1].startswith("auto-")
    assert rejected[1][1] == "auto-row-5"
    shot(page, screenshot_dir / "journey-officer-2-report.png")

    # Accept the suggestion for the misspelled country: that row loads.
    accept = page.get_by_text("row 4 · Restauration des mangroves du Saloum")
    assert "Sénégall" in accept.first.inner_text() and "Senegal" in accept.first.inner_text()
    page.get_by_role("button", name="Accept and load these rows").click()
    page.get_by_role("button", name="Save 2 rows as this round").wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    assert metric(page, "Rows loaded") == "2"
    assert metric(page, "Rows rejected") == "1"

    # Save: a done state, no second save button, and the way on to the proposals ranked.
    page.get_by_role("button", name="Save 2 rows as this round").click()
    page.get_by_text("2 added").wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    assert page.get_by_role("button", name="Save 2 rows as this round").count() == 0
    shot(page, screenshot_dir / "journey-officer-3-saved.png")
    page.get_by_role("link", name="See the 2 saved proposals ranked").click()
    page.get_by_role("heading", name="Matches", exact=True).wait_for(timeout=LONG_WAIT_MS)
    page.get_by_text("2 proposals match").wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    assert "/matches" in page.url and "round_id=" in page.url
    titles = {row[1] for row in grid_rows(table(page, 0))}
    assert titles == {"Aires marines protégées des Bijagós", "Restauration des mangroves du Saloum"}
    shot(page, screenshot_dir / "journey-officer-4-ranked.png")

    # The corrected file: same headers (mapping remembered), one cell changes, one row new.
    open_page(page, "Proposals")
    upload_file(page, corrected)
    page.get_by_text("What saving will change").wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    assert page.get_by_text("could not find a column").count() == 0
    assert metric(page, "Rows loaded") == "3"
    assert page.get_by_text("1 new row; 2 already stored, of which 1 change").count() == 1
    change_table = page.locator('[data-testid="stDataFrame"]').filter(has_text="Amount requested")
    cells = [cell for row in grid_rows(change_table) for cell in row]
    assert "Restauration des mangroves du Saloum" in cells and "Amount requested" in cells
    shot(page, screenshot_dir / "journey-officer-5-diff.png")
    page.get_by_role("button", name="Save 3 rows as this round").click()
    page.get_by_text("1 added, 1 updated").wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    no_error(page)
    page.get_by_role("tab", name="Stored proposals").click()
    expected_total = int(stored_before.split()[0]) + 3
    page.get_by_text(f"of {expected_total} proposals").wait_for(timeout=LONG_WAIT_MS)
