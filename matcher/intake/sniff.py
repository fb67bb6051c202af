"""What a file really is, whatever its name says, and the one line to say when it is not a table.

A web page saved as ``.csv``, an XML export renamed, an OpenDocument spreadsheet or an old
``.xls``: read as CSV these give a header-mapping error that sends people the wrong way.
Looking at the first bytes tells them apart.
"""

from __future__ import annotations

import io
import re
import zipfile

__all__ = ["ACCEPTED", "content_kind", "not_a_table_message"]

ACCEPTED = "Accepted: CSV (UTF-8 or a named encoding), Excel .xlsx, and IATI activity XML."

_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_HTML = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|div)\b", re.I | re.S
)
_XML = re.compile(rb"^\s*(?:<\?xml\b|<[A-Za-z_][\w.:-]*[\s>/])", re.S)
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)[\s>/]")


def _start(data: bytes) -> bytes:
    head = data[:4096]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    if head[:2] in (b"<\x00", b"\x00<"):  # UTF-16 without a BOM
        head = head.replace(b"\x00", b"")
    return head


def _zip_kind(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return "xlsx"  # damaged: the Excel reader says so
    if b"opendocument.spreadsheet" in mimetype:
        return "ods"
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        return "odf"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return "zip"


def content_kind(data: bytes) -> str:
    """ "xlsx", "xls", "ods", "odf", "docx", "zip", "pdf", "html", "xml", "iati" or "text"."""
    if data.startswith(_ZIP_MAGIC):
        return _zip_kind(data)
    if data.startswith(_XLS_MAGIC):
        return "xls"
    if data.startswith(b"%PDF"):
        return "pdf"
    head = _start(data)
    if _HTML.match(head):
        return "html"
    if _XML.match(head):
        body = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head, flags=re.S)
        root = _ROOT.search(body)
        if root and root.group(1).split(b":")[-1] in (b"iati-activities", b"iati-organisations"):
            return "iati"
        return "xml"
    return "text"


_WHAT = {
    "ods": (
        "an OpenDocument spreadsheet (.ods, from LibreOffice or OpenOffice)",
        "Save it as Excel .xlsx or as CSV UTF-8 (File > Save As) and load that.",
    ),
    "odf": ("an OpenDocument file, not a spreadsheet", "Save the table as .xlsx or CSV UTF-8."),
    "xls": (
        "an old Excel .xls file",
        "Save it as .xlsx or CSV UTF-8 (File > Save As) and load that.",
    ),
    "docx": ("a Word document", "Put the table in a spreadsheet and save it as .xlsx or CSV."),
    "zip": ("a zip archive", "Unpack it and load the .xlsx or .csv file inside."),
    "pdf": ("a PDF document", "Load the table it came from, as .xlsx or CSV."),
    "html": (
        "a web page (HTML)",
        "Download the data itself (CSV or Excel), not the page that shows it.",
    ),
    "xml": ("an XML file that is not IATI activity XML", "Export the table as CSV or .xlsx."),
    "iati": (
        "IATI activity XML",
        "Name it .xml and load it as IATI XML (lifeweb-match import, or the IATI option on "
        "the upload page), or export the activities as CSV.",
    ),
}


_NATURAL_SUFFIXES = {"html": ("html", "htm"), "iati": ("xml",), "odf": ("odt", "odp", "odg")}


def not_a_table_message(kind: str, filename: str = "") -> str:
    """One line naming what the file is and what is accepted ("" when it may be a table)."""
    if kind not in _WHAT:
        return ""
    what, how = _WHAT[kind]
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    natural = _NATURAL_SUFFIXES.get(kind, (kind,))
    named = f' although it is named "{filename}"' if filename and suffix not in natural else ""
    return f"This file is {what}{named}. {how} {ACCEPTED}"
