"""Sparse term matrices and BM25 weights shared by search and matching."""

from collections.abc import Sequence

import numpy as np
from scipy import sparse

K1 = 1.5
B = 0.75


class Vocabulary:
    """Term → column index, grown as documents are added."""

    def __init__(self, words: Sequence[str] = ()):
        self.index: dict[str, int] = {}
        for word in words:
            self.index.setdefault(word, len(self.index))

    def __len__(self) -> int:
        return len(self.index)

    def ids(self, words, *, grow: bool) -> list[int]:
        if grow:
            return [self.index.setdefault(word, len(self.index)) for word in words]
        return [self.index[word] for word in words if word in self.index]


def count_matrix(
    documents: Sequence[Sequence[str]], vocabulary: Vocabulary, *, grow: bool = True
) -> sparse.csr_matrix:
    """Documents × terms, term counts (duplicates summed)."""
    indptr = np.zeros(len(documents) + 1, dtype=np.int64)
    columns: list[int] = []
    for row, words in enumerate(documents):
        columns.extend(vocabulary.ids(words, grow=grow))
        indptr[row + 1] = len(columns)
    data = np.ones(len(columns), dtype=np.float32)
    matrix = sparse.csr_matrix(
        (data, np.asarray(columns, dtype=np.int64), indptr),
        shape=(len(documents), max(len(vocabulary), 1)),
    )
    matrix.sum_duplicates()
    return matrix


def binary(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    out = matrix.copy().astype(np.float32)
    out.data[:] = 1.0
    return out


def resize(matrix: sparse.csr_matrix, columns: int) -> sparse.csr_matrix:
    if matrix.shape[1] == columns:
        return matrix
    matrix = matrix.copy()
    matrix.resize((matrix.shape[0], columns))
    return matrix


def idf_of(counts: sparse.csr_matrix) -> np.ndarray:
    n_docs = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float32)
    return np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)


def bm25_weights(
    counts: sparse.csr_matrix, idf: np.ndarray | None = None, average: float | None = None
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """BM25 document-side weights (idf × saturated tf) and the idf per term.

    ``idf`` and ``average`` (mean document length) default to this corpus's own.
    """
    n_docs = counts.shape[0]
    if idf is None:
        idf = idf_of(counts)
    lengths = np.asarray(counts.sum(axis=1)).ravel().astype(np.float32)
    if average is None:
        average = float(lengths.mean()) if n_docs and lengths.mean() > 0 else 1.0
    row_of = np.repeat(np.arange(n_docs), np.diff(counts.indptr))
    tf = counts.data
    norm = K1 * (1 - B + B * lengths[row_of] / average)
    data = idf[counts.indices] * tf * (K1 + 1) / (tf + norm)
    weights = sparse.csr_matrix(
        (data.astype(np.float32), counts.indices, counts.indptr), counts.shape
    )
    return weights, idf


def l2_normalise(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms).astype(np.float32) @ matrix)


def sample(matrix: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """matrix[rows[i], cols[i]] for every i, vectorised (0 where the entry is absent)."""
    matrix = matrix.tocsr()
    if not matrix.has_sorted_indices:
        matrix.sort_indices()
    width = np.int64(matrix.shape[1])
    row_of = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
    keys = row_of * width + matrix.indices.astype(np.int64)
    wanted = rows.astype(np.int64) * width + cols.astype(np.int64)
    where = np.searchsorted(keys, wanted)
    where = np.minimum(where, max(len(keys) - 1, 0))
    out = np.zeros(len(wanted), dtype=np.float32)
    if len(keys):
        hit = keys[where] == wanted
        out[hit] = matrix.data[where[hit]]
    return out
