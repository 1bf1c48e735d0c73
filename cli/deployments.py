"""``newsmon serve``: the Prefect deployments of one topic, served in one process.

This is the one-command alternative to ``prefect deploy --all`` + ``prefect worker start``
(see ``prefect.yaml`` and ``docs/operations.md``). It registers, for one topic:

- ``monitor/<topic>``: the monitor on a cron (default every 15 minutes) or an interval,
  concurrency limit 1 with ``CANCEL_NEW`` (a run that would overlap a running one is
  cancelled: two runs never write one SQLite file at once);
- ``digest/<topic>``: the digest, daily at 07:00 in the topic's timezone;
- ``urgent-digest/<topic>``: the urgent digest, triggered by each completed monitor run,

then serves them with :func:`prefect.serve` until Ctrl-C (or SIGTERM), which stops it
cleanly and pauses the schedules. Scheduling needs a real Prefect server: start one with
``prefect server start`` and point ``PREFECT_API_URL`` at it.

Paths given here are made absolute before they become deployment parameters, so the
runs (separate processes) write the same file whatever folder they start in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click
import httpx

import flows  # noqa: F401  (Prefect privacy/start-up defaults, before Prefect loads)
from cli.options import monitor_options
from newsmon.errors import NewsmonError, ProfileError
from newsmon.profile import topic_slug

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

LOGGER = logging.getLogger(__name__)

DEFAULT_MONITOR_CRON = "*/15 * * * *"
DEFAULT_DIGEST_CRON = "0 7 * * *"
MONITOR_TAG_PREFIX = "newsmon-monitor"


class ServeError(NewsmonError):
    """``newsmon serve`` cannot start: no Prefect server configured or reachable."""


@dataclass(frozen=True)
class ServePlan:
    """What ``newsmon serve`` will register: plain values, testable without Prefect."""

    topic_id: str
    topic: str | None
    db: str
    feeds: tuple[str, ...]
    allow_private_hosts: bool
    per_host_delay: float | None
    monitor_cron: str | None
    monitor_interval: float | None
    digest_cron: str | None
    timezone: str

    @property
    def name(self) -> str:
        """The deployments' name: the topic id, so one server can serve many topics."""
        return topic_slug(self.topic_id)

    @property
    def monitor_tag(self) -> str:
        return f"{MONITOR_TAG_PREFIX}-{self.name}"

    def monitor_parameters(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "db": self.db,
            "feeds": list(self.feeds) or None,
            "allow_private_hosts": self.allow_private_hosts,
            "per_host_delay": self.per_host_delay,
        }

    def digest_parameters(self) -> dict[str, Any]:
        return {"db": self.db, "topic": self.topic}


def api_url() -> str | None:
    """The configured Prefect API URL (environment or Prefect profile), if any."""
    from prefect.settings import Settings

    value = Settings().api.url  # read now: the environment and the active Prefect profile
    return str(value).rstrip("/") if value else None


def check_server(url: str | None, *, timeout: float = 10.0) -> str:
    """Return ``url`` when a Prefect server answers at ``<url>/health``; else ServeError."""
    if not url:
        raise ServeError(
            "newsmon serve needs a Prefect server, and PREFECT_API_URL is not set. "
            "Start one in another terminal with `prefect server start`, then "
            "`export PREFECT_API_URL=http://127.0.0.1:4200/api` (or "
            "`prefect config set PREFECT_API_URL=http://127.0.0.1:4200/api`) and try again."
        )
    try:
        response = httpx.get(f"{url}/health", timeout=timeout)
    except httpx.HTTPError as exc:
        raise ServeError(
            f"cannot reach the Prefect server at {url} ({type(exc).__name__}: {exc}). "
            "Is `prefect server start` running, and does PREFECT_API_URL point at it?"
        ) from None
    if response.status_code != 200:
        raise ServeError(
            f"the Prefect server at {url} answered /health with HTTP {response.status_code}; "
            "check PREFECT_API_URL (it ends in /api) and the server's log."
        )
    return url


def make_plan(
    *,
    topic: str | None,
    db: str,
    feeds: tuple[str, ...] = (),
    allow_private_hosts: bool = False,
    per_host_delay: float | None = None,
    cron: str | None = None,
    interval: float | None = None,
    digest_cron: str | None = DEFAULT_DIGEST_CRON,
    timezone: str | None = None,
) -> ServePlan:
    """Validate the options and load the profile (ProfileError when it is bad)."""
    from newsmon.profile import load_profile

    if cron and interval:
        raise ServeError("give --cron or --interval for the monitor, not both")
    if interval is not None and interval <= 0:
        raise ServeError("--interval must be a positive number of seconds")
    topic_path = str(Path(topic).expanduser().resolve()) if topic else None
    profile = load_profile(topic_path)
    tz = timezone or profile.timezone or "UTC"
    _check_timezone(tz)
    for option, expr in (("--cron", cron), ("--digest-cron", digest_cron)):
        if expr:
            _check_cron(option, expr)
    return ServePlan(
        topic_id=profile.id,
        topic=topic_path,
        db=str(Path(db).expanduser().resolve()),
        feeds=tuple(feeds),
        allow_private_hosts=allow_private_hosts,
        per_host_delay=per_host_delay,
        monitor_cron=None if interval else (cron or DEFAULT_MONITOR_CRON),
        monitor_interval=interval,
        digest_cron=digest_cron or None,
        timezone=tz,
    )


def _check_timezone(tz: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ServeError(
            f"unknown timezone {tz!r}: use an IANA name such as America/Chicago or UTC"
        ) from None


def _check_cron(option: str, expr: str) -> None:
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=expr)
    except ValueError:  # pydantic's ValidationError is a ValueError
        raise ServeError(
            f"{option} {expr!r} is not a cron expression (e.g. '*/15 * * * *')"
        ) from None


def build_deployments(plan: ServePlan) -> list[RunnerDeployment]:
    """The runner deployments for ``plan`` (monitor, and the digests unless disabled)."""
    from prefect.client.schemas.objects import (
        ConcurrencyLimitConfig,
        ConcurrencyLimitStrategy,
    )
    from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule
    from prefect.events import DeploymentEventTrigger
    from prefect.types.entrypoint import EntrypointType

    from flows.digest import digest, urgent_digest
    from flows.monitor import monitor

    if plan.monitor_interval:
        schedule: CronSchedule | IntervalSchedule = IntervalSchedule(
            interval=timedelta(seconds=plan.monitor_interval), timezone=plan.timezone
        )
    else:
        assert plan.monitor_cron
        schedule = CronSchedule(cron=plan.monitor_cron, timezone=plan.timezone)
    # Module paths, not file paths: the runs import the installed `flows` package, so
    # `newsmon serve` works from any folder.
    module = EntrypointType.MODULE_PATH
    deployments = [
        monitor.to_deployment(
            name=plan.name,
            schedules=[schedule],
            parameters=plan.monitor_parameters(),
            concurrency_limit=ConcurrencyLimitConfig(
                limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
            ),
            tags=["newsmon", plan.monitor_tag],
            description=f"newsmon monitor for {plan.topic_id} into {plan.db} (newsmon serve)",
            entrypoint_type=module,
        )
    ]
    if plan.digest_cron:
        queued = ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE
        )
        deployments.append(
            digest.to_deployment(
                name=plan.name,
                schedules=[CronSchedule(cron=plan.digest_cron, timezone=plan.timezone)],
                parameters=plan.digest_parameters(),
                concurrency_limit=queued,
                tags=["newsmon", "digest"],
                description=f"newsmon daily digest for {plan.topic_id} (newsmon serve)",
                entrypoint_type=module,
            )
        )
        trigger = DeploymentEventTrigger(
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related={
                "prefect.resource.id": f"prefect.tag.{plan.monitor_tag}",
                "prefect.resource.role": "tag",
            },
            expect={"prefect.flow-run.Completed"},
            parameters=plan.digest_parameters(),
        )
        deployments.append(
            urgent_digest.to_deployment(
                name=plan.name,
                triggers=[trigger],
                parameters=plan.digest_parameters(),
                concurrency_limit=queued,
                tags=["newsmon", "digest"],
                description=f"newsmon urgent digest for {plan.topic_id}, after each monitor run",
                entrypoint_type=module,
            )
        )
    # to_deployment is sync-compatible: called from sync code it returns the object.
    return [cast("RunnerDeployment", d) for d in deployments]


def serve_plan(plan: ServePlan) -> None:
    """Register the deployments and serve them until Ctrl-C or SIGTERM.

    ``prefect.serve`` handles both: Ctrl-C (KeyboardInterrupt) and SIGTERM (its runner's
    own handler) stop polling, let the runner kill the runs it started, and pause the
    schedules so no runs pile up while nothing serves them.
    """
    from prefect import serve

    serve(*build_deployments(plan), pause_on_shutdown=True, print_starting_message=True)


@click.command("serve")
@monitor_options
@click.option(
    "--cron",
    default=None,
    help=f"When the monitor runs (cron). Default: {DEFAULT_MONITOR_CRON!r}, every 15 minutes.",
)
@click.option(
    "--interval", type=float, default=None, help="Run the monitor every N seconds instead."
)
@click.option(
    "--digest-cron",
    default=DEFAULT_DIGEST_CRON,
    show_default=True,
    help="When the daily digest is sent (cron).",
)
@click.option("--no-digest", is_flag=True, help="Serve the monitor only, no digests.")
@click.option(
    "--timezone",
    default=None,
    help="IANA timezone of the schedules. Default: the topic profile's.",
)
def serve_command(
    topic: str | None,
    db: str,
    feeds: tuple[str, ...],
    allow_private_hosts: bool,
    per_host_delay: float | None,
    cron: str | None,
    interval: float | None,
    digest_cron: str,
    no_digest: bool,
    timezone: str | None,
) -> None:
    """Run the monitor and digest schedules against a Prefect server until Ctrl-C.

    Needs a running `prefect server start` and PREFECT_API_URL pointing at it. Registers
    monitor/<topic> (every 15 minutes; a run never overlaps another), digest/<topic>
    (daily at 07:00 in the topic's timezone) and urgent-digest/<topic> (after each
    monitor run), then runs them as they come due. Ctrl-C stops it and pauses the
    schedules; start it again to resume.

    Example:

    \b
        prefect server start &
        export PREFECT_API_URL=http://127.0.0.1:4200/api
        newsmon serve --db data/newsmon.db --interval 600
    """
    try:
        plan = make_plan(
            topic=topic,
            db=db,
            feeds=feeds,
            allow_private_hosts=allow_private_hosts,
            per_host_delay=per_host_delay,
            cron=cron,
            interval=interval,
            digest_cron=None if no_digest else digest_cron,
            timezone=timezone,
        )
        _check_db(plan.db)
        url = check_server(api_url())
    except (ServeError, ProfileError) as exc:
        raise click.ClickException(str(exc)) from None
    schedule = f"every {plan.monitor_interval:g} s" if plan.monitor_interval else plan.monitor_cron
    click.echo(
        f"newsmon serve: topic {plan.topic_id}, database {plan.db}, Prefect API {url}\n"
        f"  monitor/{plan.name}: {schedule} ({plan.timezone})"
        + (
            f"\n  digest/{plan.name}: {plan.digest_cron} ({plan.timezone})"
            f"\n  urgent-digest/{plan.name}: after each monitor run"
            if plan.digest_cron
            else ""
        )
        + "\nCtrl-C stops."
    )
    stopped = "newsmon serve: stopped; schedules paused (start it again to resume)."
    try:
        serve_plan(plan)
    except SystemExit:  # SIGTERM: Prefect's runner exits once the schedules are paused
        click.echo(stopped)
        raise
    click.echo(stopped)


def _check_db(db: str) -> None:
    from newsmon.db import open_db
    from newsmon.errors import StoreError

    try:
        open_db(db).close()
    except StoreError as exc:
        raise ServeError(str(exc)) from None
