"""Browsing, searching and editing stored proposals and donor profiles.

Edits go through the persistence layer with the version the form was opened at: if a
colleague saved the same record meanwhile, the store refuses (``StaleWriteError``) and the
page says so instead of overwriting their change. List fields are typed as people write
them ("Kenya, Uganda"; "11, 15") and parsed by the same normalisers the readers use.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from matcher.contract import ECOSYSTEMS, REGION_GROUPS
from matcher.errors import LifeWebMatchError
from matcher.normalise import parse_amount, parse_countries, parse_regions, suggest_countries
from matcher.store.errors import StaleWriteError
from matcher.words import country_search_text
from ui import services
from ui.pages import keep_in_link, linked_pick, linked_tabs
from ui.safe import escape_markdown, flatten_for_display, join_values, one_line
from ui.words import counted, country_list, ecosystem_list, key_words

__all__ = [
    "TABLE_HEADERS",
    "FormProblem",
    "parse_country_field",
    "parse_money_field",
    "readable_table",
    "render_donor_browser",
    "render_proposal_browser",
    "search_frame",
]

PROPOSAL_TABLE_COLUMNS = (
    "proposal_id",
    "title",
    "countries",
    "requested_amount",
    "secured_amount",
    "currency",
    "aichi_targets",
    "gbf_targets",
    "ecosystems",
    "status",
    "submitted_on",
)
DONOR_TABLE_COLUMNS = (
    "donor_id",
    "name",
    "donor_type",
    "aichi_targets",
    "eligible_regions",
    "min_grant",
    "max_grant",
    "annual_budget",
    "currency",
    "active",
)


# Column headers as a person reads them; the frames keep the contract's names.
TABLE_HEADERS = {
    "proposal_id": "id",
    "donor_id": "id",
    "requested_amount": "requested",
    "secured_amount": "secured",
    "aichi_targets": "Aichi targets",
    "gbf_targets": "GBF targets",
    "submitted_on": "submitted",
    "donor_type": "type",
    "eligible_regions": "eligible regions",
    "min_grant": "minimum grant",
    "max_grant": "maximum grant",
    "annual_budget": "annual budget",
}
_AMOUNTS = ("requested_amount", "secured_amount", "min_grant", "max_grant", "annual_budget")


def readable_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A stored table as people read it: countries by name, ecosystems and donor types in
    words ("marine and coastal areas", "bilateral government"), lists as text."""
    shown = frame.copy()
    for column in ("countries", "eligible_countries", "excluded_countries"):
        if column in shown:
            shown[column] = shown[column].map(country_list)
    if "ecosystems" in shown:
        shown["ecosystems"] = shown["ecosystems"].map(ecosystem_list)
    if "donor_type" in shown:
        shown["donor_type"] = shown["donor_type"].map(key_words)
    return flatten_for_display(shown)


def _table_config(columns: Iterable[str]) -> dict[str, object]:
    """Readable headers for the record tables (amounts with thousands separators)."""
    config: dict[str, object] = {}
    for column in columns:
        label = TABLE_HEADERS.get(column, column.replace("_", " "))
        config[column] = (
            st.column_config.NumberColumn(label, format="%,.0f")
            if column in _AMOUNTS
            else st.column_config.Column(label)
        )
    return config


class FormProblem(LifeWebMatchError, ValueError):
    """A value typed into an edit form cannot be used; the message says which and why."""


def search_frame(frame: pd.DataFrame, query: str, columns: Iterable[str]) -> pd.DataFrame:
    """Rows where every word of ``query`` appears (any case) in one of ``columns``."""
    words = one_line(query).casefold().split()
    if not words or frame.empty:
        return frame
    present = [c for c in columns if c in frame.columns]
    haystack = pd.Series("", index=frame.index)
    for column in present:
        haystack = haystack + " " + frame[column].map(join_values).astype(str).str.casefold()
    mask = pd.Series(True, index=frame.index)
    for word in words:
        mask &= haystack.str.contains(word, regex=False)
    return frame[mask]


def parse_country_field(text: str, *, field_name: str = "countries") -> tuple[str, ...]:
    """ISO alpha-3 codes from a typed list of countries; unknown names raise with suggestions."""
    parsed = parse_countries(text)
    if parsed.unknown:
        hints = []
        for name in parsed.unknown:
            near = suggest_countries(name)
            hint = f"'{name}'" + (f" (did you mean {', '.join(near)}?)" if near else "")
            hints.append(hint)
        raise FormProblem(f"Unknown country in {field_name}: {'; '.join(hints)}.")
    return parsed.codes


def parse_money_field(text: str, *, field_name: str) -> float:
    """A typed amount ("1.2 million", "850,000"); blank gives NaN; bad or negative raises."""
    if not one_line(text):
        return math.nan
    parsed = parse_amount(text)
    if parsed.problem or math.isnan(parsed.value):
        reason = parsed.problem or "no number"
        raise FormProblem(f"{field_name}: {reason}.")
    return float(parsed.value)


def _parse_region_field(text: str) -> tuple[str, ...]:
    parsed = parse_regions(text)
    if parsed.unknown:
        raise FormProblem(
            "Unknown region or group: "
            + ", ".join(f"'{u}'" for u in parsed.unknown)
            + ". Use UN M49 region names (e.g. 'Eastern Africa') or LDC, LLDC, SIDS."
        )
    return parsed.values


def _money_text(value: object) -> str:
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return "" if pd.isna(number) else f"{number:,.0f}"


def _as_ints(value: object) -> list[int]:
    if isinstance(value, tuple | list):
        return sorted({int(v) for v in value})
    return []


def _target_format(framework: str) -> Callable[[int], str]:
    def label(number: int) -> str:
        from matcher.tagger import target_label  # the tagger loads scikit-learn: on use only

        return target_label(framework, number)

    return label


@dataclass(frozen=True)
class _Record:
    record_id: str
    version: int | None
    row: pd.Series


def _pick_record(
    frame: pd.DataFrame, id_column: str, label_column: str, key: str
) -> _Record | None:
    if frame.empty:
        return None
    ids = frame[id_column].astype(str).tolist()
    labels = dict(zip(ids, frame[label_column].map(lambda t: one_line(t, limit=90)), strict=True))
    kind = id_column.removesuffix("_id")  # the link's parameter: proposal=..., donor=...
    linked_pick(kind, key, ids, kind)
    chosen = st.selectbox(
        "Record to view or edit", ids, key=key, format_func=lambda i: f"{i} · {labels.get(i, '')}"
    )
    keep_in_link(kind, chosen)
    row = frame[frame[id_column].astype(str) == chosen].iloc[0]
    stored = row.get("version")
    current = None if pd.isna(stored) else int(stored)
    # The version the person opened the form at, kept until they save or pick another
    # record: the portfolio is read again as soon as anyone writes, so re-reading it here
    # would re-key the form and drop a late edit without a word instead of refusing it.
    opened = st.session_state.get(_opened_key(kind))
    if not (isinstance(opened, tuple) and opened[0] == chosen):
        opened = (chosen, current)
        st.session_state[_opened_key(kind)] = opened
    return _Record(chosen, opened[1], row)


def _opened_key(kind: str) -> str:
    return f"{kind}_opened_version"


def _save(kind: str, record: _Record, changes: dict[str, object]) -> None:
    store = services.get_store()
    update = getattr(store, f"update_{kind}")
    try:
        update(
            record.record_id, changes, expected_version=record.version, by=services.current_user()
        )
    except LifeWebMatchError as error:
        st.error(escape_markdown(str(error), keep_lines=True), icon=":material/error:")
        if isinstance(error, StaleWriteError):  # the next run opens the current version
            st.session_state.pop(_opened_key(kind), None)
        return
    st.session_state.pop(_opened_key(kind), None)
    services.mark_changed()
    st.session_state[f"{kind}_saved_message"] = f"Saved {kind} {record.record_id}."
    st.rerun()


def _show_saved(kind: str) -> None:
    message = st.session_state.pop(f"{kind}_saved_message", None)
    if message:
        st.success(escape_markdown(message), icon=":material/check_circle:")


# --- proposals -------------------------------------------------------------------------
def render_proposal_browser() -> None:
    """Search the stored proposals, show them as a table, and edit one in a form."""
    data = services.portfolio()
    proposals = data.proposals
    _show_saved("proposal")
    if proposals.empty:
        st.info(
            "No proposals are stored yet. Upload a file in the first tab.", icon=":material/info:"
        )
        return
    query = st.text_input(
        "Search proposals",
        key="proposal_search",
        placeholder="id, title, country, words of the summary",
    )
    searchable = proposals.assign(country_names=proposals["countries"].map(country_search_text))
    found = search_frame(
        searchable,
        query,
        ("proposal_id", "title", "countries", "country_names", "summary", "status"),
    )
    st.caption(f"{len(found)} of {counted(len(proposals), 'proposal')}")
    shown = [c for c in PROPOSAL_TABLE_COLUMNS if c in found.columns]
    st.dataframe(
        readable_table(found[shown]),
        hide_index=True,
        key="proposal_table",
        column_config=_table_config(shown),
    )
    record = _pick_record(found, "proposal_id", "title", "proposal_pick")
    if record is None:
        return
    _render_proposal_detail(record)


def _render_proposal_detail(record: _Record) -> None:
    row = record.row
    with st.expander("Full text", expanded=False):
        for column in ("summary", "description", "objectives", "nbsap_alignment"):
            if column in row and one_line(row[column]):
                st.caption(column.replace("_", " ").capitalize())
                st.text(str(row[column]))
    with st.expander("Targets and national strategy (NBSAP)", expanded=False):
        _render_target_review(row)
    key = f"proposal_{record.record_id}_{record.version}"
    with st.form(f"edit_{key}"):
        st.caption(
            f"Edit proposal {escape_markdown(record.record_id)} "
            f"(version {record.version if record.version is not None else 'n/a'}); "
            "the previous version is kept."
        )
        title = st.text_input("Title", value=one_line(row.get("title", "")))
        countries = st.text_input(
            "Countries",
            value=country_list(row.get("countries", ())),
            help="Names or ISO codes, separated by commas: 'Kenya, Uganda' or 'KEN, UGA'.",
        )
        left, right, currency_col = st.columns([2, 2, 1])
        requested = left.text_input(
            "Requested amount", value=_money_text(row.get("requested_amount"))
        )
        secured = right.text_input(
            "Secured amount (co-funding found)", value=_money_text(row.get("secured_amount"))
        )
        currency = currency_col.text_input("Currency", value=one_line(row.get("currency", "")))
        aichi = st.multiselect(
            "Aichi targets",
            list(range(1, 21)),
            default=_as_ints(row.get("aichi_targets")),
            format_func=_target_format("aichi"),
        )
        gbf = st.multiselect(
            "GBF targets",
            list(range(1, 24)),
            default=_as_ints(row.get("gbf_targets")),
            format_func=_target_format("gbf"),
        )
        ecosystems = st.multiselect(
            "Ecosystems",
            list(ECOSYSTEMS),
            default=[e for e in row.get("ecosystems", ()) or () if e in ECOSYSTEMS],
            format_func=key_words,  # "marine and coastal areas"; the key is what is saved
        )
        status = st.text_input("Funding status", value=one_line(row.get("status", "")))
        summary = st.text_area("Summary", value=str(row.get("summary", "") or ""))
        submitted = st.form_submit_button("Save changes", type="primary")
    if not submitted:
        return
    try:
        changes: dict[str, object] = {
            "title": title.strip(),
            "countries": parse_country_field(countries),
            "requested_amount": parse_money_field(requested, field_name="Requested amount"),
            "secured_amount": parse_money_field(secured, field_name="Secured amount"),
            "currency": currency.strip().upper(),
            "aichi_targets": tuple(aichi),
            "gbf_targets": tuple(gbf),
            "ecosystems": tuple(ecosystems),
            "status": status.strip(),
            "summary": summary.strip(),
        }
        if not changes["title"]:
            raise FormProblem("A proposal needs a title.")
        if not changes["countries"]:
            raise FormProblem("A proposal needs at least one country.")
    except FormProblem as problem:
        st.error(escape_markdown(str(problem)), icon=":material/error:")
        return
    _save("proposal", record, changes)


def _render_target_review(row: pd.Series) -> None:
    """What the tagger reads in this proposal: targets, flags for a reviewer, NBSAP citation."""
    from matcher.tagger import nbsap_alignment, review_targets, suggest_targets, target_label

    one = row.to_frame().T.reset_index(drop=True)
    from ui import text_features

    encoder = text_features.store_encoder(text_features.text_choice())  # vectors in the store
    suggestions = suggest_targets(one, use_encoder=encoder is not None, encoder=encoder)
    nbsap = nbsap_alignment(one).iloc[0]
    if nbsap["cites_nbsap"]:
        st.success(
            "Cites its national biodiversity strategy (NBSAP).", icon=":material/check_circle:"
        )
        st.text(str(nbsap["evidence"]))
    else:
        st.warning(
            "No mention of the national biodiversity strategy (NBSAP) was found.",
            icon=":material/help:",
        )
    flags = review_targets(one, suggestions)
    for message in flags["message"]:
        st.info(escape_markdown(message), icon=":material/flag:")
    if suggestions.empty:
        st.text("The text supports no Aichi target strongly enough to suggest one.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "suggested target": suggestions["aichi_target"].map(
                    lambda t: target_label("aichi", int(t))
                ),
                "GBF successors": suggestions["gbf_targets"].map(join_values),
                "confidence": suggestions["confidence"].astype(float),
                "evidence": suggestions["evidence"].astype(str),
            }
        ),
        hide_index=True,
        column_config={
            "confidence": st.column_config.ProgressColumn(
                min_value=0.0, max_value=1.0, format="%.2f"
            )
        },
    )


# --- donors ----------------------------------------------------------------------------
def render_donor_browser() -> None:
    """Donor profiles as a table, one profile editable, and that donor's funding history."""
    data = services.portfolio()
    donors = data.donors
    _show_saved("donor")
    if donors.empty:
        st.info(
            "No donor profiles are stored yet. Upload a donor file below.", icon=":material/info:"
        )
        return
    query = st.text_input(
        "Search donors",
        key="donor_search",
        placeholder="name, alias, type, words of the priorities",
    )
    searchable = donors.assign(type_words=donors["donor_type"].map(key_words))
    found = search_frame(
        searchable, query, ("donor_id", "name", "aliases", "donor_type", "type_words", "priorities")
    )
    st.caption(f"{len(found)} of {counted(len(donors), 'donor')}")
    shown = [c for c in DONOR_TABLE_COLUMNS if c in found.columns]
    st.dataframe(
        readable_table(found[shown]),
        hide_index=True,
        key="donor_table",
        column_config=_table_config(shown),
    )
    record = _pick_record(found, "donor_id", "name", "donor_pick")
    if record is None:
        return
    profile_tab, history_tab = linked_tabs(["Profile", "Funding history"], name="donor_tab")
    with profile_tab:
        _render_donor_form(record)
    with history_tab:
        _render_donor_history(record, data.history)


def donor_history(history: pd.DataFrame, donor: pd.Series) -> pd.DataFrame:
    """Funding records whose donor name is the donor's name, id or one of its aliases."""
    if history.empty:
        return history
    names = {one_line(donor.get("name", "")).casefold(), str(donor.get("donor_id", "")).casefold()}
    names |= {one_line(a).casefold() for a in donor.get("aliases", ()) or ()}
    names.discard("")
    mask = history["donor"].map(lambda d: one_line(d).casefold() in names)
    return history[mask]


def _render_donor_history(record: _Record, history: pd.DataFrame) -> None:
    funded = donor_history(history, record.row)
    if funded.empty:
        st.text("No funding recorded for this donor under its name or aliases.")
        return
    total = funded.groupby(funded["currency"].fillna("").astype(str))["amount"].sum()
    st.caption(
        "Recorded funding: "
        + "; ".join(
            f"{amount:,.0f} {escape_markdown(currency)}" for currency, amount in total.items()
        )
    )
    titles = services.portfolio().proposals
    title_of = dict(
        zip(titles["proposal_id"].astype(str), titles["title"].astype(str), strict=True)
    )
    shown = funded.assign(title=funded["proposal_id"].astype(str).map(title_of).fillna(""))
    lead = ["proposal_id", "title", "amount", "currency", "year"]
    shown = shown[[*[c for c in lead if c in shown], *[c for c in shown if c not in lead]]]
    st.dataframe(
        flatten_for_display(shown),
        hide_index=True,
        column_config={
            **_table_config(shown.columns),
            "title": st.column_config.TextColumn("title", width="large"),
        },
    )


def _render_donor_form(record: _Record) -> None:
    row = record.row
    key = f"donor_{record.record_id}_{record.version}"
    with st.form(f"edit_{key}"):
        st.caption(
            f"Edit donor {escape_markdown(record.record_id)} "
            f"(version {record.version if record.version is not None else 'n/a'}); "
            "the previous version is kept."
        )
        name = st.text_input("Name", value=one_line(row.get("name", "")))
        priorities = st.text_area(
            "Priorities", value=str(row.get("priorities", "") or ""), height=160
        )
        aichi = st.multiselect(
            "Priority Aichi targets",
            list(range(1, 21)),
            default=_as_ints(row.get("aichi_targets")),
            format_func=_target_format("aichi"),
        )
        gbf = st.multiselect(
            "Priority GBF targets",
            list(range(1, 24)),
            default=_as_ints(row.get("gbf_targets")),
            format_func=_target_format("gbf"),
        )
        regions = st.text_input(
            "Eligible regions and groups",
            value=join_values(row.get("eligible_regions", ()), ", "),
            help=f"UN M49 names such as 'Eastern Africa', or {', '.join(REGION_GROUPS)}. "
            "Blank means no regional restriction.",
        )
        eligible = st.text_input(
            "Eligible countries", value=country_list(row.get("eligible_countries", ()))
        )
        excluded = st.text_input(
            "Excluded countries", value=country_list(row.get("excluded_countries", ()))
        )
        low, high, budget, currency_col = st.columns([2, 2, 2, 1])
        min_grant = low.text_input("Minimum grant", value=_money_text(row.get("min_grant")))
        max_grant = high.text_input("Maximum grant", value=_money_text(row.get("max_grant")))
        annual_budget = budget.text_input(
            "Annual budget", value=_money_text(row.get("annual_budget"))
        )
        currency = currency_col.text_input("Currency", value=one_line(row.get("currency", "")))
        ecosystems = st.multiselect(
            "Ecosystems",
            list(ECOSYSTEMS),
            default=[e for e in row.get("ecosystems", ()) or () if e in ECOSYSTEMS],
            format_func=key_words,  # "marine and coastal areas"; the key is what is saved
        )
        active = st.checkbox("Active (accepting proposals)", value=bool(row.get("active", True)))
        submitted = st.form_submit_button("Save changes", type="primary")
    if not submitted:
        return
    try:
        changes: dict[str, object] = {
            "name": name.strip(),
            "priorities": priorities.strip(),
            "aichi_targets": tuple(aichi),
            "gbf_targets": tuple(gbf),
            "eligible_regions": _parse_region_field(regions),
            "eligible_countries": parse_country_field(eligible, field_name="eligible countries"),
            "excluded_countries": parse_country_field(excluded, field_name="excluded countries"),
            "min_grant": parse_money_field(min_grant, field_name="Minimum grant"),
            "max_grant": parse_money_field(max_grant, field_name="Maximum grant"),
            "annual_budget": parse_money_field(annual_budget, field_name="Annual budget"),
            "currency": currency.strip().upper(),
            "ecosystems": tuple(ecosystems),
            "active": bool(active),
        }
        if not changes["name"]:
            raise FormProblem("A donor needs a name.")
        low_value, high_value = changes["min_grant"], changes["max_grant"]
        if (
            isinstance(low_value, float)
            and isinstance(high_value, float)
            and low_value > high_value
        ):
            raise FormProblem("The minimum grant is above the maximum grant.")
    except FormProblem as problem:
        st.error(escape_markdown(str(problem)), icon=":material/error:")
        return
    _save("donor", record, changes)
