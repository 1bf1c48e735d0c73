"""The shared real-news corpus (``../shared/corpora/news-events``), read where it lies.

Real published news texts with gold labels made independently of this project: relevance
labels for every item, and events for the on-topic ones. Its text is never copied into the
project; benchmarks read it from the shared folder at run time, as the extraction
benchmark does, and score with the corpus's own ``score.py`` (the rule the project is
judged by).

    from corpus import load_items, score_predictions
    items = load_items(topic="la-immigration-2025")
    figures = score_predictions(predictions, topic="la-immigration-2025")

The folder is found at ``$NEWSMON_CORPUS`` or ``<project>/../shared/corpora/news-events``.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROFILES = Path(__file__).resolve().parent / "profiles"

TOPICS = ("chicago-immigration-2025", "la-immigration-2025")


def corpus_dir() -> Path:
    env = os.environ.get("NEWSMON_CORPUS")
    path = Path(env) if env else ROOT.parent / "shared" / "corpora" / "news-events"
    if not (path / "articles").is_dir():
        raise SystemExit(
            f"the real-news corpus is not at {path} (set NEWSMON_CORPUS to its folder)"
        )
    return path


def topic_profile(topic: str) -> Path:
    """The topic profile the benchmarks use for a corpus story: the shipped one for the
    seed story, the one kept with the benchmarks for the others."""
    shipped = ROOT / "seeds" / f"{topic}.toml"
    return shipped if shipped.exists() else PROFILES / f"{topic}.toml"


@dataclass(frozen=True)
class Item:
    id: str
    url: str
    title: str
    source: str
    published: str | None
    topic: str
    label: str  # on_topic | near_topic | off_topic (relative to ``topic``)
    subtopic: str
    text: str
    events: tuple[dict[str, Any], ...]

    @property
    def on_topic(self) -> bool:
        return self.label == "on_topic"


def load_items(topic: str | None = None, prefix: str | None = None) -> list[Item]:
    """Every item of the corpus (of one story, or whose id starts with ``prefix``)."""
    out = []
    for path in sorted((corpus_dir() / "articles").glob("*.json")):
        d = json.loads(path.read_text(encoding="utf-8"))
        if (topic and d["topic"] != topic) or (prefix and not d["id"].startswith(prefix)):
            continue
        out.append(
            Item(
                id=d["id"],
                url=d["url"],
                title=d["title"],
                source=d["source"],
                published=d.get("published"),
                topic=d["topic"],
                label=d["label"],
                subtopic=d.get("subtopic", ""),
                text=d["text"],
                events=tuple(d.get("events") or ()),
            )
        )
    return out


def scorer() -> ModuleType:
    """The corpus's own ``score.py``, imported from the shared folder."""
    path = corpus_dir() / "score.py"
    spec = importlib.util.spec_from_file_location("news_events_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score_predictions(
    predictions: Iterable[dict[str, Any]],
    *,
    topic: str | None = None,
    prefix: str | None = None,
    verbose: bool = False,
) -> tuple[dict[str, Any], str]:
    """Score predictions (``{"id", "on_topic", "events": [{"event_type", "actor",
    "evidence", "event_date"}]}``) with ``score.py``; returns its figures and what it
    printed (with ``verbose``, every miss and false alarm)."""
    module = scorer()
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        for p in predictions:
            fh.write(json.dumps(p) + "\n")
        name = fh.name
    argv = ["score.py", name]
    if topic:
        argv += ["--topic", topic]
    if prefix:
        argv += ["--prefix", prefix]
    if verbose:
        argv.append("-v")
    buf = io.StringIO()
    old = sys.argv
    try:
        sys.argv = argv
        with redirect_stdout(buf):
            module.main()
    finally:
        sys.argv = old
        os.unlink(name)
    printed = buf.getvalue()
    figures = json.loads(printed.strip().splitlines()[-1])
    return figures, printed
