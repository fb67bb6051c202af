"""Countries' own GBF national targets (Online Reporting Tool exports) and the proposals serving them.

Under the Kunming-Montreal GBF each government reports its national targets through the
CBD's Online Reporting Tool, saying which global (GBF) targets each one aligns to and how
closely. :func:`load_national_targets` reads that export (CSV or Excel, headers as the tool
or a person writes them) into a reference table, every row loaded or rejected with a
reason. :func:`national_alignment` then says, for each proposal, which national targets of
its own countries it serves: a national target serves a proposal when one of the GBF
targets it aligns to is among the proposal's (declared GBF targets, and the crosswalk's GBF
successors of its declared Aichi targets), with the words they share as further evidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from matcher import normalise
from matcher.errors import UnreadableFileError
from matcher.interchange.iati_codes import target_titles
from matcher.read import Source, read_table

__all__ = [
    "ALIGNMENT_COLUMNS",
    "DEGREES",
    "NATIONAL_TARGET_COLUMNS",
    "NationalTargetsReport",
    "load_national_targets",
    "national_alignment",
    "serves_national_targets",
]

NATIONAL_TARGET_COLUMNS = (
    "government",  # ISO 3166 alpha-3
    "government_name",  # as written in the export
    "target_code",  # the national target's code, e.g. "T3" ("" becomes "NT<row>")
    "title",
    "description",
    "gbf_targets",  # tuple[int, ...] in 1..23
    "alignment",  # tuple[(int, str), ...]: GBF target -> degree (high, medium, low or "")
)
ALIGNMENT_COLUMNS = (
    "proposal_id",
    "government",
    "target_code",
    "target_title",
    "shared_gbf_targets",
    "degree",
    "evidence",
)
DEGREES = ("high", "medium", "low")
"""Degrees of alignment the Online Reporting Tool uses, strongest first."""

_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "government": ("government", "country", "party", "country code", "iso3", "gouvernement",
                   "pays", "gobierno", "país"),
    "target_code": ("target code", "national target code", "code", "identifier", "id",
                    "target id", "national target id", "number", "target number"),
    "title": ("title", "national target", "target title", "name", "titre", "título"),
    "description": ("description", "target description", "descripción", "texte"),
    "gbf_targets": ("gbf targets", "gbf target", "global targets", "global target",
                    "kmgbf targets", "global target alignment", "aligned gbf targets",
                    "main alignment", "alignment with global targets", "cibles gbf",
                    "metas gbf"),
    "degree": ("degree of alignment", "degree", "alignment degree", "level of alignment",
               "alignment", "degré d'alignement", "grado de alineación"),
}  # fmt: skip
_REQUIRED = ("government", "title", "gbf_targets")
_DEGREE_WORDS = {
    "high": "high", "full": "high", "fully": "high", "strong": "high", "élevé": "high",
    "alto": "high", "medium": "medium", "moderate": "medium", "partial": "medium",
    "partially": "medium", "moyen": "medium", "medio": "medium", "low": "low", "weak": "low",
    "faible": "low", "bajo": "low",
}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]{5,}", re.UNICODE)
_COMMON_WORDS = frozenset(
    [
        "about",
        "above",
        "across",
        "after",
        "against",
        "among",
        "areas",
        "being",
        "biodiversity",
        "conservation",
        "countries",
        "country",
        "development",
        "ecosystems",
        "ensure",
        "including",
        "management",
        "national",
        "other",
        "project",
        "protected",
        "should",
        "their",
        "there",
        "these",
        "through",
        "under",
        "where",
        "which",
        "while",
        "within",
        "would",
    ]
)


@dataclass(frozen=True)
class NationalTargetsReport:
    """What reading one export gave: the targets, and the rows rejected with their reasons."""

    frame: pd.DataFrame
    """:data:`NATIONAL_TARGET_COLUMNS` plus ``source_row``."""
    rejected: pd.DataFrame
    """``row``, ``column``, ``value``, ``reason``."""
    rows_in: int
    file_notes: tuple[str, ...] = field(default=())

    @property
    def n_loaded(self) -> int:
        return len(self.frame)

    @property
    def n_rejected(self) -> int:
        return int(self.rejected["row"].nunique()) if len(self.rejected) else 0


def _key(header: str) -> str:
    return normalise.name_key(str(header).replace("_", " "))


@cache
def _alias_index() -> dict[str, str]:
    return {_key(alias): column for column, aliases in _HEADER_ALIASES.items() for alias in aliases}


def _header_score(cells: Sequence[str]) -> float:
    return float(sum(1 for cell in cells if _key(cell) in _alias_index()))


def _degree(text: str) -> str | None:
    """ "high"/"medium"/"low" (or "" when blank); None when the word is not a degree."""
    folded = text.strip().casefold()
    if not folded:
        return ""
    for word in re.findall(r"[^\W\d_]+", folded):
        if word in _DEGREE_WORDS:
            return _DEGREE_WORDS[word]
    return None


def _alignment(targets_cell: str, degree_cell: str) -> tuple[tuple[tuple[int, str], ...], str]:
    """Pairs (GBF target, degree) from the two cells, or a problem.

    The targets cell lists numbers ("3; 2", "Target 3, Target 2", "3 (high); 2 (low)"); a
    degree written beside a number is its own, else the degree cell's applies to all.
    """
    pieces = [p.strip() for p in re.split(r"[;,|/\n]+", targets_cell) if p.strip()]
    default = _degree(degree_cell)
    if default is None:
        return (), f'unknown degree of alignment "{degree_cell}" (write high, medium or low)'
    pairs: dict[int, str] = {}
    for piece in pieces:
        number = re.search(r"\d{1,3}", piece)
        if number is None:
            return (), f'no GBF target number in "{piece}"'
        target = int(number.group())
        if not 1 <= target <= 23:
            return (), f"GBF target {target} does not exist (the GBF has targets 1 to 23)"
        own = _degree(piece[number.end() :])
        pairs.setdefault(target, own if own else default)
    if not pairs:
        return (), "no GBF target given"
    return tuple(sorted(pairs.items())), ""


def load_national_targets(
    source: Source, *, filename: str | None = None, encoding: str | None = None
) -> NationalTargetsReport:
    """Read an Online Reporting Tool national-targets export (CSV or ``.xlsx``).

    Rows in = loaded + rejected: a row is rejected (with row, column, value and reason) when
    its government is not a country, it has no title, or its GBF targets or degree cannot
    be read. Raises :class:`UnreadableFileError` for a file that cannot be read or lacks a
    government, title or GBF-targets column.
    """
    raw = read_table(source, filename=filename, encoding=encoding, header_score=_header_score)
    header_of: dict[str, str] = {}
    for header in raw.frame.columns:
        column = _alias_index().get(_key(header))
        if column and column not in header_of:
            header_of[column] = header
    missing = [c for c in _REQUIRED if c not in header_of]
    if missing:
        raise UnreadableFileError(
            f"No column for {' and '.join(c.replace('_', ' ') for c in missing)} among the headers "
            f"({', '.join(map(str, raw.frame.columns[:12]))}). A national-targets export needs "
            "the government, the target's title and the GBF targets it aligns to."
        )

    def cell(row: pd.Series, column: str) -> str:
        header = header_of.get(column)
        return str(row[header]).strip() if header is not None else ""

    loaded: list[dict[str, object]] = []
    problems: list[tuple[int, str, str, str]] = []
    for (_, row), source_row in zip(raw.frame.iterrows(), raw.source_rows, strict=True):
        found: list[tuple[str, str, str]] = []
        government = cell(row, "government")
        countries = normalise.parse_countries(government)
        if len(countries.codes) != 1 or countries.unknown:
            found.append(
                (header_of["government"], government, f'"{government}" is not one country')
            )
        title = normalise.html_to_text(cell(row, "title"))
        if not title:
            found.append((header_of["title"], "", "missing title"))
        pairs, problem = _alignment(cell(row, "gbf_targets"), cell(row, "degree"))
        if problem:
            column = (
                header_of["degree"]
                if "degree" in problem and "degree" in header_of
                else header_of["gbf_targets"]
            )
            found.append((column, cell(row, "gbf_targets"), problem))
        if found:
            problems.extend((source_row, *p) for p in found)
            continue
        loaded.append(
            {
                "government": countries.codes[0],
                "government_name": government,
                "target_code": cell(row, "target_code") or f"NT{source_row}",
                "title": title,
                "description": normalise.html_to_text(cell(row, "description")),
                "gbf_targets": tuple(t for t, _ in pairs),
                "alignment": pairs,
                "source_row": source_row,
            }
        )
    frame = pd.DataFrame(loaded, columns=[*NATIONAL_TARGET_COLUMNS, "source_row"])
    duplicated = frame.duplicated(["government", "target_code"], keep="first")
    for row in frame[duplicated].itertuples(index=False):
        problems.append(
            (row.source_row, header_of.get("target_code", ""), row.target_code,
             f'duplicate national target "{row.target_code}" of {row.government}')
        )  # fmt: skip
    frame = frame[~duplicated].reset_index(drop=True)
    rejected = pd.DataFrame(sorted(problems), columns=["row", "column", "value", "reason"])
    return NationalTargetsReport(frame, rejected, len(raw.frame), raw.notes)


# --------------------------------------------------------------------------- alignment


def _gbf_of(proposal: dict) -> dict[int, str]:
    """The proposal's GBF targets with where each comes from."""
    _, _, successors = target_titles()
    found: dict[int, str] = {}
    for target in proposal.get("gbf_targets") or ():
        found[int(target)] = "declared in the proposal"
    for aichi in proposal.get("aichi_targets") or ():
        for target in successors.get(int(aichi), ()):
            found.setdefault(target, f"successor of its Aichi Target {int(aichi)}")
    suggested = proposal.get("suggested_aichi_targets")  # matcher.tagger.with_target_columns
    for aichi in suggested if isinstance(suggested, tuple | list) else ():
        for target in successors.get(int(aichi), ()):
            found.setdefault(
                target, f"its text supports Aichi Target {int(aichi)}, the tagger says"
            )
    return found


def _words(text: str) -> set[str]:
    return {w for w in (m.casefold() for m in _WORD.findall(text)) if w not in _COMMON_WORDS}


def national_alignment(proposals: pd.DataFrame, national_targets: pd.DataFrame) -> pd.DataFrame:
    """Which national targets of its own countries each proposal serves, with the evidence.

    Returns :data:`ALIGNMENT_COLUMNS`, one row per (proposal, national target) served,
    strongest degree first; ``evidence`` is a sentence a person can check.
    """
    if proposals.empty or national_targets.empty:
        return pd.DataFrame(columns=list(ALIGNMENT_COLUMNS))
    by_country = {
        code: group.to_dict(orient="records")
        for code, group in national_targets.groupby("government", sort=False)
    }
    rows = []
    for proposal in proposals.to_dict(orient="records"):
        gbf = _gbf_of(proposal)
        if not gbf:
            continue
        text = " ".join(
            str(proposal.get(c) or "") for c in ("title", "summary", "description", "objectives")
        )
        words = None
        for country in proposal.get("countries") or ():
            for target in by_country.get(country, []):
                degrees = dict(target["alignment"]) or dict.fromkeys(target["gbf_targets"], "")
                shared = sorted(set(degrees) & set(gbf))
                if not shared:
                    continue
                strongest = min(
                    (degrees[t] for t in shared),
                    key=lambda d: DEGREES.index(d) if d in DEGREES else len(DEGREES),
                )
                words = _words(text) if words is None else words
                common = sorted(words & _words(f"{target['title']} {target['description']}"))[:6]
                links = "; and with ".join(
                    f"GBF Target {t}"
                    + (f" ({degrees[t]})" if degrees[t] else "")
                    + f", which the proposal serves ({gbf[t]})"
                    for t in shared
                )
                evidence = f'{target["target_code"]} "{target["title"]}" aligns with {links}'
                if common:
                    evidence += f"; shared words: {', '.join(common)}"
                rows.append(
                    (proposal["proposal_id"], country, target["target_code"], target["title"],
                     tuple(shared), strongest, evidence)
                )  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(ALIGNMENT_COLUMNS))
    order = frame["degree"].map(lambda d: DEGREES.index(d) if d in DEGREES else len(DEGREES))
    return (
        frame.assign(_order=order)
        .sort_values(["proposal_id", "_order", "target_code"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def serves_national_targets(proposals: pd.DataFrame, alignment: pd.DataFrame) -> pd.Series:
    """Per proposal (index ``proposal_id``): the codes of the national targets it serves, ";"-joined."""
    served = alignment.groupby("proposal_id")["target_code"].agg(lambda codes: ";".join(codes))
    return (
        proposals["proposal_id"]
        .map(served)
        .fillna("")
        .astype(str)
        .set_axis(proposals["proposal_id"])
    )
