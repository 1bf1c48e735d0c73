"""Relevance on the shared real-news corpus, each story scored with its own profile.

Every one of the corpus's items (``../shared/corpora/news-events``, read at run time) is
scored with ``extractors.relevance.score`` and the story's profile, exactly as the
pipeline scores a cleaned page, with its publication date (no learned anchors: a first
run). A story's positives
are its ``on_topic`` items; everything else (its near-topic and off-topic items, and the
other story's items) is negative.

Usage:
    python benchmarks/relevance_corpus.py [--show]
Prints precision and recall per story, the misses and false alarms (with ``--show``,
each item's anchors, places and the far places that put it elsewhere).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from corpus import TOPICS, load_items, topic_profile  # noqa: E402

from extractors.relevance import score  # noqa: E402
from newsmon.profile import load_profile  # noqa: E402
from newsmon.topic import relevance_model  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--show", action="store_true", help="every item's decision and why")
    args = ap.parse_args()
    items = load_items()
    for topic in TOPICS:
        model = relevance_model(load_profile(topic_profile(topic)))
        tp = fp = fn = 0
        misses, false = [], []
        for it in items:
            r = score(it.text, it.title, model, published=it.published)
            positive = it.topic == topic and it.on_topic
            if r.relevant and positive:
                tp += 1
            elif r.relevant:
                fp += 1
                false.append(it.id)
            elif positive:
                fn += 1
                misses.append(it.id)
            if args.show and (positive or r.relevant or r.anchor_hits):
                print(
                    f"  {topic[:7]} {it.id:<7} {'+' if positive else '-'} "
                    f"{'relevant' if r.relevant else 'out':<8} {r.score:.2f} "
                    f"anchors={list(r.anchor_hits)} elsewhere={list(r.elsewhere)}"
                )
        p = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        print(
            f"{topic}: precision {p:.3f} recall {rec:.3f} (tp {tp}, fp {fp}, fn {fn}) "
            f"missed {misses} false {false}"
        )


if __name__ == "__main__":
    main()
