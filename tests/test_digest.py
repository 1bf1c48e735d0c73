"""Digests: grouping and ranking, safe rendering of hostile text in every format,
storage, files, the CLI, and the Prefect flow's artifact."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import cli
from newsmon.alerts import raise_alerts
from newsmon.db import open_db
from newsmon.digest import (
    Digest,
    DigestItem,
    Source,
    artifact_key,
    build_digest,
    group_items,
    render,
    run_digest,
    safe_url,
    send_urgent_digest,
)


def add_article(db: Any, n: int, **kw: Any) -> int:
    row = {
        "url": f"https://outlet{n}.example/story-{n}",
        "title": f"Story {n}",
        "source": f"Outlet {n}",
        "published": f"2025-10-{n % 28 + 1:02d}T12:00:00+00:00",
        "status": "relevant",
        **kw,
    }
    return int(db["articles"].insert(row).last_pk)


def add_event(
    db: Any, article_id: int, cluster_id: int, event_type: str = "DEPLOY", **kw: Any
) -> int:
    row = {
        "article_id": article_id,
        "event_type": event_type,
        "actor": "National Guard",
        "action": "deployed troops",
        "location": "Chicago",
        "event_date": "2025-10-05",  # an alert is for something that happened on a day
        "evidence": f"Troops were seen in article {article_id}.",
        "evidence_start": 0,
        "evidence_end": 10,
        "cluster_id": cluster_id,
        "extractor_version": "test",
        **kw,
    }
    return int(db["events"].insert(row).last_pk)


def cluster(
    db: Any, profile: Any, cid: int, outlets: int, event_type: str = "DEPLOY", first: int = 1
) -> list[int]:
    """A cluster reported by ``outlets`` articles; returns the alert ids raised. Each
    cluster is its own happening (its own day: one happening is alerted once)."""
    raised = []
    for k in range(outlets):
        a = add_article(db, first + k)
        ev = add_event(db, a, cid, event_type, event_date=f"2025-10-{cid % 28 + 1:02d}")
        raised += raise_alerts(db, profile, event_ids=[ev], new_cluster_ids=[cid] if k == 0 else [])
    return raised


# --------------------------------------------------------------------------- build


def test_groups_by_kind_and_ranks_by_sources_then_type(fresh_db, profile):  # type: ignore[no-untyped-def]
    cluster(fresh_db, profile, 1, 1, "LAWSUIT", first=1)
    cluster(fresh_db, profile, 2, 3, "PROTEST", first=10)
    cluster(fresh_db, profile, 3, 1, "COURT_RULING", first=20)
    d = build_digest(fresh_db, profile)
    assert d is not None
    [(kind, items)] = group_items(d.items)
    assert kind == "NEW_EVENT"
    assert [i.cluster_id for i in items] == [2, 3, 1]  # 3 sources; then court ruling > lawsuit
    assert items[0].n_sources == 3
    assert len(items[0].sources) == 3
    assert "3 independent sources" in d.markdown and "3 independent sources" in d.text
    # Every alert links to its sources.
    for n in (10, 11, 12):
        url = f"https://outlet{n}.example/story-{n}"
        assert f"({url})" in d.markdown
        assert f'href="{url}"' in d.html
        assert f"<{url}>" in d.text


def test_syndicated_copies_are_not_independent(fresh_db, profile):  # type: ignore[no-untyped-def]
    a1 = add_article(fresh_db, 1, source="AP")
    a2 = add_article(fresh_db, 2, source="Tribune", status="duplicate")
    a3 = add_article(fresh_db, 3, source="ap")  # same outlet, other spelling
    ids = [add_event(fresh_db, a, 5) for a in (a1, a2, a3)]
    raise_alerts(fresh_db, profile, event_ids=ids, new_cluster_ids=[5])
    d = build_digest(fresh_db, profile)
    assert d is not None and d.items[0].n_sources == 1


def test_alerts_of_one_cluster_are_merged(fresh_db, profile):  # type: ignore[no-untyped-def]
    facts = [{"key": "troops", "label": "Troops", "event_types": ["DEPLOY"], "unit": "troops"}]
    p = replace(profile, raw={**profile.raw, "facts": facts})
    a1, a2 = add_article(fresh_db, 1), add_article(fresh_db, 2)
    e1 = add_event(fresh_db, a1, 4, quantity_value=200.0, quantity_unit="troops")
    raise_alerts(fresh_db, p, event_ids=[e1], new_cluster_ids=[4])
    e2 = add_event(fresh_db, a2, 4, quantity_value=300.0, quantity_unit="troops")
    raise_alerts(fresh_db, p, event_ids=[e2])
    d = build_digest(fresh_db, p)
    assert d is not None
    sections = dict(group_items(d.items))
    assert len(sections["NEW_EVENT"]) == 1 and len(sections["FACT_CHANGED"]) == 1
    fact = sections["FACT_CHANGED"][0]
    assert [s.note for s in fact.sources] == ["now", "was"]
    assert "Troops: 200 troops → 300 troops" in d.text


def test_nothing_pending_gives_no_digest(fresh_db, profile):  # type: ignore[no-untyped-def]
    assert build_digest(fresh_db, profile) is None
    assert run_digest(fresh_db, profile, channels=[]) is None


def test_without_channels_the_digest_is_stored_and_alerts_delivered(fresh_db, profile):  # type: ignore[no-untyped-def]
    ids = cluster(fresh_db, profile, 1, 2)
    result = run_digest(fresh_db, profile, channels=[], now="2025-10-10T07:00:00+00:00")
    assert result is not None and result.status == "stored"
    row = fresh_db["digests"].get(result.digest_id)
    assert row["markdown"] == result.digest.markdown and row["html"] and row["text"]
    assert row["period_end"] == "2025-10-10T07:00:00+00:00"
    for i in ids:
        alert = fresh_db["alerts"].get(i)
        assert alert["digest_id"] == result.digest_id and alert["delivered_at"]
    assert run_digest(fresh_db, profile, channels=[]) is None  # nothing twice


def test_since_filters_alerts(fresh_db, profile):  # type: ignore[no-untyped-def]
    cluster(fresh_db, profile, 1, 1)
    fresh_db.execute("UPDATE alerts SET created_at = '2025-01-01T00:00:00+00:00'")
    cluster(fresh_db, profile, 2, 1, first=5)
    d = build_digest(fresh_db, profile, since="2025-06-01T00:00:00+00:00")
    assert d is not None and [i.cluster_id for i in d.items] == [2]


def test_urgent_digest_sends_only_urgent_kinds(fresh_db, profile):  # type: ignore[no-untyped-def]
    p = replace(
        profile, raw={**profile.raw, "digest": {"urgent_kinds": ["NEW_EVENT:COURT_RULING"]}}
    )
    calm = cluster(fresh_db, p, 1, 1, "ARREST_RAID")
    assert send_urgent_digest(fresh_db, p, calm, channels=[]) is None
    hot = cluster(fresh_db, p, 2, 1, "COURT_RULING", first=5)
    result = send_urgent_digest(fresh_db, p, calm + hot, channels=[])
    assert result is not None
    assert result.digest.alert_ids == tuple(hot)
    assert result.digest.title.startswith("URGENT")
    assert fresh_db["alerts"].get(calm[0])["delivered_at"] is None  # waits for the daily digest
    assert send_urgent_digest(fresh_db, profile, hot, channels=[]) is None  # no urgent kinds


# --------------------------------------------------------------------------- safety


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("http://user:pw@example.org:8080/x?q=1#f", "http://example.org:8080/x?q=1#f"),
        ("https://example.org/a)(<x>\"'", "https://example.org/a%29%28%3Cx%3E%22%27"),
        ("javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//example.org/x", None),
        ("ftp://example.org/x", None),
        ("https:///nohost", None),
        (None, None),
    ],
)
def test_safe_url(url: str | None, expected: str | None) -> None:
    assert safe_url(url) == expected


ALLOWED_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "body",
    "h1",
    "h2",
    "p",
    "em",
    "strong",
    "ol",
    "ul",
    "li",
    "blockquote",
    "a",
    "pre",
    "hr",
    "small",
}


class _TagCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            if name == "href":
                if not (value or "").startswith(("http://", "https://")):
                    self.problems.append(f"href {value!r}")
            elif (tag, name) not in {
                ("a", "rel"),
                ("html", "lang"),
                ("meta", "charset"),
                ("body", "style"),
                ("ol", "start"),
            }:
                self.problems.append(f"attribute {name} on {tag}")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


hostile = st.one_of(
    st.text(max_size=400),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "[click](javascript:alert(1))",
            "```\n<script>x</script>\n```",
            "\x1b[31mred\x1b[0m\x00\x07\u202egnp.exe",
            "a" * 5000,
            "</pre><script>1</script>",
            "<!-- x --> &amp; &lt;",
            "line\nbreak\r\n# heading\n- item",
        ]
    ),
)
urls = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "javascript:alert(1)",
            "https://ok.example/x?a=1&b=<2>",
            "data:,x",
            'https://x.example/"onmouseover="alert(1)',
            "http://e.example/)](javascript:x)",
        ]
    ),
    st.text(max_size=100),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=hostile, summary=hostile, quote=hostile, outlet=hostile, diff=hostile, url=urls)
def test_hostile_text_renders_safely_in_every_format(
    title: str, summary: str, quote: str, outlet: str, diff: str, url: str | None
) -> None:
    src = Source(title=title, outlet=outlet, url=safe_url(url), published=summary[:30])
    item = DigestItem(
        alert_ids=(1,),
        kind="NEW_EVENT",
        summary=summary,
        event_type="DEPLOY",
        sources=(src,),
        quote=quote,
        diff=diff,
    )
    other = replace(item, alert_ids=(2,), kind=summary[:20] or "X")
    third = replace(item, alert_ids=(3,), sources=(src, src))
    items = (item, other, third)
    d = render(Digest("t", f"Digest {title}", "2025-01-01", "2025-01-02", items, max_detailed=1))

    # HTML: only our tags and attributes; links are http(s); the text survives escaped.
    check = _TagCheck()
    check.feed(d.html)
    check.close()
    assert check.problems == []
    assert "<script" not in d.html.lower()

    # Markdown: outside fenced blocks every "<" is escaped and no raw link can be built.
    body, fence = [], None
    for line in d.markdown.splitlines():
        m = re.match(r"\s*(`{3,})", line)
        if m and fence is None:
            fence = m.group(1)
            continue
        if fence is not None:
            if line.strip() == fence:
                fence = None
            continue
        body.append(line)
    assert fence is None  # every fence closed
    for line in body:
        assert not re.search(r"(?<!\\)<", line), line
        assert not re.search(r"(?<!\\)\]\((?!https?://)", line), line

    # Every format: no control characters except newlines; every line bounded.
    for text in (d.markdown, d.html, d.text):
        assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]", text)
        assert max(len(line) for line in text.splitlines()) < 3000


def test_hostile_title_from_the_database(fresh_db, profile):  # type: ignore[no-untyped-def]
    a = add_article(
        fresh_db,
        1,
        title="<script>alert('x')</script>" + "\x00" * 3,
        url="javascript:alert(1)",
        source="<b>Evil</b>",
    )
    ev = add_event(fresh_db, a, 1, actor="<img src=x onerror=alert(1)>")
    raise_alerts(fresh_db, profile, event_ids=[ev], new_cluster_ids=[1])
    d = build_digest(fresh_db, profile)
    assert d is not None
    assert "<script>" not in d.html and "&lt;script&gt;" in d.html
    assert "<img" not in d.html and "&lt;img src=x onerror=alert(1)&gt;" in d.html
    assert "javascript:" not in d.html and "javascript:" not in d.markdown
    assert "\\<script\\>" in d.markdown
    assert "\x00" not in d.text


# --------------------------------------------------------------------------- files + CLI


def _seeded_db(path: str, profile: Any) -> None:
    db = open_db(path)
    with db.atomic():
        cluster(db, profile, 1, 2, "COURT_RULING")
    db.close()


def test_cli_dry_run_prints_and_marks_nothing(db_path, profile, tmp_path):  # type: ignore[no-untyped-def]
    _seeded_db(db_path, profile)
    out = tmp_path / "d.md"
    res = CliRunner().invoke(
        cli, ["digest", "--db", db_path, "--dry-run", "--out", str(out)], env={"NEWSMON_NOTIFY": ""}
    )
    assert res.exit_code == 0, res.output
    assert "National Guard deployed troops — Chicago" in res.output and "dry run" in res.output
    assert out.read_text().startswith("# newsmon: 1 new alert")
    db = open_db(db_path)
    assert db["digests"].count == 0
    assert db.execute("SELECT count(*) FROM alerts WHERE delivered_at IS NULL").fetchone()[0] == 1


def test_cli_writes_each_format_by_suffix(db_path, profile, tmp_path):  # type: ignore[no-untyped-def]
    _seeded_db(db_path, profile)
    paths = [tmp_path / n for n in ("d.md", "d.html", "d.txt")]
    args = ["digest", "--db", db_path] + [x for p in paths for x in ("--out", str(p))]
    res = CliRunner().invoke(cli, args, env={"NEWSMON_NOTIFY": ""})
    assert res.exit_code == 0, res.output
    assert "stored" in res.output
    md, html, txt = (p.read_text() for p in paths)
    assert md.startswith("# ") and html.startswith("<!DOCTYPE html>") and txt.startswith("newsmon:")
    res = CliRunner().invoke(cli, ["digest", "--db", db_path], env={"NEWSMON_NOTIFY": ""})
    assert res.exit_code == 0 and "nothing to send" in res.output


def test_cli_user_mistakes(db_path, tmp_path):  # type: ignore[no-untyped-def]
    run = CliRunner().invoke
    res = run(cli, ["digest", "--db", db_path, "--since", "yesterday"])
    assert res.exit_code == 2 and "ISO 8601" in res.output
    res = run(
        cli,
        ["digest", "--db", db_path, "--notify", "mailto://u:$NO_SUCH_VAR@h"],
        env={"NO_SUCH_VAR": None},
    )
    assert res.exit_code == 1 and "$NO_SUCH_VAR" in res.output and "not set" in res.output
    res = run(cli, ["digest", "--db", db_path, "--notify", "nosuchscheme://secretvalue@x"])
    assert res.exit_code == 1 and "Apprise does not understand" in res.output
    res = run(cli, ["digest", "--db", db_path, "--topic", str(tmp_path / "missing.toml")])
    assert res.exit_code == 1 and "file not found" in res.output
    assert "Traceback" not in res.output


def test_artifact_key_is_stable(profile) -> None:  # type: ignore[no-untyped-def]
    assert artifact_key(profile) == "newsmon-digest-chicago-immigration-2025"
    assert re.fullmatch(r"[a-z0-9-]+", artifact_key(replace(profile, id="Ünïcode Topic!")))


@pytest.mark.slow
def test_flow_publishes_markdown_artifact(db_path, profile, prefect_harness, monkeypatch):  # type: ignore[no-untyped-def]
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.digest import digest as digest_flow

    monkeypatch.delenv("NEWSMON_NOTIFY", raising=False)
    _seeded_db(db_path, profile)
    summary = digest_flow(db=db_path, notify=None)
    assert summary["status"] == "stored" and summary["alerts"] == 1

    async def latest() -> Any:
        async with get_client() as client:
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[artifact_key(profile)]))
            )
            return found[-1]

    artifact = asyncio.run(latest())
    assert artifact.type == "markdown"
    assert (
        "National Guard deployed troops — Chicago" in artifact.data
        and "## Delivery" in artifact.data
    )
    db = open_db(db_path)
    assert json.loads(db["digests"].get(summary["digest_id"])["delivered_to"]) == []


def test_digest_module_does_not_import_prefect() -> None:
    import subprocess
    import sys

    code = "import sys, cli, newsmon.digest; print('prefect' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_docs_mention_every_digest_option() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "alerts.md").read_text()
    for option in (
        "--db",
        "--since",
        "--out",
        "--notify",
        "--dry-run",
        "--topic",
        "--urgent",
        "NEWSMON_NOTIFY",
        "urgent_kinds",
        "FACT_CHANGED",
        "ARTICLE_UPDATED",
    ):
        assert option in doc


def test_demo_digest_text_stores_and_returns_text(db_path, profile):  # type: ignore[no-untyped-def]
    from newsmon.digest import demo_digest_text

    assert demo_digest_text(db_path) is None
    _seeded_db(db_path, profile)
    text = demo_digest_text(db_path)
    assert text is not None and "National Guard deployed troops — Chicago" in text
    db = open_db(db_path)
    assert db["digests"].count == 1
    assert db["deliveries"].count == 0  # the demo never sends anything


def test_cli_urgent_needs_urgent_kinds(db_path, tmp_path):  # type: ignore[no-untyped-def]
    res = CliRunner().invoke(cli, ["digest", "--db", db_path, "--urgent"])
    assert res.exit_code == 1 and "urgent_kinds" in res.output


def test_since_is_normalised_to_utc() -> None:
    from cli.digest import _iso

    assert _iso("2025-10-01") == "2025-10-01T00:00:00+00:00"
    assert _iso("2025-10-01T07:00:00-05:00") == "2025-10-01T12:00:00+00:00"
    assert _iso("2025-10-01T12:00:00Z") == "2025-10-01T12:00:00+00:00"


def test_run_digest_refuses_to_send_inside_a_transaction(fresh_db, profile):  # type: ignore[no-untyped-def]
    from newsmon.errors import NewsmonError

    cluster(fresh_db, profile, 1, 1)
    with fresh_db.atomic(), pytest.raises(NewsmonError, match="after the caller's transaction"):
        run_digest(fresh_db, profile, channels=[])


def test_lower_ranked_entries_in_brief(fresh_db, profile):  # type: ignore[no-untyped-def]
    p = replace(profile, raw={**profile.raw, "digest": {"max_detailed": 1}})
    cluster(fresh_db, p, 1, 3, first=1)
    cluster(fresh_db, p, 2, 2, first=10)
    d = build_digest(fresh_db, p)
    assert d is not None and d.max_detailed == 1
    top, brief = d.text.split("Less corroborated, in brief:")
    assert top.count("<https://") == 3
    assert brief.count("<https://") == 1 and "… and 1 more" in brief
    assert "Troops were seen" in top and "Troops were seen" not in brief
    assert '<ol start="2">' in d.html and "\n2. **" in d.markdown
    bad = replace(profile, raw={**profile.raw, "digest": {"max_detailed": 0}})
    from newsmon.errors import ProfileError

    with pytest.raises(ProfileError, match="max_detailed"):
        build_digest(fresh_db, bad)


def test_changes_of_one_fact_are_listed_in_order(fresh_db, profile):  # type: ignore[no-untyped-def]
    facts = [{"key": "troops", "label": "Troops", "event_types": ["DEPLOY"], "unit": "troops"}]
    p = replace(profile, raw={**profile.raw, "facts": facts})
    for n, v in enumerate([100, 200, 300], start=1):
        a = add_article(fresh_db, n)
        ev = add_event(fresh_db, a, n, quantity_value=float(v), quantity_unit="troops")
        raise_alerts(fresh_db, p, event_ids=[ev])
    # The later change is better corroborated, but changes of a fact read in order.
    a = add_article(fresh_db, 9, source="Outlet 3")
    add_event(fresh_db, a, 3, quantity_value=300.0, quantity_unit="troops")
    d = build_digest(fresh_db, p)
    assert d is not None
    facts_part = d.text.split("Changed facts")[1]
    assert facts_part.index("100 troops → 200 troops") < facts_part.index("200 troops → 300")


def test_one_digest_at_a_time(db_path, profile):  # type: ignore[no-untyped-def]
    from newsmon.digest import DigestBusy, digest_lease

    _seeded_db(db_path, profile)
    first, second = open_db(db_path), open_db(db_path)
    with (
        digest_lease(first),
        pytest.raises(DigestBusy, match="another digest"),
        digest_lease(second, wait=0.2, poll=0.05),
    ):
        pass
    with digest_lease(second, wait=0.2):  # released: free again
        pass
    # A crashed digest's lease expires.
    first.execute(
        "INSERT INTO digest_lease VALUES ('digest', 'crashed', '2020-01-01', '2020-01-01T00:15:00')"
    )
    result = run_digest(second, profile, channels=[])
    assert result is not None and result.status == "stored"
    assert second["digest_lease"].count == 0


def test_concurrent_digests_send_each_alert_once(db_path, profile, monkeypatch):  # type: ignore[no-untyped-def]
    import threading
    import time

    from newsmon.delivery import Channel, SendResult

    _seeded_db(db_path, profile)
    sent: list[tuple[int, ...]] = []

    def slow_sender(ch: Channel, title: str, **bodies: str) -> SendResult:
        sent.append(tuple(sorted(int(n) for n in re.findall(r"story-(\d+)", bodies["text"]))))
        time.sleep(0.3)
        return SendResult(ch.redacted, True)

    import newsmon.digest.run as digest_module

    channel = Channel(url="json://127.0.0.1:9/x", redacted="json://127.0.0.1:9/x")
    monkeypatch.setattr(digest_module, "send", slow_sender)
    results: list[object] = []

    def one() -> None:
        db = open_db(db_path)
        results.append(run_digest(db, profile, channels=[channel]))
        db.close()

    threads = [threading.Thread(target=one) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sent == [(1, 2)]
    assert sorted(r is None for r in results) == [False, True, True]
