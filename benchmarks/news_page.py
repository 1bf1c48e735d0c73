"""A generated news article page whose markup is shaped like real news pages.

The throughput benchmark needs pages that cost what real ones cost to clean. Cleaning
time follows the page's markup (how many elements, how deep, how many attributes), not
its byte count: 100 KB that is mostly one script and one style block parses and cleans
several times faster than 100 KB of menus, teasers, share buttons and ad slots.

The page chrome below mirrors the 82 pages of 60-160 KB in the shared article-extraction
benchmark (real news sites; medians: 762 elements, 1.5 attributes per element, average
depth 8.6, maximum depth 15, 29 % of the bytes in scripts and styles; per page about
158 links, 136 divs, 110 list items, 53 spans, 36 scripts, 33 metas, 31 comments, 27
links in the head, 20 images). ``page_shape`` measures those figures on any page, so the
benchmark can print them for its own pages next to the real ones.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from dataclasses import dataclass
from html import escape

SITE = "https://www.benchmark-gazette.example"
SECTIONS = (
    "news", "politics", "chicago", "illinois", "nation", "world", "business", "opinion",
    "sports", "arts", "food", "weather",
)  # fmt: skip
_SLUG_WORDS = [
    "city",
    "council",
    "budget",
    "vote",
    "school",
    "board",
    "transit",
    "fare",
    "plan",
    "lakefront",
    "park",
    "storm",
    "season",
    "opener",
    "museum",
    "exhibit",
    "housing",
    "market",
    "river",
    "cleanup",
    "festival",
    "lineup",
    "election",
    "results",
    "hospital",
    "merger",
    "airport",
    "expansion",
    "police",
    "review",
    "library",
    "hours",
]


REPORTERS = (
    "Maria Delgado", "Tom Whitaker", "Aisha Grant", "Kevin O'Brien", "Lena Park",
    "Marcus Bell", "Sofia Reyes", "Daniel Novak", "Grace Kim", "Omar Haddad",
    "Julia Brennan", "Luis Romero", "Nina Patel", "Sam Okafor", "Claire Dubois",
    "Peter Lindqvist", "Rosa Jimenez",
)  # fmt: skip


def reporter(i: int) -> str:
    """The byline of article ``i``."""
    return REPORTERS[i % len(REPORTERS)]


def _slug(rng: random.Random, words: int = 6) -> str:
    return "-".join(rng.choice(_SLUG_WORDS) for _ in range(words))


def _story_url(rng: random.Random) -> str:
    section = rng.choice(SECTIONS)
    day, number = rng.randint(1, 28), rng.randint(10**5, 10**6)
    return f"{SITE}/{section}/2025/10/{day:02d}/{_slug(rng)}-{number}/"


def _headline(rng: random.Random) -> str:
    words = [rng.choice(_SLUG_WORDS) for _ in range(rng.randint(6, 11))]
    return " ".join(words).capitalize()


def _img(rng: random.Random, cls: str, width: int) -> str:
    name = f"{_slug(rng, 3)}-{rng.randint(1000, 9999)}"
    srcset = ", ".join(
        f"{SITE}/resizer/{w}x{w * 9 // 16}/filters:quality(70)/{name}.jpg {w}w"
        for w in (320, 640, 960, 1280)
    )
    return (
        f'<img class="{cls}" src="{SITE}/resizer/{width}x{width * 9 // 16}/{name}.jpg" '
        f'srcset="{srcset}" sizes="(max-width: 768px) 100vw, {width}px" alt="" '
        f'loading="lazy" decoding="async" width="{width}" height="{width * 9 // 16}">'
    )


def _js(rng: random.Random, name: str, entries: int) -> str:
    """An inline script of a tag manager or ad configuration: a few KB of JavaScript."""
    body = ",".join(
        f'"{_slug(rng, 2)}_{k}":{{"id":{rng.randint(10**6, 10**7)},"on":{str(k % 3 == 0).lower()}}}'
        for k in range(entries)
    )
    return (
        f"<script>window.{name}=window.{name}||{{}};"
        f"Object.assign(window.{name},{{{body}}});</script>"
    )


def _css(rng: random.Random, rules: int) -> str:
    return (
        "<style>"
        + "".join(
            f".{_slug(rng, 2)}-{k}{{margin:{k % 7}px {k % 5}px;padding:{k % 4}px;"
            f"font-size:{12 + k % 9}px;color:#{rng.randint(0, 0xFFFFFF):06x}}}"
            for k in range(rules)
        )
        + "</style>"
    )


def _icon(symbol: str) -> str:
    return f'<svg class="icon" aria-hidden="true"><use href="#icon-{symbol}"></use></svg>'


def _head(rng: random.Random, i: int, title: str, published: str) -> str:
    url = f"{SITE}/story/{i}"
    metas = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="description" content="{escape(title)}">',
        f'<meta name="keywords" content="{", ".join(rng.sample(_SLUG_WORDS, 6))}">',
        '<meta name="robots" content="index, follow, max-image-preview:large">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{escape(title)}">',
        f'<meta property="og:url" content="{url}">',
        f'<meta property="og:image" content="{SITE}/resizer/1200x630/{_slug(rng, 3)}.jpg">',
        f'<meta property="og:description" content="{escape(title)}">',
        '<meta property="og:site_name" content="Benchmark Gazette">',
        '<meta property="og:locale" content="en_US">',
        f'<meta property="article:published_time" content="{published}">',
        f'<meta property="article:modified_time" content="{published}">',
        f'<meta property="article:section" content="{rng.choice(SECTIONS).title()}">',
        *(f'<meta property="article:tag" content="{w}">' for w in rng.sample(_SLUG_WORDS, 4)),
        '<meta name="twitter:card" content="summary_large_image">',
        '<meta name="twitter:site" content="@benchgazette">',
        f'<meta name="twitter:title" content="{escape(title)}">',
        f'<meta name="twitter:description" content="{escape(title)}">',
        f'<meta name="twitter:image" content="{SITE}/resizer/1200x630/{_slug(rng, 3)}.jpg">',
        '<meta name="theme-color" content="#111111">',
        '<meta name="apple-mobile-web-app-capable" content="yes">',
        '<meta name="format-detection" content="telephone=no">',
        '<meta name="referrer" content="no-referrer-when-downgrade">',
        f'<meta name="parsely-section" content="{rng.choice(SECTIONS)}">',
        f'<meta name="parsely-pub-date" content="{published}">',
        '<meta name="msapplication-TileColor" content="#111111">',
        '<meta http-equiv="X-UA-Compatible" content="IE=edge">',
    ]
    links = [
        f'<link rel="canonical" href="/story/{i}">',
        f'<link rel="amphtml" href="{url}/amp">',
        f'<link rel="alternate" type="application/rss+xml" href="{SITE}/rss/news.xml">',
        *(f'<link rel="icon" sizes="{s}x{s}" href="{SITE}/icons/favicon-{s}.png">'
          for s in (16, 32, 96, 192)),
        *(f'<link rel="apple-touch-icon" sizes="{s}x{s}" href="{SITE}/icons/touch-{s}.png">'
          for s in (120, 152, 180)),
        f'<link rel="manifest" href="{SITE}/manifest.json">',
        *(f'<link rel="preconnect" href="https://cdn{k}.benchmark-cdn.example" crossorigin>'
          for k in range(6)),
        *(f'<link rel="dns-prefetch" href="https://ads{k}.adnetwork.example">' for k in range(4)),
        *(f'<link rel="preload" as="font" type="font/woff2" crossorigin '
          f'href="{SITE}/fonts/gazette-{w}.woff2">' for w in ("regular", "bold", "italic")),
        *(f'<link rel="stylesheet" href="{SITE}/assets/{name}.{rng.randint(10**7, 10**8):x}.css">'
          for name in ("main", "article", "ads", "print")),
    ]  # fmt: skip
    json_ld = (
        '<script type="application/ld+json">{"@context":"https://schema.org",'
        f'"@type":"NewsArticle","headline":"{escape(title)}","datePublished":"{published}",'
        f'"author":{{"@type":"Person","name":"{reporter(i)}"}},'
        '"publisher":{"@type":"Organization","name":"Benchmark Gazette"}}</script>'
    )
    scripts = [
        json_ld,
        _js(rng, "dataLayer", 80),
        _js(rng, "adConfig", 120),
        *(f'<script async src="https://cdn{k % 6}.benchmark-cdn.example/js/{_slug(rng, 2)}.js">'
          "</script>" for k in range(10)),
    ]  # fmt: skip
    return (
        f"<head>{''.join(metas)}<title>{escape(title)} | Benchmark Gazette</title>"
        f"{''.join(links)}<!-- critical css -->{_css(rng, 230)}{''.join(scripts)}</head>"
    )


def _sprite() -> str:
    symbols = "".join(
        f'<symbol id="icon-{name}" viewBox="0 0 24 24"><path d="M{k} 2l10 10-10 10-2-2 8-8-8-8z">'
        f'</path><path d="M2 {k}h20v2H2z"></path></symbol>'
        for k, name in enumerate(("share", "search", "close"))
    )
    return f'<svg xmlns="http://www.w3.org/2000/svg" style="display:none">{symbols}</svg>'


def _header(rng: random.Random) -> str:
    util = "".join(
        f'<li class="top-bar__item"><a class="top-bar__link" href="{SITE}/{p}">{p.title()}</a></li>'
        for p in ("subscribe", "e-edition", "newsletters", "obituaries", "contact")
    )
    menu = "".join(
        f'<li class="nav__item nav__item--has-sub"><a class="nav__link" href="{SITE}/{s}/">'
        f'{s.title()}</a><ul class="nav__sub">'
        + "".join(
            '<li class="nav__sub-item">'
            f'<a class="nav__sub-link" href="{SITE}/{s}/{_slug(rng, 2)}/">'
            f"{_slug(rng, 2).replace('-', ' ').title()}</a></li>"
            for _ in range(4)
        )
        + "</ul></li>"
        for s in SECTIONS
    )
    return (
        '<a class="skip-link" href="#main">Skip to content</a>'
        f'<div class="top-bar"><div class="container"><ul class="top-bar__list">{util}</ul>'
        "</div></div><!-- /.top-bar -->"
        '<header class="site-header" role="banner"><div class="container">'
        '<div class="site-header__row">'
        f'<a class="site-header__logo" href="{SITE}/">{_img(rng, "logo", 240)}</a>'
        '<button class="menu-toggle" aria-label="Menu"><i class="icon-menu"></i><span>Menu</span>'
        "</button>"
        f'<form class="search" action="{SITE}/search" role="search"><label for="q">Search</label>'
        '<input id="q" name="q" type="search" placeholder="Search">'
        f'<button type="submit">{_icon("search")}</button></form>'
        "</div></div>"
        f'<nav class="nav nav--primary" aria-label="Sections"><div class="container">'
        f'<ul class="nav__list">{menu}</ul></div></nav></header><!-- /.site-header -->'
        '<div class="breaking"><div class="container"><span class="breaking__label">'
        "Breaking</span>"
        f'<a href="{_story_url(rng)}">{_headline(rng)}</a></div></div>'
    )


def _ad(rng: random.Random, slot: str) -> str:
    return (
        f'<!-- ad slot {slot} --><div class="ad-container ad-container--{slot}">'
        '<div class="ad-wrapper"><span class="ad-label">Advertisement</span>'
        f'<div id="ad-{slot}-{rng.randint(100, 999)}" class="ad-slot" data-slot="{slot}" '
        f'data-sizes="[[300,250],[728,90]]" data-targeting=\'{{"pos":"{slot}"}}\'></div>'
        f"<script>googletag.cmd.push(function(){{googletag.display('ad-{slot}');}});</script>"
        "</div></div><!-- /ad slot -->"
    )


def _share() -> str:
    items = "".join(
        f'<li class="share__item"><a class="share__link share__link--{n}" href="#share-{n}" '
        f'aria-label="Share on {n.title()}">{_icon("share")}</a></li>'
        for n in ("facebook", "twitter", "email")
    ) + "".join(
        f'<li class="share__item"><a class="share__link" href="#{n}"><i class="icon-{n}"></i></a>'
        "</li>"
        for n in ("print", "link")
    )
    return f'<div class="share"><ul class="share__list">{items}</ul></div>'


def _teaser_list(rng: random.Random, heading: str, cls: str, n: int, images: bool) -> str:
    items = "".join(
        f'<li class="{cls}__item"><div class="{cls}__teaser">'
        + (f'<div class="{cls}__thumb">{_img(rng, f"{cls}__img", 160)}</div>' if images else "")
        + f'<div class="{cls}__text"><a class="{cls}__link" href="{_story_url(rng)}">'
        f'<span class="{cls}__rank">{k + 1}</span><span class="{cls}__headline">'
        f"{_headline(rng)}</span>"
        "</a></div></div></li>"
        for k in range(n)
    )
    return (
        f'<section class="{cls}"><h2 class="{cls}__title">{heading}</h2>'
        f'<ol class="{cls}__list">{items}</ol></section>'
    )


def _cards(rng: random.Random, n: int) -> str:
    cards = "".join(
        '<div class="card"><div class="card__inner">'
        f'<a class="card__media" href="{_story_url(rng)}">{_img(rng, "card__img", 400)}</a>'
        f'<div class="card__body"><a class="card__title" href="{_story_url(rng)}">'
        f"{_headline(rng)}</a>"
        f'<p class="card__dek">{_headline(rng)}.</p>'
        f'<div class="card__meta"><span class="card__time">{rng.randint(1, 23)} hours ago</span>'
        "</div>"
        "</div></div></div>"
        for _ in range(n)
    )
    return (
        '<section class="related"><h2 class="related__title">More from the Gazette</h2>'
        f'<div class="cards">{cards}</div></section>'
    )


def _footer(rng: random.Random) -> str:
    cols = "".join(
        f'<div class="footer__col"><h4 class="footer__heading">{h}</h4><ul class="footer__list">'
        + "".join(
            f'<li class="footer__item"><a class="footer__link" href="{SITE}/{_slug(rng, 2)}">'
            f"{_slug(rng, 2).replace('-', ' ').title()}</a></li>"
            for _ in range(8)
        )
        + "</ul></div>"
        for h in ("Sections", "Services", "Company", "Contact")
    )
    editions = "".join(
        f'<option value="{e}">{e.title()}</option>'
        for e in ("national", "chicago", "suburbs", "springfield", "peoria", "espanol")
    )
    social = "".join(
        f'<li class="social__item"><a class="social__link" href="https://{n}.example/benchgazette">'
        f'<i class="icon-{n}"></i><span class="visually-hidden">{n.title()}</span></a></li>'
        for n in ("facebook", "twitter", "instagram", "youtube")
    )
    return (
        '<footer class="site-footer"><div class="container"><div class="footer__row">'
        f"{cols}</div>"
        '<div class="footer__bottom"><label for="edition">Edition</label><select id="edition">'
        f"{editions}</select>"
        f'<ul class="social">{social}</ul>'
        '<p class="copyright">© 2025 Benchmark Gazette.<br>All rights reserved.<br>'
        f'<a href="{SITE}/terms">Terms of Service</a> · <a href="{SITE}/privacy">'
        "Privacy Policy</a></p>"
        "</div></div></footer><!-- /.site-footer -->"
    )


def _comments(rng: random.Random, filler: list[str], n: int) -> str:
    items = "".join(
        '<div class="comment"><div class="comment__head"><span class="comment__author">'
        f"reader{k}</span>"
        f'<span class="comment__time">{rng.randint(1, 59)} minutes ago</span></div>'
        f"<p>{escape(' '.join(rng.choice(filler) for _ in range(25)))}</p></div>"
        for k in range(n)
    )
    return f'<section id="comments" class="comments"><h2>Comments</h2>{items}</section>'


def news_page(
    i: int, rng: random.Random, title: str, paragraphs: list[str], filler: list[str]
) -> str:
    """The HTML of article ``i``: ``title`` and ``paragraphs`` (plain text) inside page
    chrome like a real news site's. Deterministic for a given ``rng`` state."""
    published = f"2025-10-{1 + i % 28:02d}T12:00:00Z"
    body_parts = []
    for k, para in enumerate(paragraphs):
        words = para.split(" ")
        if k % 4 == 1 and len(words) >= 30:  # an inline link, as reporters add them
            before, linked, after = (" ".join(w) for w in (words[:6], words[6:8], words[8:]))
            link = f'<a href="{_story_url(rng)}">{escape(linked)}</a>'
            text = f"{escape(before)} {link} {escape(after)}"
        else:
            text = escape(para)
        body_parts.append(f'<div class="story__block story__block--text"><p>{text}</p></div>')
        if k == 2:
            body_parts.append(_ad(rng, "inline1"))
        if k == 6:
            related = "".join(
                f'<li><a href="{_story_url(rng)}">{_headline(rng)}</a></li>' for _ in range(3)
            )
            body_parts.append(
                f'<aside class="inline-related"><h4>Related coverage</h4><ul>{related}</ul></aside>'
            )
    tags = "".join(
        f'<li class="tags__item"><a class="tags__link" href="{SITE}/tag/{w}">{w}</a></li>'
        for w in rng.sample(_SLUG_WORDS, 5)
    )
    crumbs = "".join(
        f'<li class="breadcrumb__item"><a href="{SITE}/{s}/">{s.title()}</a></li>'
        for s in ("news", rng.choice(SECTIONS))
    )
    article = (
        '<article class="story" itemscope itemtype="https://schema.org/NewsArticle">'
        f'<div class="story__header"><ul class="breadcrumb">{crumbs}</ul>'
        f'<h1 class="story__headline" itemprop="headline">{escape(title)}</h1>'
        '<div class="story__byline"><span class="byline__by">By</span> '
        f'<a class="byline__author" rel="author" href="{SITE}/staff/{i % 17}">'
        f"{reporter(i)}</a>"
        f'<time class="story__time" datetime="{published}">Oct. {1 + i % 28}, 2025</time>'
        f'<span class="story__read-time">{3 + i % 5} min read</span></div>{_share()}</div>'
        '<figure class="story__figure"><div class="story__media">'
        f"{_img(rng, 'story__img', 960)}</div>"
        '<figcaption class="story__caption"><span class="caption__text">Photo for the story.</span>'
        '<span class="caption__credit">Gazette staff</span></figcaption></figure>'
        f'<div class="story__body" itemprop="articleBody">{"".join(body_parts)}</div>'
        '<div class="tags"><span class="tags__label">Topics</span><ul class="tags__list">'
        f"{tags}</ul></div>"
        '<div class="newsletter"><h3>Get the morning briefing</h3><p>'
        "Sign up for our newsletter.</p>"
        f'<form action="{SITE}/newsletter" method="post"><label for="email">Email</label>'
        '<input id="email" name="email" type="email"><input type="hidden" name="list" value="am">'
        '<button type="submit">Sign up</button></form></div>'
        "</article><!-- /.story -->"
    )
    sidebar = (
        '<aside class="sidebar"><div class="sidebar__inner">'
        f"{_teaser_list(rng, 'Most read', 'most-read', 10, images=False)}{_ad(rng, 'rail')}"
        f"{_teaser_list(rng, 'Latest', 'latest', 8, images=True)}</div></aside><!-- /.sidebar -->"
    )
    tail_scripts = (
        "".join(
            f'<script src="https://cdn{k % 6}.benchmark-cdn.example/js/{_slug(rng, 2)}.js" defer>'
            "</script>"
            for k in range(12)
        )
        + _js(rng, "analytics", 90)
        + _js(rng, "consent", 60)
    )
    comments = "".join(f"<!-- {_slug(rng, 3)} -->" for _ in range(18))
    return (
        f'<!doctype html><html lang="en">{_head(rng, i, title, published)}'
        f'<body class="article-page section-news">{_sprite()}{_header(rng)}'
        '<div id="page" class="page"><div class="page__inner"><div class="container">'
        '<div class="layout"><div class="layout__col layout__col--main">'
        f'<main id="main" class="layout__main" role="main"><div class="story-wrapper">{article}'
        "</div></main></div>"
        f'<div class="layout__col layout__col--rail">{sidebar}</div>'
        f"</div>{_cards(rng, 10)}{_comments(rng, filler, 4)}</div></div></div>"
        f"{_footer(rng)}{tail_scripts}{comments}</body></html>"
    )


def script_heavy_page(
    i: int, rng: random.Random, title: str, paragraphs: list[str], filler: list[str]
) -> str:
    """The benchmark's first page generator, kept for comparison (``--pages
    script-heavy``): about 100 KB, but 90 % of it in one script and one style block,
    around 250 elements. Cleaning it costs a quarter of what a real page of that size
    costs, which makes every per-article step after cleaning look four times heavier
    against the baseline than it is on real pages."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    nav = "".join(f'<li><a href="/section/{k}">Section {k}</a></li>' for k in range(60))
    related = "".join(
        f'<li><a href="/story/{rng.randint(0, 10**6)}">Related story {k} about the city</a></li>'
        for k in range(30)
    )
    script = "<script>var cfg = {" + ",".join(f'"k{k}": {k}' for k in range(2500)) + "};</script>"
    style = (
        "<style>"
        + "".join(f".c{k}{{margin:{k % 9}px;padding:{k % 5}px}}" for k in range(1800))
        + "</style>"
    )
    comments = "".join(
        f'<div class="comment"><b>reader{k}</b>'
        f"<p>{escape(' '.join(rng.choice(filler) for _ in range(25)))}</p></div>"
        for k in range(12)
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{escape(title)} | Benchmark Gazette</title>
<meta property="og:site_name" content="Benchmark Gazette">
<meta property="article:published_time" content="2025-10-{1 + i % 28:02d}T12:00:00Z">
<link rel="canonical" href="/story/{i}">{style}{script}</head>
<body><header><nav><ul>{nav}</ul></nav></header>
<main><article><h1>{escape(title)}</h1><p class="byline">By Staff Writer {i % 17}</p>
{body}</article>
<aside><h2>Related</h2><ul>{related}</ul></aside>
<section id="comments"><h2>Comments</h2>{comments}</section></main>
<footer><p>© Benchmark Gazette</p></footer></body></html>"""


PAGE_STYLES = {"news": news_page, "script-heavy": script_heavy_page}


@dataclass(frozen=True)
class PageShape:
    """Markup figures that drive cleaning time (see the module docstring)."""

    elements: int  # comments not counted
    attributes_per_element: float
    average_depth: float
    max_depth: int
    script_share: float  # of the bytes, in <script> and <style> text
    tags: Counter[str]


def page_shape(html: str) -> PageShape:
    import lxml.html

    root = lxml.html.fromstring(html)
    tags: Counter[str] = Counter()
    attributes = depth_sum = deepest = script_chars = 0
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments, processing instructions
            tags["#comment"] += 1
            continue
        tag = element.tag
        tags[tag] += 1
        attributes += len(element.attrib)
        depth = sum(1 for _ in element.iterancestors())
        depth_sum += depth
        deepest = max(deepest, depth)
        if tag in ("script", "style"):
            script_chars += len(element.text or "")
    n = sum(tags.values()) - tags["#comment"]
    return PageShape(
        elements=n,
        attributes_per_element=attributes / n,
        average_depth=depth_sum / n,
        max_depth=deepest,
        script_share=script_chars / len(html),
        tags=tags,
    )


def median_shape(pages: list[str]) -> dict[str, float]:
    shapes = [page_shape(p) for p in pages]
    return {
        "KB": statistics.median(len(p.encode()) / 1024 for p in pages),
        "elements": statistics.median(s.elements for s in shapes),
        "attributes per element": statistics.median(s.attributes_per_element for s in shapes),
        "average depth": statistics.median(s.average_depth for s in shapes),
        "max depth": statistics.median(s.max_depth for s in shapes),
        "script/style share": statistics.median(s.script_share for s in shapes),
    }
