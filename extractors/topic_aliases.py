"""Actors of a story from the names its seeds use: one actor per real person or body.

The inventory (:mod:`extractors.topic_entities`) gives every name as written. Here the
names that stand for the same actor are merged, the way a reader merges them:

- **people by surname**: "JB Pritzker", "J.B. Pritzker" and "Pritzker" are one person
  (full names are merged when their first names agree: "Greg"/"Gregory", "JB"/"J.B.");
  a bare surname joins the person of that surname, whatever label the tagger gave it;
- **titles**: "Illinois Gov. JB Pritzker" and "Gov. Pritzker" are aliases of the same
  person, whose role is the title the text gives most often;
- **acronyms**: "ICE" is "Immigration and Customs Enforcement" when the initials agree or
  the text gives it in brackets; a country prefix ("U.S. ...") or a place before an
  organisation's name ("Illinois National Guard") does not make another organisation;
- ``part_of`` where the text says so: "Homeland Security’s Immigration and Customs
  Enforcement", "A, a division of B", a person whose title names the organisation
  ("Homeland Security Secretary Kristi Noem"), a person and "the <surname> administration".

Pure: no network, no database.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from extractors.topic_entities import Mention, rules

#: An actor is proposed when the seeds name it this often (a titled person: once).
MIN_MENTIONS = 2


@dataclass(frozen=True)
class ActorProposal:
    name: str
    aliases: tuple[str, ...]
    kind: str  # person | organization | government
    mentions: int
    seeds: tuple[str, ...]
    role: str | None = None
    part_of: str | None = None
    why_part_of: str | None = None
    merged: tuple[str, ...] = ()  # how the aliases were merged, for the comment
    titles: tuple[str, ...] = ()  # every title the seeds give (a person)
    derived: bool = False  # not named as such: "the <surname> administration"


@dataclass
class _Group:
    kind: str  # person | org
    forms: Counter[str] = field(default_factory=Counter)
    seeds: set[str] = field(default_factory=set)
    titles: Counter[str] = field(default_factory=Counter)
    how: list[str] = field(default_factory=list)
    owners: Counter[str] = field(default_factory=Counter)
    derived: bool = False

    def add(self, m: Mention) -> None:
        self.forms[m.text] += 1
        self.seeds.add(m.seed)
        if m.title:
            self.titles[m.title] += 1
        if m.owner:
            self.owners[m.owner] += 1

    def absorb(self, other: _Group) -> None:
        self.forms.update(other.forms)
        self.seeds |= other.seeds
        self.titles.update(other.titles)
        self.owners.update(other.owners)
        self.how.extend(other.how)

    @property
    def count(self) -> int:
        return sum(self.forms.values())


def _norm(word: str) -> str:
    return word.replace(".", "").lower()


def _words(name: str) -> list[str]:
    return name.split()


def _capitalised(name: str) -> bool:
    return all(w[:1].isupper() for w in _words(name) if w.isalpha() or "." in w)


def _first_names_agree(a: str, b: str) -> bool:
    x, y = _norm(a), _norm(b)
    return x == y or (len(x) >= 3 and len(y) >= 3 and (x.startswith(y) or y.startswith(x)))


def _strip_country(name: str) -> str:
    for p in sorted(rules()["names"]["country_prefixes"], key=len, reverse=True):
        if name.startswith(p + " ") and len(name) > len(p) + 3:
            return name[len(p) + 1 :]
    return name


def initials(name: str) -> str:
    """ "Immigration and Customs Enforcement" -> "ICE" (function words skipped)."""
    skip = {w.lower() for w in rules()["names"]["acronym_skip"]}
    return "".join(w[0] for w in _words(_strip_country(name)) if w.lower() not in skip).upper()


def _is_acronym(name: str) -> bool:
    return 2 <= len(name) <= 6 and name.isalpha() and name.isupper()


def _contains(long: str, short: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(short)}(?!\w)", long) is not None and long != short


def _is_media(name: str, sentences: Iterable[str]) -> bool:
    """A news outlet or a platform: a media word in its name, or the text cites it as a
    source ("told CNN", "posted on Truth Social")."""
    if any(_contains(f" {name} ", w) for w in rules()["names"]["media_words"]):
        return True
    cited = re.compile(
        r"(?:\btold|according to|statement to|interview with|reported by|spoke (?:to|with)"
        r"|(?:posted|wrote|post|posts|posting) on)"
        rf"\s+(?:the\s+)?{re.escape(name)}\b"
    )
    said = sum(1 for s in sentences if name in s)
    return said > 0 and sum(1 for s in sentences if cited.search(s)) * 2 >= said


def _people(mentions: Sequence[Mention]) -> tuple[list[_Group], dict[str, _Group]]:
    """People: full names grouped by surname and compatible first names."""
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        labels[m.text][m.label] += 1
    full = sorted(
        {
            m.text
            for m in mentions
            if m.label == "PERSON"
            and len(_words(m.text)) >= 2
            and _capitalised(m.text)
            and not any(c.isdigit() for c in m.text)
            and labels[m.text]["PERSON"] * 2 >= sum(labels[m.text].values())
        },
        key=lambda n: -sum(labels[n].values()),
    )
    groups: list[_Group] = []
    by_surname: dict[str, list[tuple[str, _Group]]] = defaultdict(list)
    for name in full:
        surname, first = _words(name)[-1], _words(name)[0]
        for other_first, g in by_surname[surname]:
            if _first_names_agree(first, other_first):
                g.how.append(f'"{name}" (same surname, first name agrees)')
                break
        else:
            g = _Group("person")
            groups.append(g)
            by_surname[surname].append((first, g))
    owner: dict[str, _Group] = {}
    for surname, entries in by_surname.items():
        for first, g in entries:
            for name in full:
                if _words(name)[-1] == surname and _first_names_agree(_words(name)[0], first):
                    owner.setdefault(name, g)
        # A bare surname goes to the person most often named with it.
        owner.setdefault(surname, entries[0][1])
    return groups, owner


def merge_actors(mentions: Sequence[Mention], texts: Sequence[str] = ()) -> list[ActorProposal]:
    """The actors of the seeds, with their aliases, most mentioned first.

    ``texts`` are the seed texts, read for titled forms ("Gov. Pritzker") and for what the
    text says about who belongs to whom."""
    people, person_of = _people(mentions)
    sentences = sorted({m.sentence for m in mentions})
    orgs: dict[str, _Group] = {}
    for m in mentions:
        g = person_of.get(m.text)
        if g is not None and m.label in ("PERSON", "ORG", "GPE", "NORP"):
            if len(_words(m.text)) == 1 and not g.forms.get(m.text):
                g.how.append(f'"{m.text}" (the surname)')
            g.add(m)
        elif m.label == "PERSON" and len(_words(m.text)) == 1 and _capitalised(m.text):
            g = person_of.setdefault(m.text, _Group("person"))
            if g not in people:
                people.append(g)
            g.add(m)
        elif m.label == "ORG" and not any(c.isdigit() for c in m.text):
            orgs.setdefault(m.text, _Group("org")).add(m)
    joined = _merge_orgs(orgs, mentions)
    groups = [g for g in people if g.count] + joined
    names = {id(g): _canonical(g) for g in groups}
    alias_owner = {f: g for g in groups for f in g.forms}
    _add_administrations(people, groups, names, alias_owner, texts)
    out = []
    for g in groups:
        name = names[id(g)]
        titled = bool(g.titles)
        if g.count < MIN_MENTIONS and not titled:
            continue
        if g.kind == "org" and any(_is_media(f, sentences) for f in g.forms):
            continue
        parent, why = _part_of(g, name, alias_owner, names, sentences)
        out.append(
            ActorProposal(
                name=name,
                aliases=_aliases(g, name, texts),
                kind="person" if g.kind == "person" else _org_kind(g),
                mentions=g.count,
                seeds=tuple(sorted(g.seeds)),
                role=max(g.titles, key=lambda t: (g.titles[t], len(t))) if titled else None,
                titles=tuple(g.titles),
                derived=g.derived,
                part_of=parent,
                why_part_of=why,
                merged=tuple(dict.fromkeys(g.how)),
            )
        )
    out.sort(key=lambda a: (-a.mentions, a.name))
    return _no_cycles(out)


def _merge_orgs(orgs: dict[str, _Group], mentions: Sequence[Mention]) -> list[_Group]:
    """Union organisation names: acronyms, country prefixes, names within names."""
    parent = {n: n for n in orgs}

    def find(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    def union(a: str, b: str, how: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
            orgs[b].how.append(how)

    names = sorted(orgs, key=len)
    for m in mentions:  # "Immigration and Customs Enforcement (ICE)"
        if m.acronym and m.text in orgs:
            orgs.setdefault(m.acronym, _Group("org"))
            parent.setdefault(m.acronym, m.acronym)
            union(m.text, m.acronym, f'"{m.acronym}" (given in brackets)')
    for a in names:
        if _is_acronym(a):
            for b in names:
                if b != a and len(_words(b)) >= 2 and initials(b) == a:
                    union(b, a, f'"{a}" (the initials of "{b}")')
    for b in sorted(orgs, key=len, reverse=True):
        inner = [
            a
            for a in orgs
            if a != b
            and _contains(_strip_country(b), a)
            and (len(_words(a)) >= 2 or _is_acronym(a))
        ]
        if _strip_country(b) != b and _strip_country(b) in orgs:
            inner.append(_strip_country(b))
        if inner:
            a = max(inner, key=len)
            if all(m.in_title for m in mentions if m.text == b):
                orgs[b].forms.clear()  # "Trump Deploys National Guard": a headline's words
            else:
                union(a, b, f'"{b}" (holds "{a}")')
    # A one-word fragment of longer names ("Customs" from two agencies) is no actor.
    for a in names:
        fragment = len(_words(a)) == 1 and not _is_acronym(a) and find(a) == a
        if fragment and any(_contains(b, a) for b in orgs) and len(orgs[a].forms) == 1:
            orgs[a].forms.clear()
    roots: dict[str, _Group] = {}
    for n in orgs:
        r = find(n)
        if r == n:
            roots.setdefault(r, orgs[r])
    for n in orgs:
        r = find(n)
        if r != n:
            roots[r].absorb(orgs[n])
    return [g for g in roots.values() if g.count]


def _canonical(g: _Group) -> str:
    """The form used most often; on a tie the longer one (a person: a full name)."""
    forms = g.forms
    if g.kind == "person":
        full = Counter({f: c for f, c in forms.items() if len(_words(f)) >= 2})
        forms = full or forms
    return max(forms, key=lambda f: (forms[f], len(f), f))


def _aliases(g: _Group, name: str, texts: Sequence[str]) -> tuple[str, ...]:
    out = [f for f, _ in g.forms.most_common() if f != name]
    if g.kind == "person":
        surnames = {_words(f)[-1] for f in g.forms if len(_words(f)) >= 2}
        for title in g.titles:
            head = _words(title)[-1]
            for full in [*g.forms, *surnames]:
                # The whole title, and its head word when capitalised ("Illinois Gov. JB
                # Pritzker", "Gov. Pritzker"), in the forms the text uses.
                forms = [f"{title} {full}"] + ([f"{head} {full}"] if head[:1].isupper() else [])
                out.extend(t for t in forms if any(t in x for x in texts))
    return tuple(dict.fromkeys(a for a in out if a != name))


def _org_kind(g: _Group) -> str:
    words = rules()["names"]["government_words"]
    return (
        "government"
        if any(_contains(f" {f} ", w) for f in g.forms for w in words)
        else "organization"
    )


def _add_administrations(
    people: list[_Group],
    groups: list[_Group],
    names: dict[int, str],
    alias_owner: dict[str, _Group],
    texts: Sequence[str],
) -> None:
    """ "the Trump administration": an actor of its own that its head is part of."""
    for p in people:
        for surname in {_words(f)[-1] for f in p.forms}:
            form = f"{surname} administration"
            n = sum(len(re.findall(rf"\b{re.escape(form)}\b", t)) for t in texts)
            if n < MIN_MENTIONS or form in alias_owner:
                continue
            g = _Group("org", Counter({form: n}), set(p.seeds), derived=True)
            g.how.append(f'"{form}" ({n} times in the text)')
            groups.append(g)
            names[id(g)] = form
            alias_owner[form] = g
            p.owners[form] += n


def _part_of(
    g: _Group,
    name: str,
    alias_owner: dict[str, _Group],
    names: dict[int, str],
    sentences: Sequence[str],
) -> tuple[str | None, str | None]:
    votes: Counter[str] = Counter()
    why: dict[str, str] = {}
    for owner, n in g.owners.items():  # "Homeland Security’s ICE", "Trump administration"
        o = alias_owner.get(owner)
        if o is not None and o is not g:
            votes[names[id(o)]] += n
            why.setdefault(
                names[id(o)],
                f'the text says "{owner}’s {name}"'
                if not owner.endswith("administration")
                else f'"the {owner}"',
            )
    for title, n in g.titles.items():  # "Homeland Security Secretary Kristi Noem"
        for form, o in alias_owner.items():
            if o is not g and len(form) >= 2 and _contains(f" {title} ", form):
                votes[names[id(o)]] += n
                why.setdefault(names[id(o)], f'titled "{title}"')
    nouns = "|".join(rules()["part_of"]["nouns"])
    for form in g.forms:
        rx = re.compile(
            rf"{re.escape(form)},\s+(?:which is\s+|that is\s+)?(?:an?\s+|the\s+)?"
            rf"(?:[a-z]+\s+)?(?:{nouns})\s+(?:of|within|in|under)\s+(?:the\s+)?(?P<b>[A-Z][\w.’'-]*(?:\s+(?:of\s+|and\s+)?[A-Z][\w.’'-]*)*)"
        )
        for s in sentences:
            for m in rx.finditer(s):
                o = alias_owner.get(m.group("b"))
                if o is not None and o is not g:
                    votes[names[id(o)]] += 1
                    why.setdefault(names[id(o)], f'the text says "{m.group(0)}"')
    if not votes:
        return None, None
    best = votes.most_common(1)[0][0]
    return best, why[best]


def _no_cycles(actors: list[ActorProposal]) -> list[ActorProposal]:
    """Drop a ``part_of`` that would go round in a circle (the less mentioned one's) or
    names an actor not proposed."""
    parent = {a.name: a.part_of for a in actors}
    out = []
    for a in sorted(actors, key=lambda a: -a.mentions):
        at, seen = a.part_of, {a.name}
        while at is not None and at not in seen:
            seen.add(at)
            at = parent.get(at)
        if at is not None or (a.part_of is not None and a.part_of not in parent):
            parent[a.name] = None
            a = replace(a, part_of=None, why_part_of=None)
        out.append(a)
    return sorted(out, key=lambda a: (-a.mentions, a.name))
