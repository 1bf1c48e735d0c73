"""Precision and recall of the relevance decision on the labelled fake-site articles.

Two labelled sets, both written for this project:

- **demo site** (``demo_site/content``, 51 articles): on-topic = follow-ups,
  syndicated seed copies, wire copies, rewrites; negative = near-topic (National Guard
  and immigration stories from other cities) and off-topic Chicago news. The relevance
  rules were tuned while looking at this set, so it is the development set.
- **held out** (``tests/fixtures/relevance/heldout.jsonl``, 16 articles): written after
  tuning and scored once before any change, with hard cases (near-topic stories that
  name Chicago in the lead; Chicago stories about federal money and the mayor).

Each article is scored from its title and text with the topic profile, exactly as the
pipeline scores a cleaned page.

Usage:
    python benchmarks/relevance_eval.py [--topic PATH] [--show-errors]
Prints precision, recall and F1 overall and accuracy per label.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HELDOUT = (
    Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "relevance" / "heldout.jsonl"
)
HELDOUT_LABELS = {"on": "followup", "near": "near_topic", "off": "off_topic"}

POSITIVE = {
    "followup",
    "republished_seed",
    "wire_copy",
    "same_outlet_other_url",
    "rewrite_material",
    "rewrite_cosmetic",
}
NEGATIVE = {"near_topic", "off_topic"}


@dataclass(frozen=True)
class Scored:
    id: str
    label: str
    relevant: bool
    score: float
    anchors: tuple[str, ...]


def labelled_sets() -> dict[str, list[tuple[str, str, str, str]]]:
    """{set name: [(id, label, title, text)]}."""
    from demo_site.server import load_content

    demo = [(s.id, s.label, s.title, s.text) for s in load_content()]
    heldout = []
    for line in HELDOUT.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            heldout.append((row["id"], HELDOUT_LABELS[row["label"]], row["title"], row["text"]))
    return {"demo site": demo, "held out": heldout}


def evaluate(items: list[tuple[str, str, str, str]], topic: str | None = None) -> list[Scored]:
    from extractors.relevance import score
    from newsmon.profile import load_profile
    from newsmon.topic import relevance_model

    model = relevance_model(load_profile(topic))
    out = []
    for id_, label, title, text in items:
        r = score(text, title, model)
        out.append(Scored(id_, label, r.relevant, r.score, r.anchor_hits))
    return [s for s in out if s.label in POSITIVE | NEGATIVE]


def metrics(scored: list[Scored]) -> dict[str, float]:
    tp = sum(1 for s in scored if s.label in POSITIVE and s.relevant)
    fp = sum(1 for s in scored if s.label in NEGATIVE and s.relevant)
    fn = sum(1 for s in scored if s.label in POSITIVE and not s.relevant)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--topic", default=None, help="topic profile (default: the bundled one)")
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args(argv)
    for name, items in labelled_sets().items():
        scored = evaluate(items, args.topic)
        m = metrics(scored)
        per_label: Counter[str] = Counter()
        right: Counter[str] = Counter()
        for s in scored:
            per_label[s.label] += 1
            right[s.label] += s.relevant == (s.label in POSITIVE)
        print(f"{name}: {len(scored)} labelled articles")
        for label in sorted(per_label):
            print(f"  {label:<24} {right[label]:>3}/{per_label[label]:<3} correct")
        if args.show_errors:
            for s in scored:
                if s.relevant != (s.label in POSITIVE):
                    print(f"  WRONG {s.id} ({s.label}): relevant={s.relevant} score={s.score}")
        print(
            f"  precision {m['precision']:.3f} recall {m['recall']:.3f} F1 {m['f1']:.3f} "
            f"(tp {m['tp']}, fp {m['fp']}, fn {m['fn']})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
