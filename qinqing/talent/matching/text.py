"""Chinese word segmentation with a domain dictionary, and synonyms.

``segment`` cuts text into words (rjieba, falling back to jieba) after adding
the domain words of ``data/dictionary.txt`` and every spelling listed in
``data/synonyms.txt`` so they stay whole. ``terms`` keeps the words that carry
meaning (no punctuation, no stop words), lower-cased, each replaced by the
canonical word of its synonym group (封测 → 封装测试, PLC → 可编程控制器).
"""

import re
import unicodedata
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


# Words that appear in almost every posting or résumé and say nothing about fit.
STOP_WORDS = frozenset(word for line in _lines("stopwords.txt") for word in line.split())
_KEEP = re.compile(r"[\w+#]", re.UNICODE)


@cache
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """Each synonym group, canonical word first (all lower-case)."""
    return tuple(
        tuple(word.strip().lower() for word in line.split("、") if word.strip())
        for line in _lines("synonyms.txt")
    )


@cache
def canonical_map() -> dict[str, str]:
    """Every spelling → its canonical word (the canonical word maps to itself)."""
    mapping = {}
    for group in synonym_groups():
        for word in group:
            mapping[word] = group[0]
    return mapping


@cache
def domain_words() -> frozenset[str]:
    words = {line.split()[0].lower() for line in _lines("dictionary.txt")}
    for group in synonym_groups():
        words.update(group)
    from qinqing.talent.matching.taxonomy import MAJORS, OCCUPATION_CHOICES

    words.update(name.lower() for name in MAJORS)
    words.update(name.lower() for _code, name in OCCUPATION_CHOICES if len(name) <= 8)
    return frozenset(words)


@cache
def _cutter():
    """A segmenter of our own (never the library's global one) with the domain words."""
    try:
        import rjieba

        cutter = rjieba.Jieba()
        for word in domain_words():
            cutter.add_word(word, 200000, None)
        return cutter.cut
    except ImportError:  # pragma: no cover - rjieba is a dependency; jieba is the fallback
        import jieba

        tokenizer = jieba.Tokenizer()
        for word in domain_words():
            tokenizer.add_word(word, freq=200000)
        return lambda text: list(tokenizer.cut(text, HMM=True))


def normalise(text: str) -> str:
    """Full-width to half-width, lower case (PLC and ｐｌｃ are one word)."""
    return unicodedata.normalize("NFKC", text or "").lower()


def segment(text: str) -> list[str]:
    """The words of ``text`` in order, domain words kept whole, whitespace dropped."""
    return [word for word in _cutter()(normalise(text)) if word.strip()]


def canonical(word: str) -> str:
    """The canonical spelling of one word or phrase (itself when it has no synonyms)."""
    word = normalise(word).strip()
    return canonical_map().get(word, word)


def terms(text: str) -> list[str]:
    """The meaningful words of ``text``, synonyms replaced by their canonical word."""
    mapping = canonical_map()
    out = []
    for word in segment(text):
        if word in STOP_WORDS or len(word) < 2 or not _KEEP.search(word):
            continue
        out.append(mapping.get(word, word))
    return out


def skill_terms(skills) -> list[str]:
    """Canonical skill tags: each tag whole (canonicalised), never split."""
    seen = []
    for skill in skills or ():
        word = canonical(str(skill))
        if word and word not in seen:
            seen.append(word)
    return seen
