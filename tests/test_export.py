import io

import pandas as pd
from openpyxl import load_workbook

from matcher.export import neutralise_formulas, to_csv_bytes, to_excel_bytes


def test_formula_cells_get_an_apostrophe_and_numbers_stay_numbers():
    frame = pd.DataFrame(
        {
            "title": [
                '=HYPERLINK("http://x","y")',
                "+1",
                "-x",
                "@SUM(A1)",
                "\tx",
                "\rx",
                "Forests",
            ],
            "score": [-0.5, 1, 2, 3, 4, 5, 6],
        }
    )
    safe = neutralise_formulas(frame)
    assert safe["title"].tolist() == [
        '\'=HYPERLINK("http://x","y")',
        "'+1",
        "'-x",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "Forests",
    ]
    assert safe["score"].tolist() == [-0.5, 1, 2, 3, 4, 5, 6]


def test_csv_bytes_have_bom_and_keep_accents():
    data = to_csv_bytes(pd.DataFrame({"country": ["Côte d'Ivoire", "越南"]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")["country"].tolist() == [
        "Côte d'Ivoire",
        "越南",
    ]


def test_excel_bytes_hold_text_not_formulas():
    data = to_excel_bytes(pd.DataFrame({"title": ["=1+1"], "n": [2]}))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == "'=1+1"
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 2


def test_a_carriage_return_inside_a_cell_cannot_start_a_new_spreadsheet_row(
    assert_spreadsheet_safe,
):
    frame = pd.DataFrame(
        {"title": ["ok\r=1+1", "two\nlines", "crlf\r\n+SUM(A1)", "plain"], "n": [1, 2, 3, 4]}
    )
    rows = assert_spreadsheet_safe(to_csv_bytes(frame, bom=False), n_rows=4)
    assert [row[0] for row in rows[1:]] == ["ok\r'=1+1", "two\nlines", "crlf\r\n'+SUM(A1)", "plain"]


def test_every_line_of_a_multi_line_cell_is_neutralised():
    frame = pd.DataFrame({"note": ["first\n=1+1\n@x\n-y\n\tz", "=a\nb"]})
    assert neutralise_formulas(frame)["note"].tolist() == [
        "first\n'=1+1\n'@x\n'-y\n'\tz",
        "'=a\nb",
    ]


def test_fields_with_line_breaks_are_quoted_and_read_back_as_written():
    frame = pd.DataFrame({"a\rb": ["x\ry", 'say "hi"\r\nbye'], "n": [1.5, None]})
    data = to_csv_bytes(frame, bom=False)
    assert data == b'"a\rb",n\n"x\ry",1.5\n"say ""hi""\r\nbye",\n'
    back = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert back.columns.tolist() == ["a\rb", "n"]
    assert back["a\rb"].tolist() == ["x\ry", 'say "hi"\r\nbye']


def test_our_own_multi_line_cells_read_back_as_written():
    from matcher.load import load

    frame = pd.DataFrame(
        {
            "proposal_id": ["P1"],
            "title": ["Reefs"],
            "countries": ["FJI"],
            "description": ["Outputs:\n- patrols\n=more boats"],
        }
    )
    report = load(to_csv_bytes(frame), "proposals", filename="p.csv")
    assert report.frame["description"].tolist() == ["Outputs:\n- patrols\n=more boats"]
