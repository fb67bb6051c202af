"""Build the shipped sample data (``data/proposals.csv``, ``data/history.csv``, ``data/donors.csv``).

Proposals and funding history are derived, row for row, from the LifeWeb export in
``data/lifeweb/`` (MIT, (c) 2014 Secretariat of the Convention on Biological Diversity).
Donor profiles are written by hand in :mod:`donor_profiles` (next to this script) from
public knowledge of each donor's programmes; this script merges into each profile the
spellings the LifeWeb records use for it, so a history row's ``donor`` always resolves
to a profile by name or alias.

Every file is written in the FLAT form of the data contract (:mod:`matcher.contract`):
the contract's columns in contract order, then extra columns; multi-valued cells
``;``-joined; countries ISO 3166 alpha-3; UTF-8 without BOM; through
:func:`matcher.export.write_table`, so no cell can run as a spreadsheet formula.

Run from the repository root::

    .venv/bin/python scripts/build_sample_data.py          # rewrite the three files
    .venv/bin/python scripts/build_sample_data.py --check  # exit 1 if they are stale
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a plain script from a source checkout
    sys.path.insert(0, str(REPO))

from matcher.contract import (  # noqa: E402
    DONOR_COLUMNS,
    ECOSYSTEMS,
    HISTORY_COLUMNS,
    PROPOSAL_COLUMNS,
    REGION_GROUPS,
)
from matcher.export import to_csv_bytes  # noqa: E402

DATA = REPO / "data"
LIFEWEB = DATA / "lifeweb"
LIST_SEPARATOR = ";"
LIFEWEB_SEPARATOR = "|"

# LifeWeb EOI columns that become contract columns; the rest stay as extra columns.
# ``countries`` (English names) would clash with the contract's ``countries`` (alpha-3),
# so the names are kept as ``country_names``.
EOI_TO_CONTRACT = {
    "lw_project_id": "proposal_id",
    "title": "title",
    "summary": "summary",
    "description": "description",
    "objectives": "objectives",
    "funding_needed": "requested_amount",
    "currency": "currency",
    "alignment_nbsap": "nbsap_alignment",
    "funding_status": "status",
}
EOI_RENAMED_EXTRAS = {"countries": "country_names"}

# Funding-match columns: contract columns first, then extras. ``donor_id`` and ``date``
# are renamed so no reader can mistake them for a donors-file id or the ``year``.
MATCH_TO_CONTRACT = {
    "lw_project_id": "proposal_id",
    "donor_name": "donor",
    "amount": "amount",
    "currency": "currency",
    "year": "year",
}
MATCH_EXTRAS = {
    "donor_acronym": "donor_acronym",
    "donor_group": "donor_group",
    "is_external_named_donor": "is_external_named_donor",
    "lw_match_id": "lw_match_id",
    "donor_id": "lw_donor_id",
    "donor_country": "donor_country",
    "donor_iso2_if_government": "donor_iso2_if_government",
    "date": "match_date",
    "match_type": "match_type",
    "lifeweb_facilitated": "lifeweb_facilitated",
    "is_not_official": "is_not_official",
    "info": "info",
    "links": "links",
}

# LifeWeb donor records that are not external named donors, and so get no profile:
# placeholders and bodies of the recipient country itself.
NOT_A_DONOR_PROFILE_GROUPS = frozenset({"placeholder", "recipient_domestic_or_national_body"})
# "private donors" is filed as foundation_or_private but names nobody.
UNNAMED_LIFEWEB_DONOR_IDS = frozenset({"24048"})

PLAIN_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def read_lifeweb(name: str) -> pd.DataFrame:
    """One file of the LifeWeb export, every cell as text (Namibia's ``NA`` stays ``NA``)."""
    return pd.read_csv(LIFEWEB / name, keep_default_na=False, dtype=str)


def read_reference(name: str) -> pd.DataFrame:
    """One shipped reference table, every cell as text."""
    return pd.read_csv(DATA / name, keep_default_na=False, dtype=str)


def load_donor_profiles() -> list[dict[str, object]]:
    """The hand-written profiles, from ``donor_profiles.py`` beside this script."""
    path = Path(__file__).with_name("donor_profiles.py")
    spec = importlib.util.spec_from_file_location("donor_profiles", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [dict(profile) for profile in module.DONOR_PROFILES]


def _joined(values: Iterable[object]) -> str:
    return LIST_SEPARATOR.join(str(value) for value in values)


def _plain_number(text: str, *, where: str) -> str:
    """Check an amount is a plain non-negative number and return it unchanged."""
    if text and not PLAIN_NUMBER.match(text):
        raise ValueError(f"{where}: {text!r} is not a plain number")
    return text


def iso2_to_iso3(countries: pd.DataFrame) -> dict[str, str]:
    """ISO alpha-2 to alpha-3, from the shipped country table."""
    return dict(zip(countries["iso2"], countries["iso3"], strict=True))


def build_proposals(eois: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    """Every LifeWeb EOI as one proposal row in the flat contract form.

    Text is kept exactly as the export has it (HTML included; the readers strip it).
    Nothing is inferred: ``gbf_targets`` and ``ecosystems`` stay empty because no EOI
    states them, and ``secured_amount`` stays empty because no EOI records it.
    """
    to_iso3 = iso2_to_iso3(countries)
    rows: list[dict[str, str]] = []
    for record in eois.to_dict("records"):
        where = f"EOI {record['lw_project_id']}"
        iso2_codes = [code for code in record["country_iso2"].split(LIFEWEB_SEPARATOR) if code]
        unknown = [code for code in iso2_codes if code not in to_iso3]
        if unknown or not iso2_codes:
            raise ValueError(
                f"{where}: country codes {unknown or iso2_codes} not in country-codes.csv"
            )
        targets = [int(t) for t in record["aichi_targets"].split(LIFEWEB_SEPARATOR) if t]
        if any(not 1 <= target <= 20 for target in targets):
            raise ValueError(f"{where}: Aichi targets {targets} outside 1-20")
        row = {column: "" for column in PROPOSAL_COLUMNS}
        for source, column in EOI_TO_CONTRACT.items():
            row[column] = record[source]
        row["countries"] = _joined(to_iso3[code] for code in iso2_codes)
        row["requested_amount"] = _plain_number(record["funding_needed"], where=where)
        row["aichi_targets"] = _joined(sorted(set(targets)))
        row["submitted_on"] = record["year_submitted"] or record["approved_on"]
        for source, value in record.items():
            if source in EOI_TO_CONTRACT or source == "aichi_targets":
                continue
            row[EOI_RENAMED_EXTRAS.get(source, source)] = value
        rows.append(row)
    return pd.DataFrame(rows, dtype=str)


def build_history(matches: pd.DataFrame) -> pd.DataFrame:
    """Every LifeWeb funding match as one history row, donor names as written."""
    rows: list[dict[str, str]] = []
    for record in matches.to_dict("records"):
        where = f"match {record['lw_match_id']}"
        row = {column: "" for column in HISTORY_COLUMNS}
        for source, column in MATCH_TO_CONTRACT.items():
            row[column] = record[source]
        row["amount"] = _plain_number(record["amount"], where=where)
        for source, column in MATCH_EXTRAS.items():
            row[column] = record[source]
        unused = set(record) - set(MATCH_TO_CONTRACT) - set(MATCH_EXTRAS)
        if unused:
            raise ValueError(f"{where}: columns {sorted(unused)} would be lost")
        rows.append(row)
    return pd.DataFrame(rows, dtype=str)


def external_lifeweb_donors(lifeweb_donors: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    """LifeWeb donor records that need a profile: every named donor from outside.

    That is every donor flagged ``is_external_named_donor`` in a match, plus every donor in
    the (complete) LifeWeb donor list that is neither a placeholder nor a body of a
    recipient country.
    """
    flagged = set(matches.loc[matches["is_external_named_donor"].eq("True"), "donor_id"])
    by_group = ~lifeweb_donors["donor_group"].isin(NOT_A_DONOR_PROFILE_GROUPS) & ~lifeweb_donors[
        "donor_id"
    ].isin(UNNAMED_LIFEWEB_DONOR_IDS)
    needed = by_group | lifeweb_donors["donor_id"].isin(flagged)
    return lifeweb_donors.loc[needed]


def _unique_aliases(name: str, aliases: Sequence[str]) -> list[str]:
    """Aliases in order, without repeats or the donor's own name (case-insensitive)."""
    seen = {name.casefold()}
    unique: list[str] = []
    for alias in aliases:
        alias = alias.strip()
        if alias and alias.casefold() not in seen:
            seen.add(alias.casefold())
            unique.append(alias)
    return unique


def _check_profile(profile: dict[str, object], valid_regions: set[str], iso3: set[str]) -> None:
    where = f"donor {profile['donor_id']}"
    for column in ("eligible_countries", "excluded_countries"):
        unknown = set(profile[column]) - iso3  # type: ignore[arg-type]
        if unknown:
            raise ValueError(f"{where}: {column} {sorted(unknown)} are not ISO alpha-3 codes")
    unknown_regions = set(profile["eligible_regions"]) - valid_regions  # type: ignore[arg-type]
    if unknown_regions:
        raise ValueError(f"{where}: regions {sorted(unknown_regions)} not in country-codes.csv")
    unknown_ecosystems = set(profile["ecosystems"]) - set(ECOSYSTEMS)  # type: ignore[arg-type]
    if unknown_ecosystems:
        raise ValueError(f"{where}: ecosystems {sorted(unknown_ecosystems)} not in the contract")
    if any(not 1 <= t <= 20 for t in profile["aichi_targets"]):  # type: ignore[attr-defined]
        raise ValueError(f"{where}: Aichi targets outside 1-20")
    if any(not 1 <= t <= 23 for t in profile["gbf_targets"]):  # type: ignore[attr-defined]
        raise ValueError(f"{where}: GBF targets outside 1-23")


def _amount(value: object) -> str:
    if value is None:
        return ""
    number = float(value)  # type: ignore[arg-type]
    return str(int(number)) if number.is_integer() else repr(number)


def build_donors(
    profiles: Sequence[dict[str, object]],
    lifeweb_donors: pd.DataFrame,
    matches: pd.DataFrame,
    countries: pd.DataFrame,
) -> pd.DataFrame:
    """Hand-written profiles with the LifeWeb spellings merged into ``aliases``.

    Fails when a LifeWeb donor that needs a profile has none, or when two profiles claim
    the same LifeWeb record, so the sample cannot silently drift from the records.
    """
    valid_regions = {
        name
        for column in ("region", "sub_region", "intermediate_region")
        for name in countries[column]
        if name
    } | set(REGION_GROUPS)
    iso3 = set(countries["iso3"])
    lifeweb_by_id = lifeweb_donors.set_index("donor_id")
    claimed: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    for profile in profiles:
        _check_profile(profile, valid_regions, iso3)
        lifeweb_spellings: list[str] = []
        for lifeweb_id in profile["lifeweb_donor_ids"]:  # type: ignore[attr-defined]
            if lifeweb_id in claimed:
                raise ValueError(f"LifeWeb donor {lifeweb_id} claimed twice")
            claimed[lifeweb_id] = str(profile["donor_id"])
            record = lifeweb_by_id.loc[lifeweb_id]
            lifeweb_spellings += [record["donor_name"], record["donor_acronym"]]
        name = str(profile["name"])
        aliases = _unique_aliases(name, [*lifeweb_spellings, *profile["aliases"]])  # type: ignore[misc]
        row = {
            "donor_id": str(profile["donor_id"]),
            "name": name,
            "aliases": _joined(aliases),
            "donor_type": str(profile["donor_type"]),
            "priorities": " ".join(str(profile["priorities"]).split()),
            "aichi_targets": _joined(sorted(profile["aichi_targets"])),  # type: ignore[call-overload]
            "gbf_targets": _joined(sorted(profile["gbf_targets"])),  # type: ignore[call-overload]
            "eligible_regions": _joined(profile["eligible_regions"]),  # type: ignore[arg-type]
            "eligible_countries": _joined(profile["eligible_countries"]),  # type: ignore[arg-type]
            "excluded_countries": _joined(profile["excluded_countries"]),  # type: ignore[arg-type]
            "min_grant": _amount(profile["min_grant"]),
            "max_grant": _amount(profile["max_grant"]),
            "currency": str(profile["currency"]),
            "annual_budget": _amount(profile["annual_budget"]),
            "ecosystems": _joined(profile["ecosystems"]),  # type: ignore[arg-type]
            "active": "true" if profile["active"] else "false",
            "lifeweb_donor_ids": _joined(profile["lifeweb_donor_ids"]),  # type: ignore[arg-type]
            "sources": _joined(profile["sources"]),  # type: ignore[arg-type]
        }
        rows.append(row)
    missing = external_lifeweb_donors(lifeweb_donors, matches)
    missing = missing.loc[~missing["donor_id"].isin(claimed)]
    if not missing.empty:
        raise ValueError(f"LifeWeb donors without a profile: {missing['donor_name'].tolist()}")
    frame = pd.DataFrame(rows, dtype=str)
    duplicated = frame["donor_id"][frame["donor_id"].duplicated()]
    if not duplicated.empty:
        raise ValueError(f"duplicate donor_id {duplicated.tolist()}")
    return frame


def build_all() -> dict[str, pd.DataFrame]:
    """The three sample tables, keyed by the file name they are written to."""
    countries = read_reference("country-codes.csv")
    eois = read_lifeweb("eoi_projects.csv")
    matches = read_lifeweb("funding_matches.csv")
    lifeweb_donors = read_lifeweb("donors.csv")
    tables = {
        "proposals.csv": build_proposals(eois, countries),
        "history.csv": build_history(matches),
        "donors.csv": build_donors(load_donor_profiles(), lifeweb_donors, matches, countries),
    }
    contract = {
        "proposals.csv": PROPOSAL_COLUMNS,
        "history.csv": HISTORY_COLUMNS,
        "donors.csv": DONOR_COLUMNS,
    }
    for name, frame in tables.items():
        leading = tuple(frame.columns[: len(contract[name])])
        if leading != contract[name]:
            raise ValueError(f"{name}: columns {leading} are not the contract's, in order")
    return tables


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the three sample files; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    parser.add_argument("--out-dir", type=Path, default=DATA, help="where to write (default data/)")
    args = parser.parse_args(argv)
    stale: list[str] = []
    tables = build_all()
    for name, frame in tables.items():
        content = to_csv_bytes(frame, bom=False)
        path = args.out_dir / name
        if args.check:
            if not path.is_file() or path.read_bytes() != content:
                stale.append(name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        print(f"wrote {path} ({len(frame)} rows)")
    if stale:
        print(f"stale: {', '.join(stale)}; run scripts/build_sample_data.py", file=sys.stderr)
        return 1
    if args.check:
        print(f"sample data up to date ({', '.join(str(args.out_dir / n) for n in tables)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
