"""Themes of a story: the words that make an article about this kind of story.

Not the seeds' most common words ("said", "city", "officials" are common everywhere):
each candidate is weighed against ordinary English, the word frequencies of the
``wordfreq`` package (no network). A word ten thousand times more frequent in the seeds
than in English at large ("crackdown", "deployment") says what the story is about; a
word as frequent there as anywhere says nothing.

Candidates are lower-case words and two-word phrases ("immigration enforcement",
"federal agents") of the seeds, spread over at least :data:`MIN_SEEDS` seeds (one seed's
pet word is no theme unless it is both frequent there and very rare in English), plus
the names of the organisations and people the story is about that are not tied to its
place (those are anchors). A word that is nearly always part of a chosen phrase gives way
to the phrase ("guard" to "national guard"); a chosen word brings the other forms of it
the seeds use ("raid": "raids", "raided").

Pure: no network, no database.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from extractors.topic_entities import rules

#: A theme appears in at least this many seeds ...
MIN_SEEDS = 2
#: ... at least this many times in all (twice when the seeds are shorter than
#: :data:`SHORT_SEEDS` words) ...
MIN_COUNT = 3
SHORT_SEEDS = 2000
#: ... at least this many times (natural log) more often than in ordinary English ...
MIN_KEYNESS = 3.0
#: ... or, in one seed only, MIN_COUNT times and this much more often (e^5: 150x).
ONE_SEED_KEYNESS = 5.0
#: ... and is no everyday word (wordfreq Zipf: "said" 6.2, "federal" 5.1, "troops" 4.6).
MAX_ZIPF = 5.0
#: How many words and phrases to propose (names come on top).
MAX_WORDS = 30
#: A word that is part of a chosen phrase this often gives way to the phrase.
PHRASE_SHARE = 0.6
#: wordfreq's floor for words it has never seen.
FLOOR = 1e-8
#: The background frequency of an acronym (matched in capitals only): Zipf 3, a rare word.
ACRONYM_FREQUENCY = 1e-6

#: Parts of speech a theme word may have on its own.
_ALONE = frozenset({"NOUN", "VERB", "PROPN"})
_TOKEN = re.compile(r"[A-Za-z][A-Za-z’'-]*[A-Za-z]|[A-Za-z]")


@dataclass(frozen=True)
class ThemeProposal:
    term: str
    count: int
    seeds: tuple[str, ...]
    keyness: float  # natural log of (frequency in the seeds / frequency in English)
    zipf: float
    source: str  # word | phrase | name


def _other_forms(
    chosen: Sequence[ThemeProposal],
    counts: Counter[str],
    where: dict[str, set[str]],
    lower: Counter[str],
    lemma: Mapping[str, str] | None,
) -> list[ThemeProposal]:
    """The seeds' other forms of the chosen single words (same lemma: "raids", "raided")."""
    if not lemma:
        return []
    have = {t.term for t in chosen}
    base = {lemma.get(t.term, t.term): t for t in chosen if t.source == "word"}
    out = []
    for word in sorted(lower):
        t = base.get(lemma.get(word, ""))
        if t is None or word in have or _stop(word) or lower[word] * 2 < counts[word]:
            continue
        seeds = tuple(sorted(where[word]))
        form = f"form of {t.term}"
        out.append(ThemeProposal(word, counts[word], seeds, t.keyness, zipf(word), form))
        have.add(word)
    return out


def _inside_phrase(t: ThemeProposal, chosen: Sequence[ThemeProposal]) -> bool:
    return t.source == "word" and any(
        c.source == "phrase" and t.term in c.term.split() and c.count >= PHRASE_SHARE * t.count
        for c in chosen
    )


def _acronym(name: str) -> bool:
    return name.isupper() and name.replace(".", "").isalpha() and len(name) >= 2


def _frequency(term: str) -> float:
    from wordfreq import word_frequency

    return max(word_frequency(term, "en"), FLOOR)


def zipf(term: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(term, "en"))


def _stop(word: str) -> bool:
    """Function words and everyday verbs: the top of ordinary English."""
    return zipf(word) >= 5.6 or len(word) < 3


def _tokens(text: str) -> list[str]:
    return [t.strip("’'-") for t in _TOKEN.findall(text)]


def count_terms(
    texts: Sequence[tuple[str, str]],
) -> tuple[Counter[str], dict[str, set[str]], int, Counter[str]]:
    """Lower-case words and two-word phrases: counts, which seeds, total words, and how
    often each word is written in lower case (a name seldom is)."""
    counts: Counter[str] = Counter()
    where: dict[str, set[str]] = {}
    lower: Counter[str] = Counter()
    total = 0
    for name, text in texts:
        toks = _tokens(text)
        total += len(toks)
        lower.update(t for t in toks if t.islower())
        low = [t.lower() for t in toks]
        for i, w in enumerate(low):
            terms = [w]
            if i + 1 < len(low) and not _stop(w) and not _stop(low[i + 1]):
                terms.append(f"{w} {low[i + 1]}")
            for term in terms:
                counts[term] += 1
                where.setdefault(term, set()).add(name)
    return counts, where, total, lower


def choose_themes(
    texts: Sequence[tuple[str, str]],
    names: Sequence[tuple[str, int, Sequence[str]]] = (),
    exclude: Sequence[str] = (),
    word_class: Mapping[str, str] | None = None,
    lemma: Mapping[str, str] | None = None,
) -> list[ThemeProposal]:
    """Themes for seeds given as ``(seed name, text)``.

    ``names``: (name, mentions, seeds) of the organisations and people the story is about
    (not its local ones), weighed like words. ``exclude``: words never to propose (the
    anchors, which pin the place down instead). ``word_class``: each lower-case word's
    usual part of speech in the seeds (``NOUN``, ``VERB``, ``ADJ``...); a word alone must
    be a noun or a verb ("militarized" only within "militarized immigration"). ``lemma``:
    each lower-case word's lemma, to add the other forms of a chosen word."""
    counts, where, total, lower = count_terms(texts)
    min_count = MIN_COUNT if total >= SHORT_SEEDS else 2

    def enough(n: int, seeds: int, key: float) -> bool:
        spread = seeds >= min(MIN_SEEDS, len(texts)) and n >= min_count
        return key >= MIN_KEYNESS and (spread or (n >= MIN_COUNT and key >= ONE_SEED_KEYNESS))

    banned = {e.casefold() for e in exclude} | set(rules()["themes"]["news_words"])
    words: list[ThemeProposal] = []
    for term, n in counts.items():
        parts = term.split()
        if n < min_count or term in banned:
            continue
        if any(lower[p] * 2 < counts[p] or _stop(p) or p in banned for p in parts):
            continue  # a name ("Guard" in "National Guard"), a function word, an anchor
        if word_class is not None and len(parts) == 1 and word_class.get(term) not in _ALONE:
            continue
        z = zipf(term)
        key = math.log(n / total / _frequency(term))
        if z > MAX_ZIPF or not enough(n, len(where[term]), key):
            continue
        src = "phrase" if len(parts) > 1 else "word"
        # A phrase must be a phrase: together more often than chance would put its words.
        if src == "phrase" and n < 0.2 * min(counts[p] for p in parts):
            continue
        words.append(ThemeProposal(term, n, tuple(sorted(where[term])), round(key, 2), z, src))
    words.sort(key=lambda t: (-t.keyness * math.sqrt(len(t.seeds)), t.term))
    chosen: list[ThemeProposal] = []
    for t in words:
        if len(chosen) >= MAX_WORDS:
            break
        if not _inside_phrase(t, chosen):
            chosen.append(t)
    # Phrases chosen after their own word take its place when they hold most of it.
    chosen = [t for t in chosen if not _inside_phrase(t, chosen)]
    chosen += _other_forms(chosen, counts, where, lower, lemma)
    for name, n, seeds in names:
        if name.casefold() in banned:
            continue
        # An acronym matches in capitals only: "ICE" is not as common as "ice".
        background = ACRONYM_FREQUENCY if _acronym(name) else _frequency(name)
        key = math.log(n / total / background)
        if enough(n, len(set(seeds)), key):
            chosen.append(
                ThemeProposal(name, n, tuple(sorted(seeds)), round(key, 2), zipf(name), "name")
            )
    return chosen
