"""The Matches page's view: what it shows, read from the link and the widgets, and its rows.

Widget state round-trips through the URL (:class:`ui.filters.MatchView`): a link copied
from the address bar opens the same donor or proposal, filters and weights. Streamlit drops
a page's widget state when the user visits another page, so the last view is also kept in
session state and restored on return. :mod:`ui.match_view_panel` draws the sections.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from matcher.contract import ECOSYSTEMS
from matcher.explain import PairExplanation
from matcher.score import COMPONENTS
from matcher.tagger import target_label
from ui import matching, national_targets, services, weights_panel
from ui import weights as weight_sets
from ui.display import to_display
from ui.filters import (
    GROUP_FLAGS,
    MatchView,
    pair_mask,
    proposal_mask,
    region_options,
    sort_pairs,
    url_notes,
)
from ui.matching import Analysis
from ui.pages import display_currency
from ui.words import key_words

__all__ = [
    "component_rows",
    "current_view",
]

SAVED_VIEW_KEY = "match_view_saved"
FILTERS_OPEN_KEY = "mv_filters_open"
WEIGHTS_OPEN_KEY = "mv_weights_open"
DRAWN_KEY = "mv_sections_drawn"  # the sidebar sections the last run drew open
_ECOSYSTEM_LABELS = {e: key_words(e) for e in ECOSYSTEMS}  # marine and coastal areas


def _key(name: str) -> str:
    return f"mv_{name}"


def _options(found: Analysis) -> dict[str, list]:
    proposals = found.proposals
    countries = sorted({c for cs in proposals["countries"] for c in (cs or ())})
    statuses = sorted({str(s) for s in proposals["status"].fillna("") if str(s).strip()})
    return {
        "donor_id": [str(d) for d in found.scores.donor_ids],
        "proposal_id": [str(p) for p in found.scores.proposal_ids],
        "regions": region_options(),
        "countries": countries,
        "groups": list(GROUP_FLAGS),
        "aichi_targets": list(range(1, 21)),
        "gbf_targets": list(range(1, 24)),
        "ecosystems": list(ECOSYSTEMS),
        "statuses": statuses,
        "preset": matching.preset_names(),
    }


_LIST_FIELDS = (
    "regions",
    "countries",
    "groups",
    "aichi_targets",
    "gbf_targets",
    "ecosystems",
    "statuses",
)
"""The view's fields a multiselect holds (a list of options)."""
SECTION_FIELDS = {
    "filters": (
        *_LIST_FIELDS,
        "amount_min",
        "amount_max",
        "eligible_only",
        "nbsap_only",
    ),
    "weights": ("preset", "min_score", *(f"w_{component}" for component in COMPONENTS)),
}
"""The view's fields whose widgets sit in each sidebar section (drawn only while it is open)."""
_SEEDED = (
    "view",
    *SECTION_FIELDS["filters"],
    *SECTION_FIELDS["weights"],
    "include_funded",
    "sort",
    "order",
)
"""The view's fields held by a widget's state (seeded from the view when missing)."""


def _stale_keys() -> set[str]:
    """Widget keys whose state this run cannot trust: those of the sections the last run did
    not draw, and any missing. A widget a run leaves out keeps no usable state (the browser
    reports it at its default), so the view, not the widget, holds its value until its
    section is drawn open again."""
    state = st.session_state
    drawn = state.get(DRAWN_KEY, set())
    state[DRAWN_KEY] = set()  # set again by the run that draws a section
    stale = {_key(name) for name in _SEEDED if _key(name) not in state}
    for section, names in SECTION_FIELDS.items():
        if section not in drawn:
            stale.update(_key(name) for name in names)
    return stale


def mark_drawn(section: str) -> None:
    """Say that this run draws ``section``'s widgets (the next run can trust their state)."""
    st.session_state.setdefault(DRAWN_KEY, set()).add(section)


def _seeded_values(view: MatchView, options: dict[str, list]) -> dict[str, object]:
    """A view's values as the widgets hold them, by widget key (only valid options)."""
    values: dict[str, object] = {_key("view"): view.view}
    for name in ("donor_id", "proposal_id"):
        value = getattr(view, name)
        values[_key(name)] = value if value in options[name] else options[name][0]
    for name in _LIST_FIELDS:
        values[_key(name)] = [v for v in getattr(view, name) if v in options[name]]
    values[_key("amount_min")] = view.amount_min
    values[_key("amount_max")] = view.amount_max
    values[_key("min_score")] = float(view.min_score)
    values[_key("eligible_only")] = bool(view.eligible_only)
    values[_key("nbsap_only")] = bool(view.nbsap_only)
    values[_key("include_funded")] = bool(view.include_funded)
    values[_key("sort")] = view.sort
    values[_key("order")] = view.order
    preset = view.preset if view.preset in options["preset"] else weight_sets.IN_FORCE
    values[_key("preset")] = preset
    weights = matching.weights_from(preset, view.weights)
    for component in COMPONENTS:
        values[_key(f"w_{component}")] = float(weights[component])
    return values


def _seed_widgets(view: MatchView, options: dict[str, list], keys: set[str] | None = None) -> None:
    """Put a view's values into the widgets' session state (only ``keys``, when given)."""
    state = st.session_state
    for key, value in _seeded_values(view, options).items():
        if keys is None or key in keys:
            state[key] = value


def _apply_preset() -> None:
    preset = st.session_state[_key("preset")]
    for component, weight in matching.preset_weights(preset).items():
        st.session_state[_key(f"w_{component}")] = float(weight)


def _follow_weights_in_force() -> None:
    """When another session (or this one) adopts or restores a set, sliders on "in force"
    move to it, instead of keeping the old set as if the officer had set it by hand."""
    state = st.session_state
    row = weight_sets.in_force().row_id
    if state.pop(weights_panel.FOLLOW_KEY, False):
        # This officer just adopted or went back: show them the set now in force.
        state[_key("preset")] = weight_sets.IN_FORCE
    changed = state.get(_key("in_force_row"), row) != row
    if changed and state.get(_key("preset")) == weight_sets.IN_FORCE:
        _apply_preset()
    state[_key("in_force_row")] = row
    weights_panel.show_flash()


def _initial_view() -> MatchView:
    params = st.query_params.to_dict()
    if params:
        return MatchView.from_query_params(params)
    return _saved_view()


def current_view(found: Analysis) -> tuple[MatchView, list[str]]:
    """The view this run shows, read from the widgets' state, and put into the URL.

    On arrival the state is seeded from the link (or the last visit), so the ranked table can
    be drawn before any widget: :func:`render_controls` and :func:`render_filters` come after
    it. Also returns what the link asked for that could not be shown (said above the table).
    """
    options = _options(found)
    notes: list[str] = []
    # The sidebar's widgets come after the table (and are drawn only while their section is
    # open), so a run that stopped before them, or left them out, has no state of theirs.
    if _key("view") not in st.session_state:  # arriving: from a link, or back from a page
        initial = _initial_view()
        _seed_widgets(initial, options)
        st.session_state[SAVED_VIEW_KEY] = initial
        st.session_state[DRAWN_KEY] = set()
        notes = list(url_notes(st.query_params.to_dict()))
        missing = _missing_pick(initial, options)
        if missing:
            notes.append(missing)
    else:
        _seed_widgets(_saved_view(), options, _stale_keys())
    _follow_weights_in_force()
    # Only one picker is on screen; the other keeps its value in the saved view.
    saved = _saved_view()
    for name in ("donor_id", "proposal_id"):
        if _key(name) not in st.session_state:
            value = getattr(saved, name)
            st.session_state[_key(name)] = value if value in options[name] else options[name][0]
    view = _view_from_widgets()
    st.session_state[SAVED_VIEW_KEY] = view
    st.session_state[matching.WEIGHTS_STATE_KEY] = matching.weights_from(view.preset, view.weights)
    st.query_params.from_dict(view.to_query_params())
    return view, notes


def _missing_pick(view: MatchView, options: dict[str, list]) -> str:
    """What to say when the link's donor or proposal is not in the database ("" when it is)."""
    name, what = ("donor_id", "donor") if view.view == "donor" else ("proposal_id", "proposal")
    wanted = getattr(view, name)
    if not wanted or wanted in options[name]:
        return ""
    return (
        f"The link opens {what} '{wanted}', which is not in the database (it was deleted, or "
        f"the link comes from another database); the first {what} in the list is shown instead."
    )


def _saved_view() -> MatchView:
    saved = st.session_state.get(SAVED_VIEW_KEY)
    return saved if isinstance(saved, MatchView) else MatchView()


def _view_from_widgets() -> MatchView:
    state = st.session_state
    saved = _saved_view()
    preset = state[_key("preset")]
    preset_weights = matching.preset_weights(preset)
    overrides = {
        c: float(state[_key(f"w_{c}")])
        for c in COMPONENTS
        if not np.isclose(float(state[_key(f"w_{c}")]), preset_weights[c])
    }
    if sum(float(state[_key(f"w_{c}")]) for c in COMPONENTS) <= 0:
        overrides = {}
    amount_min, amount_max = state[_key("amount_min")], state[_key("amount_max")]
    return MatchView(
        view=state[_key("view")] or "donor",
        donor_id=str(state.get(_key("donor_id"), saved.donor_id)),
        proposal_id=str(state.get(_key("proposal_id"), saved.proposal_id)),
        regions=tuple(state[_key("regions")]),
        countries=tuple(state[_key("countries")]),
        groups=tuple(state[_key("groups")]),
        aichi_targets=tuple(sorted(state[_key("aichi_targets")])),
        gbf_targets=tuple(sorted(state[_key("gbf_targets")])),
        ecosystems=tuple(state[_key("ecosystems")]),
        amount_min=None if amount_min is None else float(amount_min),
        amount_max=None if amount_max is None else float(amount_max),
        statuses=tuple(state[_key("statuses")]),
        min_score=float(state[_key("min_score")]),
        eligible_only=bool(state[_key("eligible_only")]),
        nbsap_only=bool(state.get(_key("nbsap_only"), False)),
        include_funded=bool(state[_key("include_funded")]),
        sort=str(state.get(_key("sort")) or "match"),
        order=str(state.get(_key("order")) or "desc"),
        currency=display_currency(),
        explain=saved.explain,
        round_id=saved.round_id,
        preset=preset,
        weights=overrides,
    )


def _filtered(found: Analysis, view: MatchView) -> pd.DataFrame:
    """Pairs for the chosen donor or proposal, after every filter, best first."""
    weights = matching.weights_from(view.preset, view.weights)
    if view.view == "donor":
        pairs = matching.donor_pairs(view.donor_id, weights)
        proposals = found.proposals
        if view.nbsap_only:
            served = national_targets.served_proposal_ids(
                proposals, services.portfolio().fingerprint
            )
            ids = proposals["proposal_id"].astype(str)
            proposals = proposals.assign(serves_national_targets=ids.where(ids.isin(served), ""))
        proposals = _in_display_currency(proposals, view.currency)
        keep = proposals[proposal_mask(proposals, view)]["proposal_id"].astype(str)
        pairs = pairs[pairs["proposal_id"].isin(set(keep))]
    else:
        pairs = matching.proposal_pairs(view.proposal_id, weights)
    pairs = pairs[pair_mask(pairs, view)].reset_index(drop=True)
    if view.is_ranked:
        return pairs
    info = _in_display_currency(found.proposals, view.currency)
    requested = dict(zip(info["proposal_id"].astype(str), info["requested_display"], strict=True))
    return sort_pairs(pairs, view, requested)


def _in_display_currency(proposals: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The proposals with ``requested_display``: each request in the display currency."""
    return proposals.assign(
        requested_display=to_display(
            proposals["requested_amount"], proposals["currency"], currency
        ).to_numpy()
    )


def _ecosystem_cell(used: object, detected: object) -> str:
    names = ", ".join(_ECOSYSTEM_LABELS.get(e, e) for e in (used or ()))
    return f"{names} (detected)" if names and detected else names


def _latest_decisions(pairs: pd.DataFrame) -> list[str]:
    """Where each pair stands in the decision log ("" when nothing was recorded)."""
    latest = services.get_store().latest_decisions()
    if latest.empty:
        return [""] * len(pairs)
    status = dict(
        zip(
            zip(latest["proposal_id"].astype(str), latest["donor_id"].astype(str), strict=True),
            latest["status"].astype(str),
            strict=True,
        )
    )
    return [
        status.get((str(p), str(d)), "")
        for p, d in zip(pairs["proposal_id"], pairs["donor_id"], strict=True)
    ]


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def component_rows(components: pd.DataFrame) -> pd.DataFrame:
    """The components table as a person reads it: a part nobody can compare says so in words
    ("not stated", "left out") where a number would show as an empty cell or "None"."""
    value = components["value"].astype(float)
    contribution = components["contribution"].astype(float)
    return pd.DataFrame(
        {
            "component": components["component"],
            "value": [f"{v:.2f}" if np.isfinite(v) else "not stated" for v in value],
            "weight": components["weight"].astype(float),
            "contribution": [f"{c:.2f}" if np.isfinite(c) else "left out" for c in contribution],
            "sentence": components["sentence"].fillna("").astype(str),
        }
    )


def _evidence_lines(detail: PairExplanation) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    for number in detail.shared_targets:
        lines.append(("shared Aichi target", target_label("aichi", number)))
    for number in detail.shared_gbf_targets:
        lines.append(("GBF successor", target_label("gbf", number)))
    if detail.shared_ecosystems:
        names = (_ECOSYSTEM_LABELS.get(e, e) for e in detail.shared_ecosystems)
        lines.append(("shared ecosystems", ", ".join(names)))
    if detail.shared_terms:
        lines.append(("shared terms", ", ".join(detail.shared_terms)))
    return lines
