"""Seed documents: plain-text articles that define what the topic already knows.

The seed files are raw text with a few quirks, handled here:

- some open with a headline line (short, no closing punctuation) before the body;
- some open with a ``" date YYYY-MM-DD"`` marker glued to the first paragraph;
- paragraphs are separated by single or double newlines; trailing blank lines vary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DATE_MARKER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+")
_SENTENCE_END = re.compile(r"[.!?…:;\"”’')\]]$")
_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(?:[\"”’]?)(?:\s|$)")

MAX_HEADLINE_CHARS = 160
TITLE_CHARS = 90


@dataclass(frozen=True)
class SeedDoc:
    name: str  # the file name, which is also the stable id: url is ``seed:<name>``
    title: str
    text: str
    published: str | None
    title_is_headline: bool  # False when the title was derived from the first sentence

    @property
    def url(self) -> str:
        return f"seed:{self.name}"


def _derive_title(text: str) -> str:
    first_line = text.split("\n", 1)[0].strip()
    m = _FIRST_SENTENCE.match(first_line)
    sentence = m.group(1) if m else first_line
    if len(sentence) <= TITLE_CHARS:
        return sentence
    cut = sentence[:TITLE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:—–- ") + "…"


def _looks_like_headline(line: str, rest: str) -> bool:
    line = line.strip()
    return (
        0 < len(line) <= MAX_HEADLINE_CHARS
        and not _SENTENCE_END.search(line)
        and bool(rest.strip())
        and len(line.split()) >= 3
    )


def parse_seed(raw: str, name: str) -> SeedDoc:
    """Split a seed file into title, publication date and body text."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    published = None
    m = _DATE_MARKER.match(text)
    if m:
        published = m.group(1)
        text = text[m.end() :]
    text = text.strip()
    first, _, rest = text.partition("\n")
    if _looks_like_headline(first, rest):
        title, body, is_headline = first.strip(), rest.strip(), True
    else:
        title, body, is_headline = _derive_title(text), text, False
    # Normalise paragraph breaks: one blank line between paragraphs, no trailing space.
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", body) if p.strip()]
    return SeedDoc(
        name=name,
        title=title,
        text="\n\n".join(paragraphs),
        published=published,
        title_is_headline=is_headline,
    )
