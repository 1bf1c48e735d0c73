"""Score newsmon's article cleaning on the shared article-extraction benchmark.

Runs the benchmark's own scorer (``evaluate.py``, next to the data) on
``extractors.article:extract_text`` and, in the same session, on trafilatura's default
settings as the baseline, then prints both figures and the exact commands.

Example:
    python benchmarks/extraction.py
    python benchmarks/extraction.py --data-dir ../shared/benchmarks/article-extraction
    python benchmarks/extraction.py --floor 0.960     # exit 1 when ours scores below

The benchmark data is not part of this repository (its pages belong to their
publishers); point ``--data-dir`` or ``NEWSMON_EXTRACTION_BENCHMARK`` at a copy.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO.parent / "shared" / "benchmarks" / "article-extraction"
OURS = "extractors.article:extract_text"
BASELINE = "trafilatura"
SUMMARY = re.compile(
    r"^F1 (?P<f1>[\d.]+) precision (?P<p>[\d.]+) recall (?P<r>[\d.]+) "
    r"pages (?P<pages>\d+) seconds (?P<s>[\d.]+)$",
    re.M,
)


@dataclass(frozen=True)
class Score:
    extractor: str
    f1: float
    precision: float
    recall: float
    pages: int
    seconds: float
    command: str


def score(extractor: str, data_dir: Path) -> Score:
    """Run evaluate.py on one extractor and parse its last line."""
    argv = [sys.executable, "evaluate.py", extractor]
    paths = [str(REPO), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    done = subprocess.run(argv, cwd=data_dir, env=env, capture_output=True, text=True, check=True)
    found = SUMMARY.search(done.stdout)
    if found is None:
        raise SystemExit(f"no summary line from evaluate.py for {extractor}:\n{done.stdout}")
    return Score(
        extractor=extractor,
        f1=float(found["f1"]),
        precision=float(found["p"]),
        recall=float(found["r"]),
        pages=int(found["pages"]),
        seconds=float(found["s"]),
        command=f"cd {data_dir} && {sys.executable} evaluate.py {extractor}",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("NEWSMON_EXTRACTION_BENCHMARK", DEFAULT_DATA_DIR)),
    )
    parser.add_argument("--floor", type=float, help="fail when our F1 is below this")
    args = parser.parse_args(argv)
    data_dir = args.data_dir.resolve()
    if not (data_dir / "evaluate.py").is_file():
        raise SystemExit(f"no evaluate.py in {data_dir}: pass --data-dir")

    scores = [score(OURS, data_dir), score(BASELINE, data_dir)]
    print(f"{'extractor':<36}{'F1':>7}{'prec':>7}{'recall':>8}{'pages':>7}{'seconds':>9}")
    for s in scores:
        print(
            f"{s.extractor:<36}{s.f1:>7.3f}{s.precision:>7.3f}{s.recall:>8.3f}"
            f"{s.pages:>7}{s.seconds:>9.2f}"
        )
    print()
    for s in scores:
        print(f"$ {s.command}")
    if args.floor is not None and scores[0].f1 < args.floor:
        print(f"FAIL: F1 {scores[0].f1:.3f} is below the floor {args.floor:.3f}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
