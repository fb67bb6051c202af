"""The officer's learned-weights journey (issue 12, part 3), walked in Chromium.

Staff have recorded decisions on 18 proposals over the past weeks (the database this module's
app starts from holds them), each time accepting the donor whose geography fits and declining
the two the preset ranks first. The officer records two decisions on one more proposal on the
Shortlists page, opens the learned weights from the Matches page's weights, sees them counted
("learned from 56 decisions"), adopts the learned set, sees the Matches ranking change, finds
the set in the log under their name, and goes back to the preset in one click: the ranking is
the one they started from. Every step asserts what the person sees.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from tests.e2e.app_idle import wait_until_idle
from tests.e2e.conftest import REQUIRE_BROWSER_ENV, _streamlit_server, require_browser
from tests.e2e.grid import grid_rows, grid_table, table
from tests.e2e.person import LONG_WAIT_MS, choose, fill, no_error, open_section, shot

pytestmark = pytest.mark.browser

OFFICER = "Ana Pérez"
PROPOSALS = 19  # every proposal of the sample data that nobody funded
DECLINES = 2


def geography_decisions(n_proposals: int, declines: int = 1) -> list[tuple[str, str, str]]:
    """(proposal, donor, status): on proposals nobody funded, the donor whose geography fits
    best accepted, the preset's first ``declines`` choices declined (never the same donor).
    The accepted donor comes first, then the declined ones, for each proposal."""
    from matcher.combine import WEIGHT_PRESETS
    from matcher.load import load_donors, load_history, load_proposals
    from matcher.rank import Matcher
    from matcher.reference import data_dir
    from matcher.score import COMPONENTS
    from matcher.tagger import proposal_target_weights

    folder = data_dir()
    proposals = load_proposals(folder / "proposals.csv").frame
    donors = load_donors(folder / "donors.csv").frame
    history = load_history(folder / "history.csv").frame
    from matcher.shipped import choose_variant

    params = choose_variant().variant.params()  # the engine the app runs
    scores = (
        Matcher(weights="balanced", params=params)
        .fit(donors, history, proposals=proposals)
        .score(proposals, target_weights=proposal_target_weights(proposals))
    )
    preset = scores.combine(WEIGHT_PRESETS["balanced"])
    geography = scores.values[COMPONENTS.index("geography")]
    funded = set(history["proposal_id"].astype(str))
    rows: list[tuple[str, str, str]] = []
    for i, proposal_id in enumerate(scores.proposal_ids.astype(str)):
        if proposal_id in funded:
            continue
        top = np.argsort(-preset[i], kind="stable")[:declines]
        fits = geography[i].copy()
        fits[top] = -1
        rows.append((proposal_id, str(scores.donor_ids[int(np.argmax(fits))]), "accepted"))
        rows += [(proposal_id, str(scores.donor_ids[int(m)]), "declined") for m in top]
        if len(rows) == (1 + declines) * n_proposals:
            break
    return rows


@pytest.fixture(scope="module")
def journey_decisions() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(earlier, today): the decisions already recorded, and the two the officer records on
    the last proposal (its accepted donor and the first it declined)."""
    rows = geography_decisions(PROPOSALS, DECLINES)
    last = rows[-(1 + DECLINES) :]
    return rows[: -(1 + DECLINES)], last[:2]


@pytest.fixture(scope="module")
def own_app_server(
    tmp_path_factory: pytest.TempPathFactory, env_switch, journey_decisions
) -> Iterator[str]:
    """This module's own app, on a database holding the sample data, the earlier decisions and
    an event whose two donor lists carry the proposal the officer decides on."""
    require_browser(env_switch(REQUIRE_BROWSER_ENV))
    from matcher.reference import data_dir
    from matcher.store import open_store

    workdir = tmp_path_factory.mktemp("e2e-weights-server")
    store = open_store(f"sqlite:///{workdir / 'lifeweb.db'}")
    store.seed_if_empty(data_dir())
    earlier, today = journey_decisions
    for proposal_id, donor_id, status in earlier:
        store.record_decision(proposal_id, donor_id, status, by="Ben Okafor")
    event = store.create_event(
        "Vienna roundtable",
        event_date="2026-12-10",
        donor_ids=[d for _, d, _ in today],
        by="Ben Okafor",
    )
    for proposal_id, donor_id, _ in today:
        store.add_to_event(event, proposal_id, donor_id=donor_id)
    store.close()
    with _streamlit_server(workdir) as url:
        yield url


def open_matches(page) -> list[list[str]]:
    page.goto("/")
    page.get_by_role("heading", name="Matches", exact=True).wait_for(timeout=LONG_WAIT_MS)
    page.get_by_text("proposals match; showing").first.wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    no_error(page)
    return [row[:2] for row in grid_table(table(page, 0), 8)[1]]


def preset_shown(page) -> str:
    """The preset picked in the sidebar and the caption that says what is in force."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    open_section(page, "Score and weights")
    picked = sidebar.get_by_role("combobox", name="Preset").input_value()
    caption = sidebar.get_by_text("In force: ").inner_text()
    return f"{picked} / {caption}"


def open_panel(page):
    sidebar = page.locator('[data-testid="stSidebar"]')
    open_section(page, "Score and weights")
    sidebar.get_by_role("button", name="Learned weights").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Every set put in force").wait_for(timeout=LONG_WAIT_MS)
    dialog.get_by_text("learned from").first.wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)
    return dialog


def donor_name(donor_id: str) -> str:
    from matcher.load import load_donors
    from matcher.reference import data_dir

    donors = load_donors(data_dir() / "donors.csv").frame
    return str(donors.set_index("donor_id").at[donor_id, "name"])


def record(page, shortlist: str, proposal_id: str, status: str) -> None:
    choose(page, "Shortlist", shortlist)
    page.get_by_role("heading", name="Vienna roundtable").wait_for(timeout=LONG_WAIT_MS)
    page.get_by_text(f"Record a decision on {proposal_id} with").wait_for(timeout=LONG_WAIT_MS)
    choose(page, "Decision", status)
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text(f"Recorded '{status}'").first.wait_for(timeout=LONG_WAIT_MS)
    wait_until_idle(page)


def test_officer_records_decisions_adopts_learned_weights_and_goes_back_in_one_click(
    own_page, screenshot_dir, journey_decisions
) -> None:
    page = own_page
    page.set_default_timeout(LONG_WAIT_MS)
    earlier, today = journey_decisions
    n_decisions = len(earlier) + len(today)
    (proposal_id, accepted, _), (_, declined, _) = today

    # The ranking as the preset gives it, and the preset in force.
    before = open_matches(page)
    assert "weights in force / In force: balanced preset." in preset_shown(page)
    name = page.locator('[data-testid="stSidebar"]').get_by_role("textbox", name="Your name")
    fill(page, name, OFFICER, enter=True)

    # Before today's decisions: the earlier ones are counted.
    dialog = open_panel(page)
    assert dialog.get_by_text(f"learned from {n_decisions - 2} decisions").count() == 1
    assert dialog.get_by_text("Weights in force: balanced preset").count() == 1
    assert dialog.get_by_text("None yet: the shipped preset has been in force").count() == 1
    page.keyboard.press("Escape")

    # Today's decisions on the event's two lists, from the Shortlists page.
    page.goto("/shortlists")
    page.get_by_role("heading", name="Shortlists", exact=True).wait_for()
    wait_until_idle(page)
    record(page, f"Vienna roundtable · {donor_name(accepted)}", proposal_id, "accepted")
    record(page, f"Vienna roundtable · {donor_name(declined)}", proposal_id, "declined")
    shot(page, screenshot_dir / "weights-1-decisions-recorded.png", full_page=True)

    # The panel counts them, offers the learned set, and says how it was judged.
    open_matches(page)
    dialog = open_panel(page)
    assert dialog.get_by_text(f"learned from {n_decisions} decisions").count() == 1
    assert dialog.get_by_text("funding records").first.is_visible()
    assert dialog.get_by_text("Can be adopted").count() == 1
    assert dialog.get_by_text("95% interval").first.is_visible()
    shot(page, screenshot_dir / "weights-2-panel-offers-learned-set.png", full_page=True)
    dialog.get_by_role("button", name="Adopt the learned weights").click()
    page.get_by_role("dialog").wait_for(state="detached", timeout=LONG_WAIT_MS)
    wait_until_idle(page)

    # Matches now ranks with the adopted set, for everyone (a fresh tab sees it too).
    adopted = open_matches(page)
    assert "weights in force / In force: learned set, adopted" in preset_shown(page)
    assert OFFICER in preset_shown(page)
    assert adopted != before
    shot(page, screenshot_dir / "weights-3-matches-learned.png", full_page=True)

    # The log holds the set with who and its figures; one click goes back.
    dialog = open_panel(page)
    log = (
        grid_rows(table(dialog, 0)) if dialog.locator('[data-testid="stDataFrame"]').count() else []
    )
    assert any(OFFICER in cell for row in log for cell in row)
    assert any("learned set adopted" in cell for row in log for cell in row)
    assert dialog.get_by_text("This learned set is the one in force.").count() == 1
    assert dialog.get_by_role("button", name="Adopt the learned weights").count() == 0
    page.set_viewport_size({"width": 1400, "height": 1900})  # the whole dialog, log included
    shot(page, screenshot_dir / "weights-4-panel-log.png", full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    dialog.get_by_role("button", name="Back to the previous weights").click()
    page.get_by_role("dialog").wait_for(state="detached", timeout=LONG_WAIT_MS)
    wait_until_idle(page)

    back = open_matches(page)
    assert "weights in force / In force: balanced preset." in preset_shown(page)
    assert back == before
    shot(page, screenshot_dir / "weights-5-matches-back-to-preset.png", full_page=True)
