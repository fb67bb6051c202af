"""IATI 2.03 activity XML out: one activity per funded proposal, a commitment per pledge.

Each funded proposal becomes an ``iati-activity`` with its ``iati-identifier`` (the reporting
organisation's prefix, then the proposal id, which also goes in ``other-identifier``
type A1 so the file reads back with LifeWeb's own ids), ``reporting-org``, ``title`` and
``description``, ``participating-org`` (1 funding: each donor; 2 accountable: the
government of each country, which submitted the EOI; 4 implementing: the organisation the
proposal names, else that government), ``activity-status``, ``activity-date``,
``recipient-country`` (alpha-2, equal shares), sector 41030, a ``tag`` per Aichi and GBF
target (vocabulary 99 with the CBD's URIs; GBF targets are the declared ones and the
crosswalk's successors of the Aichi ones), the requested amount as one ``budget``, and one
``transaction`` type 2 (commitment) per funding record or pledge, in its own currency.

Where IATI needs a value LifeWeb does not have (a funding record without a year), the
file says so with an attribute in LifeWeb Match's own namespace (allowed by the schema),
which :mod:`matcher.interchange.iati_read` honours. Every file is checked against the
shipped IATI 2.03 schema (:func:`schema_errors`) before it is written. Text that a
spreadsheet would run as a formula gets the leading apostrophe of :mod:`matcher.export`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import pandas as pd
from lxml import etree

from matcher.errors import LifeWebMatchError
from matcher.export import neutralise_formulas
from matcher.interchange import iati_codes as codes
from matcher.interchange.iati_read import LIFEWEB_NAMESPACE

__all__ = [
    "FUNDING_COLUMNS",
    "SCHEMA_DIR",
    "IatiExport",
    "ReportingOrg",
    "activities_xml",
    "funding_from_history",
    "funding_from_pledges",
    "schema_errors",
]

SCHEMA_DIR = Path(__file__).resolve().parent / "iati_schema"
"""The IATI 2.03 activity schema shipped in the package (IATI Standard, CC BY 4.0)."""

FUNDING_COLUMNS = ("proposal_id", "donor", "amount", "currency", "date", "year", "note")
"""One funding record or pledge: who, how much in which currency, when (``date`` ISO or "")."""

_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_LWM = f"{{{LIFEWEB_NAMESPACE}}}"


@dataclass(frozen=True)
class ReportingOrg:
    """Who publishes the file. Replace ``ref`` with the publisher's registered IATI org id."""

    ref: str = "LIFEWEB"
    name: str = "Secretariat of the Convention on Biological Diversity - LifeWeb Initiative"
    type: str = "40"  # IATI OrganisationType 40: multilateral


@dataclass(frozen=True)
class IatiExport:
    """The XML written and what went into it."""

    xml: bytes
    n_activities: int
    n_transactions: int
    skipped: tuple[str, ...] = field(default=())
    """Proposal ids with funding but no stored proposal (not written: IATI needs a title and more)."""


# --------------------------------------------------------------------------- funding frames


def _iso_date(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    text = str(value).strip()[:10]
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return ""


def _year(value: object) -> int | None:
    try:
        if value is None or pd.isna(value):
            return None
        return int(value)
    except (TypeError, ValueError):
        return None


def funding_from_history(history: pd.DataFrame) -> pd.DataFrame:
    """The funding records of a contract history frame (its ``match_date`` when it has one)."""
    rows = []
    dates = history["match_date"] if "match_date" in history else pd.Series("", index=history.index)
    for row, match_date in zip(history.itertuples(index=False), dates, strict=True):
        year = _year(getattr(row, "year", None))
        date = _iso_date(match_date)
        if date and (year is None or int(date[:4]) != year):
            date = ""
        rows.append(
            {
                "proposal_id": str(row.proposal_id),
                "donor": str(row.donor),
                "amount": getattr(row, "amount", math.nan),
                "currency": str(getattr(row, "currency", "") or ""),
                "date": date or (f"{year:04d}-01-01" if year is not None else ""),
                "year": year,
                "note": "",
            }
        )
    return pd.DataFrame(rows, columns=list(FUNDING_COLUMNS))


def funding_from_pledges(
    pipeline: pd.DataFrame, donors: pd.DataFrame, *, event_name: str = ""
) -> pd.DataFrame:
    """An event's pledges (pairs whose newest pipeline step is ``pledged``) as funding records.

    ``pipeline`` is the event's log (``Store.event_pipeline``: ``proposal_id``, ``donor_id``,
    ``stage``, ``amount``, ``currency``, ``happened_at``); ``donors`` names the donors.
    """
    if pipeline.empty:
        return pd.DataFrame(columns=list(FUNDING_COLUMNS))
    ordered = pipeline.sort_values("step_id", kind="stable") if "step_id" in pipeline else pipeline
    latest = ordered.drop_duplicates(["proposal_id", "donor_id"], keep="last")
    pledged = latest[latest["stage"] == "pledged"]
    name_of = dict(zip(donors["donor_id"].astype(str), donors["name"].astype(str), strict=True))
    rows = []
    for row in pledged.itertuples(index=False):
        date = _iso_date(row.happened_at)
        rows.append(
            {
                "proposal_id": str(row.proposal_id),
                "donor": name_of.get(str(row.donor_id), str(row.donor_id)),
                "amount": row.amount,
                "currency": str(row.currency or ""),
                "date": date,
                "year": int(date[:4]) if date else None,
                "note": f"Pledged at {event_name}" if event_name else "Pledge",
            }
        )
    return pd.DataFrame(rows, columns=list(FUNDING_COLUMNS))


# --------------------------------------------------------------------------- elements


def _sub(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag)
    for name, value in attributes.items():
        element.set(name.replace("_", "-"), value)
    return element


def _narrative(parent: etree._Element, text: str, lang: str = "") -> None:
    narrative = _sub(parent, "narrative")
    narrative.text = text
    if lang:
        narrative.set(_LANG, lang)


def _amount_text(value: object) -> str:
    number = float(value)
    return (
        format(Decimal(repr(number)).normalize(), "f")
        if not number.is_integer()
        else str(int(number))
    )


def _tuple(value: object) -> tuple:
    if isinstance(value, tuple | list):
        return tuple(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    return tuple(p.strip() for p in str(value).split(";") if p.strip())


@cache
def _country_names() -> tuple[dict[str, str], dict[str, str]]:
    from matcher.reference import countries

    table = countries()
    return (
        dict(zip(table["iso3"], table["iso2"], strict=True)),
        dict(zip(table["iso3"], table["name_en"], strict=True)),
    )


def _year_later(day: dt.date) -> dt.date:
    """The day before the same date next year: a budget period of one year, as IATI asks."""
    try:
        return day.replace(year=day.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _percentages(n: int) -> list[str]:
    """Equal shares with two decimals that add up to exactly 100."""
    base = Decimal(100) / n
    shares = [base.quantize(Decimal("0.01"))] * n
    shares[-1] = Decimal(100) - sum(shares[:-1])
    return [format(s.normalize(), "f") for s in shares]


def _text(row: dict, column: str) -> str:
    value = row.get(column, "")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _activity(
    root: etree._Element,
    proposal: dict,
    funding: pd.DataFrame,
    org: ReportingOrg,
    today: str,
    now: str,
) -> int:
    """Append one ``iati-activity``; returns how many transactions it holds."""
    currencies = {str(c) for c in funding["currency"]} | {_text(proposal, "currency")}
    activity = _sub(root, "iati-activity", last_updated_datetime=now)
    lang = _text(proposal, "iati_language")
    if lang:
        activity.set(_LANG, lang)
    if len(currencies - {""}) == 1 and "" not in currencies:
        activity.set("default-currency", currencies.pop())
    proposal_id = _text(proposal, "proposal_id")
    _sub(activity, "iati-identifier").text = f"{org.ref}-{proposal_id}"
    reporting = _sub(activity, "reporting-org", ref=org.ref, type=org.type)
    _narrative(reporting, org.name)
    title = _sub(activity, "title")
    _narrative(title, _text(proposal, "title") or proposal_id)
    for key, value in proposal.items():
        if str(key).startswith("iati_title_") and _text(proposal, key):
            _narrative(title, str(value), str(key).removeprefix("iati_title_"))
    description = _sub(activity, "description", type="1")
    summary = " ".join(t for t in (_text(proposal, "summary"), _text(proposal, "description")) if t)
    _narrative(description, summary or _text(proposal, "title") or proposal_id)
    if _text(proposal, "objectives"):
        _narrative(_sub(activity, "description", type="2"), _text(proposal, "objectives"))

    iso2_of, name_of = _country_names()
    countries = [c for c in _tuple(proposal.get("countries")) if c in iso2_of]
    governments = [f"Government of {name_of[c]}" for c in countries]
    for donor in dict.fromkeys(str(d) for d in funding["donor"]):
        _narrative(_sub(activity, "participating-org", role="1"), donor)
    for government in governments:
        _narrative(_sub(activity, "participating-org", role="2", type="10"), government)
    implementing = [o for o in _tuple(proposal.get("iati_implementing_orgs")) if o]
    for name in implementing or governments:
        _narrative(_sub(activity, "participating-org", role="4"), name)
    if not governments and not implementing:
        _narrative(_sub(activity, "participating-org", role="4"), "Not recorded")
    _sub(activity, "other-identifier", ref=proposal_id, type="A1")
    _sub(activity, "activity-status", code=codes.status_code_for(_text(proposal, "status")))
    start = (
        _iso_date(_text(proposal, "iati_start"))
        or _iso_date(_text(proposal, "submitted_on"))
        or (
            f"{_text(proposal, 'submitted_on')[:4]}-01-01"
            if _text(proposal, "submitted_on")[:4].isdigit()
            else ""
        )
        or min((d for d in funding["date"] if d), default="")
        or today
    )
    _sub(activity, "activity-date", type="1", iso_date=start)
    for country, share in zip(
        countries, _percentages(len(countries)) if countries else [], strict=True
    ):
        _sub(activity, "recipient-country", code=iso2_of[country], percentage=share)
    _sub(activity, "sector", vocabulary="1", code=codes.BIODIVERSITY_SECTOR, percentage="100")

    aichi_title, gbf_title, successors = codes.target_titles()
    aichi = sorted({int(t) for t in _tuple(proposal.get("aichi_targets")) if str(t).isdigit()})
    declared = {int(t) for t in _tuple(proposal.get("gbf_targets")) if str(t).isdigit()}
    crosswalked = {g for a in aichi for g in successors.get(a, ())} - declared
    tags = [
        (codes.AICHI_VOCABULARY_URI, t, f"Aichi Target {t}: {aichi_title.get(t, '')}")
        for t in aichi
    ] + [
        (
            codes.GBF_VOCABULARY_URI,
            t,
            f"GBF Target {t}: {gbf_title.get(t, '')}"
            + (" (successor of its Aichi targets in the crosswalk)" if t in crosswalked else ""),
        )
        for t in sorted(declared | crosswalked)
    ]
    for uri, target, text in tags:
        tag = _sub(activity, "tag", vocabulary="99", vocabulary_uri=uri, code=str(target))
        _narrative(tag, text.replace(": (", " (").rstrip(": "))

    requested = proposal.get("requested_amount")
    if requested is not None and not pd.isna(requested) and float(requested) > 0:
        budget = _sub(activity, "budget", type="1", status="1")
        begin = dt.date.fromisoformat(start)
        _sub(budget, "period-start", iso_date=begin.isoformat())
        _sub(budget, "period-end", iso_date=_year_later(begin).isoformat())
        value = _sub(budget, "value", value_date=begin.isoformat())
        if _text(proposal, "currency"):
            value.set("currency", _text(proposal, "currency"))
        value.text = _amount_text(requested)

    for record in funding.to_dict(orient="records"):
        transaction = _sub(activity, "transaction")
        date = record["date"] or today
        if not record["date"] or record["year"] is None or pd.isna(record["year"]):
            transaction.set(f"{_LWM}year-unknown", "true")
        _sub(transaction, "transaction-type", code="2")
        _sub(transaction, "transaction-date", iso_date=date)
        value = _sub(transaction, "value", value_date=date)
        if record["currency"]:
            value.set("currency", str(record["currency"]))
        amount = record["amount"]
        if amount is None or pd.isna(amount):
            transaction.set(f"{_LWM}amount-unknown", "true")
            value.text = "0"
        else:
            value.text = _amount_text(amount)
        if record["note"]:
            _narrative(_sub(transaction, "description"), str(record["note"]))
        _narrative(_sub(transaction, "provider-org"), str(record["donor"]))
    return len(funding)


def activities_xml(
    proposals: pd.DataFrame,
    funding: pd.DataFrame,
    *,
    org: ReportingOrg | None = None,
    now: dt.datetime | None = None,
    check: bool = True,
) -> IatiExport:
    """IATI 2.03 XML of every proposal that has funding, in the order first funded.

    Parameters
    ----------
    proposals
        Contract proposals (extra ``iati_*`` columns from an IATI file are used when present).
    funding
        :data:`FUNDING_COLUMNS` (:func:`funding_from_history`, :func:`funding_from_pledges`).
    org
        The reporting organisation (default :class:`ReportingOrg`).
    now
        The time written as generated/last updated (default: now, UTC).
    check
        Validate against the shipped IATI 2.03 schema; an invalid file raises.

    Raises
    ------
    LifeWebMatchError
        The XML does not validate (a bug: the message lists the schema's complaints).
    """
    org = org or ReportingOrg()
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    stamp = now.isoformat().replace("+00:00", "Z")
    text_columns = [
        c
        for c in proposals.columns
        if proposals[c].dtype == object or pd.api.types.is_string_dtype(proposals[c])
    ]
    safe = proposals.copy()
    safe[text_columns] = neutralise_formulas(proposals[text_columns]).to_numpy()
    funding = funding.copy()
    funding[["donor", "note"]] = neutralise_formulas(
        funding[["donor", "note"]].fillna("").astype(str)
    ).to_numpy()
    by_id = {str(row["proposal_id"]): row for row in safe.to_dict(orient="records")}
    root = etree.Element("iati-activities", nsmap={"lwm": LIFEWEB_NAMESPACE})
    root.set("version", codes.IATI_VERSION)
    root.set("generated-datetime", stamp)
    n_activities = n_transactions = 0
    skipped: list[str] = []
    for proposal_id, rows in funding.groupby(funding["proposal_id"].astype(str), sort=False):
        proposal = by_id.get(proposal_id)
        if proposal is None:
            skipped.append(proposal_id)
            continue
        n_transactions += _activity(root, proposal, rows, org, now.date().isoformat(), stamp)
        n_activities += 1
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    if check:
        errors = schema_errors(xml)
        if errors:
            raise LifeWebMatchError(
                "The IATI file written does not validate against the IATI 2.03 schema: "
                + "; ".join(errors[:5])
            )
    return IatiExport(xml, n_activities, n_transactions, tuple(skipped))


@cache
def _schema():
    import xmlschema

    return xmlschema.XMLSchema(SCHEMA_DIR / "iati-activities-schema.xsd")


def schema_errors(xml: bytes | str | Path, *, limit: int = 20) -> list[str]:
    """What the IATI 2.03 activity schema says is wrong with ``xml`` ([] when it validates)."""
    from matcher.interchange.xml_safety import parse_untrusted_xml

    if isinstance(xml, Path):
        xml = xml.read_bytes()
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    tree = parse_untrusted_xml(data)
    errors: list[str] = []
    for error in _schema().iter_errors(tree):
        errors.append(f"{error.path}: {error.reason}")
        if len(errors) >= limit:
            break
    return errors
