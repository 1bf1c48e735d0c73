"""A run's counts: what each stage adds to them, how big a chunk is, and the run's
summary (Markdown for ``runs`` and the Prefect artifact, aligned lines for a
terminal)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from newsmon import store
from newsmon.pipeline.records import (
    ChunkResult,
    FeedPoll,
    PageTask,
    Selection,
)


def add_polls(counts: store.RunCounts, polls: Sequence[FeedPoll]) -> list[str]:
    """Add what polling the feeds did to the run's counts; return one message per failed
    feed (for the flow's log: a failed feed is a warning, not a failed run)."""
    failed = [f"feed {p.feed_url}: {p.error}" for p in polls if p.error]
    counts.feeds_polled = len(polls)
    counts.feeds_not_modified = sum(p.not_modified for p in polls)
    counts.errors += len(failed)
    counts.error_messages.extend(failed)
    return failed


def add_selection(counts: store.RunCounts, selection: Selection) -> list[PageTask]:
    """Add what picking the pages did to the run's counts; return the pages to fetch."""
    counts.items_seen = selection.items_seen
    counts.retried = selection.retried
    counts.skipped_off_topic = selection.skipped
    return selection.tasks


def add_chunk(counts: store.RunCounts, r: ChunkResult) -> None:
    """Add what storing one chunk did to the run's counts."""
    counts.new_articles += r.new_articles
    counts.relevant += r.relevant
    counts.off_topic += r.off_topic
    counts.duplicates += r.duplicates
    counts.updated_articles += r.updated
    counts.events += r.events
    counts.alerts += r.alerts
    counts.errors += r.errors
    counts.error_messages.extend(r.error_messages)


#: Chunk sizes when the caller does not choose: about CHUNKS_PER_RUN chunks, each of
#: MIN_CHUNK to MAX_CHUNK pages. Every chunk costs three Prefect task runs (fetch,
#: process, store), and a task run costs tens of milliseconds of CPU, mostly in the
#: Prefect API: on the 1,000-page benchmark, chunks of 125 instead of 50 took the flow
#: from 27.5 to 21.4 ms of CPU per article (docs/operations.md). Fewer, bigger chunks
#: would overlap fetching, cleaning and storing less, and hold more pages in memory.
CHUNKS_PER_RUN = 8
MIN_CHUNK = 50
MAX_CHUNK = 250


def auto_chunk_size(n_pages: int) -> int:
    """Pages per chunk for a run that fetches ``n_pages`` pages."""
    return max(MIN_CHUNK, min(MAX_CHUNK, -(-n_pages // CHUNKS_PER_RUN)))


def chunked(seq: Sequence[PageTask], size: int) -> Iterable[Sequence[PageTask]]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def summarize(counts: store.RunCounts, *, topic: str, status: str) -> str:
    """The run summary, as Markdown (printed by the CLI, stored in ``runs``, and
    published as a Prefect artifact)."""
    lines = [
        f"## newsmon run: {topic}",
        "",
        f"status: **{status}**",
        "",
        "| what | count |",
        "| --- | ---: |",
        f"| feeds polled | {counts.feeds_polled} |",
        f"| feeds not modified (304) | {counts.feeds_not_modified} |",
        f"| items seen | {counts.items_seen} |",
        f"| off-topic from the feed entry (not fetched) | {counts.skipped_off_topic} |",
        f"| new articles | {counts.new_articles} |",
        f"| relevant | {counts.relevant} |",
        f"| duplicates | {counts.duplicates} |",
        f"| off-topic | {counts.off_topic} |",
        f"| rewritten articles | {counts.updated_articles} |",
        f"| events | {counts.events} |",
        f"| alerts | {counts.alerts} |",
        f"| retried failures | {counts.retried} |",
        f"| errors | {counts.errors} |",
    ]
    if counts.error_messages:
        lines += ["", "### errors (recorded in `failures`, retried next run when retryable)", ""]
        lines += [f"- {m}" for m in counts.error_messages[:50]]
        if len(counts.error_messages) > 50:
            lines.append(f"- … and {len(counts.error_messages) - 50} more")
    return "\n".join(lines)


def format_counts(result: dict[str, object]) -> str:
    """A run's counts as a few aligned lines for the terminal."""
    rows = [
        ("feeds polled", result["feeds_polled"]),
        ("items seen", result["items_seen"]),
        ("  off-topic, not fetched", result.get("skipped_off_topic", 0)),
        ("new articles", result["new_articles"]),
        ("  relevant", result["relevant"]),
        ("  duplicates", result["duplicates"]),
        ("  off-topic", result["off_topic"]),
        ("rewritten articles", result["updated_articles"]),
        ("events", result["events"]),
        ("alerts", result["alerts"]),
        ("errors", result["errors"]),
    ]
    lines = [f"run {result['run_id']} ({result['topic']}): {result['status']}"]
    lines += [f"  {name:<24}{value:>6}" for name, value in rows]
    errors = result.get("error_messages") or []
    assert isinstance(errors, list)
    if errors:
        lines.append("  errors (recorded in the failures table; retried next run when retryable):")
        lines += [f"    - {m}" for m in errors[:10]]
        if len(errors) > 10:
            lines.append(f"    - … and {len(errors) - 10} more")
    return "\n".join(lines)
