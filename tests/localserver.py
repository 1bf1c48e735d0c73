"""A tiny real HTTP server on a loopback address, for tests.

Tests never reach the internet; they start one of these instead. It is a stdlib
``ThreadingHTTPServer`` on a random free port, run in a daemon thread, with one handler
per path. Every request is recorded (with its arrival time) so tests can assert on what
the client actually sent, and when.

Example::

    from localserver import LocalServer, Response, static

    with LocalServer() as server:
        server.route("/feed.xml", static(b"<rss/>", "application/rss+xml"))
        server.route("/slow", lambda req: (time.sleep(2), Response(body=b"late"))[1])
        url = server.url("/feed.xml")          # http://127.0.0.1:<port>/feed.xml
        ...
        assert server.requests[0].headers["User-Agent"].startswith("newsmon")

A handler takes a :class:`Request` and returns a :class:`Response`. ``Response.body`` may
be ``bytes`` (sent with a ``Content-Length``) or an iterable of ``bytes`` chunks (each
written and flushed as it is produced, then the connection is closed: use it for slow,
trickling or endless bodies). A handler that needs full control of the socket (to send
a truncated body, reset the connection, or write malformed HTTP) may write to
``request.handler.wfile`` itself and return ``None``; the connection is then closed.

Bind to another loopback address (``LocalServer(host="127.0.0.2")``, which works on
Linux) to get a second, distinct "host" for per-host behaviour.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Request:
    """One request as the server received it."""

    method: str
    path: str  # without the query string
    query: Mapping[str, list[str]]
    headers: Message  # case-insensitive: ``req.headers["user-agent"]``
    body: bytes
    server_host: str  # the local address it arrived on, e.g. "127.0.0.2"
    received_at: float  # time.monotonic() when the request line was read
    handler: BaseHTTPRequestHandler = field(repr=False, compare=False)


@dataclass
class Response:
    """What a handler wants sent back.

    ``headers`` are sent as given; ``Content-Length`` is added for a ``bytes`` body unless
    the handler set one itself (set a wrong one to simulate a truncated body).
    """

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: Mapping[str, str] | Iterable[tuple[str, str]] = ()
    content_type: str | None = None


Handler = Callable[[Request], "Response | None"]


def static(
    body: bytes | str,
    content_type: str | None = "text/html; charset=utf-8",
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Handler:
    """A handler that always returns the same response."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def handle(_request: Request) -> Response:
        return Response(status, data, dict(headers or {}), content_type)

    return handle


def redirect(location: str, status: int = 302) -> Handler:
    """A handler that redirects to ``location`` (absolute or relative)."""
    return static(b"", "text/plain", status=status, headers={"Location": location})


def _header_items(
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
) -> list[tuple[str, str]]:
    if isinstance(headers, Mapping):
        return list(headers.items())
    return list(headers)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        LOGGER.debug("localserver %s: " + format, self.address_string(), *args)

    def _dispatch(self) -> None:
        received_at = time.monotonic()
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query),
            headers=self.headers,
            body=body,
            server_host=str(self.server.server_address[0]),
            received_at=received_at,
            handler=self,
        )
        self.server.owner.record(request)
        handler = self.server.owner.handler_for(split.path)
        response = handler(request)
        if response is None:
            self.close_connection = True
            return
        self._send(response)

    def _send(self, response: Response) -> None:
        items = _header_items(response.headers)
        names = {name.lower() for name, _ in items}
        self.send_response(response.status)
        if response.content_type is not None and "content-type" not in names:
            self.send_header("Content-Type", response.content_type)
        for name, value in items:
            self.send_header(name, value)
        if isinstance(response.body, bytes | bytearray):
            if "content-length" not in names:
                self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
            return
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        self._stream(response.body)

    def _stream(self, chunks: Iterable[bytes]) -> None:
        try:
            for chunk in chunks:
                self.wfile.write(chunk)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            LOGGER.debug("localserver: client went away during a streamed body")

    do_GET = _dispatch
    do_HEAD = _dispatch
    do_POST = _dispatch
    do_PUT = _dispatch
    do_DELETE = _dispatch


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], owner: LocalServer) -> None:
        self.owner = owner
        super().__init__(address, _RequestHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up mid-response is normal in these tests; log, don't print.
        LOGGER.debug("localserver: error handling %s", client_address, exc_info=True)


class LocalServer:
    """A threaded HTTP server on ``host`` (loopback by default), usable as a context manager.

    Routes are exact paths (query strings are ignored for routing). Unknown paths get
    ``default`` (a plain 404 unless given). Routes may be added or replaced while the
    server runs.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        routes: Mapping[str, Handler] | None = None,
        default: Handler | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._routes: dict[str, Handler] = dict(routes or {})
        self._default: Handler = default or static(b"not found", "text/plain", status=404)
        self._requests: list[Request] = []
        self._server = _Server((host, port), self)
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on this server."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def route(self, path: str, handler: Handler) -> None:
        """Serve ``path`` with ``handler`` (replacing any earlier handler)."""
        with self._lock:
            self._routes[path] = handler

    def set_default(self, handler: Handler) -> None:
        """Serve every path that has no route of its own with ``handler``."""
        with self._lock:
            self._default = handler

    def handler_for(self, path: str) -> Handler:
        with self._lock:
            return self._routes.get(path, self._default)

    def record(self, request: Request) -> None:
        with self._lock:
            self._requests.append(request)

    @property
    def requests(self) -> list[Request]:
        """A snapshot of every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def requests_for(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def start(self) -> LocalServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"localserver-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting requests and close the listening socket.

        Handler threads still running (a test's deliberate stall) are daemon threads and
        do not delay this.
        """
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def trickle(chunk: bytes, interval: float, *, count: int | None = None) -> Iterator[bytes]:
    """Yield ``chunk`` every ``interval`` seconds, ``count`` times (forever if None)."""
    sent = 0
    while count is None or sent < count:
        yield chunk
        sent += 1
        time.sleep(interval)


def reset_connection(request: Request) -> None:
    """A raw handler that resets the TCP connection without sending a response."""
    sock = request.handler.connection
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
