"""Browser journey: a programme officer loads a donor's IATI file and a country's national
targets, then a donor filters to proposals that serve a national target and reads why."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.reference import data_dir
from tests.e2e.app_idle import wait_until_idle
from tests.e2e.person import open_page, open_section

pytestmark = pytest.mark.browser

IATI_FILE = Path(__file__).resolve().parents[1] / "interchange" / "files" / "multi_language.xml"
LONG_WAIT_MS = 120_000


def _shot(page, folder: Path, name: str) -> None:
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 2400})
    wait_until_idle(page)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(folder / f"{name}.png"))
    page.set_viewport_size(size)


def test_iati_upload_national_targets_and_the_nbsap_filter(page, app_server, screenshot_dir):
    page.goto("/")
    page.get_by_role("heading", name="Matches", exact=True).wait_for(timeout=LONG_WAIT_MS)
    open_page(page, "Proposals")

    # An IATI activity file goes in through the same upload box, reported row by row.
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        str(IATI_FILE)
    )
    page.get_by_text("Validation report").wait_for(timeout=LONG_WAIT_MS)
    metrics = page.locator('[data-testid="stMetric"]')
    assert "4" in metrics.filter(has_text="Rows in the file").inner_text()
    assert "2" in metrics.filter(has_text="Rows loaded").inner_text()
    assert "2" in metrics.filter(has_text="Rows rejected").inner_text()
    page.get_by_text('duplicate proposal_id "XM-TEST-1-ACT-001"').first.wait_for(state="attached")
    _shot(page, screenshot_dir, "iati-upload")

    # A country's national targets, from an Online Reporting Tool export.
    page.get_by_role("tab", name="National targets").click()
    wait_until_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').last.set_input_files(
        str(data_dir() / "national_targets_sample.csv")
    )
    page.get_by_text("12 rows: 12 loaded, 0 rejected.").wait_for(timeout=LONG_WAIT_MS)
    page.get_by_role("button", name="Save national targets").click()
    page.get_by_text("Stored national targets of").wait_for(timeout=LONG_WAIT_MS)
    _shot(page, screenshot_dir, "national-targets")

    # The donor view: only proposals serving a national target, and the evidence.
    open_page(page, "Matches")
    summary = page.get_by_text("proposals match").first.inner_text()
    open_section(page, "Filters")
    page.get_by_text("Serves a national target").click()
    wait_until_idle(page)
    page.wait_for_function(
        "s => !document.body.innerText.includes(s)", arg=summary, timeout=LONG_WAIT_MS
    )
    page.get_by_text("NBSAP alignment: national targets this proposal serves").wait_for(
        timeout=LONG_WAIT_MS
    )
    page.get_by_text("aligns with GBF Target").first.wait_for(state="attached")
    _shot(page, screenshot_dir, "nbsap-alignment")
