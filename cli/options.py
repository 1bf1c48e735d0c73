"""Command-line options shared by the commands that run the monitor (run, serve)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from newsmon.db import DEFAULT_DB

F = TypeVar("F", bound=Callable[..., Any])


def monitor_options(fn: F) -> F:
    """--topic, --db, --feed, --allow-private-hosts, --per-host-delay."""
    options = [
        click.option(
            "--topic",
            type=click.Path(dir_okay=False),
            default=None,
            help="Topic profile (TOML). Default: the bundled Chicago 2025 profile.",
        ),
        click.option(
            "--db", default=str(DEFAULT_DB), show_default=True, help="SQLite database file."
        ),
        click.option(
            "--feed",
            "feeds",
            multiple=True,
            help="Poll this feed instead of the profile's (repeatable).",
        ),
        click.option(
            "--allow-private-hosts",
            is_flag=True,
            help="Allow feeds and pages on private, loopback and link-local addresses.",
        ),
        click.option(
            "--per-host-delay",
            type=float,
            default=None,
            help="Seconds between two requests to one host (default: the profile's).",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn
