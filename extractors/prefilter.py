"""Should a feed item's page be fetched at all? A decision from the feed entry alone.

General feeds (a city paper's news feed, a TV station's) list mostly items that are not
on the topic. Their title, summary, categories and link often say so, and skipping them
saves a page fetch (and the per-host politeness pause) and its cleaning.

The decision is **conservative**: a page is skipped only when its entry says enough and
none of it points at the topic. It is fetched when the entry

- names a theme word of the profile ("immigration", "National Guard"), or
- names one of the profile's actors ("Kristi Noem", "Border Patrol"), or
- reads like the seed corpus (seed similarity of the title and summary at least
  ``min_seed_similarity``), or
- says too little to judge (fewer than ``min_words`` words of title and summary).

Anchors alone (usually places: "Chicago") do not make an item worth fetching: on a city
paper's feed every item names the city. Negative words never skip an item.

Pure: words from the topic profile (compiled by :mod:`extractors.relevance`) in, a
:class:`FeedDecision` out. ``PrefilterModel.version`` is derived from everything that
can change a decision (the words, the seeds, the thresholds, the rule's version), so
a stored decision made by another version is judged again.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from extractors.records import FeedItem
from extractors.relevance import KeywordSet, RelevanceModel, keyword_set
from extractors.relevance import score as relevance_score

#: Bumped when the decision rule itself changes: every stored decision is made again.
RULE_VERSION = "1"

#: Fewer words than this in the title and summary together, and the entry says too
#: little either way: the page is fetched. A headline alone (8 to 14 words) is below it.
MIN_WORDS = 20

#: Seed similarity (cosine, as in relevance) of the entry at which it reads like the
#: seed corpus. Half the similarity at which relevance's seed signal saturates.
MIN_SEED_SIMILARITY = 0.15

_TAG = re.compile(r"<[^>]*>")
_SLUG_SPLIT = re.compile(r"[-_/.+]+")
_SLUG_WORD = re.compile(r"[A-Za-z][A-Za-z']+")


@dataclass(frozen=True)
class PrefilterModel:
    """The relevance model plus the profile's actor names, and the thresholds."""

    relevance: RelevanceModel
    names: KeywordSet
    min_words: int
    min_seed_similarity: float
    version: str


@dataclass(frozen=True)
class FeedDecision:
    """Fetch the page or not, with the entry's relevance score and the reason."""

    fetch: bool
    score: float
    reason: str


def proper_names(names: Iterable[str], anchors: KeywordSet) -> list[str]:
    """The names worth looking for in an entry: those with a capital letter ("Kristi
    Noem", "the White House"), not generic aliases such as "the mayor" or "the city",
    and not those that contain an anchor ("Illinois", "Chicago police"): an anchor alone
    is no reason to fetch."""
    return [n for n in names if any(c.isupper() for c in n) and not anchors.counts(n)]


def build_prefilter(
    relevance: RelevanceModel,
    names: Iterable[str] = (),
    *,
    min_words: int = MIN_WORDS,
    min_seed_similarity: float = MIN_SEED_SIMILARITY,
) -> PrefilterModel:
    """``relevance``: the profile's compiled relevance model; ``names``: its actors'
    names and aliases (generic, lower-case aliases are left out)."""
    name_set = keyword_set(proper_names(names, relevance.anchors))
    basis = {
        "rule": RULE_VERSION,
        "themes": list(relevance.themes.words),
        "anchors": list(relevance.anchors.words),
        "negative": list(relevance.negative.words),
        "names": list(name_set.words),
        "seeds": [sorted(v.items()) for v in relevance.seed_vectors],
        "min_words": min_words,
        "min_seed_similarity": min_seed_similarity,
    }
    digest = hashlib.sha1(json.dumps(basis, sort_keys=True).encode("utf-8")).hexdigest()
    return PrefilterModel(relevance, name_set, min_words, min_seed_similarity, digest[:12])


def plain_text(fragment: str | None) -> str:
    """A feed summary as plain text (tags removed, entities decoded, spaces collapsed)."""
    if not fragment:
        return ""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def link_words(url: str) -> str:
    """The words of a link's path ("/2025/10/03/agents-detain-two/" -> "agents detain
    two"): publishers put the headline there."""
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return ""
    return " ".join(w for part in _SLUG_SPLIT.split(path) for w in _SLUG_WORD.findall(part))


def decide(item: FeedItem, model: PrefilterModel) -> FeedDecision:
    """Fetch the item's page, or skip it as off-topic, judging from its feed entry."""
    title = plain_text(item.title)
    summary = plain_text(item.summary)
    words = len(f"{title} {summary}".split())
    categories = " ".join(plain_text(c) for c in item.categories)
    # Categories and link words only add evidence for fetching; the word count (how
    # much the entry says) is of the title and summary.
    extra = " ".join(x for x in (categories, link_words(item.url)) if x)
    text = f"{summary}\n{extra}" if extra else summary
    rel = relevance_score(text, title or None, model.relevance)
    names = model.names.counts(f"{title}\n{text}")
    signals: list[str] = []
    if rel.theme_hits:
        signals.append("themes " + ", ".join(rel.theme_hits[:3]))
    if names:
        signals.append("actors " + ", ".join(sorted(names)[:3]))
    if rel.seed_similarity >= model.min_seed_similarity:
        signals.append(f"seed similarity {rel.seed_similarity:.2f}")
    if signals:
        return FeedDecision(True, rel.score, "the entry has " + "; ".join(signals))
    if words < model.min_words:
        return FeedDecision(True, rel.score, f"entry too short to judge ({words} words)")
    return FeedDecision(
        False,
        rel.score,
        f"feed entry ({words} words) names no theme word or actor of the topic; "
        f"seed similarity {rel.seed_similarity:.2f} < {model.min_seed_similarity:.2f}",
    )
