"""The HTTP fetcher against real servers on loopback addresses.

The local servers live on 127.0.0.1, which the fetcher refuses by default, so most
tests pass ``allow_private_hosts=True``; the SSRF tests show what is refused without it.
"""

from __future__ import annotations

import email.utils
import sys
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpcore
import pytest
from localserver import LocalServer, Request, Response, redirect, reset_connection, static, trickle

from newsmon.errors import BlockedURLError, FetchError
from newsmon.fetch import (
    Fetcher,
    FetchResult,
    _Deadline,
    _GuardedBackend,
    check_url_allowed,
    parse_retry_after,
)
from newsmon.profile import FetchSpec

HTML = "<html><head><title>t</title></head><body><p>Hello</p></body></html>"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as srv:
        yield srv


def make_fetcher(*, total_timeout: float | None = None, **spec: Any) -> Fetcher:
    """A fetcher for the local servers: short timeouts, private hosts allowed."""
    return Fetcher(
        FetchSpec(**{"timeout": 2.0, **spec}),
        allow_private_hosts=True,
        total_timeout=total_timeout,
    )


def fetch_error(fetcher: Fetcher, url: str, **kwargs: Any) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetcher.get(url, **kwargs)
    return info.value


# ----------------------------------------------------------------------------- success


def test_get_returns_body_headers_and_sends_user_agent(server: LocalServer) -> None:
    server.route(
        "/page",
        static(
            HTML,
            "text/html; charset=ISO-8859-1",
            headers={"ETag": '"v1"', "Last-Modified": "Mon, 06 Oct 2025 10:00:00 GMT"},
        ),
    )
    with make_fetcher(user_agent="newsmon-test/1.0") as fetcher:
        result = fetcher.get(server.url("/page"), accept="text/html")

    assert result == FetchResult(
        url=server.url("/page"),
        final_url=server.url("/page"),
        status=200,
        content=HTML.encode(),
        content_type="text/html",
        encoding="ISO-8859-1",
        etag='"v1"',
        last_modified="Mon, 06 Oct 2025 10:00:00 GMT",
        not_modified=False,
        elapsed=result.elapsed,
    )
    assert 0 < result.elapsed < 2
    (request,) = server.requests
    assert request.headers["User-Agent"] == "newsmon-test/1.0"
    assert request.headers["Accept"] == "text/html"
    assert "If-None-Match" not in request.headers


def conditional(etag: str, last_modified: str) -> Callable[[Request], Response]:
    """A handler that honours If-None-Match / If-Modified-Since like a real server."""

    def handle(req: Request) -> Response:
        validators = {"ETag": etag, "Last-Modified": last_modified}
        if req.headers.get("If-None-Match") == etag:
            return Response(304, b"", validators)
        if req.headers.get("If-Modified-Since") == last_modified:
            return Response(304, b"", {"Last-Modified": last_modified})
        return Response(200, b"<rss/>", validators, "application/rss+xml")

    return handle


def test_conditional_get_with_etag_gives_not_modified(server: LocalServer) -> None:
    server.route("/feed", conditional('"abc"', "Tue, 07 Oct 2025 08:00:00 GMT"))
    with make_fetcher() as fetcher:
        first = fetcher.get(server.url("/feed"))
        second = fetcher.get(server.url("/feed"), etag=first.etag)

    assert first.status == 200 and first.content == b"<rss/>" and not first.not_modified
    assert second.status == 304
    assert second.not_modified
    assert second.content == b""
    assert second.etag == '"abc"'
    assert server.requests[1].headers["If-None-Match"] == '"abc"'


def test_conditional_get_with_last_modified_keeps_validators(server: LocalServer) -> None:
    stamp = "Tue, 07 Oct 2025 08:00:00 GMT"
    server.route("/feed", conditional('"abc"', stamp))
    with make_fetcher() as fetcher:
        result = fetcher.get(server.url("/feed"), last_modified=stamp)

    assert result.not_modified and result.status == 304 and result.content == b""
    assert result.last_modified == stamp
    assert result.etag is None  # neither sent nor returned
    assert server.requests[0].headers["If-Modified-Since"] == stamp


def test_304_without_validators_returns_the_ones_sent(server: LocalServer) -> None:
    server.route("/feed", static(b"", status=304))
    with make_fetcher() as fetcher:
        result = fetcher.get(server.url("/feed"), etag='"e"', last_modified="x")
    assert result.not_modified
    assert (result.etag, result.last_modified) == ('"e"', "x")


# ------------------------------------------------------------------------ HTTP statuses


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_client_errors_are_not_retryable(server: LocalServer, status: int) -> None:
    server.route("/x", static("nope", status=status))
    with make_fetcher() as fetcher:
        error = fetch_error(fetcher, server.url("/x"))
    assert error.status == status
    assert not error.retryable
    assert error.retry_after is None
    assert error.url == server.url("/x")


@pytest.mark.parametrize("status", [500, 502, 504, 408])
def test_server_errors_are_retryable(server: LocalServer, status: int) -> None:
    server.route("/x", static("boom", status=status))
    with make_fetcher() as fetcher:
        error = fetch_error(fetcher, server.url("/x"))
    assert error.status == status
    assert error.retryable


def http_date(delta: timedelta) -> str:
    return email.utils.format_datetime(datetime.now(UTC) + delta, usegmt=True)


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [("120", 120.0), ("0", 0.0), (None, None), ("soon", None)],
)
def test_retry_after_in_seconds(
    server: LocalServer, status: int, retry_after: str | None, expected: float | None
) -> None:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    server.route("/x", static("slow down", status=status, headers=headers))
    with make_fetcher() as fetcher:
        error = fetch_error(fetcher, server.url("/x"))
    assert error.status == status
    assert error.retryable
    assert error.retry_after == expected


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_as_http_date(server: LocalServer, status: int) -> None:
    server.route(
        "/x",
        static("later", status=status, headers={"Retry-After": http_date(timedelta(seconds=90))}),
    )
    with make_fetcher() as fetcher:
        error = fetch_error(fetcher, server.url("/x"))
    assert error.retryable
    assert error.retry_after is not None
    assert 85 <= error.retry_after <= 91


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("30", 30.0),
        ("  7 ", 7.0),
        ("-5", None),
        ("inf", None),
        ("nan", None),
        ("", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past: retry now
        ("not a date", None),
    ],
)
def test_parse_retry_after(value: str, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_parse_retry_after_date_relative_to_now() -> None:
    now = datetime(2025, 10, 21, 7, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Tue, 21 Oct 2025 07:02:30 GMT", now=now) == 150.0


# ------------------------------------------------------------------ time limits


def test_stall_past_read_timeout_is_retryable_and_bounded(server: LocalServer) -> None:
    def stall(_req: Request) -> Response:
        time.sleep(5)
        return Response(200, b"too late")

    server.route("/stall", stall)
    with make_fetcher(timeout=0.5) as fetcher:
        started = time.monotonic()
        error = fetch_error(fetcher, server.url("/stall"))
        took = time.monotonic() - started
    assert error.retryable
    assert "timed out" in error.reason
    assert took < 3.0


def test_trickling_body_hits_the_total_time_limit(server: LocalServer) -> None:
    """Each byte arrives well within the read timeout, but the whole never ends."""
    server.route(
        "/trickle",
        lambda _req: Response(200, trickle(b"x", 0.05), content_type="text/html"),
    )
    with make_fetcher(timeout=0.5, total_timeout=1.0) as fetcher:
        started = time.monotonic()
        error = fetch_error(fetcher, server.url("/trickle"))
        took = time.monotonic() - started
    assert error.retryable
    assert "total time limit" in error.reason
    assert 0.9 < took < 3.0


def test_trickling_headers_hit_the_total_time_limit(server: LocalServer) -> None:
    def slow_headers(req: Request) -> None:
        out = req.handler.wfile
        out.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        for _ in range(200):
            out.write(b"a")
            out.flush()
            time.sleep(0.05)

    server.route("/slow-headers", slow_headers)
    with make_fetcher(timeout=0.5, total_timeout=1.0) as fetcher:
        started = time.monotonic()
        error = fetch_error(fetcher, server.url("/slow-headers"))
        took = time.monotonic() - started
    assert error.retryable
    assert "total time limit" in error.reason
    assert took < 3.0


# ------------------------------------------------------------------------ size limits


def test_oversized_body_with_content_length_is_refused(server: LocalServer) -> None:
    server.route("/big", static(b"x" * 200_000, "text/html"))
    with make_fetcher(max_bytes=100_000) as fetcher:
        error = fetch_error(fetcher, server.url("/big"))
    assert error.reason == "response larger than 100000 bytes"
    assert not error.retryable


def test_endless_body_is_cut_at_the_cap(server: LocalServer) -> None:
    """No Content-Length and no end: the fetcher must stop reading by itself."""
    server.route(
        "/endless", lambda _req: Response(200, trickle(b"y" * 65536, 0), content_type="text/html")
    )
    with make_fetcher(max_bytes=1_000_000) as fetcher:
        error = fetch_error(fetcher, server.url("/endless"))
    assert error.reason == "response larger than 1000000 bytes"


def test_body_exactly_at_the_cap_is_accepted(server: LocalServer) -> None:
    server.route("/fits", static(b"z" * 5000, "text/plain"))
    with make_fetcher(max_bytes=5000) as fetcher:
        assert len(fetcher.get(server.url("/fits")).content) == 5000


def gzip_of_zeros(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    parts = [packer.compress(block) for _ in range(size // len(block))]
    parts.append(packer.flush())
    return b"".join(parts)


def test_gzip_bomb_is_refused_without_decompressing_it(server: LocalServer) -> None:
    bomb = gzip_of_zeros(200 << 20)  # 200 MB of zeros in about 200 KB
    assert len(bomb) < 1 << 20
    server.route("/bomb", static(bomb, "text/html", headers={"Content-Encoding": "gzip"}))
    with make_fetcher(max_bytes=2_000_000) as fetcher:
        tracemalloc.start()
        try:
            error = fetch_error(fetcher, server.url("/bomb"))
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert error.reason == "response larger than 2000000 bytes"
    assert not error.retryable
    assert peak < 12_000_000  # a few times the cap, nowhere near 200 MB


@pytest.mark.parametrize(
    ("coding", "pack"),
    [
        ("gzip", lambda data: zlib.compress(data, wbits=16 + zlib.MAX_WBITS)),
        ("deflate", zlib.compress),  # zlib-wrapped, as the RFC says
        ("deflate", lambda data: zlib.compress(data, wbits=-zlib.MAX_WBITS)),  # raw, as IIS sent
    ],
)
def test_compressed_bodies_are_decoded(
    server: LocalServer, coding: str, pack: Callable[[bytes], bytes]
) -> None:
    body = HTML.encode() * 50
    server.route("/c", static(pack(body), "text/html", headers={"Content-Encoding": coding}))
    with make_fetcher() as fetcher:
        assert fetcher.get(server.url("/c")).content == body
    assert server.requests[0].headers["Accept-Encoding"] == "gzip, deflate"


def test_unknown_content_encoding_is_an_error(server: LocalServer) -> None:
    server.route("/br", static(b"\x8b\x02\x80", "text/html", headers={"Content-Encoding": "br"}))
    with make_fetcher() as fetcher:
        error = fetch_error(fetcher, server.url("/br"))
    assert "unsupported content encoding 'br'" in error.reason


# ------------------------------------------------------------------ broken transfers


def test_truncated_body_is_retryable(server: LocalServer) -> None:
    def truncated(req: Request) -> None:
        out = req.handler.wfile
        out.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n")
        out.write(b"<html>" + b"x" * 94)
        out.flush()

    server.route("/cut", truncated)
    with make_fetcher() as fetcher:
        error = fetch_error(fetcher, server.url("/cut"))
    assert error.retryable
    assert "truncated" in error.reason


def test_truncated_gzip_stream_is_retryable(server: LocalServer) -> None:
    packed = zlib.compress(HTML.encode() * 100, wbits=16 + zlib.MAX_WBITS)
    server.route(
        "/cutgz",
        lambda _req: Response(
            200, iter([packed[: len(packed) // 2]]), {"Content-Encoding": "gzip"}, "text/html"
        ),
    )
    with make_fetcher() as fetcher:
        error = fetch_error(fetcher, server.url("/cutgz"))
    assert error.retryable
    assert error.reason == "truncated gzip body"


def test_connection_reset_is_retryable(server: LocalServer) -> None:
    server.route("/reset", reset_connection)
    with make_fetcher() as fetcher:
        error = fetch_error(fetcher, server.url("/reset"))
    assert error.retryable


def test_connection_refused_is_retryable() -> None:
    with LocalServer() as gone:
        url = gone.url("/")
    with make_fetcher() as fetcher:
        error = fetch_error(fetcher, url)
    assert error.retryable
    assert "connection failed" in error.reason


# --------------------------------------------------------------------- content types


def test_unexpected_content_type_is_refused(server: LocalServer) -> None:
    server.route("/doc.pdf", static(b"%PDF-1.7", "application/pdf"))
    with make_fetcher() as fetcher:
        error = fetch_error(fetcher, server.url("/doc.pdf"), allowed_types=("text/html",))
    assert error.reason == "unexpected content type application/pdf"
    assert not error.retryable
    assert error.status == 200


def test_missing_content_type_is_refused_when_types_are_required(server: LocalServer) -> None:
    server.route("/bare", static(b"??", None))
    with make_fetcher() as fetcher:
        error = fetch_error(fetcher, server.url("/bare"), allowed_types=("text/html",))
    assert error.reason == "unexpected content type (none)"


def test_allowed_content_type_passes_case_insensitively(server: LocalServer) -> None:
    server.route("/feed", static(b"<rss/>", "Application/RSS+XML; charset=utf-8"))
    with make_fetcher() as fetcher:
        result = fetcher.get(server.url("/feed"), allowed_types=("application/RSS+xml",))
    assert result.content_type == "application/rss+xml"
    assert result.encoding == "utf-8"


# ------------------------------------------------------------------------ redirects


def test_redirect_chain_is_followed(server: LocalServer) -> None:
    server.route("/a", redirect("/b", 301))
    server.route("/b", redirect(server.url("/c"), 302))  # absolute
    server.route("/c", redirect("d?x=1#frag", 307))  # relative to /c
    server.route("/d", static(HTML))
    with make_fetcher() as fetcher:
        result = fetcher.get(server.url("/a"))
    assert result.url == server.url("/a")
    assert result.final_url == server.url("/d?x=1")
    assert result.content == HTML.encode()
    assert [r.path for r in server.requests] == ["/a", "/b", "/c", "/d"]


def test_redirect_loop_is_an_error(server: LocalServer) -> None:
    server.route("/ping", redirect("/pong"))
    server.route("/pong", redirect("/ping"))
    with make_fetcher(max_redirects=4) as fetcher:
        error = fetch_error(fetcher, server.url("/ping"))
    assert error.reason == "too many redirects (more than 4)"
    assert not error.retryable
    assert len(server.requests) == 5  # the first request and four redirects, no more


def test_redirect_without_location_is_an_error(server: LocalServer) -> None:
    server.route("/r", static(b"", status=302))
    with make_fetcher() as fetcher:
        error = fetch_error(fetcher, server.url("/r"))
    assert "without a Location" in error.reason
    assert error.status == 302


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://example.org/x", "gopher://example.org/", "data:,hi"]
)
def test_redirect_to_another_scheme_is_refused(server: LocalServer, target: str) -> None:
    """Every hop is checked, even with private hosts allowed."""
    server.route("/r", redirect(target))
    with make_fetcher() as fetcher, pytest.raises(BlockedURLError) as info:
        fetcher.get(server.url("/r"))
    assert info.value.url == server.url("/r")
    scheme = target.split(":", 1)[0]
    assert info.value.reason.startswith(f"redirect to {scheme}:")
    assert f"scheme {scheme!r} is not http or https" in info.value.reason


# ------------------------------------------------------------------- SSRF protection


def test_local_server_is_refused_without_allow_private_hosts(server: LocalServer) -> None:
    server.route("/page", static(HTML))
    with Fetcher(FetchSpec(timeout=2.0)) as fetcher:
        with pytest.raises(BlockedURLError) as info:
            fetcher.get(server.url("/page"))
        results = fetcher.get_many([server.url("/page")])
    assert "loopback" in info.value.reason
    assert isinstance(results[0], BlockedURLError)
    assert server.requests == []  # refused before any connection


@contextmanager
def socket_activity() -> Iterator[list[str]]:
    """Record DNS lookups and connections made inside the block (via audit hooks)."""
    if not _AUDIT_HOOK_INSTALLED:
        sys.addaudithook(_audit)  # audit hooks cannot be removed: install once, lazily
        _AUDIT_HOOK_INSTALLED.append(True)
    events: list[str] = []
    _AUDIT_SINKS.append(events)
    try:
        yield events
    finally:
        _AUDIT_SINKS.remove(events)


_AUDIT_SINKS: list[list[str]] = []
_AUDIT_HOOK_INSTALLED: list[bool] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _AUDIT_SINKS and event in ("socket.getaddrinfo", "socket.connect"):
        for sink in _AUDIT_SINKS:
            sink.append(f"{event} {args!r}")


BLOCKED = [
    ("http://127.0.0.1/", "loopback"),
    ("http://127.8.9.10:8080/x", "loopback"),
    ("http://10.0.0.1/", "private"),
    ("http://172.16.0.1/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[::1]/", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://[::ffff:169.254.169.254]/", "link-local"),
    ("http://[64:ff9b::7f00:1]/", "loopback"),  # NAT64 form of 127.0.0.1
    ("http://[2002:c0a8:101::1]/", "private"),  # 6to4 form of 192.168.1.1
    ("http://[fe80::1]/", "link-local"),
    ("http://[fd00::1]/", "private"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://[::]/", "unspecified"),
    ("http://224.0.0.1/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://100.64.0.1/", "not a public"),  # carrier-grade NAT
    ("http://localhost:8000/", "loopback"),
    ("http://2130706433/", "loopback"),  # 127.0.0.1 as one decimal number
    ("http://0x7f.1/", "loopback"),
    ("file:///etc/passwd", "scheme 'file'"),
    ("ftp://example.org/file", "scheme 'ftp'"),
    ("gopher://example.org/", "scheme 'gopher'"),
    ("data:text/plain,hello", "scheme 'data'"),
    ("javascript:alert(1)", "scheme 'javascript'"),
    ("example.org/no-scheme", "scheme 'none'"),
    ("http:///no-host", "no host"),
    ("http://[::1/", "malformed"),
]


@pytest.mark.parametrize(("url", "why"), BLOCKED)
def test_check_url_allowed_refuses(url: str, why: str) -> None:
    with pytest.raises(BlockedURLError) as info:
        check_url_allowed(url, allow_private_hosts=False)
    assert why in info.value.reason
    assert not info.value.retryable


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/",
        "https://93.184.216.34:8443/a?b=c",
        "http://[2606:4700:4700::1111]/",
        "HTTPS://1.1.1.1/",
    ],
)
def test_public_literal_ip_passes_without_any_lookup_or_connection(url: str) -> None:
    with socket_activity() as events:
        check_url_allowed(url, allow_private_hosts=False)
    assert events == []


def test_the_audit_hook_does_see_lookups() -> None:
    """Proves the previous test's ``events == []`` is meaningful."""
    with socket_activity() as events, pytest.raises(BlockedURLError):
        check_url_allowed("http://localhost/", allow_private_hosts=False)
    assert any(e.startswith("socket.getaddrinfo") for e in events)


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://10.1.2.3/", "http://localhost/"])
def test_private_hosts_pass_when_allowed(url: str) -> None:
    check_url_allowed(url, allow_private_hosts=True)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/"])
def test_schemes_are_refused_even_when_private_hosts_are_allowed(url: str) -> None:
    with pytest.raises(BlockedURLError):
        check_url_allowed(url, allow_private_hosts=True)


def test_connections_are_checked_again_at_connect_time(server: LocalServer) -> None:
    """The socket layer re-resolves and refuses private addresses by itself, so a DNS
    answer that changes after check_url_allowed (rebinding) cannot reach them."""
    guarded = _GuardedBackend(allow_private_hosts=False, deadline=_Deadline())
    with pytest.raises(BlockedURLError) as info:
        guarded.connect_tcp("localhost", server.port, timeout=1.0)
    assert "loopback" in info.value.reason

    open_backend = _GuardedBackend(allow_private_hosts=True, deadline=_Deadline())
    stream = open_backend.connect_tcp("127.0.0.1", server.port, timeout=1.0)
    stream.close()


def test_deadline_cuts_reads_short() -> None:
    deadline = _Deadline()
    deadline.at = time.monotonic() - 1
    with pytest.raises(httpcore.ReadTimeout):
        deadline.clamp(5.0, httpcore.ReadTimeout)
    deadline.at = time.monotonic() + 1
    clamped = deadline.clamp(5.0, httpcore.ReadTimeout)
    assert clamped is not None and clamped <= 1.0
    deadline.at = None
    assert deadline.clamp(5.0, httpcore.ReadTimeout) == 5.0


# ----------------------------------------------------------- get_many and politeness


class Tracker:
    """A handler that takes ``work`` seconds and records overlapping requests."""

    def __init__(self, work: float) -> None:
        self.work = work
        self.lock = threading.Lock()
        self.active = 0
        self.max_active = 0

    def __call__(self, req: Request) -> Response:
        with self.lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        time.sleep(self.work)
        with self.lock:
            self.active -= 1
        return Response(200, req.path.encode(), content_type="text/plain")


def test_get_many_keeps_order_and_respects_per_host_limits() -> None:
    delay, work = 0.3, 0.1
    with LocalServer("127.0.0.1") as one, LocalServer("127.0.0.2") as two:
        trackers = {one.host: Tracker(work), two.host: Tracker(work)}
        for srv in (one, two):
            srv.set_default(trackers[srv.host])
        urls = [one.url("/1"), two.url("/1"), one.url("/2"), two.url("/2"), one.url("/3")]
        urls.append(two.url("/missing-host-port").replace(str(two.port), "1"))  # refused
        with make_fetcher(per_host_delay=delay) as fetcher:
            started = time.monotonic()
            results = fetcher.get_many(urls)
            took = time.monotonic() - started

        assert [r.content for r in results[:5] if isinstance(r, FetchResult)] == [
            b"/1",
            b"/1",
            b"/2",
            b"/2",
            b"/3",
        ]
        assert [r.url for r in results] == urls
        assert isinstance(results[5], FetchError) and results[5].retryable

        for srv in (one, two):
            assert trackers[srv.host].max_active == 1
            arrivals = [r.received_at for r in srv.requests]
            gaps = [b - a for a, b in zip(arrivals, arrivals[1:], strict=False)]
            assert all(gap >= delay + work - 0.02 for gap in gaps), gaps

        # The two hosts ran side by side: host two started before host one finished.
        assert two.requests[0].received_at < one.requests[-1].received_at
        sequential = 5 * work + 4 * delay  # everything one after another
        assert took < sequential


def test_per_host_limit_holds_across_threads(server: LocalServer) -> None:
    """Two callers sharing one Fetcher still never hit one host at the same time."""
    tracker = Tracker(0.15)
    server.set_default(tracker)
    with make_fetcher(per_host_delay=0.05) as fetcher:
        threads = [
            threading.Thread(target=fetcher.get, args=(server.url(f"/{i}"),)) for i in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert tracker.max_active == 1
    assert len(server.requests) == 4


def test_get_many_with_no_urls() -> None:
    with make_fetcher() as fetcher:
        assert fetcher.get_many([]) == []
