"""The command line: every command documented, user mistakes as clear errors, and
`newsmon run` end to end against the fake site."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from cli import cli

ROOT = Path(__file__).resolve().parent.parent


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert set(cli.commands) >= {"run", "demo", "digest", "browse", "serve"}
    for name, command in cli.commands.items():
        assert f"`newsmon {name}" in readme, f"newsmon {name} is not in the README"
        assert command.help and "Example" in command.help, f"newsmon {name} has no example"


def test_help_and_version() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0 and "run" in result.output and "demo" in result.output
    assert CliRunner().invoke(cli, ["--version"]).output.startswith("newsmon, version ")


def test_a_bad_profile_is_a_sentence_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[topic]\nid = 'x'\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "--topic", str(bad), "--db", str(tmp_path / "x.db")])
    assert result.exit_code != 0
    assert "at least one theme" in result.output and "Traceback" not in result.output
    missing = CliRunner().invoke(cli, ["run", "--topic", str(tmp_path / "none.toml")])
    assert missing.exit_code != 0 and "file not found" in missing.output


def test_an_unwritable_database_is_refused_before_anything_runs(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "--db", str(blocker / "newsmon.db")])
    assert result.exit_code != 0
    assert "cannot create the folder for the database" in result.output
    assert "Traceback" not in result.output


def test_demo_never_overwrites_a_real_database(tmp_path: Path) -> None:
    from newsmon.db import open_db

    real = tmp_path / "newsmon.db"
    db = open_db(real)
    db.table("articles").insert({"url": "https://example.org/a", "status": "relevant"})
    db.close()
    result = CliRunner().invoke(cli, ["demo", "--db", str(real)])
    assert result.exit_code != 0 and "will not overwrite" in result.output
    assert sqlite_utils.Database(real)["articles"].count == 1


@pytest.mark.slow
def test_run_prints_the_summary_and_writes_the_database(prefect_harness, tmp_path: Path) -> None:
    from demo_site.server import DemoSite

    db = tmp_path / "cli.db"
    with DemoSite(phase=1) as site:
        args = ["run", "--db", str(db), "--allow-private-hosts", "--per-host-delay", "0"]
        for feed in site.feed_urls()[:2]:
            args += ["--feed", feed]
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    for label in ("feeds polled", "new articles", "duplicates", "off-topic", "events", "alerts"):
        assert label in result.output
    stored = sqlite_utils.Database(db)
    assert stored.execute("select count(*) from articles where status != 'seed'").fetchone()[0]
    assert stored.execute("select status from runs").fetchone()[0] == "completed"


def test_private_hosts_are_refused_unless_allowed(prefect_harness, tmp_path: Path) -> None:
    from demo_site.server import DemoSite

    db = tmp_path / "ssrf.db"
    with DemoSite(phase=1) as site:
        feed = site.feed_urls()[0]
        result = CliRunner().invoke(
            cli, ["run", "--db", str(db), "--feed", feed, "--per-host-delay", "0"]
        )
        assert site.request_log() == []  # nothing was even asked of the loopback site
    assert result.exit_code == 0, result.output  # the run completed; the feed failed
    row = sqlite_utils.Database(db).execute("select error from failures").fetchone()
    assert row is not None and "127.0.0.1" in row[0]
