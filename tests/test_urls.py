"""URL canonicalisation: every spelling of one article collapses to one URL, and
nothing that could name a different document is rewritten."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.urls import canonicalize_url, choose_canonical, registrable_domain

CANONICAL = "https://www.example.com/news/2025/10/03/guard-arrives"


@pytest.mark.parametrize(
    "url",
    [
        CANONICAL,
        "HTTPS://WWW.EXAMPLE.COM/news/2025/10/03/guard-arrives",
        "https://www.example.com:443/news/2025/10/03/guard-arrives",
        "https://www.example.com/news/2025/10/03/guard-arrives#comments",
        "https://www.example.com/news/2025/10/03/guard-arrives?utm_source=twitter&utm_medium=social",
        "https://www.example.com/news/2025/10/03/guard-arrives?fbclid=IwAR0abc&gclid=xyz",
        "https://www.example.com/news/2025/10/03/guard-arrives?mc_cid=1&mc_eid=2&smid=tw-share",
        "https://www.example.com/news/2025/10/03/guard-arrives?ocid=msn&cmpid=rss&taid=5&ref=hp",
        "https://www.example.com/news/2025/10/03/guard-arrives?ref_src=twsrc&_ga=2.1&igshid=abc",
        "https://www.example.com/news/2025/10/03/guard-arrives?UTM_Campaign=Fall&WT.mc_id=x",
        "https://www.example.com/news/2025/10/03/guard-arrives/amp",
        "https://www.example.com/amp/news/2025/10/03/guard-arrives",
        "https://www.example.com/news/2025/10/03/amp/guard-arrives",
        "https://www.example.com/news/2025/10/03/guard-arrives.amp",
        "https://www.example.com/news/2025/10/03/guard-arrives?amp",
        "https://www.example.com/news/2025/10/03/guard-arrives?amp=1",
        "https://www.example.com/news/2025/10/03/guard-arrives?outputType=amp",
        "https://www.example.com/news/2025/10/03/./guard-arrives",
        "https://www.example.com/news/2025/09/../10/03/guard-arrives",
        "https://reader:secret@www.example.com/news/2025/10/03/guard-arrives",
        "  https://www.example.com/news/2025/10/03/guard-arrives  ",
    ],
)
def test_variants_of_one_article_share_one_canonical_url(url: str) -> None:
    assert canonicalize_url(url) == CANONICAL


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # AMP sub-domain: dropped, but a registrable domain called "amp" is a real site.
        ("https://amp.example.co.uk/world/story", "https://example.co.uk/world/story"),
        ("https://amp.com/world/story", "https://amp.com/world/story"),
        ("https://news.example.com/story.amp.html", "https://news.example.com/story.html"),
        # Remaining parameters are sorted by name; repeated names keep their order.
        ("https://x.org/search?q=guard&page=2&id=7", "https://x.org/search?id=7&page=2&q=guard"),
        ("https://x.org/list?tag=b&tag=a", "https://x.org/list?tag=b&tag=a"),
        # Parameters that may select content are kept, whatever they look like.
        ("https://x.org/story?id=123&source=ap", "https://x.org/story?id=123&source=ap"),
        ("https://x.org/story?output=json", "https://x.org/story?output=json"),
        # Query values keep their encoding byte for byte.
        ("https://x.org/s?q=a%20b+c&utm_term=x", "https://x.org/s?q=a%20b+c"),
        # Path case, trailing slashes and index files are left alone: a server may differ.
        ("https://x.org/News/Story/", "https://x.org/News/Story/"),
        ("https://x.org/news/index.html", "https://x.org/news/index.html"),
        # Percent escapes: unreserved characters decoded, the rest upper-cased.
        ("https://x.org/a%7Eb%2fc", "https://x.org/a~b%2Fc"),
        # Non-default ports and bare hosts.
        ("http://127.0.0.1:8000/a?utm_source=x", "http://127.0.0.1:8000/a"),
        ("HTTP://Example.org", "http://example.org/"),
        ("http://example.org:80", "http://example.org/"),
        ("https://[::1]:8443/a#x", "https://[::1]:8443/a"),
        # A trailing dot on the host names the same host.
        ("https://example.org./a", "https://example.org/a"),
    ],
)
def test_canonicalize_url(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


@pytest.mark.parametrize(
    "url",
    ["", "mailto:desk@example.com", "ftp://example.com/file", "/relative/path", "http://[::1"],
)
def test_what_is_not_an_absolute_http_url_is_returned_as_given(url: str) -> None:
    assert canonicalize_url(url) == url


def test_canonicalize_url_is_idempotent() -> None:
    url = "https://AMP.Example.com:443/amp/news/a.amp?b=2&utm_source=x&a=1&outputType=amp#c"
    once = canonicalize_url(url)
    assert once == "https://example.com/news/a?a=1&b=2"
    assert canonicalize_url(once) == once


PAGE = "https://www.example.com/news/guard-arrives?utm_source=rss"


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        # Declared canonical on the same site wins, and is itself canonicalised.
        ("https://www.example.com/news/2025/guard-arrives", "https://www.example.com/news/2025/guard-arrives"),
        ("https://www.example.com/news/2025/guard-arrives?utm_medium=x", "https://www.example.com/news/2025/guard-arrives"),
        # Another host of the same registrable domain is the same publisher.
        ("https://example.com/news/guard-arrives", "https://example.com/news/guard-arrives"),
        ("https://m.example.com/news/guard-arrives", "https://m.example.com/news/guard-arrives"),
        # Relative canonicals resolve against the page.
        ("/news/2025/guard-arrives", "https://www.example.com/news/2025/guard-arrives"),
        ("guard-arrives-2", "https://www.example.com/news/guard-arrives-2"),
        ("//www.example.com/news/x", "https://www.example.com/news/x"),
        # Ignored: missing, blank, another site, the home page, not http(s).
        (None, "https://www.example.com/news/guard-arrives"),
        ("   ", "https://www.example.com/news/guard-arrives"),
        ("https://www.other-site.com/news/guard-arrives", "https://www.example.com/news/guard-arrives"),
        ("https://www.example.com/", "https://www.example.com/news/guard-arrives"),
        ("https://www.example.com", "https://www.example.com/news/guard-arrives"),
        ("/", "https://www.example.com/news/guard-arrives"),
        ("https://www.example.com/index.html", "https://www.example.com/news/guard-arrives"),
        ("javascript:void(0)", "https://www.example.com/news/guard-arrives"),
        ("ftp://www.example.com/news/x", "https://www.example.com/news/guard-arrives"),
        ("http://[::1", "https://www.example.com/news/guard-arrives"),
    ],
)  # fmt: skip
def test_choose_canonical(declared: str | None, expected: str) -> None:
    assert choose_canonical(PAGE, declared) == expected


def test_amp_page_declaring_its_canonical_article() -> None:
    page = "https://amp.example.co.uk/news/world-123.amp"
    assert choose_canonical(page, "https://www.example.co.uk/news/world-123") == (
        "https://www.example.co.uk/news/world-123"
    )


def test_public_suffixes_are_not_one_site() -> None:
    """Two blogs on github.io are two publishers; bbc.co.uk hosts are one."""
    page = "https://alice.github.io/posts/a"
    assert choose_canonical(page, "https://bob.github.io/posts/a") == page
    assert registrable_domain("https://www.bbc.co.uk/news") == "bbc.co.uk"
    assert registrable_domain("https://feeds.bbc.co.uk/x") == "bbc.co.uk"
    assert registrable_domain("http://localhost:8000/a") == "localhost"
    assert registrable_domain("not a url") is None


def test_hosts_without_a_public_suffix_are_sites_per_port() -> None:
    page = "http://127.0.0.1:8765/outlet-a/articles/3.html"
    assert choose_canonical(page, "/outlet-a/articles/3.html?ref=feed") == page
    assert choose_canonical(page, "http://127.0.0.1:8765/outlet-a/a/3") == (
        "http://127.0.0.1:8765/outlet-a/a/3"
    )
    assert choose_canonical(page, "http://127.0.0.1:9999/elsewhere/3") == page
    assert choose_canonical(page, "http://localhost:8765/elsewhere/3") == page


# ------------------------------------------------------------------- properties

_segment = st.sampled_from(
    ["news", "amp", "a.amp", "b.amp.html", "c.amp.amp", ".", "..", "", "%7e", "%2e", "Z"]
)
_param = st.sampled_from(["utm_source=x", "id=3", "amp", "amp=1", "ref=hp", "q=a+b", "b=%2F"])


@st.composite
def _urls(draw: st.DrawFn) -> str:
    hosts = ["Example.com", "amp.example.co.uk", "amp.amp.x.org", "127.0.0.1:8080", "x.org:443"]
    host = draw(st.sampled_from(hosts))
    path = "/".join(draw(st.lists(_segment, max_size=5)))
    query = "&".join(draw(st.lists(_param, max_size=4)))
    fragment = draw(st.sampled_from(["", "#top"]))
    return f"{draw(st.sampled_from(['http', 'HTTPS']))}://{host}/{path}?{query}{fragment}"


@given(_urls())
@settings(max_examples=300, deadline=None)
def test_canonicalize_url_is_idempotent_on_generated_urls(url: str) -> None:
    once = canonicalize_url(url)
    assert canonicalize_url(once) == once
    assert "utm_" not in once and "#" not in once


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_canonicalize_url_never_raises(url: str) -> None:
    assert isinstance(canonicalize_url(url), str)
    assert isinstance(choose_canonical("https://example.com/a/b", url), str)
