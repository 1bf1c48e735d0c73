"""Peak memory of a monitor run: bounded, not growing with the number of articles.

Serves N generated article pages (``benchmarks/throughput.py``'s site: ~100 KB of
HTML each, distinct on-topic stories, in several RSS feeds) from a separate process on
127.0.0.1, then runs the monitor once in a *fresh child process* and reports that
child's peak resident set size (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) and the
peak of its own children (the process pool that cleans and extracts events), with the
article count. Run it for a small and a large N to see that memory does not grow with
the run: pages are fetched, processed and stored 50 at a time.

Usage:
    python benchmarks/memory.py [--articles 500,5000] [--feeds 10] [--workers 2]
                                [--mode stages|flow]

``stages`` calls the pipeline's stages as plain functions (what the flow's tasks call);
``flow`` runs the real Prefect ``monitor`` flow (its ephemeral API server is a separate
process and not counted).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import throughput  # noqa: E402  (the benchmark site and the pipeline drivers)


def measure(base: str, feeds: int, db: str, mode: str, workers: int) -> dict[str, object]:
    """In the child: one run, then its peak RSS (and its pool workers')."""
    site = SimpleNamespace(feed_urls=lambda: [f"{base}/feed/{f}.xml" for f in range(feeds)])
    t0 = time.perf_counter()
    if mode == "flow":
        stored = throughput.pipeline_flow(site, db)  # type: ignore[arg-type]
    else:
        stored = throughput.pipeline_stages(site, db, workers)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - t0
    return {
        "stored": stored,
        "seconds": round(elapsed, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "pool_peak_rss_mb": round(max(_pool_peaks_kb(), default=0) / 1024, 1),
        "db_mb": round(Path(db).stat().st_size / 2**20, 1),
    }


def _pool_peaks_kb() -> list[int]:
    """Peak RSS (VmHWM) of each live worker of the pipeline's process pools. The workers
    are the forkserver's children, not ours, so RUSAGE_CHILDREN would not see them."""
    from newsmon.pipeline import processing as pipeline_process

    peaks = []
    for pool in pipeline_process._POOLS.values():
        for pid in list(getattr(pool, "_processes", {}) or {}):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]))
    return peaks


def run_one(n: int, feeds: int, mode: str, workers: int) -> dict[str, object]:
    site = throughput.RemoteSite(n, feeds)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db = str(Path(tmp) / "memory.db")
            cmd = [sys.executable, __file__, "--measure", site.base, "--feeds", str(feeds)]
            cmd += ["--db", db, "--mode", mode, "--workers", str(workers)]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            result = json.loads(out.strip().splitlines()[-1])
    finally:
        site.close()
    result.update(articles=n, avg_page_kb=site.avg_kb, mode=mode, workers=workers)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--articles", default="500,5000", help="comma-separated run sizes")
    ap.add_argument("--feeds", type=int, default=10)
    ap.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 8))
    ap.add_argument("--mode", choices=("stages", "flow"), default="stages")
    ap.add_argument("--measure", metavar="BASE_URL", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.feeds, args.db, args.mode, args.workers)))
        return 0
    print(f"{'articles':>8} {'stored':>7} {'seconds':>8} {'peak RSS':>10} {'pool peak':>10} "
          f"{'db':>8}  mode")  # fmt: skip
    for n in (int(x) for x in args.articles.split(",")):
        r = run_one(n, args.feeds, args.mode, args.workers)
        print(
            f"{r['articles']:>8} {r['stored']:>7} {r['seconds']:>8} "
            f"{r['peak_rss_mb']:>7} MB {r['pool_peak_rss_mb']:>7} MB {r['db_mb']:>5} MB  "
            f"{r['mode']}, {r['workers']} workers, pages ~{r['avg_page_kb']:.0f} KB",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
