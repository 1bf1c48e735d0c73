"""Event extraction quality and speed against the hand-labelled gold set.

Usage::

    python benchmarks/events_eval.py            # figures
    python benchmarks/events_eval.py -v         # plus every miss and false alarm

Gold: ``tests/gold/events*.json`` (the seed articles and fixture articles, labelled by
hand from the text; each gold event lists one or more evidence snippets -- every
sentence of the article that reports that same real event).

Matching. A predicted event *matches* a gold event when the types are equal, the actors
are equal (case-insensitive; both ``None`` counts as equal) and the predicted evidence
sentence overlaps one of the gold evidence snippets; each gold event matches at most
one prediction. Overall precision = matched / predicted, recall = matched / gold.

Per field, each prediction is aligned with the gold event whose evidence it overlaps
(preferring the same type, then the same actor). For a field, precision = aligned
predictions whose non-null value equals the gold value / predictions with a non-null
value; recall = the same count / gold events with a non-null value. ``quantity``
compares the numeric value. Date accuracy = matched events whose ``event_date`` equals
the gold date, ``None`` included.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.events import EXTRACTOR_VERSION, extract_events  # noqa: E402
from extractors.records import Event  # noqa: E402
from newsmon.profile import load_profile  # noqa: E402

FIELDS = ("type", "actor", "target", "location", "date", "quantity")


@dataclass
class GoldEvent:
    article: str
    event_type: str
    actor: str | None
    target: str | None
    location: str | None
    event_date: str | None
    quantity_value: float | None
    spans: list[tuple[int, int]]


def load_gold(gold_dir: Path) -> list[dict[str, Any]]:
    articles: list[dict[str, Any]] = []
    for path in sorted(gold_dir.glob("events*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for a in doc["articles"]:
            if "text" not in a:
                a["text"] = (ROOT / a["path"]).read_text(encoding="utf-8")
            a["gold_file"] = path.name
            articles.append(a)
    return articles


def gold_events(article: dict[str, Any]) -> list[GoldEvent]:
    text = article["text"]
    out = []
    for g in article["events"]:
        spans = []
        for snippet in g["evidence"]:
            i = text.find(snippet)
            if i < 0:
                raise SystemExit(f"{article['id']}: evidence not in text: {snippet!r}")
            spans.append((i, i + len(snippet)))
        out.append(
            GoldEvent(
                article["id"],
                g["event_type"],
                g["actor"],
                g["target"],
                g["location"],
                g["event_date"],
                g["quantity_value"],
                spans,
            )
        )
    return out


def _norm(v: object) -> object:
    return v.casefold() if isinstance(v, str) else v


def _overlaps(e: Event, g: GoldEvent) -> bool:
    return any(e.evidence_start < b and a < e.evidence_end for a, b in g.spans)


def _value(obj: Event | GoldEvent, field: str) -> object:
    if field == "type":
        return obj.event_type
    if field == "date":
        return obj.event_date
    if field == "quantity":
        return obj.quantity_value
    return _norm(getattr(obj, field))


def evaluate(articles: list[dict[str, Any]], profile: Any, verbose: bool = False) -> dict[str, Any]:
    n_pred = n_gold = n_match = date_ok = 0
    fc = {f: [0, 0, 0] for f in FIELDS}  # correct, predicted non-null, gold non-null
    misses: list[str] = []
    alarms: list[str] = []
    for a in articles:
        golds = gold_events(a)
        preds = extract_events(a["text"], published=a.get("published"), profile=profile)
        n_pred += len(preds)
        n_gold += len(golds)
        # Overall matching.
        used: set[int] = set()
        matched_pred: set[int] = set()
        for gi, g in enumerate(golds):
            for pi, p in enumerate(preds):
                if pi in matched_pred:
                    continue
                if (
                    p.event_type == g.event_type
                    and _norm(p.actor) == _norm(g.actor)
                    and _overlaps(p, g)
                ):
                    used.add(gi)
                    matched_pred.add(pi)
                    n_match += 1
                    date_ok += p.event_date == g.event_date
                    if verbose and p.event_date != g.event_date:
                        misses.append(
                            f"  date {a['id']} {g.event_type} {g.actor}: "
                            f"{p.event_date} != gold {g.event_date}"
                        )
                    break
        # Per-field alignment.
        for f in FIELDS:
            fc[f][2] += sum(_value(g, f) is not None for g in golds)
        for p in preds:
            cands = [g for g in golds if _overlaps(p, g)]
            cands.sort(
                key=lambda g: (g.event_type != p.event_type, _norm(g.actor) != _norm(p.actor))
            )
            g0 = cands[0] if cands else None
            for f in FIELDS:
                pv = _value(p, f)
                if pv is None:
                    continue
                fc[f][1] += 1
                if g0 is not None and pv == _value(g0, f):
                    fc[f][0] += 1
        if verbose:
            for gi, g in enumerate(golds):
                if gi not in used:
                    misses.append(
                        f"  MISS {a['id']} {g.event_type} actor={g.actor} "
                        f"date={g.event_date}: {a['text'][g.spans[0][0] : g.spans[0][1]][:80]!r}"
                    )
            for pi, p in enumerate(preds):
                if pi not in matched_pred:
                    alarms.append(
                        f"  FALSE {a['id']} {p.event_type} actor={p.actor} target={p.target} "
                        f"loc={p.location} date={p.event_date}: {p.evidence[:90]!r}"
                    )

    def prf(c: int, p: int, g: int) -> dict[str, float]:
        pr = c / p if p else 0.0
        rc = c / g if g else 0.0
        f1 = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
        return {
            "precision": round(pr, 3),
            "recall": round(rc, 3),
            "f1": round(f1, 3),
            "correct": c,
            "predicted": p,
            "gold": g,
        }

    result = {
        "extractor_version": EXTRACTOR_VERSION,
        "articles": len(articles),
        "overall": prf(n_match, n_pred, n_gold),
        "fields": {f: prf(*fc[f]) for f in FIELDS},
        "date_accuracy": round(date_ok / n_match, 3) if n_match else 0.0,
    }
    if verbose:
        result["_misses"] = misses
        result["_false"] = alarms
    return result


def speed(articles: list[dict[str, Any]], profile: Any, long_words: int) -> dict[str, float]:
    texts = [(a["text"], a.get("published")) for a in articles]
    extract_events(texts[0][0], published=texts[0][1], profile=profile)  # warm the cache
    rounds = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 2.0:
        for t, p in texts:
            extract_events(t, published=p, profile=profile)
        rounds += 1
    elapsed = time.perf_counter() - t0
    per_sec = rounds * len(texts) / elapsed
    words = sum(len(t.split()) for t, _ in texts) * rounds / elapsed
    base = " ".join(t for t, _ in texts).split()
    long_text = " ".join((base * (long_words // len(base) + 1))[:long_words])
    t0 = time.perf_counter()
    n_long = len(extract_events(long_text, published="2025-10-01", profile=profile))
    long_s = time.perf_counter() - t0
    return {
        "articles_per_second": round(per_sec, 1),
        "words_per_second": round(words),
        "long_text_words": long_words,
        "long_text_seconds": round(long_s, 3),
        "long_text_events": n_long,
    }


def speed_on_benchmark_pages(profile: Any, n: int) -> dict[str, float]:
    """The extractor on ``benchmarks/throughput.py``'s generated articles (long, every
    sentence from the demo's news prose: about 11 events each, a worst case), next to
    trafilatura's default cleaning of the same pages, which is most of the baseline's
    cost per article there. CPU time, the two interleaved page by page."""
    import random

    import trafilatura

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import throughput

    from extractors.article import extract_article

    rng, pool = random.Random(5), throughput.sentence_pool()
    pages = [throughput.make_article(i, rng, pool)[1] for i in range(n)]
    cleaned = [extract_article(p.encode(), f"http://127.0.0.1/story/{i}", encoding="utf-8")
               for i, p in enumerate(pages)]  # fmt: skip
    events_s = cleaning_s = 0.0
    found = 0
    for page, article in zip(pages, cleaned, strict=True):
        t0 = time.process_time()
        found += len(extract_events(article.text, published=article.published, profile=profile))
        t1 = time.process_time()
        trafilatura.extract(page, include_comments=False)
        events_s += t1 - t0
        cleaning_s += time.process_time() - t1
    return {
        "articles": n,
        "words_per_article": round(sum(len(a.text.split()) for a in cleaned) / n),
        "events_per_article": round(found / n, 1),
        "events_ms_per_article": round(events_s / n * 1000, 2),
        "trafilatura_ms_per_page": round(cleaning_s / n * 1000, 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", default=str(ROOT / "tests" / "gold"))
    ap.add_argument("--profile", default=None, help="topic profile (default: the shipped one)")
    ap.add_argument("--long-words", type=int, default=200_000)
    ap.add_argument(
        "--benchmark-pages",
        type=int,
        default=100,
        help="also time the extractor on this many of benchmarks/throughput.py's "
        "generated articles (0: skip)",
    )
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses and false alarms")
    args = ap.parse_args(argv)
    profile = load_profile(args.profile)
    articles = load_gold(Path(args.gold))
    res = evaluate(articles, profile, args.verbose)
    res["speed"] = speed(articles, profile, args.long_words)
    if args.benchmark_pages > 0:
        res["speed_on_benchmark_pages"] = speed_on_benchmark_pages(profile, args.benchmark_pages)
    files = sorted({a["gold_file"] for a in articles})
    res["by_gold_file"] = {
        f: evaluate([a for a in articles if a["gold_file"] == f], profile) for f in files
    }
    if args.json:
        print(json.dumps({k: v for k, v in res.items() if not k.startswith("_")}, indent=2))
        return 0
    for f, r in res["by_gold_file"].items():
        o = r["overall"]
        print(
            f"{f}: {r['articles']} articles, overall P {o['precision']:.3f} R {o['recall']:.3f} "
            f"F1 {o['f1']:.3f} ({o['correct']}/{o['predicted']}/{o['gold']}), "
            f"date accuracy {r['date_accuracy']:.3f}"
        )
    print()
    o = res["overall"]
    n_gold = o["gold"]
    print(
        f"extractor {res['extractor_version']}: {res['articles']} articles, {n_gold} gold events, "
        f"{o['predicted']} predicted"
    )
    print(f"{'':10} {'precision':>9} {'recall':>7} {'F1':>6}   correct/predicted/gold")
    for name, r in [("overall", o), *res["fields"].items()]:
        print(
            f"{name:10} {r['precision']:9.3f} {r['recall']:7.3f} {r['f1']:6.3f}   "
            f"{r['correct']}/{r['predicted']}/{r['gold']}"
        )
    print(f"date accuracy (matched events): {res['date_accuracy']:.3f}")
    sp = res["speed"]
    print(
        f"speed: {sp['articles_per_second']} articles/s ({sp['words_per_second']} words/s) "
        "on the gold texts; "
        f"{sp['long_text_words']:,}-word text in {sp['long_text_seconds']} s "
        f"({sp['long_text_events']} events)"
    )
    if "speed_on_benchmark_pages" in res:
        b = res["speed_on_benchmark_pages"]
        print(
            f"on {b['articles']} throughput-benchmark articles ({b['words_per_article']} words, "
            f"{b['events_per_article']} events each): {b['events_ms_per_article']} ms CPU per "
            f"article; trafilatura's default cleaning of their pages: "
            f"{b['trafilatura_ms_per_page']} ms"
        )
    if args.verbose:
        print("\n".join(["", "misses:", *res["_misses"], "", "false alarms:", *res["_false"]]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
