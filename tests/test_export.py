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
