"""Near-duplicate check time and memory with 10k, 100k and 1M stored signatures.

Usage (from the repository root):

    python benchmarks/dedupe_scale.py                       # 10k, 100k, 1M (slow: ~1.5 GB DB)
    python benchmarks/dedupe_scale.py --sizes 10000 100000  # smaller run
    python benchmarks/dedupe_scale.py --dir /tmp/dedupe-scale --keep

For each size N it builds a database with the project's migrations and N indexed
articles, then measures checks in a *fresh process* (so the peak RSS is what a pipeline
process pays for the index, not what building it cost):

- ``REAL`` (2,000) stored articles are synthetic documents (about 400 words drawn from a
  Zipf distribution over a 20,000-word vocabulary) indexed through ``DuplicateIndex.add``;
- the other N - REAL are *synthetic signatures*: random uint32 MinHash values with their
  band keys computed by the same ``band_keys_matrix`` the index uses, inserted directly
  in band order (computing a million real MinHashes would take ~25 minutes here and
  measure datasketch, not the index);
- the checks are 200 new documents (no duplicate stored) and 200 near-duplicates of the
  real stored documents (trimmed by a quarter, with a dateline and a footer added); the
  script asserts each near-duplicate is found and no new document is matched.

Reported per size: build time, database size, mean/median/p95 time of a whole
``DuplicateIndex.check`` (normalising, shingling and MinHashing the text included), of the
index part alone (candidate lookup and verification, given the signature), and the peak
RSS of the checking process.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import sqlite_utils

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import dedupe  # noqa: E402
from newsmon.db import open_db  # noqa: E402
from newsmon.dupindex import DuplicateIndex, _index_rows, _write_params  # noqa: E402

REAL = 2_000
CHECKS = 200
VOCAB = 20_000
DOC_WORDS = 400
CHUNK = 100_000


def _vocabulary() -> list[str]:
    rng = np.random.default_rng(7)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    words: set[str] = set()
    while len(words) < VOCAB:
        n = int(rng.integers(2, 10))
        words.add("".join(rng.choice(letters, n)))
    return sorted(words)


_VOCAB = _vocabulary()
_P = 1.0 / np.arange(1, VOCAB + 1) ** 1.05
_P /= _P.sum()


def document(seed: int, n_words: int = DOC_WORDS) -> str:
    """A synthetic article: sentences of Zipf-distributed words, in paragraphs."""
    rng = np.random.default_rng(seed)
    idx = rng.choice(VOCAB, size=n_words, p=_P)
    words = [_VOCAB[i] for i in idx]
    sentences = [" ".join(words[i : i + 20]).capitalize() + "." for i in range(0, n_words, 20)]
    return "\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))


def near_copy(text: str) -> str:
    paras = text.split("\n\n")
    kept = paras[: max(1, len(paras) * 3 // 4)]
    return "\n\n".join(["CHICAGO (AP) — " + kept[0], *kept[1:], "Copyright 2025 The AP."])


def _drop_fts_triggers(db: sqlite_utils.Database) -> None:
    # Benchmark databases only: articles here have no text, and 1M FTS trigger runs
    # would measure FTS, not the duplicate index.
    for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles'"
    ).fetchall():
        db.execute(f"DROP TRIGGER {name}")


def build(path: Path, n: int) -> dict[str, float]:
    t0 = time.perf_counter()
    db = open_db(path)
    db.execute("PRAGMA cache_size = -262144")  # 256 MB while building
    _drop_fts_triggers(db)
    real = min(REAL, n)
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO articles (id, url, status) VALUES (?, ?, 'relevant')",
            ((i, f"https://example.test/a/{i}") for i in range(1, n + 1)),
        )
        # Real documents: ids 1..real, through the index's own code path.
        _index_rows(db, ((i, document(i)) for i in range(1, real + 1)))
        t_real = time.perf_counter() - t0
        # Synthetic signatures for ids real+1..n, band rows inserted in key order.
        synth = n - real
        keys = np.empty((synth, dedupe.BANDS), dtype=np.int64)
        rng = np.random.default_rng(12345)
        for start in range(0, synth, CHUNK):
            m = min(CHUNK, synth - start)
            values = rng.integers(0, 2**32 - 1, size=(m, dedupe.NUM_PERM), dtype=np.uint32)
            keys[start : start + m] = dedupe.band_keys_matrix(values)
            sizes = rng.integers(150, 1000, size=m)
            ids = range(real + 1 + start, real + 1 + start + m)
            db.conn.executemany(
                "INSERT INTO dedupe_signatures "
                "(article_id, content_hash, n_words, n_shingles, signature) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    (
                        aid,
                        f"synthetic-{aid}",
                        int(sz) + 4,
                        int(sz),
                        values[j].astype("<u4").tobytes(),
                    )
                    for j, (aid, sz) in enumerate(zip(ids, sizes, strict=True))
                ),
            )
        ids_all = np.arange(real + 1, n + 1, dtype=np.int64)
        for band in range(dedupe.BANDS):
            order = np.argsort(keys[:, band], kind="stable")
            db.conn.executemany(
                "INSERT OR IGNORE INTO dedupe_bands (band, key, article_id) VALUES (?, ?, ?)",
                zip(
                    [band] * synth,
                    keys[order, band].tolist(),
                    ids_all[order].tolist(),
                    strict=True,
                ),
            )
        del keys
        _write_params(db, n)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("ANALYZE")
    db.close()
    return {"build_s": time.perf_counter() - t0, "real_docs_s": t_real}


def _vm(field: str) -> float:
    """A /proc/self/status memory figure in MB (VmHWM: this process's peak RSS; unlike
    ru_maxrss it is not inherited from the parent that forked us)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _pct(xs: list[float], q: float) -> float:
    return sorted(xs)[min(len(xs) - 1, int(q * len(xs)))]


def measure(path: Path, n: int) -> dict[str, float]:
    """Run in a fresh process: open, check CHECKS new and CHECKS near-duplicate texts."""
    rss_before = _vm("VmRSS")
    db = open_db(path)
    t_open = time.perf_counter()
    index = DuplicateIndex(db)
    t_open = time.perf_counter() - t_open
    real = min(REAL, n)
    new_docs = [document(10_000_000 + i) for i in range(CHECKS)]
    dup_ids = [1 + (i * 37) % real for i in range(CHECKS)]
    dup_docs = [near_copy(document(i)) for i in dup_ids]
    # warm-up: first check pays for cold pages
    t = time.perf_counter()
    index.check(document(20_000_000))
    first = (time.perf_counter() - t) * 1000
    for i in range(20):
        index.check(document(20_000_001 + i))

    whole: list[float] = []
    lookup: list[float] = []
    found = false_hits = 0
    candidates = 0
    for text, expect in [(d, None) for d in new_docs] + list(zip(dup_docs, dup_ids, strict=True)):
        t = time.perf_counter()
        match = index.check(text)
        whole.append((time.perf_counter() - t) * 1000)
        sig = dedupe.signature(text)
        assert sig is not None
        t = time.perf_counter()
        index.check_signature(sig)
        lookup.append((time.perf_counter() - t) * 1000)
        candidates += len(index.candidates(sig))
        if expect is None:
            false_hits += match is not None
        else:
            found += match is not None and match.article_id == expect
    rss = _vm("VmHWM")
    db.close()
    return {
        "n": n,
        "open_ms": t_open * 1000,
        "first_check_ms": first,
        "check_mean_ms": statistics.mean(whole),
        "check_median_ms": statistics.median(whole),
        "check_p95_ms": _pct(whole, 0.95),
        "index_mean_ms": statistics.mean(lookup),
        "index_p95_ms": _pct(lookup, 0.95),
        "candidates_per_check": candidates / len(whole),
        "near_duplicates_found": found,
        "new_docs_matched": false_hits,
        "peak_rss_mb": rss,
        "load_average_1m": os.getloadavg()[0],
        "rss_at_start_mb": rss_before,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument(
        "--dir", type=Path, default=None, help="where to build (default: a temp dir)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        print(json.dumps(measure(args.measure, args.n)))
        return 0

    workdir = args.dir or Path(tempfile.mkdtemp(prefix="dedupe-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"signature {dedupe.SIGNATURE_VERSION}; {CHECKS} new + {CHECKS} near-duplicate checks")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    print(
        f"{'stored':>9} {'build s':>8} {'DB MB':>7} {'check ms mean/med/p95':>23} "
        f"{'index ms mean/p95':>18} {'cands':>6} {'found':>6} {'false':>6} {'RSS MB':>7}"
    )
    ok = True
    try:
        for n in args.sizes:
            path = workdir / f"scale-{n}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            b = build(path, n)
            size_mb = path.stat().st_size / 2**20
            out = subprocess.run(
                [sys.executable, __file__, "--measure", str(path), "--n", str(n)],
                check=True,
                capture_output=True,
                text=True,
            )
            m = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{n:>9,} {b['build_s']:>8.1f} {size_mb:>7.0f} "
                f"{m['check_mean_ms']:>7.2f}/{m['check_median_ms']:.2f}/{m['check_p95_ms']:.2f} "
                f"{m['index_mean_ms']:>9.3f}/{m['index_p95_ms']:.3f} "
                f"{m['candidates_per_check']:>6.2f} {m['near_duplicates_found']:>6} "
                f"{m['new_docs_matched']:>6} {m['peak_rss_mb']:>7.0f}",
                flush=True,
            )
            print(f"          detail: {json.dumps({**b, **m})}", flush=True)
            ok = ok and m["near_duplicates_found"] == CHECKS and m["new_docs_matched"] == 0
            if not args.keep:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
