"""Layout in Debian's Chromium: what a person decides on is on screen.

At a laptop's 1280x800 the columns a person decides on (Matches: score, why, funded?,
status, decision; Shortlists: decision and note; the plan's status; the event list's stage,
pledge and decision; the upload's reason and suggestion) lie wholly inside the window
without scrolling sideways; on a 390x844 phone the first of them do. Long titles wrap, and
a cell's full text opens from the keyboard or a double click. Keyboard focus is visible on
sidebar links, inputs and the grid.

The grid draws on a canvas, so a column is measured from what the browser exposes: the
grid's accessible table names the columns it draws, and the mouse cursor turns into the
column-resize arrow on each column's right border.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from matcher.reference import data_dir
from matcher.store import open_store
from tests.e2e.app_idle import new_context
from tests.e2e.conftest import REQUIRE_BROWSER_ENV, _streamlit_server, require_browser
from tests.e2e.person import open_section
from tests.e2e.test_browser import LONG_WAIT_MS, wait_until_idle

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
HEADER_MIDDLE_PX = 18
SCAN_STEP_PX = 3
SCANS = 3
EVENT = "Layout roundtable"
EVENT_DONORS = ("ES", "JBF")


def seed_lists(database: Path) -> None:
    """The sample, and an event with the sample's longest titles on Spain's and JBF's lists.

    Written to the store before the app starts, as an officer would have left them; the
    tests then only look.
    """
    store = open_store(f"sqlite:///{database}")
    store.seed_if_empty(data_dir())
    titles = pd.read_csv(data_dir() / "proposals.csv", dtype=str)
    longest = titles.assign(n=titles["title"].str.len()).nlargest(8, "n")["proposal_id"]
    event = store.create_event(
        EVENT, event_date="2026-12-01", currency="EUR", donor_ids=EVENT_DONORS, by="layout"
    )
    for i, proposal in enumerate(longest):
        store.add_to_event(event, proposal, donor_id=EVENT_DONORS[i % 2], by="layout")
    spain = int(store.shortlists().query("donor_id == 'ES'")["shortlist_id"].iloc[0])
    store.annotate_shortlist_item(spain, longest.iloc[0], "Ask about co-finance", by="layout")
    store.record_decision(longest.iloc[0], "ES", "contacted", shortlist_id=spain, by="layout")


@pytest.fixture(scope="module")
def own_app_server(tmp_path_factory, env_switch) -> Iterator[str]:
    """This module's app, on a database holding the sample and :func:`seed_lists`' event."""
    require_browser(env_switch(REQUIRE_BROWSER_ENV))
    workdir = tmp_path_factory.mktemp("e2e-layout-server")
    seed_lists(workdir / "lifeweb.db")
    with _streamlit_server(workdir) as url:
        yield url


@pytest.fixture
def sized(browser, own_app_server) -> Iterator[Callable[[dict[str, int]], object]]:
    """Open a tab on the module's own app at a given window size."""
    contexts = []

    def open_tab(viewport: dict[str, int]):
        context = new_context(browser, viewport=viewport, base_url=own_app_server)
        context.set_default_timeout(60_000)
        contexts.append(context)
        return context.new_page()

    yield open_tab
    for context in contexts:
        context.close()


def grid_columns_on_screen(page, grid) -> list[str]:
    """Headers of the grid's columns whose whole width lies inside the window, left to right.

    The accessible table lists the columns the grid draws (at least partly in view); the
    cursor is the column-resize arrow on each drawn right border. A column is wholly on
    screen when its right border is inside both the grid and the window.
    """
    grid.scroll_into_view_if_needed()
    wait_until_idle(page)
    names = grid.locator('thead [role="columnheader"]').all_text_contents()
    box = grid.bounding_box()
    right = min(box["x"] + box["width"], page.viewport_size["width"])
    canvas = grid.locator('[data-testid="data-grid-canvas"]')
    y = box["y"] + HEADER_MIDDLE_PX
    borders = 0
    on_border = False
    x = box["x"] + 1
    while x < right:
        page.mouse.move(x, y)
        resize = canvas.evaluate("c => c.style.cursor") == "col-resize"
        borders += resize and not on_border
        on_border = resize
        x += SCAN_STEP_PX
    page.mouse.move(0, 0)
    return names[:borders]


def assert_on_screen(page, grid, wanted: list[str], where: str) -> None:
    """Scan up to ``SCANS`` times: the cursor follows the mouse a frame or more late, and on a
    busy machine a scan can pass a border before the cursor shows it (a CI run saw one border
    of six). A missed border only ever hides a column, never adds one, so a later scan that
    finds them all is the layout as drawn."""
    for _ in range(SCANS):
        shown = grid_columns_on_screen(page, grid)
        missing = [c for c in wanted if c not in shown]
        if not missing:
            return
    assert not missing, f"{where}: {missing} not wholly on screen; on screen: {shown}"


def first_grid(page, has_text: str | None = None):
    grids = page.locator('[data-testid="stDataFrame"]')
    grid = grids.filter(has_text=has_text).first if has_text else grids.first
    grid.locator('[role="columnheader"]').first.wait_for(state="attached", timeout=LONG_WAIT_MS)
    return grid


def open_matches(page, query: str = "") -> None:
    page.goto(f"/matches{query}")
    page.get_by_role("heading", name="Matches", exact=True).wait_for(timeout=LONG_WAIT_MS)
    page.get_by_text(" match; showing").first.wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)


DONOR_VIEW = ["score", "proposal", "why", "funded?", "status", "decision"]
PROPOSAL_VIEW = ["score", "donor", "why", "funded?", "decision", "eligible"]


@pytest.mark.parametrize(
    ("viewport", "query", "wanted"),
    [
        (DESKTOP, "", DONOR_VIEW),
        (DESKTOP, "?view=proposal", PROPOSAL_VIEW),
        (PHONE, "", DONOR_VIEW[:2]),
    ],
    ids=["laptop-donor", "laptop-proposal", "phone"],
)
def test_matches_show_score_why_status_and_decision_first(sized, viewport, query, wanted):
    page = sized(viewport)
    open_matches(page, query)
    assert_on_screen(page, first_grid(page), wanted, f"Matches{query} at {viewport}")


def test_a_long_title_wraps_and_its_full_text_opens_from_the_keyboard(sized, screenshot_dir):
    page = sized(PHONE)
    open_matches(page)
    grid = first_grid(page)
    title = grid.locator("#glide-cell-2-0").text_content()
    assert len(title) > 40
    tops = []
    # Into the grid (its first cell, the score), right to the title, Enter: the full title.
    grid.locator("#glide-cell-1-0").focus()
    page.keyboard.press("ArrowRight")
    for step in ("", "ArrowDown"):
        if step:
            page.keyboard.press(step)
        page.keyboard.press("Enter")
        overlay = page.locator('[id^="gdg-overlay"]')
        overlay.wait_for(timeout=LONG_WAIT_MS)
        tops.append(overlay.bounding_box()["y"])
        if not step:
            assert title.strip() in (overlay.text_content() or "")
            page.screenshot(path=str(screenshot_dir / "layout-phone-full-title.png"))
        page.keyboard.press("Escape")
        overlay.wait_for(state="detached", timeout=LONG_WAIT_MS)
    # Rows taller than 4 rem are where Streamlit's grid wraps text: the title has lines.
    assert tops[1] - tops[0] > 64


RING = """e => {
    for (let node = e; node && node !== document.body; node = node.parentElement) {
        const style = getComputedStyle(node);
        if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) return true;
    }
    return false;
}"""


def focus_by_keyboard(page, target) -> None:
    """Focus ``target`` as a keyboard user reaches it (Tab from the element before it)."""
    wait_until_idle(page)
    target.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    page.wait_for_timeout(300)


def test_keyboard_focus_is_visible_on_links_inputs_switches_and_the_grid(sized, screenshot_dir):
    page = sized(DESKTOP)
    open_matches(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    weights_header = sidebar.locator("summary").filter(has_text="Score and weights")
    open_section(page, "Filters")
    targets = {
        "sidebar link": sidebar.get_by_role("link", name="Proposals"),
        "sidebar section": weights_header,
        "text input": sidebar.get_by_role("textbox", name="Your name"),
        "multiselect": sidebar.get_by_role("combobox", name="Region"),
        "number input": sidebar.get_by_role("spinbutton", name="Request from (USD)"),
        "select box": page.get_by_role("combobox", name="Donor"),
        "switch": page.get_by_role("switch", name="Include funded and closed proposals"),
    }
    unringed = []
    for name, target in targets.items():
        focus_by_keyboard(page, target)
        page.screenshot(path=str(screenshot_dir / f"layout-focus-{name.replace(' ', '-')}.png"))
        if not page.evaluate(f"({RING})(document.activeElement)"):
            unringed.append(name)
    grid = first_grid(page)
    grid.locator("#glide-cell-1-0").focus()
    page.screenshot(path=str(screenshot_dir / "layout-focus-grid.png"))
    if not page.evaluate(f"({RING})(document.activeElement)"):
        unringed.append("grid")
    assert not unringed, f"no visible focus ring on: {unringed}"


def go_to(page, path: str, heading: str) -> None:
    page.goto(path)
    page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)


def test_keyboard_focus_is_visible_on_slider_radio_text_area_and_date(sized, screenshot_dir):
    """Item 11's focus, for the inputs the first focus test does not reach: Matches' score
    slider, the Plan options' radio and text area, the new shortlist's date and notes."""
    page = sized(DESKTOP)
    unringed = []

    def check(name: str, target) -> None:
        target.scroll_into_view_if_needed()
        focus_by_keyboard(page, target)
        page.screenshot(path=str(screenshot_dir / f"layout-focus-{name.replace(' ', '-')}.png"))
        if not page.evaluate(f"({RING})(document.activeElement)"):
            unringed.append(name)

    open_matches(page)
    open_section(page, "Score and weights")
    check("slider", page.get_by_role("slider", name="Minimum score"))
    go_to(page, "/plan", "Co-funding plan")
    check("radio", page.get_by_role("radio", name="Close as many gaps as possible"))
    check("text area", page.get_by_role("textbox", name="Forced pairs", exact=False))
    go_to(page, "/shortlists", "Shortlists")
    if not page.get_by_role("textbox", name="Notes").is_visible():
        page.get_by_text("New shortlist", exact=True).click()
        wait_until_idle(page)
    # Streamlit 1.67's date is a group of year/month/day fields (react-aria), not a text box.
    check("date", page.get_by_role("spinbutton", name="year, Event date"))
    check("shortlist notes", page.get_by_role("textbox", name="Notes"))
    assert not unringed, f"no visible focus ring on: {unringed}"


def test_upload_rejected_rows_show_reason_and_suggestion_on_a_laptop(sized):
    from tests.e2e.test_browser import MESSY_FILE

    page = sized(DESKTOP)
    page.goto("/proposals")
    page.get_by_role("heading", name="Proposals", exact=True).wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        str(MESSY_FILE)
    )
    page.get_by_text("Validation report").wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    grid = first_grid(page, has_text="suggestion")
    wanted = ["row", "id", "title", "reason", "suggestion"]
    assert_on_screen(page, grid, wanted, "Rejected rows at 1280x800")


SHORTLIST = ["position", "title", "decision", "note", "score"]


@pytest.mark.parametrize(
    ("viewport", "wanted"), [(DESKTOP, SHORTLIST), (PHONE, SHORTLIST[:2])], ids=["laptop", "phone"]
)
def test_a_shortlist_shows_title_decision_and_note_first(sized, viewport, wanted):
    # Held on main 5feb423 already (the list was reordered earlier); this guards it.
    page = sized(viewport)
    page.goto("/shortlists")
    page.get_by_role("heading", name="Shortlists", exact=True).wait_for(timeout=LONG_WAIT_MS)
    page.get_by_role("heading", name=EVENT).wait_for(timeout=LONG_WAIT_MS)
    grid = first_grid(page, has_text="decision")
    assert_on_screen(page, grid, wanted, f"Shortlist at {viewport}")


def visible_grid(page):
    """The grid of the open tab (the other tabs' grids are hidden)."""
    grid = page.locator('[data-testid="stDataFrame"]:visible').last
    grid.locator('[role="columnheader"]').first.wait_for(state="attached", timeout=LONG_WAIT_MS)
    return grid


PLAN_TABLES = {
    "Grants": ["proposal id", "proposal", "donor", "amount"],
    "Per proposal": ["proposal id", "status", "title"],
    "Per donor": ["donor id", "status", "name"],
}


@pytest.mark.parametrize(("viewport"), [DESKTOP, PHONE], ids=["laptop", "phone"])
def test_the_co_funding_plan_tables_show_who_and_the_status_first(sized, viewport, screenshot_dir):
    # At 1280x800 the status held on main 5feb423 (the grants' amount did not: it came after
    # both ids and both names). On a phone the first two columns are whole.
    page = sized(viewport)
    page.goto("/plan")
    page.get_by_role("heading", name="Co-funding plan", exact=True).wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    page.get_by_role("button", name="Plan", exact=True).click()
    page.get_by_text("Gaps closed in full", exact=True).wait_for(timeout=LONG_WAIT_MS)
    for tab, wanted in PLAN_TABLES.items():
        page.get_by_role("tab", name=tab, exact=True).click()
        wait_until_idle(page)
        shown = wanted if viewport == DESKTOP else wanted[:2]
        grid = visible_grid(page)
        grid.scroll_into_view_if_needed()
        page.screenshot(
            path=str(screenshot_dir / f"layout-plan-{tab.split()[-1]}-{viewport['width']}.png")
        )
        assert_on_screen(page, grid, shown, f"Plan {tab} at {viewport}")


def open_event(page) -> None:
    page.goto("/events")
    page.get_by_role("heading", name="Events", exact=True).wait_for(timeout=LONG_WAIT_MS)
    page.get_by_role("heading", name=EVENT).wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)


EVENT_LIST = ["Donor", "Title", "Stage", "Pledged", "Decision", "Score"]


def test_the_event_list_on_a_phone_shows_donor_and_title_whole(sized):
    # Held on main 5feb423 (the list's lead came with the laptop fix); this guards it.
    page = sized(PHONE)
    open_event(page)
    assert_on_screen(page, first_grid(page, has_text="Stage"), EVENT_LIST[:2], "Event list")


EVENT_PLAN = {
    "Grants": ["Proposal", "Title", "Donor", "Amount (EUR)"],
    "Open requests": ["Proposal", "Status", "Title", "Still open (EUR)"],
}


@pytest.mark.parametrize(("viewport"), [DESKTOP, PHONE], ids=["laptop", "phone"])
def test_the_events_co_funding_plan_shows_the_status_and_amounts(sized, viewport):
    # Failed on main 5feb423 at 1280x800: the open requests' status came last, off-screen.
    page = sized(viewport)
    open_event(page)
    page.get_by_role("tab", name="Co-funding plan", exact=True).click()
    wait_until_idle(page)
    page.get_by_role("button", name="Plan this event").click()
    wait_until_idle(page)
    for tab, wanted in EVENT_PLAN.items():
        page.get_by_role("tab", name=tab, exact=True).click()
        wait_until_idle(page)
        shown = wanted if viewport == DESKTOP else wanted[:2]
        assert_on_screen(page, visible_grid(page), shown, f"Event plan {tab} at {viewport}")
