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
lake does not count; any other keyword matches case-insensitively as whole words, and a
keyword in lower case also in its inflected forms ("deportation" matches
"deportations", "raid" matches "raided").

Where the story happens is more than the profile's list of anchors:

- **places near the story's places** (``near``, from :mod:`extractors.gazetteer`) count
  as anchors: a raid in a suburb the profile never listed is still the story;
- **learned anchors** (``learned``: places and people that kept appearing in accepted
  articles from several outlets, see ``newsmon/learning.py``) count as anchors;
- **places far from it** (``far``: other states, big cities elsewhere): an article whose
  title and lead are more about one of those than about the story's places is about
  somewhere else (the same agencies in another city), whatever it says in passing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
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
    near: NameSet | None = None
    ambiguous: NameSet | None = None
    home: NameSet | None = None
    far: NameSet | None = None
    learned: KeywordSet | None = None
    start: str | None = None  # ISO date the story began: earlier articles are not it
    core: KeywordSet | None = None  # the subject's own words: one must be there


@dataclass(frozen=True)
class KeywordSet:
    """Keywords compiled into ONE regex, so a text is scanned once, not once per word.

    Longer keywords are tried first ("Immigration and Customs Enforcement" before
    "immigration"). A keyword in capitals ("ICE") matches case-sensitively, any other
    case-insensitively; both as whole words, whitespace-tolerant. A keyword written in
    lower case also matches with an inflection ending (``s``, ``es``, ``ed``, ``d``,
    ``ing``, ``ers``): "deportation" finds "deportations", "raid" finds "raided".
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
            word = self.exact.get(hit) or self._folded_word(_fold(hit))
            if word is not None:
                found[word] += 1
        return found

    def _folded_word(self, hit: str) -> str | None:
        word = self.folded.get(hit)
        if word is None:
            for ending in _ENDINGS:
                if hit.endswith(ending):
                    word = self.folded.get(hit[: -len(ending)])
                    if word is not None:
                        break
        return word


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _case_sensitive(keyword: str) -> bool:
    return keyword.isupper() and len(keyword) >= 2


#: Inflection endings a lower-case keyword also matches with (longest tried first).
_ENDINGS = ("ing", "ers", "es", "ed", "s", "d")
_INFLECTED = "(?:" + "|".join(_ENDINGS) + ")?"


def _inflects(keyword: str) -> bool:
    return keyword == keyword.lower() and keyword[-1:].isalpha()


def keyword_set(words: Iterable[str]) -> KeywordSet:
    unique = tuple(dict.fromkeys(w.strip() for w in words if w.strip()))
    if not unique:
        return KeywordSet((), None, {}, {})
    alternatives = []
    for w in sorted(unique, key=len, reverse=True):
        body = r"\s+".join(re.escape(part) for part in w.split())
        if _inflects(w):
            body += _INFLECTED
        alternatives.append(body if _case_sensitive(w) else f"(?i:{body})")
    pattern = re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w-])")
    exact = {" ".join(w.split()): w for w in unique if _case_sensitive(w)}
    folded = {_fold(w): w for w in unique if not _case_sensitive(w)}
    return KeywordSet(unique, pattern, exact, folded)


_CAPITALISED = re.compile(r"(?<![\w'’.&-])[A-Z][\w'’.&-]*")


@dataclass(frozen=True)
class NameSet:
    """Proper names (places), found by looking the capitalised words of a text up in a
    table: one pass, whatever the number of names (a regular expression of hundreds of
    alternatives costs tens of milliseconds per article). Names match as written
    (case-sensitively, single spaces between words), also followed by a possessive
    ("Naperville's")."""

    words: tuple[str, ...]
    table: dict[str, tuple[str, ...]]  # first word -> names starting with it, longest first

    def finditer(
        self, text: str, capitalised: Sequence[tuple[str, int]] | None = None
    ) -> Iterable[tuple[str, int, int]]:
        """(name, start, end) of each name in ``text``, longest first, left to right.
        ``capitalised``: :func:`capitalised_words` of ``text``, when the caller has them."""
        if not self.table or not text:
            return
        pos = 0
        for word, start in capitalised_words(text) if capitalised is None else capitalised:
            if start < pos:
                continue
            names = self.table.get(word)
            if names is None:
                continue
            for name in names:
                end = start + len(name)
                if text.startswith(name, start) and not _continues(text, end):
                    yield name, start, end
                    pos = end
                    break


def capitalised_words(text: str) -> list[tuple[str, int]]:
    """(word without a possessive or full stop, start) of each capitalised word."""
    return [(_bare(m.group(0)), m.start()) for m in _CAPITALISED.finditer(text)]


def _continues(text: str, end: int) -> bool:
    """Whether the word at ``text[:end]`` goes on after ``end`` ("Chicagoan"), a
    possessive ("Chicago's") and a full stop excepted."""
    nxt = text[end : end + 1]
    if not nxt or not (nxt.isalnum() or nxt in "'’-&_"):
        return False
    return not (
        nxt in "'’" and text[end + 1 : end + 2] == "s" and not text[end + 2 : end + 3].isalnum()
    )


def _bare(token: str) -> str:
    """A word without a possessive or a trailing full stop ("Chicago's" -> "Chicago")."""
    last = token[-1]
    if last == ".":
        return token[:-1] or token
    if last == "s" and len(token) > 2 and token[-2] in "'’":
        return token[:-2]
    return token


def name_set(names: Iterable[str]) -> NameSet:
    unique = tuple(dict.fromkeys(" ".join(n.split()) for n in names if n.strip()))
    table: dict[str, list[str]] = {}
    for name in unique:
        first = name.split()[0]
        table.setdefault(first, []).append(name)
        if _bare(first) != first:
            table.setdefault(_bare(first), []).append(name)
    return NameSet(unique, {k: tuple(sorted(v, key=len, reverse=True)) for k, v in table.items()})


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


#: Words kept of an accepted-articles centroid (the heaviest): enough for the cosine.
CENTROID_WORDS = 400


def centroid_of(texts: Iterable[str], words: int = CENTROID_WORDS) -> tuple[tuple[str, float], ...]:
    """The normalised centroid of the texts' word vectors, its ``words`` heaviest words
    only, as a hashable tuple of (word, weight)."""
    vectors = [v for v in (word_vector(t) for t in texts) if v]
    if not vectors:
        return ()
    top = sorted(_centroid(vectors).items(), key=lambda kv: (-kv[1], kv[0]))[:words]
    norm = math.sqrt(sum(w * w for _, w in top))
    return tuple((k, round(w / norm, 6)) for k, w in top) if norm else ()


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
    near_places: Sequence[str] = (),
    far_places: Sequence[str] = (),
    learned_anchors: Sequence[str] = (),
    ambiguous_places: Sequence[str] = (),
    home_places: Sequence[str] = (),
    accepted_vector: Mapping[str, float] | None = None,
    start: str | None = None,
    core_themes: Sequence[str] = (),
) -> RelevanceModel:
    """Compile a profile's keywords. ``near_places`` and ``learned_anchors`` count as
    anchors (reported apart), ``ambiguous_places`` too but only beside another anchor;
    ``far_places`` mark an article as being about elsewhere when they are more
    prominent in it than every anchor together. ``home_places`` (the state the story is
    in) add a little to anchors found, never enough alone. ``accepted_vector`` (the
    centroid of the articles accepted so far, :func:`centroid_of`) joins the seeds: the
    similarity signal follows the story's wording as it moves."""
    vectors = [v for v in (word_vector(t) for t in seed_texts) if v]
    if len(vectors) > 1:
        vectors.append(_centroid(vectors))
    if accepted_vector and vectors:
        vectors.append(dict(accepted_vector))
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
        near=name_set(near_places) if near_places else None,
        ambiguous=name_set(ambiguous_places) if ambiguous_places else None,
        home=name_set(home_places) if home_places else None,
        far=name_set(far_places) if far_places else None,
        learned=keyword_set(learned_anchors) if learned_anchors else None,
        start=start[:10] if start else None,
        core=keyword_set(core_themes) if core_themes else None,
    )


def _hits(keywords: KeywordSet, text: str) -> tuple[tuple[str, ...], int]:
    counts = keywords.counts(text)
    return tuple(w for w in keywords.words if counts[w]), sum(counts.values())


#: Words at the start of an article that count as its lead.
LEAD_WORDS = 120


#: Words that, after a place's name, make it the name of something else: "Whittier
#: Elementary" is a school, "Cuyler Avenue" a street, wherever they are.
NAMED_THING_WORDS = frozenset(
    (
        "Elementary",
        "Middle",
        "High",
        "School",
        "Schools",
        "Academy",
        "College",
        "University",
        "Avenue",
        "Ave",
        "Street",
        "St",
        "Road",
        "Rd",
        "Boulevard",
        "Blvd",
        "Drive",
        "Lane",
        "Way",
        "Highway",
        "Parkway",
        "Expressway",
        "Hall",
        "Church",
        "Cathedral",
        "Hospital",
        "Memorial",
        "Stadium",
        "Arena",
        "Theater",
        "Theatre",
        "Company",
        "Corp",
        "Inc",
        "Foundation",
        "Brothers",
        "Times",
        "Tribune",
        "Post",
        "Herald",
        "Journal",
        "Gazette",
        "Chronicle",
        "Sun-Times",
        "Magazine",
        "Review",
        "Reader",
    )
)
_PREV_TOKEN = re.compile(r"([A-Z][\w’'.&-]*)[ \t]+$")
_NEXT_TOKEN = re.compile(r"^[ \t]+([A-Z][a-z]+)\b")
_SENTENCE_END = ".!?:;\"“”'‘’(—–-\n"


def _part_of_a_name(text: str, start: int, end: int, *, before_too: bool = True) -> bool:
    """Whether a place name found at ``text[start:end]`` is part of a longer name: a
    word after it that names a thing ("Whittier Elementary", "Los Angeles Times"), or
    (``before_too``) a capitalised word before it that does not start a sentence
    ("Carina Santa Maria", "Justice Ketanji Brown Jackson")."""
    before = _PREV_TOKEN.search(text, max(0, start - 40), start) if before_too else None
    if before is not None:
        ahead = text[max(0, before.start() - 3) : before.start()].rstrip(" \t")
        if ahead and ahead[-1] not in _SENTENCE_END:
            return True
    after = _NEXT_TOKEN.match(text[end : end + 30])
    return after is not None and after.group(1) in NAMED_THING_WORDS


def _mentions(
    keywords: KeywordSet | NameSet | None,
    text: str,
    *,
    names_only: bool = False,
    things: bool = False,
    taken: list[tuple[int, int]] | None = None,
    capitalised: Sequence[tuple[str, int]] | None = None,
) -> list[tuple[str, int, int]]:
    """(keyword, start, end) of every match in ``text``. ``names_only``: leave out
    matches that are part of a longer name (see :func:`_part_of_a_name`); ``things``:
    only those that name a thing ("Los Angeles Times"). ``taken``: spans already read
    as something else (a far "Arlington" inside a near "Arlington Heights"); matches
    overlapping them are left out."""
    if keywords is None or not text:
        return []
    out = []
    for word, start, end in _matches(keywords, text, capitalised):
        if taken and any(start < e and s < end for s, e in taken):
            continue
        if (names_only or things) and _part_of_a_name(text, start, end, before_too=names_only):
            continue
        out.append((word, start, end))
    return out


def _matches(
    keywords: KeywordSet | NameSet, text: str, capitalised: Sequence[tuple[str, int]] | None
) -> Iterable[tuple[str, int, int]]:
    if isinstance(keywords, NameSet):
        yield from keywords.finditer(text, capitalised)
        return
    if keywords.pattern is None:
        return
    for m in keywords.pattern.finditer(text):
        hit = m.group(0)
        word = keywords.exact.get(hit) or keywords._folded_word(_fold(hit))
        if word is not None:
            yield word, m.start(), m.end()


@dataclass(frozen=True)
class _Places:
    anchors: tuple[str, ...]  # the profile's anchors found
    near: tuple[str, ...]  # places near the story's places found
    learned: tuple[str, ...]  # learned anchors found
    far: tuple[str, ...]  # places far from the story found
    strength: float  # of anchors, near places and learned anchors together
    far_strength: float


def _strength(zones: dict[str, list[str]]) -> tuple[tuple[str, ...], float]:
    """Distinct words and their prominence, from the words found per zone: a mention in
    the title counts 3, in the lead 2 (at most two mentions), further down 1."""
    title, lead, rest = Counter(zones["title"]), Counter(zones["lead"]), Counter(zones["rest"])
    found = tuple(dict.fromkeys([*zones["title"], *zones["lead"], *zones["rest"]]))
    strength = sum(3 * min(title[w], 1) + 2 * min(lead[w], 2) + rest[w] for w in found)
    return found, float(strength)


def _places(model: RelevanceModel, title: str | None, text: str) -> _Places:
    """Where the article is: the story's anchors (the profile's, the places near them,
    the learned ones) and the far places, each with its prominence. A story about
    Portland that mentions Chicago once in its ninth paragraph has anchor strength 1; a
    Chicago story has it in its title or lead."""
    words = text.split(None, LEAD_WORDS)
    zones = {
        "title": title or "",
        "lead": " ".join(words[:LEAD_WORDS]),
        "rest": words[LEAD_WORDS] if len(words) > LEAD_WORDS else "",
    }
    found: dict[str, dict[str, list[str]]] = {
        k: {z: [] for z in zones}
        for k in ("anchors", "near", "ambiguous", "learned", "home", "far")
    }
    for zone, part in zones.items():
        taken: list[tuple[int, int]] = []
        capitalised = capitalised_words(part)
        for kind, keywords, names_only in (
            ("anchors", model.anchors, False),
            ("learned", model.learned, False),
            ("near", model.near, True),
            ("ambiguous", model.ambiguous, True),
            ("home", model.home, True),
            ("far", model.far, True),
        ):
            hits = _mentions(
                keywords,
                part,
                names_only=names_only,
                things=not names_only,
                taken=taken,
                capitalised=capitalised,
            )
            found[kind][zone] = [w for w, _, _ in hits]
            taken.extend((s, e) for _, s, e in hits)
    anchors, s_anchor = _strength(found["anchors"])
    near, s_near = _strength(found["near"])
    learned, s_learned = _strength(found["learned"])
    far, s_far = _strength(found["far"])
    if anchors or learned:
        # A town better known elsewhere is the story's beside one of its named anchors.
        ambiguous, s_ambiguous = _strength(found["ambiguous"])
        near, s_near = near + ambiguous, s_near + s_ambiguous
    strength = s_anchor + s_near + s_learned
    if strength:
        # The story's state ("California" beside "Los Angeles") confirms a little.
        home, s_home = _strength(found["home"])
        strength += min(HOME_MAX, HOME_WEIGHT * s_home)
    return _Places(anchors, near, learned, far, strength, s_far)


#: What a mention of the story's state adds to the anchors found: half a mention's
#: prominence, at most 1 (less than a lead mention of an anchor).
HOME_WEIGHT = 0.5
HOME_MAX = 1.0


#: An article is about somewhere else when far places are this much more prominent in it
#: than the story's anchors, and at least this prominent (in the title, or the lead twice).
ELSEWHERE_MIN = 3.0


def score(
    text: str, title: str | None, model: RelevanceModel, *, published: str | None = None
) -> Relevance:
    """Score one article. The title counts twice: it says what the story is about.

    ``published`` (ISO): an article published before the story began (the profile's
    ``start``) is not about it, whatever it says -- a city council's vote on the same
    subject months before the story is background, not the story."""
    body = f"{title}\n{title}\n{text}" if title else text
    where = _places(model, title, text)
    anchor_hits = where.anchors + where.near + where.learned
    anchor_strength = where.strength
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
    elsewhere = where.far_strength >= ELSEWHERE_MIN and where.far_strength > anchor_strength
    before = bool(model.start and published and published[:10] < model.start)
    # The subject itself, not only words it shares with other news ("raid", "arrests"
    # in a burglary story): at least one of the profile's core themes.
    subject = model.core is None or bool(_hits(model.core, body)[0])
    relevant = (
        not before
        and subject
        and combined >= model.threshold
        and len(anchor_hits) >= model.min_anchor_hits
        and anchor_strength >= model.min_anchor_strength
        and len(theme_hits) >= model.min_theme_hits
        and not elsewhere
    )
    return Relevance(
        score=round(combined, 4),
        relevant=relevant,
        keyword_score=round(keyword_score, 4),
        seed_similarity=round(seed_sim, 4),
        anchor_hits=anchor_hits,
        theme_hits=theme_hits,
        place_hits=where.near,
        learned_hits=where.learned,
        elsewhere=where.far if elsewhere else (),
        before_story=before,
    )
