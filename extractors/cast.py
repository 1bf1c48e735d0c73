"""The people and organisations of one article, and what "she", "Perry", "the judge" mean.

An article names a person in full once ("U.S. District Judge Sara Ellis") and then by
surname ("Ellis"), by role ("the judge") or by pronoun ("she"). :class:`Cast` keeps every
person and organisation the article names, with the fullest form it gives, and resolves
the shorter references when that is unambiguous:

- a surname, or a canonical name the profile knows, resolves to the person of that name;
- a role with a definite or indefinite article ("the judge", "a federal judge", "the
  governor") resolves to the one person of the article with that title (anywhere in the
  article: a lede's "a federal judge" is often named two sentences later), or stays as it
  is when there is none or more than one;
- "he"/"she" resolve to the person most recently named as a doer or speaker (the salient
  one), "they" to the most recent group or organisation, "it" to the most recent
  organisation; a pronoun with nothing to resolve to is no actor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.mentions import Entity, Mention

_STRIP = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_TITLE_HEADS = {
    "judge": ("judge", "justice"),
    "governor": ("gov.", "governor"),
    "mayor": ("mayor",),
    "president": ("president",),
    "senator": ("sen.", "senator"),
    "sheriff": ("sheriff",),
    "superintendent": ("superintendent",),
    "spokeswoman": ("spokeswoman",),
    "spokesman": ("spokesman",),
    "spokesperson": ("spokesperson", "spokeswoman", "spokesman"),
    "secretary": ("secretary",),
    "commander": ("commander", "cmdr."),
}


_ORG_WORDS = frozenset(
    ["agency", "department", "office", "administration", "company", "union", "court", "board"]
)


#: The key of an unnamed group, by role: across articles, "federal agents" and
#: "immigration agents" are one doer, and may be the agency another article names.
GENERIC_KEYS = {"force": "unnamed agents", "crowd": "protesters", "court": "a court"}


def _group_name(m: Mention, generic: frozenset[str]) -> str:
    """A group as the text words it, without its article; a capital that is there only
    because the sentence starts with a common word goes ("Protesters shouted" ->
    "protesters"; "Los Angeles officials" keeps its)."""
    bare = _STRIP.sub("", m.text.strip())
    words = bare.split()
    first = words[0] if words else ""
    proper = len(words) > 1 and words[1][:1].isupper()  # "Border Patrol personnel"
    if (
        m.start <= 4
        and not proper
        and first[:1].isupper()
        and first[1:].islower()
        and first.lower() in generic
    ):
        bare = bare[0].lower() + bare[1:]
    return bare


def _key(text: str) -> str:
    return _STRIP.sub("", text.strip()).lower()


def _org_key(text: str) -> str:
    return _STRIP.sub("", text.strip())


@dataclass(frozen=True)
class Actor:
    """A resolved doer: ``text`` as the article names it (its fullest form), ``key`` what
    reports of the same doer share across articles (the profile's canonical name when it
    knows one), ``role`` (force, court, official, crowd, media or None)."""

    text: str
    key: str
    role: str | None
    kind: str  # person | org | group
    entity: Entity | None = field(default=None, compare=False, hash=False, repr=False)

    display: str | None = None

    @property
    def name(self) -> str:
        """The name stored in the event log: the canonical name the profile gives, a
        person's name without title, an organisation's name, or the group as the text
        words it ("federal agents")."""
        return self.display or self.key


class Cast:
    def __init__(self, generic: frozenset[str] = frozenset()) -> None:
        #: Common words a group's name may start with ("federal", "protesters").
        self.generic = generic
        self.people: list[Entity] = []
        self.by_surname: dict[str, list[Entity]] = {}
        self.orgs: dict[str, Entity] = {}  # key -> entity
        self.last_person: Entity | None = None
        self.last_group: Actor | None = None
        self.last_org: Actor | None = None
        self.recent_orgs: list[Entity] = []
        self.last_force: Actor | None = None  # the agents, officers or force named last
        self.last_force_at = -1  # ... in this sentence of the article
        self.sentence_no = 0  # organisations in the order the text names them

    # ..................................................................... registration
    def _person(self, name: str) -> Entity | None:
        words = name.replace(".", ". ").split()
        if not words:
            return None
        surname = words[-1].lower()
        first = words[0].lower() if len(words) > 1 else None
        for e in reversed(self.by_surname.get(surname, [])):
            efirst = e.first
            if first is None or efirst is None or first == efirst or first[0] == efirst[0]:
                if first is not None and e.first is None:
                    e.first = first
                return e
        e = Entity("person", name, surname=surname)
        e.first = first
        e.name = name
        self.people.append(e)
        self.by_surname.setdefault(surname, []).append(e)
        return e

    def register(self, m: Mention) -> None:
        if m.kind == "person":
            ent = self._person(m.canonical or m.name or m.text)
            if ent is None:
                return
            ent.better(m.text)
            bare = m.canonical or m.name
            if bare and len(bare) > len(ent.name or "") and len(bare.split()) <= 4:
                ent.name = bare
            ent.role = ent.role if ent.role == "court" else (m.role or ent.role)
            ent.canonical = ent.canonical or m.canonical
            if m.head:
                ent.titles.add(m.head)
            low = f" {m.text.lower()} "
            for title, words in _TITLE_HEADS.items():
                if any(f" {w} " in low for w in words):
                    ent.titles.add(title)
            m.entity = ent
        elif m.kind == "org":
            key = (m.canonical or _key(m.text)).lower()
            ent = self.orgs.get(key)
            if ent is None:
                ent = Entity("org", m.text, canonical=m.canonical, role=m.role)
                self.orgs[key] = ent
            else:
                ent.better(m.text)
            m.entity = ent

    def register_acronym(self, full: Mention, acronym: str) -> None:
        """ "Homeland Security Investigations (HSI)": HSI is that organisation."""
        if full.entity is not None:
            self.orgs[acronym.lower()] = full.entity
            full.entity.acronym = acronym

    # ..................................................................... resolution
    def person_by_title(self, head: str) -> Entity | None:
        title = {"justice": "judge", "gov.": "governor"}.get(head, head)
        found = [e for e in self._unique_people() if title in e.titles]
        return found[0] if len(found) == 1 else None

    def _unique_people(self) -> list[Entity]:
        return self.people

    def resolve(self, m: Mention) -> Actor | None:
        """The doer a mention stands for, or ``None`` (an unresolved pronoun, a place)."""
        if m.kind == "pronoun":
            low = m.head
            if low in ("he", "she"):
                e = self.last_person
                return self._person_actor(e) if e is not None else None
            if low == "it":
                return self.last_org
            return self.last_group or self.last_org
        if m.kind == "person":
            e = m.entity
            if e is not None:
                return self._person_actor(e)
            return Actor(m.text, m.canonical or m.text, m.role, "person")
        if m.kind == "org":
            e = m.entity or self.orgs.get(_key(m.text))
            if e is None and m.text.isupper():
                e = self.orgs.get(m.text.lower())
            text = e.fullest if e is not None else m.text
            key = (
                (e.canonical if e is not None and e.canonical else None)
                or m.canonical
                or _org_key(text)
            )
            return Actor(text, key, m.role or (e.role if e else None), "org")
        if m.kind == "group":
            head = m.head
            bare = _key(m.text)
            if (
                (head in _TITLE_HEADS or head == "justice")
                and len(bare.split()) <= 3
                and not m.qualified
            ):
                # "the judge", "a federal judge", "the governor": one such person named.
                e = self.person_by_title(head)
                if e is not None:
                    return self._person_actor(e)
            if head in _ORG_WORDS and not m.plural and len(bare.split()) == 1:
                # "the agency", "the department": the organisation last named that is one.
                for org in reversed(self.recent_orgs):
                    if head in org.fullest.lower() or head == "agency":
                        return Actor(
                            org.fullest,
                            org.canonical or _org_key(org.fullest),
                            org.role,
                            "org",
                            org,
                        )
            # Across articles one unnamed group is one doer whatever the words ("federal
            # agents", "immigration agents"): its key is its role; an organisation's
            # group ("ICE agents") is the organisation's.
            key = m.canonical or GENERIC_KEYS.get(m.role or "", bare)
            return Actor(m.text, key, m.role, "group", display=_group_name(m, self.generic))
        if m.kind == "place" and m.canonical:
            return Actor(m.text, m.canonical, "official", "org")
        return None

    def _person_actor(self, e: Entity) -> Actor:
        return Actor(
            e.fullest, e.canonical or e.name or e.fullest, e.role or "official", "person", e
        )

    # ..................................................................... salience
    def saw(self, m: Mention, actor: Actor | None) -> None:
        """A mention was used as a doer or speaker: it is now the salient one."""
        if actor is None:
            return
        if actor.role == "force" and actor.kind != "person":
            self.last_force = actor
        if actor.kind == "person":
            if actor.entity is not None:
                self.last_person = actor.entity
        elif m.kind == "pronoun":
            return
        elif m.kind == "org":
            self.last_org = actor
        elif m.kind == "group":
            if m.plural:
                self.last_group = actor
            else:
                self.last_org = actor

    def named(self, m: Mention) -> None:
        """Any organisation the text names (in order), for "the agency" later."""
        if m.role == "force" and (m.kind == "org" or (m.kind == "group" and " " in m.text)):
            a = self.resolve(m)
            if a is not None and a.role == "force":
                self.last_force = a
        if m.kind == "org" and m.entity is not None and m.role != "media":
            if self.recent_orgs and self.recent_orgs[-1] is m.entity:
                return
            self.recent_orgs.append(m.entity)

    def mentioned(self, m: Mention) -> None:
        """A person named anywhere in a sentence becomes salient for "he"/"she" when no
        doer was found (the next sentence's "she said" refers back to her)."""
        if m.kind == "person" and m.entity is not None:
            self.last_person = m.entity
