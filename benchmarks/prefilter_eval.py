"""What the feed-entry decision (``extractors.prefilter``) skips on real news.

Each item of the shared real-news corpus (``../shared/corpora/news-events``, read at run
time) becomes a feed entry: its title, and as summary its first two sentences (the
project's sentence splitter; lines of fewer than five words -- page furniture such as
"advertisement", "Share", menus -- and a repeat of the title are passed over). The entry
is judged with the story's topic profile, as ``newsmon run`` judges a feed item.

Per story and label it prints how many items were skipped, lists every on-topic item
skipped (there must be none: the exit status is 1 if there is one), and the relevance
figures of the whole pipeline (feed decision, then relevance on the full text of the
fetched items) next to those of relevance alone.

Usage:
    python benchmarks/prefilter_eval.py [--topic ID ...] [--sentences 2] [--show]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import TOPICS, Item, load_items, topic_profile  # noqa: E402

#: Sentences (or lines) with fewer words than this are page furniture, not the lead.
MIN_LEAD_WORDS = 5


def lead(item: Item, n: int) -> str:
    """The item's first ``n`` sentences, as a feed's summary would give them."""
    from extractors.sentences import iter_sentences

    out: list[str] = []
    if n <= 0:
        return ""
    for s in iter_sentences(item.text, max_sentences=200):
        text = " ".join(s.text.split())
        if len(text.split()) < MIN_LEAD_WORDS or text == " ".join(item.title.split()):
            continue
        out.append(text)
        if len(out) == n:
            break
    return " ".join(out)


def _pr(pairs: list[tuple[bool, bool]]) -> str:
    """precision and recall of (predicted on-topic, labelled on-topic) pairs."""
    tp = sum(p and g for p, g in pairs)
    fp = sum(p and not g for p, g in pairs)
    fn = sum(g and not p for p, g in pairs)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return f"precision {precision:.3f} recall {recall:.3f} (tp {tp}, fp {fp}, fn {fn})"


def evaluate(topic: str, sentences: int, show: bool) -> int:
    """Print the figures for one story; return the number of on-topic items skipped."""
    from extractors.prefilter import decide
    from extractors.records import FeedItem
    from extractors.relevance import score
    from newsmon.profile import load_profile
    from newsmon.topic import prefilter_model, relevance_model

    profile_path = topic_profile(topic)
    profile = load_profile(profile_path)
    model, rel_model = prefilter_model(profile), relevance_model(profile)
    items = load_items(topic=topic)
    total: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    lost: list[str] = []
    alone: list[tuple[bool, bool]] = []
    piped: list[tuple[bool, bool]] = []
    for it in items:
        entry = FeedItem(feed_url="corpus", url=it.url, title=it.title, summary=lead(it, sentences))
        d = decide(entry, model)
        relevant = score(it.text, it.title, rel_model).relevant
        total[it.label] += 1
        skipped[it.label] += not d.fetch
        alone.append((relevant, it.on_topic))
        piped.append((d.fetch and relevant, it.on_topic))
        if it.on_topic and not d.fetch:
            lost.append(f"{it.id}: {it.title} -- {d.reason}")
        if show:
            print(f"  {it.id:<8} {it.label:<10} {'fetch' if d.fetch else 'SKIP ':<5} {d.reason}")
    rel = profile_path.relative_to(Path(__file__).resolve().parent.parent)
    print(f"{topic} ({len(items)} items, profile {rel}, title + {sentences} sentences):")
    for label in ("on_topic", "near_topic", "off_topic"):
        print(f"  {label:<11} {skipped[label]:>3} of {total[label]:>3} skipped before fetching")
    for line in lost:
        print(f"  !! on-topic item skipped: {line}")
    # The corpus's other stories: labelled for their own story, so off this one (the
    # same agencies in another city are near-topic at most).
    others = [it for it in load_items() if it.topic != topic]
    other_skipped = sum(
        not decide(
            FeedItem(feed_url="corpus", url=it.url, title=it.title, summary=lead(it, sentences)),
            model,
        ).fetch
        for it in others
    )
    print(f"  other stories' items: {other_skipped} of {len(others)} skipped (none is on this one)")
    print(f"  relevance alone:                  {_pr(alone)}")
    print(f"  feed decision, then relevance:    {_pr(piped)}")
    return len(lost)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--topic", action="append", choices=TOPICS, help="story (default: all)")
    ap.add_argument("--sentences", type=int, default=2, help="lead sentences in the summary")
    ap.add_argument("--show", action="store_true", help="print every item's decision")
    args = ap.parse_args(argv)
    lost = sum(evaluate(t, args.sentences, args.show) for t in args.topic or TOPICS)
    print(f"on-topic items skipped: {lost}")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
