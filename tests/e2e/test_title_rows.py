"""Long titles in Debian's Chromium (issue 10 item 10): every title in the Matches ranked
table and in a shortlist is drawn whole, or cut with an ellipsis with its full text
opened in the cell's overlay (a click on the cell, then Enter).

Streamlit 1.67's grid (glide-data-grid) draws on a canvas, and a wrapped cell whose lines
need more height than its row is clipped: the lines below the row are simply not drawn, so
nothing in the page's markup says a title was cut. The test therefore reads what is drawn
and what it takes, in the page (``grid_titles.js``):

* the row height and the title column's width are read from the canvas's pixels (the
  grid's horizontal and vertical lines), not from the app's settings;
* each title's full text is the grid's accessible table cell (the cell's value);
* its lines are found with the canvas 2D context's ``measureText`` in the grid's own font
  and paddings (the CSS variables the grid sets on itself, the font loaded first), by the
  grid's own wrapping rule (canvas-hypertxt's greedy split at spaces); the lines need
  ``glyph + 1.4 * glyph * (lines - 1) + vertical padding`` pixels, the grid's test for
  clipping a cell;
* the bands of text ink drawn in the cell are counted, so the model is checked against the
  drawing row by row: a title drawn whole shows as many bands as it has lines, and a cut
  title's last band ends in the three dots of an ellipsis (compared with the ellipsis drawn
  in the same font).

A title passes when its lines fit its row and are all drawn, or when it is drawn cut with an
ellipsis and its cell, clicked and opened with Enter, shows the whole title in the grid's
overlay.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from matcher.reference import data_dir
from matcher.store import open_store
from tests.e2e.app_idle import new_context, wait_until_idle
from tests.e2e.conftest import REQUIRE_BROWSER_ENV, _streamlit_server, require_browser

pytestmark = pytest.mark.browser

LONG_WAIT_MS = 120_000
# A click that does not select the cell is retried; the grid marks a selected cell at once.
CLICK_TRIES = 3
SELECTED_WAIT_MS = 5_000
TWO_FRAMES = "() => new Promise(d => requestAnimationFrame(() => requestAnimationFrame(d)))"
DESKTOP = {"width": 1280, "height": 800}
READ_TITLES = (Path(__file__).with_name("grid_titles.js")).read_text(encoding="utf-8")
LIST_NAME = "Long titles roundtable"
# A multi-site EOI's title as focal points write them: far longer than ten lines of a column.
LONG_ID = "LAYOUT-LONG-1"
LONG_TITLE = (
    "Consolidating the marine and coastal protected areas network of the Bijagós "
    "Archipelago, the Cacheu River Mangroves, Orango, João Vieira and Poilão, the Tarafes "
    "de Cufada and the Boé–Dulombi–Tchetche corridor, with community co-management of "
    "every site, sustainable artisanal fisheries, mangrove restoration, sea turtle and "
    "manatee monitoring, community ecotourism enterprises, climate adaptation planning "
    "for island villages, a national biodiversity trust fund for recurrent costs and a "
    "transboundary cooperation framework with Senegal, Guinea, Cabo Verde and The Gambia "
    "under the Abidjan Convention"
)


def seed(database: Path, folder: Path) -> None:
    """The sample with one very long title added, and a shortlist of the longest titles.

    Written before the app starts, as an officer would have left them.
    """
    for name in ("donors.csv", "history.csv"):
        shutil.copy(data_dir() / name, folder / name)
    proposals = pd.read_csv(data_dir() / "proposals.csv", dtype=str, keep_default_na=False)
    long_one = {column: "" for column in proposals.columns}
    long_one.update(
        proposal_id=LONG_ID,
        title=LONG_TITLE,
        countries="GNB",
        summary="Marine and coastal protected areas, mangroves and community fisheries.",
        requested_amount="4500000",
        currency="USD",
        aichi_targets="11",
        status="not yet funded",
        submitted_on="2024",
    )
    proposals = pd.concat([proposals, pd.DataFrame([long_one])], ignore_index=True)
    proposals.to_csv(folder / "proposals.csv", index=False)
    store = open_store(f"sqlite:///{database}")
    store.seed_if_empty(folder)
    titles = proposals.assign(n=proposals["title"].str.len()).nlargest(6, "n")["proposal_id"]
    shortlist = store.create_shortlist(LIST_NAME, donor_id="ES", by="layout")
    for proposal in titles:
        store.add_to_shortlist(shortlist, proposal, by="layout")


@pytest.fixture(scope="module")
def own_app_server(tmp_path_factory, env_switch) -> Iterator[str]:
    """This module's app, on a database holding the sample, the long title and the list."""
    require_browser(env_switch(REQUIRE_BROWSER_ENV))
    workdir = tmp_path_factory.mktemp("e2e-title-rows")
    sample = workdir / "sample"
    sample.mkdir()
    seed(workdir / "lifeweb.db", sample)
    with _streamlit_server(workdir) as url:
        yield url


@pytest.fixture
def laptop(browser, own_app_server) -> Iterator[object]:
    context = new_context(browser, viewport=DESKTOP, base_url=own_app_server)
    context.set_default_timeout(60_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def drawn_titles(page, grid, column: str) -> dict:
    """Every row of ``grid``'s ``column`` as drawn (see the module's docstring)."""
    grid.scroll_into_view_if_needed()
    wait_until_idle(page)
    page.mouse.move(0, 0)  # no row drawn hovered
    found = grid.evaluate(READ_TITLES, column)
    assert "error" not in found, found
    read = [row["row"] for row in found["rows"]]
    assert len(read) == found["rowCount"], f"rows read: {read}; last read: {found['lastRead']}"
    return found


def scroll_to(grid, found: dict, row: dict) -> float:
    """Scroll the grid so ``row`` is at its top (or as near as the end allows) and wait for
    its title cell in the accessible table; returns the row's middle on the canvas (px)."""
    scrolled = grid.evaluate(
        """(g, top) => {
            const scroller = g.querySelector('.dvn-scroller');
            scroller.scrollTop = top;
            scroller.dispatchEvent(new Event("scroll"));
            return scroller.scrollTop;
        }""",
        row["row"] * row["rowHeight"],
    )
    cell = grid.locator(f"#glide-cell-{found['column']}-{row['row']}")
    cell.wait_for(state="attached", timeout=LONG_WAIT_MS)
    return found["headerLine"] + row["row"] * row["rowHeight"] - scrolled + row["rowHeight"] / 2


def select_cell(page, grid, found: dict, row: dict) -> str:
    """Point at the row's title cell and click it, as a person does, until the grid marks
    it selected; returns the cell's id.

    glide-data-grid takes the pointer's arrival in an animation frame and drops a press
    that comes before it (6 of 8 immediate clicks in three probes), so the click waits two frames
    after the pointer arrives; a click still lost on a starved machine is made again.
    """
    cell_id = f"glide-cell-{found['column']}-{row['row']}"
    selected = grid.locator(f'#{cell_id}[aria-selected="true"]')
    for _ in range(CLICK_TRIES):
        y = scroll_to(grid, found, row)
        wait_until_idle(page)
        box = grid.locator('[data-testid="data-grid-canvas"]').bounding_box()
        x = box["x"] + row["left"] + row["columnWidth"] / 2
        page.mouse.move(x, box["y"] + y)
        page.evaluate(TWO_FRAMES)
        page.mouse.click(x, box["y"] + y)
        wait_until_idle(page)
        try:
            selected.wait_for(state="attached", timeout=SELECTED_WAIT_MS)
            return cell_id
        except PlaywrightTimeoutError:
            continue
    raise AssertionError(f"{CLICK_TRIES} clicks on {cell_id} did not select it")


def full_text_opens(page, grid, found: dict, row: dict, shot: Callable[[], None]) -> str:
    """What the row's title cell shows when a person opens it: a click on the cell, then
    Enter (the grid's overlay, which shows the cell's value: the whole title)."""
    select_cell(page, grid, found, row)
    page.keyboard.press("Enter")
    overlay = page.locator('[id^="gdg-overlay"]')
    overlay.wait_for(timeout=LONG_WAIT_MS)
    shown = overlay.text_content() or ""
    shot()
    page.keyboard.press("Escape")
    overlay.wait_for(state="detached", timeout=LONG_WAIT_MS)
    return shown


def assert_titles_whole_or_cut(
    page, grid, column: str, where: str, shot: Callable[[str], None]
) -> list[dict]:
    """Every title of ``column`` drawn whole, or cut with an ellipsis and whole when its
    cell is opened; returns the cut rows."""
    found = drawn_titles(page, grid, column)
    wrong, cut = [], []
    for row in found["rows"]:
        if row["needed"] <= row["rowHeight"] and row["bands"] == row["lines"]:
            continue  # every line it needs fits its row and is drawn
        (cut if row["ellipsis"] and row["lines"] > row["bands"] else wrong).append(row)
    for row in wrong[:1] or cut[:1]:
        scroll_to(grid, found, row)
        page.evaluate(TWO_FRAMES)  # drawn at the new scroll before the screenshot
    shot(where)
    font = {k: found[k] for k in ("font", "glyph", "step", "hPad", "vPad")}
    assert not wrong, (
        f"{where}: titles neither drawn whole nor cut with an ellipsis: {wrong}; {font}"
    )
    for row in cut:
        opened = full_text_opens(page, grid, found, row, lambda: shot(f"{where}-opened"))
        assert row["text"].strip() in opened, row
    return cut


@pytest.fixture
def shot(laptop, screenshot_dir) -> Callable[[str], None]:
    def take(name: str) -> None:
        laptop.screenshot(path=str(screenshot_dir / f"title-rows-{name}.png"))

    return take


def test_every_title_in_the_ranked_table_is_drawn_whole_or_cut_with_an_ellipsis(laptop, shot):
    page = laptop
    page.goto("/matches")
    page.get_by_role("heading", name="Matches", exact=True).wait_for(timeout=LONG_WAIT_MS)
    page.get_by_text(" match; showing").first.wait_for(timeout=LONG_WAIT_MS)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.locator('[role="columnheader"]').first.wait_for(state="attached", timeout=LONG_WAIT_MS)
    cut = assert_titles_whole_or_cut(page, grid, "proposal", "matches", shot)
    assert [row["text"] for row in cut] == [LONG_TITLE]


def test_every_title_on_a_shortlist_is_drawn_whole_or_cut_with_an_ellipsis(laptop, shot):
    page = laptop
    page.goto("/shortlists")
    page.get_by_role("heading", name="Shortlists", exact=True).wait_for(timeout=LONG_WAIT_MS)
    page.get_by_role("heading", name=LIST_NAME).wait_for(timeout=LONG_WAIT_MS)
    grid = page.locator('[data-testid="stDataFrame"]').filter(has_text="decision").first
    grid.locator('[role="columnheader"]').first.wait_for(state="attached", timeout=LONG_WAIT_MS)
    cut = assert_titles_whole_or_cut(page, grid, "title", "shortlist", shot)
    assert [row["text"] for row in cut] == [LONG_TITLE]
