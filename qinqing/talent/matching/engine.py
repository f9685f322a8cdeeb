"""Reciprocal, explainable matching of job seekers and postings.

For every (seeker, posting) pair that shares something (a word, a skill, an
occupation or a major) the engine

1. applies the hard constraints: the posting is valid on ``today``; the
   seeker's education is at or above the posting's minimum, or one level below
   when relevant experience makes up for it (the pair is scored lower and
   flagged 学历低于要求), never two levels below; the posting's place lies within
   one of the seeker's desired places, read through the region hierarchy;
2. adds weighted factors from both sides: ``seeker_fit`` is how well the seeker
   fits the posting (skills the posting asks for, text, major, experience,
   salary), ``posting_fit`` how well the posting fits the seeker (desired
   occupation, the seeker's skills used, text, salary, location);
3. combines them with the harmonic mean, so a pair scores high only when both
   sides fit, then applies feedback (感兴趣 / 不合适 / 已投递) of that seeker.

Everything is computed on sparse matrices (SciPy) and arrays of pairs (NumPy),
seekers in blocks, never a Python loop over pairs. Weights come from the
setting ``QINQING_TALENT_MATCH_WEIGHTS`` (or ``TALENT_MATCH_WEIGHTS``), merged
over ``DEFAULT_WEIGHTS``.
"""

import copy
import datetime as dt
import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from qinqing.talent.matching import taxonomy
from qinqing.talent.matching.features import (
    _as_list,
    current,
    decode_embedding,
    posting_features_many,
    seeker_features_many,
)
from qinqing.talent.matching.sparse import (
    Vocabulary,
    binary,
    bm25_weights,
    count_matrix,
    idf_of,
    l2_normalise,
    sample,
)
from qinqing.talent.matching.text import normalise

DEFAULT_WEIGHTS = {
    # How well the seeker fits the posting (the employer's side).
    "seeker_fit": {
        "skills": 0.35,
        "semantic": 0.15,
        "title": 0.10,
        "major": 0.15,
        "experience": 0.15,
        "salary": 0.10,
    },
    # How well the posting fits the seeker (the seeker's side).
    "posting_fit": {
        "title": 0.30,
        "skills": 0.15,
        "semantic": 0.15,
        "salary": 0.25,
        "location": 0.15,
    },
    # Credit for one skill the other side asks for: same tag, synonym, only in the text.
    "skill_credit": {"exact": 1.0, "synonym": 0.9, "semantic": 0.6},
    # Share of the text factor from dense embeddings when both sides have one.
    "embedding_share": 0.5,
    # Multiplier for a pair one education level below the minimum (学历低于要求).
    "education_below": 0.8,
    # Years above the posting's minimum that make up for one education level.
    "education_experience_years": 2,
    # Feedback: multiplier for the posting itself and for similar postings.
    "feedback": {
        "interested": 1.2,
        "unsuitable": 0.0,
        "applied": 0.0,
        "similar_interested": 0.15,
        "similar_unsuitable": -0.25,
        "similar_applied": 0.1,
    },
}

FEEDBACK_KINDS = ("interested", "unsuitable", "applied")
FEEDBACK_LABELS = {"interested": "感兴趣", "unsuitable": "不合适", "applied": "已投递"}
FLAG_EDUCATION_BELOW = "学历低于要求"
_BLOCK = 2048
# Seeker blocks are scored on this many threads (NumPy and SciPy release the GIL in
# the array work, so each core takes a block). QINQING_MATCH_THREADS overrides.
_THREADS = int(os.environ.get("QINQING_MATCH_THREADS") or min(os.cpu_count() or 1, 4))
_NO_PLACE = -1


def configured_weights(weights: Mapping | None = None) -> dict:
    """DEFAULT_WEIGHTS overridden by settings, then by ``weights``."""
    merged = copy.deepcopy(DEFAULT_WEIGHTS)
    layers = []
    try:
        from django.conf import settings

        if settings.configured:
            layers.append(getattr(settings, "TALENT_MATCH_WEIGHTS", None))
            layers.append(getattr(settings, "QINQING_TALENT_MATCH_WEIGHTS", None))
    except ImportError:  # pragma: no cover
        pass
    layers.append(weights)
    for layer in layers:
        for key, value in (layer or {}).items():
            if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
                merged[key].update(value)
            else:
                merged[key] = value
    return merged


@dataclass
class Match:
    seeker_id: object
    posting_id: object
    rank: int
    score: float
    seeker_fit: float
    posting_fit: float
    reasons: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass
class Explanation:
    seeker_id: object
    posting_id: object
    eligible: bool
    score: float
    seeker_fit: float
    posting_fit: float
    matched_skills: list[str]
    missing_skills: list[str]
    salary: str
    education: str
    location: str
    reasons: list[str]
    flags: list[str]
    factors: dict[str, float]

    @property
    def for_seeker(self) -> str:
        """One paragraph for the seeker's screen."""
        return "；".join(self.reasons)

    @property
    def for_employer(self) -> str:
        """One paragraph for the employer's screen."""
        return "；".join(self.reasons)


# ---------------------------------------------------------------- regions


def region_ancestors_from_pairs(pairs: Iterable[tuple[str, str | None]]) -> dict[str, set[str]]:
    """Ancestors of every place from (name, parent name) pairs, e.g. Region rows."""
    parent = {}
    for name, parent_name in pairs:
        if name:
            parent.setdefault(name, set())
            if parent_name:
                parent[name].add(parent_name)
    out: dict[str, set[str]] = {}
    for name in parent:
        seen: set[str] = set()
        todo = list(parent[name])
        while todo:
            place = todo.pop()
            if place not in seen and place != name:
                seen.add(place)
                todo.extend(parent.get(place, ()))
        out[name] = seen
    return out


def region_ancestors_from_codes(rows: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """Ancestors from GB/T 2260 (code, name) rows: 6-digit codes and 9-digit towns."""
    names = dict(rows)

    def parent_code(code: str) -> str | None:
        if len(code) == 9:
            return code[:6]
        if code.endswith("0000"):
            return None
        if code.endswith("00"):
            return code[:2] + "0000"
        return code[:4] + "00"

    pairs = []
    for code, name in names.items():
        up = parent_code(code)
        while up and up not in names:
            up = parent_code(up)
        pairs.append((name, names.get(up) if up else None))
    return region_ancestors_from_pairs(pairs)


def zhejiang_region_ancestors() -> dict[str, set[str]]:
    """Zhejiang's places as core loads them (python-stdnum's GB/T 2260 table plus
    ``qinqing/core/data/regions_supplement.csv``), read without the database."""
    import csv
    from pathlib import Path

    from stdnum import numdb

    import qinqing.core

    rows = []
    for _length, low, _high, _props, children in numdb.get("cn/loc").prefixes:
        if low != "33":
            continue
        for _l, suffix, _h, props, _c in children:
            name = None
            for entry in props.get("county", "").split(","):
                if not entry.startswith("["):
                    name = entry
                elif "-]" in entry and entry.split("-]")[0][1:].isdigit():
                    name = entry.split("-]", 1)[1]
            if name and name != "市辖区":
                rows.append(("33" + suffix, name))
    supplement = Path(qinqing.core.__file__).parent / "data" / "regions_supplement.csv"
    if supplement.exists():
        with supplement.open(encoding="utf-8") as handle:
            rows.extend((row["code"], row["name"]) for row in csv.DictReader(handle))
    return region_ancestors_from_codes(rows)


# ---------------------------------------------------------------- blocks


def _float(value, default=0.0) -> float:
    try:
        if value is None or value == "":
            return default
        return float(value)
    except (TypeError, ValueError):
        return default


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


class _Space:
    """Vocabularies shared by both sides, and the places of the region hierarchy."""

    def __init__(self, region_ancestors: Mapping[str, Iterable[str]] | None):
        self.words = Vocabulary()
        self.raw = Vocabulary()
        self.occupations = Vocabulary()
        self.groups = Vocabulary()
        self.majors = Vocabulary()
        self.major_groups = Vocabulary()
        self.places = Vocabulary()
        self.matching_words: list[int] = []
        self.ancestors = {name: set(up) for name, up in (region_ancestors or {}).items() if name}
        for name, up in self.ancestors.items():
            self.places.ids([name, *up], grow=True)

    def mask(self, width: int) -> sparse.dia_matrix:
        """Words that take part in matching: domain words, tags, titles and majors that
        fewer than a tenth of the postings carry (everyday words only add noise)."""
        keep = np.zeros(width, dtype=np.float32)
        kept = [i for i in self.matching_words if i < width]
        keep[kept] = 1.0
        return sparse.diags(keep)

    def closeness_table(self) -> np.ndarray:
        """Desired place × posting place → credit (a last row and column of zeros
        stand for "none"), rebuilt when new places have been seen."""
        size = len(self.places)
        if getattr(self, "_table", None) is None or self._table.shape[0] != size + 1:
            table = np.zeros((size + 1, size + 1), dtype=np.float32)
            for name, index in list(self.places.index.items()):
                for up, credit in self.place_closeness(name).items():
                    table[up, index] = credit
            if len(self.places) != size:  # place_closeness met new names: build again
                return self.closeness_table()
            self._table = table
        return self._table

    def place_closeness(self, place: str) -> dict[int, float]:
        """Desired place → credit when the posting is at ``place``: itself 1.0, its
        county 0.9, its city 0.75, its province 0.6 (by depth difference)."""
        if not place:
            return {}
        out = {self.places.ids([place], grow=True)[0]: 1.0}
        depth = len(self.ancestors.get(place, ()))
        for up in self.ancestors.get(place, ()):
            gap = depth - len(self.ancestors.get(up, ()))
            credit = {1: 0.9, 2: 0.75}.get(gap, 0.6)
            out[self.places.ids([up], grow=True)[0]] = credit
        return out


class _Side:
    """The sparse matrices and arrays of one side (seekers or postings)."""

    def __init__(
        self, records: Sequence[dict], features: Sequence[dict], space: _Space, kind, grow
    ):
        self.ids = [record.get("id") for record in records]
        self.records = records
        self.features = features
        words = space.words
        terms = [f.get("terms", []) for f in features]
        skills = [f.get("skills", []) for f in features]
        self.counts = count_matrix(terms, words, grow=grow)
        self.skills = binary(count_matrix(skills, words, grow=grow))
        self.raw = binary(
            count_matrix([f.get("skills_raw", []) for f in features], space.raw, grow=grow)
        )
        bag = [list(t) + list(s) for t, s in zip(terms, skills, strict=True)]
        self.bag = binary(count_matrix(bag, words, grow=grow))
        self.title = binary(
            count_matrix([f.get("title_terms", []) for f in features], words, grow=grow)
        )
        occupations = [[o for o in f.get("occupations", []) if o] for f in features]
        self.occupations = binary(count_matrix(occupations, space.occupations, grow=grow))
        groups = [[taxonomy.occupation_major_group(o) for o in occ] for occ in occupations]
        self.groups = binary(
            count_matrix([[g for g in gs if g] for gs in groups], space.groups, grow=grow)
        )
        majors = [f.get("majors", []) for f in features]
        self.majors = binary(count_matrix(majors, space.majors, grow=grow))
        major_groups = [
            [taxonomy.major_group(m) for m in ms if taxonomy.major_group(m)] for ms in majors
        ]
        self.major_groups = binary(count_matrix(major_groups, space.major_groups, grow=grow))
        self.n_skills = np.asarray(self.skills.sum(axis=1)).ravel()
        self.n_title = np.asarray(self.title.sum(axis=1)).ravel()
        self.has_majors = np.asarray(self.majors.sum(axis=1)).ravel() > 0
        self.has_occupations = np.asarray(self.occupations.sum(axis=1)).ravel() > 0
        self.education = np.array([f.get("education", 0) for f in features], dtype=np.int8)
        self.embeddings = _embedding_matrix(features)
        if kind == "posting":
            self.experience = np.array(
                [_float(r.get("experience_years_min")) for r in records], dtype=np.float32
            )
            self.salary_min = np.array(
                [_float(r.get("salary_min")) for r in records], dtype=np.float32
            )
            self.salary_max = np.array(
                [_float(r.get("salary_max")) for r in records], dtype=np.float32
            )
            self.salary_max = np.where(self.salary_max > 0, self.salary_max, self.salary_min)
            self.places = self._posting_places(records, space)
            self.place_id = np.array(
                [space.places.index.get(str(r.get("location") or "").strip(), -1) for r in records],
                dtype=np.int64,
            )
        else:
            self.experience = np.array(
                [_float(r.get("experience_years")) for r in records], dtype=np.float32
            )
            self.expected = np.array(
                [_float(r.get("expected_salary")) for r in records], dtype=np.float32
            )
            desired = [
                [str(p).strip() for p in _as_list(r.get("desired_locations"))] for r in records
            ]
            self.desired = binary(count_matrix(desired, space.places, grow=True))
            self.has_desired = np.array([bool(d) for d in desired])

    @staticmethod
    def _posting_places(records, space: _Space) -> sparse.csr_matrix:
        """Postings × places: the closeness credit of each place that contains the posting."""
        indptr, columns, data = [0], [], []
        for record in records:
            closeness = space.place_closeness(str(record.get("location") or "").strip())
            columns.extend(closeness)
            data.extend(closeness.values())
            indptr.append(len(columns))
        return sparse.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(columns, dtype=np.int64), indptr),
            shape=(len(records), max(len(space.places), 1)),
        )

    def finish(self, space: _Space, idf: np.ndarray, average: float) -> None:
        """Resize to the final vocabularies and derive the BM25 vectors."""
        width = max(len(space.words), 1)
        for name in ("counts", "skills", "bag", "title"):
            setattr(self, name, _resize(getattr(self, name), width))
        self.raw = _resize(self.raw, max(len(space.raw), 1))
        self.occupations = _resize(self.occupations, max(len(space.occupations), 1))
        self.groups = _resize(self.groups, max(len(space.groups), 1))
        self.majors = _resize(self.majors, max(len(space.majors), 1))
        self.major_groups = _resize(self.major_groups, max(len(space.major_groups), 1))
        if hasattr(self, "desired"):
            self.desired = _resize(self.desired, max(len(space.places), 1))
        else:
            self.places = _resize(self.places, max(len(space.places), 1))
        weights, _ = bm25_weights(self.counts, idf, average)
        mask = space.mask(width)
        self.bm25 = l2_normalise(sparse.csr_matrix(weights @ mask))
        self.bag = sparse.csr_matrix(self.bag @ mask)
        self.title = sparse.csr_matrix(self.title @ mask)
        for matrix in (self.bm25, self.bag, self.title):
            matrix.eliminate_zeros()  # masked words leave no explicit zeros behind
        self.n_title = np.asarray(self.title.sum(axis=1)).ravel()
        self.bag.sort_indices()
        row_of = np.repeat(np.arange(self.bag.shape[0], dtype=np.int64), np.diff(self.bag.indptr))
        self.bag_keys = row_of * np.int64(width) + self.bag.indices.astype(np.int64)
        # Word id → its place among the matching words (the bag holds no others); the
        # rest, and the -1 padding (the last entry), map to one past the end.
        matching = np.asarray([i for i in space.matching_words if i < width], dtype=np.int64)
        self.compact_words = np.full(width + 1, len(matching), dtype=np.int64)
        self.compact_words[matching] = np.arange(len(matching))
        self.width = width
        self.skill_pad = _padded(self.skills, 12)
        self.raw_pad = _padded(self.raw, 12)
        self.title_pad = _padded(self.title, 8)
        self.occ_pad = _padded(self.occupations)
        self.group_pad = _padded(self.groups)
        self.major_pad = _padded(self.majors)
        self.major_group_pad = _padded(self.major_groups)
        self.place_pad = _padded(self.desired if hasattr(self, "desired") else self.places)

    def rows(self, index: np.ndarray) -> "_Rows":
        return _Rows(self, index)


class _Rows:
    """A block of rows of one side (the matrices sliced once)."""

    def __init__(self, side: _Side, index: np.ndarray):
        self.side = side
        self.index = index
        self.whole = len(index) == len(side.ids)  # every row, in order: nothing to slice
        self.bm25 = side.bm25 if self.whole else side.bm25[index]

    def __getattr__(self, name):
        value = getattr(self.side, name)
        if self.whole:
            return value
        if isinstance(value, tuple) and all(isinstance(v, np.ndarray) for v in value):
            return tuple(v[self.index] for v in value)
        if isinstance(value, np.ndarray) and value.ndim >= 1 and len(value) == len(self.side.ids):
            return value[self.index]
        return value


def _resize(matrix, width):
    if matrix.shape[1] == width:
        return matrix
    matrix = matrix.tocsr().copy()
    matrix.resize((matrix.shape[0], width))
    return matrix


def _embedding_matrix(features: Sequence[dict]) -> np.ndarray | None:
    vectors = [decode_embedding(f.get("embedding")) for f in features]
    if not vectors or any(v is None for v in vectors):
        return None
    return np.vstack(vectors).astype(np.float16)


# ---------------------------------------------------------------- the matcher


class Matcher:
    """Match ``seekers`` with ``postings`` (dicts with the batch-file field names,
    optionally with stored ``features``; missing or outdated features are computed).

    ``region_ancestors`` maps a place name to the names of the places containing
    it (see ``zhejiang_region_ancestors``); ``feedback`` maps (seeker id, posting
    id) to "interested", "unsuitable" or "applied"; ``today`` (default: today)
    decides which postings are still valid.
    """

    def __init__(
        self,
        postings: list[dict],
        seekers: list[dict],
        *,
        region_ancestors: Mapping[str, set[str]] | None = None,
        weights: Mapping | None = None,
        feedback: Mapping[tuple, str] | None = None,
        today: dt.date | None = None,
    ):
        self.today = today or dt.date.today()
        self.weights = configured_weights(weights)
        self.space = _Space(region_ancestors)
        self.all_postings = list(postings)
        valid = [p for p in postings if self.is_valid(p)]
        self.postings = valid
        self.seekers = list(seekers)
        self.P = _Side(valid, _features_of(valid, "posting"), self.space, "posting", True)
        self.S = _Side(
            self.seekers, _features_of(self.seekers, "seeker"), self.space, "seeker", True
        )
        counts = sparse.vstack(
            [
                _resize(self.P.counts, len(self.space.words) or 1),
                _resize(self.S.counts, len(self.space.words) or 1),
            ]
        )
        self.idf = idf_of(counts.tocsr())
        lengths = np.asarray(counts.sum(axis=1)).ravel()
        self.average = float(lengths.mean()) if len(lengths) and lengths.mean() > 0 else 1.0
        self.space.matching_words = self._matching_words()
        for side in (self.P, self.S):
            side.finish(self.space, self.idf, self.average)
        self.PT = _Transposed(self.P)
        self.S.bm25_by_word = self.S.bm25.T.tocsr()  # words × seekers, for new postings
        self.posting_index = {pid: i for i, pid in enumerate(self.P.ids)}
        self.seeker_index = {sid: i for i, sid in enumerate(self.S.ids)}
        self._feedback_raw = dict(feedback or {})
        self._build_feedback()

    def _matching_words(self) -> list[int]:
        from qinqing.talent.matching.text import domain_words

        width = len(self.space.words)
        named = set(domain_words())
        for side in (self.P, self.S):
            for features in side.features:
                named.update(features.get("skills", ()))
                named.update(features.get("title_terms", ()))
                named.update(features.get("majors", ()))
        ids = np.array(self.space.words.ids(sorted(named), grow=False), dtype=np.int64)
        counts = _resize(self.P.counts, max(width, 1))
        df = np.bincount(counts.indices, minlength=max(width, 1))
        limit = max(0.1 * len(self.P.ids), 20)
        return sorted(int(i) for i in ids[df[ids] <= limit]) if len(ids) else []

    # -- public

    def is_valid(self, posting: dict) -> bool:
        until = _date(posting.get("valid_until"))
        return until is None or until >= self.today

    def top_postings(self, n: int, *, with_reasons: bool = True) -> Iterator[Match]:
        """The best ``n`` postings for every seeker, seeker by seeker."""
        for index, (pairs, keep) in self._each_seeker_block(n):
            yield from self._matches(
                pairs, keep, index, self.P, by="row", with_reasons=with_reasons
            )

    def _each_seeker_block(self, n: int) -> Iterator[tuple[np.ndarray, tuple[dict, np.ndarray]]]:
        """(seeker rows, (scored pairs, indices of each seeker's best ``n``)) per block
        of seekers, in order; blocks are scored ``_THREADS`` at a time."""
        self.space.closeness_table()  # built once here, read by every thread

        def score(index):
            pairs = self._score_block(self.S.rows(index), self.PT, per_row=max(5 * n, 100))
            return pairs, _top_per_group(pairs["row"], pairs["col"], pairs["score"], n)

        blocks = (
            np.arange(start, min(start + _BLOCK, len(self.S.ids)))
            for start in range(0, len(self.S.ids), _BLOCK)
        )
        if _THREADS <= 1:
            for index in blocks:
                yield index, score(index)
            return
        with ThreadPoolExecutor(max_workers=_THREADS) as pool:
            pending = deque()
            for index in blocks:
                pending.append((index, pool.submit(score, index)))
                if len(pending) > _THREADS:  # a bounded window: memory stays flat
                    index, future = pending.popleft()
                    yield index, future.result()
            while pending:
                index, future = pending.popleft()
                yield index, future.result()

    def top_postings_table(self, n: int) -> dict[str, np.ndarray]:
        """The best ``n`` postings for every seeker as arrays (no reasons): ``seeker``
        and ``posting`` (row numbers in ``self.seekers`` / ``self.postings``), ``rank``,
        ``score``, ``seeker_fit``, ``posting_fit`` and ``below`` (学历低于要求)."""
        parts = []
        for index, (pairs, keep) in self._each_seeker_block(n):
            parts.append(
                {
                    "seeker": index[pairs["row"][keep]],
                    "posting": pairs["col"][keep],
                    "rank": _ranks(pairs["row"][keep]),
                    "score": pairs["score"][keep],
                    "seeker_fit": pairs["seeker_fit"][keep],
                    "posting_fit": pairs["posting_fit"][keep],
                    "below": pairs["below"][keep] > 0,
                }
            )
        names = ("seeker", "posting", "rank", "score", "seeker_fit", "posting_fit", "below")
        if not parts:
            return {name: np.zeros(0) for name in names}
        return {name: np.concatenate([part[name] for part in parts]) for name in names}

    def top_seekers(self, n: int, *, with_reasons: bool = True) -> Iterator[Match]:
        """The best ``n`` seekers for every posting, posting by posting."""
        kept = None
        for start in range(0, len(self.S.ids), _BLOCK):
            index = np.arange(start, min(start + _BLOCK, len(self.S.ids)))
            pairs = self._score_block(self.S.rows(index), self.PT)
            pairs["row"] = index[pairs["row"]]
            kept = pairs if kept is None else {k: np.concatenate([kept[k], pairs[k]]) for k in kept}
            keep = _top_per_group(kept["col"], kept["row"], kept["score"], n)
            kept = {k: v[keep] for k, v in kept.items()}
        if kept is None:
            return
        order = np.lexsort((kept["row"], -kept["score"], kept["col"]))
        kept = {k: v[order] for k, v in kept.items()}
        yield from self._matches(
            kept, np.arange(len(kept["row"])), None, self.P, by="col", with_reasons=with_reasons
        )

    def rank_seekers_for(
        self, posting: dict, n: int | None = None, *, with_reasons: bool = True
    ) -> list[Match]:
        """All seekers who may take ``posting`` (e.g. one just published), best first."""
        if not self.is_valid(posting):
            return []
        block = self._block_for(posting)
        pairs = self._score_block(self.S.rows(np.arange(len(self.S.ids))), _Transposed(block))
        order = np.lexsort((pairs["row"], -pairs["score"]))
        if n is not None:
            order = order[:n]
        pairs = {k: v[order] for k, v in pairs.items()}
        return list(
            self._matches(
                pairs,
                np.arange(len(order)),
                np.arange(len(self.S.ids)),
                block,
                by="col",
                with_reasons=with_reasons,
            )
        )

    def explain(self, seeker: dict, posting: dict) -> Explanation:
        """Why ``posting`` suits ``seeker`` (or not), in Chinese, for both sides."""
        sblock = _Side([seeker], _features_of([seeker], "seeker"), self.space, "seeker", False)
        sblock.finish(self.space, self.idf, self.average)
        pblock = self._block_for(posting)
        pairs = self._score_block(sblock.rows(np.arange(1)), _Transposed(pblock), everything=True)
        values = {k: float(v[0]) if len(v) else 0.0 for k, v in pairs.items()}
        valid = self.is_valid(posting)
        return self._explanation(
            seeker, posting, sblock.features[0], pblock.features[0], values, valid
        )

    # -- scoring

    def _block_for(self, posting: dict) -> _Side:
        block = _Side([posting], _features_of([posting], "posting"), self.space, "posting", False)
        block.finish(self.space, self.idf, self.average)
        return block

    def _score_block(
        self, S: _Rows, P: "_Transposed", everything: bool = False, per_row: int | None = None
    ) -> dict:
        """Score every candidate pair between a block of seekers and a block of postings.

        Candidates share a matching word or a major. With ``per_row``, only the
        ``per_row`` candidates of each seeker with the most words in common (that pass
        the education rule) are scored in full.
        """
        w = self.weights
        credit = w["skill_credit"]
        transposed = getattr(S.side, "bm25_by_word", None)
        if S.whole and transposed is not None and P.bm25.shape[1] <= 64:
            # A few postings against every seeker: walk only the seekers of their words.
            text = (P.bm25.T.tocsr() @ transposed).T.tocsr()
        else:
            text = (S.bm25 @ P.bm25).tocsr()
        p = P.side
        if everything:
            rows, cols = np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64)
            text_value = text.toarray().ravel()[:1].astype(np.float32)
            near = self._closeness(S, rows, p, cols)
        else:
            # Rows of a CSR product are grouped (columns within a row need no order here).
            # Education (at most one level short) and place, in one pass over the
            # candidates, before anything else is gathered for them.
            rows = np.repeat(np.arange(text.shape[0], dtype=np.int32), np.diff(text.indptr))
            cols = text.indices
            allowed = self._allowed_table(S, p, len(rows))
            if allowed is not None:
                # Whether a seeker may take a posting depends only on the posting's
                # (education, place): one lookup per candidate in a small table.
                table, posting_class = allowed
                keys = rows.astype(np.int64) * table.shape[1] + posting_class[cols]
                maybe = table.ravel().take(keys)
                rows = rows[maybe].astype(np.int64)
                cols = cols[maybe].astype(np.int64)
                near = self._closeness(S, rows, p, cols)
            else:
                s_edu = S.education.astype(np.int16)[rows]
                p_edu = p.education.astype(np.int16)[cols]
                near = self._closeness(S, rows, p, cols)
                maybe = (s_edu >= p_edu - 1) & ((~S.has_desired[rows]) | (near > 0))
                rows = rows[maybe].astype(np.int64)
                cols = cols[maybe].astype(np.int64)
                near = near[maybe]
            text_value = text.data[maybe].astype(np.float32, copy=False)
            if per_row is not None and len(rows):
                keep = _prefilter(rows, text_value, per_row)
                rows, cols, text_value, near = rows[keep], cols[keep], text_value[keep], near[keep]

        # Hard constraints: education and place.
        s_edu = S.education[rows].astype(np.int16)
        p_edu = p.education[cols].astype(np.int16)
        s_exp = S.experience[rows]
        p_exp = p.experience[cols]
        canon = _pair_product(S.skill_pad, rows, p.skill_pad, cols, binary=True)
        occ = _pair_product(S.occ_pad, rows, p.occ_pad, cols, binary=True)
        relevant = (canon > 0) | (occ > 0)
        below = (p_edu > 0) & (s_edu == p_edu - 1)
        made_up = (
            below & relevant & (s_exp >= np.maximum(p_exp, 1) + w["education_experience_years"])
        )
        education_ok = (s_edu >= p_edu) | made_up
        closeness = near
        location_ok = (~S.has_desired[rows]) | (closeness > 0)
        ok = education_ok & location_ok
        if not everything:
            rows, cols, canon, occ, closeness, made_up, text_value = (
                a[ok] for a in (rows, cols, canon, occ, closeness, made_up, text_value)
            )
            s_exp, p_exp = S.experience[rows], p.experience[cols]
        out = {"row": rows, "col": cols}
        if everything:
            out.update(
                education_ok=education_ok.astype(np.float32),
                location_ok=location_ok.astype(np.float32),
            )

        # Skills, both ways: exact tag, synonym (same canonical word), only in the text.
        exact = np.minimum(_pair_product(S.raw_pad, rows, p.raw_pad, cols, binary=True), canon)
        synonym = canon - exact
        s_global = S.index[rows]
        in_seeker_text = np.maximum(_in_bag(S.side, s_global, p.skill_pad[0][cols]) - canon, 0)
        in_posting_text = np.maximum(_in_bag(p, cols, S.skill_pad[0][rows]) - canon, 0)
        skill_points = credit["exact"] * exact + credit["synonym"] * synonym
        p_skills = p.n_skills[cols]
        s_skills = S.n_skills[rows]
        skills_for_posting = np.minimum(
            (skill_points + credit["semantic"] * in_seeker_text) / np.maximum(p_skills, 1), 1
        )
        skills_for_seeker = np.minimum(
            (skill_points + credit["semantic"] * in_posting_text) / np.maximum(s_skills, 1), 1
        )

        # Text: BM25-weighted words (cosine), and dense embeddings when both sides have them.
        semantic = np.minimum(text_value / 0.5, 1.0)
        if S.side.embeddings is not None and p.embeddings is not None and len(rows):
            dense = _pair_dots(S.side.embeddings, S.index[rows], p.embeddings, cols)
            dense = np.clip((dense - 0.75) / 0.2, 0, 1)
            share = w["embedding_share"]
            semantic = (1 - share) * semantic + share * dense

        # Title / occupation.
        group = _pair_product(S.group_pad, rows, p.group_pad, cols, binary=True)
        title_in_posting = _pair_product(
            S.title_pad, rows, p.title_pad, cols, binary=True
        ) / np.maximum(S.n_title[rows], 1)
        posting_title_known = _in_bag(S.side, s_global, p.title_pad[0][cols]) / np.maximum(
            p.n_title[cols], 1
        )
        title_for_seeker = np.maximum.reduce(
            [np.minimum(occ, 1), 0.4 * np.minimum(group, 1), np.minimum(title_in_posting, 1)]
        )
        title_for_posting = np.maximum(np.minimum(occ, 1), np.minimum(posting_title_known, 1))

        # Major: the same major, or one of the same 专业类.
        major_score = np.maximum(
            np.minimum(_pair_product(S.major_pad, rows, p.major_pad, cols, binary=True), 1),
            0.6
            * np.minimum(
                _pair_product(S.major_group_pad, rows, p.major_group_pad, cols, binary=True), 1
            ),
        )

        # Experience and salary.
        experience = np.where(p_exp > 0, np.minimum(s_exp / np.maximum(p_exp, 1e-6), 1), 1)
        expected = S.expected[rows]
        top = p.salary_max[cols]
        salary = np.where(
            expected > 0,
            np.where(
                top >= expected,
                1.0,
                np.clip(1 - (expected - top) / (0.5 * np.maximum(expected, 1)), 0, 1),
            ),
            1.0,
        )

        has_salary = (expected > 0) & (top > 0)
        applicable_s = {
            "skills": p_skills > 0,
            "semantic": np.ones(len(rows), bool),
            "title": np.ones(len(rows), bool),
            "major": p.has_majors[cols],
            "experience": p_exp > 0,
            "salary": has_salary,
        }
        factors_s = {
            "skills": skills_for_posting,
            "semantic": semantic,
            "title": title_for_posting,
            "major": major_score,
            "experience": experience,
            "salary": salary,
        }
        applicable_p = {
            "title": S.has_occupations[rows] | (S.n_title[rows] > 0),
            "skills": s_skills > 0,
            "semantic": np.ones(len(rows), bool),
            "salary": has_salary,
            "location": S.has_desired[rows],
        }
        factors_p = {
            "title": title_for_seeker,
            "skills": skills_for_seeker,
            "semantic": semantic,
            "salary": salary,
            "location": closeness,
        }
        seeker_fit = _weighted(factors_s, applicable_s, w["seeker_fit"], len(rows))
        posting_fit = _weighted(factors_p, applicable_p, w["posting_fit"], len(rows))
        score = 2 * seeker_fit * posting_fit / np.maximum(seeker_fit + posting_fit, 1e-9)
        score = np.where(made_up, score * w["education_below"], score)
        if self._feedback is not None and P is self.PT:
            score = self._apply_feedback(S, rows, cols, score)
        if not everything:
            keep = score > 0
            rows, cols = rows[keep], cols[keep]
            out["row"], out["col"] = rows, cols
            seeker_fit, posting_fit, score, made_up = (
                seeker_fit[keep],
                posting_fit[keep],
                score[keep],
                made_up[keep],
            )
            # What the reasons need, so a recommendation explains itself without rescoring.
            out["p_title"] = factors_p["title"][keep]
            out["s_major"] = factors_s["major"][keep]
        else:
            for name, value in {**factors_s}.items():
                out[f"s_{name}"] = value
            for name, value in factors_p.items():
                out[f"p_{name}"] = value
            out.update(exact=exact, synonym=synonym, in_seeker_text=in_seeker_text)
        out.update(
            score=score,
            seeker_fit=seeker_fit,
            posting_fit=posting_fit,
            below=made_up.astype(np.float32),
        )
        return out

    def _near_per_seeker(self, S: "_Rows", pairs: int) -> np.ndarray | None:
        """Seekers of the block × places: the best credit of their desired places (None
        when the table would be large, or larger than the ``pairs`` it serves)."""
        table = self.space.closeness_table()
        none = table.shape[0] - 1
        block = S.place_pad[0]
        if block.shape[0] * table.shape[1] > min(16_000_000, 2 * pairs):
            return None
        clean = np.where((block >= 0) & (block < none), block, none)
        return table[clean].max(axis=1)

    def _posting_places(self, p: "_Side") -> np.ndarray:
        none = self.space.closeness_table().shape[0] - 1
        place = p.place_id.astype(np.int64)
        return np.where((place >= 0) & (place < none), place, none)

    def _allowed_table(
        self, S: "_Rows", p: "_Side", pairs: int
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """(seekers of the block × posting classes → may the seeker take it, the class
        of each posting), where a class is (education minimum, place) — or None when
        the table would be large. "May" is the first cut: education at most one level
        short, and a desired place that reaches the posting's."""
        near = self._near_per_seeker(S, pairs)
        if near is None or not len(p.education):
            return None
        lowest = int(p.education.min())
        levels = int(p.education.max()) - lowest + 1
        if near.shape[0] * near.shape[1] * levels > min(16_000_000, 2 * pairs):
            return None
        p_edu = np.arange(lowest, lowest + levels, dtype=np.int16)
        education_ok = S.education.astype(np.int16)[:, None] >= p_edu[None, :] - 1
        place_ok = (~S.has_desired)[:, None] | (near > 0)
        table = (education_ok[:, :, None] & place_ok[:, None, :]).reshape(near.shape[0], -1)
        posting_class = (p.education.astype(np.int64) - lowest) * near.shape[
            1
        ] + self._posting_places(p)
        return table, posting_class

    def _closeness(self, S: "_Rows", rows, p: "_Side", cols) -> np.ndarray:
        """Per pair: the best credit of the seeker's desired places for the posting's place."""
        table = self.space.closeness_table()
        none = table.shape[0] - 1
        place = p.place_id[cols]
        place = np.where((place >= 0) & (place < none), place, none)
        width = np.int64(table.shape[1])
        block = S.place_pad[0]
        per_seeker = self._near_per_seeker(S, len(rows))
        if per_seeker is not None:  # one gather from the block's seekers × places
            return per_seeker.ravel().take(rows.astype(np.int64) * width + place)
        out = np.zeros(len(rows), dtype=np.float32)
        flat = table.ravel()
        desired = block[rows]
        for k in range(desired.shape[1]):
            wanted = np.where((desired[:, k] >= 0) & (desired[:, k] < none), desired[:, k], none)
            np.maximum(out, flat.take(wanted.astype(np.int64) * width + place), out=out)
        return out

    # -- feedback

    def _build_feedback(self) -> None:
        """Seekers × words: what the seeker liked (+) or turned down (−), from feedback."""
        self._feedback = None
        self._exclude = set()
        self._boost = {}
        rows, columns, values = [], [], []
        fb = self.weights["feedback"]
        for (seeker_id, posting_id), kind in self._feedback_raw.items():
            if kind not in FEEDBACK_KINDS or seeker_id not in self.seeker_index:
                continue
            s = self.seeker_index[seeker_id]
            if posting_id in self.posting_index:
                self._boost[(s, self.posting_index[posting_id])] = fb[kind]
            posting = next((p for p in self.all_postings if p.get("id") == posting_id), None)
            if posting is None:
                continue
            profile = self._profile_vector(posting)
            rows.extend([s] * len(profile))
            columns.extend(profile)
            values.extend(v * fb[f"similar_{kind}"] for v in profile.values())
        if not rows and not self._boost:
            return
        self._feedback = sparse.csr_matrix(
            (
                np.asarray(values, dtype=np.float32),
                (np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64)),
            ),
            shape=(len(self.S.ids), max(len(self.space.words), 1)),
        )
        keys = np.array(sorted(self._boost), dtype=np.int64).reshape(-1, 2)
        self._boost_keys = keys[:, 0] * max(len(self.P.ids), 1) + keys[:, 1]
        self._boost_values = np.array([self._boost[tuple(k)] for k in keys], dtype=np.float32)

    def _profile_vector(self, posting: dict) -> dict[int, float]:
        features = _features_of([posting], "posting")[0]
        words = set(features.get("skills", [])) | set(features.get("title_terms", []))
        ids = self.space.words.ids(sorted(words), grow=False)
        return {i: 1.0 / np.sqrt(len(ids)) for i in ids}

    def _apply_feedback(self, S: _Rows, rows, cols, score):
        seekers = S.index[rows]
        similar = sample(self._feedback[S.index] @ self.PT.profile, rows, cols)
        score = score * np.clip(1 + similar, 0.2, 2.0)
        if len(self._boost_keys):
            keys = seekers.astype(np.int64) * max(len(self.P.ids), 1) + cols
            where = np.searchsorted(self._boost_keys, keys)
            where = np.minimum(where, len(self._boost_keys) - 1)
            hit = self._boost_keys[where] == keys
            score = score.copy()
            score[hit] *= self._boost_values[where[hit]]
        return score

    # -- output

    def _matches(
        self, pairs, keep, seeker_index, postings: _Side, by: str, with_reasons: bool
    ) -> Iterator[Match]:
        rows = pairs["row"][keep]
        cols = pairs["col"][keep]
        seekers = rows if seeker_index is None else seeker_index[rows]
        groups = rows if by == "row" else cols
        ranks = _ranks(groups)
        for i in range(len(rows)):
            seeker = self.seekers[seekers[i]]
            posting = postings.records[cols[i]]
            flags = [FLAG_EDUCATION_BELOW] if pairs["below"][keep[i]] else []
            reasons = []
            if with_reasons:
                j = keep[i]
                values = {
                    "below": pairs["below"][j],
                    "p_title": pairs["p_title"][j],
                    "s_major": pairs["s_major"][j],
                    "score": pairs["score"][j],
                }
                reasons = self._explanation(
                    seeker,
                    posting,
                    self.S.features[seekers[i]],
                    postings.features[cols[i]],
                    values,
                    True,
                ).reasons
            yield Match(
                seeker_id=seeker.get("id"),
                posting_id=posting.get("id"),
                rank=int(ranks[i]),
                score=round(float(pairs["score"][keep[i]]), 4),
                seeker_fit=round(float(pairs["seeker_fit"][keep[i]]), 4),
                posting_fit=round(float(pairs["posting_fit"][keep[i]]), 4),
                reasons=reasons,
                flags=flags,
            )

    def _explanation(self, seeker, posting, sf, pf, v, valid) -> Explanation:
        seeker_raw = {normalise(s).strip(): s for s in _as_list(seeker.get("skills"))}
        seeker_canon = {}
        for s in _as_list(seeker.get("skills")):
            seeker_canon.setdefault(_canon(s), s)
        seeker_words = set(sf.get("terms", []))
        matched, missing = [], []
        for skill in _as_list(posting.get("skills")):
            key = normalise(skill).strip()
            if key in seeker_raw:
                matched.append(skill)
            elif _canon(skill) in seeker_canon:
                matched.append(f"{skill}（{seeker_canon[_canon(skill)]}）")
            elif _canon(skill) in seeker_words:
                matched.append(f"{skill}（见简历）")
            else:
                missing.append(skill)
        flags, reasons = [], []
        if not valid:
            flags.append("岗位已过期")
        s_rank = taxonomy.education_rank(seeker.get("education"))
        p_rank = taxonomy.education_rank(posting.get("education_min"))
        s_name = seeker.get("education") or "未填写"
        p_name = posting.get("education_min") or "不限"
        if p_rank == 0 or s_rank >= p_rank:
            education = f"学历{s_name}，符合要求（{p_name}）"
        elif v.get("below"):
            flags.append(FLAG_EDUCATION_BELOW)
            years = _num(seeker.get("experience_years"))
            education = f"学历{s_name}，低于要求（{p_name}），以{years}年相关经验弥补"
        else:
            flags.append("学历不符合要求")
            education = f"学历{s_name}，不符合要求（{p_name}）"
        place = str(posting.get("location") or "未填写")
        desired = _as_list(seeker.get("desired_locations"))
        if not desired:
            location = f"工作地点{place}（未填写期望地点）"
        elif v.get("location_ok", 1):
            location = f"工作地点{place}，在期望地点（{'、'.join(desired)}）范围内"
        else:
            flags.append("地点不在期望范围")
            location = f"工作地点{place}，不在期望地点（{'、'.join(desired)}）范围内"
        low, high = _float(posting.get("salary_min")), _float(posting.get("salary_max"))
        expected = _float(seeker.get("expected_salary"))
        pay = f"{_num(low)}–{_num(high)}元/月" if high else f"{_num(low)}元/月起"
        if not expected:
            salary = f"薪资{pay}（未填写期望薪资）"
        elif max(high, low) >= expected:
            salary = f"薪资{pay}，达到期望（{_num(expected)}元/月）"
        else:
            salary = f"薪资{pay}，低于期望（{_num(expected)}元/月）"
        reasons.append("匹配技能：" + ("、".join(matched) if matched else "无"))
        if missing:
            reasons.append("缺少技能：" + "、".join(missing))
        reasons.extend([salary, education, location])
        if v.get("p_title", 0) >= 1:
            reasons.append("岗位属于期望职业")
        if posting.get("majors") and v.get("s_major", 0) >= 1:
            reasons.append(f"专业对口（{seeker.get('major')}）")
        elif posting.get("majors") and v.get("s_major", 0) > 0:
            reasons.append(f"专业相近（{seeker.get('major')}）")
        elif posting.get("majors"):
            reasons.append("专业不在要求之列（" + "、".join(_as_list(posting.get("majors"))) + "）")
        need = _float(posting.get("experience_years_min"))
        if need:
            have = _float(seeker.get("experience_years"))
            verdict = "满足" if have >= need else "不足"
            reasons.append(f"工作经验{_num(have)}年，要求{_num(need)}年，{verdict}")
        kind = self._feedback_raw.get((seeker.get("id"), posting.get("id")))
        if kind:
            reasons.append(f"求职者反馈：{FEEDBACK_LABELS[kind]}")
        eligible = valid and bool(v.get("education_ok", 1)) and bool(v.get("location_ok", 1))
        factors = {k: round(val, 4) for k, val in v.items() if k.startswith(("s_", "p_"))}
        return Explanation(
            seeker_id=seeker.get("id"),
            posting_id=posting.get("id"),
            eligible=eligible,
            score=round(v.get("score", 0.0), 4) if eligible else 0.0,
            seeker_fit=round(v.get("seeker_fit", 0.0), 4),
            posting_fit=round(v.get("posting_fit", 0.0), 4),
            matched_skills=matched,
            missing_skills=missing,
            salary=salary,
            education=education,
            location=location,
            reasons=reasons,
            flags=flags,
            factors=factors,
        )


class _Transposed:
    """A posting block's matrices transposed once (words × postings) for products."""

    def __init__(self, side: _Side):
        self.side = side
        self.bm25 = side.bm25.T.tocsr()
        profile = side.skills.maximum(side.title)
        self.profile = l2_normalise(profile).T.tocsr()


def _canon(word: str) -> str:
    from qinqing.talent.matching.text import canonical

    return canonical(word)


def _num(value) -> str:
    value = _float(value)
    return str(int(value)) if value == int(value) else f"{value:g}"


def _features_of(records: Sequence[dict], kind: str) -> list[dict]:
    """Stored features where current, computed (in one batch) where not."""
    out = [r.get("features") if current(r.get("features")) else None for r in records]
    missing = [i for i, f in enumerate(out) if f is None]
    if missing:
        make = posting_features_many if kind == "posting" else seeker_features_many
        for i, features in zip(missing, make([records[i] for i in missing]), strict=True):
            out[i] = features
    return out


def _weighted(factors: dict, applicable: dict, weights: Mapping, size: int) -> np.ndarray:
    total = np.zeros(size, dtype=np.float32)
    norm = np.zeros(size, dtype=np.float32)
    for name, weight in weights.items():
        if name in factors and weight:
            mask = applicable[name]
            total += np.where(mask, weight * factors[name], 0)
            norm += np.where(mask, weight, 0)
    return total / np.maximum(norm, 1e-9)


def _pair_dots(
    left: np.ndarray, left_rows, right: np.ndarray, right_rows, step: int = 65536
) -> np.ndarray:
    out = np.empty(len(left_rows), dtype=np.float32)
    for start in range(0, len(left_rows), step):
        a = left[left_rows[start : start + step]].astype(np.float32)
        b = right[right_rows[start : start + step]].astype(np.float32)
        out[start : start + step] = np.einsum("ij,ij->i", a, b)
    return out


def _prefilter(rows: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of about the ``k`` best-scoring entries of each row (ties at the edge
    kept), in one pass: a 256-bin histogram per row finds each row's cut-off."""
    top = float(scores.max()) or 1.0
    bins = np.minimum((scores / top * 255).astype(np.int64), 255)
    n_rows = int(rows.max()) + 1
    histogram = np.bincount(rows * 256 + (255 - bins), minlength=n_rows * 256)
    cumulative = histogram.reshape(n_rows, 256).cumsum(axis=1)
    # The first bin (from the top) where the row has k entries or more; 255 when never.
    cut = np.where(cumulative[:, -1] >= k, (cumulative >= k).argmax(axis=1), 255)
    return np.flatnonzero((255 - bins) <= cut[rows])


def _in_bag(side: "_Side", owners: np.ndarray, items: np.ndarray) -> np.ndarray:
    """How many of ``items`` (word ids, -1 padded, one row per pair) are among the
    words of ``side``'s row ``owners`` — a sorted-key lookup, no product."""
    keys = side.bag_keys
    out = np.zeros(len(owners), dtype=np.float32)
    if not len(keys) or not len(owners):
        return out
    # Only the owners' stretch of the (row-major, sorted) keys: a block of seekers is a
    # few thousand rows, and a short array stays in cache while it is searched.
    first, last = int(owners.min()), int(owners.max())
    start, stop = side.bag.indptr[first], side.bag.indptr[last + 1]
    compact = side.compact_words
    n_words = int(compact[-1])
    lookups = len(owners) * max(items.shape[1], 1)
    if (last - first + 1) * (n_words + 1) <= 32_000_000 and stop - start <= 4 * lookups:
        # A block of owners with many pairs (the re-match): their bags as a small dense
        # table. A few pairs over many owners (one new posting) search the keys instead.
        dense = np.zeros((last - first + 1, n_words + 1), dtype=bool)
        local = np.repeat(
            np.arange(last - first + 1, dtype=np.int64), np.diff(side.bag.indptr[first : last + 2])
        )
        dense[local, compact[side.bag.indices[start:stop]]] = True
        dense[:, -1] = False
        flat, row_base = dense.ravel(), (owners.astype(np.int64) - first) * (n_words + 1)
        for j in range(items.shape[1]):
            out += flat.take(row_base + compact[items[:, j]])  # -1 → the empty column
        return out
    keys = keys[start:stop]
    if not len(keys):
        return out
    base = owners.astype(np.int64) * np.int64(side.width)
    for j in range(items.shape[1]):
        wanted = base + items[:, j].astype(np.int64)
        where = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        out += (keys[where] == wanted) & (items[:, j] >= 0)
    return out


def _padded(matrix: sparse.csr_matrix, width: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """A CSR matrix with few entries per row as (column ids, values), -1 padded."""
    matrix = matrix.tocsr()
    counts = np.minimum(np.diff(matrix.indptr), width)
    k = max(int(counts.max()) if len(counts) else 0, 1)
    ids = np.full((matrix.shape[0], k), -1, dtype=np.int32)
    values = np.zeros((matrix.shape[0], k), dtype=np.float32)
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    position = np.arange(len(matrix.indices)) - np.repeat(
        matrix.indptr[:-1], np.diff(matrix.indptr)
    )
    keep = position < k
    ids[rows[keep], position[keep]] = matrix.indices[keep]
    values[rows[keep], position[keep]] = matrix.data[keep]
    return ids, values


def _pair_product(left, rows, right, cols, step: int = 262144, binary=False) -> np.ndarray:
    """Σ left[row] · right[col] for each pair, both sides given by ``_padded``
    (``binary``: every value is 1, so matches are only counted)."""
    out = np.zeros(len(rows), dtype=np.float32)
    for start in range(0, len(rows), step):
        r, c = rows[start : start + step], cols[start : start + step]
        left_ids, right_ids = left[0][r], right[0][c]
        if binary:
            # Column against column: a few flat comparisons instead of a 3-D array.
            count = np.zeros(len(r), dtype=np.int32)
            right_columns = [right_ids[:, j] for j in range(right_ids.shape[1])]
            for i in range(left_ids.shape[1]):
                column = left_ids[:, i]
                present = column >= 0
                for other in right_columns:
                    count += (column == other) & present
            out[start : start + step] = count
        else:
            same = (left_ids[:, :, None] == right_ids[:, None, :]) & (left_ids[:, :, None] >= 0)
            weights = left[1][r][:, :, None] * right[1][c][:, None, :]
            out[start : start + step] = (same * weights).sum(axis=(1, 2))
    return out


def _top_per_group(
    groups: np.ndarray, others: np.ndarray, scores: np.ndarray, n: int
) -> np.ndarray:
    """Indices of the best ``n`` entries per group, groups ascending, best first."""
    if not len(groups):
        return np.zeros(0, dtype=np.int64)
    order = None
    if scores.min() > 0 and groups.max() < 2**11 and others.max() < 2**20:
        # One int64 key per entry (group, then score descending, then the other id):
        # the bits of a positive float32 sort as the number does.
        bits = np.asarray(scores, dtype=np.float32).view(np.uint32).astype(np.int64)
        key = (groups.astype(np.int64) << 52) | ((0xFFFFFFFF - bits) << 20) | others
        order = np.argsort(key)
    if order is None:
        order = np.lexsort((others, -scores, groups))
    ranks = _ranks(groups[order])
    return order[ranks <= n]


def _ranks(groups_sorted: np.ndarray) -> np.ndarray:
    """1-based position of each entry within its run of equal group values."""
    if not len(groups_sorted):
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(groups_sorted)) + 1]
    lengths = np.diff(np.r_[starts, len(groups_sorted)])
    return np.arange(len(groups_sorted)) - np.repeat(starts, lengths) + 1
