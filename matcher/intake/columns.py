"""A person's column mapping: what a file lacks, in words, and a key to remember the mapping by.

When no header of a file can be taken for a required column (a French workbook with
"Intitulé" where the reader expects a title), loading stops with
:class:`MissingColumnsError`. It says which columns are needed and which were found, and
carries them (and the header row's :func:`header_fingerprint`) so a page can offer a
mapping step, remember the choice under the fingerprint, and load again with
``load(..., column_map=...)``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from matcher.errors import UnreadableFileError
from matcher.normalise import name_key

__all__ = [
    "COLUMN_DESCRIPTIONS",
    "GENERATED_WHEN_MISSING",
    "MissingColumnsError",
    "header_fingerprint",
    "missing_columns_message",
]

GENERATED_WHEN_MISSING: dict[str, str] = {"proposals": "proposal_id"}
"""Id columns a file may lack: ids are then generated from the file name and each row's title.

Donor files keep their ids required: funding history and shortlists refer to donors by them."""

COLUMN_DESCRIPTIONS: dict[str, str] = {
    "proposal_id": 'the proposal\'s id ("ID", "N°", "Référence")',
    "title": 'the project\'s title ("Title", "Intitulé du projet", "Título del proyecto")',
    "countries": 'the country or countries ("Country", "Pays", "País")',
    "donor_id": 'the donor\'s id ("Donor ID", "Code")',
    "name": 'the donor\'s name ("Name", "Donor", "Bailleur")',
    "donor": 'the donor who funded it ("Donor", "Bailleur", "Donante")',
}
"""What a person would recognise each required column as, with header words that are understood."""

_SHOWN_HEADERS = 15


def header_fingerprint(headers: Sequence[str]) -> str:
    """A short key for a header row, equal for the same headers in any order, case or accents.

    A page stores a person's column mapping under it, and offers the mapping again when a
    file with the same headers comes in (the corrected file, next month's file).

    Examples
    --------
    >>> header_fingerprint(["Intitulé du projet", "Pays"]) == header_fingerprint(["pays", "INTITULE DU PROJET"])
    True
    """
    keys = sorted({name_key(str(h)) for h in headers if str(h).strip()})
    digest = hashlib.sha256("\x1f".join(keys).encode("utf-8")).hexdigest()
    return f"h{digest[:16]}"


def _listed(headers: Sequence[str]) -> str:
    shown = [f'"{h}"' for h in headers[:_SHOWN_HEADERS]]
    more = len(headers) - _SHOWN_HEADERS
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def missing_columns_message(
    kind: str | None, missing: Sequence[str], headers: Sequence[str]
) -> str:
    """One paragraph: which columns are needed, which were found, and how to say which is which."""
    found = f"The file's columns are {_listed(headers)}." if headers else "The file has no headers."
    if kind is None:
        return (
            "Cannot tell whether this file holds proposals, donors or funding history. "
            f"{found} Proposals need a title column (and countries), donors a name column, "
            "funding history a proposal id and a donor column. Name the kind (--kind) and "
            "say which column is which (--column HEADER=COLUMN), or rename the headers."
        )
    needed = "; ".join(f"{column}: {COLUMN_DESCRIPTIONS.get(column, column)}" for column in missing)
    return (
        f"A {kind} file needs a column for {' and '.join(missing)}, and none was found. "
        f"Needed: {needed}. {found} Say which column holds it (--column HEADER={missing[0]}, "
        "or the column-mapping step on the upload page), or rename that header."
    )


class MissingColumnsError(UnreadableFileError):
    """A required column has no header in the file; carries what a mapping step needs."""

    def __init__(self, kind: str | None, missing: Sequence[str], headers: Sequence[str]) -> None:
        self.kind = kind
        self.missing = tuple(missing)
        self.headers = tuple(str(h) for h in headers)
        self.fingerprint = header_fingerprint(self.headers)
        super().__init__(missing_columns_message(kind, self.missing, self.headers))
