"""The HTTP fetcher: polite, bounded, and closed to private networks.

One :class:`Fetcher` wraps one ``httpx.Client`` and is safe to share between threads.
Every request it makes is bounded:

- **Where**: only ``http``/``https``; the host is resolved and refused when *any* of its
  addresses is loopback, private, link-local (cloud metadata), multicast, reserved,
  unspecified or otherwise not public, unless ``allow_private_hosts``. Redirects are
  followed by hand so every hop is checked, and the check is repeated on the addresses
  the socket actually connects to, so a DNS answer that changes between the check and
  the connection (DNS rebinding) cannot slip through.
- **How long**: connect/read timeouts of ``FetchSpec.timeout``, plus a wall-clock limit
  per request (``total_timeout``, three times that by default) so a server trickling one
  byte at a time cannot hold a worker forever.
- **How much**: the body is streamed and decompressed by us, in bounded steps, and
  abandoned past ``FetchSpec.max_bytes`` *decompressed* bytes, so a gzip bomb costs at
  most that much memory.
- **How often**: one request at a time per host, ``FetchSpec.per_host_delay`` seconds
  apart, across every Fetcher in the process (:func:`shared_throttle`); different hosts
  are fetched in parallel by :meth:`Fetcher.get_many`.

Failures raise :class:`~newsmon.errors.FetchError` with ``retryable`` set for what
trying later may fix (timeouts, resets, truncated bodies, 408, 429, 5xx) and
``retry_after`` from a ``Retry-After`` header; :class:`~newsmon.errors.BlockedURLError`
for URLs refused by policy.

Environment proxies (``HTTP_PROXY`` ...) are ignored on purpose: the address checks
above are only meaningful when we open the connection ourselves.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import httpcore
import httpx

from newsmon.errors import BlockedURLError, FetchError
from newsmon.profile import FetchSpec

LOGGER = logging.getLogger(__name__)

ALLOWED_SCHEMES: frozenset[str] = frozenset({"http", "https"})
REDIRECT_STATUSES: frozenset[int] = frozenset({301, 302, 303, 307, 308})
#: 4xx statuses that say "try again later" rather than "this request is wrong".
RETRYABLE_CLIENT_STATUSES: frozenset[int] = frozenset({408, 429})
#: Content codings we decode ourselves (so the size cap counts decompressed bytes).
ACCEPT_ENCODING = "gzip, deflate"
#: ``total_timeout`` defaults to this many times ``FetchSpec.timeout``.
TOTAL_TIMEOUT_FACTOR = 3.0
DEFAULT_MAX_WORKERS = 8

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True)
class FetchResult:
    """A successful fetch (2xx), or a 304 when the caller's copy is still current."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int  # 2xx, or 304 when not_modified
    content: bytes  # decompressed; b"" when not modified
    content_type: str | None  # e.g. "text/html", lower-case, without parameters
    encoding: str | None  # the charset parameter of Content-Type, if any
    etag: str | None
    last_modified: str | None
    not_modified: bool
    elapsed: float  # seconds spent on the network, all redirect hops included


# --------------------------------------------------------------------------- addresses


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, NAT64 or 6to4), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def address_problem(address: str) -> str | None:
    """Why ``address`` (an IP literal) must not be fetched from, or None if it is public."""
    try:
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
            address.split("%", 1)[0]
        )
    except ValueError:
        return f"{address!r} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = address_problem(str(embedded))
            return None if inner is None else f"{ip} maps to {embedded} ({inner})"
    checks = (
        (ip.is_loopback, "a loopback"),
        (ip.is_link_local, "a link-local"),
        (ip.is_multicast, "a multicast"),
        (ip.is_unspecified, "an unspecified"),
        (ip.is_reserved, "a reserved"),
        (ip.is_private, "a private"),
        (not ip.is_global, "not a public"),
    )
    for failed, kind in checks:
        if failed:
            return f"{ip} is {kind} address"
    return None


def resolve_host(host: str, port: int) -> list[str]:
    """All addresses ``host`` resolves to (an IP literal resolves to itself).

    Raises ``OSError`` (``socket.gaierror``) when the name does not resolve.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        addr = str(sockaddr[0])
        if addr not in addresses:
            addresses.append(addr)
    return addresses


def _refuse_private(url: str, host: str, addresses: Iterable[str]) -> None:
    for addr in addresses:
        problem = address_problem(addr)
        if problem is not None:
            shown = (
                problem if addr == host.strip("[]") else f"{host} resolves to {addr} ({problem})"
            )
            raise BlockedURLError(url, f"refused: {shown}")


def _split_target(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of ``url``; raises BlockedURLError when it has no usable host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BlockedURLError(url, f"refused: malformed URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = scheme or "none"
        raise BlockedURLError(url, f"refused: scheme {shown!r} is not http or https")
    host = parts.hostname
    if not host:
        raise BlockedURLError(url, "refused: URL has no host")
    return scheme, host, port or (443 if scheme == "https" else 80)


def check_url_allowed(url: str, *, allow_private_hosts: bool) -> None:
    """Refuse ``url`` unless it is http(s) to a public address.

    The scheme is always checked. Unless ``allow_private_hosts``, the host is resolved
    with ``getaddrinfo`` (an IP literal is checked as is, without any lookup or
    connection) and refused if *any* address is non-public. Raises
    :class:`BlockedURLError`; a name that does not resolve raises a retryable
    :class:`FetchError` instead (DNS failures are often temporary).
    """
    _scheme, host, port = _split_target(url)
    if allow_private_hosts:
        return
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        addresses = [host]
    except ValueError:
        try:
            addresses = resolve_host(host, port)
        except OSError as exc:
            raise FetchError(url, f"cannot resolve host {host}: {exc}", retryable=True) from None
    _refuse_private(url, host, addresses)


# ------------------------------------------------------- network backend with guards


class _Deadline(threading.local):
    """The wall-clock deadline of the request running in this thread, if any."""

    def __init__(self) -> None:
        self.at: float | None = None

    def clamp(self, timeout: float | None, exc: type[Exception]) -> float | None:
        """``timeout`` shortened to what is left before the deadline; raise ``exc`` if none."""
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise exc("total time limit for the request exceeded")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read and write respects the thread's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = self._deadline.clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, timeout), self._deadline
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    """Connects only to vetted addresses, and applies the per-request deadline."""

    def __init__(self, *, allow_private_hosts: bool, deadline: _Deadline) -> None:
        self._allow_private_hosts = allow_private_hosts
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = self._deadline.clamp(timeout, httpcore.ConnectTimeout)
        if self._allow_private_hosts:
            stream = super().connect_tcp(host, port, timeout, local_address, socket_options)
        else:
            stream = self._connect_vetted(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)

    def _connect_vetted(
        self,
        host: str,
        port: int,
        timeout: float | None,
        local_address: str | None,
        socket_options: Iterable[Any] | None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = resolve_host(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve host {host}: {exc}") from None
        # The URL is not known down here; Fetcher.get re-raises with it.
        _refuse_private(host, host, addresses)
        options = list(socket_options or ())
        last: Exception = httpcore.ConnectError(f"no address for {host}")
        for addr in addresses:
            try:
                return super().connect_tcp(addr, port, timeout, local_address, options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        raise last


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport with its connection pool's network backend swapped in.

    httpx has no public hook for the network backend; ``ConnectionPool`` takes one, and
    the pool is built in ``HTTPTransport.__init__``. We replace it there and fail loudly
    if a future httpx changes that shape (tests cover it).
    """

    def __init__(self, backend: httpcore.NetworkBackend, *, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, retries=0, trust_env=False)
        pool = self._pool
        if not isinstance(pool, httpcore.ConnectionPool) or not hasattr(pool, "_network_backend"):
            raise RuntimeError("unsupported httpx/httpcore version: cannot guard connections")
        pool._network_backend = backend


# ------------------------------------------------------------------------ politeness


class _HostThrottle:
    """One request at a time per host, at least ``delay`` seconds after the previous one."""

    def __init__(self, delay: float) -> None:
        self._delay = max(0.0, delay)
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}

    def _lock_for(self, host: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(host, threading.Lock())

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._lock_for(host):
            last = self._last.get(host)
            if last is not None:
                wait = last + self._delay - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            try:
                yield
            finally:
                self._last[host] = time.monotonic()


_SHARED: dict[float, _HostThrottle] = {}
_SHARED_GUARD = threading.Lock()


def shared_throttle(delay: float) -> _HostThrottle:
    """The process-wide throttle for ``delay``: every Fetcher with that delay shares it,
    so one host gets one request at a time, ``delay`` apart, across Fetchers too (the
    monitor makes a new Fetcher per chunk of pages and per feed)."""
    key = max(0.0, float(delay))
    with _SHARED_GUARD:
        throttle = _SHARED.get(key)
        if throttle is None:
            throttle = _SHARED[key] = _HostThrottle(key)
        return throttle


def host_key(url: str) -> str:
    """The host that politeness limits apply to (lower-case name, port ignored)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


# ---------------------------------------------------------------------------- bodies


class _BoundedDecoder:
    """Undo a gzip/deflate content coding without ever producing more than asked for."""

    def __init__(self, url: str, coding: str) -> None:
        self._url = url
        self._coding = coding
        self._zlib: Any = None
        if coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            self._zlib = zlib.decompressobj()
        elif coding not in ("", "identity"):
            raise FetchError(url, f"unsupported content encoding {coding!r}")
        self._first = True

    def decode(self, data: bytes, limit: int) -> bytes:
        """Decode ``data``, returning at most ``limit`` bytes (more input is then unread)."""
        if self._zlib is None:
            return data[:limit]
        try:
            out: bytes = self._zlib.decompress(data, limit)
        except zlib.error as exc:
            if self._coding == "deflate" and self._first:
                # Many servers send raw deflate without the zlib header.
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self._first = False
                return self.decode(data, limit)
            raise FetchError(self._url, f"corrupt {self._coding} body: {exc}") from None
        self._first = False
        return out

    def finish(self) -> None:
        if self._zlib is not None and not self._zlib.eof:
            raise FetchError(self._url, f"truncated {self._coding} body", retryable=True)


def _too_large(url: str, max_bytes: int) -> FetchError:
    return FetchError(url, f"response larger than {max_bytes} bytes", retryable=False)


def _read_body(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    """Stream the body, decompressing it ourselves, refusing more than ``max_bytes``."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(url, max_bytes)
    coding = response.headers.get("content-encoding", "").strip().lower()
    decoder = _BoundedDecoder(url, coding)
    parts: list[bytes] = []
    size = raw = 0
    for chunk in response.iter_raw():
        raw += len(chunk)
        out = decoder.decode(chunk, max_bytes - size + 1)
        size += len(out)
        if size > max_bytes or raw > max_bytes:
            raise _too_large(url, max_bytes)
        parts.append(out)
    decoder.finish()
    return b"".join(parts)


def split_content_type(value: str | None) -> tuple[str | None, str | None]:
    """``"text/html; charset=UTF-8"`` → ``("text/html", "UTF-8")``."""
    if not value:
        return None, None
    media, *params = value.split(";")
    charset = None
    for param in params:
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset" and val.strip().strip("\"'"):
            charset = val.strip().strip("\"'")
    return (media.strip().lower() or None), charset


# ---------------------------------------------------------------------------- status


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def status_error(url: str, response: httpx.Response) -> FetchError:
    """The FetchError for a response that is neither success, 304 nor a redirect."""
    status = response.status_code
    retryable = status >= 500 or status in RETRYABLE_CLIENT_STATUSES
    retry_after = None
    if status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after"))
    phrase = response.reason_phrase or "error status"
    return FetchError(url, phrase, status=status, retryable=retryable, retry_after=retry_after)


def _transport_error(url: str, exc: Exception, deadline_passed: bool) -> FetchError:
    """Translate an httpx exception into a FetchError with the right retryability."""
    if isinstance(exc, httpx.TimeoutException):
        kind = "total time limit exceeded" if deadline_passed else "timed out"
        return FetchError(url, f"{kind} ({type(exc).__name__})", retryable=True)
    if isinstance(exc, httpx.RemoteProtocolError):
        return FetchError(url, f"truncated or malformed response: {exc}", retryable=True)
    if isinstance(exc, httpx.TransportError) and not isinstance(
        exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError
    ):
        return FetchError(url, f"connection failed: {exc or type(exc).__name__}", retryable=True)
    return FetchError(url, f"request failed: {exc or type(exc).__name__}", retryable=False)


# --------------------------------------------------------------------------- fetcher


@dataclass(frozen=True)
class _Redirect:
    location: str


@dataclass(frozen=True)
class _Reply:
    """A final (2xx or 304) response, its body already read and decoded."""

    status: int
    headers: httpx.Headers
    content: bytes


class Fetcher:
    """A thread-safe, bounded HTTP client for feeds and article pages.

    Use as a context manager, or call :meth:`close`::

        with Fetcher(profile.fetch, allow_private_hosts=profile.allow_private_hosts) as f:
            result = f.get(feed_url, etag=row["etag"], accept="application/rss+xml, */*")
    """

    def __init__(
        self,
        spec: FetchSpec,
        *,
        allow_private_hosts: bool = False,
        max_workers: int = DEFAULT_MAX_WORKERS,
        total_timeout: float | None = None,
    ) -> None:
        self.spec = spec
        self.allow_private_hosts = allow_private_hosts
        self.max_workers = max(1, max_workers)
        self.total_timeout = total_timeout or spec.timeout * TOTAL_TIMEOUT_FACTOR
        self._deadline = _Deadline()
        self._throttle = shared_throttle(spec.per_host_delay)
        backend = _GuardedBackend(allow_private_hosts=allow_private_hosts, deadline=self._deadline)
        limits = httpx.Limits(max_connections=self.max_workers * 2, max_keepalive_connections=16)
        # The client builds requests (default headers, timeouts) and owns the transport;
        # requests go straight to the transport so that httpx's redirect logic, which
        # parses Location even when not following it, never sees hostile headers.
        self._transport = _GuardedTransport(backend, limits=limits)
        self._client = httpx.Client(
            transport=self._transport,
            follow_redirects=False,
            timeout=httpx.Timeout(spec.timeout),
            headers={"User-Agent": spec.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            trust_env=False,
        )

    # -- public API

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
        allowed_types: tuple[str, ...] | None = None,
    ) -> FetchResult:
        """Fetch ``url``, following redirects (each hop checked), within every limit.

        Sends ``If-None-Match``/``If-Modified-Since`` when given; a 304 returns a result
        with ``not_modified=True`` and the validators (the server's, else the ones sent).
        Raises :class:`FetchError` or :class:`BlockedURLError`.
        """
        headers = self._request_headers(etag, last_modified, accept)
        current = url
        elapsed = 0.0
        for hop in range(self.spec.max_redirects + 1):
            self._check_hop(url, current, hop)
            started = time.monotonic()
            with self._throttle.slot(host_key(current)):
                hop_started = time.monotonic()
                outcome = self._request(url, current, headers, allowed_types)
                elapsed += time.monotonic() - hop_started
            if isinstance(outcome, _Redirect):
                LOGGER.debug("GET %s -> redirect to %s", current, outcome.location)
                current = outcome.location
                continue
            LOGGER.debug(
                "GET %s -> %d, %d bytes in %.3fs",
                current,
                outcome.status,
                len(outcome.content),
                time.monotonic() - started,
            )
            return self._finish(outcome, url, current, elapsed, etag, last_modified)
        raise FetchError(url, f"too many redirects (more than {self.spec.max_redirects})")

    def get_many(
        self,
        urls: Sequence[str],
        *,
        allowed_types: tuple[str, ...] | None = None,
        accept: str | None = None,
        on_done: Callable[[], None] | None = None,
    ) -> list[FetchResult | FetchError]:
        """Fetch every URL; results (or the FetchError) in the order of ``urls``.

        URLs on the same host are fetched one after another (with the per-host delay);
        different hosts in parallel, on up to ``max_workers`` threads. ``on_done`` is
        called (from those threads) each time one URL is done, fetched or failed.
        """
        results: list[FetchResult | FetchError | None] = [None] * len(urls)
        groups: dict[str, list[int]] = {}
        for index, url in enumerate(urls):
            groups.setdefault(host_key(url), []).append(index)

        def run(indices: list[int]) -> None:
            for i in indices:
                results[i] = self._get_or_error(urls[i], allowed_types, accept)
                if on_done is not None:
                    on_done()

        if groups:
            with ThreadPoolExecutor(
                max_workers=min(self.max_workers, len(groups)), thread_name_prefix="fetch"
            ) as pool:
                for future in [pool.submit(run, indices) for indices in groups.values()]:
                    future.result()
        done = [r for r in results if r is not None]
        if len(done) != len(urls):  # every worker fills its slots or raises
            raise RuntimeError("get_many lost a result")
        return done

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- internals

    def _get_or_error(
        self, url: str, allowed_types: tuple[str, ...] | None, accept: str | None
    ) -> FetchResult | FetchError:
        try:
            return self.get(url, allowed_types=allowed_types, accept=accept)
        except FetchError as exc:
            LOGGER.info("fetch failed: %s", exc)
            return exc

    @staticmethod
    def _request_headers(
        etag: str | None, last_modified: str | None, accept: str | None
    ) -> dict[str, str]:
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        return headers

    def _check_hop(self, url: str, current: str, hop: int) -> None:
        try:
            check_url_allowed(current, allow_private_hosts=self.allow_private_hosts)
        except BlockedURLError as exc:
            if hop == 0:
                raise
            raise BlockedURLError(url, f"redirect to {current} {exc.reason}") from None

    def _request(
        self,
        url: str,
        current: str,
        headers: dict[str, str],
        allowed_types: tuple[str, ...] | None,
    ) -> _Reply | _Redirect:
        """One HTTP exchange, body read (and response closed) before returning."""
        self._deadline.at = time.monotonic() + self.total_timeout
        try:
            request = self._client.build_request("GET", current, headers=headers)
            response = self._transport.handle_request(request)
            response.request = request
            try:
                return self._handle(url, current, response, allowed_types)
            finally:
                response.close()
        except BlockedURLError as exc:  # raised at connect time (DNS answer changed)
            raise BlockedURLError(url, f"{current}: {exc.reason}") from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            passed = time.monotonic() >= (self._deadline.at or math.inf)
            raise _transport_error(url, exc, passed) from exc
        finally:
            self._deadline.at = None

    def _handle(
        self,
        url: str,
        current: str,
        response: httpx.Response,
        allowed_types: tuple[str, ...] | None,
    ) -> _Reply | _Redirect:
        status = response.status_code
        if status in REDIRECT_STATUSES:
            return self._redirect_target(url, current, response)
        if status == 304:
            return _Reply(status, response.headers, b"")
        if not 200 <= status < 300:
            raise status_error(url, response)
        media, _charset = split_content_type(response.headers.get("content-type"))
        if allowed_types is not None and media not in {t.lower() for t in allowed_types}:
            raise FetchError(url, f"unexpected content type {media or '(none)'}", status=status)
        return _Reply(status, response.headers, _read_body(response, url, self.spec.max_bytes))

    @staticmethod
    def _redirect_target(url: str, current: str, response: httpx.Response) -> _Redirect:
        location = response.headers.get("location", "").strip()
        if not location:
            raise FetchError(
                url,
                f"redirect without a Location header from {current}",
                status=response.status_code,
            )
        try:
            target = urldefrag(urljoin(current, location)).url
        except ValueError as exc:
            raise FetchError(url, f"invalid redirect Location {location!r}: {exc}") from None
        return _Redirect(target)

    @staticmethod
    def _finish(
        reply: _Reply,
        url: str,
        final_url: str,
        elapsed: float,
        etag: str | None,
        last_modified: str | None,
    ) -> FetchResult:
        media, charset = split_content_type(reply.headers.get("content-type"))
        not_modified = reply.status == 304
        return FetchResult(
            url=url,
            final_url=final_url,
            status=reply.status,
            content=reply.content,
            content_type=media,
            encoding=charset,
            etag=reply.headers.get("etag") or (etag if not_modified else None),
            last_modified=reply.headers.get("last-modified")
            or (last_modified if not_modified else None),
            not_modified=not_modified,
            elapsed=elapsed,
        )
