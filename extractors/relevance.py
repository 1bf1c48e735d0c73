"""Is an article on the topic? Keywords from the profile plus similarity to the seeds.

Two signals, combined into one score in [0, 1]:

- **keywords**: distinct *theme* words (the subject: "ICE", "National Guard") and
  *anchor* words (what pins the story down, usually places: "Chicago", "Broadview").
  An article about the Guard in Memphis has themes but no anchors; a Cubs game recap
  has anchors but no themes. Both are off-topic.
- **seed similarity**: cosine similarity of the article's word vector to the seed
  corpus (max over the seeds and their centroid), so wording that the profile did not
  list still counts.

A keyword written in capitals ("ICE", "DHS") matches case-sensitively, so "ice" on a
lake does not count; any other keyword matches case-insensitively as whole words.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extractors.records import Relevance

_WORD = re.compile(r"[a-z][a-z'’-]+")

#: A compact English stop list: enough to keep the cosine about content words.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "said",
        "says",
        "say",
        "told",
        "according",
        "would",
        "could",
        "may",
        "might",
        "must",
        "one",
        "two",
        "new",
        "also",
        "like",
        "last",
        "week",
        "year",
        "years",
        "day",
        "days",
        "time",
        "since",
        "amid",
        "per",
        "mr",
        "ms",
        "us",
    ]
)

#: Similarity to the seeds at which the seed signal saturates to 1.0.
SEED_SIM_SATURATION = 0.30


@dataclass(frozen=True)
class RelevanceModel:
    """The compiled keyword patterns and the seed vectors; build once per profile."""

    anchors: KeywordSet
    themes: KeywordSet
    negative: KeywordSet
    seed_vectors: tuple[dict[str, float], ...]
    threshold: float
    min_anchor_hits: int
    min_theme_hits: int
    seed_weight: float
    min_anchor_strength: float = 3.0


@dataclass(frozen=True)
class KeywordSet:
    """Keywords compiled into ONE regex, so a text is scanned once, not once per word.

    Longer keywords are tried first ("Immigration and Customs Enforcement" before
    "immigration"). A keyword in capitals ("ICE") matches case-sensitively, any other
    case-insensitively; both as whole words, whitespace-tolerant.
    """

    words: tuple[str, ...]
    pattern: re.Pattern[str] | None
    exact: dict[str, str]  # matched text -> keyword, for case-sensitive keywords
    folded: dict[str, str]  # folded matched text -> keyword, for the others

    def counts(self, text: str) -> Counter[str]:
        found: Counter[str] = Counter()
        if self.pattern is None or not text:
            return found
        for m in self.pattern.finditer(text):
            hit = m.group(0)
            word = self.exact.get(hit) or self.folded.get(_fold(hit))
            if word is not None:
                found[word] += 1
        return found


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _case_sensitive(keyword: str) -> bool:
    return keyword.isupper() and len(keyword) >= 2


def keyword_set(words: Iterable[str]) -> KeywordSet:
    unique = tuple(dict.fromkeys(w.strip() for w in words if w.strip()))
    if not unique:
        return KeywordSet((), None, {}, {})
    alternatives = []
    for w in sorted(unique, key=len, reverse=True):
        body = r"\s+".join(re.escape(part) for part in w.split())
        alternatives.append(body if _case_sensitive(w) else f"(?i:{body})")
    pattern = re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w-])")
    exact = {" ".join(w.split()): w for w in unique if _case_sensitive(w)}
    folded = {_fold(w): w for w in unique if not _case_sensitive(w)}
    return KeywordSet(unique, pattern, exact, folded)


def word_vector(text: str) -> dict[str, float]:
    """Sublinear term frequencies of content words, L2-normalised."""
    counts = Counter(w.strip("'’-") for w in _WORD.findall(text.lower()))
    vec = {w: 1.0 + math.log(c) for w, c in counts.items() if w not in STOPWORDS and len(w) > 2}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {w: v / norm for w, v in vec.items()} if norm else {}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def _centroid(vectors: Sequence[dict[str, float]]) -> dict[str, float]:
    total: Counter[str] = Counter()
    for v in vectors:
        total.update(v)
    norm = math.sqrt(sum(x * x for x in total.values()))
    return {w: x / norm for w, x in total.items()} if norm else {}


def build_model(
    *,
    anchors: Sequence[str],
    themes: Sequence[str],
    negative: Sequence[str] = (),
    seed_texts: Sequence[str] = (),
    threshold: float = 0.45,
    min_anchor_hits: int = 1,
    min_theme_hits: int = 2,
    seed_weight: float = 0.5,
    min_anchor_strength: float = 3.0,
) -> RelevanceModel:
    vectors = [v for v in (word_vector(t) for t in seed_texts) if v]
    if len(vectors) > 1:
        vectors.append(_centroid(vectors))
    return RelevanceModel(
        anchors=keyword_set(anchors),
        themes=keyword_set(themes),
        negative=keyword_set(negative),
        seed_vectors=tuple(vectors),
        threshold=threshold,
        min_anchor_hits=min_anchor_hits,
        min_theme_hits=min_theme_hits,
        seed_weight=seed_weight if vectors else 0.0,
        min_anchor_strength=min_anchor_strength,
    )


def _hits(keywords: KeywordSet, text: str) -> tuple[tuple[str, ...], int]:
    counts = keywords.counts(text)
    return tuple(w for w in keywords.words if counts[w]), sum(counts.values())


#: Words at the start of an article that count as its lead.
LEAD_WORDS = 120


def _anchor_strength(
    model: RelevanceModel, title: str | None, text: str
) -> tuple[tuple[str, ...], float]:
    """Distinct anchors, and how prominently they appear: a mention in the title counts
    3, in the lead 2, further down 1. A story about Portland that mentions Chicago once
    in its ninth paragraph has strength 1; a Chicago story has it in its title or lead."""
    words = text.split(None, LEAD_WORDS)
    lead = " ".join(words[:LEAD_WORDS])
    rest = words[LEAD_WORDS] if len(words) > LEAD_WORDS else ""
    in_title = model.anchors.counts(title or "")
    in_lead, in_rest = model.anchors.counts(lead), model.anchors.counts(rest)
    found = tuple(w for w in model.anchors.words if in_title[w] or in_lead[w] or in_rest[w])
    strength = sum(3 * min(in_title[w], 1) + 2 * min(in_lead[w], 2) + in_rest[w] for w in found)
    return found, float(strength)


def score(text: str, title: str | None, model: RelevanceModel) -> Relevance:
    """Score one article. The title counts twice: it says what the story is about."""
    body = f"{title}\n{title}\n{text}" if title else text
    anchor_hits, anchor_strength = _anchor_strength(model, title, text)
    theme_hits, theme_n = _hits(model.themes, body)
    negative_hits, _ = _hits(model.negative, body)

    words = max(len(body.split()), 1)
    # Themes: breadth (distinct words) and density (mentions per 100 words) both count.
    theme_score = 0.6 * min(1.0, len(theme_hits) / 6) + 0.4 * min(1.0, theme_n * 100 / words / 2.0)
    anchor_score = min(1.0, anchor_strength / model.min_anchor_strength / 2)
    keyword_score = 0.6 * theme_score + 0.4 * anchor_score

    vec = word_vector(body)
    seed_sim = max((cosine(vec, s) for s in model.seed_vectors), default=0.0)
    seed_score = min(1.0, seed_sim / SEED_SIM_SATURATION)

    combined = (1 - model.seed_weight) * keyword_score + model.seed_weight * seed_score
    combined = max(0.0, combined - 0.1 * len(negative_hits))
    relevant = (
        combined >= model.threshold
        and len(anchor_hits) >= model.min_anchor_hits
        and anchor_strength >= model.min_anchor_strength
        and len(theme_hits) >= model.min_theme_hits
    )
    return Relevance(
        score=round(combined, 4),
        relevant=relevant,
        keyword_score=round(keyword_score, 4),
        seed_similarity=round(seed_sim, 4),
        anchor_hits=anchor_hits,
        theme_hits=theme_hits,
    )
