"""Words of a sentence with their offsets, and phrase lookup word by word.

The tokenizer keeps abbreviations ("U.S.", "Gov.") and initials ("J.B.") whole, so the
event extractor can find names and triggers without a sentence's full stop in the way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_ABBREV = (
    r"U\.S\.|U\.K\.|U\.N\.|D\.C\.|L\.A\.|N\.Y\.|a\.m\.|p\.m\.|Gov\.|Sen\.|Rep\.|Reps\.|Ald\."
    r"|Lt\.|Jr\.|Sr\.|St\.|Dr\.|Mr\.|Mrs\.|Ms\.|Cmdr\.|Capt\.|Sgt\.|Gen\.|Col\.|Adm\.|Maj\."
    r"|Rev\.|Supt\.|Atty\.|Jan\.|Feb\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.|No\.|Inc\.|Co\."
    r"|Corp\.|Dept\.|Ave\.|Blvd\.|vs\.|v\."
)
_TOKEN = re.compile(
    r"(?:" + _ABBREV + r")"
    r"|[A-Z]\.(?:[A-Z]\.)+"  # initials: J.B.
    r"|[A-Z]\.(?=\s+[A-Z])"  # a middle initial: "Charles R. Breyer"
    r"|[^\W\d_](?:[\w’'&]|[-.](?=\w))*"  # words, hyphenated words, "Sigcho-Lopez"
    r"|\d+[^\W\d_]\w*"  # a word that starts with digits: "4th", "1980s", "4Motion"
    r"|\d(?:[\d,.:]*\d)?"
    r"|[^\w\s]"
)


class Token:
    """One word or mark of a sentence, with its offsets (``low``: lower-cased; ``cap``:
    starts with a capital)."""

    __slots__ = ("text", "start", "end", "low", "cap")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.low = text.lower()
        self.cap = text[:1].isupper()

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start}, {self.end})"


class PhraseIndex:
    """Phrases looked up word by word (far cheaper than one case-insensitive regex of
    hundreds of alternatives): ``find(tokens)`` yields (first token, token after, phrase)
    for every phrase that starts at a token, longest first, case-insensitively."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for p in phrases:
            words = tuple(_PHRASE_WORD.findall(p.lower()))
            if words:
                self.by_first.setdefault(words[0], []).append(words)
        for lst in self.by_first.values():
            lst.sort(key=len, reverse=True)

    def at(self, toks: Sequence[Token], i: int) -> tuple[int, str] | None:
        """The longest phrase starting at token ``i``: (index after it, the phrase)."""
        cands = self.by_first.get(toks[i].low)
        if not cands:
            return None
        for words in cands:
            n = len(words)
            if i + n <= len(toks) and all(toks[i + k].low == words[k] for k in range(1, n)):
                return i + n, " ".join(words)
        return None

    def find(self, toks: Sequence[Token]) -> list[tuple[int, int, str]]:
        out = []
        firsts = self.by_first
        after = 0
        for i in [k for k, t in enumerate(toks) if t.low in firsts]:
            if i < after:
                continue
            got = self.at(toks, i)
            if got is not None:
                out.append((i, got[0], got[1]))
                after = got[0]
        return out


_PHRASE_WORD = re.compile(
    r"(?:" + _ABBREV + r")|[A-Z]\.(?:[A-Z]\.)+|[^\W\d_](?:[\w’'&]|[-.](?=\w))*"
    r"|\d(?:[\d,.:]*\d)?(?:st|nd|rd|th|s)?|[^\w\s]",
    re.IGNORECASE,
)


def tokenize(s: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(s)]
