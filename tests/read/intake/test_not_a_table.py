"""Content that is not what the file name says gets one line naming it and what is accepted (issue 14)."""

from __future__ import annotations

import io
import zipfile

import pytest

from matcher.cli import main
from matcher.errors import UnreadableFileError
from matcher.read import NotATableError, read_table


def _ods() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "kind", "says"),
    [
        (
            b"<!DOCTYPE html><html><body><table><tr><td>id</td></tr></table></body></html>",
            "proposals.csv",
            "html",
            'a web page (HTML) although it is named "proposals.csv"',
        ),
        (
            b"\xef\xbb\xbf<?xml version='1.0'?><root><row id='1'/></root>",
            "proposals.csv",
            "xml",
            "an XML file that is not IATI activity XML",
        ),
        (
            b"<?xml version='1.0'?>\n<iati-activities version='2.03'><iati-activity/></iati-activities>",
            "activities.csv",
            "iati",
            "IATI activity XML",
        ),
        (_ods(), "proposals.xlsx", "ods", "an OpenDocument spreadsheet (.ods"),
        (_ods(), "proposals.ods", "ods", "Save it as Excel .xlsx or as CSV UTF-8"),
        (b"%PDF-1.7\n...", "proposals.csv", "pdf", "a PDF document"),
    ],
)
def test_the_message_names_what_the_file_is_and_what_is_accepted(
    data: bytes, name: str, kind: str, says: str
) -> None:
    with pytest.raises(NotATableError) as caught:
        read_table(data, filename=name)
    assert caught.value.kind == kind
    message = str(caught.value)
    assert says in message
    assert (
        "Accepted: CSV (UTF-8 or a named encoding), Excel .xlsx, and IATI activity XML." in message
    )
    assert "\n" not in message
    assert "rename the column" not in message


def test_ods_message_no_longer_mentions_the_zip_internals() -> None:
    with pytest.raises(UnreadableFileError) as caught:
        read_table(_ods(), filename="budget.ods")
    assert "[Content_Types].xml" not in str(caught.value)
    assert str(caught.value).startswith("This file is an OpenDocument spreadsheet (.ods")


def test_validate_says_it_in_one_line_with_exit_2(tmp_path, capsys) -> None:
    path = tmp_path / "page.csv"
    path.write_bytes(b"<html><head><title>Login</title></head><body>Sign in</body></html>")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "a web page (HTML)" in err
    assert "Traceback" not in err
