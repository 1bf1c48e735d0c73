"""The ``newsmon`` command line: the entry floor, on top of ``flows`` and the core.

One function per command; user mistakes become ``click.ClickException`` with a sentence a
person can act on, never a traceback. This package is the only code that imports
``flows`` (the layers contract in pyproject.toml checks it), and it imports the flows
only inside the commands that run them, so ``newsmon --help`` never loads Prefect.

    newsmon run       this module             newsmon digest   cli.digest
    newsmon demo      cli.demo                newsmon serve    cli.deployments
    newsmon browse    cli.browse              newsmon topic    cli.topic
    newsmon anchors   cli.anchors
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import click

from cli.options import monitor_options
from newsmon import __version__
from newsmon.db import DEFAULT_DB, open_db
from newsmon.errors import ProfileError, StoreError
from newsmon.pipeline import format_counts
from newsmon.profile import TopicProfile, load_profile


@click.group()
@click.version_option(__version__, prog_name="newsmon")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.pass_context
def cli(ctx: click.Context, verbose: int) -> None:
    """newsmon: follow one news story across many outlets, in one SQLite file."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = {"verbose": verbose}


_VERBOSE_HELP = (
    "On a terminal, also show Prefect's log line for every task (by default: progress "
    "per stage, warnings and the summary)."
)


def _display(verbose: bool) -> Callable[[str], AbstractContextManager[object]]:
    """A progress display per run on a terminal; off a terminal, the plain log lines."""
    from newsmon.progress import terminal_display

    ctx = click.get_current_context(silent=True)
    group_verbose = bool(ctx and ctx.obj and ctx.obj.get("verbose"))
    return terminal_display(verbose=verbose or group_verbose)


def _load_profile_or_fail(topic: str | None) -> TopicProfile:
    try:
        return load_profile(topic)
    except ProfileError as exc:
        raise click.ClickException(str(exc)) from None


def _check_db_or_fail(db: str) -> None:
    try:
        open_db(db).close()
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@monitor_options
@click.option("-v", "--verbose", is_flag=True, help=_VERBOSE_HELP)
@click.option(
    "--dask",
    is_flag=True,
    help="Clean and extract on a Dask cluster: a local one unless --dask-address "
    "(needs the dask extra: pip install '.[dask]').",
)
@click.option(
    "--dask-address",
    default=None,
    metavar="ADDRESS",
    help="The scheduler of an existing Dask cluster, e.g. tcp://scheduler:8786 (implies --dask).",
)
@click.option(
    "--dask-workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Worker processes of the local Dask cluster.",
)
def run(
    topic: str | None,
    db: str,
    feeds: tuple[str, ...],
    allow_private_hosts: bool,
    per_host_delay: float | None,
    verbose: bool,
    dask: bool,
    dask_address: str | None,
    dask_workers: int,
) -> None:
    """Run the monitor once: poll feeds, fetch new articles, store events and alerts.

    Exit status 0 when the run completed, even if some feeds or pages failed (they are
    recorded in the failures table and retried next run). On a terminal it shows its
    progress per stage; otherwise it writes plain log lines. With --dask the same
    stages run with cleaning and event extraction on a Dask cluster (the
    process-on-dask flow; docs/operations.md says when that pays off).

    Example:

        newsmon run --db data/newsmon.db --feed https://example.org/rss.xml
    """
    _load_profile_or_fail(topic)
    _check_db_or_fail(db)
    parameters: dict[str, Any] = dict(
        topic=topic,
        db=db,
        feeds=list(feeds) or None,
        allow_private_hosts=allow_private_hosts,
        per_host_delay=per_host_delay,
    )
    # Prefect sets up its logging when it is first imported: before the display
    # takes the console over, so that the display can hold Prefect's lines back.
    if dask or dask_address:
        try:
            from flows.dask_runner import run_on_dask
        except ImportError as exc:
            raise click.ClickException(
                f"--dask needs the dask extra ({exc}): pip install '.[dask]'"
            ) from None
        flow: Callable[..., dict[str, Any]] = functools.partial(
            run_on_dask, address=dask_address, n_workers=dask_workers
        )
    else:
        from flows.monitor import monitor as flow
    with _display(verbose)(f"newsmon run: {db}"):
        result = flow(**parameters)
    if result["status"] == "skipped":  # another run holds the database's run lock
        click.echo(str(result["summary"]))
        return
    click.echo(format_counts(result))


@cli.command()
@click.option(
    "--db",
    default=str(DEFAULT_DB),
    show_default=True,
    help="Where to write the demo database (replaced if it holds a previous demo).",
)
@click.option("--keep-serving", is_flag=True, help="Keep the fake news site up until Ctrl-C.")
@click.option("-v", "--verbose", is_flag=True, help=_VERBOSE_HELP)
def demo(db: str, keep_serving: bool, verbose: bool) -> None:
    """The whole pipeline offline, on a bundled fake news site.

    Serves several fake outlets on 127.0.0.1, runs the monitor, publishes more
    articles (follow-ups, syndicated copies, a rewritten story), runs again, writes a
    digest, and prints how to open the result in Datasette.

    Example:

        newsmon demo && datasette data/newsmon.db -m data/metadata.yml
    """
    from cli.demo import DemoError, run_demo

    try:
        run_demo(db, echo=click.echo, keep_serving=keep_serving, display=_display(verbose))
    except (DemoError, StoreError, ProfileError) as exc:
        raise click.ClickException(str(exc)) from None


# Commands defined in other modules register here, one line each.
from cli.anchors import anchors_command  # noqa: E402
from cli.browse import browse_command  # noqa: E402
from cli.deployments import serve_command  # noqa: E402
from cli.digest import digest_command  # noqa: E402
from cli.topic import topic_command  # noqa: E402

cli.add_command(browse_command, "browse")
cli.add_command(digest_command, "digest")
cli.add_command(serve_command, "serve")
cli.add_command(topic_command, "topic")
cli.add_command(anchors_command, "anchors")
