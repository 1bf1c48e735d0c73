"""Delivery channels: Apprise URLs from the command line, the environment or the profile.

Secrets never leave the process: a notify URL may name ``$VARIABLES`` (expanded from the
environment at send time), and what is stored, logged or published is the
:attr:`Channel.redacted` form (``mailto://user:****@host/...``), from which every
password, token and environment value is removed. Apprise's own log records are scrubbed
the same way while a channel is in use.

E-mail (``mailto://``, ``mailtos://`` and Apprise's provider shortcuts) is configured
through the Apprise URL and sent as one ``multipart/alternative`` message whose text and
HTML parts are the digest's own renderings; every other channel goes through Apprise,
getting the HTML, Markdown or text rendering that it declares it accepts.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import smtplib
import ssl
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from newsmon.errors import NewsmonError
from newsmon.profile import TopicProfile, expand_env

LOGGER = logging.getLogger(__name__)

#: Environment variable holding notify URLs (space or comma separated).
NOTIFY_ENV = "NEWSMON_NOTIFY"
REDACTED = "****"

_VAR = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
_SECRET_PARAM = re.compile(r"pass|pwd|token|secret|key|auth|sig|credential|webhook", re.I)
# Split on whitespace, and on commas that start a new URL (commas inside one URL's
# query, e.g. ``?to=a@x,b@x``, stay).
_SPLIT = re.compile(r"\s+|,\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)")


class DeliveryError(NewsmonError):
    """A notify URL cannot be used (unset variable, unknown scheme). Carries the redacted
    URL, never the secret one."""

    def __init__(self, redacted: str, problem: str) -> None:
        self.redacted = redacted
        self.problem = problem
        super().__init__(f"notify URL {redacted}: {problem}")


@dataclass(frozen=True)
class Channel:
    """One delivery target. ``url`` holds secrets: never store, log or print it."""

    url: str = field(repr=False)
    redacted: str
    secrets: tuple[str, ...] = field(default=(), repr=False)

    def scrub(self, text: str) -> str:
        """``text`` with every secret of this channel replaced by ``****``."""
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


@dataclass(frozen=True)
class SendResult:
    channel: str  # redacted
    ok: bool
    error: str | None = None  # scrubbed


def split_urls(value: str) -> list[str]:
    """Notify URLs from a space/comma separated string."""
    return [u.strip() for u in _SPLIT.split(value or "") if u and u.strip()]


def notify_templates(
    profile: TopicProfile | None,
    cli_urls: Sequence[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[list[str], str]:
    """The notify URLs to use, unexpanded, and where they came from.

    The first source that gives any wins: ``--notify``, then ``NEWSMON_NOTIFY``, then the
    profile's ``[digest] notify``.
    """
    env = os.environ if environ is None else environ
    if cli_urls:
        return [u for raw in cli_urls for u in split_urls(raw)], "--notify"
    if env.get(NOTIFY_ENV, "").strip():
        return split_urls(env[NOTIFY_ENV]), NOTIFY_ENV
    if profile is not None and profile.notify:
        return [u for raw in profile.notify for u in split_urls(raw)], "profile [digest] notify"
    return [], "none"


def _secrets_of(template: str, url: str, environ: Mapping[str, str]) -> list[str]:
    found: set[str] = set()
    for braced, plain in _VAR.findall(template):
        value = environ.get(braced or plain, "")
        if len(value) >= 3:
            found.update({value, _quote_value(value), quote(value, safe="")})
    try:
        parts = urlsplit(url)
        if parts.password:
            found.update({parts.password, unquote(parts.password)})
        for name, value in parse_qsl(parts.query, keep_blank_values=False):
            if _SECRET_PARAM.search(name) and len(value) >= 3:
                found.add(value)
    except ValueError:
        pass
    # Longest first, so a secret containing another is replaced whole.
    return sorted((s for s in found if s), key=len, reverse=True)


def _rough_redact(url: str, secrets: Sequence[str]) -> str:
    """A redaction that needs no Apprise: password and secret query values masked."""
    text = url
    try:
        parts = urlsplit(url)
        if parts.password:
            text = text.replace(f":{parts.password}@", f":{REDACTED}@")
    except ValueError:
        pass
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return re.sub(
        r"([?&][^=&#]*(?:pass|pwd|token|secret|key|auth|sig)[^=&#]*=)[^&#]*",
        rf"\1{REDACTED}",
        text,
        flags=re.I,
    )


def make_channel(template: str, environ: Mapping[str, str] | None = None) -> Channel:
    """A :class:`Channel` from one notify URL, ``$VARIABLES`` expanded.

    Raises :class:`DeliveryError` when a variable is unset or Apprise does not know the
    URL.
    """
    env = os.environ if environ is None else environ
    missing = sorted({b or p for b, p in _VAR.findall(template)} - set(env))
    if missing:
        raise DeliveryError(
            _rough_redact(template, []),
            f"uses ${missing[0]}, which is not set in the environment",
        )
    url = _expand(template, env)
    secrets = _secrets_of(template, url, env)
    plugin = _instantiate(url)
    if plugin is None:
        scheme = url.split(":", 1)[0].lower()
        hint = (
            "Apprise cannot use this e-mail URL: check the host and port, and add "
            "?from=sender@example.org&to=desk@example.org when the user name is not an "
            "e-mail address"
            if scheme in ("mailto", "mailtos")
            else "Apprise does not understand this URL (see https://appriseit.com/services/)"
        )
        raise DeliveryError(_rough_redact(url, secrets), hint)
    redacted = _rough_redact(plugin.url(privacy=True), secrets)
    return Channel(url=url, redacted=redacted, secrets=tuple(secrets))


def _expand(template: str, env: Mapping[str, str]) -> str:
    """Expand ``$VAR``/``${VAR}``. A variable that is the whole URL is used as is; inside
    a URL its value is percent-encoded where it would break the URL's structure
    (``#?/@%``, spaces), so a password may contain any character."""
    whole = _VAR.fullmatch(template.strip())
    if whole:
        return expand_env(template.strip()) if env is os.environ else env[whole[1] or whole[2]]
    return _VAR.sub(lambda m: _quote_value(env[m.group(1) or m.group(2)]), template)


def _quote_value(value: str) -> str:
    return quote(value, safe="!$&'()*+,;=:~-._[]")


def resolve_channels(
    profile: TopicProfile | None,
    cli_urls: Sequence[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[Channel]:
    """The channels a digest goes to (see :func:`notify_templates`), deduplicated."""
    templates, source = notify_templates(profile, cli_urls, environ)
    channels: dict[str, Channel] = {}
    for t in templates:
        ch = make_channel(t, environ)
        channels.setdefault(ch.redacted, ch)
    if channels:
        LOGGER.info(
            "delivery channels from %s: %s",
            source,
            ", ".join(c.redacted for c in channels.values()),
        )
    return list(channels.values())


# --------------------------------------------------------------------------- sending


def _asset() -> Any:
    import apprise

    # In-memory only: Apprise must not write caches (which may hold tokens) to disk.
    return apprise.AppriseAsset(storage_mode="memory")


def _instantiate(url: str) -> Any:
    import apprise

    with _quiet_apprise():
        return apprise.Apprise.instantiate(url, asset=_asset(), suppress_exceptions=True)


class _Scrubber(logging.Filter):
    def __init__(self, channel: Channel | None) -> None:
        super().__init__()
        self.channel = channel
        self.messages: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if self.channel is None:
            return False  # no secrets known yet (URL being parsed): drop the record
        message = self.channel.scrub(record.getMessage())
        record.msg, record.args = message, ()
        if record.levelno >= logging.WARNING or "Exception" in message:
            self.messages.append(message)
        return True


@contextlib.contextmanager
def _quiet_apprise(channel: Channel | None = None) -> Iterator[_Scrubber]:
    """Scrub (or, while parsing an unknown URL, drop) Apprise's own log records."""
    log = logging.getLogger("apprise")
    scrubber = _Scrubber(channel)
    log.addFilter(scrubber)
    try:
        yield scrubber
    finally:
        log.removeFilter(scrubber)


def send(channel: Channel, title: str, *, text: str, html: str, markdown: str) -> SendResult:
    """Send one rendered digest to one channel. Never raises for a failed send."""
    from apprise.plugins.email import NotifyEmail

    with _quiet_apprise(channel) as scrubber:
        try:
            plugin = _instantiate(channel.url)
            if plugin is None:
                return SendResult(channel.redacted, False, "URL not understood by Apprise")
            if isinstance(plugin, NotifyEmail):
                _send_email(plugin, title, text=text, html=html)
                ok = True
            else:
                ok = _send_apprise(plugin, title, text=text, html=html, markdown=markdown)
        except Exception as exc:  # a failed send is recorded and retried, never fatal
            error = channel.scrub(f"{type(exc).__name__}: {exc}")
            LOGGER.warning("delivery to %s failed: %s", channel.redacted, error)
            return SendResult(channel.redacted, False, error[:500])
    if not ok:
        detail = "; ".join(scrubber.messages[-3:]) or "the channel reported a failure"
        LOGGER.warning("delivery to %s failed: %s", channel.redacted, detail)
        return SendResult(channel.redacted, False, channel.scrub(detail)[:500])
    LOGGER.info("delivered to %s", channel.redacted)
    return SendResult(channel.redacted, True)


def _send_apprise(plugin: Any, title: str, *, text: str, html: str, markdown: str) -> bool:
    import apprise
    from apprise import NotifyFormat

    fmt = plugin.notify_format
    if fmt == NotifyFormat.HTML:
        body, body_format = html, NotifyFormat.HTML
    elif fmt == NotifyFormat.MARKDOWN:
        body, body_format = markdown, NotifyFormat.MARKDOWN
    else:
        body, body_format = text, NotifyFormat.TEXT
    ap = apprise.Apprise(asset=_asset())
    ap.add(plugin)
    return bool(ap.notify(body=body, title=title, body_format=body_format))


def _send_email(plugin: Any, title: str, *, text: str, html: str) -> None:
    """One multipart/alternative mail (our text and HTML parts) with the SMTP settings
    Apprise parsed from the ``mailto://`` URL. Raises on any failure."""
    if not plugin.targets:
        raise DeliveryError("mailto", "no recipient (add ?to=someone@example.org)")
    msg = EmailMessage()
    msg["Subject"] = title
    msg["From"] = formataddr((plugin.from_addr[0] or "newsmon", plugin.from_addr[1]))
    msg["To"] = ", ".join(formataddr((name or "", addr)) for name, addr in plugin.targets)
    if plugin.cc:
        msg["Cc"] = ", ".join(sorted(plugin.cc))
    if plugin.reply_to:
        msg["Reply-To"] = ", ".join(sorted(plugin.reply_to))
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=plugin.from_addr[1].split("@")[-1] or "newsmon")
    msg["X-Application"] = "newsmon"
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    recipients = [addr for _, addr in plugin.targets] + sorted(plugin.cc) + sorted(plugin.bcc)

    context = ssl.create_default_context()
    if not plugin.verify_certificate:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    timeout = plugin.socket_connect_timeout or 15
    smtp: smtplib.SMTP
    if plugin.secure_mode == "ssl":
        smtp = smtplib.SMTP_SSL(plugin.smtp_host, plugin.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(plugin.smtp_host, plugin.port, timeout=timeout)
    try:
        if plugin.secure and plugin.secure_mode == "starttls":
            smtp.starttls(context=context)
        if plugin.user and plugin.password:
            smtp.login(plugin.user, plugin.password)
        refused = smtp.send_message(msg, from_addr=plugin.from_addr[1], to_addrs=recipients)
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
