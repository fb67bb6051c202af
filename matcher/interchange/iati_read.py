"""IATI 2.03 activity XML in: each activity a proposal, or its funding transactions history.

The reader turns the XML into the same table of strings a CSV gives (one row per activity,
or per commitment/disbursement transaction), with the data contract's columns first and
``iati_*`` extra columns after, and hands it to :func:`matcher.load.load`: the same
normalising, rejections and report as for CSV and Excel. Rows in = loaded + rejected.

What becomes what (proposals):

* ``iati-identifier`` -> ``proposal_id`` (where the publisher's own id is given as
  ``other-identifier type="A1"`` and the identifier is the reporting-org prefix plus it,
  that own id: LifeWeb's ids come back as they went);
* ``title`` / ``description`` (type 1) / description type 2 -> ``title`` / ``description``
  / ``objectives`` in the activity's language (``xml:lang`` of the activity, else of the
  file), every other language in ``iati_title_<lang>`` ..., the language in ``iati_language``;
* ``recipient-country/@code`` (alpha-2) -> ``countries`` (alpha-3), percentages in
  ``iati_country_percentages``; ``recipient-region`` -> ``iati_regions`` (UN M49 names);
* the sum of ``budget`` values over its periods (a revised budget replaces the original
  one of the same period) -> ``requested_amount`` in ``@currency`` or ``default-currency``;
* sector 41030 at activity or transaction level -> ``iati_sector_41030``; policy marker 5
  significance -> ``iati_biodiversity_marker``; tags with a CBD GBF / Aichi vocabulary URI
  -> ``gbf_targets`` / ``aichi_targets``; ``activity-status`` -> ``status``.

History: one row per transaction of type 2, 3 or 11: ``donor`` is the provider-org (for a
commitment or disbursement without one, the reporting organisation), ``amount`` and
``currency`` as written (never converted), ``year`` from the value date, which is kept in
``iati_value_date``. An activity without such a transaction is one rejected row.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache

import pandas as pd
from lxml import etree

from matcher.contract import HISTORY_COLUMNS, PROPOSAL_COLUMNS
from matcher.errors import UnreadableFileError
from matcher.interchange import iati_codes as codes
from matcher.interchange.xml_safety import iter_untrusted_children
from matcher.read import MAX_BYTES, MAX_ROWS, RawTable, Source
from matcher.read import _read_bytes as read_source_bytes  # the same size limit and messages
from matcher.words import counted, noun

__all__ = ["LIFEWEB_NAMESPACE", "read_iati"]

LIFEWEB_NAMESPACE = "urn:lifeweb-match:iati"
"""Namespace of the few attributes LifeWeb Match adds where IATI has no field (an unknown year)."""
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_YEAR_UNKNOWN = f"{{{LIFEWEB_NAMESPACE}}}year-unknown"
_AMOUNT_UNKNOWN = f"{{{LIFEWEB_NAMESPACE}}}amount-unknown"
_NEUTRALISED = re.compile(r"^'(?=[=+\-@])")
_NUMBER = re.compile(r"\d{1,3}")


# --------------------------------------------------------------------------- elements


def _text(element: etree._Element | None) -> str:
    """Text with white space squeezed; the formula neutraliser's apostrophe (our own files) undone."""
    if element is None:
        return ""
    return _NEUTRALISED.sub("", " ".join("".join(element.itertext()).split()))


def _narratives(element: etree._Element | None, default_lang: str) -> list[tuple[str, str]]:
    """(language, text) of each narrative; IATI 1.0x put the text in the element itself."""
    if element is None:
        return []
    found = []
    for narrative in element.iterfind("narrative"):
        text = _text(narrative)
        if text:
            found.append((narrative.get(_LANG, default_lang).strip().lower(), text))
    if not found and len(element) == 0:
        text = _text(element)
        if text:
            found.append((element.get(_LANG, default_lang).strip().lower(), text))
    return found


def _main_and_others(narratives: list[tuple[str, str]], lang: str) -> tuple[str, dict[str, str]]:
    """The text in ``lang`` (else the first), and every other language's text by code."""
    if not narratives:
        return "", {}
    main = next((text for code, text in narratives if code == lang), narratives[0][1])
    others: dict[str, str] = {}
    for code, text in narratives:
        if text != main and code:
            others[code] = f"{others[code]} {text}" if code in others else text
    return main, others


@cache
def _alpha3() -> dict[str, str]:
    from matcher.reference import countries

    table = countries()
    return dict(zip(table["iso2"].str.upper(), table["iso3"], strict=True))


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() else None


def _number_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


@dataclass
class _Activity:
    """What one ``iati-activity`` says, as strings ready for the table."""

    element: etree._Element
    line: int
    identifier: str
    raw_identifier: str
    lang: str
    default_currency: str
    reporting_org: str
    reporting_ref: str
    title: str = ""
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _activity(element: etree._Element, file_lang: str) -> _Activity:
    lang = element.get(_LANG, file_lang).strip().lower()
    reporting = element.find("reporting-org")
    reporting_names = _narratives(reporting, lang)
    raw_identifier = _text(element.find("iati-identifier"))
    reporting_ref = (reporting.get("ref", "") if reporting is not None else "").strip()
    identifier = raw_identifier
    for other in element.iterfind("other-identifier"):
        own = other.get("ref", "").strip()
        if (
            other.get("type", "").strip() == "A1"
            and own
            and raw_identifier == f"{reporting_ref}-{own}"
        ):
            identifier = own
    activity = _Activity(
        element=element,
        line=element.sourceline or 0,
        identifier=identifier,
        raw_identifier=raw_identifier,
        lang=lang,
        default_currency=element.get("default-currency", "").strip().upper(),
        reporting_org=_main_and_others(reporting_names, lang)[0],
        reporting_ref=reporting_ref,
    )
    activity.title = _main_and_others(_narratives(element.find("title"), lang), lang)[0]
    return activity


def _countries(
    elements: Iterable[etree._Element], activity: _Activity
) -> tuple[list[str], list[str]]:
    """Alpha-3 codes of recipient-country elements and "ISO3 pct" texts; unknown codes are problems."""
    codes3, shares = [], []
    for element in elements:
        code = element.get("code", "").strip().upper()
        iso3 = _alpha3().get(code)
        if iso3 is None:
            activity.problems.append(
                f'recipient-country code "{code}" is not an ISO 3166 alpha-2 country code'
            )
            continue
        if iso3 not in codes3:
            codes3.append(iso3)
        percentage = element.get("percentage", "").strip()
        if percentage:
            shares.append(f"{iso3} {percentage}")
    return codes3, shares


def _regions(
    elements: Iterable[etree._Element], activity: _Activity
) -> tuple[list[str], list[str]]:
    names, shares = [], []
    for element in elements:
        code = element.get("code", "").strip()
        name = codes.region_name(code, element.get("vocabulary", ""))
        if not name:
            activity.notes.append(
                f'recipient-region "{code}" (vocabulary {element.get("vocabulary", "1")}) '
                "has no UN M49 region here; left out"
            )
            continue
        if name not in names:
            names.append(name)
        percentage = element.get("percentage", "").strip()
        if percentage:
            shares.append(f"{name} {percentage}")
    return names, shares


def _is_biodiversity_sector(sector: etree._Element) -> bool:
    return (
        sector.get("vocabulary", "1").strip() in {"", "1"}
        and sector.get("code", "").strip() == codes.BIODIVERSITY_SECTOR
    )


def _sectors(activity: _Activity) -> tuple[str, str]:
    """DAC sector codes (activity and transaction level) and where 41030 appears."""
    seen: list[str] = []
    where: list[str] = []
    for level, path in (("activity", "sector"), ("transaction", "transaction/sector")):
        for sector in activity.element.iterfind(path):
            code = sector.get("code", "").strip()
            if (
                sector.get("vocabulary", "1").strip() in {"", "1", "2"}
                and code
                and code not in seen
            ):
                seen.append(code)
            if _is_biodiversity_sector(sector) and level not in where:
                where.append(level)
    return ";".join(seen), ";".join(where)


def _biodiversity_marker(activity: _Activity) -> str:
    significances = [
        marker.get("significance", "").strip()
        for marker in activity.element.iterfind("policy-marker")
        if marker.get("code", "").strip() == codes.BIODIVERSITY_MARKER
        and marker.get("vocabulary", "1").strip() in {"", "1"}
    ]
    known = [s for s in significances if s.isdigit()]
    return max(known, key=int) if known else ""


def _targets(activity: _Activity) -> tuple[str, str, str]:
    """Aichi and GBF target numbers from CBD-vocabulary tags, and every other tag as text."""
    aichi: list[str] = []
    gbf: list[str] = []
    other: list[str] = []
    for tag in activity.element.iterfind("tag"):
        kind = codes.target_kind_of_tag(tag.get("vocabulary", ""), tag.get("vocabulary-uri", ""))
        code = tag.get("code", "").strip()
        number = _NUMBER.search(code)
        if kind and number:
            bucket = gbf if kind == "gbf" else aichi
            value = str(int(number.group()))
            if value not in bucket:
                bucket.append(value)
        else:
            other.append(f"{tag.get('vocabulary', '')}:{code}")
    return ";".join(aichi), ";".join(gbf), ";".join(other)


def _budget(activity: _Activity) -> tuple[str, str, str]:
    """Requested amount, its currency, and each period's budget as text.

    Per period the revised budget (type 2) replaces the original (type 1); periods are summed.
    Budgets in several currencies are not added up: the amount stays empty, with a note.
    """
    by_period: dict[tuple[str, str], tuple[str, Decimal, str]] = {}
    for budget in activity.element.iterfind("budget"):
        value = budget.find("value")
        amount = _decimal(_text(value)) if value is not None else None
        if amount is None:
            activity.problems.append(f'budget value "{_text(value)}" is not a number')
            continue
        currency = (value.get("currency") or activity.default_currency).strip().upper()
        start = (
            budget.find("period-start").get("iso-date", "")
            if budget.find("period-start") is not None
            else ""
        ).strip()
        end = (
            budget.find("period-end").get("iso-date", "")
            if budget.find("period-end") is not None
            else ""
        ).strip()
        kind = budget.get("type", "1").strip()
        key = (start, end)
        if key in by_period and by_period[key][0] == "2" and kind != "2":
            continue
        by_period[key] = (kind, amount, currency)
    if not by_period:
        return "", "", ""
    periods = sorted(by_period.items())
    listing = "; ".join(
        f"{start}..{end} {currency or '?'} {_number_text(amount)}"
        for (start, end), (_, amount, currency) in periods
    )
    currencies = {currency for _, (_, _, currency) in periods}
    if len(currencies) > 1:
        activity.notes.append(
            f"budgets in several currencies ({', '.join(sorted(c or '?' for c in currencies))}) "
            "not added up; requested_amount left empty"
        )
        return "", "", listing
    total = sum((amount for _, (_, amount, _) in periods), Decimal(0))
    currency = currencies.pop()
    if not currency:
        activity.notes.append("budget without currency (no @currency, no default-currency)")
    return _number_text(total), currency, listing


def _orgs(activity: _Activity, role: str) -> str:
    names = []
    for org in activity.element.iterfind("participating-org"):
        if org.get("role", "").strip() == role:
            name = _main_and_others(_narratives(org, activity.lang), activity.lang)[0]
            name = name or org.get("ref", "").strip()
            if name and name not in names:
                names.append(name)
    return ";".join(names)


def _dates(activity: _Activity) -> tuple[str, str]:
    dates = {
        d.get("type", "").strip(): d.get("iso-date", "").strip()
        for d in activity.element.iterfind("activity-date")
    }
    start = dates.get("2") or dates.get("1", "")
    end = dates.get("4") or dates.get("3", "")
    return start, end


# --------------------------------------------------------------------------- rows


def _proposal_row(activity: _Activity) -> dict[str, str]:
    element, lang = activity.element, activity.lang
    title, other_titles = _main_and_others(_narratives(element.find("title"), lang), lang)
    row: dict[str, str] = {column: "" for column in PROPOSAL_COLUMNS}
    row["proposal_id"] = activity.identifier
    row["title"] = title
    extras: dict[str, str] = {}
    for code, text in other_titles.items():
        extras[f"iati_title_{code}"] = text
    for description in element.iterfind("description"):
        kind = description.get("type", "1").strip() or "1"
        column = {"1": "description", "2": "objectives"}.get(kind, f"iati_description_type_{kind}")
        main, others = _main_and_others(_narratives(description, lang), lang)
        if column in row:
            row[column] = f"{row[column]}\n\n{main}".strip() if row[column] else main
        else:
            extras[column] = main
        for code, text in others.items():
            extras[f"iati_{column.removeprefix('iati_')}_{code}"] = text
    countries, shares = _countries(element.iterfind("recipient-country"), activity)
    if not countries:
        countries, shares = _countries(element.iterfind("transaction/recipient-country"), activity)
    regions, region_shares = _regions(element.iterfind("recipient-region"), activity)
    if not countries and regions and not activity.problems:
        activity.problems.append(
            f"a regional activity ({', '.join(regions)}) with no recipient-country: a proposal "
            "needs the countries it works in"
        )
    row["countries"] = ";".join(countries)
    amount, currency, budgets = _budget(activity)
    row["requested_amount"] = amount
    row["currency"] = currency or activity.default_currency
    row["aichi_targets"], row["gbf_targets"], other_tags = _targets(activity)
    status_code = (
        element.find("activity-status").get("code", "")
        if element.find("activity-status") is not None
        else ""
    ).strip()
    row["status"] = codes.status_name(status_code) or status_code
    sectors, sector_41030 = _sectors(activity)
    start, end = _dates(activity)
    extras.update(
        {
            "iati_identifier": activity.raw_identifier,
            "iati_language": lang,
            "iati_country_percentages": "; ".join(shares),
            "iati_regions": ";".join(regions),
            "iati_region_percentages": "; ".join(region_shares),
            "iati_budgets": budgets,
            "iati_sectors": sectors,
            "iati_sector_41030": sector_41030,
            "iati_biodiversity_marker": _biodiversity_marker(activity),
            "iati_other_tags": other_tags,
            "iati_activity_status": status_code,
            "iati_start": start,
            "iati_end": end,
            "iati_reporting_org": activity.reporting_org,
            "iati_reporting_org_ref": activity.reporting_ref,
            "iati_funding_orgs": _orgs(activity, "1"),
            "iati_implementing_orgs": _orgs(activity, "4"),
            "iati_line": str(activity.line),
        }
    )
    row.update(extras)
    return row


def _history_rows(activity: _Activity) -> list[tuple[int, dict[str, str], list[str]]]:
    """(line, row, problems) per funding transaction; one empty row when there is none."""
    element = activity.element
    countries, _ = _countries(element.iterfind("recipient-country"), activity)
    sectors, sector_41030 = _sectors(activity)
    marker = _biodiversity_marker(activity)
    shared = {
        "iati_identifier": activity.raw_identifier,
        "iati_title": activity.title,
        "iati_reporting_org": activity.reporting_org,
        "iati_reporting_org_ref": activity.reporting_ref,
        "iati_sectors": sectors,
        "iati_biodiversity_marker": marker,
    }
    rows = []
    for transaction in element.iterfind("transaction"):
        type_element = transaction.find("transaction-type")
        type_code = (type_element.get("code", "") if type_element is not None else "").strip()
        if type_code not in codes.FUNDING_TRANSACTION_TYPES:
            continue
        problems: list[str] = []
        provider = transaction.find("provider-org")
        receiver = transaction.find("receiver-org")
        donor = _main_and_others(_narratives(provider, activity.lang), activity.lang)[0]
        donor = donor or (provider.get("ref", "").strip() if provider is not None else "")
        if not donor and type_code in {"2", "3", "C", "D"}:
            donor = activity.reporting_org or activity.reporting_ref
        value = transaction.find("value")
        amount_text = _text(value)
        amount = _decimal(amount_text)
        if value is None or amount is None:
            problems.append(f'transaction value "{amount_text}" is not a number')
        value_date = (value.get("value-date", "") if value is not None else "").strip()
        date_element = transaction.find("transaction-date")
        transaction_date = (
            date_element.get("iso-date", "") if date_element is not None else ""
        ).strip()
        year = (value_date or transaction_date)[:4]
        if transaction.get(_YEAR_UNKNOWN) == "true":
            year = ""
        currency = (value.get("currency") if value is not None else "") or activity.default_currency
        t_countries, _ = _countries(transaction.iterfind("recipient-country"), activity)
        t_sector = any(_is_biodiversity_sector(s) for s in transaction.iterfind("sector"))
        row = {column: "" for column in HISTORY_COLUMNS}
        row.update(
            {
                "proposal_id": activity.identifier,
                "donor": donor,
                "amount": ""
                if transaction.get(_AMOUNT_UNKNOWN) == "true"
                else (_number_text(amount) if amount is not None else amount_text),
                "currency": currency.strip().upper(),
                "year": year,
                "iati_transaction_type": f"{type_code} {codes.FUNDING_TRANSACTION_TYPES[type_code]}",
                "iati_value_date": value_date,
                "iati_transaction_date": transaction_date,
                "iati_provider_ref": provider.get("ref", "").strip()
                if provider is not None
                else "",
                "iati_receiver_org": _main_and_others(
                    _narratives(receiver, activity.lang), activity.lang
                )[0],
                "iati_receiver_ref": receiver.get("ref", "").strip()
                if receiver is not None
                else "",
                "iati_countries": ";".join(t_countries or countries),
                "iati_sector_41030": "transaction" if t_sector else sector_41030,
                **shared,
            }
        )
        rows.append((transaction.sourceline or activity.line, row, problems))
    if not rows:
        row = {column: "" for column in HISTORY_COLUMNS}
        row.update({"proposal_id": activity.identifier, **shared})
        problem = (
            "the activity has no commitment (2), disbursement (3) or incoming commitment (11) "
            "transaction, so it holds no funding history"
        )
        rows.append((activity.line, row, [problem]))
    return rows


# --------------------------------------------------------------------------- the file


def _check_root(root: etree._Element) -> bool:
    """Refuse a root that is not IATI activities; True when the root is a single activity."""
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag == "iati-activity":
        return True
    if tag != "iati-activities":
        local = etree.QName(root).localname if tag else "?"
        hint = (
            " (an IATI organisation file: load the publisher's activity file instead)"
            if local == "iati-organisations"
            else ""
        )
        raise UnreadableFileError(
            f"This XML file's root element is <{local}>, not <iati-activities>{hint}. Only IATI "
            "activity XML is read; a table belongs in a .csv or .xlsx file."
        )
    return False


def _table(
    rows: list[tuple[int, dict[str, str], list[str]]], notes: list[str], kind: str
) -> RawTable:
    if len(rows) > MAX_ROWS:
        raise UnreadableFileError(
            f"The file has {len(rows):,} {'activities' if kind == 'proposals' else 'transactions'}; "
            f"the limit is {MAX_ROWS:,}. Split it into smaller files."
        )
    columns: dict[str, None] = {}
    for _, row, _ in rows:
        columns.update(dict.fromkeys(row))
    frame = pd.DataFrame(
        [[row.get(column, "") for column in columns] for _, row, _ in rows],
        columns=list(columns),
        dtype=str,
    )
    if not len(frame.columns):
        frame = pd.DataFrame(
            columns=list(PROPOSAL_COLUMNS if kind == "proposals" else HISTORY_COLUMNS), dtype=str
        )
    lines = [line for line, _, _ in rows]
    if len(set(lines)) == len(lines):
        source_rows = tuple(lines)
        notes.append("row numbers are line numbers in the XML file")
    else:
        source_rows = tuple(range(1, len(rows) + 1))
        what = "activity" if kind == "proposals" else "transaction"
        notes.append(f"row numbers count each {what} in file order (the XML has long lines)")
    problems = {
        position: ("; ".join(found), f"line {lines[position]}: {row.get('proposal_id', '')}")
        for position, (_, row, found) in enumerate(rows)
        if found
    }
    return RawTable(
        frame=frame,
        source_rows=source_rows,
        headers=tuple(frame.columns),
        row_problems=problems,
        file_format="iati-xml",
        encoding="",
        delimiter="",
        header_row=0,
        notes=tuple(notes),
    )


def read_iati(
    source: Source, kind: str | None = None, *, filename: str | None = None
) -> tuple[RawTable, str]:
    """Read an IATI activity file into a raw table of strings for ``kind``.

    Parameters
    ----------
    source : path, bytes or binary file object
        The XML file (size limit as for CSV: :data:`matcher.read.MAX_BYTES`).
    kind : {"proposals", "history"}, optional
        Activities as proposals (default) or their funding transactions as history.
    filename : str, optional
        The file's name, for messages.

    Returns
    -------
    (RawTable, str)
        The table (contract columns first, ``iati_*`` extra columns after) and the kind read.

    Raises
    ------
    UnreadableFileError
        Hostile XML (entities, external DTD), broken XML, not an IATI activity file, donors
        asked for, or too large.
    """
    if kind == "donors":
        raise UnreadableFileError(
            "An IATI activity file holds activities (load it as proposals) or their "
            "transactions (load it as history), not donor profiles."
        )
    data, _ = read_source_bytes(source, MAX_BYTES)
    if not data.strip():
        raise UnreadableFileError("The file is empty")
    chosen = kind or "proposals"
    rows: list[tuple[int, dict[str, str], list[str]]] = []
    skipped: Counter[str] = Counter()
    seen: list[tuple[str, int, int, int]] = []  # identifier, line, first row, rows after it
    version = ""
    for root, element in iter_untrusted_children(data, _check_root):
        if element.tag != "iati-activity":
            continue
        version = root.get("version", "").strip()
        file_lang = "" if element is root else root.get(_LANG, "").strip().lower()
        activity = _activity(element, file_lang)
        if chosen == "proposals":
            produced = [(activity.line, _proposal_row(activity), activity.problems)]
        else:
            produced = _history_rows(activity)
            for transaction in element.iterfind("transaction/transaction-type"):
                code = transaction.get("code", "").strip()
                if code not in codes.FUNDING_TRANSACTION_TYPES:
                    skipped[code] += 1
        for _, row, _ in produced:
            row["iati_notes"] = "; ".join(activity.notes)
        seen.append((activity.identifier, activity.line, len(rows), len(produced)))
        rows.extend(produced)
    del data
    if not seen:
        raise UnreadableFileError("The IATI file holds no <iati-activity>")
    notes = [
        f"IATI activity XML{f' {version}' if version else ''}, "
        f"{counted(len(seen), 'activity', 'activities')}"
    ]
    if version and not version.startswith("2."):
        notes.append(f"IATI version {version}: read as 2.03 where the elements agree")
    if kind is None:
        notes.append("read as proposals (one per activity); --kind history reads its transactions")
    lines_of: dict[str, list[int]] = {}
    for identifier, line, _, _ in seen:
        lines_of.setdefault(identifier, []).append(line)
    repeated = {
        identifier: lines for identifier, lines in lines_of.items() if identifier and len(lines) > 1
    }
    for identifier, line, first, count in seen:
        if identifier not in repeated:
            continue
        other_lines = [str(other) for other in repeated[identifier] if other != line]
        text = (
            f'iati-identifier "{identifier}" also on '
            f"{noun(len(other_lines), 'line')} {', '.join(other_lines)}"
        )
        for _, row, _ in rows[first : first + count]:
            row["iati_notes"] = f"{row['iati_notes']}; {text}" if row["iati_notes"] else text
    if repeated:
        listed = "; ".join(
            f'"{identifier}" on lines {", ".join(map(str, lines))}'
            for identifier, lines in list(repeated.items())[:10]
        )
        notes.append(
            f"{counted(len(repeated), 'iati-identifier')} used by more than one activity: {listed}"
        )
    if skipped:
        listed = ", ".join(f"type {code or '?'}: {n}" for code, n in sorted(skipped.items()))
        notes.append(f"transactions that are not funding (not read as history): {listed}")
    return _table(rows, notes, chosen), chosen
