"""The learned-weights panel, opened from the weights on the Matches page.

It says which weights are in force, what a set learned from the records and the staff's
decisions would be, with its nested figure beside the preset's, and either offers to adopt it
or says why not; every set ever in force is listed, and one click puts the previous one back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from matcher.learn.adoption import Assessment
from matcher.score import COMPONENTS
from ui import services, weights
from ui.matching import COMPONENT_LABELS
from ui.safe import escape_markdown

if TYPE_CHECKING:
    import altair as alt

__all__ = ["open_weights_dialog", "render_weights_panel"]

FLASH_KEY = "weights_flash"
FOLLOW_KEY = "weights_follow"
"""Set after adopting or going back: the Matches page switches its preset to "in force"."""


def weights_chart(sets: dict[str, dict[str, float]]) -> alt.Chart:
    """Grouped horizontal bars: each component's weight in each set (preset, learned, ...)."""
    import altair as alt  # loaded when the panel opens, not with the Matches page

    frame = pd.DataFrame(
        [
            {"component": COMPONENT_LABELS.get(c, c), "set": name, "weight": float(w.get(c, 0.0))}
            for name, w in sets.items()
            for c in COMPONENTS
        ]
    )
    order = [COMPONENT_LABELS.get(c, c) for c in COMPONENTS]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("component:N", sort=order, title=None),
            yOffset=alt.YOffset("set:N", sort=list(sets)),
            x=alt.X("weight:Q", title="weight"),
            color=alt.Color("set:N", sort=list(sets), title=None, legend=alt.Legend(orient="top")),
            tooltip=[
                alt.Tooltip("component:N"),
                alt.Tooltip("set:N"),
                alt.Tooltip("weight:Q", format=".2f"),
            ],
        )
        .properties(height=len(COMPONENTS) * (16 * len(sets) + 12))
    )


def _figures(found: Assessment) -> None:
    st.markdown(f"**{escape_markdown(found.summary())}**")
    left, middle, right = st.columns(3)
    left.metric(
        "Agreement, preset",
        f"{found.agreement_preset.mean:.3f}",
        help="Share of (right donor, other donor) pairs the preset puts in the recorded "
        "order, mean over proposals; "
        f"95% interval {found.agreement_preset.low:.2f} to {found.agreement_preset.high:.2f}.",
    )
    middle.metric(
        "Agreement, learned (nested)",
        f"{found.agreement_learned.mean:.3f}",
        delta=f"{found.gain.mean:+.3f}",
        help="The same, each proposal scored with weights fitted without it; "
        f"95% interval {found.agreement_learned.low:.2f} to {found.agreement_learned.high:.2f}.",
    )
    if found.hit3_learned is not None and found.hit3_preset is not None:
        right.metric(
            "hit@3 on funding records",
            f"{found.hit3_learned.mean:.3f}",
            delta=f"{found.hit3_learned.mean - found.hit3_preset.mean:+.3f} vs preset",
            help="Share of funded proposals whose funder is among the top 3 donors, nested; "
            f"learned {found.hit3_learned}, preset {found.hit3_preset} (95% intervals).",
        )
    st.caption(
        f"{found.n_proposals} proposals with an outcome: {found.n_funding_records} LifeWeb "
        f"funding records (each funded proposal replayed without its own records) and "
        f"{found.n_decisions} decisions staff recorded (accepted, funded or pledged above "
        "contacted, contacted above declined; the latest per donor and proposal). Intervals: "
        "bootstrap 95% over proposals."
    )
    parts = [
        f"{source}s {gain.mean:+.3f} [{gain.low:+.2f}, {gain.high:+.2f}]"
        for source, gain in found.gain_by_source.items()
    ]
    if parts:
        st.caption("Agreement gain on each kind of outcome alone: " + "; ".join(parts) + ".")


def _same(a: dict[str, float], b: dict[str, float]) -> bool:
    return all(abs(a.get(c, 0.0) - b.get(c, 0.0)) < 1e-9 for c in COMPONENTS)


def _actions(found: Assessment | None, now: weights.InForce) -> None:
    who = services.current_user()
    adopt_col, back_col = st.columns(2)
    in_force_already = found is not None and not now.is_preset and _same(now.weights, found.weights)
    if in_force_already:
        adopt_col.caption("This learned set is the one in force.")
    elif (
        found is not None
        and found.adopt
        and adopt_col.button(
            "Adopt the learned weights",
            type="primary",
            icon=":material/check:",
            key="weights_adopt",
        )
    ):
        weights.adopt(found, by=who)
        st.session_state[FOLLOW_KEY] = True
        st.session_state[FLASH_KEY] = (
            "Learned weights adopted: every ranking uses them now. "
            "'Back to the previous weights' undoes it."
        )
        st.rerun()
    back = weights.previous_label()
    if back is not None and back_col.button(
        "Back to the previous weights",
        icon=":material/undo:",
        key="weights_back",
        help=f"Puts {back} in force again (a new row in the log below).",
    ):
        weights.back_to_previous(by=who)
        st.session_state[FOLLOW_KEY] = True
        st.session_state[FLASH_KEY] = f"Back to {back}: every ranking uses it now."
        st.rerun()
    if back is not None:
        back_col.caption(f"One click back puts {escape_markdown(back)} in force.")


def render_weights_panel() -> None:
    """The panel's content (the dialog draws it; a test can draw it on a page)."""
    now = weights.in_force()
    st.markdown(f"Weights in force: **{escape_markdown(now.label)}**")
    found = weights.assessment()
    if found is None:
        st.info("There are no proposals or donors yet, so there is nothing to learn from.")
    else:
        _figures(found)
        sets = {"preset": found.preset, "learned": found.weights}
        if not now.is_preset and not _same(now.weights, found.weights):
            sets["in force"] = now.weights
        st.altair_chart(weights_chart(sets), width="stretch")
        if found.adopt:
            st.success(escape_markdown(found.reason), icon=":material/thumb_up:")
        else:
            st.info(escape_markdown(found.reason), icon=":material/info:")
        if found.warning:
            st.warning(escape_markdown(found.warning), icon=":material/warning:")
    _actions(found, now)
    st.markdown("**Every set put in force**")
    log = weights.history_table()
    if log.empty:
        st.caption("None yet: the shipped preset has been in force all along.")
    else:
        st.dataframe(log, hide_index=True, width="stretch")


@st.dialog("Learned weights", width="large")
def _dialog() -> None:
    render_weights_panel()


def open_weights_dialog() -> None:
    """Open the panel over the page."""
    _dialog()


def show_flash() -> None:
    """After adopting or going back, say so once on the page the dialog closed onto."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.toast(escape_markdown(message), icon=":material/tune:")
