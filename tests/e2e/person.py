"""What a person does with the app's widgets, for every browser journey: pick an option, type
in a box. One copy, so a fix for a lost click or a dropped pick reaches every journey.

Both wait for the app to be idle (:mod:`tests.e2e.app_idle`) before and after: a rerun still to
come would close a list that was just opened or redraw a box empty, and the next step would act
on elements that rerun then replaces.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.app_idle import wait_until_idle

LONG_WAIT_MS = 180_000
# How long an open list gets to show the typed option before the down arrow opens it.
OPTION_WAIT_MS = 10_000


def choose(page: Any, label: str, option: str, *, scope: Any = None, exact: bool = False) -> None:
    """Pick ``option`` in the selectbox or multiselect labelled ``label`` by typing it, once the
    page is idle (a rerun still to come would close the box's list and drop what was typed).

    The box is held as an element once found: once open (in a form, at least) it is no longer
    found by its label, so a locator would wait for it in vain.
    """
    locator = (scope or page).get_by_role("combobox", name=label, exact=exact)
    locator.wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    box = locator.element_handle()
    box.click()
    box.fill(option)
    wanted = page.get_by_role("option", name=option).first
    try:
        wanted.wait_for(timeout=OPTION_WAIT_MS)
    except PlaywrightTimeoutError:
        # The list can stay shut with the text typed (seen in full runs, in a form after the
        # page's last rerun had ended); a person opens it with the down arrow.
        box.press("ArrowDown")
        wanted.wait_for(timeout=LONG_WAIT_MS)
    box.press("Enter")
    page.keyboard.press("Escape")  # a multiselect's list stays open after a pick
    wait_until_idle(page)


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
