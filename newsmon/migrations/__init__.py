"""Numbered schema migrations, each applied once inside its own transaction.

Each module ``mNNNN_<name>.py`` in this package defines ``up(db)``. Migrations run in
file-name order and are recorded in ``_sqlite_migrations`` (sqlite-utils' own table),
so adding a file is all a schema change needs. Never edit a migration that has
shipped: add a new one.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

import sqlite_utils
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "newsmon"


def _discover() -> list[tuple[str, Callable[[sqlite_utils.Database], None]]]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append((info.name, module.up))
    return sorted(found)


def migrations() -> Migrations:
    m = Migrations(MIGRATION_SET)
    for name, fn in _discover():
        m(name=name)(fn)
    return m


def apply(db: sqlite_utils.Database) -> list[str]:
    """Apply pending migrations; return the names applied."""
    m = migrations()
    pending = [p.name for p in m.pending(db)]
    m.apply(db)
    return pending


def refresh_views(db: sqlite_utils.Database) -> list[str]:
    """Create or update the reading-room views over tables and columns that later
    migrations add (m0401, m0402); return the names changed. A migration runs once;
    these views follow the schema, so they are checked again at every run start."""
    from newsmon.migrations.m0401_browse_optional_views import ensure_optional_views
    from newsmon.migrations.m0402_browse_planned_dates import ensure_planned_date_views

    return ensure_optional_views(db) + ensure_planned_date_views(db)
