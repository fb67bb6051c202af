"""The app in a real browser: Debian's Chromium, driven by Playwright, against ``streamlit run``.

One journey a programme officer takes: open the app (sample data already ranked), upload a
messy file, review and save it, filter the matches as a donor, put two proposals on a
shortlist, download the CSV and check its rows, including a proposal titled like a
spreadsheet formula, which must arrive as text. Screenshots of every page are saved so a reviewer can look without starting the app (a temporary folder, or
``$LIFEWEB_SCREENSHOT_DIR``: see ``scripts/make_screenshots.py``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from matcher.load import load
from matcher.reference import data_dir
from tests.e2e.app_idle import wait_until_idle
from tests.e2e.person import choose, fill, open_page, open_section, shot
from ui.filters import is_closed_status

pytestmark = pytest.mark.browser

MESSY_FILE = Path(__file__).resolve().parents[1] / "app" / "data" / "messy_proposals.csv"
HYPERLINK = '=HYPERLINK("http://example.org","x")'
LONG_WAIT_MS = 120_000
SCREENSHOT_HEIGHT = 2400
CHART_PAUSE_MS = 1500  # charts draw after the run ends
DONOR_ID = "ES"
PAGE_TITLES = (
    "Matches",
    "Proposals",
    "Donors",
    "Shortlists",
    "Events",
    "Co-funding plan",
    "Overview",
)
PHOTOGRAPHED_IN_JOURNEY = {"Matches", "Proposals", "Shortlists"}
SCREENSHOT_NAMES = {"Co-funding plan": "plan"}


def sample_counts() -> tuple[int, str]:
    """Open proposals in the shipped sample (funded ones are hidden), and the donor's name."""
    frame = load(data_dir() / "proposals.csv", "proposals").frame
    n_proposals = int((~frame["status"].map(is_closed_status)).sum())
    donors = pd.read_csv(data_dir() / "donors.csv", keep_default_na=False, dtype=str)
    return n_proposals, donors.set_index("donor_id").at[DONOR_ID, "name"]


def test_upload_filter_shortlist_and_download_csv(page, app_server, screenshot_dir):
    n_sample, donor_name = sample_counts()
    # Fresh install: the empty database is seeded and ranked, matches show at once.
    page.goto("/")
    page.get_by_role("heading", name="Matches", exact=True).wait_for(timeout=LONG_WAIT_MS)
    page.get_by_text(f"{n_sample} proposals match").wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)

    # Upload the messy file and review it before saving.
    open_page(page, "Proposals")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        str(MESSY_FILE)
    )
    page.get_by_text("Validation report").wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    metrics = page.locator('[data-testid="stMetric"]')
    assert (
        metrics.filter(has_text="Rows loaded").locator('[data-testid="stMetricValue"]').inner_text()
        == "5"
    )
    assert (
        metrics.filter(has_text="Rows rejected")
        .locator('[data-testid="stMetricValue"]')
        .inner_text()
        == "3"
    )
    shot(page, screenshot_dir / "proposals.png", height=SCREENSHOT_HEIGHT, pause_ms=CHART_PAUSE_MS)
    fill(page, page.get_by_role("textbox", name="Round name"), "Browser test round")
    page.get_by_role("button", name="Save 5 rows as this round").click()
    page.get_by_text("5 added").wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)

    # Filter as a donor: Spain, proposals in South-eastern Asia and Melanesia.
    open_page(page, "Matches")
    page.get_by_text(f"{n_sample + 5} proposals match").wait_for(timeout=LONG_WAIT_MS)
    choose(page, "Donor", donor_name)
    sidebar = page.locator('[data-testid="stSidebar"]')
    open_section(page, "Filters")  # shut on arrival: the table is drawn first
    choose(page, "Region", "South-eastern Asia", scope=sidebar)
    choose(page, "Region", "Melanesia", scope=sidebar)
    assert "regions=South-eastern+Asia%2CMelanesia" in page.url or (
        "regions=South-eastern%20Asia%2CMelanesia" in page.url
    )
    assert "donor_id=ES" in page.url
    summary = page.get_by_text("proposals match; showing")
    assert not summary.inner_text().startswith(f"{n_sample + 5} ")
    shot(page, screenshot_dir / "matches.png", height=SCREENSHOT_HEIGHT, pause_ms=CHART_PAUSE_MS)

    # Two proposals onto a new event for this donor (its shortlist is the donor's part of the
    # event's list), one of them titled like a formula.
    page.get_by_text("Add to an event").click()
    choose(page, "Proposals", "MSY-03")
    choose(page, "Proposals", "MSY-04")
    fill(
        page,
        page.get_by_role("textbox", name="Name (for a new event)"),
        "Pacific and Mekong roundtable",
    )
    page.get_by_role("button", name="Add to event").click()
    page.get_by_text("Added 2 to the event").wait_for(timeout=LONG_WAIT_MS)

    # Download the CSV from the Shortlists page and check its rows.
    open_page(page, "Shortlists")
    page.get_by_text("Pacific and Mekong roundtable").first.wait_for(timeout=LONG_WAIT_MS)
    shot(page, screenshot_dir / "shortlists.png", height=SCREENSHOT_HEIGHT, pause_ms=CHART_PAUSE_MS)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("shortlist-pacific-and-mekong-roundtable-spain")
    assert download.suggested_filename.endswith(".csv")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["proposal_id"] for row in rows] == ["MSY-03", "MSY-04"]
    assert rows[0]["title"] == "'" + HYPERLINK
    assert rows[1]["title"] == "Coral reef refuges of the Lau group"
    assert rows[1]["countries"] == "Fiji"  # the name first, the code beside it
    assert rows[1]["country_codes"] == "FJI"
    assert {row["donor_id"] for row in rows} == {DONOR_ID}
    assert {row["donor_name"] for row in rows} == {donor_name}
    assert all(0.0 <= float(row["score"]) <= 1.0 for row in rows)
    assert all(row["explanation"] for row in rows)


def test_every_page_opens_without_an_error_and_is_photographed(page, app_server, screenshot_dir):
    page.goto("/")
    page.get_by_role("heading", name="Matches", exact=True).wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    nav = page.locator('[data-testid="stSidebarNav"]')
    present = [title for title in PAGE_TITLES if nav.get_by_role("link", name=title).count()]
    assert {"Matches", "Proposals", "Donors", "Shortlists", "Overview"} <= set(present)
    for title in present:
        open_page(page, title)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.get_by_text("Something went wrong on this page").count() == 0
        if title not in PHOTOGRAPHED_IN_JOURNEY:
            name = SCREENSHOT_NAMES.get(title, title.lower())
            shot(
                page,
                screenshot_dir / f"{name}.png",
                height=SCREENSHOT_HEIGHT,
                pause_ms=CHART_PAUSE_MS,
            )
