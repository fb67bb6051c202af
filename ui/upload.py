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

from matcher.errors import UnreadableFileError
from matcher.load import LoadReport, flatten, load

__all__ = [
    "ENCODING_CHOICES",
    "UploadOutcome",
    "content_hash",
    "decodable_encodings",
    "normalisation_notes",
    "preview_lines",
    "read_upload",
    "rejected_for_fixing",
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
class UploadOutcome:
    """What reading one upload gave: a report, or a message and whether an encoding may help."""

    report: LoadReport | None
    message: str = ""
    encoding_may_help: bool = False

    @property
    def ok(self) -> bool:
        return self.report is not None


def content_hash(data: bytes) -> str:
    """SHA-256 of the file, so re-importing the same bytes is recognised as such."""
    return hashlib.sha256(data).hexdigest()


def is_text_file(filename: str) -> bool:
    return filename.lower().endswith(_TEXT_SUFFIXES)


def read_upload(
    data: bytes, *, filename: str, kind: str, encoding: str = AUTO_ENCODING
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

    Returns
    -------
    UploadOutcome
        The report, or the reader's message; an unreadable text file whose bytes are not
        valid UTF-8 is flagged ``encoding_may_help`` so the page offers the encoding choice.
    """
    chosen = None if encoding == AUTO_ENCODING else encoding
    try:
        report = load(data, kind, filename=filename, encoding=chosen)
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
    """The first loaded rows with tuples joined, ready for ``st.dataframe``."""
    return flatten(report.frame.head(rows))
