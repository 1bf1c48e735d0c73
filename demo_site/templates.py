# ruff: noqa: E501  (HTML templates read better with long lines)
"""HTML page templates of the demo site's fictional outlets.

Each outlet has its own page structure, so that a cleaner which only works on one
layout shows it. All templates carry what real news pages carry around the story:
navigation, ad slots, a cookie banner, share buttons, "related stories", reader
comments, a footer, ``<link rel=canonical>``, a byline,
``<meta property="article:published_time">`` and ``og:site_name``.

Everything that comes from content is escaped here; nothing else in the package
builds HTML.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape


@dataclass(frozen=True)
class Outlet:
    """A fictional news outlet: its name, URL scheme, feed format and page template."""

    key: str
    name: str
    tagline: str
    feed_format: str  # "rss" or "atom"
    feed_path: str
    sections: tuple[str, ...]
    default_section: str


@dataclass(frozen=True)
class Page:
    """Everything a template needs to render one article page."""

    outlet: Outlet
    url: str  # absolute URL this page is served at
    canonical: str  # absolute canonical URL
    title: str
    author: str
    published: datetime
    updated: datetime | None
    section: str
    summary: str
    paragraphs: tuple[str, ...]
    dateline: str | None
    editor_note: str | None
    related: tuple[tuple[str, str], ...]  # (title, absolute url)
    comments: tuple[tuple[str, str, str], ...]  # (name, when, text)
    ad_variant: str  # changes with a cosmetic rewrite
    chrome_stamp: str | None  # "Last updated ..." shown in the page chrome only
    base_url: str
    amp: bool = False


OUTLETS: dict[str, Outlet] = {
    o.key: o
    for o in (
        Outlet(
            "lakeshore-ledger",
            "Lakeshore Ledger",
            "Chicago's independent daily since 1911",
            "rss",
            "/lakeshore-ledger/feed.xml",
            ("news", "politics", "sports", "food", "weather", "arts"),
            "news",
        ),
        Outlet(
            "prairie-state-wire",
            "Prairie State Wire",
            "Illinois news, as it happens",
            "atom",
            "/prairie-state-wire/atom.xml",
            ("state", "nation", "courts"),
            "state",
        ),
        Outlet(
            "midwest-daily-herald",
            "Midwest Daily Herald",
            "News for the heartland",
            "rss",
            "/midwest-daily-herald/rss/news.xml",
            ("local", "politics", "nation", "business", "sports", "life"),
            "local",
        ),
        Outlet(
            "windy-city-report",
            "Windy City Report",
            "Neighborhood news for all 77 community areas",
            "atom",
            "/windy-city-report/feed/atom/",
            ("neighborhoods", "city-hall", "education", "transit", "culture"),
            "neighborhoods",
        ),
        Outlet(
            "capitol-dispatch",
            "Capitol Dispatch",
            "Politics and power, from Springfield to Washington",
            "rss",
            "/capitol-dispatch/rss.xml",
            ("illinois", "washington", "courts", "states"),
            "illinois",
        ),
    )
}


def article_path(outlet: str, section: str, slug: str, published: datetime) -> str:
    """The canonical path of an article: each outlet has its own URL scheme."""
    d = published
    if outlet == "lakeshore-ledger":
        return f"/lakeshore-ledger/{section}/{d:%Y/%m/%d}/{slug}/"
    if outlet == "prairie-state-wire":
        return f"/prairie-state-wire/stories/{slug}-{d:%Y%m%d}"
    if outlet == "midwest-daily-herald":
        return f"/midwest-daily-herald/{section}/{d:%Y/%m/%d}/{slug}.html"
    if outlet == "windy-city-report":
        return f"/windy-city-report/{d:%Y/%m}/{slug}/"
    if outlet == "capitol-dispatch":
        return f"/capitol-dispatch/{section}/{slug}"
    raise ValueError(f"unknown outlet {outlet!r}")


# ---------------------------------------------------------------- body rendering


def render_body(paragraphs: Sequence[str]) -> str:
    """Paragraphs to HTML. ``## `` starts a subhead, ``- `` a list item, ``|`` a table
    row (``|---|`` separator rows are dropped), ``> `` a pull quote."""
    out: list[str] = []
    i = 0
    n = len(paragraphs)
    while i < n:
        p = paragraphs[i]
        if p.startswith("- "):
            items = []
            while i < n and paragraphs[i].startswith("- "):
                items.append(f"<li>{escape(paragraphs[i][2:])}</li>")
                i += 1
            out.append("<ul>" + "".join(items) + "</ul>")
            continue
        if p.startswith("|"):
            rows = []
            first = True
            while i < n and paragraphs[i].startswith("|"):
                cells = [c.strip() for c in paragraphs[i].strip().strip("|").split("|")]
                i += 1
                if all(set(c) <= set("-: ") for c in cells):
                    continue
                tag = "th" if first else "td"
                first = False
                rows.append(
                    "<tr>" + "".join(f"<{tag}>{escape(c)}</{tag}>" for c in cells) + "</tr>"
                )
            out.append("<table>" + "".join(rows) + "</table>")
            continue
        if p.startswith("## "):
            out.append(f"<h2>{escape(p[3:])}</h2>")
        elif p.startswith("> "):
            out.append(f"<blockquote><p>{escape(p[2:])}</p></blockquote>")
        else:
            out.append(f"<p>{escape(p)}</p>")
        i += 1
    return "\n".join(out)


def _paragraphs_with_dateline(page: Page) -> list[str]:
    paras = list(page.paragraphs)
    if page.dateline and paras:
        paras[0] = f"{page.dateline} — {paras[0]}"
    return paras


def _fmt_long(d: datetime) -> str:
    return f"{d:%B} {d.day}, {d.year} at {d.strftime('%I:%M %p').lstrip('0')} {_tz(d)}"


def _fmt_short(d: datetime) -> str:
    return f"{d:%b}. {d.day}, {d.year}"


def _tz(d: datetime) -> str:
    off = d.utcoffset()
    hours = int(off.total_seconds() // 3600) if off is not None else 0
    return {-5: "CDT", -6: "CST", -4: "EDT", -7: "PDT", -8: "PST"}.get(hours, "UTC")


def _json_ld(page: Page) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title,
        "description": page.summary,
        "datePublished": page.published.isoformat(),
        "dateModified": (page.updated or page.published).isoformat(),
        "author": [{"@type": "Person", "name": page.author}],
        "publisher": {"@type": "Organization", "name": page.outlet.name},
        "mainEntityOfPage": page.canonical,
        "articleSection": page.section,
    }
    return json.dumps(data).replace("</", "<\\/")


_TOPICS = (
    "Chicago",
    "Suburbs",
    "Politics",
    "Education",
    "Transportation",
    "Crime",
    "Courts",
    "Weather",
    "Sports",
    "Bears",
    "Cubs",
    "White Sox",
    "Bulls",
    "Blackhawks",
    "Fire",
    "Business",
    "Real estate",
    "Food & drink",
    "Restaurants",
    "Arts",
    "Music",
    "Theater",
    "Movies",
    "Books",
    "Obituaries",
    "Opinion",
    "Editorials",
    "Letters",
    "Columnists",
    "Podcasts",
    "Video",
    "Photos",
    "Newsletters",
    "Events",
    "Puzzles",
    "Horoscopes",
)


def _config_script(page: Page) -> str:
    """An inline analytics/ads configuration blob, as real pages carry (tens of KB)."""
    seed = hashlib.sha256(page.canonical.encode()).hexdigest()
    slots = [
        {
            "id": f"slot-{i}",
            "sizes": [[300, 250], [728, 90], [320, 50]],
            "targeting": {"pos": i, "kw": seed[i : i + 8], "sect": page.section},
            "bidders": [
                {"name": b, "params": {"placement": f"{seed[(i * 3) % 50 : (i * 3) % 50 + 12]}"}}
                for b in ("appnexus", "rubicon", "ix", "openx", "pubmatic", "triplelift")
            ],
        }
        for i in range(40)
    ]
    data = {"site": page.outlet.key, "pageId": seed[:16], "slots": slots}
    return "window.__PAGE_CONFIG__=" + json.dumps(data).replace("</", "<\\/") + ";"


def _mega_footer(base: str, key: str) -> str:
    cols = []
    for n in range(0, len(_TOPICS), 6):
        links = "".join(
            f'<li><a href="{base}/{key}/topics/{escape(t.lower().replace(" ", "-").replace("&", "and"))}/">{escape(t)}</a></li>'
            for t in _TOPICS[n : n + 6]
        )
        cols.append(f'<ul class="footer-col">{links}</ul>')
    return f'<nav class="mega-footer" aria-label="All sections">{"".join(cols)}</nav>'


def _head(page: Page, extra_css: str) -> str:
    pub = page.published.isoformat()
    mod = (page.updated or page.published).isoformat()
    amp_link = "" if page.amp else f'<link rel="amphtml" href="{escape(page.canonical)}?amp=1">'
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(page.title)} | {escape(page.outlet.name)}</title>
<meta name="description" content="{escape(page.summary)}">
<meta name="author" content="{escape(page.author)}">
<link rel="canonical" href="{escape(page.canonical)}">
{amp_link}
<meta property="og:site_name" content="{escape(page.outlet.name)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(page.title)}">
<meta property="og:description" content="{escape(page.summary)}">
<meta property="og:url" content="{escape(page.canonical)}">
<meta property="article:published_time" content="{pub}">
<meta property="article:modified_time" content="{mod}">
<meta property="article:section" content="{escape(page.section)}">
<script type="application/ld+json">{_json_ld(page)}</script>
<script>{_config_script(page)}</script>
<style>{extra_css}</style>
<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{"pageType":"article","section":"{escape(page.section)}"}});</script>
</head>"""


def _cookie_banner(style: int) -> str:
    texts = [
        "We use cookies and similar technologies to improve your experience, measure "
        "audiences and show you personalised advertising. You can change your choices at "
        "any time in Privacy Settings.",
        "This site uses cookies. By continuing to browse you agree to our use of cookies "
        "as described in our Cookie Policy.",
        "Your privacy matters to us. We and our 143 partners store and access information "
        "on your device to deliver ads and content and to measure performance.",
    ]
    return f"""<div id="cookie-consent" class="cookie-banner" role="dialog" aria-label="Cookie consent">
<p>{texts[style % len(texts)]}</p>
<button class="accept">Accept all</button> <button class="reject">Reject non-essential</button>
<a href="/privacy#cookies">Manage preferences</a>
</div>"""


def _ad(slot: str, variant: str) -> str:
    creative = hashlib.sha1(f"{slot}:{variant}".encode()).hexdigest()[:10]
    sponsors = [
        "Refinance today: rates from 5.9% APR",
        "Lakeview dental — new patients welcome",
        "Season tickets on sale now",
        "Winter tire sale at Prairie Auto",
        "Try our meal kits: 50% off your first box",
        "Ranked #1 online MBA in the Midwest",
    ]
    idx = int(creative, 16) % len(sponsors)
    return (
        f'<div class="ad-slot ad-{slot}" data-ad-unit="/2261/news/{slot}" '
        f'data-creative="{creative}"><span class="ad-label">Advertisement</span>'
        f'<a href="/ads/click?c={creative}" rel="sponsored">{sponsors[idx]}</a></div>'
    )


def _share(url: str, title: str) -> str:
    from urllib.parse import quote

    u = quote(url, safe="")
    t = quote(title, safe="")
    return f"""<ul class="share-buttons" aria-label="Share this story">
<li><a href="https://www.facebook.com/sharer/sharer.php?u={u}">Share on Facebook</a></li>
<li><a href="https://x.com/intent/post?url={u}&amp;text={t}">Post</a></li>
<li><a href="https://bsky.app/intent/compose?text={t}%20{u}">Bluesky</a></li>
<li><a href="mailto:?subject={t}&amp;body={u}">Email</a></li>
<li><button class="copy-link" data-url="{escape(url)}">Copy link</button></li>
</ul>"""


def _comments(comments: Sequence[tuple[str, str, str]], heading: str) -> str:
    items = "\n".join(
        f'<li class="comment"><div class="comment-author">{escape(name)}</div>'
        f'<time class="comment-time">{escape(when)}</time>'
        f'<p class="comment-body">{escape(text)}</p>'
        f'<div class="comment-actions"><a href="#reply">Reply</a> · <a href="#flag">Report</a> · '
        f"<span>{(len(text) * 7) % 53} likes</span></div></li>"
        for name, when, text in comments
    )
    return f"""<section id="comments" class="comments">
<h3>{heading} ({len(comments)})</h3>
<p class="comment-policy">Comments are moderated. Please keep the conversation civil.</p>
<ol class="comment-list">
{items}
</ol>
<form class="comment-form"><textarea placeholder="Join the conversation"></textarea><button>Post comment</button></form>
</section>"""


def _related(related: Sequence[tuple[str, str]], heading: str, cls: str = "related") -> str:
    if not related:
        return ""
    items = "".join(f'<li><a href="{escape(u)}">{escape(t)}</a></li>' for t, u in related)
    return f'<aside class="{cls}"><h3>{heading}</h3><ul>{items}</ul></aside>'


def _nav(base: str, prefix: str, sections: Sequence[str]) -> str:
    links = "".join(
        f'<li><a href="{base}/{prefix}/{s}/">{escape(s.replace("-", " ").title())}</a></li>'
        for s in sections
    )
    return (
        f'<ul class="menu">{links}<li><a href="{base}/{prefix}/subscribe">Subscribe</a></li></ul>'
    )


def _stamp(page: Page) -> str:
    return (
        f'<div class="page-stamp">Page last refreshed {escape(page.chrome_stamp)}</div>'
        if page.chrome_stamp
        else ""
    )


# ---------------------------------------------------------------- one template per outlet


def _lakeshore(page: Page) -> str:
    o = page.outlet
    b = page.base_url
    body = render_body(_paragraphs_with_dateline(page))
    note = (
        f'<p class="editors-note"><em>{escape(page.editor_note)}</em></p>'
        if page.editor_note
        else ""
    )
    updated = (
        f' · <span class="updated">Updated {_fmt_long(page.updated)}</span>' if page.updated else ""
    )
    return f"""{_head(page, "body{font-family:Georgia,serif} .ad-slot{min-height:90px}")}
<body class="article-page lakeshore">
{_cookie_banner(0)}
<header class="site-header">
<a class="logo" href="{b}/lakeshore-ledger/">{escape(o.name)}</a>
<p class="tagline">{escape(o.tagline)}</p>
<nav class="primary-nav" aria-label="Sections">{_nav(b, o.key, o.sections)}</nav>
<div class="header-tools"><a href="{b}/lakeshore-ledger/search">Search</a> <a href="{b}/lakeshore-ledger/login">Sign in</a></div>
</header>
{_stamp(page)}
{_ad("leaderboard", page.ad_variant)}
<main id="main">
<article class="story">
<header class="story-header">
<p class="kicker">{escape(page.section.title())}</p>
<h1 class="headline">{escape(page.title)}</h1>
<p class="dek">{escape(page.summary)}</p>
<p class="byline">By <a rel="author" href="{b}/lakeshore-ledger/staff/">{escape(page.author)}</a></p>
<p class="timestamp"><time datetime="{page.published.isoformat()}">{_fmt_long(page.published)}</time>{updated}</p>
{_share(page.canonical, page.title)}
</header>
<div class="story-body">
{note}
{body}
</div>
{_ad("in-article", page.ad_variant)}
<footer class="story-footer"><p class="tags">Filed under: {escape(page.section)}</p>
<p class="corrections">Spot an error? <a href="{b}/lakeshore-ledger/corrections">Contact our standards desk</a>.</p></footer>
</article>
{_related(page.related, "Related stories")}
{_comments(page.comments, "Reader comments")}
</main>
<aside class="sidebar">{_ad("right-rail", page.ad_variant)}
<div class="newsletter"><h3>The Morning Ledger</h3><p>Get the day's top Chicago stories in your inbox.</p><input type="email" placeholder="Email address"><button>Sign up</button></div>
</aside>
<footer class="site-footer">
<ul><li><a href="{b}/lakeshore-ledger/about">About us</a></li><li><a href="{b}/lakeshore-ledger/ethics">Ethics policy</a></li><li><a href="/privacy">Privacy</a></li><li><a href="{b}/lakeshore-ledger/tips">Send us a tip</a></li></ul>
<p>© 2025 Lakeshore Ledger Media Co. All rights reserved.</p>
{_mega_footer(b, o.key)}
</footer>
</body>
</html>
"""


def _prairie(page: Page) -> str:
    o = page.outlet
    b = page.base_url
    paras = _paragraphs_with_dateline(page)
    body = render_body(paras)
    note = (
        f'<div class="wire-note"><strong>Editor\'s note:</strong> {escape(page.editor_note)}</div>'
        if page.editor_note
        else ""
    )
    upd = f"<dd>Updated {_fmt_long(page.updated)}</dd>" if page.updated else ""
    return f"""{_head(page, ".wire{max-width:720px}")}
<body>
<div class="wrapper">
<div class="topbar"><span class="brand">{escape(o.name.upper())}</span> <span>{escape(o.tagline)}</span>
<a href="{b}/prairie-state-wire/newsletters">Newsletters</a> <a href="{b}/prairie-state-wire/donate">Donate</a></div>
<div class="nav">{_nav(b, o.key, o.sections)}</div>
{_stamp(page)}
<div class="content-area">
<div class="wire">
<div class="section-label">{escape(page.section.upper())}</div>
<h1 class="entry-title">{escape(page.title)}</h1>
<dl class="meta"><dt>Author</dt><dd class="author vcard"><span class="fn">{escape(page.author)}</span></dd>
<dt>Published</dt><dd><time class="published" datetime="{page.published.isoformat()}">{_fmt_short(page.published)}</time></dd>{upd}</dl>
<div class="entry-content" itemprop="articleBody">
{note}
{body}
</div>
<div class="republish-box"><h4>Republish this story</h4><p>Prairie State Wire stories may be republished for free under a Creative Commons license. Credit us and link back to the original.</p></div>
{_share(page.canonical, page.title)}
</div>
<div class="widget-area">{_ad("sidebar", page.ad_variant)}
{_related(page.related, "More from the Wire", "more-stories")}
<div class="widget popular"><h4>Most read</h4><ol><li>Legislative session calendar</li><li>Where your property tax dollars go</li><li>Statehouse staff directory</li></ol></div>
</div>
</div>
{_comments(page.comments, "Discussion")}
{_ad("footer", page.ad_variant)}
<div class="footer"><p>Prairie State Wire is a nonprofit newsroom. <a href="{b}/prairie-state-wire/about">About</a> · <a href="{b}/prairie-state-wire/republish">Republishing guidelines</a> · <a href="/privacy">Privacy</a></p></div>
</div>
{_mega_footer(b, o.key)}
{_cookie_banner(1)}
</body>
</html>
"""


def _herald(page: Page) -> str:
    o = page.outlet
    b = page.base_url
    paras = _paragraphs_with_dateline(page)
    # The Herald interleaves ads and a "read more" box with the story's paragraphs.
    chunks: list[str] = []
    for i in range(0, len(paras), 4):
        chunks.append(render_body(paras[i : i + 4]))
        if i == 4:
            chunks.append(_ad("midstory", page.ad_variant))
        if i == 8 and page.related:
            t, u = page.related[0]
            chunks.append(
                f'<div class="read-more"><span>READ MORE:</span> <a href="{escape(u)}">{escape(t)}</a></div>'
            )
    note = f'<p class="note"><i>{escape(page.editor_note)}</i></p>' if page.editor_note else ""
    upd = f" | Updated: {_fmt_short(page.updated)}" if page.updated else ""
    return f"""{_head(page, ".herald-story p{line-height:1.6}")}
<body id="herald">
{_cookie_banner(2)}
<div id="masthead"><div class="weather-widget">Chicago 54°F Partly cloudy</div>
<a id="logo" href="{b}/midwest-daily-herald/">{escape(o.name)}</a>
<div id="menu">{_nav(b, o.key, o.sections)}</div>
<div class="breaking-ticker"><b>TRENDING</b> Bears injury report · Pumpkin patches near you · Gas prices fall</div>
</div>
{_stamp(page)}
{_ad("top", page.ad_variant)}
<div id="page">
<div class="col-main">
<div class="breadcrumbs"><a href="{b}/midwest-daily-herald/">Home</a> › <a href="{b}/midwest-daily-herald/{escape(page.section)}/">{escape(page.section.title())}</a></div>
<h1>{escape(page.title)}</h1>
<div class="article-meta"><span class="by">{escape(page.author)}</span>
<span class="date">Posted: <time datetime="{page.published.isoformat()}">{_fmt_short(page.published)}</time>{upd}</span></div>
{_share(page.canonical, page.title)}
<div class="herald-story">
{note}
{"".join(chunks)}
</div>
<div class="author-bio">{escape(page.author)} covers {escape(page.section)} for the Herald.</div>
{_comments(page.comments, "Comments")}
</div>
<div class="col-side">{_ad("box", page.ad_variant)}
{_related(page.related, "You may also like", "recommended")}
</div>
</div>
<div id="footer"><a href="{b}/midwest-daily-herald/contact">Contact</a> | <a href="{b}/midwest-daily-herald/advertise">Advertise</a> | <a href="/privacy">Privacy Policy</a> | <a href="/terms">Terms of Use</a><br>Copyright © 2025 Herald Media Group</div>
{_mega_footer(b, o.key)}
</body>
</html>
"""


def _windy(page: Page) -> str:
    o = page.outlet
    b = page.base_url
    body = render_body(_paragraphs_with_dateline(page))
    note = (
        f'<aside class="editor-note"><p>{escape(page.editor_note)}</p></aside>'
        if page.editor_note
        else ""
    )
    upd = (
        f'<span class="modified">Updated <time datetime="{page.updated.isoformat()}">{_fmt_short(page.updated)}</time></span>'
        if page.updated
        else ""
    )
    return f"""{_head(page, ":root{--accent:#0a6}")}
<body class="single single-post">
<a class="skip-link" href="#content">Skip to content</a>
<header id="site-header"><div class="site-branding"><a href="{b}/windy-city-report/" rel="home">{escape(o.name)}</a><span class="site-description">{escape(o.tagline)}</span></div>
<nav id="site-navigation" class="main-navigation">{_nav(b, o.key, o.sections)}</nav>
<a class="donate-button" href="{b}/windy-city-report/support">Support local news</a>
</header>
{_stamp(page)}
<div id="content" class="site-content">
<div class="entry-wrap">
<span class="cat-links"><a href="{b}/windy-city-report/{escape(page.section)}/">{escape(page.section.replace("-", " ").title())}</a></span>
<h1 class="entry-title">{escape(page.title)}</h1>
<div class="entry-meta"><span class="byline">by <span class="author">{escape(page.author)}</span></span>
<time class="entry-date published" datetime="{page.published.isoformat()}">{_fmt_short(page.published)}</time> {upd}</div>
<figure class="featured-image"><img src="/static/img/{hashlib.md5(page.title.encode()).hexdigest()[:8]}.jpg" alt=""><figcaption>Photo: Windy City Report staff</figcaption></figure>
<div class="entry-content">
{note}
{body}
<div class="newsletter-inline"><p><strong>Listen to the Windy City Report podcast</strong> and subscribe to our free newsletter for more neighborhood news.</p></div>
</div>
{_share(page.canonical, page.title)}
</div>
{_ad("inline-rectangle", page.ad_variant)}
{_related(page.related, "Related", "jp-relatedposts")}
{_comments(page.comments, "Comments")}
</div>
<footer id="colophon"><p>Windy City Report is a nonprofit newsroom serving Chicago's neighborhoods.</p>
<nav class="footer-nav"><a href="{b}/windy-city-report/about">About</a> <a href="{b}/windy-city-report/team">Our team</a> <a href="/privacy">Privacy</a></nav></footer>
{_mega_footer(b, o.key)}
{_cookie_banner(0)}
</body>
</html>
"""


def _capitol(page: Page) -> str:
    o = page.outlet
    b = page.base_url
    paras = _paragraphs_with_dateline(page)
    body = "\n".join(
        f'<div class="paragraph" data-index="{i}">{render_body([p])}</div>'
        for i, p in enumerate(paras)
    )
    note = (
        f'<div class="paragraph note">{escape(page.editor_note)}</div>' if page.editor_note else ""
    )
    upd = f"<div class='upd'>Updated {_fmt_long(page.updated)}</div>" if page.updated else ""
    return f"""{_head(page, ".cd-grid{display:grid}")}
<body>
<div class="cd-top"><div class="cd-logo"><a href="{b}/capitol-dispatch/">{escape(o.name)}</a></div>
<div class="cd-menu">{_nav(b, o.key, o.sections)}</div>
<div class="cd-account"><a href="{b}/capitol-dispatch/subscribe">Subscribe for $1</a></div></div>
{_cookie_banner(1)}
{_stamp(page)}
<div class="cd-grid">
<div class="cd-rail-left">{_share(page.canonical, page.title)}</div>
<div class="cd-article">
<div class="cd-eyebrow">{escape(page.section.upper())}</div>
<div class="cd-headline"><h1>{escape(page.title)}</h1></div>
<div class="cd-summary">{escape(page.summary)}</div>
<div class="cd-byline">{escape(page.author)} · <span class="cd-date" data-ts="{page.published.isoformat()}">{_fmt_long(page.published)}</span>{upd}</div>
<div class="cd-body">
{note}
{body}
</div>
<div class="cd-paywall-teaser">Enjoying Capitol Dispatch? Subscribers get unlimited access.</div>
</div>
<div class="cd-rail-right">{_ad("rail", page.ad_variant)}{_related(page.related, "Read next", "cd-next")}</div>
</div>
{_comments(page.comments, "Reader responses")}
<div class="cd-footer">Capitol Dispatch LLC · <a href="{b}/capitol-dispatch/masthead">Masthead</a> · <a href="/privacy">Privacy</a> · <a href="/terms">Terms</a></div>
{_mega_footer(b, o.key)}
</body>
</html>
"""


def _amp(page: Page) -> str:
    """The AMP variant: same story, stripped-down chrome, canonical points at the full page."""
    body = render_body(_paragraphs_with_dateline(page))
    return f"""<!doctype html>
<html amp lang="en">
<head>
<meta charset="utf-8">
<title>{escape(page.title)} | {escape(page.outlet.name)}</title>
<link rel="canonical" href="{escape(page.canonical)}">
<meta name="viewport" content="width=device-width">
<meta property="og:site_name" content="{escape(page.outlet.name)}">
<meta property="article:published_time" content="{page.published.isoformat()}">
<meta name="author" content="{escape(page.author)}">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<style amp-custom>body{{font-family:sans-serif}}</style>
</head>
<body>
<header class="amp-header"><a href="{page.base_url}/{page.outlet.key}/">{escape(page.outlet.name)}</a></header>
<amp-ad width="320" height="50" type="doubleclick" data-slot="/2261/amp/{page.ad_variant}"></amp-ad>
<article>
<h1>{escape(page.title)}</h1>
<div class="amp-byline">By {escape(page.author)} · <time datetime="{page.published.isoformat()}">{_fmt_short(page.published)}</time></div>
{body}
</article>
{_related(page.related, "More stories")}
{_comments(page.comments, "Comments")}
<amp-consent id="consent" layout="nodisplay">{_cookie_banner(2)}</amp-consent>
<footer class="amp-footer"><a href="{escape(page.canonical)}">View full site</a></footer>
</body>
</html>
"""


TEMPLATES: dict[str, Callable[[Page], str]] = {
    "lakeshore-ledger": _lakeshore,
    "prairie-state-wire": _prairie,
    "midwest-daily-herald": _herald,
    "windy-city-report": _windy,
    "capitol-dispatch": _capitol,
}


def render_page(page: Page) -> str:
    if page.amp:
        return _amp(page)
    return TEMPLATES[page.outlet.key](page)


def render_listing(outlet: Outlet, base_url: str, items: Sequence[tuple[str, str, str]]) -> str:
    """An outlet's front page: (title, url, summary) items."""
    lis = "\n".join(
        f'<li><a href="{escape(u)}">{escape(t)}</a><p>{escape(s)}</p></li>' for t, u, s in items
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(outlet.name)}</title>
<meta property="og:site_name" content="{escape(outlet.name)}">
<link rel="alternate" type="application/{outlet.feed_format}+xml" href="{base_url}{outlet.feed_path}">
</head><body><h1>{escape(outlet.name)}</h1><p>{escape(outlet.tagline)}</p>
<nav>{_nav(base_url, outlet.key, outlet.sections)}</nav>
<ul class="river">{lis}</ul></body></html>
"""


def render_simple(title: str, paragraphs: Sequence[str], *, status_note: str = "") -> str:
    """A bare page for errors and fault endpoints."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>
<body><header><a href="/">Demo News Network</a></header><main><h1>{escape(title)}</h1>{body}{status_note}</main>
<footer><a href="/privacy">Privacy</a></footer></body></html>
"""
