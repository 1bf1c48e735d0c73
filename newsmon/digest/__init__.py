"""Alert digests: collect undelivered alerts, group and rank them, render Markdown, HTML
and plain text, store the digest and deliver it per channel. ``newsmon digest`` is
``cli.digest``; the scheduled flows are ``flows.digest``.

    collect    the pending alerts as digest entries with their sources; build_digest
    renderers  sections, ranking, Markdown / HTML / text, files, the artifact's Markdown
    safe       untrusted text escaped for each format; only http(s) links
    run        store, deliver (per channel, every attempt recorded), run_digest
    lease      one digest at a time per database
    model      the digest's records
"""

from newsmon.digest.collect import build_digest, max_detailed, pending_alerts
from newsmon.digest.lease import LEASE_SECONDS, LEASE_WAIT_SECONDS, DigestBusy, digest_lease
from newsmon.digest.model import Digest, DigestItem, DigestResult, Source
from newsmon.digest.renderers import (
    FORMATS,
    artifact_key,
    artifact_markdown,
    group_items,
    render,
    render_html,
    render_markdown,
    render_text,
    write_digest,
)
from newsmon.digest.run import (
    deliver,
    demo_digest_text,
    run_digest,
    send_urgent_digest,
    store_digest,
)
from newsmon.digest.safe import h, md, safe_url, t

__all__ = [
    "FORMATS",
    "LEASE_SECONDS",
    "LEASE_WAIT_SECONDS",
    "Digest",
    "DigestBusy",
    "DigestItem",
    "DigestResult",
    "Source",
    "artifact_key",
    "artifact_markdown",
    "build_digest",
    "deliver",
    "demo_digest_text",
    "digest_lease",
    "group_items",
    "h",
    "max_detailed",
    "md",
    "pending_alerts",
    "render",
    "render_html",
    "render_markdown",
    "render_text",
    "run_digest",
    "safe_url",
    "send_urgent_digest",
    "store_digest",
    "t",
    "write_digest",
]
