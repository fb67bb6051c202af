"""What a person does with the app's widgets, for every browser journey: pick an option, type
in a box. One copy, so a fix for a lost click or a dropped pick reaches every journey.

Both wait for the app to be idle (:mod:`tests.e2e.app_idle`) before and after: a rerun still to
come would close a list that was just opened or redraw a box empty, and the next step would act
on elements that rerun then replaces.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.app_idle import wait_until_idle

LONG_WAIT_MS = 180_000
# The start of the message a page shows instead of a traceback (ui.pages.UNEXPECTED_ERROR_MESSAGE).
ERROR_TEXT = "Something went wrong on this page"
# How long a page gets after its run ends before a screenshot: charts and grids draw then.
SHOT_PAUSE_MS = 800
# How long an open list gets to show the typed option before the down arrow opens it.
OPTION_WAIT_MS = 10_000
# How long the page must not have scrolled before a box is opened or a pick is made.
SCROLL_STILL_MS = 400
# Picks tried before giving up: a pick a late scroll undid is made again, as a person would.
PICK_TRIES = 3

# Streamlit 1.67's select boxes are react-aria combo boxes: the list shuts on any scroll of an
# element around the box (react-aria's close-on-scroll), the typed text staying. Enter on a
# shut list picks nothing, and the Escape after it puts the old value back: under load a late
# scroll (the box scrolled into view, an expander opening above it) between the list showing
# the option and Enter left "all donors" in the Donor box (the decisions journey's CI failure).
SCROLL_STILL = """
(ms) => !window.__lwIdle || performance.now() - window.__lwIdle.scrolled >= ms
"""
# The box's own list is open and Enter would pick the option: Streamlit's Enter takes the
# listed option that reads exactly as typed, else the first one listed.
LIST_SHOWS = """
([box, option]) => {
  const norm = (text) => (text || '').replace(/\\s+/g, ' ').trim().toLowerCase();
  if (box.getAttribute('aria-expanded') !== 'true' || document.activeElement !== box) return false;
  const list = document.getElementById(box.getAttribute('aria-controls') || '');
  const items = list ? [...list.querySelectorAll('[role="option"]')].map((i) => norm(i.textContent)) : [];
  const wanted = norm(option);
  return items.length > 0 && (items[0].includes(wanted) || items.includes(wanted));
}
"""
# After the pick: a select box reads the option; a multiselect shows it as a tag (not checked).
PICK_TOOK = """
([box, option]) => {
  const norm = (text) => (text || '').replace(/\\s+/g, ' ').trim().toLowerCase();
  if (!box.closest('[data-testid="stSelectbox"]')) return true;
  return norm(box.value).includes(norm(option));
}
"""


def wait_until_still(page: Any) -> None:
    """Wait until nothing on the page has scrolled for ``SCROLL_STILL_MS``."""
    page.wait_for_function(SCROLL_STILL, arg=SCROLL_STILL_MS, timeout=LONG_WAIT_MS, polling=100)


def _open_with(page: Any, box: Any, option: str) -> None:
    """Type ``option`` in ``box`` and wait until its own list offers it, the page still."""
    box.scroll_into_view_if_needed()
    wait_until_still(page)
    box.click()
    box.fill(option)
    try:
        page.wait_for_function(LIST_SHOWS, arg=[box, option], timeout=OPTION_WAIT_MS, polling=100)
    except PlaywrightTimeoutError:
        # The list shut after opening (a scroll) or never opened; a person opens it with the
        # down arrow.
        box.press("ArrowDown")
        page.wait_for_function(LIST_SHOWS, arg=[box, option], timeout=LONG_WAIT_MS, polling=100)


def choose(page: Any, label: str, option: str, *, scope: Any = None, exact: bool = False) -> None:
    """Pick ``option`` in the selectbox or multiselect labelled ``label`` by typing it, once the
    page is idle (a rerun still to come would close the box's list and drop what was typed)
    and still (a scroll shuts the list: see ``SCROLL_STILL``).

    Enter is pressed only while the box's own list is open on the typed option; a select box
    is then read back, and a pick a late scroll undid is made again. The box is held as an
    element once found: once open (in a form, at least) it is no longer found by its label,
    so a locator would wait for it in vain.
    """
    locator = (scope or page).get_by_role("combobox", name=label, exact=exact)
    locator.wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    box = locator.element_handle()
    shown = ""
    for _ in range(PICK_TRIES):
        _open_with(page, box, option)
        wait_until_still(page)
        if page.evaluate(LIST_SHOWS, [box, option]):  # still open once the page stood still
            box.press("Enter")
            if box.get_attribute("aria-expanded") == "true":
                page.keyboard.press("Escape")  # a multiselect's list stays open after a pick
            wait_until_idle(page)
            if page.evaluate(PICK_TOOK, [box, option]):
                return
        shown = box.input_value()
    raise AssertionError(f"{label!r} reads {shown!r} after {PICK_TRIES} picks of {option!r}")


def fill(page: Any, box: Any, text: str, *, enter: bool = False) -> None:
    """Type ``text`` in a text or number box once the page is idle, press Enter if ``enter``
    (a box outside a form takes its value then), then leave the box (``blur``, as a person
    clicking on the page's background; Tab would open a date field's calendar over a button)
    and wait until the app is idle again.

    Why leave it: a box hands its text to the app (to its form, in a form) when it loses focus,
    and the page then redraws. Left focused, it loses focus on the next mouse press, and under
    load that redraw lands between the press and the release: the release meets another
    element and the click is lost (a Create shortlist that sent nothing, a Donor list that
    stayed shut; seen in the browser's event log: mouseup on the select's outer div, no rerun
    request sent). Every click after typing therefore comes after ``fill``.
    """
    wait_until_idle(page)
    box.fill(text)
    if enter:
        box.press("Enter")
    box.blur()
    wait_until_idle(page)


def no_error(page: Any) -> None:
    """The page shows neither the app's "Something went wrong" message nor a traceback."""
    assert page.get_by_text(ERROR_TEXT).count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0


def open_page(page: Any, title: str) -> None:
    """Open the page ``title`` from the sidebar's navigation and wait until it is idle."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title, exact=True).wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)


def open_section(page: Any, name: str) -> None:
    """Open the sidebar section ``name`` ("Filters", "Score and weights") by clicking its
    header, as a person does; left as it is when already open. Shut, its widgets are not
    drawn, so wait for the run the click starts."""
    section = page.locator('[data-testid="stSidebar"] [data-testid="stExpander"]').filter(
        has=page.locator("summary", has_text=name)
    )
    section.wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    if section.locator("details[open]").count() == 0:
        section.locator("summary").click()
        section.locator("details[open]").wait_for(timeout=LONG_WAIT_MS)
    section.locator('[data-testid="stElementContainer"]').first.wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)


def shot(
    page: Any,
    path: Path,
    *,
    at: Any = None,
    height: int | None = None,
    full_page: bool = False,
    pause_ms: int = SHOT_PAUSE_MS,
) -> None:
    """Save what the person sees to ``path`` once the page is idle and has drawn: scrolled to
    ``at`` (a locator) when given, in a viewport ``height`` px tall when given (then put back).
    """
    if at is not None:
        at.first.scroll_into_view_if_needed()
    size = page.viewport_size
    if height is not None:
        page.set_viewport_size({"width": size["width"], "height": height})
    wait_until_idle(page)
    page.wait_for_timeout(pause_ms)
    page.screenshot(path=str(path), full_page=full_page)
    if height is not None:
        page.set_viewport_size(size)
