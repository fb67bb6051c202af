"""A French workbook as a focal point sends it: title row, French headers, no ID column.

Issue 10 item 5 (engine side): the headers are understood, ids are generated and come back
the same for the corrected file, "1,2 million €" is read, and a misspelled country carries
a suggestion that, accepted, loads the row.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from matcher.load import load

HEADERS = ["Intitulé du projet", "Pays", "Montant demandé (EUR)", "Objectifs d'Aichi"]


def _workbook(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Appel à manifestations d'intérêt LifeWeb 2026"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


AS_SENT = [
    ["Aires marines protégées des Bijagós", "Guinée-Bissau", "1,2 million €", "11, 14"],
    ["Restauration des mangroves du Saloum", "Keyna", "850 000", "15"],
    ["", "Sénégal", "300 000", "5"],
    ["Réseau d'aires protégées insulaires", "Cap-Vert", "2 500 000", "11"],
]
CORRECTED = [
    ["Aires marines protégées des Bijagós", "Guinée-Bissau", "1,2 million €", "11, 14"],
    ["Restauration des mangroves du Saloum", "Kenya", "850 000", "15"],
    ["Forêts classées de Casamance", "Sénégal", "300 000", "5"],
    ["Réseau d'aires protégées insulaires", "Cap-Vert", "2 500 000", "11"],
]


@pytest.fixture(scope="module")
def as_sent():
    return load(_workbook(AS_SENT), filename="EOI Afrique de l'Ouest.xlsx")


def test_french_headers_map_to_the_contract_and_the_kind_is_proposals(as_sent) -> None:
    assert as_sent.kind == "proposals"
    mapped = dict(
        zip(as_sent.header_mapping["source_header"], as_sent.header_mapping["column"], strict=True)
    )
    assert mapped == {
        "Intitulé du projet": "title",
        "Pays": "countries",
        "Montant demandé (EUR)": "requested_amount",
        "Objectifs d'Aichi": "aichi_targets",
    }


def test_every_row_is_loaded_or_rejected_with_its_id_and_title(as_sent) -> None:
    assert as_sent.rows_in == as_sent.n_loaded + as_sent.n_rejected == 4
    assert as_sent.frame["title"].tolist() == [
        "Aires marines protégées des Bijagós",
        "Réseau d'aires protégées insulaires",
    ]
    rejected = as_sent.rejected.set_index("row")
    assert rejected.loc[4, "title"] == "Restauration des mangroves du Saloum"
    assert rejected.loc[4, "id"].startswith("auto-")
    assert rejected.loc[5, ["id", "title", "reason"]].tolist() == [
        "auto-row-5",
        "",
        "missing title",
    ]


def test_amount_in_french_millions_with_the_euro_sign_is_read(as_sent) -> None:
    bijagos = as_sent.frame.iloc[0]
    assert (bijagos["requested_amount"], bijagos["currency"]) == (1_200_000.0, "EUR")
    assert bijagos["countries"] == ("GNB",)
    assert bijagos["aichi_targets"] == (11, 14)


def test_cap_vert_resolves(as_sent) -> None:
    assert as_sent.frame.iloc[1]["countries"] == ("CPV",)


def test_generated_ids_are_noted_and_unique(as_sent) -> None:
    assert any("ids generated from the file name" in note for note in as_sent.file_notes)
    ids = [*as_sent.frame["proposal_id"], *as_sent.rejected["id"]]
    assert all(i.startswith("auto-") for i in ids)
    assert len(set(ids)) == 4


def test_accepting_the_suggestion_loads_the_row(as_sent) -> None:
    corrections = as_sent.suggested_corrections()
    assert corrections == {(4, "Pays"): "Kenya"}
    again = load(
        _workbook(AS_SENT), filename="EOI Afrique de l'Ouest.xlsx", corrections=corrections
    )
    loaded = again.frame.set_index("source_row")
    assert loaded.loc[4, "countries"] == ("KEN",)
    assert 'Pays: "Keyna" corrected to "Kenya"' in loaded.loc[4, "notes"]
    assert again.rejected["row"].tolist() == [5]


def test_the_corrected_file_gets_the_same_ids_for_the_same_projects(as_sent) -> None:
    corrected = load(_workbook(CORRECTED), filename="EOI Afrique de l'Ouest v2 (corrigé).xlsx")
    assert corrected.n_rejected == 0
    before = {
        **dict(zip(as_sent.frame["title"], as_sent.frame["proposal_id"], strict=True)),
        **dict(zip(as_sent.rejected["title"], as_sent.rejected["id"], strict=True)),
    }
    after = dict(zip(corrected.frame["title"], corrected.frame["proposal_id"], strict=True))
    for title in (
        "Aires marines protégées des Bijagós",
        "Restauration des mangroves du Saloum",
        "Réseau d'aires protégées insulaires",
    ):
        assert after[title] == before[title]


def test_rows_moved_or_added_above_keep_their_ids(as_sent) -> None:
    rows = [["Nouveau projet", "Mali", "10 000", "11"], CORRECTED[3], CORRECTED[1], CORRECTED[0]]
    reordered = load(_workbook(rows), filename="EOI Afrique de l'Ouest.xlsx")
    by_title = dict(zip(reordered.frame["title"], reordered.frame["proposal_id"], strict=True))
    original = dict(zip(as_sent.frame["title"], as_sent.frame["proposal_id"], strict=True))
    for title, proposal_id in original.items():
        assert by_title[title] == proposal_id
    assert by_title["Nouveau projet"] not in original.values()
