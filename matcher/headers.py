"""Header names as people write them, mapped to the data contract's columns.

An alias table (several UN languages, the LifeWeb export's own names) is tried first;
rapidfuzz only catches typos above a strict cutoff, so "Project titel" maps but
"lw_match_id" never becomes ``proposal_id``. Every decision is reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import pandas as pd
from rapidfuzz import fuzz, process

from matcher.contract import DONOR_COLUMNS, HISTORY_COLUMNS, KINDS, PROPOSAL_COLUMNS
from matcher.normalise import name_key, parse_currency

__all__ = [
    "FUZZY_CUTOFF",
    "HeaderMapping",
    "contract_columns",
    "guess_kind",
    "header_currency",
    "known_header_count",
    "map_headers",
]

FUZZY_CUTOFF = 88.0
"""Lowest rapidfuzz ``ratio`` (0-100) at which a header counts as a typo of an alias."""

REQUIRED: dict[str, tuple[str, ...]] = {
    "proposals": ("proposal_id", "title"),
    "donors": ("donor_id", "name"),
    "history": ("proposal_id", "donor"),
}

_COMMON: dict[str, tuple[str, ...]] = {
    "currency": (
        "currency",
        "curr",
        "ccy",
        "currency code",
        "monnaie",
        "devise",
        "moneda",
        "divisa",
        "币种",
        "货币",
        "валюта",
        "العملة",
    ),
    "aichi_targets": (
        "aichi targets",
        "aichi target",
        "aichi",
        "targets",
        "target",
        "aichi biodiversity targets",
        "objectifs d aichi",
        "objectifs aichi",
        "objectif d aichi",
        "metas de aichi",
        "metas aichi",
        "meta aichi",
        "爱知目标",
        "爱知生物多样性目标",
        "目标",
        "целевые задачи айти",
        "задачи айти",
        "أهداف أيشي",
    ),
    "gbf_targets": (
        "gbf targets",
        "gbf target",
        "kmgbf targets",
        "kunming montreal targets",
        "global biodiversity framework targets",
        "cibles du cmb",
        "cibles gbf",
        "metas del mmb",
        "metas gbf",
        "昆蒙框架目标",
        "全球生物多样性框架目标",
    ),
    "ecosystems": (
        "ecosystems",
        "ecosystem",
        "ecosystem types",
        "ecosystem type",
        "biome",
        "biomes",
        "habitat",
        "habitats",
        "écosystèmes",
        "écosystème",
        "ecosistemas",
        "ecosistema",
        "生态系统",
        "экосистемы",
        "النظم الإيكولوجية",
    ),
}

_PROPOSALS: dict[str, tuple[str, ...]] = {
    "proposal_id": (
        "proposal id",
        "lw project id",
        "project id",
        "eoi id",
        "id",
        "project number",
        "project no",
        "ref",
        "reference",
        "code",
        "no",
        "nr",
        "identifiant",
        "id du projet",
        "numero",
        "numéro",
        "référence",
        "id del proyecto",
        "codigo",
        "código",
        "número",
        "编号",
        "项目编号",
        "序号",
        "номер",
        "идентификатор",
        "رقم المشروع",
        "الرقم",
    ),
    "title": (
        "title",
        "project title",
        "project name",
        "name",
        "eoi title",
        "proposal title",
        "titre",
        "titre du projet",
        "nom du projet",
        "título",
        "titulo",
        "título del proyecto",
        "nombre del proyecto",
        "项目名称",
        "名称",
        "标题",
        "项目标题",
        "название",
        "название проекта",
        "عنوان المشروع",
        "العنوان",
    ),
    "countries": (
        "countries",
        "country",
        "country ies",
        "countries involved",
        "country iso2",
        "country iso3",
        "iso3",
        "iso",
        "recipient country",
        "recipient countries",
        "pays",
        "país",
        "pais",
        "países",
        "paises",
        "国家",
        "国家 地区",
        "国别",
        "страна",
        "страны",
        "البلد",
        "البلدان",
    ),
    "summary": (
        "summary",
        "abstract",
        "short description",
        "résumé",
        "resume",
        "resumen",
        "摘要",
        "概要",
        "简介",
        "резюме",
        "краткое описание",
        "ملخص",
    ),
    "description": (
        "description",
        "project description",
        "details",
        "descripción",
        "descripcion",
        "描述",
        "项目描述",
        "описание",
        "الوصف",
    ),
    "objectives": (
        "objectives",
        "objective",
        "goals",
        "objectifs",
        "objetivos",
        "目的",
        "项目目标",
        "цели",
        "الأهداف",
    ),
    "requested_amount": (
        "requested amount",
        "funding needed",
        "amount requested",
        "funding requested",
        "requested funding",
        "amount",
        "budget",
        "total budget",
        "funding gap",
        "request",
        "montant",
        "montant demandé",
        "financement demandé",
        "besoin de financement",
        "monto",
        "monto solicitado",
        "financiamiento solicitado",
        "presupuesto",
        "申请金额",
        "所需资金",
        "资金需求",
        "金额",
        "预算",
        "запрашиваемая сумма",
        "сумма",
        "бюджет",
        "المبلغ المطلوب",
        "المبلغ",
    ),
    "secured_amount": (
        "secured amount",
        "secured funding",
        "funding secured",
        "co funding secured",
        "cofunding",
        "co funding",
        "financement acquis",
        "financement obtenu",
        "financiamiento asegurado",
        "已落实资金",
        "已获资金",
        "привлеченные средства",
    ),
    "nbsap_alignment": (
        "nbsap alignment",
        "alignment nbsap",
        "alignment with nbsap",
        "nbsap",
        "link to nbsap",
        "alignement spanb",
        "spanb",
        "epanb",
        "alineación con la epanb",
        "与国家生物多样性战略和行动计划的一致性",
        "国家生物多样性战略",
        "нсплб",
    ),
    "submitted_on": (
        "submitted on",
        "year submitted",
        "submission date",
        "date submitted",
        "submitted",
        "date",
        "year",
        "date de soumission",
        "année",
        "fecha",
        "fecha de presentación",
        "año",
        "提交日期",
        "年份",
        "日期",
        "дата подачи",
        "год",
        "تاريخ التقديم",
    ),
    "status": (
        "status",
        "funding status",
        "state",
        "statut",
        "estado",
        "状态",
        "资金状态",
        "статус",
        "الحالة",
    ),
}

_DONORS: dict[str, tuple[str, ...]] = {
    "donor_id": (
        "donor id",
        "funder id",
        "id",
        "code",
        "identifiant",
        "id del donante",
        "编号",
        "捐助方编号",
        "идентификатор",
        "الرقم",
    ),
    "name": (
        "name",
        "donor name",
        "donor",
        "funder",
        "funder name",
        "organisation",
        "organization",
        "nom",
        "nom du donateur",
        "bailleur",
        "nombre",
        "donante",
        "nombre del donante",
        "捐助方",
        "捐助方名称",
        "名称",
        "донор",
        "название",
        "الجهة المانحة",
        "الاسم",
    ),
    "aliases": (
        "aliases",
        "alias",
        "donor acronym",
        "acronym",
        "acronyms",
        "other names",
        "also known as",
        "sigle",
        "sigla",
        "siglas",
        "别名",
        "缩写",
        "аббревиатура",
    ),
    "donor_type": (
        "donor type",
        "donor group",
        "type",
        "category",
        "type de donateur",
        "tipo",
        "tipo de donante",
        "类型",
        "捐助方类型",
        "тип",
    ),
    "priorities": (
        "priorities",
        "priority",
        "focus",
        "thematic priorities",
        "focus areas",
        "priorités",
        "prioridades",
        "优先事项",
        "重点",
        "приоритеты",
        "الأولويات",
    ),
    "eligible_regions": (
        "eligible regions",
        "regions",
        "region",
        "eligible region",
        "régions",
        "regiones",
        "región",
        "地区",
        "区域",
        "регионы",
        "المناطق",
    ),
    "eligible_countries": (
        "eligible countries",
        "countries",
        "country",
        "pays éligibles",
        "países elegibles",
        "受援国",
        "符合条件的国家",
        "страны",
    ),
    "excluded_countries": (
        "excluded countries",
        "excluded",
        "not eligible",
        "pays exclus",
        "países excluidos",
        "排除国家",
        "исключенные страны",
    ),
    "min_grant": (
        "min grant",
        "minimum grant",
        "min",
        "grant min",
        "smallest grant",
        "subvention minimale",
        "monto mínimo",
        "最低资助额",
        "минимальный грант",
    ),
    "max_grant": (
        "max grant",
        "maximum grant",
        "max",
        "grant max",
        "largest grant",
        "subvention maximale",
        "monto máximo",
        "最高资助额",
        "максимальный грант",
    ),
    "annual_budget": (
        "annual budget",
        "budget",
        "yearly budget",
        "budget annuel",
        "presupuesto anual",
        "年度预算",
        "годовой бюджет",
    ),
    "active": ("active", "is active", "enabled", "actif", "activo", "有效", "活跃", "активен"),
}

_HISTORY: dict[str, tuple[str, ...]] = {
    "proposal_id": (
        "proposal id",
        "lw project id",
        "project id",
        "eoi id",
        "project",
        "projet",
        "proyecto",
        "项目编号",
        "项目",
        "проект",
    ),
    "donor": (
        "donor",
        "donor name",
        "funder",
        "name",
        "bailleur",
        "donateur",
        "donante",
        "捐助方",
        "донор",
    ),
    "amount": (
        "amount",
        "amount funded",
        "funding",
        "grant",
        "montant",
        "monto",
        "金额",
        "资助金额",
        "сумма",
        "المبلغ",
    ),
    "year": ("year", "funding year", "année", "año", "年份", "年", "год", "السنة"),
}

_KIND_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "proposals": _PROPOSALS,
    "donors": _DONORS,
    "history": _HISTORY,
}


def contract_columns(kind: str) -> tuple[str, ...]:
    """The contract's columns for ``kind`` ("proposals", "donors" or "history")."""
    return {"proposals": PROPOSAL_COLUMNS, "donors": DONOR_COLUMNS, "history": HISTORY_COLUMNS}[
        kind
    ]


_BRACKETS = re.compile(r"[(\[（【]([^)\]）】]*)[)\]）】]")


def header_currency(header: str) -> str:
    """Currency named in a header such as "Funding needed (EUR)" or "Monto (US$)", as ISO 4217 ("" if none)."""
    for inside in _BRACKETS.findall(header):
        code = parse_currency(inside.strip())
        if code:
            return code
    for word in re.findall(r"[A-Za-z]{3}|[$€£]|美元|欧元", header):
        code = parse_currency(word)
        if code and word.upper() not in {"AND", "THE"}:
            # A bare three-letter word counts only when it is an ISO code written in capitals.
            if word.isalpha() and word.isascii() and not word.isupper():
                continue
            return code
    return ""


def _header_key(header: str) -> str:
    without_currency = _BRACKETS.sub(
        lambda m: "" if parse_currency(m.group(1).strip()) else " " + m.group(1), header
    )
    return name_key(without_currency.replace("_", " ").replace("/", " "))


@cache
def _alias_index(kind: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for column in contract_columns(kind):
        index[name_key(column.replace("_", " "))] = column
    for table in (_KIND_ALIASES[kind], _COMMON):
        for column, aliases in table.items():
            if column not in contract_columns(kind):
                continue
            for alias in aliases:
                index.setdefault(name_key(alias), column)
    return index


@dataclass(frozen=True)
class HeaderMapping:
    """How each header of one file maps to the contract for one kind."""

    kind: str
    columns: dict[str, str]
    """source header -> contract column, for mapped headers only."""
    table: pd.DataFrame
    """``source_header``, ``column``, ``method`` (exact|alias|fuzzy|unmapped), ``score``."""
    currencies: dict[str, str]
    """source header -> currency named in it ("Funding needed (EUR)" -> "EUR")."""

    @property
    def missing_required(self) -> tuple[str, ...]:
        mapped = set(self.columns.values())
        return tuple(c for c in REQUIRED[self.kind] if c not in mapped)


def map_headers(
    headers: Sequence[str], kind: str, *, fuzzy_cutoff: float = FUZZY_CUTOFF
) -> HeaderMapping:
    """Map a file's headers to the contract's columns for ``kind``.

    Exact names win over aliases, aliases over fuzzy matches, and earlier headers over
    later ones; each contract column is taken once, the rest stay as extra columns.

    Parameters
    ----------
    headers : sequence of str
        The header row as it came.
    kind : {"proposals", "donors", "history"}
        Which contract to map to.
    fuzzy_cutoff : float
        Lowest rapidfuzz ``ratio`` for a typo to count.

    Returns
    -------
    HeaderMapping
        The mapping and a table reporting every header's fate.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    index = _alias_index(kind)
    exact_names = {name_key(c.replace("_", " ")): c for c in contract_columns(kind)}
    candidates: list[
        tuple[int, int, str, str, float]
    ] = []  # (priority, position, header, column, score)
    alias_keys = list(index)
    for position, header in enumerate(headers):
        raw = str(header).strip()
        key = _header_key(raw)
        if not key:
            continue
        if raw in contract_columns(kind) or key in exact_names:
            column = raw if raw in contract_columns(kind) else exact_names[key]
            candidates.append((0, position, header, column, 100.0))
        elif key in index:
            candidates.append((1, position, header, index[key], 100.0))
        else:
            match = process.extractOne(
                key, alias_keys, scorer=fuzz.ratio, score_cutoff=fuzzy_cutoff
            )
            if match:
                candidates.append((2, position, header, index[match[0]], round(float(match[1]), 1)))
    taken: dict[str, str] = {}
    method_of: dict[str, tuple[str, float]] = {}
    used_columns: set[str] = set()
    for priority, _position, header, column, score in sorted(
        candidates, key=lambda c: (c[0], c[1])
    ):
        if column in used_columns or header in taken:
            continue
        taken[header] = column
        used_columns.add(column)
        method_of[header] = (("exact", "alias", "fuzzy")[priority], score)
    rows = []
    for header in headers:
        if header in taken:
            method, score = method_of[header]
            rows.append((header, taken[header], method, score))
        else:
            rows.append((header, "", "unmapped", 0.0))
    table = pd.DataFrame(rows, columns=["source_header", "column", "method", "score"])
    currencies = {h: c for h in headers if (c := header_currency(str(h)))}
    return HeaderMapping(kind=kind, columns=taken, table=table, currencies=currencies)


def guess_kind(headers: Sequence[str], *, filename: str | None = None) -> str | None:
    """Which kind of file these headers describe, or None when no kind has its required columns.

    Among kinds whose required columns are all present, the one with the largest share of
    its contract mapped wins; a file name mentioning "donor", "history", "funding" or
    "match" breaks ties.
    """
    scores: dict[str, float] = {}
    for kind in KINDS:
        mapping = map_headers(headers, kind)
        if mapping.missing_required:
            continue
        scores[kind] = len(mapping.columns) / len(contract_columns(kind))
    if not scores:
        return None
    name = (filename or "").casefold()
    hint = {
        "donors": "donor" in name,
        "history": any(word in name for word in ("history", "funding", "match")),
        "proposals": any(word in name for word in ("proposal", "eoi", "project")),
    }
    return max(scores, key=lambda kind: (round(scores[kind], 2), hint[kind]))


def known_header_count(cells: Sequence[str], kind: str | None = None) -> float:
    """How many cells of a candidate header row are known column names (exact or alias) of any kind.

    Used to find the header row below a title row; fuzzy matches are not counted.
    """
    keys = {_header_key(str(cell)) for cell in cells if str(cell).strip()}
    known = set().union(*(_alias_index(k) for k in ((kind,) if kind else KINDS)))
    return float(len(keys & known))
