"""Write the deliberately messy files in ``tests/read/files/`` (run by hand; the files are committed).

Each file imitates what a country focal point or a donor desk really sends: another
delimiter, another encoding, a title row, merged cells, amounts and targets in words.
"""

from __future__ import annotations

import random
from pathlib import Path

from openpyxl import Workbook

FILES = Path(__file__).with_name("files")


def semicolon_csv_with_bom() -> None:
    text = (
        "ID;Project title;Country/ies;Funding needed (EUR);Aichi targets\r\n"
        'P-001;Mangrove restoration in the Gulf of Fonseca;Honduras, El Salvador and Nicaragua;1.250.000,00;"T11;T15"\r\n'
        "P-002;Forest corridors in the Annamites;Viet Nam;2,5M;Aichi Target 5 and 15\r\n"
        "P-003;Desert-adapted elephants;NA;850.000;11\r\n"
        "P-004;Taï forest buffer zone;Côte d'Ivoire;€300k;Targets 14 & 15\r\n"
        "P-005;;Kenya;100000;11\r\n"
        "P-006;Reef monitoring;Atlantis;50000;11\r\n"
    )
    (FILES / "semicolon_bom.csv").write_bytes(text.encode("utf-8-sig"))


def french_cp1252() -> None:
    text = (
        "Identifiant,Titre du projet,Pays,Montant demandé,Devise,Objectifs d'Aichi,Résumé\n"
        'FR-1,Réserve de biosphère de Yangambi,République démocratique du Congo,"1,5 millions d\'euros",EUR,objectif 11,"<p>Forêt dense &amp; humide</p>"\n'
        "FR-2,Parc national du Karthala,Comores,450 000,euros,objectif 11 et 12,Forêt de montagne\n"
        "FR-3,Aires marines de Madagascar,Madagascar et Comores,2 millions,EUR,5|11,\n"
        "FR-4,Projet négatif,Bénin,-50 000,EUR,11,\n"
        "FR-5,Objectif inconnu,Niger,10 000,EUR,objectif 25,\n"
    )
    (FILES / "french_cp1252.csv").write_bytes(text.encode("cp1252"))


def chinese_gbk() -> None:
    text = (
        "编号,项目名称,国家,金额,币种,爱知目标\n"
        "CN-01,湄公河湿地保护,越南,120万,美元,目标11、目标15\n"
        "CN-02,老挝森林走廊,老挝人民民主共和国,85万,美元,目标5\n"
        "CN-03,东非海岸保护,坦桑尼亚联合共和国、肯尼亚,2000000,欧元,11\n"
    )
    (FILES / "chinese_gbk.csv").write_bytes(text.encode("gbk"))


def xlsx_with_title_row_and_merged_cells() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "EOIs 2013"
    sheet["A1"] = "LifeWeb Expressions of Interest 2013 (draft)"
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(
        [
            "Project ID",
            "Project title",
            "Country",
            "Funding needed (USD)",
            "Aichi targets",
            "Ecosystems",
        ]
    )
    sheet.append(
        [
            "XL-1",
            "Amazon headwaters protected areas",
            "Peru",
            "USD 1.2 million",
            "11, 15",
            "Forests; Freshwater",
        ]
    )
    sheet.append(["XL-2", "Páramo water funds", None, 850000, "5|11", "Mountains"])
    sheet.merge_cells("C4:C5")  # "Peru" covers both projects
    sheet.append(
        [
            "XL-3",
            "Coastal mangroves of Tumbes",
            "Peru",
            "$850,000",
            "meta 15",
            "mangroves, coral reefs",
        ]
    )
    sheet.append([None, None, None, None, None, None])
    sheet.append(
        [
            "XL-4",
            "Micronesia challenge",
            "Micronesia (Federated States of)|Palau|Marshall Islands",
            2500000.5,
            "Aichi Target 11",
            "islands",
        ]
    )
    book.save(FILES / "title_row_merged.xlsx")


def spanish_tab() -> None:
    text = (
        "Código\tTítulo del proyecto\tPaís\tMonto solicitado\tMoneda\tMetas de Aichi\n"
        "ES-1\tCorredor de bosque seco\tBolivia\tUS$ 3,5 millones\tdólares\tmeta 15\n"
        "ES-2\tManglares del Pacífico\tPerú y Ecuador\t$850,000\tUSD\tmeta 11, meta 14\n"
        "ES-3\tHumedales altoandinos\tRepública Bolivariana de Venezuela\t1.250.000,00\tEUR\t11\n"
    )
    (FILES / "spanish_tab.csv").write_bytes(text.encode("utf-8"))


def broken_rows() -> None:
    text = (
        "proposal_id,title,countries,requested_amount,currency,aichi_targets\n"
        "B-1,Good row,Kenya,100000,USD,11\n"
        "B-1,Same id again,Uganda,200000,USD,11\n"
        "B-3,Unquoted thousands,Kenya,$850,000,USD,11\n"
        "B-4,Unreadable amount,Kenya,lots of money,USD,11\n"
        "B-5,Target out of range,Kenya,100000,USD,21\n"
        ",Missing id,Kenya,100000,USD,11\n"
        "\n"
        "B-7,Misspelt country,Keyna,100000,USD,11\n"
        "B-8,Currency clash,Kenya,€300k,USD,11\n"
        "B-9,Good row twin,Kenya,100000,USD,11\n"
        "B-10,Good row,Kenya,150000,USD,5\n"
    )
    (FILES / "broken_rows.csv").write_bytes(text.encode("utf-8"))


def donors_messy() -> None:
    text = (
        "Donor ID,Donor name,Acronym,Eligible regions,Eligible countries,Excluded countries,Min grant,Max grant,Currency,Aichi targets,Active\n"
        "D-1,Global Environment Facility,GEF|Global Environmental Facility,Sub-Saharan Africa; SIDS,,,50k,USD 30 million,USD,11;12,yes\n"
        "D-2,Island Fund,IF,Small Island Developing States,,,$10,000,,USD,,no\n"
        'D-3,East Africa Trust,EAT,,"Kenya, Uganda and Tanzania",,€50k,2 million,,11,\n'
        "D-4,Martian Fund,MF,Mars,,,,,USD,,yes\n"
        "D-5,Upside-down Fund,UDF,,,,5 million,1 million,USD,,yes\n"
        "D-6,Least Developed Fund,LDF,Least developed countries,,Afghanistan,,,USD,,maybe\n"
    )
    (FILES / "donors_messy.csv").write_bytes(text.encode("utf-8"))


def history_messy() -> None:
    text = (
        "Project,Funder,Amount funded,Currency,Year\n"
        'P-001,Germany,"EUR 1,2 million",,FY2012\n'
        "P-001,Global Environmental Facility,$500k,,2013\n"
        "P-002,Spain,250000,EUR,2011-06-30\n"
        "P-003,Norad,unknown,USD,2012\n"
    )
    (FILES / "history_messy.csv").write_bytes(text.encode("utf-8"))


def garbage() -> None:
    generator = random.Random(20260524)
    (FILES / "garbage.bin").write_bytes(bytes(generator.randrange(256) for _ in range(4096)))


if __name__ == "__main__":
    FILES.mkdir(exist_ok=True)
    for make in (
        semicolon_csv_with_bom,
        french_cp1252,
        chinese_gbk,
        xlsx_with_title_row_and_merged_cells,
        spanish_tab,
        broken_rows,
        donors_messy,
        history_messy,
        garbage,
    ):
        make()
