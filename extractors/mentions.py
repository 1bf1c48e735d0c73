"""Who is named in a sentence: people, organisations, groups, pronouns -- from the text.

Actors come from the text itself, not from a list: people introduced by a title ("U.S.
District Judge Sara Ellis", "Department of Homeland Security spokeswoman Tricia
McLaughlin", "co-owner Nestor Cruz") or by an apposition ("Mark Fleming, an attorney with
the National Immigrant Justice Center"), organisations by the shape of their names
("National Immigrant Justice Center", "U.S. Court of Appeals for the 9th Circuit", "HSI"),
generic doers ("federal agents", "protesters", "the judge") and pronouns. A
:class:`Directory` (what a topic profile knows: aliases of actors and places) only
normalises names to a canonical one.

Within an article, a :class:`Cast` remembers every person and organisation named, so that
"Perry", "the judge", "she" resolve to "US District Judge April Perry" when that is
unambiguous (see :meth:`Cast.resolve`).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from extractors import gazetteer
from extractors.lexicon import Rules
from extractors.tokens import PhraseIndex, Token, tokenize


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --------------------------------------------------------------------------- directory


@dataclass(frozen=True)
class DirectoryEntry:
    name: str  # canonical
    kind: str  # person | government | court | group | place ...
    aliases: tuple[str, ...]
    role: str | None = None


@dataclass(frozen=True)
class Directory:
    """Names a topic profile knows: actors and places with their aliases. The extractor
    uses it only to normalise (alias -> canonical) and to tell places from doers."""

    actors: tuple[DirectoryEntry, ...] = ()
    places: tuple[DirectoryEntry, ...] = ()

    @property
    def key(self) -> tuple[object, ...]:
        return (self.actors, self.places)


@dataclass(frozen=True)
class _DirIndex:
    actor_rx: AliasPattern | None
    place_rx: AliasPattern | None
    actor_of: Mapping[str, DirectoryEntry]
    place_of: Mapping[str, str]
    surname_of: Mapping[str, DirectoryEntry]  # "pritzker" -> JB Pritzker (people only)


class AliasPattern:
    r"""Names (each alias as written, any white space between its words) found as whole
    words: ``finditer`` gives what ``(?<![\w-])(?:alias|...)(?![\w-])`` would, about
    three times faster. Without the look-behind in front, the regex engine scans for the
    aliases' first letters in C instead of trying every alternative at every position;
    the word boundary before a match is checked here."""

    def __init__(self, aliases: Sequence[str]) -> None:
        parts = [r"\s+".join(re.escape(w) for w in a.split()) for a in aliases]
        self.rx = re.compile(r"(?:" + "|".join(parts) + r")(?![\w-])")

    def finditer(self, s: str) -> Iterator[re.Match[str]]:
        search = self.rx.search
        pos = 0
        while (m := search(s, pos)) is not None:
            start = m.start()
            if start and (s[start - 1].isalnum() or s[start - 1] in "_-"):
                pos = start + 1  # inside a word: the look-behind's failure, try further on
                continue
            yield m
            pos = max(m.end(), start + 1)


def _alias_rx(aliases: Iterable[str]) -> AliasPattern | None:
    alts = sorted({a for a in aliases if a}, key=len, reverse=True)
    return AliasPattern(alts) if alts else None


@lru_cache(maxsize=16)
def _index(directory: Directory) -> _DirIndex:
    actor_of: dict[str, DirectoryEntry] = {}
    surname_of: dict[str, DirectoryEntry] = {}
    for a in directory.actors:
        for alias in (a.name, *a.aliases):
            # Lower-case aliases ("the mayor", "the city") are generic words: the text's
            # own resolution handles them, the directory only normalises names.
            if alias and alias[0].isupper():
                actor_of.setdefault(alias, a)
        if a.kind == "person":
            surname_of.setdefault(a.name.split()[-1].lower(), a)
    place_of: dict[str, str] = {}
    for p in directory.places:
        for alias in (p.name, *p.aliases):
            if alias and (alias[0].isupper() or alias[0].isdigit()):
                place_of.setdefault(alias, p.name)
    return _DirIndex(_alias_rx(actor_of), _alias_rx(place_of), actor_of, place_of, surname_of)


# --------------------------------------------------------------------------- mentions


@dataclass
class Entity:
    """One person or organisation named in an article."""

    kind: str  # person | org
    fullest: str
    surname: str | None = None
    titles: set[str] = field(default_factory=set)
    canonical: str | None = None
    role: str | None = None  # force | court | official | crowd | media | None
    acronym: str | None = None
    first: str | None = None
    name: str | None = None  # a person's name without title ("Sara Ellis")

    def better(self, text: str) -> None:
        if len(text) > len(self.fullest) and len(text) <= 160:
            self.fullest = text


@dataclass
class Mention:
    start: int
    end: int
    text: str
    kind: str  # person | org | group | pronoun | place | title
    role: str | None = None  # force | court | official | crowd | media
    canonical: str | None = None
    entity: Entity | None = None
    plural: bool = False
    head: str = ""  # the head word, lower-cased ("agents", "judge")
    name: str = ""  # a person's name without title ("Sara Ellis", "Ellis")
    #: "another judge", "a judge in Oregon": a role the text sets apart from the one named
    qualified: bool = False

    @property
    def actor_text(self) -> str:
        if self.entity is not None:
            return self.entity.fullest
        return self.text


PRONOUNS = {"he": "person", "she": "person", "they": "group", "it": "org", "we": "group"}
_DETERMINERS = _words(
    """the a an this that these those its their his her our some many several other two three
    four five six seven eight nine ten dozens hundreds thousands more most all both"""
)
_NOT_NAME = _words(
    """The A An In On At By For From After Before Since During Meanwhile But And As When While
    If Today Yesterday Tomorrow Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    January February March April May June July August September October November December
    Separately However Instead Also Still Now Then Later Earlier This That These Those There
    Here It Its He She They We I You Our Their His Her My Your Some Many Several Other
    Others Another Both All Each Every No Not Read More Share Photo Video Watch
    Advertisement Related Listen What Who Why How Where Which Despite Under Over Amid Among
    Against With Without Within Through Throughout Until Though Although Because Once
    According Last Next First Second Third Federal State Local Democratic Republican
    Democrats Republicans Mr Ms Mrs Dr Sir Madam Brief"""
)
_MEDIA = _words(
    """Times Tribune News Post Journal Herald Sun-Times Press Reuters AP NPR CNN NBC CBS ABC
    Fox MSNBC NewsNation Telemundo Univision Politico Axios Bloomberg Guardian BBC Newsweek
    WBEZ WTTW KTLA KABC WGN WMAQ WLS Block Club Gazette Daily Chronicle Examiner Bee
    Register Review Magazine Wire Insider Beast Hill"""
)
_ROLE_NOUNS = _words(
    """attorney lawyer spokeswoman spokesman spokesperson official officer agent director
    president chair chairman chairwoman founder co-founder executive professor resident
    activist organizer organiser owner co-owner member leader manager pastor teacher
    principal student worker farmworker mother father parent neighbor witness reporter
    journalist commander chief secretary senator representative candidate superintendent
    administrator volunteer advocate expert analyst historian economist researcher
    supervisor trustee alderman alderwoman alderperson mayor governor judge sheriff deputy
    captain sergeant lieutenant colonel general veteran employee coordinator organizer co-
    host host educator nurse doctor physician priest rabbi imam bishop attorney-general
    prosecutor defender"""
)
MODIFIERS = _words(
    """federal immigration local state city county masked armed military national police border
    several some many other more additional unidentified plainclothes uniformed heavily
    dozens hundreds thousands of numerous two three four five six seven eight nine ten
    enforcement law top senior administration government school democratic republican
    progressive community union civil-rights civil rights legal defense department agency
    tactical elected public health church faith business immigrant immigrants' rights-group
    advocacy the press communications campaign media legal defense defence rights civic
    neighborhood municipal congressional legislative judicial executive"""
)
_GENERIC_HEADS_SINGULAR = _words(
    """judge court governor mayor president agency department administration city state county
    village board council office government panel sheriff superintendent spokesperson
    spokeswoman spokesman"""
)


_INITIALS = re.compile(r"[A-Z]\.(?:[A-Z]\.)*")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
_ACRONYM = re.compile(r"[A-Z]{2,6}s?")


def _is_cap_word(t: Token) -> bool:
    if not t.cap or not t.text[0].isalpha():
        return False
    return t.text not in _NOT_NAME


class MentionFinder:
    """Finds mentions in sentences, with the rules and a profile's directory."""

    def __init__(self, rules: Rules, directory: Directory) -> None:
        self.rules = rules
        self.directory = directory
        self.index = _index(directory)
        titles = rules.titles
        self.title_rx = re.compile(
            r"(?<![\w-])(?:"
            + "|".join(r"\s+".join(re.escape(w) for w in t.split()) for t in titles)
            + r")(?=\s+[A-Z])"
        )
        self.groups = PhraseIndex(rules.groups)
        self.org_heads = rules.org_heads

    # ..................................................................... names
    def _name_after(self, toks: Sequence[Token], i: int) -> int:
        """Index past a personal name starting at token ``i`` (1-4 capitalised words,
        initials allowed); ``i`` when there is none."""
        j = i
        while j < len(toks) and j - i < 4:
            t = toks[j]
            if _is_cap_word(t) or _INITIALS.fullmatch(t.text):
                j += 1
                if t.text.endswith(("’s", "'s")):
                    break  # "Donald Trump’s Operation X": the name ends at the possessive
                continue
            if t.text in ("“", '"') and j + 2 < len(toks) and toks[j + 2].text in ("”", '"'):
                j += 3  # a nickname: Katherine “Kat” Abughazaleh
                continue
            break
        # A name ends on a word, not an initial.
        while j > i and _INITIALS.fullmatch(toks[j - 1].text):
            j -= 1
        return j

    def find(self, s: str, toks: Sequence[Token] | None = None) -> list[Mention]:
        """All mentions in sentence ``s`` (offsets relative to ``s``), left to right,
        non-overlapping (longer and more specific first)."""
        toks = toks if toks is not None else tokenize(s)
        found: list[Mention] = []
        taken: list[tuple[int, int]] = []
        n_toks = len(toks)

        def free(a: int, b: int) -> bool:
            return all(b <= x or a >= y for x, y in taken)

        def add(m: Mention) -> None:
            if free(m.start, m.end) and m.end > m.start:
                found.append(m)
                taken.append((m.start, m.end))

        idx = self.index
        # 1. Places the profile knows (so they are never taken for doers).
        if idx.place_rx is not None:
            for m in idx.place_rx.finditer(s):
                pm = Mention(
                    m.start(), m.end(), m.group(), "place", canonical=idx.place_of.get(m.group())
                )
                # "Chicago police", "Illinois National Guard": a place modifying a doer
                # is part of the doer, found below.
                add(pm)
        places = list(found)
        found.clear()
        taken.clear()
        # 2. Titled people: [modifiers] Title Name.
        for m in self.title_rx.finditer(s):
            ti = _tok_at(toks, m.end())
            if ti is None:
                continue
            # skip white space: the next token starts the name
            j = self._name_after(toks, ti)
            if j == ti:
                continue
            name_toks = toks[ti:j]
            # A title before a name of one word that is itself a generic head ("Judge
            # Court") is not a person.
            floor = max((b for a, b in taken if b <= m.start()), default=0)
            start = self._premodifiers(s, toks, _tok_index(toks, m.start()), floor)
            end = name_toks[-1].end
            if name_toks[-1].text.endswith(("’s", "'s")) and len(name_toks[-1].text) > 2:
                end -= 2  # "Judge Breyer’s order": the judge is Breyer
            text = s[start:end]
            title = m.group().lower()
            role = "court" if "judge" in title or "justice" in title else "official"
            if title in ("officer", "agent", "commander", "cmdr.", "capt.", "sgt.") or (
                role == "official"
                and any(w in self.rules.force_orgs for w in s[start : m.start()].split())
            ):
                role = "force"  # "Border Patrol official Greg Bovino": a force's officer
            bare = s[name_toks[0].start : end]
            men = Mention(start, end, text, "person", role=role, head=title, name=bare)
            men.canonical = self._canonical(bare)
            add(men)
        # 3. Actors the profile knows, by alias (normalised to the canonical name).
        if idx.actor_rx is not None:
            for m in idx.actor_rx.finditer(s):
                entry = idx.actor_of[m.group()]
                if not free(m.start(), m.end()):
                    continue
                kind = "person" if entry.kind == "person" else "org"
                start, end = m.start(), m.end()
                # Extend an organisation to the doers it modifies: "ICE agents".
                ti = _tok_at(toks, end)
                gm = self.groups.at(toks, ti) if ti is not None else None
                if kind == "org" and gm is not None:
                    head = gm[1]
                    end = toks[gm[0] - 1].end
                    men = Mention(
                        start,
                        end,
                        s[start:end],
                        "group",
                        role=self.rules.groups[head],
                        plural=True,
                        head=head,
                        canonical=entry.name,  # "ICE agents" are ICE's
                    )
                    add(men)
                    continue
                if kind == "person":
                    start = self._premodifiers(s, toks, _tok_index(toks, start))
                arole: str | None = "court" if entry.kind == "court" else None
                if kind == "person" and entry.role and "judge" in entry.role.lower():
                    arole = "court"
                add(
                    Mention(
                        start,
                        end,
                        s[start:end],
                        kind,
                        role=arole,
                        canonical=entry.name,
                        name=entry.name if kind == "person" else "",
                    )
                )
        # 4. Organisations by the shape of their names, and acronyms.
        for men in self._orgs(s, toks):
            add(men)
        # 5. Groups: [modifiers] group-word ("federal immigration agents", "protesters").
        for gi, gafter, head in _merged(self.groups.find(toks)):
            if (
                gafter < n_toks - 1
                and toks[gafter].low == "of"
                and toks[gafter + 1].cap
                and (head in _OF_NAMED)
            ):
                k = gafter + 1
                while k < n_toks and (toks[k].cap or toks[k].low in ("of", "and")):
                    k += 1
                gafter = k  # "the state of Ardenne", "the city of Paramount"
            gstart, end = toks[gi].start, toks[gafter - 1].end
            if not free(gstart, end):
                continue
            kind_of = self.rules.groups[head]
            start = self._group_premodifiers(s, toks, gi)
            first = _tok_at(toks, start) or gi
            if head == "members":
                # "village board members", "council members": the body's kind
                body = [self.rules.groups.get(t.low) for t in toks[first : gafter - 1]]
                kind_of = next((k for k in reversed(body) if k is not None), kind_of)
            qualified = (
                first > 0 and toks[first - 1].low in ("another", "other", "second", "that", "this")
            ) or (
                toks[first].low in ("another", "other")
                or (
                    gafter + 1 < n_toks
                    and toks[gafter].low in ("in", "from")
                    and toks[gafter + 1].cap
                )
            )
            # "Lawyers for the state of Illinois", "officers with the LAPD", "members of
            # the Texas National Guard": the group of an organisation.
            men = Mention(
                start,
                end,
                s[start:end],
                "group",
                role=kind_of,
                plural=head.endswith("s") or head in ("police", "personnel", "military"),
                head=head,
                qualified=qualified,
            )
            add(men)
        # 6. Apposed names: "Mark Fleming, an attorney with ...", and bare full names.
        for men in self._bare_names(s, toks):
            add(men)
        # 7. Pronouns.
        for t in toks:
            if t.low in PRONOUNS and free(t.start, t.end):
                add(
                    Mention(
                        t.start,
                        t.end,
                        t.text,
                        "pronoun",
                        plural=t.low in ("they", "we"),
                        head=t.low,
                    )
                )
        for p in places:
            if free(p.start, p.end):
                found.append(p)
                taken.append((p.start, p.end))
        found.sort(key=lambda x: x.start)
        return found

    def _canonical(self, name: str) -> str | None:
        entry = self.index.actor_of.get(name)
        if entry is not None:
            return entry.name
        last = name.split()[-1].lower() if name.split() else ""
        entry = self.index.surname_of.get(last)
        return entry.name if entry is not None else None

    def _premodifiers(self, s: str, toks: Sequence[Token], i: int | None, floor: int = 0) -> int:
        """Start of the capitalised words (and "of", "the", possessives) that qualify a
        title: "U.S. Customs and Border Protection Chief", "Cook County's top judge";
        never before ``floor`` (the end of the mention before it)."""
        if i is None:
            return 0
        start = toks[i].start
        j = i - 1
        n = 0
        while j >= 0 and n < 7 and toks[j].start >= floor:
            t = toks[j]
            if _is_cap_word(t) or t.text in ("U.S.", "US") or _ORDINAL.fullmatch(t.text):
                start = t.start
            elif t.low in MODIFIERS and t.low != "the" and j > 0 and toks[j - 1].text[:1].isalpha():
                start = t.start  # "Transit agency spokeswoman", "county sheriff"
            elif t.low in ("of", "and", "for") and j > 0 and _is_cap_word(toks[j - 1]):
                pass
            elif t.text in ("’s", "'s") or t.text.endswith(("’s", "'s")):
                start = t.start
            else:
                break
            j -= 1
            n += 1
        # Never start on a connective.
        while start < toks[i].start:
            k = _tok_at(toks, start)
            if k is None or toks[k].low not in ("of", "and", "for"):
                break
            start = toks[k + 1].start
        return start

    def _group_premodifiers(self, s: str, toks: Sequence[Token], i: int | None) -> int:
        if i is None:
            return 0
        start = toks[i].start
        j = i - 1
        n = 0
        while j >= 0 and n < 5:
            t = toks[j]
            if t.low in _DETERMINERS and t.low not in (
                "the",
                "a",
                "an",
                "this",
                "that",
                "its",
                "their",
                "his",
                "her",
            ):
                start = t.start
            elif (
                (_is_cap_word(t) and t.low not in ("the",))
                or t.low in MODIFIERS
                or t.text in ("U.S.", "US")
            ):
                if t.low == "of" and not (
                    j > 0
                    and toks[j - 1].low
                    in (
                        "dozens",
                        "hundreds",
                        "thousands",
                        "crowds",
                        "crowd",
                        "group",
                        "groups",
                        "members",
                    )
                ):
                    break
                start = t.start
            elif t.text.endswith(("’s", "'s")):
                start = t.start
            else:
                break
            j -= 1
            n += 1
        return start

    def _orgs(self, s: str, toks: Sequence[Token]) -> Iterable[Mention]:
        n = len(toks)
        starts = [k for k, t in enumerate(toks) if t.cap or t.text[:1].isdigit()]
        nxt = 0
        last_end = 0
        while nxt < len(starts):
            i = starts[nxt]
            nxt += 1
            if i < last_end:
                continue
            t = toks[i]
            # Acronyms: HSI, FBI, ACLU (not "U.S.", not a sentence in capitals).
            if t.text in _MEDIA and not (i + 1 < n and toks[i + 1].cap):
                yield Mention(t.start, t.end, t.text, "org", role="media", head=t.low)
                last_end = i + 1
                continue
            if _ACRONYM.fullmatch(t.text) and t.text not in (
                "US",
                "TV",
                "AM",
                "PM",
                "OK",
                "TRO",
                "ID",
                "IDs",
                "II",
                "III",
                "IV",
                "X",
            ):
                role = "media" if t.text in _MEDIA else None
                yield Mention(t.start, t.end, t.text, "org", role=role, head=t.low)
                last_end = i + 1
                continue
            if not (
                _is_cap_word(t)
                or t.text in ("U.S.", "US")
                or (_ORDINAL.fullmatch(t.text) and i + 1 < n and toks[i + 1].cap)
            ):
                last_end = i + 1
                continue
            if (
                t.low in self.rules.groups
                and i + 1 < n
                and toks[i + 1].low in ("of", "for", "with")
                # ("Department of Justice" is one name: singular, no article)
                and (t.low.endswith("s") or (i + 2 < n and not toks[i + 2].cap))
            ):
                i += 1  # "Officers of the Harbor Office": the group is found on its own
                continue
            # A run of capitalised words, possibly joined by of/and/for/the/on.
            j = i
            last_cap = i
            while j < n:
                tj = toks[j]
                if (
                    _is_cap_word(tj)
                    or tj.text in ("U.S.", "US", "&")
                    or _ORDINAL.fullmatch(tj.text)
                    or (
                        tj.cap
                        and tj.text in ("Federal", "State", "Democratic", "Republican", "National")
                    )
                ):
                    last_cap = j
                    j += 1
                    if tj.text.endswith(("’s", "'s")) and j < n and toks[j].cap:
                        # "Trump’s Department of Justice": the organisation starts after
                        # its possessor.
                        i, last_cap = j, j
                elif (
                    tj.low in ("of", "and", "for", "the", "on")
                    and j + 1 < n
                    and (toks[j + 1].cap or toks[j + 1].low == "the")
                ):
                    j += 1
                else:
                    break
            run = toks[i : last_cap + 1]
            heads = [
                k
                for k, tk in enumerate(run)
                if tk.text in self.org_heads or tk.text.rstrip("s") in self.org_heads
            ]
            if heads and len(run) >= 2 or (len(run) >= 2 and run[-1].text in _MEDIA):
                text = s[run[0].start : run[-1].end]
                media = any(tk.text in _MEDIA for tk in run[-2:])
                role = "media" if media else None
                if any(tk.text in ("Court", "Circuit") for tk in run):
                    role = "court"
                if any(tk.text in self.rules.force_orgs for tk in run):
                    role = role or "force"
                yield Mention(run[0].start, run[-1].end, text, "org", role=role, head=run[-1].low)
                last_end = last_cap + 1
                continue
            last_end = last_cap + 1

    def _bare_names(self, s: str, toks: Sequence[Token]) -> Iterable[Mention]:
        n = len(toks)
        caps = [k for k, t in enumerate(toks) if t.cap]
        if len(caps) < 2:
            return
        i = 0
        while i < n:
            if not caps or caps[0] < i:
                while caps and caps[0] < i:
                    caps.pop(0)
                if not caps:
                    return
            i = caps.pop(0)
            t = toks[i]
            if not _is_cap_word(t):
                i += 1
                continue
            j = self._name_after(toks, i)
            if j - i >= 2 and all(tk.text not in self.org_heads for tk in toks[i:j]):
                name = s[toks[i].start : toks[j - 1].end]
                nxt = toks[j].text if j < n else ""
                if (
                    _looks_like_place(name)
                    or toks[i].text in self.rules.not_first
                    or toks[j - 1].text.rstrip(".") in self.rules.not_last
                    or nxt in self.rules.not_last
                    or nxt in self.org_heads
                    or (j < n and toks[j].text in ("’s", "'s") and False)
                ):
                    i = j
                    continue
                end = toks[j - 1].end
                text = name
                # Apposition: "Mark Fleming, an attorney with the X," / "Jaime Alanis, 57,"
                if (
                    j < n
                    and toks[j].text == ","
                    and j + 2 < n
                    and toks[j + 1].low in ("a", "an", "the")
                ):
                    k = j + 2
                    stop = k
                    while (
                        stop < n
                        and toks[stop].text not in (",", ";", ".", "—", "–", "(", "“", '"')
                        and stop - k < 14
                    ):
                        stop += 1
                    if any(tk.low in _ROLE_NOUNS for tk in toks[k:stop]):
                        text = s[toks[i].start : toks[stop - 1].end]
                men = Mention(
                    toks[i].start, end, text, "person", head=name.split()[-1].lower(), name=name
                )
                men.canonical = self._canonical(name)
                yield men
                i = j
                continue
            i += 1


_OF_NAMED = frozenset(
    ["state", "city", "county", "village", "town", "district", "people", "government"]
)


def _merged(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Adjacent group words are one group, named by the last: "police officials"."""
    out: list[tuple[int, int, str]] = []
    for a, b, head in spans:
        if out and out[-1][1] == a:
            out[-1] = (out[-1][0], b, head)
        else:
            out.append((a, b, head))
    return out


def _skip_space(s: str, i: int) -> int:
    while i < len(s) and s[i].isspace():
        i += 1
    return i


def _tok_at(toks: Sequence[Token], pos: int) -> int | None:
    """Index of the first token starting at or after ``pos``."""
    for k, t in enumerate(toks):
        if t.start >= pos:
            return k
    return None


def _tok_index(toks: Sequence[Token], pos: int) -> int | None:
    for k, t in enumerate(toks):
        if t.start <= pos < t.end or t.start >= pos:
            return k
    return None


@lru_cache(maxsize=1)
def _place_names() -> frozenset[str]:
    """Names of US states, countries and cities of 15,000 people or more (an offline
    gazetteer, ``extractors.gazetteer.PLACE_NAMES``), so that "Los Angeles" is never
    taken for a person. Read from the package's data file in about 20 ms: each process
    that extracts events (every pool worker) needs them."""
    try:
        with gzip.open(gazetteer.PLACE_NAMES, "rt", encoding="utf-8") as fh:
            return frozenset(fh.read().splitlines())
    except OSError:  # the gazetteer is a help, not a need
        return frozenset()


def _looks_like_place(name: str) -> bool:
    places = _place_names()
    if name in places:
        return True
    words = name.split()
    return (
        len(words) > 1
        and " ".join(words[:-1]) in places
        and words[-1] in ("County", "City", "Park", "Heights", "Village", "Township")
    )
