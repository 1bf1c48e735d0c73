"""Progress a person can read: per-stage lines on a terminal, plain logs in a pipe.

The flow's reports are checked in-process against the fake news site; the display is
checked by running the real ``newsmon`` command in a pseudo-terminal and in a pipe.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from newsmon import progress

ROOT = Path(__file__).resolve().parent.parent
NEWSMON = str(Path(sys.executable).with_name("newsmon"))
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PREFECT_TASK_LINE = "Finished in state"


class Recorder:
    """A reporter that keeps what the stages said."""

    def __init__(self) -> None:
        self.totals: dict[str, int | None] = {}
        self.done: dict[str, int] = {}
        self.notes: dict[str, str] = {}

    def start(self, stage: str, total: int | None, description: str) -> None:
        self.totals[stage] = total
        self.done[stage] = 0

    def advance(self, stage: str, n: int) -> None:
        self.done[stage] = self.done.get(stage, 0) + n

    def note(self, stage: str, text: str) -> None:
        self.notes[stage] = text


def test_no_listener_no_cost() -> None:
    progress.start("pages", 3, "pages fetched")  # nobody listens: nothing happens
    progress.advance("pages")
    recorder = Recorder()
    with progress.reporting(recorder):
        progress.start("pages", 3, "pages fetched")
        progress.advance("pages", 2)
    progress.advance("pages")  # after the block: not recorded
    assert recorder.totals == {"pages": 3} and recorder.done == {"pages": 2}


@pytest.mark.slow
def test_the_monitor_reports_each_stage(prefect_harness, tmp_path, demo_site) -> None:
    from flows.monitor import monitor

    recorder = Recorder()
    feeds = demo_site.feed_urls()  # type: ignore[attr-defined]
    with progress.reporting(recorder):
        result = monitor(
            db=str(tmp_path / "p.db"), feeds=feeds, allow_private_hosts=True, per_host_delay=0.0
        )
    pages = result["new_articles"] + result["errors"]
    assert recorder.totals["feeds"] == recorder.done["feeds"] == len(feeds)
    assert recorder.totals["pages"] == recorder.done["pages"] == pages > 0
    assert recorder.totals["stored"] == recorder.done["stored"] == pages
    assert recorder.done["prepare"] == 1
    skipped = result["skipped_off_topic"]
    assert f"{result['items_seen']} seen" in recorder.notes["items"]
    assert f"{skipped} new off-topic not fetched" in recorder.notes["items"] and skipped > 0


# ----------------------------------------------------------------------------- the CLI


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(
        TERM="xterm-256color",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_LOGGING_LEVEL="INFO",
    )
    return env


def in_pty(args: list[str], timeout: float = 600) -> str:
    """Run ``args`` with stdin, stdout and stderr on a pseudo-terminal; what it showed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
    proc = subprocess.Popen(
        args, stdin=slave, stdout=slave, stderr=slave, env=_env(), cwd=ROOT, close_fds=True
    )
    os.close(slave)
    out = bytearray()
    try:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other end is closed
                break
            if not chunk:
                break
            out += chunk
        assert proc.wait(timeout=timeout) == 0, out.decode(errors="replace")[-3000:]
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    return out.decode("utf-8", errors="replace")


def final_lines(screen: str) -> list[str]:
    """The text a person sees at the end: escape codes removed, each line as last drawn."""
    text = ANSI.sub("", screen)
    return [line.split("\r")[-1] or line.replace("\r", "") for line in text.split("\n")]


def _run_args(db: Path, feeds: list[str]) -> list[str]:
    args = [NEWSMON, "run", "--db", str(db), "--allow-private-hosts", "--per-host-delay", "0"]
    for url in feeds:
        args += ["--feed", url]
    return args


@pytest.mark.slow
def test_a_terminal_run_shows_progress_per_stage_and_no_task_lines(tmp_path, demo_site) -> None:
    feeds = demo_site.feed_urls()  # type: ignore[attr-defined]
    screen = in_pty(_run_args(tmp_path / "t.db", feeds))
    lines = [line.strip() for line in final_lines(screen)]
    n = len(feeds)
    assert any(re.search(rf"feeds polled .* {n}/{n}\b", line) for line in lines), lines
    fetched = [line for line in lines if line.startswith("✓ pages fetched")]
    assert fetched and re.search(r" (\d+)/\1\b", fetched[-1]), fetched
    assert any(re.search(r"feed items: \d+ seen, \d+ to fetch, [1-9]\d* new off", x) for x in lines)
    assert any(line.startswith("✓ pages cleaned, scored and stored") for line in lines)
    assert PREFECT_TASK_LINE not in screen and "Starting temporary server" not in screen
    assert any(re.match(r"run \d+ \(chicago-immigration-2025\): completed", x) for x in lines)


@pytest.mark.slow
def test_a_piped_run_writes_plain_log_lines(tmp_path, demo_site) -> None:
    feeds = demo_site.feed_urls()  # type: ignore[attr-defined]
    out = subprocess.run(
        _run_args(tmp_path / "p.db", feeds),
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "\x1b[" not in out.stdout + out.stderr  # no display, no escape codes
    assert "pages fetched" not in out.stdout + out.stderr
    assert PREFECT_TASK_LINE in out.stderr  # Prefect's lines, as ever
    assert re.search(r"run \d+ \(chicago-immigration-2025\): completed", out.stdout)
    assert "off-topic, not fetched" in out.stdout


@pytest.mark.slow
def test_the_demo_in_a_terminal_shows_both_runs_and_verbose_lets_task_lines_in(
    tmp_path,
) -> None:
    screen = in_pty([NEWSMON, "demo", "--db", str(tmp_path / "demo.db"), "--verbose"])
    lines = [line.strip() for line in final_lines(screen)]
    for title in ("Run 1", "Run 2"):
        assert title in lines, lines
    assert sum(line.startswith("✓ pages fetched") for line in lines) >= 2
    assert PREFECT_TASK_LINE in screen  # --verbose
    assert any(line.startswith("newsmon browse --db") for line in lines)
