"""What scoring needs from each side, as arrays: proposal features and donor vectors."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.preprocessing import normalize

from matcher.contract import ECOSYSTEMS, OUTCOME_COLUMNS
from matcher.profile import (
    N_AICHI,
    CountryTable,
    DonorProfiles,
    _as_tuple,
    _column,
    country_matrix,
    target_matrix,
    to_usd,
)
from matcher.scoring.text import TEXT_FIELDS, TextModel, proposal_texts

if TYPE_CHECKING:
    from matcher.scoring.components import ScoringParams


@dataclass
class ProposalFeatures:
    """What the components need from a block of proposals, as arrays."""

    proposal_ids: np.ndarray
    titles: np.ndarray
    words: sparse.csr_matrix  # P x V, L2-normalised
    chars: sparse.csr_matrix | None  # rows of needs_char only (others zero), or None
    needs_char: np.ndarray
    countries: sparse.csr_matrix  # P x C binary
    n_countries: np.ndarray
    targets: np.ndarray  # P x 20 weights
    ecosystems: np.ndarray  # P x E (declared, else detected)
    ecosystems_detected: np.ndarray  # bool P: ecosystems came from the text
    requested_usd: np.ndarray
    currency: np.ndarray
    text_products: tuple[np.ndarray, np.ndarray] | None = None  # filled on first use
    own_terms_removed: bool = False  # set by matcher.own_funding.remove_own_terms
    embeddings: np.ndarray | None = None  # P x 512 unit rows (matcher.text), when encoded
    texts: np.ndarray | None = None  # object array of the joined texts, for phrase evidence

    def __len__(self) -> int:
        return len(self.proposal_ids)


def proposal_features(
    proposals: pd.DataFrame,
    model: TextModel,
    table: CountryTable,
    *,
    target_weights: np.ndarray | None = None,
) -> ProposalFeatures:
    """Vectorise a block of proposals (contract frame) for scoring.

    ``target_weights`` (P x 20, e.g. from :func:`matcher.tagger.proposal_target_weights`) replaces
    the declared targets when given: declared targets 1.0, suggested ones their confidence.
    Outcome columns (:data:`matcher.contract.OUTCOME_COLUMNS`) are never read.
    """
    proposals = proposals.drop(columns=list(OUTCOME_COLUMNS), errors="ignore")
    currency = _column(proposals, "currency", "").fillna("").astype(str).str.upper().to_numpy()
    requested = pd.to_numeric(_column(proposals, "requested_amount", np.nan), errors="coerce")
    return _features(
        _ProposalColumns(
            proposal_ids=_column(proposals, "proposal_id", "").astype(str).to_numpy(dtype=object),
            titles=_column(proposals, "title", "").fillna("").astype(str).to_numpy(dtype=object),
            texts=proposal_texts(proposals),
            countries=list(_column(proposals, "countries", ())),
            aichi=list(_column(proposals, "aichi_targets", ())),
            gbf=list(_column(proposals, "gbf_targets", ())),
            ecosystems=list(_column(proposals, "ecosystems", ())),
            requested=requested.to_numpy(np.float64),
            currency=currency,
        ),
        model,
        table,
        target_weights,
    )


def record_features(
    record: Mapping[str, object],
    model: TextModel,
    table: CountryTable,
    *,
    target_weights: np.ndarray | None = None,
) -> ProposalFeatures:
    """:func:`proposal_features` of one proposal given as a mapping (contract columns), in
    plain Python: a new proposal from a form or an API call is scored without pandas.

    Cells are read as the frame path reads them: a missing or empty cell is ``""`` (text),
    ``()`` (lists) or NaN (the amount, also when it does not read as a number).
    """

    def text(name: str) -> str:
        value = record.get(name)
        return "" if _blank(value) else str(value)

    def listed(name: str) -> object:
        value = record.get(name, ())
        return () if value is None else value

    title = text("title")
    return _features(
        _ProposalColumns(
            proposal_ids=np.array([str(record.get("proposal_id", ""))], dtype=object),
            titles=np.array([title], dtype=object),
            texts=[". ".join((title, title, *(text(f) for f in TEXT_FIELDS[1:])))],
            countries=[listed("countries")],
            aichi=[listed("aichi_targets")],
            gbf=[listed("gbf_targets")],
            ecosystems=[listed("ecosystems")],
            requested=np.array([_number(record.get("requested_amount"))], dtype=np.float64),
            currency=np.array([text("currency").upper()], dtype=object),
        ),
        model,
        table,
        target_weights,
    )


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _number(value: object) -> float:
    if _blank(value) or isinstance(value, bool):
        return float("nan")
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


@dataclass
class _ProposalColumns:
    """The cells :func:`_features` reads, one entry per proposal, already read and cleaned."""

    proposal_ids: np.ndarray
    titles: np.ndarray
    texts: list[str]
    countries: list[object]
    aichi: list[object]
    gbf: list[object]
    ecosystems: list[object]
    requested: np.ndarray
    currency: np.ndarray


def _features(
    columns: _ProposalColumns,
    model: TextModel,
    table: CountryTable,
    target_weights: np.ndarray | None,
) -> ProposalFeatures:
    texts = columns.texts
    n = len(texts)
    folded: dict[int, str] = {}  # non-ASCII texts folded once, for words and characters
    words = model.words(texts, folded)
    needs_char = model.needs_char(texts, words)
    chars = None
    if needs_char.any():
        chars = sparse.csr_matrix((n, len(model.char_.vocabulary_)), dtype=np.float32)
        picked = np.flatnonzero(needs_char)
        sub = model.chars([texts[i] for i in picked], [folded.get(i) for i in picked])
        selector = sparse.csr_matrix(
            (np.ones(picked.size, dtype=np.float32), (picked, np.arange(picked.size))),
            shape=(n, picked.size),
        )
        chars = (selector @ sub).tocsr()
    countries = country_matrix(columns.countries, table)
    if target_weights is not None:
        targets = np.asarray(target_weights, dtype=np.float32)
        if targets.shape != (n, N_AICHI):
            raise ValueError(f"target_weights must be {n} x {N_AICHI}, got {targets.shape}")
    else:
        targets = target_matrix(columns.aichi, columns.gbf)
    declared = _declared_ecosystems(columns.ecosystems)
    detected = model.ecosystems_in(words).astype(np.float32)
    use_detected = ~declared.any(axis=1)
    ecosystems = np.where(use_detected[:, None], detected, declared).astype(np.float32)
    return ProposalFeatures(
        proposal_ids=columns.proposal_ids,
        titles=columns.titles,
        words=words,
        chars=chars,
        needs_char=needs_char,
        countries=countries,
        # rows of ones, each country once: the row sums are the entry counts (exact in float32)
        n_countries=np.diff(countries.indptr).astype(np.float32),
        targets=targets,
        ecosystems=ecosystems,
        ecosystems_detected=use_detected & ecosystems.any(axis=1),
        requested_usd=to_usd(columns.requested, columns.currency),
        currency=columns.currency,
        texts=np.asarray(texts, dtype=object),
    )


def _declared_ecosystems(values: Sequence[object]) -> np.ndarray:
    position = {name: i for i, name in enumerate(ECOSYSTEMS)}
    matrix = np.zeros((len(values), len(ECOSYSTEMS)), dtype=np.float32)
    for row, names in enumerate(values):
        for name in _as_tuple(names):
            col = position.get(str(name).strip().lower().replace(" ", "_").replace("-", "_"))
            if col is not None:
                matrix[row, col] = 1.0
    return matrix


# --------------------------------------------------------------------------- donor side


@dataclass
class TextProduct:
    """Proposal x donor text products, split by how common a term is among donor vectors.

    A term in many donor vectors makes a sparse x sparse product slow (its posting list is
    long), so the commonest terms are held as a small dense block and multiplied with a
    sparse x dense product (several times faster); the long tail stays sparse.
    """

    n_donors: int
    position: np.ndarray  # term -> column in the split order (dense terms first)
    n_dense: int
    dense: np.ndarray  # n_dense x 2M float32
    rest: sparse.csr_matrix  # (V - n_dense) x 2M

    @classmethod
    def build(
        cls,
        profile: sparse.csr_matrix,
        funded_sum: sparse.csr_matrix,
        *,
        max_dense_bytes: int = 96 * 2**20,
        min_share: float = 0.02,
    ) -> TextProduct:
        stacked = sparse.vstack([profile, funded_sum]).tocsr().astype(np.float32)
        n_rows, n_terms = stacked.shape
        frequency = np.bincount(stacked.indices, minlength=n_terms)
        budget = max_dense_bytes // max(4 * n_rows, 1)
        order = np.argsort(-frequency, kind="stable")
        common = int(np.sum(frequency >= max(min_share * n_rows, 2)))
        n_dense = int(min(common, budget))
        position = np.empty(n_terms, dtype=np.int64)
        position[order] = np.arange(n_terms)
        columns = stacked.T.tocsr()[order]  # terms in split order x 2M
        dense = np.ascontiguousarray(columns[:n_dense].toarray())
        rest = columns[n_dense:].tocsr()
        return cls(profile.shape[0], position, n_dense, dense, rest)

    def multiply(self, words: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        words = words.tocsr()
        remapped = self.position[words.indices]
        m = self.n_donors
        compiled = _compiled("rows_product") if words.shape[0] <= COMPILED_MAX_ROWS else None
        if compiled is not None and self.n_dense and self.dense.dtype == np.float32:
            rest = self.rest
            product = compiled(
                words.indptr, remapped, words.data, self.n_dense, self.dense,
                rest.indptr, rest.indices, rest.data.astype(np.float32, copy=False),
            )  # fmt: skip
            return product[:, :m], product[:, m:]
        is_dense = remapped < self.n_dense
        # Each part as CSR from its arrays: a COO matrix, its conversion and its checks cost
        # more than the product of one new proposal's row.
        dense_part = _csr_rows(
            words.data[is_dense], remapped[is_dense], words.indptr, is_dense, self.n_dense
        )
        rest_part = _csr_rows(
            words.data[~is_dense],
            remapped[~is_dense] - self.n_dense,
            words.indptr,
            ~is_dense,
            self.rest.shape[0],
        )
        product = rest_part @ self.rest
        product = product.toarray() if sparse.issparse(product) else np.asarray(product)
        if self.n_dense:
            product += dense_part @ self.dense
        return product[:, :m].astype(np.float32), product[:, m:].astype(np.float32)


COMPILED_MAX_ROWS = 8
"""Up to this many proposals (an upload's new one), the compiled product; SciPy's beyond."""


def _compiled(name: str) -> Callable[..., np.ndarray] | None:
    """The compiled product ``name`` of :mod:`matcher.scoring.row_products` where numba is
    installed (``rows_product``, ``sparse_rows_product``); ``None`` without numba."""
    try:
        from matcher.scoring import row_products
    except ImportError:
        return None
    return getattr(row_products, name)


def _csr_rows(
    data: np.ndarray, columns: np.ndarray, indptr: np.ndarray, kept: np.ndarray, n_columns: int
) -> sparse.csr_matrix:
    """The entries ``kept`` of a CSR matrix's rows (``indptr``), as a CSR matrix of their own,
    columns sorted within each row as a COO-built one has them (the products add in that
    order, so the same order gives the same bits)."""
    kept_before = np.zeros(kept.size + 1, dtype=np.int64)
    np.cumsum(kept, out=kept_before[1:])
    matrix = sparse.csr_matrix(
        (data, columns, kept_before[indptr]),
        shape=(indptr.size - 1, max(n_columns, 1)),
    )
    matrix.sort_indices()
    return matrix


@dataclass
class DonorVectors:
    """Donor text vectors and geography indicator matrices, built once at fit time."""

    profile_words: sparse.csr_matrix  # M x V: stated priorities + funded centroid, L2-normalised
    has_text: np.ndarray
    stated_words: sparse.csr_matrix  # M x V, L2-normalised priorities
    funded_sum_words: sparse.csr_matrix  # M x V: sum of funded proposals' unit vectors
    has_funded_text: np.ndarray
    profile_chars: sparse.csr_matrix  # M x K
    has_chars: np.ndarray
    funded_country_any: np.ndarray  # C x M: 1 where the donor funded in that country
    funded_area_any: np.ndarray  # C x M: 1 where the donor funded in that country's area
    funded_region_any: np.ndarray  # C x M
    funded_country_counts: np.ndarray  # C x M counts
    funded_area_counts: np.ndarray  # C x M counts of funded proposals in the country's area
    has_funded_geo: np.ndarray
    stated_area_t: np.ndarray  # C x M
    named_t: np.ndarray  # C x M
    text_focus_t: np.ndarray  # C x M
    excluded_t: np.ndarray  # C x M
    funded_words: sparse.csr_matrix  # F x V unit vectors of funded proposals (for evidence)
    text_product: TextProduct | None = None
    # Parts the own-funding exclusion (:mod:`matcher.own_funding`) takes a funded proposal out of.
    stated_chars: sparse.csr_matrix | None = None  # M x K
    funded_chars: sparse.csr_matrix | None = None  # F x K unit rows
    funded_sum_chars: sparse.csr_matrix | None = None  # M x K sums of funded unit rows
    funded_country_rows: sparse.csr_matrix | None = None  # F x C binary
    # Terms (and character n-grams) that only the funded proposal itself brought into the
    # vocabulary: the same proposal scored again must not carry them (a new one could not).
    funded_only_words: sparse.csr_matrix | None = None  # F x V
    funded_only_chars: sparse.csr_matrix | None = None  # F x K
    # Sentence embeddings (matcher.text), when the matcher has an encoder.
    stated_embeddings: np.ndarray | None = None  # M x 512 (zero rows: no priorities)
    funded_embeddings: np.ndarray | None = None  # F x 512

    # (profile_chars, its transpose as CSR): transposed once, not once per block of proposals.
    profile_chars_t: tuple[sparse.csr_matrix, sparse.csr_matrix] | None = None
    # That transpose with its commonest n-grams dense (row_products.SplitProduct), built on
    # the first few-proposal product: one proposal's cosines stream those rows.
    profile_chars_split: object | None = None

    def char_cosines(self, chars: sparse.csr_matrix) -> np.ndarray:
        """Proposal x donor products of character rows with the donors' character profiles.

        The same product as ``chars @ profile_chars.T`` (scipy turns that transpose into this
        CSR matrix each time, which cost more than the product for a block's few short texts).
        """
        if self.profile_chars_t is None or self.profile_chars_t[0] is not self.profile_chars:
            self.profile_chars_t = (self.profile_chars, self.profile_chars.T.tocsr())
        transposed = self.profile_chars_t[1]
        compiled = _compiled("sparse_rows_product") if chars.shape[0] <= COMPILED_MAX_ROWS else None
        if (
            compiled is not None
            and sparse.issparse(chars)
            and chars.format == "csr"
            and chars.dtype == np.float32
            and transposed.dtype == np.float32
        ):
            split = self.profile_chars_split
            if split is None or split.other is not transposed:
                from matcher.scoring.row_products import SplitProduct

                split = self.profile_chars_split = SplitProduct(transposed)
            return compiled(chars, split)
        return (chars @ transposed).toarray()

    def text_scores(self, words: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Proposal x donor dot products with the profile vectors and the funded sums."""
        if self.text_product is None:
            self.text_product = TextProduct.build(self.profile_words, self.funded_sum_words)
        return self.text_product.multiply(words)


DONOR_TERMS_KEPT = 3000
"""Terms kept per donor vector: a donor that funded hundreds of proposals has thousands of
terms whose tail changes no cosine visibly but makes every proposal x donor product slower."""


def _keep_top_terms(matrix: sparse.csr_matrix, keep: int = DONOR_TERMS_KEPT) -> sparse.csr_matrix:
    matrix = matrix.tocsr()
    rows, cols, data = [], [], []
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        values = matrix.data[start:end]
        if values.size > keep:
            picked = np.argpartition(-values, keep - 1)[:keep]
        else:
            picked = np.arange(values.size)
        rows.append(np.full(picked.size, row))
        cols.append(matrix.indices[start:end][picked])
        data.append(values[picked])
    if not rows:
        return matrix
    return sparse.csr_matrix(
        (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
        shape=matrix.shape,
        dtype=np.float32,
    )


def _c_order(matrix: sparse.spmatrix) -> np.ndarray:
    """Dense float32 in row-major order: a column-major operand makes every sparse x dense
    product copy it first (the copy cost more than the product for one proposal)."""
    return np.ascontiguousarray(matrix.toarray(), dtype=np.float32)


def donor_vectors(
    profiles: DonorProfiles,
    model: TextModel,
    table: CountryTable,
    params: ScoringParams | None = None,
) -> DonorVectors:
    """Text and geography matrices for all donors (revealed parts from the funded proposals).

    With ``params.stated_apart`` (the default) the donor's text vector is its stated
    priorities alone; the funded texts reach the score through the history component only.
    """
    from matcher.scoring.components import ScoringParams  # defined beside the curves it shapes

    stated_apart = (params or ScoringParams()).stated_apart
    priorities = profiles.donors["priorities"].tolist()
    n_donors, n_funded = len(priorities), len(profiles.funded_proposals)
    fitted_words = getattr(model, "fitted_words_", None)
    funded_only_words = funded_only_chars = None
    if fitted_words is not None and fitted_words.shape[0] == n_donors + n_funded:
        # The model was fitted on exactly [priorities..., funded texts...]: reuse the vectors.
        stated, funded = fitted_words[:n_donors], fitted_words[n_donors:]
        char_stated, char_funded = model.fitted_chars_[:n_donors], model.fitted_chars_[n_donors:]
        funded_only_words = _only_in_one_document(funded, model.word_df_)
        funded_only_chars = _only_in_one_document(char_funded, model.char_df_)
    else:
        funded_texts = proposal_texts(profiles.funded_proposals) if n_funded else []
        stated = model.words(priorities)
        funded = model.words(funded_texts) if n_funded else None
        char_stated = model.chars(priorities)
        char_funded = model.chars([t[:1000] for t in funded_texts]) if n_funded else None
    if funded is None or n_funded == 0:
        funded = sparse.csr_matrix((0, len(model.terms_)), dtype=np.float32)
    has_stated = np.diff(stated.indptr) > 0
    link_t = profiles.funded_link.T.tocsr()  # M x F
    funded_sum = (link_t @ funded).tocsr().astype(np.float32)
    has_funded = np.diff(funded_sum.indptr) > 0
    centroid = sparse.csr_matrix(stated.shape, dtype=np.float32) if stated_apart else None
    if centroid is None:
        centroid = normalize(funded_sum)
    # Mixed (not stated_apart): stated and revealed count equally when a donor has both.
    profile = normalize(_keep_top_terms(normalize(stated + centroid).tocsr()))
    funded_sum = _keep_top_terms(funded_sum)
    if n_funded:
        funded_sum_chars = (link_t @ char_funded).tocsr().astype(np.float32)
    else:
        char_funded = sparse.csr_matrix((0, char_stated.shape[1]), dtype=np.float32)
        funded_sum_chars = sparse.csr_matrix(char_stated.shape, dtype=np.float32)
    if n_funded and not stated_apart:
        profile_chars = normalize(char_stated + normalize(funded_sum_chars)).tocsr()
    else:
        profile_chars = char_stated.tocsr()
    has_funded_words = np.zeros_like(has_stated) if stated_apart else has_funded

    def expand(counts: np.ndarray, of: np.ndarray | None) -> np.ndarray:
        # counts: M x G over groups; return C x M with each country's group value.
        return counts[:, of].T if of is not None else counts.T

    country_counts = profiles.funded_countries  # M x C
    area_counts = expand(profiles.funded_areas, table.area_of)  # C x M
    region_counts = expand(profiles.funded_regions, table.region_of)
    return DonorVectors(
        profile_words=profile,
        has_text=has_stated | has_funded_words,
        stated_words=stated,
        funded_sum_words=funded_sum,
        has_funded_text=has_funded,
        profile_chars=profile_chars,
        has_chars=np.diff(profile_chars.indptr) > 0,
        funded_country_any=np.ascontiguousarray((country_counts.T > 0).astype(np.float32)),
        funded_area_any=np.ascontiguousarray((area_counts > 0).astype(np.float32)),
        funded_region_any=np.ascontiguousarray((region_counts > 0).astype(np.float32)),
        funded_country_counts=np.ascontiguousarray(country_counts.T.astype(np.float32)),
        funded_area_counts=np.ascontiguousarray(area_counts.astype(np.float32)),
        has_funded_geo=country_counts.sum(axis=1) > 0,
        stated_area_t=_c_order(profiles.stated_area.T),
        named_t=_c_order(profiles.named_countries.T),
        text_focus_t=_c_order(profiles.text_focus.T),
        excluded_t=_c_order(profiles.excluded.T),
        funded_words=funded,
        text_product=TextProduct.build(profile, funded_sum),
        stated_chars=char_stated.tocsr(),
        funded_chars=char_funded.tocsr(),
        funded_sum_chars=funded_sum_chars,
        funded_country_rows=country_matrix(
            list(_column(profiles.funded_proposals, "countries", ())), table
        ),
        funded_only_words=funded_only_words,
        funded_only_chars=funded_only_chars,
    )


def _only_in_one_document(
    rows: sparse.csr_matrix, document_frequency: np.ndarray
) -> sparse.csr_matrix:
    """The entries of ``rows`` whose term occurs in one fitted document only (that row's)."""
    rows = rows.tocsr().copy()
    rows.data = (document_frequency[rows.indices] == 1).astype(np.float32)
    rows.eliminate_zeros()
    return rows


# --------------------------------------------------------------------------- components
