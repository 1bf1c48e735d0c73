"""How far a run is, for a person watching it.

The stages report what they do through :func:`start`, :func:`advance` and :func:`note`
(from any thread). By default nobody listens. On a terminal, the CLI shows them with
:func:`terminal_display`: one line per stage with its count ("pages fetched 120/500")
drawn with ``rich``, while Prefect's per-task log lines stay out (``--verbose`` lets them
in) and warnings print above the lines. Off a terminal (a pipe, a log file, cron) nothing
changes: no display, the plain log lines as before.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, Protocol, TextIO


class Reporter(Protocol):
    def start(self, stage: str, total: int | None, description: str) -> None: ...

    def advance(self, stage: str, n: int) -> None: ...

    def note(self, stage: str, text: str) -> None: ...


_reporter: Reporter | None = None
_lock = threading.Lock()


def start(stage: str, total: int | None, description: str) -> None:
    """A stage begins: ``total`` steps (None: unknown), shown as ``description``."""
    reporter = _reporter
    if reporter is not None:
        reporter.start(stage, total, description)


def advance(stage: str, n: int = 1) -> None:
    """``n`` more steps of ``stage`` are done."""
    reporter = _reporter
    if reporter is not None:
        reporter.advance(stage, n)


def note(stage: str, text: str) -> None:
    """A line of its own that says what a stage found (no count)."""
    reporter = _reporter
    if reporter is not None:
        reporter.note(stage, text)


@contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    """Send the stages' reports to ``reporter`` while the block runs."""
    global _reporter
    with _lock:
        previous, _reporter = _reporter, reporter
    try:
        yield reporter
    finally:
        with _lock:
            _reporter = previous


# ----------------------------------------------------------------------------- terminal


def is_terminal(stream: TextIO | None = None) -> bool:
    stream = stream if stream is not None else sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _ConsoleLog(logging.Handler):
    """Log records printed through the display's console, above its lines."""

    def __init__(self, console: Any, level: int, formatter: logging.Formatter | None) -> None:
        super().__init__(level)
        self.console = console
        self.setFormatter(formatter or logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.console.print(self.format(record), markup=False, highlight=False, soft_wrap=True)
        except Exception:
            self.handleError(record)


def _console_handlers(root: logging.Logger) -> list[logging.Handler]:
    """The root logger's handlers that write to the terminal (Prefect's console handler
    among them): they would draw over the display."""
    return [
        h
        for h in root.handlers
        if isinstance(h, logging.StreamHandler)
        and getattr(h, "stream", None) in (sys.stderr, sys.stdout, sys.__stderr__, sys.__stdout__)
    ]


class _QuietPrefect(logging.Filter):
    """Drops Prefect's INFO lines (per task, server start and stop) from a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or not record.name.startswith("prefect")


_QUIET_PREFECT = _QuietPrefect()


def _counted_columns() -> tuple[Any, ...]:
    """The bar and the "done/total" count, left empty on a note's line."""
    from rich.progress import BarColumn, MofNCompleteColumn, Task
    from rich.text import Text

    class Bar(BarColumn):
        def render(self, task: Task) -> Any:
            return Text("") if task.fields.get("note") else super().render(task)

        def __init__(self) -> None:
            super().__init__(bar_width=24)

    class Count(MofNCompleteColumn):
        def render(self, task: Task) -> Text:
            return Text("") if task.fields.get("note") else super().render(task)

    return Bar(), Count()


class TerminalProgress:
    """The stages as lines of a ``rich`` progress display on ``stream`` (stderr)."""

    def __init__(self, title: str, *, verbose: bool = False, stream: TextIO | None = None) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.title = title
        self.verbose = verbose
        self.console = Console(file=stream if stream is not None else sys.stderr)
        self.progress = Progress(
            SpinnerColumn(finished_text="[green]✓[/]"),
            TextColumn("{task.description}"),
            *_counted_columns(),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self._tasks: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._moved: list[logging.Handler] = []
        self._ours: _ConsoleLog | None = None

    # -- Reporter
    def start(self, stage: str, total: int | None, description: str) -> None:
        with self._lock:
            self._finish("_starting")
            task = self._tasks.get(stage)
            if task is None:
                self._tasks[stage] = self.progress.add_task(description, total=total)
            else:
                self.progress.update(task, description=description, total=total, completed=0)
            if total == 0:
                self.progress.update(self._tasks[stage], total=1, completed=1)

    def advance(self, stage: str, n: int) -> None:
        with self._lock:
            task = self._tasks.get(stage)
            if task is not None:
                self.progress.advance(task, n)

    def note(self, stage: str, text: str) -> None:
        with self._lock:
            task = self._tasks.get(stage)
            if task is None:
                task = self._tasks[stage] = self.progress.add_task(text, total=1, note=True)
            self.progress.update(task, description=text, total=1, completed=1)

    def _finish(self, stage: str) -> None:
        task = self._tasks.get(stage)
        if task is not None:
            self.progress.update(task, total=1, completed=1)

    # -- display
    def __enter__(self) -> TerminalProgress:
        root = logging.getLogger()
        formatter = next((h.formatter for h in _console_handlers(root) if h.formatter), None)
        self._moved = _console_handlers(root)
        for handler in self._moved:
            root.removeHandler(handler)
        # Warnings and errors always; Prefect's per-task lines (INFO) only when verbose.
        self._ours = _ConsoleLog(
            self.console, logging.NOTSET if self.verbose else logging.WARNING, formatter
        )
        root.addHandler(self._ours)
        self.console.print(f"[bold]{self.title}[/]")
        self.progress.start()
        self._tasks["_starting"] = self.progress.add_task(
            "starting the run (Prefect's local API)", total=None, note=True
        )
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._finish("_starting")
        self.progress.stop()
        root = logging.getLogger()
        if self._ours is not None:
            root.removeHandler(self._ours)
        for handler in self._moved:
            if not self.verbose:
                # For the rest of the process too: Prefect's lines as it shuts down.
                handler.addFilter(_QUIET_PREFECT)
            root.addHandler(handler)


def terminal_display(
    *, verbose: bool = False, stream: TextIO | None = None
) -> Callable[[str], AbstractContextManager[object]]:
    """For the CLI: a function that wraps one run (``with display("Run 1"): ...``) in a
    progress display when ``stream`` (stderr) is a terminal, and in nothing otherwise."""
    stream = stream if stream is not None else sys.stderr
    if not is_terminal(stream):
        return lambda _title: nullcontext()

    @contextmanager
    def display(title: str) -> Iterator[object]:
        with (
            TerminalProgress(title, verbose=verbose, stream=stream) as shown,
            reporting(shown),
        ):
            yield shown

    return display
