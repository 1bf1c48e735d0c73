"""``newsmon browse``: Datasette over the newsmon database, read-only, on 127.0.0.1.

How it stays read-only while the monitor keeps writing:

- The database is opened as a *mutable* Datasette database (not ``--immutable``).
  Datasette then reads through ``file:...?mode=ro`` connections, which see every
  transaction the monitor commits (WAL mode), without restarting. ``--immutable``
  would open it with ``?immutable=1``, which tells SQLite the file never changes:
  it skips locking and the WAL, so a running monitor's writes would be missed or
  read half-done.
- Datasette opens a write connection only for writable canned queries or plugins
  that write; the shipped metadata has none, and ``newsmon browse`` also registers
  this module as a plugin whose ``prepare_connection`` sets ``PRAGMA query_only = 1``
  on every connection Datasette opens to the file, the write connection included.

The metadata (titles, descriptions, facets, canned queries) lives in
``data/metadata.yml`` at the project root. It is found relative to the installed
package's project root (a clone or an editable install), else in ``./data/``, else
given with ``--metadata``. Datasette keys metadata by database name (the file's stem),
so a database at ``somewhere/demo.db`` gets the ``newsmon`` block re-keyed to ``demo``.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import sqlite3
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click
import yaml
from datasette import hookimpl

from newsmon.db import DEFAULT_DB
from newsmon.profile import PROJECT_ROOT

LOGGER = logging.getLogger(__name__)

#: The database name the shipped metadata is written for.
METADATA_DB_NAME = "newsmon"
METADATA_FILE = Path("data") / "metadata.yml"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
#: Datasette settings for a pleasant read: long article texts are cut in table cells
#: (the full text is on the row page).
SETTINGS: dict[str, str] = {"truncate_cells_html": "300", "sql_time_limit_ms": "3000"}
#: A view the reading-room migration creates; its absence means an old schema.
MARKER_VIEW = "latest_alerts"
PLUGIN_NAME = "newsmon_read_only"


def find_metadata(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The metadata file to use: ``explicit``, else the project's, else ``./data/``."""
    if explicit is not None:
        p = Path(explicit)
        if not p.is_file():
            raise click.ClickException(f"metadata file {p} not found")
        return p
    for candidate in (PROJECT_ROOT / METADATA_FILE, Path.cwd() / METADATA_FILE):
        if candidate.is_file():
            return candidate
    return None


def load_metadata(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Read the metadata YAML (the project's when ``path`` is None); ``{}`` if none."""
    p = find_metadata(path)
    if p is None:
        return {}
    data = yaml.safe_load(p.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise click.ClickException(f"metadata file {p} is not a YAML mapping")
    return data


def database_name(db_path: str | os.PathLike[str]) -> str:
    """The name Datasette gives a database file: its stem."""
    return Path(db_path).stem


def metadata_for(metadata: Mapping[str, Any], db_name: str) -> dict[str, Any]:
    """``metadata`` with its ``newsmon`` database block (and links) re-keyed to ``db_name``."""
    out: dict[str, Any] = json.loads(json.dumps(metadata))  # a deep copy
    if db_name == METADATA_DB_NAME:
        return out
    dbs = out.get("databases") or {}
    if METADATA_DB_NAME in dbs:
        dbs[db_name] = dbs.pop(METADATA_DB_NAME)
    old, new = f"/{METADATA_DB_NAME}/", f"/{quote(db_name)}/"

    def fix(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("description_html", "about_url", "source_url") and isinstance(
                    value, str
                ):
                    node[key] = value.replace(old, new)
                else:
                    fix(value)
        elif isinstance(node, list):
            for item in node:
                fix(item)

    fix(out)
    return out


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str) -> None:
    """Datasette plugin hook (this module is the plugin): connections refuse writes."""
    if database != "_internal":
        conn.execute("PRAGMA query_only = 1")


def register_read_only() -> None:
    """Register this module as a Datasette plugin (once per process): every connection
    Datasette opens to a database file, the write connection included, is query-only."""
    import sys

    from datasette.plugins import pm

    if pm.get_plugin(PLUGIN_NAME) is None:
        pm.register(sys.modules[__name__], name=PLUGIN_NAME)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def find_templates(metadata_path: Path | None) -> Path | None:
    """The ``templates`` folder beside the metadata file (``data/templates``), if any."""
    if metadata_path is None:
        return None
    folder = metadata_path.parent / "templates"
    return folder if folder.is_dir() else None


def datasette_args(
    db_path: str | os.PathLike[str],
    *,
    metadata_path: str | os.PathLike[str] | None,
    template_dir: str | os.PathLike[str] | None = None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    open_browser: bool = False,
    get: str | None = None,
    settings: Mapping[str, str] | None = None,
) -> list[str]:
    """The ``datasette serve`` arguments for ``newsmon browse``; ``settings`` override
    :data:`SETTINGS`."""
    args = ["serve", str(db_path), "--host", host, "--port", str(port)]
    if metadata_path is not None:
        args += ["--metadata", str(metadata_path)]
    if template_dir is not None:
        args += ["--template-dir", str(template_dir)]
    for name, value in {**SETTINGS, **(settings or {})}.items():
        args += ["--setting", name, value]
    if open_browser:
        args.append("--open")
    if get is not None:
        args += ["--get", get]
    return args


def has_reading_room(db_path: Path) -> bool:
    """Whether the database has the views of the reading-room migration (read-only check)."""
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            row = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = ?", [MARKER_VIEW]
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise click.ClickException(f"cannot read the database {db_path}: {exc}") from None
    return row is not None


@click.command()
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    help="The newsmon database to open.",
)
@click.option(
    "--host",
    default=DEFAULT_HOST,
    show_default=True,
    help="Address to bind. Anything but 127.0.0.1/localhost exposes the data to the network.",
)
@click.option("--port", type=int, default=DEFAULT_PORT, show_default=True, help="Port to bind.")
@click.option(
    "--open/--no-open",
    "open_browser",
    default=False,
    show_default=True,
    help="Open a web browser on the home page.",
)
@click.option(
    "--metadata",
    "metadata_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Datasette metadata to use instead of the project's data/metadata.yml.",
)
@click.option(
    "--setting",
    "settings",
    type=(str, str),
    multiple=True,
    metavar="NAME VALUE",
    help="A Datasette setting, e.g. --setting sql_time_limit_ms 10000 for a large database.",
)
@click.option("--get", "get", default=None, hidden=True, help="Print one page and exit (tests).")
def browse_command(
    db_path: Path,
    host: str,
    port: int,
    open_browser: bool,
    metadata_path: Path | None,
    settings: tuple[tuple[str, str], ...],
    get: str | None,
) -> None:
    """Explore the database in Datasette: read-only, on 127.0.0.1 unless told otherwise.

    Articles and events are searchable; views answer the usual questions (latest
    alerts, timeline, map, duplicates, failures); alerts are also an Atom feed.

    Example:

        newsmon browse --db data/newsmon.db --port 8001 --open
    """
    from datasette.cli import cli as datasette_cli

    if not db_path.is_file():
        raise click.ClickException(
            f"no database at {db_path}: run `newsmon run` or `newsmon demo` first, "
            "or point --db at an existing file"
        )
    if not has_reading_room(db_path):
        click.echo(
            f"warning: {db_path} has no reading-room views yet; run `newsmon run` once to "
            "bring its schema up to date",
            err=True,
        )
    if not is_loopback(host):
        click.echo(
            f"warning: binding to {host}: anyone who can reach this machine can read the database",
            err=True,
        )
    source = find_metadata(metadata_path)
    metadata = metadata_for(load_metadata(source), database_name(db_path))
    if not metadata:
        click.echo(
            "warning: data/metadata.yml not found; Datasette runs without titles, facets "
            "and canned queries (use --metadata PATH)",
            err=True,
        )
    register_read_only()
    with tempfile.TemporaryDirectory(prefix="newsmon-browse-") as tmp:
        meta_file = Path(tmp) / "metadata.json"
        meta_file.write_text(json.dumps(metadata), encoding="utf-8")
        args = datasette_args(
            db_path,
            metadata_path=meta_file,
            template_dir=find_templates(source),
            host=host,
            port=port,
            open_browser=open_browser,
            get=get,
            settings=dict(settings),
        )
        LOGGER.info("datasette %s", " ".join(args))
        if get is None:
            click.echo(f"Datasette on http://{host}:{port}/ (read-only); Ctrl+C to stop", err=True)
        try:
            datasette_cli.main(args=args, prog_name="datasette", standalone_mode=False)
        except click.exceptions.Exit as exc:
            if exc.exit_code:
                raise click.ClickException(
                    f"datasette exited with status {exc.exit_code}"
                ) from None
        except click.ClickException:
            raise
        except click.Abort:
            raise click.ClickException("datasette was interrupted") from None
