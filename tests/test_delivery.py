"""Delivery with real peers on 127.0.0.1: an aiosmtpd SMTP server, a stdlib HTTP webhook
receiver, a server that is down and then up again; and secrets that never leave the
process."""

from __future__ import annotations

import email
import json
import logging
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner

from cli import cli
from newsmon.alerts import raise_alerts
from newsmon.db import open_db
from newsmon.delivery import (
    DeliveryError,
    make_channel,
    notify_templates,
    resolve_channels,
    split_urls,
)
from newsmon.digest import run_digest

PASSWORD = "pw-Zq8#kT2!secret"


# --------------------------------------------------------------------------- peers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        msg = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            user, pw = auth_data.login.decode(), auth_data.password.decode()
            self.logins.append((user, pw))
            return AuthResult(success=pw == PASSWORD, handled=False)
        return AuthResult(success=False, handled=False)


class SMTPServer:
    def __init__(self, port: int | None = None, auth: bool = False) -> None:
        self.port = port or free_port()
        self.inbox = Inbox()
        kwargs: dict[str, Any] = {}
        if auth:
            kwargs = {"authenticator": self.inbox.authenticate, "auth_require_tls": False}
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


class Webhook:
    """A local HTTP receiver collecting JSON POST bodies."""

    def __init__(self, status: int = 200) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = status
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                outer.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Webhook:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/hook"


def mailto(port: int, auth: str = "") -> str:
    return f"mailto://{auth}127.0.0.1:{port}?from=newsmon@example.org&to=desk@example.org&mode=insecure"


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    with SMTPServer() as server:
        yield server


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    with Webhook() as hook:
        yield hook


def seed_alerts(db: Any, profile: Any, clusters: int = 2, start: int = 1) -> list[int]:
    """Raise one NEW_EVENT per cluster, with a hostile title in the first."""
    raised = []
    for c in range(start, start + clusters):
        a = int(
            db["articles"]
            .insert(
                {
                    "url": f"https://outlet{c}.example/story-{c}",
                    "title": f"Guard <b>story</b> {c}",
                    "source": f"Outlet {c}",
                    "published": "2025-10-05T12:00:00+00:00",
                    "status": "relevant",
                }
            )
            .last_pk
        )
        ev = int(
            db["events"]
            .insert(
                {
                    "article_id": a,
                    "event_type": "COURT_RULING",
                    "actor": f"Judge <i>{c}</i>",
                    "action": "blocked",
                    "target": "the deployment",
                    "event_date": "2025-10-05",
                    "evidence": f"The judge blocked it ({c}).",
                    "evidence_start": 0,
                    "cluster_id": c,
                    "extractor_version": "t",
                }
            )
            .last_pk
        )
        raised += raise_alerts(db, profile, event_ids=[ev], new_cluster_ids=[c])
    return raised


def parts(msg: EmailMessage) -> tuple[str, str]:
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def undelivered(db: Any) -> int:
    return int(db.execute("SELECT count(*) FROM alerts WHERE delivered_at IS NULL").fetchone()[0])


# --------------------------------------------------------------------------- SMTP


def test_digest_mail_reaches_a_real_smtp_server(fresh_db, profile, smtp):  # type: ignore[no-untyped-def]
    ids = seed_alerts(fresh_db, profile)
    result = run_digest(fresh_db, profile, notify=[mailto(smtp.port)])
    assert result is not None and result.status == "delivered", result
    [msg] = smtp.inbox.messages
    assert msg["Subject"] == result.digest.title
    assert msg["Subject"].startswith("newsmon: 2 new alerts")
    assert smtp.inbox.envelopes == [("newsmon@example.org", ["desk@example.org"])]
    text, html = parts(msg)
    summaries = [fresh_db["alerts"].get(i)["summary"] for i in ids]
    for s in summaries:
        assert s in text  # plain text, as is
        assert s.replace("<", "&lt;").replace(">", "&gt;") in html  # escaped
    assert "<i>" not in html and "https://outlet1.example/story-1" in text
    assert 'href="https://outlet2.example/story-2"' in html
    assert undelivered(fresh_db) == 0
    [row] = fresh_db["deliveries"].rows
    assert row["status"] == "sent" and row["alert_count"] == 2
    # Sent once: the next digest has nothing to send.
    assert run_digest(fresh_db, profile, notify=[mailto(smtp.port)]) is None
    assert len(smtp.inbox.messages) == 1


def test_down_smtp_leaves_alerts_undelivered_then_delivers_once(fresh_db, profile):  # type: ignore[no-untyped-def]
    port = free_port()  # nothing listens here yet
    seed_alerts(fresh_db, profile)
    failed = run_digest(fresh_db, profile, notify=[mailto(port)])
    assert failed is not None and failed.status == "failed"
    assert failed.failed and failed.failed[0].error
    assert undelivered(fresh_db) == 2
    assert [r["status"] for r in fresh_db["deliveries"].rows] == ["failed"]

    with SMTPServer(port) as server:
        seed_alerts(fresh_db, profile, clusters=1, start=10)  # something new meanwhile
        ok = run_digest(fresh_db, profile, notify=[mailto(port)])
        assert ok is not None and ok.status == "delivered"
        assert len(ok.digest.alert_ids) == 3  # the retried two and the new one
        assert undelivered(fresh_db) == 0
        assert run_digest(fresh_db, profile, notify=[mailto(port)]) is None
        assert len(server.inbox.messages) == 1
        text, _ = parts(server.inbox.messages[0])
        assert text.count("blocked the deployment") == 3
    statuses = [r["status"] for r in fresh_db["deliveries"].rows]
    assert statuses == ["failed", "sent"]


def test_partial_failure_retries_only_the_failed_channel(fresh_db, profile, webhook):  # type: ignore[no-untyped-def]
    port = free_port()
    seed_alerts(fresh_db, profile)
    urls = [mailto(port), webhook.url]
    first = run_digest(fresh_db, profile, notify=urls)
    assert first is not None and first.status == "partial"
    assert len(webhook.bodies) == 1 and undelivered(fresh_db) == 2

    with SMTPServer(port) as server:
        second = run_digest(fresh_db, profile, notify=urls)
        assert second is not None and second.status == "delivered"
        assert len(server.inbox.messages) == 1
    assert len(webhook.bodies) == 1  # the webhook had them: never sent twice
    assert undelivered(fresh_db) == 0
    digest = fresh_db["digests"].get(second.digest_id)
    assert len(json.loads(digest["delivered_to"])) == 2


def test_smtp_login_with_password_from_the_environment(fresh_db, profile, monkeypatch, caplog):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
    seed_alerts(fresh_db, profile)
    caplog.set_level(logging.DEBUG)
    with SMTPServer(auth=True) as server:
        url = mailto(server.port, auth="newsmon:$TEST_SMTP_PASSWORD@")
        result = run_digest(fresh_db, profile, notify=[url])
        assert result is not None and result.status == "delivered", result.sends
        assert server.inbox.logins == [("newsmon", PASSWORD)]
        assert len(server.inbox.messages) == 1
    # The password reached the server and nothing else.
    dump = "\n".join(fresh_db.conn.iterdump())
    assert PASSWORD not in dump
    assert "newsmon:****@127.0.0.1" in dump
    assert PASSWORD not in caplog.text
    assert PASSWORD not in repr(result)
    assert PASSWORD not in result.digest.markdown + result.digest.html + result.digest.text


def test_wrong_password_failure_is_recorded_without_the_secret(
    fresh_db, profile, monkeypatch, caplog
):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "not-the-" + PASSWORD)
    seed_alerts(fresh_db, profile, clusters=1)
    caplog.set_level(logging.DEBUG)
    with SMTPServer(auth=True) as server:
        url = mailto(server.port, auth="newsmon:$TEST_SMTP_PASSWORD@")
        result = run_digest(fresh_db, profile, notify=[url])
        assert result is not None and result.status == "failed"
        assert server.inbox.messages == []
    dump = "\n".join(fresh_db.conn.iterdump())
    assert "not-the-" not in dump and "not-the-" not in caplog.text
    assert undelivered(fresh_db) == 1


# --------------------------------------------------------------------------- webhook


def test_json_webhook_gets_the_text_digest(fresh_db, profile, webhook):  # type: ignore[no-untyped-def]
    ids = seed_alerts(fresh_db, profile)
    result = run_digest(fresh_db, profile, notify=[webhook.url])
    assert result is not None and result.status == "delivered"
    [body] = webhook.bodies
    assert body["title"] == result.digest.title
    for i in ids:
        assert fresh_db["alerts"].get(i)["summary"] in body["message"]
    assert "<https://outlet1.example/story-1>" in body["message"]


def test_webhook_http_error_is_a_failed_send(fresh_db, profile):  # type: ignore[no-untyped-def]
    seed_alerts(fresh_db, profile, clusters=1)
    with Webhook(status=500) as hook:
        result = run_digest(fresh_db, profile, notify=[hook.url])
    assert result is not None and result.status == "failed"
    assert undelivered(fresh_db) == 1
    [row] = fresh_db["deliveries"].rows
    assert row["status"] == "failed" and row["error"]


def test_cli_delivers_via_env_and_fails_with_exit_1(db_path, profile, smtp):  # type: ignore[no-untyped-def]
    db = open_db(db_path)
    with db.atomic():
        seed_alerts(db, profile)
    db.close()
    dead = mailto(free_port())
    res = CliRunner().invoke(cli, ["digest", "--db", db_path], env={"NEWSMON_NOTIFY": dead})
    assert res.exit_code == 1 and "retries" in res.output
    env = {"NEWSMON_NOTIFY": f"{mailto(smtp.port)}, {mailto(smtp.port).replace('desk@', 'x@')}"}
    res = CliRunner().invoke(cli, ["digest", "--db", db_path], env=env)
    assert res.exit_code == 0, res.output
    assert res.output.count(": sent") == 2
    assert len(smtp.inbox.messages) == 2


# --------------------------------------------------------------------------- configuration


def test_split_urls_keeps_commas_inside_a_url() -> None:
    value = "mailto://h?to=a@x.org,b@x.org, json://h/p  tgram://t/c,json://z"
    assert split_urls(value) == [
        "mailto://h?to=a@x.org,b@x.org",
        "json://h/p",
        "tgram://t/c",
        "json://z",
    ]


def test_notify_precedence(profile) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    p = replace(profile, notify=("json://profile/x",))
    assert notify_templates(p, ["json://cli/x"], {"NEWSMON_NOTIFY": "json://env/x"}) == (
        ["json://cli/x"],
        "--notify",
    )
    assert notify_templates(p, None, {"NEWSMON_NOTIFY": "json://env/x"})[0] == ["json://env/x"]
    assert notify_templates(p, None, {})[0] == ["json://profile/x"]
    assert notify_templates(profile, None, {}) == ([], "none")


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("mailtos://user:hunter2pass@smtp.example.org?to=a@example.org", "hunter2pass"),
        ("json://127.0.0.1:9/hook?token=abc123tok", "abc123tok"),
        ("json://127.0.0.1:9/hook?+X-Api-Token=abc123tok", "abc123tok"),
        ("json://user:p%40ss%2Fword@127.0.0.1:9/hook", "p@ss/word"),
    ],
)
def test_redacted_channel_hides_secrets(url: str, secret: str) -> None:
    ch = make_channel(url, {})
    assert secret not in ch.redacted and ch.redacted.startswith(url.split(":")[0])
    assert secret not in repr(ch)
    assert ch.scrub(f"error talking to {url} with {secret}").count(secret) == 0


def test_env_values_are_secrets(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HOOK_TOKEN", "tok-very-secret-value")
    [ch] = resolve_channels(None, ["json://127.0.0.1:9/$HOOK_TOKEN/x"])
    assert "tok-very-secret-value" in ch.url
    assert "tok-very-secret-value" not in ch.redacted


def test_unset_variable_and_unknown_scheme() -> None:
    with pytest.raises(DeliveryError, match=r"\$NOPE_PW, which is not set") as err:
        make_channel("mailto://u:$NOPE_PW@h?to=a@b.org", {})
    assert err.value.redacted == "mailto://u:****@h?to=a@b.org"
    with pytest.raises(DeliveryError, match="does not understand") as err2:
        make_channel("madeup://user:hunter2@host", {})
    assert "hunter2" not in str(err2.value)


def test_mail_cc_bcc_and_reply_to_from_the_url(fresh_db, profile, smtp):  # type: ignore[no-untyped-def]
    seed_alerts(fresh_db, profile, clusters=1)
    url = mailto(smtp.port) + "&cc=boss@example.org&bcc=archive@example.org&reply=news@example.org"
    result = run_digest(fresh_db, profile, notify=[url])
    assert result is not None and result.status == "delivered", result.sends
    [msg] = smtp.inbox.messages
    assert msg["Cc"] == "boss@example.org" and msg["Reply-To"] == "news@example.org"
    assert "archive@example.org" not in str(msg)  # bcc: envelope only
    [(_, rcpts)] = smtp.inbox.envelopes
    assert sorted(rcpts) == ["archive@example.org", "boss@example.org", "desk@example.org"]


def test_mail_url_without_sender_explains_the_fix() -> None:
    with pytest.raises(DeliveryError, match=r"\?from=") as err:
        make_channel("mailto://u:hunter2@127.0.0.1:25?to=a@example.org&mode=insecure", {})
    assert "hunter2" not in str(err.value)
