"""The ``newsmon`` command line. One function per command; user mistakes become
``click.ClickException`` with a sentence a person can act on, never a traceback."""

from __future__ import annotations

import logging

import click

from newsmon import __version__


@click.group()
@click.version_option(__version__, prog_name="newsmon")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """newsmon: follow one news story across many outlets, in one SQLite file."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


# Commands defined in other modules register here, one line each.
