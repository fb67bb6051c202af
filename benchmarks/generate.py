"""Synthetic proposals, donors and funding history of realistic size, for the benchmarks only.

Text is drawn from a biodiversity vocabulary with a Zipf-like word frequency and a topic per
document (marine, forests, wetlands, ...), at the lengths of the real LifeWeb EOIs: a title of
about a dozen words, a summary of ~60, a description of a few hundred, objectives of ~120.
About 8 % of proposals and donors write in French or Spanish and 2 % in Chinese (no spaces
between words, as Chinese is written). Countries, targets, ecosystems and amounts follow the
shapes of the real records (mostly one country, Target 11 most common, requests log-normal
around USD 1.5 million).

The files are written in the project's contract layout through ``matcher.export.write_table``
so the benchmark reads them with the real readers. Run by hand::

    .venv/bin/python benchmarks/generate.py --proposals 100000 --donors 1000 --out var/bench

Proposals are written in files of at most 25,000 rows (about 90 MB), as the readers ask for
files over their 100 MiB limit.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from matcher.contract import (  # noqa: E402
    DONOR_COLUMNS,
    ECOSYSTEMS,
    HISTORY_COLUMNS,
    PROPOSAL_COLUMNS,
)
from matcher.export import write_table  # noqa: E402


def _words(text: str) -> list[str]:
    """A vocabulary written as running text, one word per whitespace-separated token."""
    return text.split()


GENERAL_EN = _words("""
biodiversity conservation protected area areas management national park species habitat
ecosystem ecosystems community communities local indigenous peoples sustainable use
livelihoods capacity building monitoring restoration degraded land landscape landscapes
connectivity corridor corridors threatened endangered endemic flora fauna wildlife
government ministry agency stakeholders participation governance financing finance
sustainable financing trust fund plan planning strategy national biodiversity strategy
action plan policy legal framework enforcement patrolling rangers staff training
education awareness tourism ecotourism revenue income poverty reduction women youth
climate change adaptation mitigation resilience carbon emissions deforestation
degradation water security food security ecosystem services valuation payments
benefits sharing research inventory baseline survey data information system mapping
gis boundaries demarcation zoning buffer zone infrastructure equipment vehicles
project programme activities outcomes outputs results indicators targets objectives
implementation coordination partners partnership donors support investment years
phase pilot scale up replication lessons learned best practices management plans
effectiveness assessment threats pressures invasive alien species poaching illegal
logging mining agriculture expansion grazing fire fires erosion pollution hunting
fishing overfishing bushmeat trade region regional transboundary cooperation
the of and to in for a with on by from as at that is are be will this which its their
""")

TOPICS_EN: dict[str, list[str]] = {
    "marine_coastal": _words("""marine coastal coral reef reefs mangrove mangroves seagrass fisheries
        fishers no-take zone marine protected area ocean sea turtles sharks whales
        dolphins shoreline estuary lagoon atoll islands island"""),
    "forests": _words("""forest forests tropical rainforest montane cloud forest timber non-timber
        forest products redd+ canopy trees reforestation agroforestry logging concessions
        primates orangutan gorilla elephants"""),
    "wetlands": _words("""wetland wetlands ramsar site peatland peatlands marsh floodplain delta
        waterbirds migratory birds flyway hydrology river basin inundation"""),
    "drylands": _words("""dryland drylands desert savanna grassland rangeland pastoralists
        desertification drought steppe antelope grazing management water points"""),
    "mountains": _words("""mountain mountains alpine highland highlands glacier watershed
        páramo snow leopard slopes valleys andes himalaya"""),
    "freshwater": _words("""freshwater lake lakes river rivers stream aquatic fish species
        spawning dams water quality catchment inland fisheries"""),
    "species": _words("""flagship species red list population recovery captive breeding
        reintroduction genetic diversity seed bank pollinators amphibians birds
        mammals reptiles plants"""),
}

GENERAL_FR = _words("""biodiversité conservation aire aires protégées gestion parc national espèces
    habitat écosystème communautés locales populations autochtones utilisation durable
    moyens existence renforcement capacités suivi restauration paysage corridor menacées
    endémiques faune flore gouvernement ministère financement durable fonds fiduciaire
    plan stratégie politique formation éducation sensibilisation tourisme revenus pauvreté
    changement climatique adaptation atténuation résilience déforestation dégradation
    services écosystémiques recherche inventaire cartographie zone tampon projet programme
    activités résultats indicateurs objectifs mise en œuvre partenaires appui années
    forêt forêts marine côtière récifs mangroves zones humides savane montagne eau douce
    le la les de des du et à en pour avec sur par dans une un est sont""")

GENERAL_ES = _words("""biodiversidad conservación área áreas protegidas manejo parque nacional especies
    hábitat ecosistema comunidades locales pueblos indígenas uso sostenible medios de vida
    fortalecimiento capacidades monitoreo restauración paisaje corredor amenazadas endémicas
    fauna flora gobierno ministerio financiamiento sostenible fondo fiduciario plan
    estrategia política capacitación educación turismo ingresos pobreza cambio climático
    adaptación mitigación resiliencia deforestación degradación servicios ecosistémicos
    investigación inventario mapeo zona de amortiguamiento proyecto programa actividades
    resultados indicadores objetivos implementación socios apoyo años bosque bosques
    marino costero arrecifes manglares humedales sabana montaña agua dulce páramo
    el la los las de del y a en para con sobre por una un es son""")

GENERAL_ZH = _words("""生物多样性 保护 保护区 管理 国家公园 物种 栖息地 生态系统 社区 当地 土著 可持续 利用 生计
    能力建设 监测 恢复 景观 廊道 濒危 特有 动物 植物 政府 部门 融资 信托基金 规划 战略 政策 培训
    教育 宣传 生态旅游 收入 减贫 气候变化 适应 减缓 韧性 森林砍伐 退化 生态系统服务 研究 调查
    制图 缓冲区 项目 活动 成果 指标 目标 实施 合作伙伴 支持 森林 海洋 海岸 珊瑚礁 红树林 湿地
    草原 山地 淡水 河流 湖泊 的 和 在 与 对 为""")

TITLE_TEMPLATES = (
    "Strengthening {a} and {b} in {country}",
    "Sustainable financing for the {a} of {country}",
    "{A} and {b}: a {c} programme for {country}",
    "Expanding the {a} network and {b} of {country}",
    "Community-based {a} and {b} in the {c} landscapes of {country}",
)

LANGUAGE_SHARES = {"en": 0.90, "fr": 0.04, "es": 0.04, "zh": 0.02}
AICHI_WEIGHTS = np.array(
    [2, 3, 2, 2, 8, 5, 3, 2, 4, 4, 20, 8, 2, 6, 7, 1, 3, 2, 2, 3], dtype=float
)  # Target 11 (protected areas) dominates, then 5, 12, 15, 14 as in the real EOIs
DONOR_TYPES = (
    "bilateral_government",
    "multilateral_or_fund",
    "foundation_or_private",
    "ngo",
)
DONOR_NAME_PATTERNS = (
    "{X} Foundation for Nature",
    "Ministry of Environment of {X}",
    "{X} Conservation Trust",
    "{X} Development Cooperation Agency",
    "Fondation {X} pour la Biodiversité",
    "Fondo {X} para la Naturaleza",
    "{X} Global Fund",
)


PART_ROWS = 25_000
"""Proposals per file: the readers refuse files over 100 MiB (upload limit), and say to split."""


@dataclass(frozen=True)
class DatasetPaths:
    """Where one generated dataset lives; proposals in parts of at most PART_ROWS rows."""

    proposals: tuple[Path, ...]
    donors: Path
    history: Path


FUNCTION_WORDS = frozenset(
    _words(
        "the of and to in for a with on by from as at that is are be will this which its their "
        "le la les de des du et à en pour avec sur par dans une un est sont "
        "el los las del y con sobre por es son 的 和 在 与 对 为"
    )
)


class _Vocabulary:
    """A language's words with Zipf-like frequencies: function words first, then the rest."""

    def __init__(self, words: list[str], rng: np.random.Generator) -> None:
        unique = list(dict.fromkeys(words))
        function = [w for w in unique if w in FUNCTION_WORDS]
        content = [w for w in unique if w not in FUNCTION_WORDS]
        content = [content[i] for i in rng.permutation(len(content))]
        self.words = np.array(function + content, dtype=object)
        weights = 1.0 / np.arange(1, len(self.words) + 1) ** 0.9
        self.probabilities = weights / weights.sum()


def _rare_words(rng: np.random.Generator, n: int) -> np.ndarray:
    """Place, species and organisation names: the long tail that makes a real vocabulary big."""
    syllables = np.array(
        _words("ka lu mba ri to na se vo ga mi ra do ku be li an ta zo ni pe ha ur el os"),
        dtype=object,
    )
    parts = syllables[rng.integers(0, len(syllables), size=(n, 4))]
    return np.unique(parts[:, 0] + parts[:, 1] + parts[:, 2] + parts[:, 3])


RARE_WORDS = _rare_words(np.random.default_rng(0), 60_000)


def _text_block(
    rng: np.random.Generator,
    vocabulary: _Vocabulary,
    lengths: np.ndarray,
    topic_words: list[np.ndarray] | None,
    *,
    joiner: str,
) -> list[str]:
    """One text per length: general words, 30 % topic words (English), 6 % rare names."""
    total = int(lengths.sum())
    word_ids = rng.choice(len(vocabulary.words), size=total, p=vocabulary.probabilities)
    words = vocabulary.words[word_ids]
    rare = rng.random(total) < 0.06
    words[rare] = RARE_WORDS[rng.integers(0, len(RARE_WORDS), int(rare.sum()))]
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    texts = []
    for index in range(len(lengths)):
        chunk = words[bounds[index] : bounds[index + 1]].copy()
        if topic_words is not None and len(chunk):
            topic = topic_words[index]
            replace = rng.random(len(chunk)) < 0.3
            chunk[replace] = topic[rng.integers(0, len(topic), int(replace.sum()))]
        texts.append(joiner.join(chunk))
    return texts


def _lengths(rng: np.random.Generator, n: int, mean: float, low: int, high: int) -> np.ndarray:
    return np.clip(rng.gamma(4.0, mean / 4.0, n).round().astype(int), low, high)


def _countries_table() -> pd.DataFrame:
    countries = pd.read_csv(REPO / "data" / "country-codes.csv", keep_default_na=False, dtype=str)
    return countries[countries["region"] != ""]


def _multilingual_texts(
    rng: np.random.Generator,
    languages: np.ndarray,
    lengths: np.ndarray,
    topics: np.ndarray,
) -> list[str]:
    """Texts for documents of mixed languages, in document order."""
    vocabularies = {
        "en": _Vocabulary(GENERAL_EN, rng),
        "fr": _Vocabulary(GENERAL_FR, rng),
        "es": _Vocabulary(GENERAL_ES, rng),
        "zh": _Vocabulary(GENERAL_ZH, rng),
    }
    topic_names = list(TOPICS_EN)
    topic_arrays = [np.array(TOPICS_EN[t], dtype=object) for t in topic_names]
    texts: list[str] = [""] * len(languages)
    for language, vocabulary in vocabularies.items():
        positions = np.flatnonzero(languages == language)
        if not len(positions):
            continue
        topic_words = [topic_arrays[topics[p]] for p in positions] if language == "en" else None
        # Chinese words are written without spaces; the lengths count words, not characters
        joiner = "" if language == "zh" else " "
        block = _text_block(rng, vocabulary, lengths[positions], topic_words, joiner=joiner)
        for position, text in zip(positions, block, strict=True):
            texts[position] = text
    return texts


def _pick_lists(
    rng: np.random.Generator,
    values: np.ndarray,
    n: int,
    size_probabilities: list[float],
    weights: np.ndarray | None = None,
) -> list[str]:
    """``;``-joined samples without replacement, as the contract's CSV layout writes lists."""
    sizes = rng.choice(len(size_probabilities), size=n, p=size_probabilities)
    probabilities = None if weights is None else weights / weights.sum()
    out = []
    for size in sizes:
        chosen = rng.choice(values, size=size, replace=False, p=probabilities) if size else []
        out.append(";".join(str(v) for v in sorted(chosen, key=str)))
    return out


def generate_proposals(n: int, *, seed: int = 7) -> pd.DataFrame:
    """``n`` proposals in the contract's CSV layout (lists ``;``-joined)."""
    rng = np.random.default_rng(seed)
    countries = _countries_table()
    recipient = countries[countries["region"].isin(["Africa", "Asia", "Americas", "Oceania"])]
    iso3 = recipient["iso3"].to_numpy()
    names = dict(zip(recipient["iso3"], recipient["name_en"], strict=True))
    languages = rng.choice(list(LANGUAGE_SHARES), size=n, p=list(LANGUAGE_SHARES.values()))
    topics = rng.integers(0, len(TOPICS_EN), n)
    country_lists = _pick_lists(rng, iso3, n, [0.0, 0.9, 0.07, 0.03])
    summary = _multilingual_texts(rng, languages, _lengths(rng, n, 60, 15, 200), topics)
    description = _multilingual_texts(rng, languages, _lengths(rng, n, 300, 80, 1200), topics)
    objectives = _multilingual_texts(rng, languages, _lengths(rng, n, 120, 20, 600), topics)
    nbsap = _multilingual_texts(rng, languages, _lengths(rng, n, 30, 5, 120), topics)
    topic_names = list(TOPICS_EN)
    titles = []
    for index in range(n):
        topic = TOPICS_EN[topic_names[topics[index]]]
        a, b, c = (topic[i] for i in rng.integers(0, len(topic), 3))
        country = names[country_lists[index].split(";")[0]]
        template = TITLE_TEMPLATES[index % len(TITLE_TEMPLATES)]
        titles.append(template.format(a=a, b=b, c=c, A=a.capitalize(), country=country))
    requested = np.round(rng.lognormal(np.log(1_500_000), 1.1, n), -3)
    secured = np.where(rng.random(n) < 0.4, np.round(requested * rng.random(n) * 0.5, -3), np.nan)
    has_targets = rng.random(n) < 0.6
    aichi = _pick_lists(rng, np.arange(1, 21), n, [0.0, 0.3, 0.3, 0.2, 0.1, 0.1], AICHI_WEIGHTS)
    gbf = _pick_lists(rng, np.arange(1, 24), n, [0.7, 0.15, 0.1, 0.05])
    ecosystems = _pick_lists(rng, np.array(ECOSYSTEMS), n, [0.2, 0.4, 0.3, 0.1])
    years = rng.integers(2008, 2027, n)
    frame = pd.DataFrame(
        {
            "proposal_id": [f"P{i:06d}" for i in range(1, n + 1)],
            "title": titles,
            "countries": country_lists,
            "summary": summary,
            "description": description,
            "objectives": objectives,
            "requested_amount": requested,
            "secured_amount": secured,
            "currency": rng.choice(["USD", "EUR"], size=n, p=[0.7, 0.3]),
            "aichi_targets": np.where(has_targets, aichi, ""),
            "gbf_targets": gbf,
            "nbsap_alignment": nbsap,
            "ecosystems": ecosystems,
            "submitted_on": [
                f"{y}-{m:02d}-01" for y, m in zip(years, rng.integers(1, 13, n), strict=True)
            ],
            "status": rng.choice(["submitted", "under review", "funded", "closed"], size=n),
        }
    )
    return frame[list(PROPOSAL_COLUMNS)]


def generate_donors(m: int, *, seed: int = 11) -> pd.DataFrame:
    """``m`` donors in the contract's CSV layout, with priorities of ~150 words."""
    rng = np.random.default_rng(seed)
    countries = _countries_table()
    iso3 = countries["iso3"].to_numpy()
    regions = np.array(
        [
            *sorted((set(countries["region"]) | set(countries["sub_region"])) - {""}),
            "LDC",
            "LLDC",
            "SIDS",
        ]
    )
    languages = rng.choice(list(LANGUAGE_SHARES), size=m, p=list(LANGUAGE_SHARES.values()))
    topics = rng.integers(0, len(TOPICS_EN), m)
    priorities = _multilingual_texts(rng, languages, _lengths(rng, m, 150, 40, 500), topics)
    stems = countries["name_en"].to_numpy()
    names = []
    for index in range(m):
        pattern = DONOR_NAME_PATTERNS[index % len(DONOR_NAME_PATTERNS)]
        names.append(f"{pattern.format(X=stems[rng.integers(len(stems))])} {index + 1}")
    min_grant = np.round(rng.lognormal(np.log(100_000), 0.8, m), -3)
    max_grant = np.round(min_grant * rng.uniform(5, 60, m), -3)
    no_range = rng.random(m) < 0.15
    restricted_regions = rng.random(m) < 0.3
    eligible_regions = _pick_lists(rng, regions, m, [0.0, 0.5, 0.3, 0.2])
    frame = pd.DataFrame(
        {
            "donor_id": [f"D{i:05d}" for i in range(1, m + 1)],
            "name": names,
            "aliases": [f"DNR{i}" for i in range(1, m + 1)],
            "donor_type": rng.choice(DONOR_TYPES, size=m),
            "priorities": priorities,
            "aichi_targets": _pick_lists(
                rng, np.arange(1, 21), m, [0.25, 0.2, 0.2, 0.15, 0.1, 0.1], AICHI_WEIGHTS
            ),
            "gbf_targets": _pick_lists(rng, np.arange(1, 24), m, [0.5, 0.2, 0.2, 0.1]),
            "eligible_regions": np.where(restricted_regions, eligible_regions, ""),
            "eligible_countries": np.where(
                rng.random(m) < 0.1, _pick_lists(rng, iso3, m, [0.0, 0.0, 0.3, 0.4, 0.3]), ""
            ),
            "excluded_countries": np.where(
                rng.random(m) < 0.1, _pick_lists(rng, iso3, m, [0.0, 0.6, 0.4]), ""
            ),
            "min_grant": np.where(no_range, np.nan, min_grant),
            "max_grant": np.where(no_range, np.nan, max_grant),
            "currency": rng.choice(["USD", "EUR"], size=m, p=[0.6, 0.4]),
            "annual_budget": np.round(max_grant * rng.uniform(3, 40, m), -3),
            "ecosystems": _pick_lists(rng, np.array(ECOSYSTEMS), m, [0.3, 0.3, 0.3, 0.1]),
            "active": np.where(rng.random(m) < 0.95, "true", "false"),
        }
    )
    return frame[list(DONOR_COLUMNS)]


def generate_history(
    proposals: pd.DataFrame, donors: pd.DataFrame, *, funded_share: float = 0.05, seed: int = 13
) -> pd.DataFrame:
    """Funding matches for ``funded_share`` of the proposals, one to three donors each.

    Popular donors fund more (Zipf-like), as Germany did in LifeWeb.
    """
    rng = np.random.default_rng(seed)
    funded = proposals.sample(frac=funded_share, random_state=seed)
    donor_weights = 1.0 / np.arange(1, len(donors) + 1) ** 0.8
    donor_weights /= donor_weights.sum()
    rows = []
    for proposal_id, requested in zip(
        funded["proposal_id"], funded["requested_amount"], strict=True
    ):
        n_donors = rng.choice([1, 2, 3], p=[0.75, 0.18, 0.07])
        picked = rng.choice(len(donors), size=n_donors, replace=False, p=donor_weights)
        for donor_index in picked:
            rows.append(
                {
                    "proposal_id": proposal_id,
                    "donor": donors["name"].iloc[donor_index],
                    "amount": float(np.round(requested / n_donors, -3)),
                    "currency": "USD",
                    "year": int(rng.integers(2008, 2027)),
                }
            )
    return pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))


def write_dataset(
    directory: str | Path, n_proposals: int, n_donors: int, *, seed: int = 7
) -> DatasetPaths:
    """Generate (or reuse, when already on disk) one dataset; return its paths."""
    directory = Path(directory)
    stem = f"{n_proposals}x{n_donors}-s{seed}"
    n_parts = max(1, -(-n_proposals // PART_ROWS))
    paths = DatasetPaths(
        proposals=tuple(
            directory / f"proposals-{stem}-part{part + 1}of{n_parts}.csv" for part in range(n_parts)
        ),
        donors=directory / f"donors-{stem}.csv",
        history=directory / f"history-{stem}.csv",
    )
    if all(p.exists() for p in (*paths.proposals, paths.donors, paths.history)):
        return paths
    directory.mkdir(parents=True, exist_ok=True)
    proposals = generate_proposals(n_proposals, seed=seed)
    donors = generate_donors(n_donors, seed=seed + 1)
    history = generate_history(proposals, donors, seed=seed + 2)
    write_table(donors, paths.donors)
    write_table(history, paths.history)
    for part, path in enumerate(paths.proposals):
        write_table(proposals.iloc[part * PART_ROWS : (part + 1) * PART_ROWS], path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=1000)
    parser.add_argument("--donors", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=str(REPO / "var" / "bench"))
    args = parser.parse_args(argv)
    paths = write_dataset(args.out, args.proposals, args.donors, seed=args.seed)
    for path in (*paths.proposals, paths.donors, paths.history):
        print(f"{path}  {path.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
