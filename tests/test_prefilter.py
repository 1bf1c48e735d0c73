"""The feed-entry decision: fetch only what may be on the topic, lose nothing.

The rule (``extractors.prefilter``) on entries written for these tests with the
unrelated lake-algae profile, then the stages around it on a real local server: a
skipped item is never requested, is on record in ``skipped_items`` with its reason, and
is judged again (and fetched) when the profile's words change.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

import pytest
from localserver import LocalServer, static

from extractors.feeds import parse_feed
from extractors.prefilter import build_prefilter, decide, link_words, plain_text
from extractors.records import FeedItem
from newsmon import pipeline
from newsmon.db import open_db
from newsmon.profile import FeedSpec, TopicProfile
from newsmon.topic import prefilter_model, relevance_model

# Entries written for these tests. The lake-algae profile's anchors include "Toledo"
# and "Lake Erie"; its themes "algal bloom", "phosphorus", "drinking water", ...
SPORTS_TITLE = "Toledo Mud Hens rally late to beat Columbus in the home opener"
SPORTS_SUMMARY = (
    "A two-run double in the ninth inning sent a sellout crowd at Fifth Third Field home "
    "happy on Friday night, and the manager praised a bullpen that threw four scoreless "
    "innings in cold weather."
)
BLOOM_TITLE = "Green scum spreads along the western shore"
BLOOM_SUMMARY = (
    "Boaters reported thick mats near the water intake on Monday, and the city said it "
    "had raised treatment levels after tests found microcystin in raw lake water."
)


def _item(
    title: str | None,
    summary: str | None = None,
    *,
    url: str = "https://news.example.org/story/1",
    categories: tuple[str, ...] = (),
) -> FeedItem:
    return FeedItem(
        feed_url="https://news.example.org/feed.xml",
        url=url,
        title=title,
        summary=summary,
        categories=categories,
    )


# ----------------------------------------------------------------------------- the rule


def test_an_entry_that_names_nothing_of_the_topic_is_skipped_with_its_reason(
    other_profile: TopicProfile,
) -> None:
    d = decide(_item(SPORTS_TITLE, SPORTS_SUMMARY), prefilter_model(other_profile))
    assert not d.fetch
    assert "no theme word or actor" in d.reason and "seed similarity" in d.reason
    assert 0.0 <= d.score < relevance_model(other_profile).threshold


def test_an_anchor_alone_is_no_reason_to_fetch(other_profile: TopicProfile) -> None:
    # "Toledo" and "Lake Erie" pin the lake story down, but every item of a Toledo paper
    # names Toledo: without a theme word or an actor the entry is off the topic.
    summary = SPORTS_SUMMARY + " Lake Erie sailors watched from the marina bar."
    d = decide(_item(SPORTS_TITLE, summary), prefilter_model(other_profile))
    assert not d.fetch


def test_a_theme_word_anywhere_in_the_entry_fetches(other_profile: TopicProfile) -> None:
    model = prefilter_model(other_profile)
    assert decide(_item(BLOOM_TITLE, BLOOM_SUMMARY), model).fetch  # "microcystin" in summary
    in_title = decide(_item("Phosphorus limits delayed again", SPORTS_SUMMARY), model)
    assert in_title.fetch and "phosphorus" in in_title.reason.lower()
    # The feed's categories and the link's words are evidence too.
    tagged = _item(SPORTS_TITLE, SPORTS_SUMMARY, categories=("Algae",))
    assert decide(tagged, model).fetch
    slug = _item(SPORTS_TITLE, SPORTS_SUMMARY, url="https://n.example.org/2025/08/algae-alert/")
    assert decide(slug, model).fetch


def test_an_actor_of_the_profile_fetches(other_profile: TopicProfile) -> None:
    summary = (
        "The National Oceanic and Atmospheric Administration moved its Great Lakes "
        "laboratory staff into a new building on the river on Tuesday, officials said."
    )
    d = decide(_item("Federal lab moves downtown", summary), prefilter_model(other_profile))
    assert d.fetch and "actors" in d.reason


def test_an_entry_that_says_too_little_is_fetched(other_profile: TopicProfile) -> None:
    model = prefilter_model(other_profile)
    for entry in (_item(SPORTS_TITLE), _item(None), _item("Mud Hens win", "Late rally.")):
        d = decide(entry, model)
        assert d.fetch and "too short" in d.reason, entry


def test_negative_words_never_skip_an_entry_on_the_topic(other_profile: TopicProfile) -> None:
    profile = replace(
        other_profile, relevance=replace(other_profile.relevance, negative=("baseball",))
    )
    summary = "Baseball fans were told not to drink tap water; the algal bloom reached the intake."
    assert decide(_item(SPORTS_TITLE, summary), prefilter_model(profile)).fetch


def test_reads_like_the_seeds_fetches(other_profile: TopicProfile) -> None:
    # No theme word and no actor, but the wording of the seed corpus.
    entry = _item(
        "Scientists expect a smaller summer forecast for the western basin",
        "Spring rains washed less from farm fields along the Maumee River this year, "
        "water plant operators in Toledo were told, and researchers will sample weekly.",
    )
    base = prefilter_model(other_profile)
    d = decide(entry, base)
    assert d.fetch and "seed similarity" in d.reason
    no_seeds = build_prefilter(replace(base.relevance, seed_vectors=()), ())
    assert not decide(entry, no_seeds).fetch


def test_generic_and_place_like_actor_names_are_not_evidence(
    other_profile: TopicProfile,
) -> None:
    names = prefilter_model(other_profile).names.words
    assert "NOAA" in names and "National Oceanic and Atmospheric Administration" in names
    # "the city of Toledo" is lower-case generic; "Toledo officials" and "Ohio EPA" hold
    # an anchor: naming them is naming the place.
    assert not {"the city of Toledo", "Toledo officials", "Ohio EPA", "City of Toledo"} & set(names)


def test_the_version_follows_the_words(other_profile: TopicProfile) -> None:
    v = prefilter_model(other_profile).version
    assert prefilter_model(replace(other_profile)).version == v
    more = replace(
        other_profile,
        relevance=replace(
            other_profile.relevance, themes=(*other_profile.relevance.themes, "regatta")
        ),
    )
    assert prefilter_model(more).version != v


def test_summary_html_and_link_words() -> None:
    assert plain_text("<p>Tap water <b>unsafe</b> &amp; boil</p>") == "Tap water unsafe & boil"
    assert link_words("https://x.org/2025/08/03/toledo-water_alert.html?x=1") == (
        "toledo water alert html"
    )


def test_feed_categories_are_parsed() -> None:
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>a</title><link>https://n.example.org/a</link>"
        b"<category>Sports</category><category>Mud Hens</category></item></channel></rss>"
    )
    atom = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b'<entry><title>a</title><link href="https://n.example.org/a"/><id>a</id>'
        b'<category term="environment" label="Environment"/></entry></feed>'
    )
    assert parse_feed(rss, "https://n.example.org/rss").items[0].categories == (
        "Sports",
        "Mud Hens",
    )
    assert parse_feed(atom, "https://n.example.org/atom").items[0].categories == ("environment",)


# ----------------------------------------------------------------------------- the stages

BLOOM_PAGE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>Toledo officials raised treatment levels at the Collins Park water plant on Monday
after tests found microcystin, the toxin made by cyanobacteria, in raw water drawn from
Lake Erie's western basin.</p>
<p>The algal bloom has spread along the shore since a heat wave last week, and NOAA said
phosphorus runoff from the Maumee River fed it. The city said the drinking water remains
safe and that it would publish readings every day until the bloom fades.</p>
<p>Ohio EPA inspectors sampled the intake crib twice. Farmers upstream have cut
fertilizer under the H2Ohio program, but spring storms washed more runoff than usual.</p>
</article></body></html>"""

SPORTS_PAGE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>A two-run double in the ninth inning sent the crowd home happy on Friday night.</p>
<p>The manager praised a bullpen that threw four scoreless innings in cold weather, and
the team said the regatta on the river next weekend would close two streets.</p>
<p>Tickets for the next homestand go on sale Monday at the box office downtown.</p>
</article></body></html>"""


def _feed(server: LocalServer, entries: list[tuple[str, str, str]]) -> bytes:
    start = datetime(2025, 8, 4, 12, tzinfo=UTC)
    items = "".join(
        f"<item><title>{escape(t)}</title><link>{server.url(path)}</link>"
        f"<description>{escape(s)}</description>"
        f"<pubDate>{format_datetime(start + timedelta(hours=k))}</pubDate></item>"
        for k, (path, t, s) in enumerate(entries)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Toledo news</title>'
        f"{items}</channel></rss>"
    ).encode()


@pytest.fixture
def general_feed():  # type: ignore[no-untyped-def]
    """A local general-news feed: one lake story, one sports story, both with pages."""
    with LocalServer() as server:
        entries = [
            ("/bloom", BLOOM_TITLE, BLOOM_SUMMARY),
            ("/sports", SPORTS_TITLE, SPORTS_SUMMARY),
        ]
        server.route(
            "/feed.xml",
            static(_feed(server, entries), "application/rss+xml", headers={"ETag": '"v1"'}),
        )
        server.route("/bloom", static(BLOOM_PAGE.format(title=BLOOM_TITLE)))
        server.route("/sports", static(SPORTS_PAGE.format(title=SPORTS_TITLE)))
        yield server


def _run(db_path: str, server: LocalServer, profile: TopicProfile) -> pipeline.Selection:
    """One monitor run of the stages, as the flow does them."""
    profile = replace(profile, fetch=replace(profile.fetch, per_host_delay=0.0))
    pipeline.prepare(db_path, profile)
    feed = FeedSpec(server.url("/feed.xml"))
    state = pipeline.feed_states(db_path, [feed])[feed.url]
    polls = [pipeline.poll_feed(feed, state, profile, allow_private_hosts=True)]
    selection = pipeline.record_polls(
        db_path, polls, max_articles=50, prefilter=pipeline.prefilter_for(profile)
    )
    fetches = pipeline.fetch_pages(selection.tasks, profile, allow_private_hosts=True)
    processed, failures = pipeline.process(fetches, profile)
    pipeline.store_chunk(db_path, processed, failures, profile)
    pipeline.commit_validators(db_path, polls)
    return selection


def _skipped_rows(db_path: str) -> list[dict]:
    db = open_db(db_path, migrate=False)
    try:
        return list(db.query("select * from skipped_items order by canonical_url"))
    finally:
        db.close()


def _article_urls(db_path: str) -> set[str]:
    db = open_db(db_path, migrate=False)
    try:
        return {r[0] for r in db.execute("select url from articles where status != 'seed'")}
    finally:
        db.close()


def test_an_off_topic_item_is_recorded_not_fetched(
    db_path: str, general_feed: LocalServer, other_profile: TopicProfile
) -> None:
    first = _run(db_path, general_feed, other_profile)
    assert first.items_seen == 2 and first.skipped == 1
    assert [t.url for t in first.tasks] == [general_feed.url("/bloom")]
    assert general_feed.requests_for("/sports") == []  # never requested
    assert _article_urls(db_path) == {general_feed.url("/bloom")}
    (row,) = _skipped_rows(db_path)
    assert row["url"] == general_feed.url("/sports") and row["status"] == "off_topic"
    assert row["title"] == SPORTS_TITLE and row["summary"] == SPORTS_SUMMARY
    assert "no theme word or actor" in row["reason"] and row["score"] is not None
    assert row["decided_by"] == prefilter_model(other_profile).version
    # Everything the feed listed is on record: its ETag may now be used.
    db = open_db(db_path, migrate=False)
    assert db.execute("select etag from feeds").fetchone()[0] == '"v1"'
    db.close()

    # The next run: the item is known as skipped; not counted again, still not fetched.
    again = _run(db_path, general_feed, other_profile)
    assert again.skipped == 0 and again.tasks == []
    assert general_feed.requests_for("/sports") == []
    assert len(_skipped_rows(db_path)) == 1


def test_unseen_items_counts_what_is_neither_stored_nor_skipped(
    db_path: str, general_feed: LocalServer, other_profile: TopicProfile
) -> None:
    """Before a run decides anything, ``unseen_items`` says how many listed items may be
    new (the run starts its worker pool early when they are many): after one run, the
    stored article and the item skipped as off the topic are both seen."""
    profile = replace(other_profile, fetch=replace(other_profile.fetch, per_host_delay=0.0))
    pipeline.prepare(db_path, profile)
    feed = FeedSpec(general_feed.url("/feed.xml"))

    def polls() -> list[pipeline.FeedPoll]:
        state = pipeline.feed_states(db_path, [feed])[feed.url]
        return [pipeline.poll_feed(feed, state, profile, allow_private_hosts=True)]

    assert pipeline.unseen_items(db_path, polls()) == 2
    _run(db_path, general_feed, other_profile)
    listed = polls()
    assert listed[0].not_modified or pipeline.unseen_items(db_path, listed) == 0
    fresh = replace(
        listed[0],
        not_modified=False,
        items=(*listed[0].items, _item("A new one", url=general_feed.url("/new"))),
    )
    assert pipeline.unseen_items(db_path, [fresh]) == 1
    assert pipeline.unseen_items(db_path, [replace(fresh, error="HTTP 500")]) == 0


def test_items_are_judged_again_when_the_profile_changes(
    db_path: str, general_feed: LocalServer, other_profile: TopicProfile
) -> None:
    _run(db_path, general_feed, other_profile)
    assert len(_skipped_rows(db_path)) == 1
    # The item is no longer listed (the feed moved on), and the profile gains a word.
    general_feed.route(
        "/feed.xml",
        static(_feed(general_feed, []), "application/rss+xml", headers={"ETag": '"v2"'}),
    )
    same = _run(db_path, general_feed, other_profile)
    assert same.tasks == [] and len(_skipped_rows(db_path)) == 1
    wider = replace(
        other_profile,
        relevance=replace(
            other_profile.relevance,
            themes=(*other_profile.relevance.themes, "bullpen"),
            anchors=(*other_profile.relevance.anchors, "Mud Hens"),
        ),
    )
    rejudged = _run(db_path, general_feed, wider)
    assert [t.url for t in rejudged.tasks] == [general_feed.url("/sports")]
    assert len(general_feed.requests_for("/sports")) == 1
    assert general_feed.url("/sports") in _article_urls(db_path)
    assert _skipped_rows(db_path) == []  # fetched and stored: no longer a skipped item


def test_an_item_judged_again_stays_skipped_under_the_new_version(
    db_path: str, general_feed: LocalServer, other_profile: TopicProfile
) -> None:
    _run(db_path, general_feed, other_profile)
    other_words = replace(
        other_profile,
        relevance=replace(
            other_profile.relevance, themes=(*other_profile.relevance.themes, "dredging")
        ),
    )
    _run(db_path, general_feed, other_words)
    (row,) = _skipped_rows(db_path)
    assert row["decided_by"] == prefilter_model(other_words).version
    assert general_feed.requests_for("/sports") == []


def test_switched_off_every_item_is_fetched_the_recorded_ones_too(
    db_path: str, general_feed: LocalServer, other_profile: TopicProfile
) -> None:
    _run(db_path, general_feed, other_profile)
    off = replace(other_profile, fetch=replace(other_profile.fetch, prefilter=False))
    assert pipeline.prefilter_for(off) is None
    selection = _run(db_path, general_feed, off)
    assert [t.url for t in selection.tasks] == [general_feed.url("/sports")]
    assert _skipped_rows(db_path) == []
    assert general_feed.url("/sports") in _article_urls(db_path)


def test_a_changed_entry_is_judged_again(
    db_path: str, general_feed: LocalServer, other_profile: TopicProfile
) -> None:
    _run(db_path, general_feed, other_profile)
    # The publisher rewrites the entry: the sports story now says the game was called
    # off because of the algal bloom.
    summary = "The game was called off after the algal bloom closed the riverfront."
    entries = [("/sports", SPORTS_TITLE, SPORTS_SUMMARY + " " + summary)]
    general_feed.route(
        "/feed.xml",
        static(_feed(general_feed, entries), "application/rss+xml", headers={"ETag": '"v3"'}),
    )
    selection = _run(db_path, general_feed, other_profile)
    assert [t.url for t in selection.tasks] == [general_feed.url("/sports")]


def test_the_profile_switch_is_read_and_checked(other_profile: TopicProfile) -> None:
    import tomllib

    from newsmon.errors import ProfileError
    from newsmon.profile import profile_from_dict

    raw = tomllib.loads(other_profile.path.read_text(encoding="utf-8"))
    assert other_profile.fetch.prefilter is True
    raw.setdefault("fetch", {})["prefilter"] = False
    assert profile_from_dict(raw, other_profile.path).fetch.prefilter is False
    raw["fetch"]["prefilter"] = "no"
    with pytest.raises(ProfileError, match="prefilter"):
        profile_from_dict(raw, other_profile.path)
