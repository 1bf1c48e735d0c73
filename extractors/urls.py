"""URL canonicalisation: one spelling per article, whatever link led to it.

Two links to the same article (one from a newsletter with ``utm_*`` parameters, one to
its AMP copy, one with a ``#comments`` fragment) must collapse to one canonical URL so
that exact de-duplication by URL works. Only rewrites that cannot change which document
a server returns are applied; anything doubtful (``index.html``, trailing slashes, path
case, parameters that are not known trackers) is left alone, because merging two
different articles is worse than keeping two spellings of one.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import SplitResult, unquote, urljoin, urlsplit, urlunsplit

from tld import get_fld

LOGGER = logging.getLogger(__name__)

HTTP_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that only say how a reader arrived, never which document to serve.
# Compared case-insensitively. Generic names that sites also use for content
# (``id``, ``cid``, ``source``, ``page``) are deliberately absent.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
        "twclid", "ttclid", "li_fat_id", "igshid", "igsh", "mc_cid", "mc_eid", "mkt_tok",
        "ocid", "cmpid", "cmp", "icid", "ncid", "ref", "ref_src", "ref_url", "referrer",
        "smid", "smtyp", "taid", "_ga", "_gl", "_hsenc", "_hsmi", "__twitter_impression",
        "s_cid", "s_kwcid", "wt.mc_id", "wt.tsrc", "at_medium", "at_campaign", "soc_src",
        "soc_trk", "sr_share", "fb_action_ids", "fb_action_types", "fb_ref", "fb_source",
        "spm", "xtor", "vero_id", "oly_anon_id", "oly_enc_id", "rb_clickid", "guccounter",
        "guce_referrer", "guce_referrer_sig",
    }
)  # fmt: skip
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "pk_", "mtm_", "hsa_", "itm_", "ga_")

# Query parameters that only ask for the AMP rendering of the same article.
AMP_FLAG_PARAMS = frozenset({"amp", "_amp", "amp_js_v", "usqp"})
AMP_VALUE_PARAMS = frozenset({"outputtype", "output", "format", "view"})  # ...=amp
AMP_SEGMENT = "amp"
AMP_SUFFIXES: tuple[tuple[str, str], ...] = ((".amp.html", ".html"), (".amp", ""))

# Paths that mean "the home page", which no article can be canonical for.
HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.php", "/home"})

_PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def canonicalize_url(url: str) -> str:
    """Return one stable spelling of an absolute http(s) URL.

    Lower-cases scheme and host, drops credentials, default ports, the fragment, known
    tracking parameters and AMP markers, removes dot segments, sorts the remaining query
    parameters (their encoding kept byte for byte) and keeps the path's case. A URL that
    is not absolute http(s), or cannot be parsed, is returned stripped but otherwise as
    given: there is nothing safe to rewrite.

    >>> canonicalize_url("HTTPS://Example.COM:443/News/a.amp?utm_source=x&b=2&a=1#top")
    'https://example.com/News/a?a=1&b=2'
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        LOGGER.debug("unparseable URL left as is: %r", url)
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in HTTP_SCHEMES or not host:
        return url
    host = _strip_amp_host(host)
    netloc = host if ":" not in host else f"[{host}]"  # IPv6 literal
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    path = _canonical_path(parts.path)
    query = _canonical_query(parts.query)
    return urlunsplit(SplitResult(scheme, netloc, path, query, ""))


def is_amp_url(url: str) -> bool:
    """Whether ``url`` is an AMP variant (an ``amp.`` host, an ``amp`` path segment or
    suffix, an AMP query flag): a trimmed rendering of another page."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    host = (parts.hostname or "").rstrip(".")
    if _strip_amp_host(host) != host:
        return True
    segments = parts.path.split("/")
    if AMP_SEGMENT in segments or (segments and _strip_amp_suffix(segments[-1]) != segments[-1]):
        return True
    return any(
        _is_noise_param(pair) and pair.partition("=")[0].strip().lower() in AMP_KEYS
        for pair in parts.query.split("&")
        if pair
    )


AMP_KEYS = AMP_FLAG_PARAMS | AMP_VALUE_PARAMS


def choose_canonical(page_url: str, declared: str | None) -> str:
    """Pick the canonical URL of a page from its own URL and what it declares.

    ``declared`` is the page's ``<link rel=canonical>`` or ``og:url`` (absolute, or
    relative to ``page_url``). It wins when it is an http(s) URL on the same registrable
    domain as the page and is not the site's home page; a canonical pointing at another
    site or at the front page is a common publisher bug, so it is ignored. Either way the
    result goes through :func:`canonicalize_url`.
    """
    fallback = canonicalize_url(page_url)
    if not declared or not declared.strip():
        return fallback
    try:
        candidate = urljoin(page_url.strip(), declared.strip())
    except ValueError:  # e.g. "http://[::1" (an unclosed IPv6 literal)
        candidate = declared.strip()
    reason = _reject_reason(page_url, candidate)
    if reason:
        LOGGER.debug("ignoring declared canonical %r for %s: %s", declared, page_url, reason)
        return fallback
    return canonicalize_url(candidate)


def registrable_domain(url: str) -> str | None:
    """The domain a publisher registered (``bbc.co.uk`` for ``www.bbc.co.uk``).

    Hosts with no public suffix (IP addresses, ``localhost``) are their own domain.
    Returns ``None`` when the URL has no host.
    """
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    fld = get_fld(host, fix_protocol=True, fail_silently=True)
    return str(fld).lower() if fld else host


def _site(url: str) -> tuple[str, int | None] | None:
    """Registrable domain; hosts without one (IPs, ``localhost``) are a site per port."""
    try:
        parts = urlsplit(url.strip())
        host, port = (parts.hostname or "").rstrip("."), parts.port
    except ValueError:
        return None
    if not host:
        return None
    fld = get_fld(host, fix_protocol=True, fail_silently=True)
    if fld:
        return str(fld).lower(), None
    return host, port or DEFAULT_PORTS.get(parts.scheme.lower())


def _reject_reason(page_url: str, candidate: str) -> str | None:
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return "unparseable"
    if parts.scheme.lower() not in HTTP_SCHEMES or not parts.hostname:
        return "not an absolute http(s) URL"
    page_site = _site(page_url)
    if page_site is not None and _site(candidate) != page_site:
        return "points to another site"
    if parts.path in HOME_PATHS and not parts.query:
        return "points to the home page"
    return None


def _strip_amp_host(host: str) -> str:
    """``amp.example.com`` -> ``example.com``; ``amp.com`` itself is left alone."""
    while host.startswith("amp."):
        fld = get_fld(host, fix_protocol=True, fail_silently=True)
        if not fld or str(fld) == host:
            break
        host = host[len("amp.") :]
    return host


def _canonical_path(path: str) -> str:
    """Normalise escapes, drop ``amp`` segments and suffixes, resolve dot segments."""
    if not path:
        return "/"
    segments = [s for s in _normalize_escapes(path).split("/")[1:] if s != AMP_SEGMENT]
    if segments and segments[-1]:
        segments[-1] = _strip_amp_suffix(segments[-1])
    return "/" + "/".join(_remove_dot_segments(segments))


def _remove_dot_segments(segments: list[str]) -> list[str]:
    out: list[str] = []
    for segment in segments:
        if segment == "..":
            if out:
                out.pop()
        elif segment != ".":
            out.append(segment)
    if segments and segments[-1] in (".", ".."):
        out.append("")  # "/a/b/.." is the directory "/a/"
    return out


def _strip_amp_suffix(segment: str) -> str:
    """``story.amp`` -> ``story``; ``story.amp.html`` -> ``story.html``."""
    stripped = True
    while stripped:
        stripped = False
        for suffix, replacement in AMP_SUFFIXES:
            if segment.endswith(suffix) and len(segment) > len(suffix):
                segment = segment[: -len(suffix)] + replacement
                stripped = True
    return segment


def _canonical_query(query: str) -> str:
    pairs = [pair for pair in query.split("&") if pair and not _is_noise_param(pair)]
    # A stable sort on the name only: repeated names keep their order (?tag=b&tag=a).
    return "&".join(sorted(pairs, key=lambda pair: pair.partition("=")[0]))


def _is_noise_param(pair: str) -> bool:
    raw_name, _, raw_value = pair.partition("=")
    name = unquote(raw_name.replace("+", " ")).strip().lower()
    value = unquote(raw_value.replace("+", " ")).strip().lower()
    if name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES):
        return True
    if name in AMP_FLAG_PARAMS and value in ("", "1", "true", "yes"):
        return True
    return name in AMP_VALUE_PARAMS and value == AMP_SEGMENT


def _normalize_escapes(path: str) -> str:
    """Upper-case percent escapes and decode those of unreserved characters (RFC 3986)."""

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(0)[1:], 16))
        return char if char in _UNRESERVED else match.group(0).upper()

    return _PERCENT_ESCAPE.sub(fix, path)
