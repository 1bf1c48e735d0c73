"""The real monitor over the real-news corpus, served as feeds in two waves with copies.

Every item of the shared corpus (``../shared/corpora/news-events``, read at run time,
never copied into the project) is published as an article page of its outlet on a
local HTTP server (127.0.0.1), listed in the outlet's Atom feed. Around them the
server publishes what a monitor meets in the wild:

- **wire copies**: the full text on another outlet with a credit line ("This story was
  originally published by ..."), two hours after the original;
- **AMP copies**: a trimmed rendering (the first half of the paragraphs) at the
  original's URL + ``/amp``, its canonical link pointing at the original;
- **trimmed reprints**: the first 60% of the text on a third outlet, no credit,
  three hours after the original;
- **rewrites**: two articles of the first wave come back in the second at the same URL
  with one figure changed and a later ``<updated>`` (the only true ARTICLE_UPDATED).

The originals are split in two waves by publication date. Some copies come first (in
wave 1, their original in wave 2), some arrive in the same run as their original and
listed ahead of it (their feed stamp an hour earlier), the rest after it. Publication
times on the pages are the corpus's dates at noon (the corpus gives dates only).

For each story (``chicago-immigration-2025`` with the shipped profile,
``la-immigration-2025`` with ``benchmarks/profiles/``) the real command
``newsmon run --topic ... --db ... --feed ... --allow-private-hosts`` runs twice (wave
1, then wave 2) on a fresh database; every story sees every item. Then it reports:

- **relevance** of the originals (precision, recall per story: the story's on-topic
  items are the positives);
- **duplicates**: copies recognised, originals filed as a copy, copies kept as primary;
- **alerts**: every alert, judged automatically against the gold (a NEW_EVENT is
  ``correct`` when its event matches a gold event of its item by the corpus's own rule,
  ``repeated`` when an earlier alert matched the same gold happening, else ``wrong``;
  ARTICLE_UPDATED is correct only on a rewrite; FACT_CHANGED is left to a person),
  with ``--alerts PATH`` writing the table for ``docs/alerts.md`` (ids, types, dates
  and verdicts only: the corpus's text stays out of the project; ``--with-text`` adds
  the headlines and evidence for the person judging).

Usage:
    python benchmarks/monitor_corpus.py [--topic ID] [--alerts alerts.md] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from corpus import TOPICS, Item, load_items, scorer, topic_profile  # noqa: E402

from extractors.urls import canonicalize_url  # noqa: E402

WIRE = "Metro Wire Digest"
REPRINT = "Lakefront Aggregator"
COPY_KINDS = ("wire_credit", "amp", "trimmed", None)


@dataclass
class Doc:
    """One page the server publishes."""

    key: str  # unique
    item: Item  # the corpus item it carries
    kind: str  # original | wire_credit | amp | trimmed | rewrite
    outlet: str
    path: str
    title: str
    text: str
    published: str | None  # page time (ISO)
    feed_published: str | None  # the feed's stamp
    canonical: str | None = None  # path
    wave: int = 1
    updated: str | None = None
    author: str | None = None
    served_in: set[int] = field(default_factory=set)
    base_url: str = ""  # set when the site starts

    @property
    def url(self) -> str:
        return self.base_url + self.path

    @property
    def original_url(self) -> str:
        return f"{self.base_url}/{_slug(self.item.source)}/{self.item.id}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "outlet"


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.splitlines() if p.strip()]


def _cut(text: str, share: float) -> str:
    paras = _paragraphs(text)
    n = max(2, round(len(paras) * share))
    return "\n\n".join(paras[:n])


def _at(date: str | None, hours: int = 0) -> str | None:
    if not date:
        return None
    return f"{date[:10]}T{12 + hours:02d}:00:00-05:00"


def _order(item: Item) -> tuple[str, str]:
    return (item.published or "9999", item.id)


def _pick(item: Item) -> int:
    return int(hashlib.sha1(item.id.encode()).hexdigest(), 16)


_FIGURE = re.compile(r"\b(\d{2,3})\b(?! ?(?:a\.m|p\.m|percent|%))")


def build_docs(items: list[Item]) -> list[Doc]:
    """The site's pages, with their waves (see the module docstring)."""
    ordered = sorted(items, key=_order)
    wave_of = {it.id: (1 if i < len(ordered) // 2 else 2) for i, it in enumerate(ordered)}
    docs: list[Doc] = []
    rewritten: set[str] = set()  # one rewrite per story
    for i, it in enumerate(ordered):
        base = f"/{_slug(it.source)}/{it.id}"
        wave = wave_of[it.id]
        original = Doc(
            it.id, it, "original", it.source, base, it.title, it.text,
            _at(it.published), _at(it.published), base, wave,
        )  # fmt: skip
        docs.append(original)
        kind = COPY_KINDS[i % 4] if it.on_topic else ("wire_credit" if i % 3 == 0 else None)
        if kind is not None:
            # Half the copies of a wave-2 original come first (in wave 1); of a wave-1
            # original, half arrive with it (listed ahead of it), half after it.
            copy_wave = 1 if _pick(it) % 2 == 0 else 2
            ahead = copy_wave == wave  # together: the copy is listed an hour earlier
            page_hours = {"wire_credit": 2, "amp": 0, "trimmed": 3}[kind]
            feed_time = _at(it.published, page_hours - 3 if ahead else page_hours)
            if kind == "wire_credit":
                docs.append(
                    Doc(
                        f"{it.id}~wire", it, kind, WIRE, f"/{_slug(WIRE)}/{it.id}", it.title,
                        it.text + f"\n\nThis story was originally published by {it.source} "
                        "and is republished here with permission.",
                        _at(it.published, 2), feed_time, None, copy_wave,
                    )
                )  # fmt: skip
            elif kind == "amp":
                docs.append(
                    Doc(
                        f"{it.id}~amp", it, kind, it.source, base + "/amp", it.title,
                        _cut(it.text, 0.5), _at(it.published), feed_time, base, copy_wave,
                    )
                )  # fmt: skip
            else:
                docs.append(
                    Doc(
                        f"{it.id}~trim", it, kind, REPRINT, f"/{_slug(REPRINT)}/{it.id}",
                        it.title, _cut(it.text, 0.6), _at(it.published, 3), feed_time, None,
                        copy_wave,
                    )
                )  # fmt: skip
        elif it.on_topic and wave == 1 and it.topic not in rewritten and _FIGURE.search(it.text):
            m = _FIGURE.search(it.text)
            assert m is not None
            changed = it.text[: m.start()] + str(int(m.group(1)) + 20) + it.text[m.end() :]
            docs.append(
                Doc(
                    f"{it.id}~rewrite", it, "rewrite", it.source, base, it.title, changed,
                    _at(it.published), _at(it.published), base, 2,
                    updated=f"{(it.published or '2025-12-31')[:10]}T23:00:00-05:00",
                )
            )  # fmt: skip
            rewritten.add(it.topic)
    return docs


# ----------------------------------------------------------------------------- serving


def page_html(doc: Doc, base_url: str) -> str:
    e = html.escape
    meta = [f'<meta property="og:site_name" content="{e(doc.outlet)}">']
    meta.append(f'<meta property="og:title" content="{e(doc.title)}">')
    if doc.published:
        meta.append(f'<meta property="article:published_time" content="{doc.published}">')
    if doc.canonical:
        meta.append(f'<link rel="canonical" href="{base_url}{doc.canonical}">')
    body = "\n".join(f"<p>{e(p)}</p>" for p in _paragraphs(doc.text))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{e(doc.title)} | {e(doc.outlet)}</title>{''.join(meta)}</head><body>"
        f"<header><nav><a href='/'>{e(doc.outlet)}</a> <a href='/news'>News</a> "
        "<a href='/sports'>Sports</a></nav></header>"
        f"<main><article><h1>{e(doc.title)}</h1>{body}</article></main>"
        "<footer><p>Copyright the publisher. All rights reserved.</p></footer></body></html>"
    )


def feed_xml(outlet: str, docs: list[Doc], base_url: str) -> str:
    e = html.escape
    entries = []
    for d in docs:
        stamp = d.feed_published
        when = f"<published>{stamp}</published>" if stamp else ""
        upd = d.updated or stamp
        entries.append(
            f"<entry><title>{e(d.title)}</title><link href='{base_url}{d.path}'/>"
            f"<id>{base_url}{d.path}</id>{when}"
            + (f"<updated>{upd}</updated>" if upd else "")
            + "</entry>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<title>{e(outlet)}</title><id>{base_url}/feeds/{_slug(outlet)}</id>"
        + "".join(entries)
        + "</feed>"
    )


class Site:
    """The pages of one wave (a later wave keeps the earlier pages, rewrites replace)."""

    def __init__(self, docs: list[Doc]) -> None:
        self.docs = docs
        self.wave = 1
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def live(self) -> list[Doc]:
        by_path: dict[str, Doc] = {}
        for d in sorted(self.docs, key=lambda d: d.kind == "rewrite"):
            if d.wave <= self.wave:
                by_path[d.path] = d
        return list(by_path.values())

    def feeds(self) -> list[str]:
        outlets = sorted({d.outlet for d in self.docs})
        return [f"{self.base_url}/feeds/{_slug(o)}.xml" for o in outlets]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?")[0]
                live = site.live()
                if path.startswith("/feeds/"):
                    slug = path[len("/feeds/") :].removesuffix(".xml")
                    mine = [d for d in live if _slug(d.outlet) == slug]
                    if not mine:
                        return self._send(404, b"no such feed", "text/plain")
                    body = feed_xml(mine[0].outlet, mine, site.base_url).encode("utf-8")
                    return self._send(200, body, "application/atom+xml")
                for d in live:
                    if d.path == path:
                        d.served_in.add(site.wave)
                        return self._send(200, page_html(d, site.base_url).encode(), "text/html")
                return self._send(404, b"not found", "text/plain")

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", f"{ctype}; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# ----------------------------------------------------------------------------- running


def run_monitor(topic: str, db: Path, feeds: list[str]) -> str:
    exe = Path(sys.executable).parent / "newsmon"
    cmd = [str(exe), "run", "--topic", str(topic_profile(topic)), "--db", str(db)]
    for f in feeds:
        cmd += ["--feed", f]
    cmd += ["--allow-private-hosts", "--per-host-delay", "0"]
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"newsmon run failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


# ----------------------------------------------------------------------------- judging


@dataclass
class Judged:
    alert_id: int
    kind: str
    summary: str
    doc: str
    verdict: str
    why: str
    evidence: str = ""
    old_evidence: str = ""
    what: str = ""  # type and date, or the fact's change: no text of the corpus


def _gold_root(item: Item, index: int) -> int:
    seen = set()
    while index not in seen:
        seen.add(index)
        nxt = item.events[index].get("restates")
        if not isinstance(nxt, int):
            break
        index = nxt
    return index


def judge(story: str, db_path: Path, docs: dict[str, Doc]) -> tuple[dict[str, Any], list[Judged]]:
    import sqlite3

    score = scorer()
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    rows = {r["url"]: dict(r) for r in con.execute("select * from articles")}
    skipped = {r[0] for r in con.execute("select url from skipped_items")}
    by_id = {r["id"]: r for r in rows.values()}
    doc_of: dict[int, Doc] = {}
    for d in docs.values():
        r = rows.get(d.url)
        if r is not None and d.kind != "rewrite":
            doc_of[r["id"]] = d

    # Relevance of the originals; duplicates.
    tp = fp = fn = 0
    misses, false = [], []
    originals_as_copies, copies_missed, copies_total, copies_found = [], [], 0, 0
    copies_skipped = 0
    for d in docs.values():
        r = rows.get(d.url)
        if d.kind == "original":
            positive = d.item.topic == story and d.item.on_topic
            if r is None:
                if positive:
                    fn += 1
                    misses.append(f"{d.item.id} (not stored)")
                continue
            if r["status"] == "duplicate":
                originals_as_copies.append(f"{d.item.id} -> {by_id[r['duplicate_of']]['url']}")
                relevant = by_id[r["duplicate_of"]]["status"] == "relevant"
            else:
                relevant = r["status"] == "relevant"
            if relevant and positive:
                tp += 1
            elif relevant:
                fp += 1
                false.append(d.item.id)
            elif positive:
                fn += 1
                misses.append(d.item.id)
        elif d.kind in ("wire_credit", "amp", "trimmed"):
            copies_total += 1
            orig = rows.get(d.original_url)
            found = r is not None and orig is not None and r["status"] == "duplicate"
            if found and r is not None and orig is not None and r["duplicate_of"] == orig["id"]:
                copies_found += 1
                continue
            if r is None and orig is not None and canonicalize_url(d.url) == orig["canonical_url"]:
                copies_found += 1  # an AMP URL of a stored original: known, never fetched
                continue
            if (
                r is None
                and d.url in skipped
                and (orig is None or orig["status"] not in ("relevant", "duplicate"))
            ):
                # A copy of another story's article, off the topic by its feed entry: not
                # fetched, as its original was not kept; nothing to recognise.
                copies_total -= 1
                copies_skipped += 1
                continue
            copies_missed.append(f"{d.key} ({r['status'] if r else 'not stored'})")

    # Alerts.
    judged: list[Judged] = []
    alerted: set[tuple[str, int]] = set()
    what_of: dict[int, str] = {}
    for a in con.execute("select * from alerts order by id"):
        details = json.loads(a["details"] or "{}")
        if a["kind"] == "FACT_CHANGED":
            what = (
                f"{details.get('fact')}: {(details.get('old') or {}).get('display')} → "
                f"{(details.get('new') or {}).get('display')}"
            )
        elif a["kind"] == "NEW_EVENT":
            what = f"{details.get('event_type')} {details.get('event_date') or ''}".strip()
        else:
            what = "rewrite"
        what_of[a["id"]] = what
        art = by_id.get(a["article_id"])
        d = doc_of.get(a["article_id"]) if art else None
        label = f"{d.item.id}:{d.kind}" if d else "?"
        if a["kind"] == "ARTICLE_UPDATED":
            rewritten = d is not None and any(
                x.kind == "rewrite" and x.item.id == d.item.id for x in docs.values()
            )
            verdict = "correct" if rewritten else "wrong"
            why = "a rewrite served at the same URL" if rewritten else "no rewrite was served"
            judged.append(Judged(a["id"], a["kind"], a["summary"], label, verdict, why))
            continue
        ev = None
        if a["event_id"] is not None:
            ev = con.execute("select * from events where id = ?", [a["event_id"]]).fetchone()
        evidence = ev["evidence"] if ev else ""
        if a["kind"] == "FACT_CHANGED":
            judged.append(
                Judged(a["id"], a["kind"], a["summary"], label, "review", "", evidence,
                       (details.get("old") or {}).get("evidence") or "")
            )  # fmt: skip
            continue
        if d is None or ev is None:
            judged.append(Judged(a["id"], a["kind"], a["summary"], label, "wrong", "no source"))
            continue
        item = d.item
        if item.topic != story or not item.on_topic:
            judged.append(
                Judged(a["id"], a["kind"], a["summary"], label, "wrong",
                       f"item is {item.label} for {item.topic}", evidence)
            )  # fmt: skip
            continue
        match = None
        for gi, g in enumerate(item.events):
            if (
                g["event_type"] == ev["event_type"]
                and score.overlap(evidence, g["evidence"]) >= 0.6
            ):
                match = gi
                break
        if match is None:
            judged.append(
                Judged(a["id"], a["kind"], a["summary"], label, "wrong",
                       "no gold event of this type in this sentence", evidence)
            )  # fmt: skip
            continue
        root = (item.id, _gold_root(item, match))
        if root in alerted:
            judged.append(
                Judged(a["id"], a["kind"], a["summary"], label, "repeated",
                       f"gold event {root[1]} alerted before", evidence)
            )  # fmt: skip
            continue
        alerted.add(root)
        judged.append(
            Judged(a["id"], a["kind"], a["summary"], label, "correct",
                   f"gold {item.events[match]['event_type']} #{match}", evidence)
        )  # fmt: skip
    con.close()
    for j in judged:
        j.what = what_of.get(j.alert_id, "")
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    figures = {
        "relevance": {"precision": round(p, 3), "recall": round(r, 3), "tp": tp, "fp": fp,
                      "fn": fn, "missed": misses, "false": false},
        "duplicates": {"copies": copies_total, "recognised": copies_found,
                       "missed": copies_missed, "originals_filed_as_copies": originals_as_copies,
                       "off_topic_copies_not_fetched": copies_skipped},
    }  # fmt: skip
    return figures, judged


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--topic", choices=TOPICS, action="append", help="a story (default: both)")
    ap.add_argument("--alerts", help="write the table of judged alerts (Markdown) here")
    ap.add_argument("--keep", help="keep the databases in this folder")
    ap.add_argument(
        "--with-text",
        action="store_true",
        help="add each alert's headline and evidence to the table (for reading; never "
        "copy the corpus's text into the project)",
    )
    args = ap.parse_args()
    items = load_items()
    docs = build_docs(items)
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="newsmon-corpus-"))
    workdir.mkdir(parents=True, exist_ok=True)
    out_tables: list[str] = []
    totals: dict[str, int] = {}
    try:
        with Site(docs) as site:
            for d in docs:
                d.base_url = site.base_url
            by_key = {d.key: d for d in docs}
            print(
                f"{len(items)} corpus items as {len(docs)} pages "
                f"({sum(d.kind == 'original' for d in docs)} originals, "
                + ", ".join(
                    f"{sum(d.kind == k for d in docs)} {k}"
                    for k in ("wire_credit", "amp", "trimmed", "rewrite")
                )
                + f") on {site.base_url}, {len(site.feeds())} feeds"
            )
            for story in args.topic or TOPICS:
                db = workdir / f"{story}.db"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                for wave in (1, 2):
                    site.wave = wave
                    run_monitor(story, db, site.feeds())
                figures, judged = judge(story, db, by_key)
                verdicts = {v: sum(j.verdict == v for j in judged) for v in
                            ("correct", "repeated", "wrong", "review")}  # fmt: skip
                kinds = {k: sum(j.kind == k for j in judged) for k in
                         ("NEW_EVENT", "FACT_CHANGED", "ARTICLE_UPDATED")}  # fmt: skip
                for k, v in verdicts.items():
                    totals[k] = totals.get(k, 0) + v
                print(f"\n== {story}")
                rel, dup = figures["relevance"], figures["duplicates"]
                print(
                    f"relevance: precision {rel['precision']:.3f} recall {rel['recall']:.3f} "
                    f"(tp {rel['tp']}, fp {rel['fp']}, fn {rel['fn']}); missed {rel['missed']}, "
                    f"false {rel['false']}"
                )
                print(
                    f"duplicates: {dup['recognised']}/{dup['copies']} copies recognised; "
                    f"originals filed as copies: {len(dup['originals_filed_as_copies'])} "
                    f"{dup['originals_filed_as_copies']}; missed {dup['missed']}; "
                    f"copies of off-topic items not fetched: {dup['off_topic_copies_not_fetched']}"
                )
                print(f"alerts: {len(judged)} {kinds}; auto-judged {verdicts}")
                out_tables.append(_table(story, judged, args.with_text))
        print(f"\nall alerts auto-judged: {totals}")
        if args.alerts:
            Path(args.alerts).write_text("\n\n".join(out_tables) + "\n", encoding="utf-8")
            print(f"alert table written to {args.alerts}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def _cell(text: str, limit: int = 220) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _table(story: str, judged: list[Judged], with_text: bool = False) -> str:
    """The judged alerts as a Markdown table. Without ``with_text`` it holds no text of
    the corpus (no headline, no evidence: item ids, types, dates, verdicts), so it may
    go into the project's docs; ``with_text`` adds both, for the person judging."""
    head = "| # | kind | item | what | verdict | why |"
    rule = "| ---: | --- | --- | --- | --- | --- |"
    if with_text:
        head += " alert | evidence |"
        rule += " --- | --- |"
    lines = [f"#### {story}", "", head, rule]
    for j in judged:
        row = (
            f"| {j.alert_id} | {j.kind} | {j.doc} | {_cell(j.what, 80)} | {j.verdict} | "
            f"{_cell(j.why, 120)} |"
        )
        if with_text:
            ev = j.evidence + (f" (was: {j.old_evidence})" if j.old_evidence else "")
            row += f" {_cell(j.summary, 160)} | {_cell(ev, 260)} |"
        lines.append(row)
    return "\n".join(lines)


if __name__ == "__main__":
    main()
