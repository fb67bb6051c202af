"""Running a page so that an unexpected error becomes a clear message, never a traceback;
the app-wide sidebar settings; and what each page keeps in its link.

Every view element is in the address bar, so a copied link opens the same view: the Matches
page writes its whole view (:class:`ui.filters.MatchView`); the other pages keep the record
or list picked and the open tab through :func:`linked_pick` and :func:`linked_tabs`. A link
is read when it names something this session did not write itself (a fresh browser, a
pasted link, ``st.switch_page`` with parameters); an id that is gone is said, never replaced
silently by the first one.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Hashable, Mapping, Sequence
from urllib.parse import unquote

import streamlit as st
from streamlit.navigation.page import Page

from matcher.errors import LifeWebMatchError
from ui.display import (
    CURRENCIES,
    CURRENCY_KEY,
    CURRENCY_PARAM,
    DEFAULT_CURRENCY,
    app_query_params,
    currency_from_params,
)
from ui.layout import FOCUS_CSS
from ui.safe import escape_markdown

logger = logging.getLogger("lifeweb_match.app")

UNEXPECTED_ERROR_MESSAGE = (
    "Something went wrong on this page and it could not be shown. Nothing was saved by the "
    "failed step. Reload the page to try again; if it keeps happening, send the time of the "
    "error to whoever runs LifeWeb Match (the details are in the server log)."
)


USER_NAME_KEY = "user_name"
NAME_COOKIE = "lifeweb_user"
_NAME_COOKIE_DAYS = 365


def render_identity() -> None:
    """Who is working: the name saved with every change (imports, edits, shortlists, decisions).

    The name is kept in a cookie for a year, so a reload or the next visit still records
    changes under it rather than as "app user".
    """
    state = st.session_state
    if USER_NAME_KEY not in state:
        state[USER_NAME_KEY] = remembered_name(st.context.cookies)
    name = st.text_input(
        "Your name",
        key=USER_NAME_KEY,
        placeholder="recorded with your changes",
        help="Saved with every import, edit, shortlist change and decision you make; "
        "remembered in this browser.",
    )
    if name.strip() != remembered_name(st.context.cookies) or state.get("_name_cookie_sent"):
        # Write the cookie on every run once changed: st.context.cookies only shows what
        # the browser sent when this session started.
        state["_name_cookie_sent"] = True
        st.html(name_cookie_script(name), unsafe_allow_javascript=True)
    st.html(FOCUS_CSS)


def remembered_name(cookies: Mapping[str, str]) -> str:
    """The name this browser saved last time ("" when none)."""
    return unquote(str(cookies.get(NAME_COOKIE, "") or "")).strip()[:120]


def name_cookie_script(name: str) -> str:
    """A script that stores ``name`` in this browser's cookie (the text JSON-escaped)."""
    value = json.dumps(name.strip()[:120]).replace("<", "\\u003c")
    return (
        "<script>document.cookie = "
        f"'{NAME_COOKIE}=' + encodeURIComponent({value}) + "
        f"'; path=/; max-age={_NAME_COOKIE_DAYS * 86400}; SameSite=Lax';</script>"
    )


def seed_display_currency() -> None:
    """On arrival, a link's ``currency=`` chooses the currency (before any page reads it)."""
    state = st.session_state
    if CURRENCY_KEY not in state:
        state[CURRENCY_KEY] = currency_from_params(st.query_params.to_dict())


def render_display_currency() -> str:
    """The app-wide currency switch; a link's ``currency=`` sets it on arrival."""
    seed_display_currency()
    st.segmented_control(
        "Amounts in",
        CURRENCIES,
        key=CURRENCY_KEY,
        required=True,
        help="Every page shows, filters and sorts amounts in this currency, at the shipped "
        "ECB reference rates; each request's own amount and currency stay visible.",
    )
    return display_currency()


def display_currency() -> str:
    """The currency chosen in the sidebar (USD before anything is chosen)."""
    chosen = st.session_state.get(CURRENCY_KEY)
    return chosen if chosen in CURRENCIES else DEFAULT_CURRENCY


def keep_app_params() -> None:
    """Put the app-wide settings back into the URL after the page ran (pages rewrite it)."""
    wanted = app_query_params(display_currency())
    if wanted.get(CURRENCY_PARAM):
        if st.query_params.get(CURRENCY_PARAM) != wanted[CURRENCY_PARAM]:
            st.query_params[CURRENCY_PARAM] = wanted[CURRENCY_PARAM]
    elif CURRENCY_PARAM in st.query_params:
        del st.query_params[CURRENCY_PARAM]


_WRITTEN_PREFIX = "_link_written_"


def link_param(name: str) -> str:
    """The link's value for ``name`` ("" when absent; a repeated key's last value counts)."""
    values = st.query_params.get_all(name)
    return values[-1].strip() if values else ""


def keep_in_link(name: str, value: str, default: str = "") -> None:
    """Put ``value`` in the address bar as ``name=value`` (left out when it is the default)."""
    st.session_state[_WRITTEN_PREFIX + name] = value
    if value in ("", default):
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


def _arrived(name: str) -> str:
    """The link's value for ``name`` when this session did not write it itself, else ""."""
    wanted = link_param(name)
    if wanted and wanted != st.session_state.get(_WRITTEN_PREFIX + name):
        return wanted
    return ""


def linked_pick(name: str, key: str, ids: Sequence[Hashable], what: str) -> None:
    """Open the picker ``key`` at the id a link names (``name=<id>``); say so when it is gone.

    Call before the picker is drawn, and :func:`keep_in_link` with the choice after it.
    ``what`` names the thing in the message ("shortlist", "event", "donor").
    """
    wanted = _arrived(name)
    if not wanted:
        return
    match = next((i for i in ids if str(i) == wanted), None)
    if match is not None:
        st.session_state[key] = match
        return
    st.warning(
        escape_markdown(
            f"The link opens {what} {wanted}, which is not here any more (it was deleted, or "
            f"the link comes from another database). Pick a {what} below."
        ),
        icon=":material/link_off:",
    )


def fresh_label(key: str) -> None:
    """Make the picker ``key`` draw its chosen option's label as it reads now.

    Streamlit 1.67 keeps the label a select box showed when its option's label changes and its
    value does not (streamlit#13788): after a removal the shortlist picker still read "(4)"
    over three rows. Setting the value again before the box is drawn makes it redraw.
    """
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]


def tab_slug(label: str) -> str:
    """A tab's label as it reads in a link: "Funding history" is ``funding-history``."""
    return re.sub(r"[^a-z0-9]+", "-", label.casefold()).strip("-")


def linked_tabs(labels: Sequence[str], name: str = "tab", key: str = "") -> Sequence:
    """``st.tabs`` whose open tab is in the link (``name=<tab-slug>``; the first tab by default).

    The tabs rerun the page when switched (so the address bar follows); every tab's content
    still runs, as with plain ``st.tabs``. ``name`` must be unique on the page; ``key``
    (``tabs_<name>`` by default) is the tabs' session-state key, the open tab's label.
    """
    key = key or f"tabs_{name}"
    slugs = {tab_slug(label): label for label in labels}
    wanted = _arrived(name)
    if wanted in slugs:
        st.session_state[key] = slugs[wanted]
    elif wanted:
        st.info(
            escape_markdown(
                f"The link opens a tab '{wanted}' this page does not have; "
                f"'{labels[0]}' is open instead."
            ),
            icon=":material/link_off:",
        )
    if st.session_state.get(key) not in labels:
        st.session_state[key] = labels[0]
    tabs = st.tabs(list(labels), key=key, on_change="rerun")
    keep_in_link(name, tab_slug(st.session_state[key]), default=tab_slug(labels[0]))
    return tabs


def run_guarded(page: Page) -> None:
    """Run ``page``; errors the package raises on purpose show their own message.

    Streamlit's own rerun/stop signals derive from ``BaseException`` and pass through.
    """
    try:
        page.run()
    except LifeWebMatchError as error:
        st.error(escape_markdown(str(error), keep_lines=True), icon=":material/error:")
    except Exception:
        logger.exception("page %s failed", getattr(page, "title", "?"))
        st.error(UNEXPECTED_ERROR_MESSAGE, icon=":material/error:")
