"""Calibrate the near-duplicate decision on the labelled pairs in tests/fixtures/dedupe/.

Usage (from the repository root):

    python benchmarks/dedupe_calibrate.py            # grid, chosen thresholds, end-to-end run
    python benchmarks/dedupe_calibrate.py --details  # also every pair's scores

For each pair (a stored, b arriving) it computes the MinHash signatures, the estimated
Jaccard similarity J, the estimated containment C of b in a, whether b shares an LSH
band with a (so the index would ever compare them), and whether their content hashes
are equal. It then prints precision and recall of "b is a duplicate of a" for a grid of
(minimum Jaccard, containment threshold), the thresholds it would choose (precision
1.0, the highest recall, then the widest margin on both sides), and the
result of the real ``DuplicateIndex.check`` with the thresholds configured in
``extractors/dedupe.py``, per kind of pair.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import dedupe  # noqa: E402
from newsmon.db import open_db  # noqa: E402
from newsmon.dupindex import DuplicateIndex  # noqa: E402

MIN_JACCARD_GRID = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45]
CONTAINMENT_GRID = [round(0.50 + 0.05 * i, 2) for i in range(10)]  # 0.50 .. 0.95


def _load_pairs() -> list[tuple[dict[str, Any], str, str]]:
    path = ROOT / "tests" / "fixtures" / "dedupe" / "make_pairs.py"
    spec = importlib.util.spec_from_file_location("dedupe_make_pairs", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.load_pairs()


@dataclass(frozen=True)
class Scored:
    id: int
    kind: str
    duplicate: bool
    exact: bool
    judged: bool  # both texts long enough for shingles
    candidate: bool  # share an LSH band
    jaccard: float
    containment: float
    exact_jaccard: float
    exact_containment: float


def score(pairs: list[tuple[dict[str, Any], str, str]]) -> list[Scored]:
    out = []
    for row, a, b in pairs:
        sa, sb = dedupe.signature(a), dedupe.signature(b)
        sh_a, sh_b = dedupe.shingles(a), dedupe.shingles(b)
        inter = len(sh_a & sh_b)
        ej = inter / max(1, len(sh_a | sh_b))
        ec = inter / max(1, len(sh_b))
        exact = dedupe.content_hash(a) == dedupe.content_hash(b)
        if sa is None or sb is None:
            out.append(
                Scored(
                    int(row["id"]),
                    str(row["kind"]),
                    bool(row["duplicate"]),
                    exact,
                    False,
                    False,
                    0.0,
                    0.0,
                    ej,
                    ec,
                )
            )
            continue
        j = dedupe.jaccard_estimate(sb, sa)
        c = dedupe.containment_estimate(sb, sa, j)
        cand = bool(set(enumerate(dedupe.band_keys(sa))) & set(enumerate(dedupe.band_keys(sb))))
        out.append(
            Scored(
                int(row["id"]),
                str(row["kind"]),
                bool(row["duplicate"]),
                exact,
                True,
                cand,
                j,
                c,
                ej,
                ec,
            )
        )
    return out


def decide(s: Scored, min_j: float, tc: float) -> bool:
    if s.exact:
        return True
    if not (s.judged and s.candidate):
        return False
    return s.jaccard >= min_j and s.containment >= tc


def precision_recall(scored: list[Scored], tj: float, tc: float) -> tuple[float, float, int]:
    tp = fp = fn = 0
    for s in scored:
        d = decide(s, tj, tc)
        tp += d and s.duplicate
        fp += d and not s.duplicate
        fn += (not d) and s.duplicate
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, fp


def margin(scored: list[Scored], min_j: float, tc: float) -> float:
    """How far the thresholds are from flipping any judged pair (bigger is safer): for a
    distinct pair, the larger of its distances below the two thresholds; for a caught
    duplicate, the smaller of its distances above them."""
    gaps = [1.0]
    for s in scored:
        if not s.judged or s.exact:
            continue
        if s.duplicate and decide(s, min_j, tc):
            gaps.append(min(s.jaccard - min_j, s.containment - tc))
        elif not s.duplicate:
            gaps.append(max(min_j - s.jaccard, tc - s.containment))
    return min(gaps)


def end_to_end(pairs: list[tuple[dict[str, Any], str, str]]) -> dict[str, list[int]]:
    """Run the real index: store a, check b, per pair. kind -> [tp, fp, fn, tn]."""
    result: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "calibrate.db")
        with db.atomic():
            index = DuplicateIndex(db)
            for row, a, b in pairs:
                aid = db.execute(
                    "INSERT INTO articles (url, status, text) VALUES (?, 'relevant', ?)",
                    [f"pair:{row['id']}", a],
                ).lastrowid
                assert aid is not None
                index.add(aid, a)
                match = index.check(b)
                judged = match is not None and match.article_id == aid
                cell = result[str(row["kind"])]
                dup = bool(row["duplicate"])
                cell[0 if judged and dup else 1 if judged else 2 if dup else 3] += 1
                index.remove(aid)
                db.execute("DELETE FROM articles WHERE id = ?", [aid])
        db.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--details", action="store_true", help="print every pair's scores")
    args = parser.parse_args()

    pairs = _load_pairs()
    scored = score(pairs)
    n_dup = sum(s.duplicate for s in scored)
    print(f"{len(scored)} labelled pairs: {n_dup} duplicates, {len(scored) - n_dup} distinct")
    print(f"signature: {dedupe.SIGNATURE_VERSION}\n")

    if args.details:
        print("id  kind                       label  exact cand  J_est  C_est  J_true C_true")
        for s in scored:
            print(
                f"{s.id:3d} {s.kind:26s} {'dup' if s.duplicate else '---':5s} "
                f"{'y' if s.exact else '.':5s} {'y' if s.candidate else '.':4s} "
                f"{s.jaccard:6.3f} {s.containment:6.3f} {s.exact_jaccard:6.3f} "
                f"{s.exact_containment:6.3f}"
            )
        print()

    print("score ranges per kind (estimated J, estimated C of b in a; pairs judged on shingles)")
    by_kind: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        by_kind[s.kind].append(s)
    for kind, rows in sorted(by_kind.items(), key=lambda kv: (not kv[1][0].duplicate, kv[0])):
        judged = [s for s in rows if s.judged]
        js = [s.jaccard for s in judged] or [0.0]
        cs = [s.containment for s in judged] or [0.0]
        print(
            f"  {kind:28s} {'dup' if rows[0].duplicate else '---'} n={len(rows):3d} "
            f"J {min(js):.3f}-{max(js):.3f}  C {min(cs):.3f}-{max(cs):.3f}"
        )
    print()

    print("precision / recall for minimum Jaccard (rows) x containment threshold (cols)")
    header = "  J\\C " + "".join(f"{tc:>11}" for tc in CONTAINMENT_GRID)
    print(header)
    feasible: list[tuple[float, float, float, float]] = []
    for tj in MIN_JACCARD_GRID:
        cells = []
        for tc in CONTAINMENT_GRID:
            p, r, _ = precision_recall(scored, tj, tc)
            cells.append(f"{p:5.3f}/{r:5.3f}")
            if p == 1.0:
                feasible.append((r, margin(scored, tj, tc), tj, tc))
        print(f" {tj:4.2f} " + " ".join(cells))

    print()
    if not feasible:
        print("no threshold pair reaches precision 1.0")
        return 1
    best_r = max(f[0] for f in feasible)
    best = max((f for f in feasible if f[0] == best_r), key=lambda f: (f[1], f[2], -f[3]))
    r, m, tj, tc = best
    print(
        f"chosen by the grid: minimum Jaccard {tj}, containment >= {tc} "
        f"(precision 1.000, recall {r:.3f}, margin {m:.3f})"
    )
    hi_neg_j = max((s.jaccard for s in scored if not s.duplicate and s.judged), default=0.0)
    hi_neg_c = max((s.containment for s in scored if not s.duplicate and s.judged), default=0.0)
    lo_pos_c = min((s.containment for s in scored if s.duplicate and s.judged), default=0.0)
    lo_pos_j = min((s.jaccard for s in scored if s.duplicate and s.judged), default=0.0)
    print(
        f"highest distinct pair: J={hi_neg_j:.3f}, C={hi_neg_c:.3f}; "
        f"lowest duplicate pair: J={lo_pos_j:.3f}, C={lo_pos_c:.3f}"
    )
    p, r, _ = precision_recall(scored, dedupe.MIN_JACCARD, dedupe.CONTAINMENT_THRESHOLD)
    print(
        f"configured in extractors/dedupe.py: minimum Jaccard {dedupe.MIN_JACCARD}, "
        f"containment >= {dedupe.CONTAINMENT_THRESHOLD}: precision {p:.3f}, recall {r:.3f}"
    )
    missed = [
        s
        for s in scored
        if s.duplicate and not decide(s, dedupe.MIN_JACCARD, dedupe.CONTAINMENT_THRESHOLD)
    ]
    for s in missed:
        print(
            f"  missed: pair {s.id} {s.kind} J={s.jaccard:.3f} C={s.containment:.3f} "
            f"candidate={s.candidate}"
        )

    print("\nend to end (DuplicateIndex.check, one stored article per pair):")
    print(f"  {'kind':28s} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4}")
    totals = [0, 0, 0, 0]
    for kind, cell in sorted(end_to_end(pairs).items()):
        print(f"  {kind:28s} " + " ".join(f"{x:4d}" for x in cell))
        totals = [t + x for t, x in zip(totals, cell, strict=True)]
    tp, fp, fn, _ = totals
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"  {'all':28s} " + " ".join(f"{x:4d}" for x in totals))
    print(f"  precision {precision:.3f}, recall {recall:.3f}")
    ok = precision == 1.0 and recall >= 0.95
    print("requirement (precision 1.0, recall >= 0.95):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
