"""The French workbook of the officer's journey, as a focal point sends it and corrected.

A title row above the headers, no ID column, a title header the reader does not know
("Nom de l'initiative", mapped by hand), "1,2 million €", a misspelled country
("Sénégall") and a row without a title. The corrected file fixes both and raises the
Saloum request to 900 000; its rows keep the ids generated for the first one.
"""

from __future__ import annotations

import io

import openpyxl

HEADERS = ["Nom de l'initiative", "Pays", "Montant demandé (EUR)", "Objectifs d'Aichi", "Résumé"]
TITLE_HEADER = HEADERS[0]
AS_SENT = [
    [
        "Aires marines protégées des Bijagós",
        "Guinée-Bissau",
        "1,2 million €",
        "11, 14",
        "Récifs coralliens, herbiers et mangroves de l'archipel des Bijagós.",
    ],
    [
        "Restauration des mangroves du Saloum",
        "Sénégall",
        "850 000",
        "15",
        "Restauration des mangroves et des zones humides du delta du Saloum.",
    ],
    ["", "Cap-Vert", "300 000", "11", "Réseau d'aires protégées insulaires."],
]
CORRECTED = [
    AS_SENT[0],
    [AS_SENT[1][0], "Sénégal", "900 000", *AS_SENT[1][3:]],
    ["Réseau d'aires protégées insulaires du Cap-Vert", *AS_SENT[2][1:]],
]
FILENAME = "EOI Afrique de l'Ouest.xlsx"
CORRECTED_FILENAME = "EOI Afrique de l'Ouest (corrigé).xlsx"


def workbook(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Appel à manifestations d'intérêt LifeWeb 2026"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
