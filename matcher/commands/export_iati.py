"""``lifeweb-match export --kind history|pledges --format iati --out F.xml``: IATI 2.03 XML.

``history``: every stored funding record, one activity per funded proposal, one commitment
transaction per record. ``pledges --event ID``: the pledges of one event (pairs whose newest
pipeline step is "pledged"). The file is validated against the shipped IATI 2.03 schema
before it is written; exit 2 with one line when it cannot be done.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["run"]

EXIT_OK = 0
EXIT_FAILED = 2


def _fail(message: object) -> int:
    print(f"lifeweb-match export: {message}", file=sys.stderr)
    return EXIT_FAILED


def run(args: argparse.Namespace) -> int:
    """Write the IATI file ``args.out``; returns the exit status."""
    from sqlalchemy.exc import SQLAlchemyError

    from matcher.errors import LifeWebMatchError
    from matcher.interchange.iati_write import (
        ReportingOrg,
        activities_xml,
        funding_from_history,
        funding_from_pledges,
    )
    from matcher.store import open_store
    from matcher.words import counted

    if args.kind not in ("history", "pledges"):
        return _fail(f"--format iati writes history or pledges, not {args.kind}")
    event_id = getattr(args, "event", None)
    if args.kind == "pledges" and event_id is None:
        return _fail("--kind pledges needs --event ID (the event whose pledges to write)")
    org = ReportingOrg(ref=args.reporting_org_ref) if args.reporting_org_ref else ReportingOrg()
    try:
        with open_store(args.db) as store:
            proposals = store.proposals()
            if args.kind == "history":
                funding = funding_from_history(store.history())
                what = ("funding record", "funding records")
                what_of = ""
            else:
                event = store.event(event_id)
                funding = funding_from_pledges(
                    store.event_pipeline(event_id),
                    store.donors(),
                    event_name=str(event.get("name", "")),
                )
                what = ("pledge", "pledges")
                what_of = f" of event {event_id}"
            database = store.url
        export = activities_xml(proposals, funding, org=org)
        out = Path(args.out)
        if out.parent != Path():
            out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(export.xml)
    except LifeWebMatchError as error:
        return _fail(error)
    except (KeyError, LookupError) as error:
        return _fail(f"no such event: {error}")
    except SQLAlchemyError as error:
        return _fail(f"database error: {error}")
    except OSError as error:
        return _fail(f"cannot write {args.out}: {error}")
    print(
        f"{counted(export.n_transactions, *what)}{what_of} in "
        f"{counted(export.n_activities, 'IATI activity', 'IATI activities')} from "
        f"{database} written to {args.out} (valid IATI 2.03)"
    )
    if export.skipped:
        print(
            f"  not written: {counted(len(export.skipped), 'proposal id')} with funding but "
            "no stored "
            f"proposal: {', '.join(export.skipped[:10])}"
        )
    return EXIT_OK
