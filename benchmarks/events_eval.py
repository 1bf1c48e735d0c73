"""Event extraction on real news: quality per story, per type and per field, and its cost.

Usage::

    python benchmarks/events_eval.py                 # both stories of the real corpus
    python benchmarks/events_eval.py -v              # plus every miss and false alarm
    python benchmarks/events_eval.py --story la-immigration-2025
    python benchmarks/events_eval.py --fiction       # the project's own gold sets

**Real corpus** (``../shared/corpora/news-events``, read where it lies, never copied): real
published news on two stories with gold events labelled independently of this project.
Each story's on-topic items are run through the extractor with that story's profile
(``seeds/chicago-immigration-2025.toml``; ``benchmarks/profiles/la-immigration-2025.toml``)
and scored by the corpus's own ``score.py``, the rule the project is judged by: a
predicted event matches a gold event of the same type whose evidence sentence shares 60 %
of its content words; the actor is right when the two share a content word or an
acronym. Headline: type+actor precision and recall. Also printed: recall and precision
per type, agreement per field on matched events (actor, date, location, quantity), and
the extractor's CPU time per article (median and 90th percentile, ``time.process_time``).

**Fiction** (``--fiction``, ``tests/gold/events*.json``): the project's own hand-labelled
sets (seeds, fixtures, demo articles), kept as regression tests; an event matches when
type and actor key (the profile's canonical name) are equal and the evidence overlaps.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import TOPICS, load_items, score_predictions, scorer, topic_profile  # noqa: E402

from extractors.events import Extractor, default_extractor  # noqa: E402
from extractors.records import Event  # noqa: E402
from newsmon.profile import load_profile  # noqa: E402
from newsmon.topic import event_extractor  # noqa: E402

# --------------------------------------------------------------------------- real corpus


def run_story(topic: str, verbose: bool = False, profile: bool = True) -> dict[str, Any]:
    """Extract and score one story of the real corpus (``profile=False``: the shipped
    rules alone, every name as the text gives it)."""
    extractor = (
        event_extractor(load_profile(topic_profile(topic))) if profile else default_extractor()
    )
    items = load_items(topic=topic)
    predictions = []
    cpu_ms: list[float] = []
    found: dict[str, list[Event]] = {}
    extractor.extract(items[0].text, published=items[0].published)  # warm the caches
    for it in items:
        events: list[Event] = []
        if it.on_topic:
            t0 = time.process_time()
            events = extractor.extract(it.text, published=it.published)
            cpu_ms.append((time.process_time() - t0) * 1000)
        found[it.id] = events
        predictions.append(
            {
                "id": it.id,
                "on_topic": it.on_topic,
                "events": [
                    {
                        "event_type": e.event_type,
                        "actor": e.actor,
                        "evidence": e.evidence,
                        "event_date": e.event_date,
                    }
                    for e in events
                ],
            }
        )
    figures, printed = score_predictions(predictions, topic=topic, verbose=verbose)
    figures["per_type"] = _per_type(items, found)
    figures["fields"] = _fields(items, found)
    figures["cpu_ms_median"] = round(statistics.median(cpu_ms), 2)
    figures["cpu_ms_p90"] = round(sorted(cpu_ms)[int(0.9 * (len(cpu_ms) - 1))], 2)
    figures["extractor_version"] = extractor.version
    if verbose:
        figures["_printed"] = printed
    return figures


def _match(items: list[Any], found: dict[str, list[Event]]) -> list[tuple[dict[str, Any], Event]]:
    """(gold, prediction) pairs as score.py pairs them (type, then 60 % evidence)."""
    sc = scorer()
    pairs = []
    for it in items:
        if not it.on_topic:
            continue
        used: set[int] = set()
        for g in it.events:
            for i, e in enumerate(found[it.id]):
                if (
                    i not in used
                    and e.event_type == g["event_type"]
                    and sc.overlap(e.evidence, g["evidence"]) >= 0.6
                ):
                    used.add(i)
                    pairs.append((g, e))
                    break
    return pairs


def _per_type(items: list[Any], found: dict[str, list[Event]]) -> dict[str, dict[str, int]]:
    sc = scorer()
    gold = Counter(
        g["event_type"] for it in items if it.on_topic for g in it.events if "restates" not in g
    )
    predicted = Counter(e.event_type for evs in found.values() for e in evs)
    right = Counter(
        e.event_type for g, e in _match(items, found) if sc.actor_match(e.actor, g["actor"])
    )
    return {
        t: {"gold": gold[t], "predicted": predicted[t], "right": right[t]}
        for t in sorted(set(gold) | set(predicted))
    }


def _fields(items: list[Any], found: dict[str, list[Event]]) -> dict[str, tuple[int, int]]:
    """Per field: (agreeing, compared) over matched events whose gold field is set."""
    sc = scorer()
    out = {"actor": [0, 0], "date": [0, 0], "location": [0, 0], "quantity": [0, 0]}
    for g, e in _match(items, found):
        out["actor"][0] += sc.actor_match(e.actor, g["actor"])
        out["actor"][1] += 1
        if g.get("date"):
            out["date"][1] += 1
            out["date"][0] += (e.event_date or "")[:10] == g["date"]
        if g.get("location"):
            out["location"][1] += 1
            out["location"][0] += bool(e.location) and sc.overlap(e.location, g["location"]) > 0
        if g.get("quantity"):
            out["quantity"][1] += 1
            digits = "".join(c for c in str(g["quantity"]) if c.isdigit())
            out["quantity"][0] += e.quantity_value is not None and digits == str(
                int(e.quantity_value)
            )
    return {k: (v[0], v[1]) for k, v in out.items()}


def print_story(topic: str, f: dict[str, Any]) -> None:
    print(f"{topic}  (extractor {f['extractor_version']})")
    print(
        f"  type+actor  precision {f['type_actor_precision']:.3f}  recall "
        f"{f['type_actor_recall']:.3f}  F1 {f['type_actor_f1']:.3f}   "
        f"({f['predicted_events']} predicted, {f['gold_events']} gold happenings)"
    )
    print(f"  type only   precision {f['type_precision']:.3f}  recall {f['type_recall']:.3f}")
    print(f"  dates right on matched events: {f['date_accuracy']:.3f}")
    print("  per type (right / predicted / gold):")
    for t, c in f["per_type"].items():
        print(f"    {t:<16} {c['right']:>3} / {c['predicted']:>3} / {c['gold']:>3}")
    print("  per field on matched events (agree / compared):")
    for k, (a, n) in f["fields"].items():
        print(f"    {k:<10} {a:>3} / {n:>3}" + (f"  ({a / n:.2f})" if n else ""))
    print(
        f"  CPU per on-topic article: median {f['cpu_ms_median']} ms, "
        f"90th percentile {f['cpu_ms_p90']} ms"
    )


# --------------------------------------------------------------------------- fiction


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


def _spans(article: dict[str, Any], snippets: list[str]) -> list[tuple[int, int]]:
    out = []
    for snippet in snippets:
        i = article["text"].find(snippet)
        if i < 0:
            raise SystemExit(f"{article['id']}: evidence not in text: {snippet!r}")
        out.append((i, i + len(snippet)))
    return out


def _key(e: Event) -> str | None:
    return dict(e.extra).get("actor_key") or e.actor


def evaluate(
    articles: list[dict[str, Any]], extractor: Extractor, verbose: bool = False
) -> dict[str, Any]:
    """Fiction gold: matched when type and actor key are equal (case-insensitive) and the
    evidence overlaps one of the gold snippets; date accuracy on matched events."""
    n_pred = n_gold = n_match = date_ok = 0
    lines: list[str] = []
    for a in articles:
        golds = [(g, _spans(a, g["evidence"])) for g in a["events"]]
        preds = extractor.extract(a["text"], published=a.get("published"))
        n_pred += len(preds)
        n_gold += len(golds)
        used: set[int] = set()
        for g, spans in golds:
            hit = None
            for i, p in enumerate(preds):
                if i in used or p.event_type != g["event_type"]:
                    continue
                if (_key(p) or "").casefold() != (g["actor"] or "").casefold():
                    continue
                if any(p.evidence_start < b and s < p.evidence_end for s, b in spans):
                    hit = i
                    break
            if hit is None:
                if verbose:
                    lines.append(f"  MISS {a['id']} {g['event_type']} {g['actor']}")
                continue
            used.add(hit)
            n_match += 1
            date_ok += preds[hit].event_date == g["event_date"]
        if verbose:
            for i, p in enumerate(preds):
                if i not in used:
                    lines.append(f"  FALSE {a['id']} {p.event_type} {_key(p)}: {p.evidence[:80]!r}")
    pr = n_match / n_pred if n_pred else 0.0
    rc = n_match / n_gold if n_gold else 0.0
    f1 = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
    return {
        "articles": len(articles),
        "overall": {
            "precision": round(pr, 3),
            "recall": round(rc, 3),
            "f1": round(f1, 3),
            "correct": n_match,
            "predicted": n_pred,
            "gold": n_gold,
        },
        "date_accuracy": round(date_ok / n_match, 3) if n_match else 0.0,
        "_lines": lines,
    }


def run_fiction(gold: Path, verbose: bool) -> dict[str, Any]:
    extractor = event_extractor(load_profile(None))
    articles = load_gold(gold)
    res = {"all": evaluate(articles, extractor, verbose)}
    for f in sorted({a["gold_file"] for a in articles}):
        res[f] = evaluate([a for a in articles if a["gold_file"] == f], extractor)
    return res


# --------------------------------------------------------------------------- speed


def speed_on_benchmark_pages(extractor: Extractor, n: int) -> dict[str, float]:
    """The extractor on ``benchmarks/throughput.py``'s generated articles (long, about 930
    words, every sentence from the demo's news prose: a worst case), next to trafilatura's
    default cleaning of the same pages, which is most of the bare loop's cost per page.
    CPU time, the two interleaved page by page."""
    import random

    import throughput
    import trafilatura

    from extractors.article import extract_article

    rng, pool = random.Random(5), throughput.sentence_pool()
    pages = [throughput.make_article(i, rng, pool)[1] for i in range(n)]
    cleaned = [extract_article(p.encode(), f"http://127.0.0.1/story/{i}", encoding="utf-8")
               for i, p in enumerate(pages)]  # fmt: skip
    events_ms: list[float] = []
    cleaning_s = 0.0
    found = 0
    for page, article in zip(pages, cleaned, strict=True):
        t0 = time.process_time()
        found += len(extractor.extract(article.text, published=article.published))
        t1 = time.process_time()
        trafilatura.extract(page, include_comments=False)
        events_ms.append((t1 - t0) * 1000)
        cleaning_s += time.process_time() - t1
    return {
        "articles": n,
        "words_per_article": round(sum(len(a.text.split()) for a in cleaned) / n),
        "events_per_article": round(found / n, 1),
        "events_ms_median": round(statistics.median(events_ms), 2),
        "trafilatura_ms_per_page": round(cleaning_s / n * 1000, 2),
    }


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--story", choices=TOPICS, action="append", help="only this story")
    ap.add_argument("--fiction", action="store_true", help="the project's own gold sets")
    ap.add_argument("--gold", default=str(ROOT / "tests" / "gold"))
    ap.add_argument(
        "--benchmark-pages",
        type=int,
        default=0,
        help="also time the extractor on this many of benchmarks/throughput.py's articles",
    )
    ap.add_argument(
        "--no-profile", action="store_true", help="without the story's profile (no names known)"
    )
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("-v", "--verbose", action="store_true", help="every miss and false alarm")
    args = ap.parse_args(argv)
    out: dict[str, Any] = {}
    if args.fiction:
        out["fiction"] = run_fiction(Path(args.gold), args.verbose)
    else:
        for topic in args.story or TOPICS:
            out[topic] = run_story(topic, args.verbose, profile=not args.no_profile)
    if args.benchmark_pages > 0:
        out["benchmark_pages"] = speed_on_benchmark_pages(
            event_extractor(load_profile(None)), args.benchmark_pages
        )
    if args.json:
        print(json.dumps(_public(out), indent=2))
        return 0
    for topic in TOPICS:
        if topic in out:
            if args.verbose:
                print(out[topic]["_printed"])
            print_story(topic, out[topic])
            print()
    if "fiction" in out:
        for name, r in out["fiction"].items():
            o = r["overall"]
            print(
                f"fiction {name}: {r['articles']} articles, precision {o['precision']:.3f} "
                f"recall {o['recall']:.3f} F1 {o['f1']:.3f} ({o['correct']}/{o['predicted']}/"
                f"{o['gold']}), dates {r['date_accuracy']:.3f}"
            )
        if args.verbose:
            print("\n".join(out["fiction"]["all"]["_lines"]))
    if "benchmark_pages" in out:
        b = out["benchmark_pages"]
        print(
            f"on {b['articles']} throughput-benchmark articles ({b['words_per_article']} words, "
            f"{b['events_per_article']} events each): median {b['events_ms_median']} ms CPU "
            f"per article; trafilatura's default cleaning of their pages: "
            f"{b['trafilatura_ms_per_page']} ms"
        )
    return 0


def _public(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _public(v) for k, v in obj.items() if not str(k).startswith("_")}
    return obj


if __name__ == "__main__":
    raise SystemExit(main())
