"""The labelled evaluation set: loading it, the metrics, and the BM25-only baseline.

python -m tests.talent.eval.evaluate            # prints the figures
python -m tests.talent.eval.evaluate --features # recomputes features.json
"""

import datetime as dt
import json
import math
import sys
from pathlib import Path

import numpy as np

from qinqing.talent.matching.features import (
    FEATURES_VERSION,
    _as_list,
    posting_features_many,
    seeker_features_many,
)
from qinqing.talent.matching.sparse import Vocabulary, bm25_weights, count_matrix

HERE = Path(__file__).parent
TODAY = dt.date(2026, 11, 1)
POSTING_COLUMNS = [
    "id",
    "employer",
    "title",
    "duties",
    "occupation",
    "industry",
    "education_min",
    "majors",
    "skills",
    "experience_years_min",
    "salary_min",
    "salary_max",
    "location",
    "valid_until",
]
SEEKER_COLUMNS = [
    "id",
    "education",
    "school",
    "major",
    "graduation_year",
    "skills",
    "experience_years",
    "expected_salary",
    "desired_occupations",
    "desired_locations",
    "resume",
]
LISTS = {"majors", "skills", "desired_occupations", "desired_locations"}
NUMBERS = {"experience_years_min", "salary_min", "salary_max", "experience_years"}
NUMBERS |= {"expected_salary", "graduation_year"}


def _table(name: str, columns: list[str]) -> list[dict]:
    rows = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        values = line.split("|")
        assert len(values) == len(columns), line
        row = {}
        for column, value in zip(columns, values, strict=True):
            if column in LISTS:
                row[column] = _as_list(value)
            elif column in NUMBERS:
                row[column] = float(value) if value else None
            else:
                row[column] = value
        rows.append(row)
    return rows


def postings() -> list[dict]:
    return _table("postings.txt", POSTING_COLUMNS)


def seekers() -> list[dict]:
    return _table("seekers.txt", SEEKER_COLUMNS)


def grades() -> dict[tuple[str, str], int]:
    out = {}
    for line in (HERE / "grades.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        seeker, rest = line.split(":", 1)
        for item in rest.split():
            posting, grade = item.split("=")
            out[(seeker.strip(), posting)] = int(grade)
    return out


def with_features(embed: bool = True) -> tuple[list[dict], list[dict]]:
    """Postings and seekers with the stored features (features.json), or freshly
    computed ones when ``embed`` is False (words only)."""
    ps, ss = postings(), seekers()
    if embed:
        stored = json.loads((HERE / "features.json").read_text(encoding="utf-8"))
        assert stored["version"] == FEATURES_VERSION, (
            "run: python -m tests.talent.eval.evaluate --features"
        )
        for record in ps:
            record["features"] = stored["postings"][record["id"]]
        for record in ss:
            record["features"] = stored["seekers"][record["id"]]
    else:
        for record, features in zip(ps, posting_features_many(ps, embed=False), strict=True):
            record["features"] = features
        for record, features in zip(ss, seeker_features_many(ss, embed=False), strict=True):
            record["features"] = features
    return ps, ss


def write_features() -> None:
    ps, ss = postings(), seekers()
    data = {
        "version": FEATURES_VERSION,
        "postings": dict(
            zip([p["id"] for p in ps], posting_features_many(ps, embed=True), strict=True)
        ),
        "seekers": dict(
            zip([s["id"] for s in ss], seeker_features_many(ss, embed=True), strict=True)
        ),
    }
    (HERE / "features.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


# ---------------------------------------------------------------- metrics


def ndcg(ranked: list[str], relevance: dict[str, int], k: int = 10) -> float:
    gains = [
        (2 ** relevance.get(item, 0) - 1) / math.log2(i + 2) for i, item in enumerate(ranked[:k])
    ]
    ideal = sorted(relevance.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return sum(gains) / best if best else 0.0


def recall(ranked: list[str], relevance: dict[str, int], k: int = 30) -> float:
    wanted = {item for item, grade in relevance.items() if grade > 0}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0


def score(rankings: dict[str, list[str]], judged: dict[str, dict[str, int]]) -> dict[str, float]:
    """Mean NDCG@10 and Recall@30 over the queries that have a relevant item."""
    queries = [q for q, rel in judged.items() if any(g > 0 for g in rel.values())]
    return {
        "ndcg@10": float(np.mean([ndcg(rankings.get(q, []), judged[q]) for q in queries])),
        "recall@30": float(np.mean([recall(rankings.get(q, []), judged[q]) for q in queries])),
        "queries": len(queries),
    }


def judged_by(direction: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for (seeker, posting), grade in grades().items():
        if direction == "seekers":
            out.setdefault(seeker, {})[posting] = grade
        else:
            out.setdefault(posting, {})[seeker] = grade
    return out


# ---------------------------------------------------------------- rankers


def matcher_rankings(ps, ss, **kwargs) -> dict[str, dict[str, list[str]]]:
    from qinqing.talent.matching.engine import Matcher, zhejiang_region_ancestors

    matcher = Matcher(ps, ss, region_ancestors=zhejiang_region_ancestors(), today=TODAY, **kwargs)
    by_seeker: dict[str, list[str]] = {}
    for match in matcher.top_postings(30, with_reasons=False):
        by_seeker.setdefault(match.seeker_id, []).append(match.posting_id)
    by_posting: dict[str, list[str]] = {}
    for match in matcher.top_seekers(30, with_reasons=False):
        by_posting.setdefault(match.posting_id, []).append(match.seeker_id)
    return {"seekers": by_seeker, "postings": by_posting}


def bm25_rankings(ps, ss) -> dict[str, dict[str, list[str]]]:
    """BM25 over the segmented words (synonyms canonicalised), nothing else: each
    seeker's words as the query over the postings, and the other way round."""

    def rank(queries, documents):
        vocabulary = Vocabulary()
        counts = count_matrix([d["features"]["terms"] for d in documents], vocabulary)
        weights, _ = bm25_weights(counts)
        query = count_matrix([q["features"]["terms"] for q in queries], vocabulary, grow=False)
        query.data[:] = 1
        width = weights.shape[1]
        query.resize((query.shape[0], width))
        scores = (query @ weights.T).toarray()
        order = np.argsort(-scores, axis=1, kind="stable")[:, :30]
        return {
            q["id"]: [documents[j]["id"] for j in order[i] if scores[i, j] > 0]
            for i, q in enumerate(queries)
        }

    return {"seekers": rank(ss, ps), "postings": rank(ps, ss)}


def figures(embed: bool = True) -> dict[str, dict[str, dict[str, float]]]:
    ps, ss = with_features(embed)
    out = {}
    for name, rankings in (
        ("matcher", matcher_rankings(ps, ss)),
        ("bm25", bm25_rankings(ps, ss)),
    ):
        out[name] = {d: score(rankings[d], judged_by(d)) for d in ("seekers", "postings")}
    return out


if __name__ == "__main__":
    if "--features" in sys.argv:
        write_features()
    for embed in (False, True):
        print("with embeddings" if embed else "words only")
        for name, result in figures(embed).items():
            for direction, values in result.items():
                print(
                    f"  {name:<8} {direction:<9} NDCG@10 {values['ndcg@10']:.3f} "
                    f"Recall@30 {values['recall@30']:.3f} ({values['queries']} queries)"
                )
