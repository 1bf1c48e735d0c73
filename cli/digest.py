"""``newsmon digest``: render the digest of undelivered alerts and deliver it (the work
is :func:`newsmon.digest.run_digest`; the scheduled flows are in ``flows.digest``)."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from newsmon.alerts import urgent_kinds
from newsmon.db import DEFAULT_DB, open_db
from newsmon.delivery import DeliveryError, resolve_channels
from newsmon.digest import run_digest
from newsmon.errors import NewsmonError, ProfileError, StoreError
from newsmon.profile import load_profile


def _iso(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date or time "
            "(e.g. 2025-10-01 or 2025-10-01T07:00:00+00:00)"
        ) from None
    # Alerts are stamped in UTC; a time without an offset is taken as UTC.
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return when.replace(microsecond=0).isoformat()


@click.command()
@click.option("--db", default=str(DEFAULT_DB), show_default=True, help="SQLite database file.")
@click.option(
    "--topic",
    type=click.Path(dir_okay=False),
    default=None,
    help="Topic profile (TOML). Default: the bundled Chicago 2025 profile.",
)
@click.option("--since", default=None, help="Only alerts raised at or after this ISO 8601 time.")
@click.option(
    "--out",
    "out",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Write the digest here; the suffix picks the format (.md, .html, .txt). Repeatable.",
)
@click.option(
    "--notify",
    multiple=True,
    metavar="URL",
    help="Apprise URL to deliver to (repeatable; $VARS expanded). "
    "Replaces NEWSMON_NOTIFY and the profile's.",
)
@click.option("--dry-run", is_flag=True, help="Render and print; send nothing, mark nothing.")
@click.option("--urgent", is_flag=True, help="Only alerts of the profile's [digest] urgent_kinds.")
def digest_command(
    db: str,
    topic: str | None,
    since: str | None,
    out: tuple[str, ...],
    notify: tuple[str, ...],
    dry_run: bool,
    urgent: bool,
) -> None:
    """Render the digest of undelivered alerts and deliver it.

    Delivery goes to the Apprise URLs of --notify, else of the NEWSMON_NOTIFY
    environment variable, else of the profile's [digest] notify. A channel that fails
    keeps its alerts undelivered; the next digest retries them (exit status 1).

    Example:

    \b
        NEWSMON_NOTIFY='mailtos://$SMTP_USER:$SMTP_PASSWORD@smtp.example.org?to=desk@example.org' \\
        newsmon digest --db data/newsmon.db --out digest.md --out digest.html
    """
    since_iso = _iso(since)
    try:
        profile = load_profile(topic)
        kinds = urgent_kinds(profile) if urgent else None
        if urgent and not kinds:
            raise click.ClickException("--urgent: the profile's [digest] urgent_kinds is empty")
        channels = resolve_channels(profile, list(notify) or None)
        database = open_db(db)
    except (ProfileError, DeliveryError, StoreError) as exc:
        raise click.ClickException(str(exc)) from None
    try:
        result = run_digest(
            database,
            profile,
            channels=channels,
            since=since_iso,
            kinds=kinds,
            dry_run=dry_run,
            out=out,
            urgent=urgent,
        )
    except (NewsmonError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        database.close()
    if result is None:
        click.echo("No undelivered alerts: nothing to send.")
        return
    for path in out:
        click.echo(f"wrote {path}", err=True)
    if dry_run:
        click.echo(result.digest.markdown)
        targets = ", ".join(result.channels) or "no channel configured"
        click.echo(
            f"(dry run: {len(result.digest.alert_ids)} alerts, would deliver to: {targets})",
            err=True,
        )
        return
    click.echo(f"digest {result.digest_id}: {len(result.digest.alert_ids)} alerts, {result.status}")
    for s in result.sends:
        click.echo(f"  {s.channel}: {'sent' if s.ok else 'FAILED: ' + (s.error or '')}")
    if result.failed:
        raise click.ClickException(
            f"delivery failed to {len(result.failed)} channel(s); their alerts stay undelivered "
            "and the next digest retries them"
        )
