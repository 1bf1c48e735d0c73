"""extractors.dedupe: normalisation, hashes, shingles, signatures, the decision rule,
material changes and diffs."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest
from dedupe_pairs import KINDS, PAIRS, ROOT, SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors import dedupe


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in SEEDS]


def test_normalize_text_unifies_quotes_dashes_case_and_whitespace() -> None:
    raw = "  \u201cWe\u2019re  READY\u201d \u2014 said\tthe\n\nMayor\u2019s office  "
    assert dedupe.normalize_text(raw) == "\"we're ready\" - said the mayor's office"


def test_content_hash_ignores_cosmetics_but_not_words() -> None:
    a = "The mayor said \u201cno\u201d on Monday."
    assert dedupe.content_hash(a) == dedupe.content_hash('the  MAYOR said "no"\non Monday.')
    assert dedupe.content_hash(a) != dedupe.content_hash("The mayor said yes on Monday.")
    assert len(dedupe.content_hash(a)) == 40


def test_shingles() -> None:
    assert dedupe.shingles("") == set()
    assert dedupe.shingles("one two") == {b"one two"}
    sh = dedupe.shingles("A b c d e f, g!")
    assert sh == {b"a b c d e", b"b c d e f", b"c d e f g"}
    assert dedupe.shingles("a b c d e f", k=3) == {b"a b c", b"b c d", b"c d e", b"d e f"}


@pytest.mark.parametrize("n_words", [0, 1, 10, 49])
def test_short_or_empty_text_has_no_signature(n_words: int) -> None:
    assert dedupe.signature(" ".join(f"word{i}" for i in range(n_words))) is None


def test_fifty_words_is_enough() -> None:
    sig = dedupe.signature(" ".join(f"word{i}" for i in range(50)))
    assert sig is not None
    assert sig.n_shingles == 46
    assert len(sig.array()) == dedupe.NUM_PERM


def test_signature_is_deterministic_across_processes() -> None:
    text = seed_texts()[0]
    here = dedupe.signature(text)
    assert here is not None
    code = (
        "import sys; from extractors import dedupe; "
        "s = dedupe.signature(sys.stdin.read()); print(s.values.hex(), s.n_shingles)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONHASHSEED": "123", "PATH": ""},
    )
    values, n = out.stdout.split()
    assert values == here.values.hex()
    assert int(n) == here.n_shingles


def test_signature_version_names_the_parameters() -> None:
    v = dedupe.SIGNATURE_VERSION
    for part in (f"p{dedupe.NUM_PERM}", f"k{dedupe.SHINGLE_K}", f"s{dedupe.SEED}", "ds2"):
        assert part in v


def test_jaccard_estimate_tracks_the_exact_value() -> None:
    texts = seed_texts()
    sigs = [dedupe.signature(t) for t in texts]
    for (a, sa), (b, sb) in itertools.combinations(zip(texts, sigs, strict=True), 2):
        assert sa is not None and sb is not None
        x, y = dedupe.shingles(a), dedupe.shingles(b)
        exact = len(x & y) / len(x | y)
        assert abs(dedupe.jaccard_estimate(sa, sb) - exact) < 0.1
    assert sigs[0] is not None
    assert dedupe.jaccard_estimate(sigs[0], sigs[0]) == 1.0


def test_seed_articles_are_all_distinct() -> None:
    sigs = [dedupe.signature(t) for t in seed_texts()]
    for a, b in itertools.permutations(sigs, 2):
        assert a is not None and b is not None
        assert dedupe.duplicate_kind(a, b) is None


def test_band_keys_are_stable_non_negative_48_bit() -> None:
    sig = dedupe.signature(seed_texts()[1])
    assert sig is not None
    keys = dedupe.band_keys(sig)
    assert len(keys) == dedupe.BANDS
    assert all(0 <= k < 2**48 for k in keys)
    assert keys == dedupe.band_keys(sig)


def test_fixture_set_is_big_enough_and_balanced() -> None:
    assert len(PAIRS) >= 100
    dups = sum(bool(row["duplicate"]) for row, _, _ in PAIRS)
    assert 40 <= dups <= len(PAIRS) - 40
    for kind in (
        "syndicated",
        "trimmed",
        "same_story_other_url",
        "partial_overlap",
        "new_story_same_topic",
        "seed_pair",
    ):
        assert kind in KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_decision_rule_on_labelled_pairs(kind: str) -> None:
    """The rule alone (no LSH): every pair of this kind is judged as labelled."""
    for row, a, b in PAIRS:
        if row["kind"] != kind:
            continue
        sa, sb = dedupe.signature(a), dedupe.signature(b)
        exact = dedupe.content_hash(a) == dedupe.content_hash(b)
        judged = exact or (
            sa is not None and sb is not None and dedupe.duplicate_kind(sb, sa) is not None
        )
        assert judged == row["duplicate"], f"pair {row['id']} ({kind}): {row.get('note')}"


# --------------------------------------------------------------------- material change

ARTICLE = (
    "Updated 4:12 p.m. CT, Sept. 2, 2025\n"
    "Federal agents arrested 12 people in Cicero on Tuesday, officials said.\n"
    "Advertisement\n"
    "The mayor called the raid \u201cunacceptable\u201d and asked for answers.\n"
    "A court hearing is set for Friday."
)


@pytest.mark.parametrize(
    "new",
    [
        ARTICLE,
        ARTICLE.replace("\n", "\n\n").replace(" ", "  "),
        ARTICLE.replace("4:12 p.m. CT, Sept. 2", "6:40 p.m. CT, Sept. 3"),
        ARTICLE.replace("Updated 4:12 p.m. CT, Sept. 2, 2025\n", ""),
        ARTICLE.replace("Advertisement", "Sponsored: Shop the fall sale at Acme"),
        ARTICLE.replace("Advertisement\n", ""),
        ARTICLE.replace("\u201cunacceptable\u201d", '"unacceptable"'),
        ARTICLE.replace("officials said.", "officials said"),
    ],
    ids=[
        "same",
        "whitespace",
        "timestamp",
        "timestamp-removed",
        "ad-changed",
        "ad-removed",
        "quote-style",
        "punctuation",
    ],
)
def test_cosmetic_changes_are_not_material(new: str) -> None:
    assert not dedupe.is_material_change(ARTICLE, new)
    assert dedupe.text_diff(ARTICLE, new) == ""


@pytest.mark.parametrize(
    "new",
    [
        ARTICLE.replace("12 people", "15 people"),
        ARTICLE.replace("Friday", "Monday"),
        ARTICLE + "\nThe governor said the state would sue.",
        ARTICLE.replace("A court hearing is set for Friday.", ""),
        ARTICLE.replace("asked for answers", "did not comment"),
    ],
    ids=["number", "date", "sentence-added", "sentence-removed", "words"],
)
def test_material_changes(new: str) -> None:
    assert dedupe.is_material_change(ARTICLE, new)
    diff = dedupe.text_diff(ARTICLE, new)
    assert diff.startswith("--- before\n+++ after")
    assert any(
        line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
        for line in diff.splitlines()
    )


def test_text_diff_shows_the_changed_sentence_only() -> None:
    diff = dedupe.text_diff(ARTICLE, ARTICLE.replace("12 people", "15 people"))
    assert "-Federal agents arrested 12 people in Cicero on Tuesday, officials said." in diff
    assert "+Federal agents arrested 15 people in Cicero on Tuesday, officials said." in diff
    assert "court hearing" not in diff


def test_text_diff_is_capped() -> None:
    old = "\n".join(f"Sentence number {i} says something." for i in range(100))
    new = "\n".join(f"Sentence number {i} says another thing." for i in range(100))
    diff = dedupe.text_diff(old, new, max_lines=20)
    lines = diff.splitlines()
    assert len(lines) == 20
    assert lines[-1].startswith("... (") and "more diff lines" in lines[-1]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_normalize_is_idempotent(text: str) -> None:
    once = dedupe.normalize_text(text)
    assert dedupe.normalize_text(once) == once


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f"]), min_size=1, max_size=60),
    st.sampled_from([" ", "  ", "\n", "\t", " \n "]),
)
def test_whitespace_never_matters(tokens: list[str], sep: str) -> None:
    a, b = " ".join(tokens), sep.join(tokens)
    assert dedupe.content_hash(a) == dedupe.content_hash(b)
    assert dedupe.shingles(a) == dedupe.shingles(b)
    assert not dedupe.is_material_change(a, b)


def test_fingerprint_equals_its_parts() -> None:
    from extractors.dedupe import content_hash, fingerprint, signature, words

    text = " ".join(f"Word{i % 97} “quoted” — dash\u00a0space" for i in range(120))
    fp = fingerprint(text)
    assert fp.content_hash == content_hash(text)
    assert fp.n_words == len(words(text))
    assert fp.signature == signature(text)
    assert fingerprint("too short").signature is None


def _datasketch_signature(text: str) -> tuple[bytes, int]:
    """The signature as datasketch 2 computes it (the reference the index was built
    with): affine32, default SHA-1 hash, same seed."""
    import numpy as np
    from datasketch import MinHash

    sh = dedupe.shingles(text)
    m = MinHash(num_perm=dedupe.NUM_PERM, seed=dedupe.SEED, scheme=dedupe.SCHEME)
    m.update_batch(list(sh))
    return np.asarray(m.hashvalues, dtype="<u4").tobytes(), len(sh)


def test_signature_equals_datasketch_value_for_value() -> None:
    texts = [*seed_texts(), *(t for _row, a, b in PAIRS[:40] for t in (a, b))]
    checked = 0
    for text in texts:
        ours = dedupe.signature(text)
        if ours is None:
            continue
        checked += 1
        assert (ours.values, ours.n_shingles) == _datasketch_signature(text)
    assert checked >= 60


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=60, max_size=200))
def test_signature_equals_datasketch_on_any_words(tokens: list[str]) -> None:
    text = " ".join(tokens)
    ours = dedupe.signature(text)
    if ours is None:
        assert len(dedupe.words(text)) < dedupe.MIN_WORDS
        return
    assert (ours.values, ours.n_shingles) == _datasketch_signature(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_normalize_text_equals_translate_and_regex(text: str) -> None:
    """The fast normaliser gives what str.translate and \\s+ give."""
    import re
    import unicodedata

    slow = unicodedata.normalize("NFKC", text).translate(dedupe._QUOTES).casefold()
    slow = re.sub(r"\s+", " ", slow).strip()
    assert dedupe.normalize_text(text) == slow
