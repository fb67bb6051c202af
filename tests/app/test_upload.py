"""Reading an upload for review (``ui.upload``): encodings, previews, rejected rows to fix."""

from __future__ import annotations

import csv
import io

from matcher.export import to_csv_bytes
from ui.upload import (
    AUTO_ENCODING,
    decodable_encodings,
    normalisation_notes,
    preview_lines,
    read_upload,
    rejected_for_fixing,
)


def test_messy_file_reads_with_every_row_accounted_for(messy_csv):
    outcome = read_upload(messy_csv, filename="messy_proposals.csv", kind="proposals")
    assert outcome.ok
    report = outcome.report
    assert report.rows_in == report.n_loaded + report.n_rejected == 8


def test_rejected_rows_come_back_as_sent_with_their_problems(messy_csv):
    report = read_upload(messy_csv, filename="messy_proposals.csv", kind="proposals").report
    fixing = rejected_for_fixing(report)
    assert fixing["row"].tolist() == [6, 7, 8]
    assert fixing.loc[1, "Country/ies"] == "Atlantis"
    assert fixing.loc[1, "problems"].startswith('Country/ies: unknown country "Atlantis"')
    rows = list(csv.DictReader(io.StringIO(to_csv_bytes(fixing).decode("utf-8-sig"))))
    assert rows[2]["Funding needed (EUR)"] == "'-20000"  # formula-safe, still readable


def test_normalisation_notes_list_what_was_changed(messy_csv):
    report = read_upload(messy_csv, filename="messy_proposals.csv", kind="proposals").report
    notes = normalisation_notes(report)
    first = notes[notes["id"] == "MSY-02"]["notes"].iloc[0]
    assert '"1.250.000,00" -> 1,250,000' in first


def test_cp1252_bytes_are_flagged_and_previewed_in_the_chosen_encoding():
    data = "title\nForêt de Taï, Côte d'Ivoire\n".encode("cp1252")
    outcome = read_upload(data, filename="eoi.csv", kind="proposals")
    assert not outcome.ok
    assert outcome.encoding_may_help
    assert AUTO_ENCODING not in decodable_encodings(data)
    assert "cp1252" in decodable_encodings(data)
    assert "Forêt de Taï" in preview_lines(data, "cp1252")
    assert "�" in preview_lines(data, AUTO_ENCODING)


def test_binary_garbage_is_refused_without_an_encoding_hint():
    outcome = read_upload(b"PK\x03\x04\x00\x00garbage", filename="eoi.xlsx", kind="proposals")
    assert not outcome.ok
    assert not outcome.encoding_may_help
    assert outcome.message


def test_rejected_rows_download_keeps_a_carriage_return_inside_its_cell(assert_spreadsheet_safe):
    data = b'proposal_id,title,countries,comment\nP1,,Kenya,"see\r=1+1"\nP2,Ok,Kenya,fine\n'
    report = read_upload(data, filename="p.csv", kind="proposals").report
    rows = assert_spreadsheet_safe(to_csv_bytes(rejected_for_fixing(report)), n_rows=1)
    assert rows[1][rows[0].index("comment")] == "see\r'=1+1"
