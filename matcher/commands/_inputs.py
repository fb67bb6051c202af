"""Inputs shared by the commands that rank: proposals, donors and history from files or a database."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from matcher.commands._files import input_problem
from matcher.errors import LifeWebMatchError

__all__ = ["InputError", "database_file", "load_inputs"]

KINDS = ("proposals", "donors", "history")


class InputError(LifeWebMatchError):
    """An input the command cannot use; the message is meant for the person at the prompt."""


def database_file(db: str | None) -> list[tuple[str, str]]:
    """``[("the database", path)]`` when ``db`` names a SQLite file, for the overwrite check."""
    if db is None:
        return []
    from matcher.store import resolve_url

    try:
        url = resolve_url(db)
    except (LifeWebMatchError, ValueError):  # a bad URL is reported when it is opened
        return []
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return [("the database", str(url.database))]
    return []


def load_inputs(
    files: dict[str, str | None],
    *,
    command: str,
    encoding: str | None = None,
    db: str | None = None,
) -> dict[str, pd.DataFrame]:
    """Proposals, donors and (optional) history, read through the project's readers.

    Inputs not given as files come from the database ``db`` when it is given. Rejected rows are
    reported on stderr (the rest is used); an unreadable file, an empty proposals or donors
    table, or neither file nor database raises :class:`InputError`.
    """
    from matcher.load import load

    frames: dict[str, pd.DataFrame] = {}
    for kind in KINDS:
        path = files.get(kind)
        problem = None if path is None else input_problem(path)
        if problem:
            raise InputError(f"{kind} file {problem}")
    if db is not None:
        from sqlalchemy.exc import SQLAlchemyError

        from matcher.store import read_inputs
        from matcher.store.errors import describe_database_error

        try:
            stored = dict(zip(KINDS, read_inputs(db, read_only=True), strict=True))
        except (LifeWebMatchError, OSError) as error:
            raise InputError(f"cannot read the database: {error}") from error
        except SQLAlchemyError as error:
            raise InputError(
                f"cannot read the database: {describe_database_error(error)}"
            ) from error
        frames.update({kind: frame for kind, frame in stored.items() if not frame.empty})
    elif files.get("proposals") is None or files.get("donors") is None:
        raise InputError("give --proposals FILE and --donors FILE, or --db URL")

    for kind in KINDS:
        path = files.get(kind)
        if path is None:
            continue
        file = Path(path)
        try:
            report = load(file, kind, filename=file.name, encoding=encoding)
        except (LifeWebMatchError, OSError) as error:
            raise InputError(f"{kind} file {path}: {error}") from error
        if report.n_rejected:
            print(
                f"lifeweb-match {command}: {file.name}: {report.n_rejected} of {report.rows_in} "
                f"rows rejected (run 'lifeweb-match validate {path}' to see why)",
                file=sys.stderr,
            )
        frames[kind] = report.frame
    for kind in ("proposals", "donors"):
        if frames.get(kind) is None or frames[kind].empty:
            source = files.get(kind) or "the database"
            raise InputError(f"no {kind[:-1]} could be loaded from {source}")
    return frames
