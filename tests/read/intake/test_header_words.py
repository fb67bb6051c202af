"""The common header words of the six UN languages are known (issue 10 item 5, engine side)."""

from __future__ import annotations

import pytest

from matcher.headers import guess_kind, map_headers

EXPECTED = ["title", "countries", "requested_amount", "aichi_targets", "proposal_id"]


@pytest.mark.parametrize(
    "headers",
    [
        ["Project title", "Countries", "Amount requested (USD)", "Aichi targets", "Project ID"],
        [
            "Intitulé du projet",
            "Pays bénéficiaire(s)",
            "Montant demandé (EUR)",
            "Objectifs d'Aichi",
            "N°",
        ],
        [
            "Título de la propuesta",
            "Países beneficiarios",
            "Importe solicitado (USD)",
            "Metas de Aichi",
            "Código del proyecto",
        ],
        [
            "Наименование проекта",
            "Страна-получатель",
            "Запрашиваемая сумма (USD)",
            "Целевые задачи Айти",
            "Номер проекта",
        ],
        ["项目名称", "受益国", "申请金额（美元）", "相关爱知目标", "项目编号"],
        ["اسم المشروع", "البلد المستفيد", "المبلغ المطلوب (USD)", "أهداف أيشي", "رمز المشروع"],
    ],
    ids=["en", "fr", "es", "ru", "zh", "ar"],
)
def test_a_proposals_header_row_in_each_un_language_maps_without_fuzzy_guessing(
    headers: list[str],
) -> None:
    mapping = map_headers(headers, "proposals")
    assert [mapping.columns.get(h) for h in headers] == EXPECTED
    assert set(mapping.table["method"]) <= {"exact", "alias"}
    assert guess_kind(headers) == "proposals"


def test_currency_in_the_header_is_found_in_each_script() -> None:
    headers = ["Montant demandé (EUR)", "申请金额（美元）", "Importe solicitado (USD)"]
    mapping = map_headers(headers, "proposals")
    assert mapping.currencies == {
        "Montant demandé (EUR)": "EUR",
        "申请金额（美元）": "USD",
        "Importe solicitado (USD)": "USD",
    }
