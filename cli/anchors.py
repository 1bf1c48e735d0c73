"""``newsmon anchors``: the anchors learned from accepted articles; veto one or lift a
veto (the learning itself is :mod:`newsmon.learning`)."""

from __future__ import annotations

import click

from newsmon.db import DEFAULT_DB, open_db
from newsmon.errors import ProfileError, StoreError
from newsmon.learning import allow, table, veto
from newsmon.profile import load_profile


@click.command()
@click.option("--topic", default=None, help="Topic profile (default: the bundled one).")
@click.option("--db", default=str(DEFAULT_DB), show_default=True, help="The database.")
@click.option("--veto", "vetoes", multiple=True, metavar="NAME", help="Never learn NAME.")
@click.option("--allow", "allows", multiple=True, metavar="NAME", help="Lift a veto.")
@click.option("--note", default=None, help="Why (kept with a veto).")
def anchors_command(
    topic: str | None, db: str, vetoes: tuple[str, ...], allows: tuple[str, ...], note: str | None
) -> None:
    """List the anchors learned from accepted articles; veto one or lift a veto.

    A vetoed name stops counting at the next run and is never learned again. Where each
    name was learned is in Datasette: learned_anchors and learned_anchor_provenance.

    Example:

        newsmon anchors --db data/newsmon.db --veto "Charlotte" --note "another city"
    """
    try:
        profile = load_profile(topic)
        database = open_db(db)
    except (ProfileError, StoreError) as exc:
        raise click.ClickException(str(exc)) from None
    try:
        with database.atomic():
            for name in vetoes:
                veto(database, profile.id, name.strip(), note=note)
                click.echo(f"vetoed: {name.strip()}")
            for name in allows:
                status = allow(database, profile.id, name.strip())
                click.echo(f"allowed: {name.strip()} (now {status})")
        rows = table(database, profile.id)
    finally:
        database.close()
    if not rows:
        click.echo(f"no names learned yet for {profile.id}")
        return
    for r in rows:
        click.echo(
            f"{r['status']:<10} {r['term']:<32} {r['accepted_articles']:>3} accepted, "
            f"{r['outlets']:>2} outlets, {r['near_topic_articles']:>2} near-topic  {r['reason']}"
        )
