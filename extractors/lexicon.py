"""The event extractor's rules, read from data: ``extractors/data/event_rules.toml``.

Code holds the mechanism; what varies with the subject (trigger words, speech verbs,
titles, generic doers, unit words) is data, in a file shipped with the package. A topic
profile may add words (its ``[events]`` section, passed here as :class:`Additions`). The
rules' version, stored with every event, is a hash of their content, so a stored event
says which rules made it.

Verb entries are a base form followed by any irregular forms ("send sent"); the regular
forms (-s, -ed, -ing) are derived here. Multi-word entries ("round up", "take taken took
into custody") inflect their first word.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

RULES_PATH = Path(__file__).resolve().parent / "data" / "event_rules.toml"

EVENT_TYPES = (
    "ANNOUNCE_PLAN",
    "DEPLOY",
    "ARREST_RAID",
    "USE_OF_FORCE",
    "EXECUTIVE_ORDER",
    "LEGISLATION",
    "LAWSUIT",
    "COURT_RULING",
    "PROTEST",
    "STATEMENT",
    "OTHER",
)


class RulesError(ValueError):
    """The rules file (or a profile's additions) cannot be used; says what and where."""


@dataclass(frozen=True)
class Sense:
    """What one trigger form means."""

    event_type: str
    lemma: str
    tag: str  # base | s | past | ing | noun
    needs: str | None = None


@dataclass(frozen=True)
class Additions:
    """Words a topic profile adds to the shipped rules: ``triggers`` maps an event type to
    verbs or nouns (same notation as the rules file), ``units`` a unit of counts to its
    words ("strikers": ["strikers", "dockworkers"]; counts in it go with every event type
    and can be tracked as facts), the other fields add doers."""

    triggers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    nouns: tuple[tuple[str, tuple[str, ...]], ...] = ()
    titles: tuple[str, ...] = ()
    force: tuple[str, ...] = ()
    crowd: tuple[str, ...] = ()
    official: tuple[str, ...] = ()
    org_heads: tuple[str, ...] = ()
    units: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True, eq=False)
class Rules:
    """Compiled rules. Compared and hashed by identity: :func:`load_rules` caches them."""

    version: str
    senses: Mapping[str, tuple[Sense, ...]]  # lower-cased form (may be several words)
    trigger_rx: re.Pattern[str]
    speech: Mapping[str, str]  # form -> tag
    speech_rx: re.Pattern[str]
    statement_nouns: frozenset[str]
    carriers: frozenset[str]
    speech_negation: tuple[tuple[str, ...], ...]  # word sequences before a speech verb
    findings: tuple[str, ...]  # what a judge says that is a ruling
    plan_before: tuple[str, ...]
    plan_verbs: frozenset[str]  # every form
    plan_nouns: frozenset[str]
    negation_before: tuple[str, ...]
    titles: tuple[str, ...]
    org_heads: frozenset[str]
    groups: Mapping[str, str]  # lower-cased group phrase -> kind
    force_words: frozenset[str]
    force_orgs: frozenset[str]  # words that make an organisation's name a force's
    judicial: frozenset[str]
    executive: frozenset[str]
    objects: Mapping[str, frozenset[str]]
    units: Mapping[str, str]  # unit word -> canonical unit
    passing: tuple[str, ...]
    reaching: tuple[str, ...]
    not_first: frozenset[str]
    not_last: frozenset[str]
    quantity_units: Mapping[str, tuple[str, ...]]  # event type -> units its counts have
    light_verbs: frozenset[str]  # every form
    quantity_as: Mapping[str, Mapping[str, str]]  # event type -> {unit: unit it counts as}
    raw: Mapping[str, Any] = field(repr=False, compare=False, hash=False, default_factory=dict)

    def objects_rx(self, name: str) -> re.Pattern[str]:
        return _words_rx(tuple(sorted(self.objects.get(name, ()))))


@lru_cache(maxsize=256)
def _words_rx(words: tuple[str, ...]) -> re.Pattern[str]:
    if not words:
        return re.compile(r"(?!x)x")
    alts = sorted({re.escape(w) for w in words}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w-])", re.IGNORECASE)


_VOWELS = set("aeiou")


def inflect(base: str) -> dict[str, str]:
    """Regular forms of an English verb: {form: tag}."""
    forms = {base: "base"}
    if base.endswith("e"):
        forms[base + "s"] = "s"
        forms[base + "d"] = "past"
        forms[base[:-1] + "ing"] = "ing"
    elif base.endswith("y") and len(base) > 2 and base[-2] not in _VOWELS:
        forms[base[:-1] + "ies"] = "s"
        forms[base[:-1] + "ied"] = "past"
        forms[base + "ing"] = "ing"
    elif base.endswith(("s", "sh", "ch", "x", "z")):
        forms[base + "es"] = "s"
        forms[base + "ed"] = "past"
        forms[base + "ing"] = "ing"
    else:
        forms[base + "s"] = "s"
        # Short consonant-vowel-consonant verbs double the last letter (ban, pin, ram).
        if (
            len(base) <= 4
            and len(re.findall(r"[aeiou]+", base)) == 1  # one syllable: "ban", not "open"
            and base[-1] not in _VOWELS | {"w", "x", "y"}
            and base[-2] in _VOWELS
            and base[-3] not in _VOWELS
        ):
            forms[base + base[-1] + "ed"] = "past"
            forms[base + base[-1] + "ing"] = "ing"
        else:
            forms[base + "ed"] = "past"
            forms[base + "ing"] = "ing"
    return forms


def verb_forms(entry: str) -> dict[str, tuple[str, str]]:
    """Forms of one verb entry: {form: (lemma, tag)}.

    "send sent" -> send, sends, sent (past), sending; "round up" -> round up, rounds up,
    rounded up, rounding up; "take taken took into custody" -> taken/took into custody...
    """
    words = entry.split()
    if not words:
        raise RulesError(f"empty verb entry in {RULES_PATH.name}")
    base = words[0]
    irregular = []
    rest = words[1:]
    # Irregular forms come right after the base; the rest is the phrase's tail. An
    # irregular form is one word that is not a particle or preposition.
    # An irregular form starts with the base's first letter ("take taken took", "bring
    # brought"); anything else is the phrase's tail ("open opened an investigation").
    while rest and rest[0] not in _PARTICLES and rest[0][0] == base[0]:
        irregular.append(rest.pop(0))
    tail = (" " + " ".join(rest)) if rest else ""
    out: dict[str, tuple[str, str]] = {}
    for form, tag in inflect(base).items():
        out[form + tail] = (base + tail, tag)
    for form in irregular:
        out[form + tail] = (base + tail, "past")
    return out


_PARTICLES = frozenset(
    [
        "up",
        "down",
        "out",
        "in",
        "into",
        "off",
        "on",
        "over",
        "away",
        "back",
        "to",
        "from",
        "with",
        "at",
        "of",
        "for",
        "about",
    ]
)


def _strs(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(f"{where} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _load_raw(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"cannot read the event rules {path}: {exc}") from exc


def build_rules(raw: Mapping[str, Any], additions: Additions | None = None) -> Rules:
    """Compile the rules (the parsed TOML) plus a profile's additions."""
    add = additions or Additions()
    senses: dict[str, list[Sense]] = {}

    def put(form: str, sense: Sense) -> None:
        lst = senses.setdefault(form.lower(), [])
        if sense not in lst:
            lst.append(sense)

    triggers = list(raw.get("trigger") or [])
    for etype, words in add.triggers:
        triggers.append({"type": etype, "verbs": list(words)})
    for etype, words in add.nouns:
        triggers.append({"type": etype, "kind": "noun", "nouns": list(words)})
    for i, t in enumerate(triggers):
        etype = t.get("type")
        if etype not in EVENT_TYPES:
            raise RulesError(f"trigger {i}: unknown event type {etype!r}")
        needs = t.get("needs")
        for entry in _strs(t.get("verbs"), f"trigger {i} verbs"):
            for form, (lemma, tag) in verb_forms(entry).items():
                put(form, Sense(etype, lemma, tag, needs))
        for noun in _strs(t.get("nouns"), f"trigger {i} nouns"):
            put(noun, Sense(etype, noun.lower(), "noun", needs))

    st = raw.get("statement") or {}
    speech: dict[str, str] = {}
    for entry in _strs(st.get("verbs"), "[statement] verbs"):
        for form, (_lemma, tag) in verb_forms(entry).items():
            speech[form.lower()] = tag
    carriers: set[str] = set()
    for entry in _strs(st.get("carriers"), "[statement] carriers"):
        carriers.update(f.lower() for f in verb_forms(entry))

    plan = raw.get("plan") or {}
    plan_verbs: set[str] = set()
    for entry in _strs(plan.get("verbs"), "[plan] verbs"):
        plan_verbs.update(f.lower() for f in verb_forms(entry))

    doers = raw.get("doers") or {}
    dwords = doers.get("words") or {}
    groups: dict[str, str] = {}
    gtab = doers.get("groups") or {}
    for kind in ("force", "crowd", "court", "official"):
        extra = {"force": add.force, "crowd": add.crowd, "official": add.official}.get(kind, ())
        for g in (*_strs(gtab.get(kind), f"[doers.groups] {kind}"), *extra):
            groups.setdefault(g.lower(), kind)

    units: dict[str, str] = {}
    utab = raw.get("units") or {}
    for canon, words in utab.items():
        if canon in ("passing", "reaching"):
            continue
        for w in _strs(words, f"[units] {canon}"):
            units[w.lower()] = canon
    for canon, words in add.units:
        for w in (canon, *words):
            units.setdefault(w.lower(), canon)

    objects = {
        k: frozenset(w.lower() for w in _strs(v, f"[objects] {k}"))
        for k, v in (raw.get("objects") or {}).items()
    }
    forms = sorted(senses, key=len, reverse=True)
    trigger_rx = re.compile(
        r"(?<![\w-])(?:" + "|".join(_flex(f) for f in forms) + r")(?![\w-])", re.IGNORECASE
    )
    speech_rx = re.compile(
        r"(?<![\w-])(?:"
        + "|".join(re.escape(f) for f in sorted(speech, key=len, reverse=True))
        + r")(?![\w-])"
    )
    content = json.dumps([raw, _additions_json(add)], sort_keys=True, default=str)
    version = "rules-2-" + hashlib.sha1(content.encode("utf-8")).hexdigest()[:10]
    return Rules(
        version=version,
        senses={k: tuple(v) for k, v in senses.items()},
        trigger_rx=trigger_rx,
        speech=speech,
        speech_rx=speech_rx,
        statement_nouns=frozenset(w.lower() for w in _strs(st.get("nouns"), "[statement] nouns")),
        carriers=frozenset(carriers),
        findings=tuple(w.lower() for w in _strs(st.get("findings"), "[statement] findings")),
        speech_negation=tuple(
            tuple(w.lower().split()) for w in _strs(st.get("negation"), "[statement] negation")
        ),
        plan_before=tuple(
            sorted(_strs(plan.get("before"), "[plan] before"), key=len, reverse=True)
        ),
        plan_verbs=frozenset(plan_verbs),
        plan_nouns=frozenset(w.lower() for w in _strs(plan.get("nouns"), "[plan] nouns")),
        negation_before=tuple(
            sorted(
                _strs((raw.get("negation") or {}).get("before"), "[negation] before"),
                key=len,
                reverse=True,
            )
        ),
        titles=tuple(
            sorted(
                {*_strs(doers.get("titles"), "[doers] titles"), *add.titles}, key=len, reverse=True
            )
        ),
        org_heads=frozenset({*_strs(doers.get("org_heads"), "[doers] org_heads"), *add.org_heads}),
        groups=groups,
        force_words=frozenset(
            w.lower()
            for w in (*_strs(dwords.get("force_words"), "[doers.words] force_words"), *add.force)
        ),
        force_orgs=frozenset(_strs(dwords.get("force_orgs"), "[doers.words] force_orgs")),
        judicial=frozenset(
            w.lower() for w in _strs(dwords.get("judicial"), "[doers.words] judicial")
        ),
        executive=frozenset(
            w.lower() for w in _strs(dwords.get("executive"), "[doers.words] executive")
        ),
        objects=objects,
        units=units,
        passing=_strs(utab.get("passing"), "[units] passing"),
        reaching=_strs(utab.get("reaching"), "[units] reaching"),
        not_first=frozenset(_strs((raw.get("names") or {}).get("not_first"), "[names] not_first")),
        not_last=frozenset(_strs((raw.get("names") or {}).get("not_last"), "[names] not_last")),
        light_verbs=frozenset(
            f.lower()
            for entry in _strs(raw.get("light_verbs"), "light_verbs")
            for f in verb_forms(entry)
        ),
        quantity_units={
            t: (*_strs(v, f"[quantities] {t}"), *(canon for canon, _ in add.units))
            for t, v in {
                **{t: [] for t in EVENT_TYPES if add.units},
                **(raw.get("quantities") or {}),
            }.items()
            if t != "as"
        },
        quantity_as={
            t: {str(k): str(v) for k, v in m.items()}
            for t, m in ((raw.get("quantities") or {}).get("as") or {}).items()
        },
        raw=raw,
    )


def _flex(form: str) -> str:
    """A form as a regex: spaces match any run of white space."""
    return r"\s+".join(re.escape(w) for w in form.split())


def _additions_json(add: Additions) -> dict[str, Any]:
    return {
        "triggers": [list(t) for t in add.triggers],
        "nouns": [list(t) for t in add.nouns],
        "titles": list(add.titles),
        "force": list(add.force),
        "crowd": list(add.crowd),
        "official": list(add.official),
        "org_heads": list(add.org_heads),
        "units": [list(u) for u in add.units],
    }


@lru_cache(maxsize=1)
def _shipped_raw() -> dict[str, Any]:
    return _load_raw(RULES_PATH)


@lru_cache(maxsize=32)
def load_rules(additions: Additions | None = None) -> Rules:
    """The shipped rules plus a profile's additions (cached)."""
    return build_rules(_shipped_raw(), additions)


def additions_from_mapping(section: Mapping[str, Any] | None, where: str = "[events]") -> Additions:
    """A profile's ``[events]`` section as :class:`Additions` (validated)."""
    if not section:
        return Additions()
    if not isinstance(section, Mapping):
        raise RulesError(f"{where} must be a table")
    known = {"triggers", "nouns", "titles", "force", "crowd", "official", "org_heads", "units"}
    unknown = sorted(set(section) - known)
    if unknown:
        raise RulesError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")

    def typed(key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        table = section.get(key) or {}
        if not isinstance(table, Mapping):
            raise RulesError(f"{where} {key} must be a table of event type = [words]")
        out = []
        for etype, words in sorted(table.items()):
            if etype not in EVENT_TYPES:
                raise RulesError(f"{where} {key}: unknown event type {etype!r}")
            out.append((etype, _strs(words, f"{where} {key}.{etype}")))
        return tuple(out)

    return Additions(
        triggers=typed("triggers"),
        nouns=typed("nouns"),
        titles=_strs(section.get("titles"), f"{where} titles"),
        force=_strs(section.get("force"), f"{where} force"),
        crowd=_strs(section.get("crowd"), f"{where} crowd"),
        official=_strs(section.get("official"), f"{where} official"),
        org_heads=_strs(section.get("org_heads"), f"{where} org_heads"),
        units=_units(section.get("units"), f"{where} units"),
    )


def _units(value: Any, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise RulesError(f"{where} must be a table of unit = [words]")
    return tuple((str(k), _strs(v, f"{where}.{k}")) for k, v in sorted(value.items()))


def words_in(text: str, words: Iterable[str]) -> bool:
    return _words_rx(tuple(sorted(words))).search(text) is not None


def find_words(text: str, words: Sequence[str] | frozenset[str]) -> list[re.Match[str]]:
    return list(_words_rx(tuple(sorted(words))).finditer(text))
