"""Reading an uploaded file for review before anything is saved.

The reader (:func:`matcher.load.load`) either returns a report (rows loaded, rows rejected
with reasons, header mapping, near-duplicates) or raises
:class:`~matcher.errors.UnreadableFileError` with a message for a person. When the text is
not UTF-8, the page offers other encodings with a preview of the first lines, so the user
picks the one where accents and characters look right.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from matcher.contract import KINDS
from matcher.errors import UnreadableFileError
from matcher.intake.columns import MissingColumnsError
from matcher.load import LoadReport, flatten, load
from ui.words import country_list

__all__ = [
    "COLUMN_WORDS",
    "ENCODING_CHOICES",
    "MAPPABLE_COLUMNS",
    "MissingColumns",
    "UploadOutcome",
    "cell_changes",
    "column_map_key",
    "column_words",
    "content_hash",
    "decodable_encodings",
    "normalisation_notes",
    "preview_lines",
    "read_upload",
    "rejected_for_fixing",
    "rejected_table",
    "round_words",
]

AUTO_ENCODING = "auto (UTF-8)"
# Encodings people's spreadsheets actually produce: Windows Western and Central European,
# Latin-1, Chinese (GB18030 covers GBK/GB2312), Japanese, UTF-16 from "Unicode text" exports.
ENCODING_CHOICES: tuple[str, ...] = (
    AUTO_ENCODING,
    "cp1252",
    "latin-1",
    "cp1250",
    "gb18030",
    "big5",
    "shift_jis",
    "utf-16",
    "mac_roman",
)
_TEXT_SUFFIXES = (".csv", ".txt", ".tsv")


@dataclass(frozen=True)
class MissingColumns:
    """What a mapping step needs when a required column has no header (picklable, cached)."""

    missing: tuple[str, ...]
    headers: tuple[str, ...]
    fingerprint: str


@dataclass(frozen=True)
class UploadOutcome:
    """What reading one upload gave: a report, or a message and whether an encoding may help."""

    report: LoadReport | None
    message: str = ""
    encoding_may_help: bool = False
    missing: MissingColumns | None = None
    """Set when a required column has no header: the page then offers a mapping step."""

    @property
    def ok(self) -> bool:
        return self.report is not None


def content_hash(data: bytes) -> str:
    """SHA-256 of the file, so re-importing the same bytes is recognised as such."""
    return hashlib.sha256(data).hexdigest()


def is_text_file(filename: str) -> bool:
    return filename.lower().endswith(_TEXT_SUFFIXES)


def read_upload(
    data: bytes,
    *,
    filename: str,
    kind: str,
    encoding: str = AUTO_ENCODING,
    column_map: dict[str, str | None] | None = None,
    corrections: dict[tuple[int, str], str] | None = None,
) -> UploadOutcome:
    """Run the reader on uploaded bytes; never raises for a bad file.

    Parameters
    ----------
    data
        The uploaded file's bytes.
    filename
        Its name (decides CSV or Excel).
    kind
        ``"proposals"``, ``"donors"`` or ``"history"``.
    encoding
        An entry of :data:`ENCODING_CHOICES`; the first means UTF-8 (with or without BOM).
    column_map, corrections
        A person's column mapping and accepted cell corrections (see :func:`matcher.load.load`).

    Returns
    -------
    UploadOutcome
        The report, or the reader's message; an unreadable text file whose bytes are not
        valid UTF-8 is flagged ``encoding_may_help`` so the page offers the encoding choice.
    """
    chosen = None if encoding == AUTO_ENCODING else encoding
    try:
        report = load(
            data,
            kind,
            filename=filename,
            encoding=chosen,
            column_map=column_map or None,
            corrections=corrections or None,
        )
    except MissingColumnsError as error:
        if error.kind is None:  # the kind is always given here; kept for safety
            return UploadOutcome(None, str(error))
        found = MissingColumns(error.missing, error.headers, error.fingerprint)
        return UploadOutcome(None, str(error), missing=found)
    except ValueError as error:  # a mapping naming a column the contract does not have
        if isinstance(error, UnreadableFileError):
            may_help = is_text_file(filename) and not _is_utf8(data)
            return UploadOutcome(None, str(error), encoding_may_help=may_help)
        return UploadOutcome(None, f"The column mapping cannot be used: {error}")
    except UnreadableFileError as error:
        may_help = is_text_file(filename) and not _is_utf8(data)
        return UploadOutcome(None, str(error), encoding_may_help=may_help)
    return UploadOutcome(report)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decodable_encodings(data: bytes) -> list[str]:
    """Offered encodings that decode these bytes without error (UTF-8 first when it does)."""
    fitting = [AUTO_ENCODING] if _is_utf8(data) else []
    for name in ENCODING_CHOICES[1:]:
        try:
            data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        fitting.append(name)
    return fitting


def preview_lines(data: bytes, encoding: str, *, lines: int = 8, width: int = 160) -> str:
    """The first ``lines`` lines decoded with ``encoding`` (undecodable bytes shown as �)."""
    name = "utf-8-sig" if encoding == AUTO_ENCODING else encoding
    text = data[:20_000].decode(name, errors="replace")
    shown = [line[:width] for line in text.splitlines()[:lines]]
    return "\n".join(shown)


def normalisation_notes(report: LoadReport) -> pd.DataFrame:
    """Rows whose values were normalised, with the reader's note saying how."""
    frame = report.frame
    if frame.empty or "notes" not in frame.columns:
        return pd.DataFrame(columns=["row", "id", "notes"])
    id_column = frame.columns[0]
    noted = frame[frame["notes"].fillna("").astype(str).str.strip() != ""]
    return pd.DataFrame(
        {
            "row": noted["source_row"].to_numpy() if "source_row" in noted else noted.index,
            "id": noted[id_column].astype(str).to_numpy(),
            "notes": noted["notes"].astype(str).to_numpy(),
        }
    )


def rejected_for_fixing(report: LoadReport) -> pd.DataFrame:
    """Rejected rows as they came in the file, each with its row number and every reason.

    Downloaded (formula-safe) so the sender can fix the rows and send them again.
    """
    reasons = (
        report.rejected.assign(
            problem=report.rejected["column"].astype(str)
            + ": "
            + report.rejected["reason"].astype(str)
        )
        .groupby("row")["problem"]
        .agg("; ".join)
    )
    cells = report.rejected_rows
    if cells is None or cells.empty:
        return pd.DataFrame({"row": reasons.index, "problems": reasons.to_numpy()})
    fixed = cells.rename(columns={"source_row": "row"})
    fixed.insert(1, "problems", fixed["row"].map(reasons).fillna(""))
    return fixed.reset_index(drop=True)


def loaded_preview(report: LoadReport, *, rows: int = 200) -> pd.DataFrame:
    """The first loaded rows with tuples joined and countries named, ready for ``st.dataframe``."""
    shown = report.frame.head(rows).copy()
    for column in ("countries", "eligible_countries", "excluded_countries"):
        if column in shown:
            shown[column] = shown[column].map(country_list)
    return flatten(shown)


# Contract columns a person may assign a header to in the mapping step, per kind.
MAPPABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "proposals": (
        "proposal_id",
        "title",
        "countries",
        "requested_amount",
        "currency",
        "aichi_targets",
        "gbf_targets",
        "ecosystems",
        "summary",
        "description",
        "status",
    ),
    "donors": ("donor_id", "name", "priorities", "eligible_regions", "min_grant", "max_grant"),
    "history": ("proposal_id", "donor", "amount", "currency", "year"),
}
assert set(MAPPABLE_COLUMNS) == set(KINDS)

# The mapping step names each column in the person's words, never the contract's key.
COLUMN_WORDS: dict[str, str] = {
    "proposal_id": "Proposal ID",
    "title": "Title",
    "countries": "Countries",
    "requested_amount": "Amount requested",
    "currency": "Currency",
    "aichi_targets": "Aichi targets",
    "gbf_targets": "GBF targets",
    "ecosystems": "Ecosystems",
    "summary": "Summary",
    "description": "Description",
    "status": "Status",
    "donor_id": "Donor ID",
    "name": "Donor name",
    "priorities": "Priorities",
    "eligible_regions": "Eligible regions",
    "min_grant": "Smallest grant",
    "max_grant": "Largest grant",
    "donor": "Donor",
    "amount": "Amount funded",
    "year": "Year",
}


def column_words(column: str) -> str:
    """A contract column as the person calls it ("requested_amount": "Amount requested")."""
    return COLUMN_WORDS.get(column, column.replace("_", " ").capitalize())


def round_words(uploads: pd.DataFrame, upload_id: int) -> str:
    """An upload as the person knows it: its round name or file, and its day, never its id."""
    found = uploads[pd.to_numeric(uploads["upload_id"], errors="coerce") == upload_id]
    if found.empty:
        return "the upload you saved"
    row = found.iloc[-1]
    filename = str(row.get("filename") or "").strip()
    name = str(row.get("round_name") or "").strip()
    words = f"'{name}'" if name else (filename or "your upload")
    if name and filename and filename not in name:
        words += f" (file {filename})"
    when = pd.Timestamp(row["imported_at"]) if pd.notna(row.get("imported_at")) else None
    return words + (f", saved {when.strftime('%d %b %Y %H:%M')} UTC" if when is not None else "")


def column_map_key(kind: str, fingerprint: str) -> str:
    """Where a person's mapping for this kind of file and header row is remembered."""
    return f"column_map:{kind}:{fingerprint}"


def rejected_table(report: LoadReport) -> pd.DataFrame:
    """Rejected rows as the page lists them: row, id, title, column, value, reason, suggestion."""
    columns = ["row", "id", "title", "column", "value", "reason", "suggestion"]
    table = report.rejected
    if table.empty:
        return pd.DataFrame(columns=columns)
    present = [c for c in columns if c in table.columns]
    shown = table[present].copy()
    for column in columns:
        if column not in shown:
            shown[column] = ""
    return shown[columns].fillna("").reset_index(drop=True)


def cell_changes(report: LoadReport, stored: pd.DataFrame) -> pd.DataFrame:
    """What saving would change in records already stored: one row per changed cell.

    Compared on the file's contract columns in their stored text form (``flatten``), so a
    re-upload of a corrected file shows exactly the cells that differ before it is saved.
    """
    empty = pd.DataFrame(columns=["id", "title", "column", "stored", "in the file"])
    frame = report.frame
    if frame.empty or stored.empty:
        return empty
    id_column = frame.columns[0]
    if id_column not in stored.columns:
        return empty
    mapped = set(report.header_mapping.get("column", pd.Series(dtype=str)).dropna().astype(str))
    compared = [c for c in frame.columns if c in stored.columns and c in mapped and c != id_column]
    old = flatten(stored[[id_column, *compared]]).astype(str)
    old = old.drop_duplicates(id_column).set_index(id_column)
    new = flatten(frame[[id_column, "title", *[c for c in compared if c != "title"]]]).astype(str)
    rows = []
    for _, row in new.iterrows():
        record = str(row[id_column])
        if record not in old.index:
            continue
        for column in compared:
            before, after = str(old.at[record, column]), str(row[column])
            if _normal(before) != _normal(after):
                rows.append((record, str(row["title"]), column, before, after))
    return pd.DataFrame(rows, columns=empty.columns) if rows else empty


def _normal(text: str) -> str:
    cleaned = text.strip()
    if cleaned.lower() in {"nan", "none", "<na>"}:
        return ""
    try:
        return repr(float(cleaned))
    except ValueError:
        return cleaned
