"""``newsmon topic new``: a topic profile proposed from a few seed articles.

Reads the seeds (text files as the seed corpus is written, HTML pages cleaned as the
monitor cleans them, and pages fetched from ``--seed-url``), proposes a profile with
:func:`extractors.topic_proposal.propose`, copies the seeds beside the profile, and writes
it only once :func:`load_profile` accepts it. Nothing touches the network unless a
``--seed-url`` asks for a page (``--feed`` URLs are written into the profile, not fetched).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from extractors.topic_entities import SeedText
from newsmon.errors import ExtractionError, FetchError, NewsmonError, ProfileError

if TYPE_CHECKING:
    from extractors.topic_proposal import Proposal

LOGGER = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm")


class TopicNewError(NewsmonError):
    """A profile cannot be proposed or written: the reason, for a person to act on."""


class SeedError(TopicNewError):
    """A seed that cannot be read, with the file and the reason."""


@dataclass(frozen=True)
class SeedFile:
    """One seed as it will be copied beside the profile: a file name and its text."""

    name: str
    text: str
    seed: SeedText


def _from_text(name: str, raw: str) -> SeedFile:
    from extractors.seeds import parse_seed

    doc = parse_seed(raw, name)
    if not doc.text.strip():
        raise SeedError(f"{name}: the file is empty")
    return SeedFile(name, raw, SeedText(Path(name).stem, doc.title, doc.text, doc.published))


def _from_html(name: str, html: bytes, url: str) -> SeedFile:
    """A page cleaned as the monitor cleans pages, kept as a text seed (date marker and
    headline first, the way :func:`extractors.seeds.parse_seed` reads them)."""
    from extractors.article import extract_article

    try:
        art = extract_article(html, url)
    except ExtractionError as exc:
        raise SeedError(f"{name}: {exc}") from None
    title = (art.title or "").strip()
    body = art.text
    if title and body.startswith(title):  # the page's own headline atop its text
        body = body[len(title) :].lstrip()
    head = f" date {art.published[:10]} " if art.published else ""
    text = f"{head}{title}\n\n{body}\n" if title else f"{head}{body}\n"
    return _from_text(Path(name).with_suffix(".txt").name, text)


def read_seed_dir(folder: Path) -> list[SeedFile]:
    """Every text and HTML file of ``folder``, in name order."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    out = []
    for path in files:
        suffix = path.suffix.lower()
        if suffix in HTML_SUFFIXES:
            out.append(_from_html(path.name, path.read_bytes(), path.resolve().as_uri()))
        elif suffix in TEXT_SUFFIXES:
            try:
                raw = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise SeedError(f"{path.name}: not UTF-8 text") from None
            out.append(_from_text(path.with_suffix(".txt").name, raw))
        else:
            LOGGER.info("skipping %s (not .txt, .md or .html)", path.name)
    return out


def fetch_seed_pages(urls: Sequence[str], *, allow_private_hosts: bool) -> list[SeedFile]:
    """Pages named by ``--seed-url``, fetched with the monitor's fetcher and cleaned."""
    from newsmon.fetch import Fetcher
    from newsmon.profile import FetchSpec

    out = []
    with Fetcher(FetchSpec(), allow_private_hosts=allow_private_hosts) as fetcher:
        for i, url in enumerate(urls):
            try:
                page = fetcher.get(url, accept="text/html, */*")
            except FetchError as exc:
                raise SeedError(f"--seed-url {url}: {exc}") from None
            slug = re.sub(r"[^A-Za-z0-9]+", "-", url.split("//", 1)[-1]).strip("-")[:60]
            out.append(_from_html(f"url-{i:02d}-{slug}.html", page.content, page.final_url))
    return out


def fact_event_types(
    profile_text: str, path: Path, seeds: Sequence[SeedText]
) -> dict[str, list[str]]:
    """For each fact unit, the event types the extractor gives the seeds' sentences that
    carry a figure in it (most frequent first)."""
    import tomllib

    from newsmon.profile import profile_from_dict
    from newsmon.topic import event_extractor

    raw = tomllib.loads(profile_text)
    raw["topic"]["seeds"] = []  # not copied yet; the extractor does not read them
    profile = profile_from_dict(raw, path)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    extractor = event_extractor(profile)
    for s in seeds:
        for ev in extractor.extract(s.text, published=s.published):
            if ev.quantity_unit:
                by = counts[ev.quantity_unit]
                by[ev.event_type] = by.get(ev.event_type, 0) + 1
    return {u: sorted(c, key=lambda t: -c[t]) for u, c in counts.items()}


def write_profile(
    seed_files: Sequence[SeedFile],
    out: Path,
    *,
    name: str,
    topic_id: str,
    feeds: Sequence[str] = (),
    force: bool = False,
) -> tuple[Path, Proposal]:
    """Propose, copy the seeds to ``<out folder>/<out stem>/`` and write ``out``. Nothing
    is left half-written: the seeds go to a temporary folder and the profile to a
    temporary file, both renamed into place once the profile loads."""
    from extractors.topic_proposal import propose
    from newsmon.profile import load_profile
    from newsmon.topic_render import render_profile

    seeds_dir = out.parent / out.stem
    for existing in (out, seeds_dir):
        if existing.exists() and not force:
            raise TopicNewError(f"{existing} already exists (use --force to replace it)")
    names = [f.name for f in seed_files]
    if len(set(names)) != len(names):
        raise TopicNewError("two seeds would have the same file name: rename one")
    proposal = propose([f.seed for f in seed_files])
    glob = f"{out.stem}/*.txt"
    text = render_profile(proposal, topic_id=topic_id, name=name, seeds_glob=glob, feeds=feeds)
    types = fact_event_types(text, out, proposal.seeds)
    if types:
        text = render_profile(
            proposal, topic_id=topic_id, name=name, seeds_glob=glob, feeds=feeds, fact_types=types
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir = Path(tempfile.mkdtemp(prefix=f".{out.stem}-", dir=out.parent))
    tmp_file = out.parent / f".{out.name}.tmp"
    try:
        for f in seed_files:
            (tmp_dir / f.name).write_text(f.text, encoding="utf-8")
        tmp_file.write_text(text, encoding="utf-8")
        if seeds_dir.exists():
            shutil.rmtree(seeds_dir)
        tmp_dir.rename(seeds_dir)
        load_profile(tmp_file)  # checks every section; the seeds glob is relative to the folder
        os.replace(tmp_file, out)
    except ProfileError as exc:
        raise TopicNewError(f"the proposed profile does not load (a bug): {exc}") from None
    finally:
        tmp_file.unlink(missing_ok=True)
        shutil.rmtree(tmp_dir, ignore_errors=True)
    return out, proposal
