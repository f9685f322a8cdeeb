"""Self-service search: BM25 over segmented words with synonyms.

The caller has already filtered postings in the database (occupation, place,
salary, education, date); ``rank_postings`` orders what is left by how well
their words match the query. The index over a set of postings is kept (the
last few sets), so paging through results does not rebuild it.
"""

from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from qinqing.talent.matching.features import posting_features
from qinqing.talent.matching.sparse import Vocabulary, bm25_weights, count_matrix
from qinqing.talent.matching.text import terms

_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 4


class SearchIndex:
    def __init__(self, postings: Sequence[dict]):
        self.ids = [posting["id"] for posting in postings]
        documents = [_terms_of(posting) for posting in postings]
        self.vocabulary = Vocabulary()
        counts = count_matrix(documents, self.vocabulary)
        weights, _idf = bm25_weights(counts)
        self.weights_by_term = weights.T.tocsr()  # terms × postings

    def scores(self, query: str) -> np.ndarray:
        ids = self.vocabulary.ids(dict.fromkeys(terms(query)), grow=False)
        if not ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.weights_by_term[ids].sum(axis=0)).ravel()

    def rank(self, query: str, limit: int, offset: int = 0) -> list[tuple[object, float]]:
        scores = self.scores(query)
        hits = np.flatnonzero(scores > 0)
        if not query.strip():
            hits = np.arange(len(self.ids))
        # Highest score first; ties keep the caller's order (newest first, say).
        order = hits[np.lexsort((hits, -scores[hits]))]
        page = order[offset : offset + limit]
        return [(self.ids[i], float(scores[i])) for i in page]


def _terms_of(posting: dict) -> list[str]:
    features = posting.get("features")
    if isinstance(features, dict) and "terms" in features:
        return features["terms"]
    return posting_features(posting, embed=False)["terms"]


def index_for(postings: Sequence[dict]) -> SearchIndex:
    key = tuple((posting["id"], tuple(_terms_of(posting))) for posting in postings)
    index = _CACHE.get(key)
    if index is None:
        index = SearchIndex(postings)
        _CACHE[key] = index
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    return index


def rank_postings(
    query: str, postings: Sequence[dict], limit: int = 20, offset: int = 0
) -> list[tuple[object, float]]:
    """(posting id, score) of the postings that match ``query``, best first.

    ``postings`` are dicts with ``id`` and ``features`` (from ``posting_features``;
    computed here when missing). An empty query returns every posting in the
    given order with score 0.
    """
    if not postings:
        return []
    return index_for(postings).rank(query or "", limit, offset)
