"""The shareable link (issue 10, item 9), walked in Debian's Chromium.

A colleague who opens a copied link in a browser of their own sees what the sender saw: the
same page at its own path, the donor, the filters and the sort, the proposal explained, the
shortlist picked and the tab open. A link naming something that is gone says so instead of
quietly showing the first row.

The module has its own app and database (``own_app_server``): it creates shortlists, and
what other browser tests save on the shared app must not change what it sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.app_idle import new_context, wait_until_idle
from tests.e2e.grid import grid_records, table
from tests.e2e.person import ERROR_TEXT, LONG_WAIT_MS, choose, fill, shot
from tests.e2e.test_browser import PAGE_TITLES

pytestmark = pytest.mark.browser

PAGE_PATHS = {
    "Matches": "/matches",
    "Proposals": "/proposals",
    "Donors": "/donors",
    "Shortlists": "/shortlists",
    "Events": "/events",
    "Co-funding plan": "/plan",
    "Overview": "/overview",
}
JBF = "Japan Biodiversity Fund (JBF)"


@contextmanager
def colleague(browser, base_url: str) -> Iterator[object]:
    """A browser context of its own (no cookies, no session): someone else's browser."""
    context = new_context(browser, viewport={"width": 1400, "height": 1000}, base_url=base_url)
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def open_link(page, link: str, heading: str) -> None:
    page.goto(link)
    page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    assert page.get_by_text(ERROR_TEXT).count() == 0
    assert page.get_by_text("Page not found").count() == 0


def picked(page, label: str) -> str:
    """What the selectbox labelled ``label`` shows as chosen."""
    return page.get_by_role("combobox", name=label, exact=True).input_value().strip()


def open_tab(page) -> str:
    return page.locator('[role="tab"][aria-selected="true"]').first.inner_text().strip()


def first_cells(page, n: int = 3) -> list[str]:
    """The ``proposal`` cell of the ranked table's first ``n`` rows."""
    return [row["proposal"] for row in grid_records(table(page), first=n)]


def test_every_page_opens_at_its_own_path(own_page):
    for title in PAGE_TITLES:
        open_link(own_page, PAGE_PATHS[title], title)
        assert own_page.url.split("?")[0].endswith(PAGE_PATHS[title])


def test_the_link_keeps_the_explained_proposal_the_sort_and_says_when_it_is_gone(
    own_page, browser, own_app_server, screenshot_dir: Path
):
    page = own_page
    open_link(page, "/matches", "Matches")
    choose(page, "Donor", JBF)
    choose(page, "Sort by", "requested amount")
    page.get_by_role("radio", name="ascending").click()
    wait_until_idle(page)
    assert "sort=request" in page.url and "order=asc" in page.url
    smallest_first = first_cells(page)
    # The third row explained, as a programme officer picks it below the table.
    choose(page, "Proposal to explain", smallest_first[2][:40])
    label = picked(page, "Proposal to explain")
    assert smallest_first[2][:40] in label
    explained_id = label.split(" · ")[1]
    assert f"explain={explained_id}" in page.url
    shot(
        page,
        screenshot_dir / "link-1-sender.png",
        pause_ms=0,
        at=page.get_by_text("Why this match"),
    )
    link = page.url

    with colleague(browser, own_app_server) as other:
        open_link(other, link, "Matches")
        assert picked(other, "Donor") == JBF
        assert picked(other, "Sort by") == "requested amount"
        assert first_cells(other) == smallest_first
        assert picked(other, "Proposal to explain") == label
        assert other.get_by_text("The link explains").count() == 0
        shot(
            other,
            screenshot_dir / "link-2-colleague.png",
            pause_ms=0,
            at=other.get_by_text("Why this match"),
        )

        # A proposal that is not in the database: the page says so, then explains #1.
        stale = link.replace(f"explain={explained_id}", "explain=NO-SUCH-EOI")
        open_link(other, stale, "Matches")
        warning = other.get_by_text("The link explains proposal NO-SUCH-EOI")
        warning.wait_for(timeout=LONG_WAIT_MS)
        assert "not in the database any more" in warning.inner_text()
        assert picked(other, "Proposal to explain").startswith("#")
        shot(other, screenshot_dir / "link-3-stale.png", pause_ms=0, at=warning)


def test_the_link_keeps_the_shortlist_picked_and_the_tab_open(
    own_page, browser, own_app_server, screenshot_dir: Path
):
    page = own_page
    open_link(page, "/shortlists", "Shortlists")
    for event in ("Suva roundtable", "Nairobi donors day"):
        name_box = page.get_by_role("textbox", name="Event", exact=True)
        if not name_box.is_visible():
            page.get_by_text("New shortlist", exact=True).click()
        fill(page, name_box, event)
        page.get_by_role("button", name="Create shortlist").click()
        page.get_by_text(f"Created shortlist '{event}'").wait_for(timeout=LONG_WAIT_MS)
        wait_until_idle(page)
    # The newest list opens; pick the first one again, as someone going back to it.
    assert picked(page, "Shortlist").startswith("Nairobi donors day")
    choose(page, "Shortlist", "Suva roundtable")
    assert picked(page, "Shortlist").startswith("Suva roundtable")
    assert "shortlist=" in page.url
    link = page.url

    # Overview's funding tabs and a donor's funding-history tab are part of the link too.
    open_link(page, "/overview", "Overview")
    page.get_by_role("tab", name="By region", exact=True).click()
    wait_until_idle(page)
    assert "funding=by-region" in page.url
    overview_link = page.url
    open_link(page, "/donors", "Donors")
    choose(page, "Record to view or edit", "JBF")
    page.get_by_role("tab", name="Funding history", exact=True).click()
    wait_until_idle(page)
    assert "donor=JBF" in page.url and "donor_tab=funding-history" in page.url
    donor_link = page.url

    with colleague(browser, own_app_server) as other:
        open_link(other, link, "Shortlists")
        assert picked(other, "Shortlist").startswith("Suva roundtable")
        shot(other, screenshot_dir / "link-4-shortlist.png", pause_ms=0)
        open_link(other, overview_link, "Overview")
        assert open_tab(other) == "By region"
        open_link(other, donor_link, "Donors")
        assert picked(other, "Record to view or edit").startswith("JBF")
        assert open_tab(other) == "Donor profiles"
        tabs = other.locator('[role="tab"][aria-selected="true"]')
        assert "Funding history" in [t.inner_text().strip() for t in tabs.all()]
        shot(
            other,
            screenshot_dir / "link-5-donor-history.png",
            pause_ms=0,
            at=other.get_by_role("tab", name="Profile"),
        )

        # A shortlist that is gone: the page says so.
        open_link(other, "/shortlists?shortlist=999", "Shortlists")
        gone = other.get_by_text("The link opens shortlist 999, which is not here any more")
        gone.wait_for(timeout=LONG_WAIT_MS)
        shot(other, screenshot_dir / "link-6-shortlist-gone.png", pause_ms=0, at=gone)
