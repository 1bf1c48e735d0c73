"""End-to-end throughput of the monitor against a bare baseline, in the same run.

Serves N generated article pages (default 1,000, ~100 KB of HTML each, distinct
stories so every stage does its full work: relevance, near-duplicate check, event
extraction) from 127.0.0.1 in several feeds, then measures:

- **baseline**: a plain loop, no Prefect: httpx GET each feed, feedparser, then for each
  item httpx GET + trafilatura + one sqlite insert (one transaction at the end).
- **pipeline (stages)**: newsmon's stages called as plain functions.
- **pipeline (Prefect flow)**: the real ``monitor`` flow, in a fresh process of its own
  (as a scheduled run is), so its process pool starts cold and is counted. Prefect's
  start-up (the ephemeral API, several seconds) is measured separately and not counted,
  because a scheduled deployment pays it once per worker, not per run.

The site is a general news site: ``--mix`` gives the share of its items that are on
the topic (the others are off-topic city news: transit, sports, weather, crime), and its
feeds carry each item's title and a one-sentence summary, as real feeds do
(``--no-summaries``: titles only). The default measures two sites in one sitting: all
items on the topic, and 10 % on the topic. newsmon does not fetch the items whose feed
entry is off the topic (``extractors.prefilter``); the baseline fetches everything. A
contender's rate counts every feed item it dealt with: stored, or (newsmon) recorded as
off the topic without fetching.

Usage:
    python benchmarks/throughput.py [--articles 1000] [--feeds 10] [--repeat 3]
                                    [--mix 1,0.1] [--no-summaries]
                                    [--skip-stages] [--skip-flow]
Prints one line per contender (items/second, CPU per item) and the ratio to the
baseline; per site, the flow and the baseline alternate ``--repeat`` times, and the last
lines give the ratio of their medians for each site.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape as html_escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from news_page import PAGE_STYLES, median_shape

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?”])\s+(?=[A-Z“])")


def sentence_pool() -> list[str]:
    """Real news prose: every sentence of the demo site's articles (about 1,000, written
    for this project). Each benchmark article is a different random draw of 30-45 of
    them, so the articles are distinct stories to the duplicate check (two share about
    one sentence by chance) and read like news to the relevance and event stages."""
    from demo_site.server import load_content

    return [
        sent
        for spec in load_content()
        for para in spec.body
        for sent in _SENTENCE_SPLIT.split(para.removeprefix("## ").removeprefix("- "))
        if len(sent.split()) >= 6
    ]


def make_article(
    i: int, rng: random.Random, pool: list[str], pages: str = "news"
) -> tuple[str, str]:
    """(title, html): a distinct story in about 100 KB of page chrome; by default shaped
    like a real news site's (see ``news_page``)."""
    sentences = rng.sample(pool, rng.randint(30, 45))
    title = " ".join(sentences[0].split()[:12]).rstrip(",.;:") + f" ({i})"
    paragraphs = [" ".join(sentences[k : k + 3]) for k in range(0, len(sentences), 3)]
    filler = [w for sent in pool[:200] for w in sent.split()]
    return title, PAGE_STYLES[pages](i, rng, title, paragraphs, filler)


#: Labels of the demo site's articles that are on the topic, and off it (near-topic
#: stories, the same agencies in other cities, are left out of the general site).
ON_TOPIC_LABELS = frozenset(
    {"followup", "republished_seed", "wire_copy", "same_outlet_other_url", "rewrite_material"}
)
OFF_TOPIC_LABELS = frozenset({"off_topic"})


@dataclass(frozen=True)
class Prose:
    """What one kind of generated story is drawn from: the demo site's articles of some
    labels, as (headline, summary) pairs and a pool of their sentences."""

    leads: tuple[tuple[str, str], ...]
    pool: tuple[str, ...]


def prose(labels: frozenset[str]) -> Prose:
    from demo_site.server import load_content

    specs = [s for s in load_content() if s.label in labels and s.summary]
    pool = tuple(
        sent
        for spec in specs
        for para in spec.body
        for sent in _SENTENCE_SPLIT.split(para.removeprefix("## ").removeprefix("- "))
        if len(sent.split()) >= 6
    )
    return Prose(tuple(dict.fromkeys((s.title, s.summary) for s in specs)), pool)


def make_story(
    i: int, rng: random.Random, source: Prose, filler_pool: list[str], pages: str = "news"
) -> tuple[str, str, str]:
    """(title, summary, html): a distinct story drawn from ``source``, whose feed entry
    is a demo article's headline and summary (the summary also opens the story)."""
    headline, summary = rng.choice(source.leads)
    sentences = [summary, *rng.sample(source.pool, min(len(source.pool), rng.randint(29, 44)))]
    title = f"{headline} ({i})"
    paragraphs = [" ".join(sentences[k : k + 3]) for k in range(0, len(sentences), 3)]
    filler = [w for sent in filler_pool[:200] for w in sent.split()]
    return title, summary, PAGE_STYLES[pages](i, rng, title, paragraphs, filler)


class Site:
    """N articles in F RSS feeds, served from memory on 127.0.0.1; a share ``mix`` of
    them on the topic (at random places), the others off it."""

    def __init__(
        self,
        n: int,
        feeds: int,
        seed: int = 7,
        pages: str = "news",
        mix: float = 1.0,
        summaries: bool = True,
    ) -> None:
        rng = random.Random(seed)
        filler_pool = sentence_pool()
        on, off = prose(ON_TOPIC_LABELS), prose(OFF_TOPIC_LABELS)
        on_topic = set(random.Random(seed + 1).sample(range(n), round(n * mix)))
        self.pages: dict[str, bytes] = {}
        self.feeds: dict[str, bytes] = {}
        items: list[list[str]] = [[] for _ in range(feeds)]
        start = datetime(2025, 10, 1, tzinfo=UTC)
        for i in range(n):
            source = on if i in on_topic else off
            title, summary, html = make_story(i, rng, source, filler_pool, pages)
            self.pages[f"/story/{i}"] = html.encode()
            stamp = format_datetime(start + timedelta(minutes=i))
            description = f"<description>{html_escape(summary)}</description>" if summaries else ""
            items[i % feeds].append(
                f"<item><title>{html_escape(title)}</title><link>{{base}}/story/{i}</link>"
                f"{description}<guid>story-{i}</guid><pubDate>{stamp}</pubDate></item>"
            )
        for f, its in enumerate(items):
            self.feeds[f"/feed/{f}.xml"] = (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Feed {f}</title><link>{{base}}/</link>{''.join(its)}</channel></rss>"
            ).encode()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.feeds = {k: v.replace(b"{base}", self.base.encode()) for k, v in self.feeds.items()}
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                if self.path in site.feeds:
                    body, ctype = site.feeds[self.path], "application/rss+xml"
                elif self.path in site.pages:
                    body, ctype = site.pages[self.path], "text/html; charset=utf-8"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def feed_urls(self) -> list[str]:
        return [self.base + path for path in self.feeds]

    def close(self) -> None:
        self.server.shutdown()


class SiteAt:
    """The child's handle on a site another process serves."""

    def __init__(self, base: str, n_feeds: int) -> None:
        self.base, self.n_feeds = base, n_feeds

    def feed_urls(self) -> list[str]:
        return [f"{self.base}/feed/{f}.xml" for f in range(self.n_feeds)]


class RemoteSite:
    """The same site, served by a child process, so the server's threads do not compete
    for the GIL with what is being measured (a real news site is another machine)."""

    def __init__(
        self, n: int, feeds: int, pages: str = "news", mix: float = 1.0, summaries: bool = True
    ) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--serve",
                "--articles",
                str(n),
                "--feeds",
                str(feeds),
                "--pages",
                pages,
                "--mix",
                str(mix),
                *(() if summaries else ("--no-summaries",)),
            ],  # fmt: skip
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        header = self.proc.stdout.readline().split()
        if len(header) != 2:
            raise RuntimeError(f"benchmark site did not start: {header!r}")
        self.base, self.avg_kb = header[0], float(header[1])
        _NOT_OURS.add(self.proc.pid)
        self.n_feeds = feeds

    def feed_urls(self) -> list[str]:
        return [f"{self.base}/feed/{f}.xml" for f in range(self.n_feeds)]

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def serve(n: int, feeds: int, pages: str, mix: float, summaries: bool) -> int:
    site = Site(n, feeds, pages=pages, mix=mix, summaries=summaries)
    avg_kb = sum(len(p) for p in site.pages.values()) / len(site.pages) / 1024
    print(site.base, f"{avg_kb:.1f}", flush=True)
    sys.stdin.read()  # until the parent closes our stdin
    site.close()
    return 0


def _trafilatura_ms(*page_sets: list[str]) -> list[float]:
    """Median CPU milliseconds of the baseline's trafilatura call on one page of each
    set. The sets are timed interleaved, page by page, so that the machine's drifting
    speed weighs on each the same."""
    import itertools

    import trafilatura

    times: list[list[float]] = [[] for _ in page_sets]
    for row in itertools.zip_longest(*page_sets):
        for k, html in enumerate(row):
            if html is not None:
                t0 = time.process_time()
                trafilatura.extract(html, include_comments=False)
                times[k].append((time.process_time() - t0) * 1000)
    return [statistics.median(t) for t in times]


def _shape_line(label: str, pages: list[str], cleaning_ms: float) -> str:
    m = median_shape(pages)
    return (
        f"{label:<34} {len(pages):>4} pages, medians: {m['KB']:.0f} KB, "
        f"{m['elements']:.0f} elements, {m['attributes per element']:.2f} attributes and "
        f"depth {m['average depth']:.1f} per element, {m['script/style share']:.0%} "
        f"script/style; trafilatura {cleaning_ms:.1f} ms"
    )


def _real_pages(real_dir: str) -> list[str]:
    import gzip

    real = []
    for path in sorted(Path(real_dir).iterdir()):
        if path.name.endswith(".html.gz"):
            data = gzip.decompress(path.read_bytes())
        elif path.name.endswith(".html"):
            data = path.read_bytes()
        else:
            continue
        if 60 * 1024 <= len(data) <= 160 * 1024:
            real.append(data.decode("utf-8", errors="replace"))
    return real


def describe_pages(style: str, real_dir: str | None, sample: int = 50) -> None:
    """Print the markup of the generated pages (what cleaning time depends on) and, with
    ``real_dir``, of the real pages of 60-160 KB there, timed in the same run."""
    rng, pool = random.Random(7), sentence_pool()
    generated = [make_article(i, rng, pool, style)[1] for i in range(sample)]
    real = _real_pages(real_dir) if real_dir else []
    if real_dir and not real:
        print(f"no .html or .html.gz pages of 60-160 KB in {real_dir}")
    times = _trafilatura_ms(generated, real) if real else _trafilatura_ms(generated)
    print(_shape_line(f"generated pages ({style})", generated, times[0]), flush=True)
    if real:
        print(_shape_line("real pages of 60-160 KB", real, times[1]), flush=True)


def baseline(site: RemoteSite, db_path: str) -> int:
    import feedparser
    import httpx
    import trafilatura

    conn = sqlite3.connect(db_path)
    conn.execute("create table articles (url text primary key, title text, text text)")
    rows = []
    with httpx.Client(timeout=20) as client:
        for feed_url in site.feed_urls():
            parsed = feedparser.parse(client.get(feed_url).content)
            for entry in parsed.entries:
                html = client.get(entry.link).text
                text = trafilatura.extract(html, url=entry.link, include_comments=False)
                rows.append((entry.link, entry.get("title"), text))
    with conn:
        conn.executemany("insert or ignore into articles values (?, ?, ?)", rows)
    conn.close()
    return len(rows)


def _profile():  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from newsmon.profile import load_profile

    p = load_profile()
    return replace(p, fetch=replace(p.fetch, per_host_delay=0.0, max_articles_per_run=10**6))


def pipeline_stages(site: RemoteSite, db_path: str, workers: int) -> int:
    from newsmon import pipeline
    from newsmon.profile import FeedSpec

    profile = _profile()
    pipeline.prepare(db_path, profile)
    feeds = [FeedSpec(u) for u in site.feed_urls()]
    states = pipeline.feed_states(db_path, feeds)
    polls = [pipeline.poll_feed(f, states[f.url], profile, allow_private_hosts=True) for f in feeds]
    selection = pipeline.record_polls(
        db_path, polls, max_articles=10**6, prefilter=pipeline.prefilter_for(profile)
    )
    stored = selection.skipped  # dealt with: recorded as off the topic, not fetched
    for chunk in pipeline.chunked(selection.tasks, 50):
        fetches = pipeline.fetch_pages(chunk, profile, allow_private_hosts=True)
        processed, failures = pipeline.process(fetches, profile, workers=workers)
        stored += pipeline.store_chunk(db_path, processed, failures, profile).new_articles
    return stored


def pipeline_flow(site: RemoteSite | SiteAt, db_path: str) -> int:
    from flows.monitor import monitor

    result = monitor(
        db=db_path,
        feeds=site.feed_urls(),
        allow_private_hosts=True,
        per_host_delay=0.0,
        max_articles=10**6,
    )
    fetched, skipped = int(result["new_articles"]), int(result["skipped_off_topic"])
    print(f"  pages fetched and stored: {fetched}; not fetched (off-topic entry): {skipped}")
    return fetched + skipped


#: Processes whose CPU time is not the contender's: the benchmark site (the "other
#: machine" that serves the pages).
_NOT_OURS: set[int] = set()


def cpu_seconds() -> float | None:
    """CPU time (user + system) used so far by this process and every process it started
    (the worker pool, the forkserver, Prefect's API server), the exited ones included,
    except the benchmark site. None without psutil.

    On a shared machine, wall time depends on what else runs; CPU time per article much
    less so. A wall-time ratio is the target, CPU time says where a change helped.
    """
    try:
        import psutil
    except ImportError:
        return None
    me = psutil.Process()
    total = 0.0
    for proc in [me, *me.children(recursive=True)]:
        if proc.pid in _NOT_OURS:
            continue
        try:
            t = proc.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def cpu_by_process() -> dict[str, float]:
    """CPU seconds used so far, by kind of process (as ``cpu_seconds``); empty without
    psutil. The pool's workers are forked by the fork server, so they share its command
    line and are told apart by their parent."""
    try:
        import psutil
    except ImportError:
        return {}
    me = psutil.Process()
    out: dict[str, float] = {}
    for proc in [me, *me.children(recursive=True)]:
        if proc.pid in _NOT_OURS:
            continue
        try:
            t = proc.cpu_times()
            cmd = " ".join(proc.cmdline())
            parent = " ".join(psutil.Process(proc.ppid()).cmdline())
        except psutil.Error:
            continue
        if proc.pid == me.pid:
            kind = "the flow's process"
        elif "uvicorn" in cmd:
            kind = "Prefect API server"
        elif "forkserver" in parent:
            kind = "pool workers"
        elif "forkserver" in cmd:
            kind = "fork server"
        else:
            kind = "other"
        cpu = t.user + t.system + t.children_user + t.children_system
        out[kind] = out.get(kind, 0.0) + cpu
    return out


def timed(label: str, fn: Callable[[], int], n_expected: int) -> float:
    c0 = cpu_seconds()
    t0 = time.perf_counter()
    n = fn()
    dt = time.perf_counter() - t0
    c1 = cpu_seconds()
    rate = n / dt if dt else 0.0
    cpu = ""
    if c0 is not None and c1 is not None and n:
        cpu = f"; CPU {(c1 - c0) / n * 1000:5.1f} ms/item"
    print(f"{label:<34} {n:>6} items in {dt:7.2f} s = {rate:7.1f} items/s{cpu}", flush=True)
    if n != n_expected:
        print(f"  !! expected {n_expected} items, dealt with {n}", flush=True)
    return rate


def flow_child(base: str, n_feeds: int, n: int) -> int:
    """The flow contender, run by ``flow_in_child``: import the flow and warm Prefect up
    (not counted: the baseline's libraries are imported before its clock starts too, and
    a deployment imports the flow before the run), run the monitor once, print its line.
    Everything the run itself starts is counted: its process pool, whose fork server
    imports the stages again, and the pool's workers."""
    from prefect import flow

    import flows.monitor  # noqa: F401

    t0 = time.perf_counter()

    @flow
    def warm_up() -> int:
        return 1

    warm_up()
    print(f"Prefect start-up (ephemeral API, not counted): {time.perf_counter() - t0:.1f} s")
    db = str(Path(tempfile.mkdtemp(prefix="newsmon-bench-")) / "flow.db")
    site = SiteAt(base, n_feeds)
    before = cpu_by_process()
    rate = timed("newsmon monitor flow (Prefect)", lambda: pipeline_flow(site, db), n)
    after = cpu_by_process()
    used = {k: v - before.get(k, 0.0) for k, v in after.items()}
    if used:
        parts = [f"{k} {v:.1f} s" for k, v in sorted(used.items(), key=lambda kv: -kv[1])]
        print(f"  CPU by process: {', '.join(parts)}", flush=True)
    print(f"RATE {rate}", flush=True)
    return 0


def flow_in_child(site: RemoteSite, n: int) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--flow-child", site.base, "--feeds", str(site.n_feeds),
         "--articles", str(n)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    rate = 0.0
    for line in out.stdout.splitlines():
        if line.startswith("RATE "):
            rate = float(line.split()[1])
        else:
            print(line, flush=True)
    return rate


def measure_site(args: argparse.Namespace, mix: float, tmp: Path) -> tuple[float, float] | None:
    """Every contender on one site (a share ``mix`` on the topic); the medians of the
    baseline's and the flow's rates, or None with ``--skip-flow``."""
    from newsmon.pipeline import default_workers

    workers = default_workers()
    n = args.articles
    site = RemoteSite(n, args.feeds, args.pages, mix=mix, summaries=args.summaries)
    print(
        f"\n{_site_name(mix, args.summaries)}: {n} pages of {site.avg_kb:.0f} KB on average "
        f"in {args.feeds} feeds",
        flush=True,
    )
    tag = f"{mix:g}"
    try:
        if not args.skip_stages:
            base = timed(
                "baseline (httpx+feedparser+trafilatura+sqlite)",
                lambda: baseline(site, str(tmp / f"base-stages-{tag}.db")),
                n,
            )
            for label, w in (("1 process", 1), (f"{workers} processes", workers)):
                rate = timed(
                    f"newsmon stages, {label}",
                    lambda w=w: pipeline_stages(site, str(tmp / f"stages{w}-{tag}.db"), w),
                    n,
                )
                print(f"  ratio to baseline: {rate / base:.2f}")
        if args.skip_flow:
            return None
        # The machine's speed drifts (the baseline alone has ranged from 113 to 161
        # articles/s between runs here), so baseline and flow alternate, and the ratio is
        # of their medians.
        bases, flows = [], []
        for k in range(args.repeat):
            bases.append(
                timed(
                    f"baseline, round {k + 1}",
                    lambda k=k: baseline(site, str(tmp / f"base{k}-{tag}.db")),
                    n,
                )
            )
            flows.append(flow_in_child(site, n))
        return statistics.median(bases), statistics.median(flows)
    finally:
        site.close()


def _site_name(mix: float, summaries: bool) -> str:
    entries = "titles and summaries" if summaries else "titles only"
    return f"{mix:.0%} on the topic, feeds with {entries}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--feeds", type=int, default=10)
    ap.add_argument("--skip-flow", action="store_true", help="skip the Prefect flow runs")
    ap.add_argument("--skip-stages", action="store_true", help="skip the plain-function runs")
    ap.add_argument(
        "--repeat", type=int, default=3, help="rounds of baseline + flow (median; default 3)"
    )
    ap.add_argument(
        "--pages",
        choices=sorted(PAGE_STYLES),
        default="news",
        help="page chrome: 'news' (shaped like real news pages, the default) or "
        "'script-heavy' (the first generator: mostly one script and one style block)",
    )
    ap.add_argument(
        "--compare-real",
        metavar="DIR",
        help="also measure real pages (a directory of .html or .html.gz files, e.g. "
        "../shared/benchmarks/article-extraction/html): their markup and trafilatura's "
        "time on them, next to the generated pages'",
    )
    ap.add_argument(
        "--mix",
        default="1,0.1",
        help="share of the items on the topic; several sites: comma-separated (default 1,0.1)",
    )
    ap.add_argument(
        "--no-summaries",
        dest="summaries",
        action="store_false",
        help="feeds give titles only (default: a one-sentence summary too)",
    )
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--flow-child", metavar="BASE", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    mixes = [float(m) for m in str(args.mix).split(",") if m.strip()]
    if not mixes or not all(0.0 <= m <= 1.0 for m in mixes):
        ap.error("--mix takes shares between 0 and 1, e.g. 1,0.1")
    if args.serve:
        return serve(args.articles, args.feeds, args.pages, mixes[0], args.summaries)
    if args.flow_child:
        return flow_child(args.flow_child, args.feeds, args.articles)

    print(f"{os.cpu_count()} CPUs; python {sys.version.split()[0]}", flush=True)
    describe_pages(args.pages, args.compare_real)
    tmp = Path(tempfile.mkdtemp(prefix="newsmon-bench-"))
    medians = {m: measure_site(args, m, tmp) for m in mixes}
    print()
    for mix, found in medians.items():
        if found is None:
            continue
        b, f = found
        print(
            f"median of {args.repeat}, {_site_name(mix, args.summaries)}: baseline {b:.1f} "
            f"items/s, monitor flow {f:.1f} items/s; ratio to baseline: {f / b:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
