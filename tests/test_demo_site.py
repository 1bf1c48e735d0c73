"""The bundled fake news site: content is complete and valid, feeds and pages are served,
conditional GET works, phase 2 publishes, duplicates really are duplicates, and the
fault endpoints misbehave as documented."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import feedparser
import httpx
import pytest

from demo_site import LABELS, MINIMUMS, ArticleSpec, DemoSite, FaultConfig, load_content
from demo_site.server import ContentError, split_paragraphs

REPO = Path(__file__).resolve().parents[1]
SEED_DIR = REPO / "seeds" / "chicago-immigration-2025"
WORD = re.compile(r"[\w’']+")


def shingles(text: str, k: int = 5) -> set[tuple[str, ...]]:
    words = [w.lower().replace("’", "'") for w in WORD.findall(text)]
    return {tuple(words[i : i + k]) for i in range(max(0, len(words) - k + 1))}


def containment(copy: str, original: str) -> float:
    """Share of the copy's 5-word shingles that are also in the original."""
    a, b = shingles(copy), shingles(original)
    return len(a & b) / len(a) if a else 0.0


def seed_text(name: str) -> str:
    return (SEED_DIR / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def specs() -> list[ArticleSpec]:
    return load_content()


@pytest.fixture(scope="module")
def by_id(specs: list[ArticleSpec]) -> dict[str, ArticleSpec]:
    return {s.id: s for s in specs}


@pytest.fixture()
def site() -> Iterator[DemoSite]:
    with DemoSite(faults=FaultConfig(timeout_seconds=5.0, huge_bytes=6_200_000)) as s:
        yield s


@pytest.fixture()
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as c:
        yield c


# ------------------------------------------------------------------- content


def test_every_label_has_its_minimum(specs: list[ArticleSpec]) -> None:
    counts = {label: sum(1 for s in specs if s.label == label) for label in LABELS}
    for label, minimum in MINIMUMS.items():
        assert counts[label] >= minimum, (label, counts[label], minimum)


def test_followups_span_both_phases(specs: list[ArticleSpec]) -> None:
    phases = {s.phase for s in specs if s.label == "followup"}
    assert phases == {1, 2}


def test_ids_unique_and_duplicate_of_points_somewhere(
    specs: list[ArticleSpec], by_id: dict[str, ArticleSpec]
) -> None:
    assert len(by_id) == len(specs)
    for s in specs:
        ref = s.duplicate_of
        if ref is None:
            continue
        if ref.startswith("seed:"):
            assert (SEED_DIR / ref.removeprefix("seed:")).is_file(), s.id
        else:
            assert ref in by_id, s.id
            assert by_id[ref].label == "followup", s.id
    for s in specs:
        if s.label.startswith("rewrite_"):
            assert s.rewrites in by_id and by_id[s.rewrites].phase == 1 and s.phase == 2
            assert s.updated is not None and s.updated > by_id[s.rewrites].published


def test_every_seed_is_republished(specs: list[ArticleSpec]) -> None:
    seeds = {p.name for p in SEED_DIR.glob("*.txt")}
    republished = {
        s.duplicate_of.removeprefix("seed:")
        for s in specs
        if s.label == "republished_seed" and s.duplicate_of
    }
    assert seeds and seeds <= republished


@pytest.mark.parametrize("label", ["followup", "near_topic", "off_topic"])
def test_written_articles_have_news_length(specs: list[ArticleSpec], label: str) -> None:
    for s in specs:
        if s.label == label:
            assert 300 <= s.word_count <= 900, (s.id, s.word_count)
            assert s.title and s.author and s.summary, s.id


def test_phase_two_comes_after_phase_one(specs: list[ArticleSpec]) -> None:
    """The site publishes in time order: every new phase-2 story is newer than all of
    phase 1, so a run after ``set_phase(2)`` sees only newer news (rewrites aside)."""
    newest_one = max(s.published for s in specs if s.phase == 1)
    for s in specs:
        assert s.published.year == 2025 and s.published.tzinfo is not None
        if s.phase == 2 and not s.label.startswith("rewrite_"):
            assert s.published > newest_one, s.id


def test_split_paragraphs_keeps_lists_apart() -> None:
    body = "One line\ncontinued.\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\nLast."
    assert split_paragraphs(body) == (
        "One line continued.",
        "- a",
        "- b",
        "| x | y |",
        "|---|---|",
        "| 1 | 2 |",
        "Last.",
    )


def test_bad_content_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(
        'id = "x"\noutlet = "nowhere"\nslug = "x"\ntitle = "t"\nauthor = "a"\n'
        'published = "2025-10-01T10:00:00-05:00"\nphase = 1\nlabel = "followup"\nbody = "text"\n'
    )
    with pytest.raises(ContentError, match="unknown outlet"):
        load_content(tmp_path)


# ------------------------------------------------------------------- duplicates are duplicates


def test_syndicated_seed_copies_share_most_of_their_text(specs: list[ArticleSpec]) -> None:
    for s in specs:
        if s.label == "republished_seed":
            assert s.duplicate_of is not None
            original = seed_text(s.duplicate_of.removeprefix("seed:"))
            assert containment(s.text, original) > 0.8, s.id


def test_wire_copies_and_second_urls_share_most_of_their_text(
    specs: list[ArticleSpec], by_id: dict[str, ArticleSpec]
) -> None:
    for s in specs:
        if s.label in ("wire_copy", "same_outlet_other_url") and s.duplicate_of:
            assert containment(s.text, by_id[s.duplicate_of].text) > 0.8, s.id


def test_followups_are_not_duplicates(specs: list[ArticleSpec]) -> None:
    """A follow-up may quote a seed or an earlier story, but shares far less than a copy."""
    originals = [seed_text(p.name) for p in sorted(SEED_DIR.glob("*.txt"))]
    originals += [s.text for s in specs if s.label in ("followup", "near_topic", "off_topic")]
    for s in specs:
        if s.label not in ("followup", "near_topic", "off_topic"):
            continue
        for other in originals:
            if other == s.text:
                continue
            assert containment(s.text, other) < 0.35, s.id


def test_material_rewrites_change_text_cosmetic_ones_do_not(
    specs: list[ArticleSpec], by_id: dict[str, ArticleSpec]
) -> None:
    for s in specs:
        if s.label == "rewrite_material":
            assert s.rewrites is not None
            assert s.text != by_id[s.rewrites].text
            assert 0.5 < containment(s.text, by_id[s.rewrites].text) < 0.97, s.id
        if s.label == "rewrite_cosmetic":
            assert s.rewrites is not None
            assert s.text == by_id[s.rewrites].text


# ------------------------------------------------------------------- serving


def _fetch_feed(client: httpx.Client, url: str) -> feedparser.FeedParserDict:
    r = client.get(url)
    assert r.status_code == 200, url
    assert "xml" in r.headers["content-type"]
    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    return parsed


def test_feeds_list_live_articles_and_links_resolve(site: DemoSite, client: httpx.Client) -> None:
    urls = site.feed_urls()
    assert len(urls) == 6
    kinds = set()
    seen_links: set[str] = set()
    for url in urls:
        parsed = _fetch_feed(client, url)
        kinds.add(parsed.version[:4])
        assert parsed.entries, url
        for e in parsed.entries:
            assert e.get("title") and e.get("link") and e.get("id") and e.get("published"), url
            seen_links.add(e.link)
    assert kinds == {"rss2", "atom"}
    assert any("utm_" in link for link in seen_links)
    for link in sorted(seen_links):
        r = client.get(link)
        assert r.status_code == 200, link
        assert r.headers["content-type"] == "text/html; charset=utf-8"
        html = r.text
        assert '<link rel="canonical"' in html
        assert 'property="article:published_time"' in html
        assert 'property="og:site_name"' in html
        assert "cookie" in html.lower() and 'class="comment' in html


def test_every_published_url_resolves(site: DemoSite, client: httpx.Client) -> None:
    for phase in (1, 2):
        site.set_phase(phase)
        for info in site.published():
            for url in info.urls:
                assert client.get(url).status_code == 200, (phase, url)


def test_published_matches_labels(site: DemoSite, specs: list[ArticleSpec]) -> None:
    live1 = site.published()
    assert {i.phase for i in live1} == {1}
    assert {i.label for i in live1} >= {"republished_seed", "followup", "wire_copy", "off_topic"}
    site.set_phase(2)
    live2 = site.published()
    assert len(live2) > len(live1)
    labels = {i.label for i in live2}
    assert {"rewrite_material", "rewrite_cosmetic"} <= labels
    # A rewrite takes over its original's URL.
    urls1 = {i.id: i.url for i in live1}
    for info in live2:
        if info.rewrites:
            assert info.url == urls1[info.rewrites]


def test_article_page_text_comes_through_a_cleaner(site: DemoSite, client: httpx.Client) -> None:
    trafilatura = pytest.importorskip("trafilatura")
    specs = {s.id: s for s in load_content()}
    for info in site.published():
        spec = specs[info.id]
        extracted = trafilatura.extract(client.get(info.url).text, include_comments=False) or ""
        assert containment(spec.text, extracted) > 0.8, info.id
        assert "Accept all" not in extracted and "Post comment" not in extracted, info.id


def test_conditional_get_gives_304(site: DemoSite, client: httpx.Client) -> None:
    for url in site.feed_urls():
        first = client.get(url)
        etag, last_modified = first.headers["etag"], first.headers["last-modified"]
        assert client.get(url).headers["etag"] == etag  # stable
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
        assert client.get(url, headers={"If-None-Match": '"nope"'}).status_code == 200
    # Publishing phase 2 changes every feed that gained items.
    before = {u: client.get(u).headers["etag"] for u in site.feed_urls()}
    site.set_phase(2)
    changed = [u for u in site.feed_urls() if client.get(u).headers["etag"] != before[u]]
    assert len(changed) >= 5
    for url in changed:
        r = client.get(url, headers={"If-None-Match": before[url]})
        assert r.status_code == 200


def test_set_phase_adds_items_and_updates(site: DemoSite, client: httpx.Client) -> None:
    def entries() -> dict[str, feedparser.FeedParserDict]:
        out = {}
        for url in site.feed_urls():
            for e in _fetch_feed(client, url).entries:
                out[e.link] = e
        return out

    one = entries()
    site.set_phase(2)
    two = entries()
    assert set(one) < set(two)
    updated = [
        link
        for link, e in two.items()
        if link in one and e.get("updated") and e.get("updated") != one[link].get("updated")
    ]
    assert len(updated) >= 3  # two material rewrites and a cosmetic one


def test_rewrites_change_the_page_at_the_same_url(site: DemoSite, client: httpx.Client) -> None:
    before = {i.url: client.get(i.url).text for i in site.published()}
    site.set_phase(2)
    for info in site.published():
        if info.label == "rewrite_material":
            after = client.get(info.url).text
            assert after != before[info.url]
            assert "Updated" in after
        if info.label == "rewrite_cosmetic":
            after = client.get(info.url).text
            assert after != before[info.url]
            assert "Page last refreshed" in after


def test_second_url_points_canonical_at_the_first(site: DemoSite, client: httpx.Client) -> None:
    live = {i.id: i for i in site.published()}
    for info in live.values():
        if info.label == "same_outlet_other_url":
            assert info.duplicate_of is not None
            html = client.get(info.url).text
            assert f'<link rel="canonical" href="{live[info.duplicate_of].url}">' in html


def test_robots_and_not_found(site: DemoSite, client: httpx.Client) -> None:
    r = client.get(site.base_url + "/robots.txt")
    assert r.status_code == 200 and "User-agent: *" in r.text
    assert client.get(site.base_url + "/no/such/page").status_code == 404
    sitemap = client.get(site.base_url + "/sitemap.xml")
    assert sitemap.status_code == 200
    assert sitemap.text.count("<loc>") == len(site.published())


def test_request_log_records_conditional_headers(site: DemoSite, client: httpx.Client) -> None:
    url = site.feed_urls()[0]
    client.get(url, headers={"If-None-Match": '"x"', "User-Agent": "newsmon-test"})
    method, path, headers = site.request_log()[-1]
    assert method == "GET" and url.endswith(path)
    assert headers["if-none-match"] == '"x"' and headers["user-agent"] == "newsmon-test"


# ------------------------------------------------------------------- faults


def test_fault_endpoints(site: DemoSite, client: httpx.Client) -> None:
    f = site.fault_urls()
    assert client.get(f["500"]).status_code == 500
    assert client.get(f["404"]).status_code == 404
    r = client.get(f["not-html"])
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    r = client.get(f["huge"])
    assert r.status_code == 200 and len(r.content) > 6_000_000
    r = client.get(f["empty"])
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert feedparser.parse(client.get(f["malformed-feed.xml"]).content).bozo
    html_feed = client.get(f["html-feed"])
    assert html_feed.headers["content-type"].startswith("text/html")
    with pytest.raises(httpx.TooManyRedirects):
        client.get(f["redirect-loop"], follow_redirects=True)
    r = client.get(f["redirect"], follow_redirects=True)
    assert r.status_code == 200 and len(r.history) == 1


def test_flaky_and_throttled_recover(site: DemoSite, client: httpx.Client) -> None:
    f = site.fault_urls()
    statuses = [client.get(f["flaky"]).status_code for _ in range(3)]
    assert statuses == [500, 500, 200]
    assert client.get(f["flaky"] + "/other").status_code == 500  # counted per path
    r = client.get(f["503-retry-after"])
    assert r.status_code == 503 and r.headers["retry-after"] == "1"
    assert client.get(f["503-retry-after"]).status_code == 200
    r = client.get(f["429"])
    assert r.status_code == 429 and "retry-after" in r.headers
    assert client.get(f["429"]).status_code == 200


def test_timeout_endpoint_times_out_and_stop_ends_it() -> None:
    with DemoSite(faults=FaultConfig(timeout_seconds=30.0)) as s:
        url = s.fault_urls()["timeout"]
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(url, timeout=0.5)
        started = time.monotonic()
    assert time.monotonic() - started < 10


def test_fault_feed_lists_fault_pages_and_a_good_article(
    site: DemoSite, client: httpx.Client
) -> None:
    parsed = _fetch_feed(client, site.fault_feed_url())
    links = [e.link for e in parsed.entries]
    assert any(link.endswith("/faults/500") for link in links)
    assert any(link.endswith("/faults/timeout") for link in links)
    good = [link for link in links if "/faults/" not in link]
    assert len(good) == 1 and client.get(good[0]).status_code == 200
