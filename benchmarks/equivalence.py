"""Fast paths against what they replace: the same results, checked, and how much faster.

The throughput work replaced a few hot spots with faster code that must give exactly the
same output. This script checks each one on real text (the benchmark's article pages,
the seed corpus, the test fixtures, the article-extraction pages when they are there)
and on random strings, and prints the time of both:

- ``extractors.mentions.PhraseIndex`` (the event rules' trigger phrases and generic doers
  looked up word by word) against one case-insensitive regex alternation;
- ``extractors.article``'s guarded author XPaths and ``_author`` against trafilatura's
  ``AUTHOR_*_XPATHS`` and ``extract_author``;
- ``extractors.article._trafilatura_metadata`` against trafilatura's
  ``extract_metadata`` (title, author, date, site name);
- ``newsmon.alerts.one_line``'s fast path against the per-character loop;
- ``extractors.article._body_text``, which skips trafilatura's comparison with
  readability/justext when the text is long enough, against always running it (also on
  every demo-site page and the golden fixture pages).

Usage: python benchmarks/equivalence.py [--fuzz 100000]. Exit status 1 on a difference.
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXTRACTION_DATA = ROOT.parent / "shared" / "benchmarks" / "article-extraction" / "html"


def _pages(n: int) -> list[str]:
    sys.path.insert(0, str(HERE))
    import throughput

    rng = random.Random(3)
    pool = throughput.sentence_pool()
    pages = [throughput.make_article(i, rng, pool)[1] for i in range(n)]
    if EXTRACTION_DATA.is_dir():
        for path in sorted(EXTRACTION_DATA.glob("*.html.gz")):
            with gzip.open(path) as f:
                pages.append(f.read().decode("utf-8", "replace"))
    return pages


def _texts(pages: Iterable[str]) -> list[str]:
    from extractors.article import extract_text

    texts = [t for t in (extract_text(p, None) for p in pages) if t]
    texts += [p.read_text(errors="replace") for p in sorted((ROOT / "seeds").rglob("*.txt"))]
    texts += [p.read_text(errors="replace") for p in sorted((ROOT / "tests").rglob("*.json"))]
    return texts


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


VOCAB = [
    *[
        "U.S.",
        "District",
        "Judge",
        "Chief",
        "Gov.",
        "Lt.",
        "the",
        "Rev.",
        "Sheriff’s",
        "Office",
        "Police",
        "Department",
    ],
    *[
        "of",
        "for",
        "and",
        "April",
        "Perry",
        "JB",
        "Pritzker",
        "X.",
        "Cook",
        "County",
        "said",
        ",",
        ".",
        "Vice",
        "President",
    ],
    *[
        "press",
        "secretary",
        "Council",
        "member",
        "Commission",
        "on",
        "Human",
        "Rights",
        "resident",
        "O’Neil",
    ],
    *[
        "Élan",
        "spokesman",
        "Attorney",
        "General",
        "aJudge",
        "Judge’s",
        "Sen.",
        "Network",
        "The",
        "A",
        "Justice",
    ],
    "Foundation",
]


def _sentences(texts: list[str]) -> list[str]:
    from extractors.sentences import iter_sentences

    return [s.text for t in texts for s in iter_sentences(t, max_sentences=4000)]


Finditer = Callable[[str], Iterable["re.Match[str]"]]


def _compare_spans(
    name: str, strings: list[str], slow: Finditer, fast: Finditer, labels: tuple[str, str]
) -> int:
    """Print and return how many strings ``fast`` matches differently from ``slow``."""
    slow_spans, t_slow = _timed(lambda: [[m.span() for m in slow(s)] for s in strings])
    fast_spans, t_fast = _timed(lambda: [[m.span() for m in fast(s)] for s in strings])
    diff = sum(a != b for a, b in zip(slow_spans, fast_spans, strict=True))
    print(
        f"{name:<16} {len(strings):>7} strings, {sum(map(len, slow_spans)):>6} matches: "
        f"{diff} differences; {labels[0]} {t_slow:.2f} s, {labels[1]} {t_fast:.2f} s"
    )
    return diff


class _Span:
    """A found phrase as a match object: ``span()`` only."""

    def __init__(self, start: int, end: int) -> None:
        self._span = (start, end)

    def span(self) -> tuple[int, int]:
        return self._span


def check_phrase_index(texts: list[str], fuzz: int) -> int:
    """The event rules' trigger phrases and generic doers, looked up word by word over a
    sentence's tokens (``extractors.mentions.PhraseIndex``), against one case-insensitive
    regex alternation (longest first) over the sentence, kept where a match starts and
    ends on token boundaries."""
    from extractors.lexicon import load_rules
    from extractors.tokens import PhraseIndex, tokenize

    strings = _sentences(texts)
    rng = random.Random(1)
    seps = [" ", "  ", "\n", "\t", "", "\u00a0", ", "]
    rules = load_rules()
    words = sorted({w for p in (*rules.senses, *rules.groups) for w in p.split()})
    for _ in range(fuzz):
        k = rng.randint(1, 14)
        strings.append("".join(rng.choice(words + VOCAB) + rng.choice(seps) for _ in range(k)))
    bad = 0
    for name, phrases in (("trigger phrases", rules.senses), ("doer groups", rules.groups)):
        alts = sorted(phrases, key=len, reverse=True)
        rx = re.compile(
            r"(?<![\w-])(?:"
            + "|".join(r"\s+".join(map(re.escape, p.split())) for p in alts)
            + r")(?![\w-])",
            re.IGNORECASE,
        )
        index = PhraseIndex(phrases)

        def slow(s: str, rx: re.Pattern[str] = rx) -> list[_Span]:
            toks = tokenize(s)
            starts, ends = {t.start for t in toks}, {t.end for t in toks}
            return [_Span(*m.span()) for m in rx.finditer(s)
                    if m.start() in starts and m.end() in ends]  # fmt: skip

        def fast(s: str, index: PhraseIndex = index) -> list[_Span]:
            toks = tokenize(s)
            return [_Span(toks[i].start, toks[j - 1].end) for i, j, _ in index.find(toks)]

        bad += _compare_spans(name, strings, slow, fast, ("alternation", "word index"))
    return bad


def _trees(pages: Iterable[str]) -> list[Any]:
    """The pages parsed as ``extractors.article`` parses them; unusable pages skipped."""
    from extractors import article as art
    from newsmon.errors import ExtractionError

    trees = []
    for page in pages:
        try:
            trees.append(art._parse(art._decode(page, "", None), ""))
        except ExtractionError:
            continue
    return trees


def compared_body_text(tree: Any) -> str:
    """The body text without the fast path: the precision pass always with trafilatura's
    readability/justext comparison ("" when there is no article text)."""
    from extractors import article as art

    text = art._trafilatura_text(tree, "", favor_precision=True)
    words = art.count_words(text)
    if words < art.SHORT_TEXT_WORDS:
        fuller = art._trafilatura_text(tree, "", favor_precision=False)
        if art.count_words(fuller) > art.LOST_BODY_RATIO * words:
            text = fuller
    return text if art.prose_words(text) >= art.MIN_ARTICLE_WORDS else ""


def shipped_body_text(tree: Any) -> str:
    """``extractors.article._body_text``, "" where it finds no article text."""
    from extractors import article as art
    from newsmon.errors import ExtractionError

    try:
        return art._body_text(tree, "")
    except ExtractionError:
        return ""


def _author_tests_differ(tree: Any) -> int:
    """How many of extractors.article's Python author tests select other elements than
    the trafilatura XPath each replaces (document order, element for element)."""
    from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

    from extractors import article as art

    elements = [e for e in tree.iter() if isinstance(e.tag, str)]
    root = tree.getroottree().getroot()
    bad = 0
    for xpath, test in zip(AUTHOR_XPATHS, art._AUTHOR_TESTS, strict=True):
        bad += xpath(tree) != [e for e in elements if test(e)]
    discarded = {e for x in AUTHOR_DISCARD_XPATHS for e in x(tree)} - {root}
    bad += discarded != {e for e in elements if e is not root and art._author_discarded(e)}
    relevant = art._author_relevant(tree)
    bad += any(
        e not in relevant and (any(t(e) for t in art._AUTHOR_TESTS) or art._author_discarded(e))
        for e in elements
    )
    return bad


def check_author_and_metadata(pages: list[str]) -> int:
    from trafilatura import metadata as tm
    from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

    from extractors import article as art

    trees = _trees(pages)
    bad = 0
    pairs = list(
        zip(
            [*AUTHOR_DISCARD_XPATHS, *AUTHOR_XPATHS],
            [*art._AUTHOR_DISCARD_XPATHS, *art._AUTHOR_XPATHS],
            strict=True,
        )
    )
    for tree in trees:
        bad += sum(a(tree) != b(tree) for a, b in pairs)
        bad += _author_tests_differ(tree)
    slow, t_slow = _timed(lambda: [tm.extract_author(t) for t in trees])
    fast, t_fast = _timed(lambda: [art._author(t) for t in trees])
    diff = sum(a != b for a, b in zip(slow, fast, strict=True))
    bad += diff
    print(
        f"author           {len(trees):>7} pages: {diff} differences (and each XPath and "
        f"its Python test, element for element); trafilatura {t_slow:.2f} s, "
        f"ours {t_fast:.2f} s"
    )

    def fields(d: Any) -> tuple[Any, ...]:
        return (d.title, d.author, d.date, d.sitename, d.url, d.hostname)

    slow, t_slow = _timed(lambda: [fields(tm.extract_metadata(t, None)) for t in trees])
    fast, t_fast = _timed(lambda: [fields(art._trafilatura_metadata(t, None)) for t in trees])
    diff = sum(a != b for a, b in zip(slow, fast, strict=True))
    bad += diff
    print(
        f"metadata         {len(trees):>7} pages: {diff} differences; "
        f"extract_metadata {t_slow:.2f} s, ours {t_fast:.2f} s"
    )
    return bad


def _demo_and_fixture_pages() -> list[str]:
    from demo_site.server import CONTENT_DIR, _load_comment_pool, _Model, load_content

    specs = load_content()
    model = _Model(specs, _load_comment_pool(CONTENT_DIR))
    base = "http://127.0.0.1:8000"
    pages = [model.render(s, base, model.primary_path(s), False) for s in specs]
    pages += [model.render(s, base, model.primary_path(s), True) for s in specs]
    pages += [p.read_text(errors="replace") for p in sorted((ROOT / "tests").rglob("*.html"))]
    return pages


def check_body_fast_path(pages: list[str]) -> int:
    """The shipped body text against the rule without the fast path: the precision pass
    always with trafilatura's readability/justext comparison."""
    trees = _trees(pages)
    slow, t_slow = _timed(lambda: [compared_body_text(t) for t in trees])
    fast, t_fast = _timed(lambda: [shipped_body_text(t) for t in trees])
    diff = sum(a != b for a, b in zip(slow, fast, strict=True))
    print(
        f"body text        {len(trees):>7} pages: {diff} differences; "
        f"always compared {t_slow:.2f} s, fast path {t_fast:.2f} s"
    )
    return diff


def check_one_line(texts: list[str]) -> int:
    from newsmon.alerts import text as alerts

    def slow(value: str, limit: int = alerts.SUMMARY_MAX) -> str:
        import unicodedata

        out = []
        for ch in value:
            if ch in alerts._BIDI_CONTROLS:
                continue
            cat = unicodedata.category(ch)
            if cat in ("Cc", "Zl", "Zp", "Cs"):
                out.append(" " if ch in "\t\n\r\x0b\x0c\u2028\u2029\x85" else "")
            else:
                out.append(ch)
        text = " ".join("".join(out).split())
        if len(text) > limit:
            text = text[: max(limit - 1, 0)].rstrip() + "…"
        return text

    samples = [t[i : i + 300] for t in texts for i in range(0, min(len(t), 3000), 300)]
    samples += ["a\u202eb\x00c\u2028d", "x\x85y", "\ud800z", "tab\tand\nnew"]
    diff = sum(slow(s) != alerts.one_line(s) for s in samples)
    print(f"one_line         {len(samples):>7} strings: {diff} differences")
    return diff


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=40, help="generated benchmark pages")
    ap.add_argument("--fuzz", type=int, default=50_000, help="random strings per pattern")
    args = ap.parse_args(argv)
    pages = _pages(args.pages)
    texts = _texts(pages)
    bad = check_phrase_index(texts, args.fuzz)
    bad += check_author_and_metadata(pages)
    bad += check_one_line(texts)
    bad += check_body_fast_path(pages + _demo_and_fixture_pages())
    print("all identical" if not bad else f"{bad} DIFFERENCES")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
