"""Exact and near-duplicate signatures, and material-change detection, for article text.

Pure functions: no database, no network. The duplicate *index* that stores these
signatures lives in :mod:`newsmon.dupindex`; the thresholds chosen by
``benchmarks/dedupe_calibrate.py`` live here so that both use the same numbers.

How a text becomes a signature:

1. :func:`normalize_text` — Unicode NFKC, casefold, curly quotes and dashes unified,
   whitespace collapsed.
2. :func:`words` — the ``\\w+`` tokens of the normalised text (punctuation dropped, so
   quote styles or a changed comma never matter).
3. :func:`shingles` — every run of ``k`` (5) consecutive words, as UTF-8 bytes.
4. :func:`signature` — a 128-permutation MinHash over the shingles (datasketch 2's
   ``affine32`` scheme with its default SHA-1 hash and a fixed seed, computed here value
   for value; ``tests/test_dedupe.py`` checks it against datasketch), plus the number of
   distinct shingles. The count lets us turn
   the Jaccard estimate into a *containment* estimate (how much of a new text is already
   inside a stored one), which is what catches a trimmed copy.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

LOGGER = logging.getLogger(__name__)

# --- Settings: changing any of the first six changes SIGNATURE_VERSION -------------
NUM_PERM = 128
SHINGLE_K = 5
SEED = 20250902
SCHEME = "affine32"
NORMALIZATION = "nfkc-casefold-quotes-dashes-ws-w+:1"
#: LSH banding: BANDS bands of ROWS rows use the first BANDS*ROWS permutations. With
#: r=3 a pair at Jaccard 0.5 shares a band with probability 0.996, at 0.4 with 0.94,
#: at 0.1 with 0.04 and at 0.02 with 0.0003.
BANDS = 42
ROWS = 3
#: Below this many words a text is never judged on shingles (too few to tell a shared
#: quote from a copy). Exact content-hash matches still count.
MIN_WORDS = 50

#: The decision, with thresholds chosen by benchmarks/dedupe_calibrate.py (see
#: docs/dedupe.md): a new text is a duplicate of a stored one when most of it is already
#: there — the estimated share of its shingles found in the stored text (containment) is
#: at least CONTAINMENT_THRESHOLD — and the two share enough MinHash minima for that
#: estimate to be trusted (estimated Jaccard at least MIN_JACCARD; below it the
#: containment estimate of a short text against a long one is mostly noise). A text
#: of which more than a third is new is never a duplicate, however much it quotes.
CONTAINMENT_THRESHOLD = 0.65
MIN_JACCARD = 0.25
#: Duplicates at or above this Jaccard are reported as ``near_duplicate`` (a copy of the
#: whole text), the others as ``containment`` (a trimmed copy).
NEAR_DUPLICATE_JACCARD = 0.70

#: "ds2": the values are datasketch 2.x's for the same scheme, seed and hash function.
SIGNATURE_VERSION: str = (
    f"minhash:{SCHEME}:p{NUM_PERM}:k{SHINGLE_K}:s{SEED}:b{BANDS}x{ROWS}:n-{NORMALIZATION}:ds2"
)

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00ad": "",
    }
)
_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


_UNIFIED = tuple((chr(k), v) for k, v in _QUOTES.items())


def normalize_text(text: str) -> str:
    """Casefold, unify quotes and dashes, collapse whitespace (to single spaces)."""
    text = unicodedata.normalize("NFKC", text)
    # str.replace per character: the same as text.translate(_QUOTES), ten times faster
    # (translate with a dict table is slow on non-ASCII text).
    for char, unified in _UNIFIED:
        if char in text:
            text = text.replace(char, unified)
    # split() and \s+ split on the same (Unicode) whitespace.
    return " ".join(text.casefold().split())


def content_hash(text: str) -> str:
    """SHA-1 hex digest of :func:`normalize_text` — the exact-duplicate key."""
    return hashlib.sha1(normalize_text(text).encode("utf-8")).hexdigest()


def words(text: str) -> list[str]:
    """The word tokens of the normalised text."""
    return _WORD.findall(normalize_text(text))


def _shingles_of(tokens: list[str], k: int) -> set[bytes]:
    if not tokens:
        return set()
    if len(tokens) < k:
        return {" ".join(tokens).encode("utf-8")}
    return {" ".join(tokens[i : i + k]).encode("utf-8") for i in range(len(tokens) - k + 1)}


def shingles(text: str, k: int = SHINGLE_K) -> set[bytes]:
    """Word ``k``-shingles of the normalised text (a text shorter than ``k`` words is one
    shingle; an empty text has none)."""
    return _shingles_of(words(text), k)


@dataclass(frozen=True)
class Signature:
    """A MinHash signature: ``NUM_PERM`` little-endian uint32 values, and the number of
    distinct shingles it was built from."""

    values: bytes
    n_shingles: int

    def array(self) -> np.ndarray:
        return np.frombuffer(self.values, dtype="<u4")


def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch 2's ``affine32`` permutations for NUM_PERM and SEED: h -> a*h + b mod
    2^32, ``a`` odd (a bijection)."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


_PERM_A, _PERM_B = _permutations()
_FMIX_1, _FMIX_2 = np.uint32(0x85EBCA6B), np.uint32(0xC2B2AE35)
_SHIFT_16, _SHIFT_13 = np.uint32(16), np.uint32(13)


def _minhash(items: set[bytes]) -> np.ndarray:
    """MinHash values (uint32) of a non-empty set: SHA-1's first four bytes as a
    little-endian integer, MurmurHash3's 32-bit finaliser, then each permutation's
    minimum -- datasketch 2's ``update_batch`` for the ``affine32`` scheme."""
    sha1 = hashlib.sha1
    digests = b"".join([sha1(item).digest()[:4] for item in items])
    hv = np.frombuffer(digests, dtype="<u4").astype(np.uint32)
    hv ^= hv >> _SHIFT_16
    hv *= _FMIX_1
    hv ^= hv >> _SHIFT_13
    hv *= _FMIX_2
    hv ^= hv >> _SHIFT_16
    phv = hv[:, None] * _PERM_A[None, :] + _PERM_B[None, :]
    return phv.min(axis=0)


def signature(text: str) -> Signature | None:
    """The MinHash signature of ``text``, or None when it has fewer than ``MIN_WORDS``
    words (too short to judge on shingles)."""
    return _signature_of(words(text))


def _signature_of(tokens: list[str]) -> Signature | None:
    if len(tokens) < MIN_WORDS:
        return None
    sh = _shingles_of(tokens, SHINGLE_K)
    values = _minhash(sh).astype("<u4").tobytes()
    return Signature(values=values, n_shingles=len(sh))


@dataclass(frozen=True)
class Fingerprint:
    """Everything the duplicate index needs from a text, computed once (in the CPU
    stage, which may run in another process) and reused for the check and the insert."""

    content_hash: str
    n_words: int
    signature: Signature | None


def fingerprint(text: str) -> Fingerprint:
    """Hash, word count and signature of ``text``, normalising it once."""
    normal = normalize_text(text)
    tokens = _WORD.findall(normal)
    digest = hashlib.sha1(normal.encode("utf-8")).hexdigest()
    return Fingerprint(digest, len(tokens), _signature_of(tokens))


def jaccard_estimate(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets (share of equal minima)."""
    va, vb = a.array(), b.array()
    if va.shape != vb.shape:
        raise ValueError("signatures of different lengths cannot be compared")
    return float(np.count_nonzero(va == vb)) / len(va)


def containment_estimate(new: Signature, old: Signature, jaccard: float | None = None) -> float:
    """Estimated share of ``new``'s shingles that are also in ``old``: |N∩O| / |N|.

    From the Jaccard estimate J and the set sizes: |N∩O| = J (|N| + |O|) / (1 + J).
    """
    j = jaccard_estimate(new, old) if jaccard is None else jaccard
    inter = j * (new.n_shingles + old.n_shingles) / (1.0 + j)
    return min(1.0, inter / max(1, new.n_shingles))


def duplicate_kind(new: Signature, old: Signature) -> tuple[str, float] | None:
    """The decision rule: ``('near_duplicate', jaccard)``, ``('containment', share)`` or
    None when ``new`` is not a duplicate of ``old``."""
    j = jaccard_estimate(new, old)
    if j < MIN_JACCARD:
        return None
    c = containment_estimate(new, old, j)
    if c < CONTAINMENT_THRESHOLD:
        return None
    if j >= NEAR_DUPLICATE_JACCARD:
        return "near_duplicate", j
    return "containment", c


_M = np.uint64(0xFFFFFFFFFFFFFFFF)
_BAND_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93],
    dtype=np.uint64,
)


def band_keys_matrix(values: np.ndarray) -> np.ndarray:
    """Band keys for a matrix of signatures (n × NUM_PERM uint32) → n × BANDS int64.

    Each key mixes the band number and its ROWS values (splitmix64 finaliser) and keeps 48
    bits, so it is a non-negative integer SQLite stores in 6 bytes.
    """
    v = values[:, : BANDS * ROWS].astype(np.uint64).reshape(len(values), BANDS, ROWS)
    with np.errstate(over="ignore"):
        h = np.arange(1, BANDS + 1, dtype=np.uint64)[None, :] * _BAND_MULTIPLIERS[3]
        h = np.broadcast_to(h, v.shape[:2]).copy()
        for r in range(ROWS):
            h = (h ^ v[:, :, r]) * _BAND_MULTIPLIERS[r % 3]
            h ^= h >> np.uint64(31)
        h ^= h >> np.uint64(30)
        h *= _BAND_MULTIPLIERS[1]
        h ^= h >> np.uint64(27)
    return (h >> np.uint64(16)).astype(np.int64)


def band_keys(sig: Signature) -> list[int]:
    """The BANDS LSH band keys of one signature, band 0 first."""
    return [int(k) for k in band_keys_matrix(sig.array()[None, :])[0]]


# --- Revisions: what counts as a material change -------------------------------------

_AD_LINE = re.compile(
    r"^\s*(advertisement|advertising|sponsored( content)?|ad|promoted|paid content|"
    r"story continues below( advertisement)?|skip (this )?ad|continue reading( below)?|"
    r"(sponsored|ad|promoted|paid)\s*[:|\-].*)\s*$",
    re.IGNORECASE,
)
_MONTHS = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_TIMESTAMP_WORD = re.compile(
    r"\b(updated?|published|posted|last (modified|updated)|modified|am|pm|"
    r"et|ct|pt|mt|edt|est|cdt|cst|pdt|pst|utc|gmt|on|at|by|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|"
    r"(\d+ )?(minutes?|hours?|days?) ago|" + _MONTHS + r")\b",
    re.IGNORECASE,
)
_AM_PM = re.compile(r"\b[ap]\.m\.?", re.IGNORECASE)
_TIMESTAMP_NUM = re.compile(r"\d{1,4}([:/.\-]\d{1,4})*(,)?|\d{4}-\d{2}-\d{2}t[\d:.+\-z]*", re.I)
_SENTENCE_END = re.compile(
    r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019)]))\s+(?=[\"'\u201c\u2018(A-Z0-9])"
)


def _is_timestamp_line(line: str) -> bool:
    """A short line made only of date/time words and numbers ('Updated 3:41 p.m. CT, Sept. 2')."""
    stripped = line.strip()
    if not stripped or len(stripped) > 80 or not re.search(r"\d", stripped):
        return False
    rest = _AM_PM.sub(" ", stripped)
    rest = _TIMESTAMP_WORD.sub(" ", rest)
    rest = _TIMESTAMP_NUM.sub(" ", rest)
    return not re.search(r"\w", rest.replace("|", " ").replace("-", " "))


def _content_lines(text: str) -> list[str]:
    return [
        ln
        for ln in text.splitlines()
        if ln.strip() and not _AD_LINE.match(ln) and not _is_timestamp_line(ln)
    ]


def _material_tokens(text: str) -> list[str]:
    return words("\n".join(_content_lines(text)))


def is_material_change(old_text: str, new_text: str) -> bool:
    """True when ``new_text`` says something different from ``old_text``.

    Cosmetic differences are ignored: whitespace, case, quote and dash styles,
    punctuation, and lines that are only an ad slot ("Advertisement", "Sponsored: …")
    or only a timestamp ("Updated 4:12 p.m. CT Sept. 2, 2025"). Any change of a word or
    a number in the remaining text is material — a changed arrest count is news.
    """
    return _material_tokens(old_text) != _material_tokens(new_text)


_ABBREVIATION = re.compile(
    r"(?:^|[\s(\"'])(?:U\.S|U\.N|Gov|Sen|Rep|Dr|Mr|Mrs|Ms|St|Jr|Sr|Lt|Gen|Col|Sgt|No|Mt|Ft|"
    r"Ill|Tenn|Calif|Ore|a\.m|p\.m|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|[A-Z])\.$"
)


def sentences(text: str) -> list[str]:
    """Split text into sentences (line breaks always split), whitespace collapsed. A
    period after a common abbreviation ("U.S.", "Gov.", "Sept.") does not end one."""
    out: list[str] = []
    for line in _content_lines(text):
        pieces: list[str] = []
        for s in _SENTENCE_END.split(line.strip()):
            s = _WS.sub(" ", s).strip()
            if not s:
                continue
            if pieces and _ABBREVIATION.search(pieces[-1]):
                pieces[-1] = f"{pieces[-1]} {s}"
            else:
                pieces.append(s)
        out.extend(pieces)
    return out


def text_diff(old_text: str, new_text: str, max_lines: int = 20) -> str:
    """A short unified diff of the two texts, one sentence per line, no context lines.

    At most ``max_lines`` lines (headers included); a final line says how many were left
    out. Empty when there is no material difference.
    """
    if not is_material_change(old_text, new_text):
        return ""
    lines = list(
        difflib.unified_diff(
            sentences(old_text), sentences(new_text), "before", "after", n=0, lineterm=""
        )
    )
    if len(lines) > max_lines:
        kept = lines[: max(1, max_lines - 1)]
        kept.append(f"... ({len(lines) - len(kept)} more diff lines)")
        lines = kept
    return "\n".join(lines)


#: Sentences shorter than this many words are not compared by :func:`cut_of`.
CUT_MIN_WORDS = 4


def cut_of(old_text: str, new_text: str) -> str | None:
    """Whether one text is only a longer or shorter cut of the other: ``"longer"`` when
    ``new_text`` keeps every sentence of ``old_text`` and adds some (the full article
    after its trimmed AMP copy), ``"shorter"`` when it keeps only some of them (a trimmed
    copy after the full text), None otherwise (a sentence was changed: a rewrite).

    Sentences are compared normalised (case, quotes, dashes, whitespace); the last
    sentence of the shorter text may stop short (an excerpt cut mid-sentence).
    """
    old = [normalize_text(s) for s in sentences(old_text) if len(s.split()) >= CUT_MIN_WORDS]
    new = [normalize_text(s) for s in sentences(new_text) if len(s.split()) >= CUT_MIN_WORDS]
    if not old or not new or len(old) == len(new):
        return None
    short, long_ = (old, new) if len(old) < len(new) else (new, old)
    have = set(long_)
    for i, s in enumerate(short):
        if s in have:
            continue
        last = i == len(short) - 1
        if not (last and any(x.startswith(s.rstrip(".…")) for x in long_)):
            return None
    return "longer" if len(new) > len(old) else "shorter"
